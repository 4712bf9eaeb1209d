"""Two-factor authentication with time-based one-time codes (TOTP, RFC 6238: 6 digits,
30 seconds, SHA-1, as every authenticator app reads them) and one-time recovery codes.

A set-up first stores a secret unconfirmed; the second factor is on once a code made
from it is entered (:func:`confirm`). A code is accepted once: the time step of the last
accepted code is kept and a code of that step or an earlier one is refused. Ten
recovery codes are made at confirmation; they are shown once and only their hashes
are kept.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import RecoveryCode, User
from services import audit
from services.errors import N_, RuleViolation

STEP_SECONDS = 30
#: codes of the previous and next time step count too (a clock a little off)
WINDOW = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def roles_of(user: User) -> set[str]:
    """The roles that count for the second-factor policy ("admin" for an admin,
    "corporation_admin" for an administrator of a woningcorporatie)."""
    return {m.role for m in user.memberships} | ({"admin"} if user.is_admin else set()) \
        | ({"corporation_admin"} if user.admin_of_corporation_id is not None else set())


def is_required(user: User, required_roles) -> bool:
    return bool(roles_of(user) & set(required_roles))


def must_set_up(user: User, required_roles) -> bool:
    """Whether the person has to set up the second factor before anything else."""
    return not user.has_second_factor and is_required(user, required_roles)


def start_setup(session: Session, user: User) -> str:
    """The secret of a set-up in progress (a new one when there is none)."""
    if user.has_second_factor:
        raise RuleViolation(N_("Tweestapsverificatie staat al aan."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    return user.totp_secret


def provisioning_uri(user: User, issuer: str) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI (an ``<img>`` the CSP allows)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _hash_code(code: str) -> str:
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    """Ten new recovery codes (the earlier unused ones stop working)."""
    session.execute(sa.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).values(used_at=now))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(code), created_at=now))
    session.flush()
    return codes


def confirm(session: Session, user: User, code: str, now: datetime) -> list[str]:
    """Switch the second factor on with a first code; returns the recovery codes."""
    if not user.totp_secret or user.has_second_factor:
        raise RuleViolation(N_("Begin opnieuw met het instellen."), field="code")
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        raise RuleViolation(N_("Deze code klopt niet. Controleer de tijd op uw telefoon en "
                               "vul de code in die de app nu toont."), field="code")
    user.totp_confirmed_at, user.totp_last_step = now, step
    audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                 action="second_factor_on")
    return _new_recovery_codes(session, user, now)


def verify(session: Session, user: User, code: str, now: datetime) -> str | None:
    """Check a login's second step: "totp" or "recovery" for an accepted code (which is
    then spent), None for a wrong or already used one."""
    if not user.has_second_factor:
        return None
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return None  # this code (or an older one) was used already
        user.totp_last_step = step
        session.flush()
        return "totp"
    spent = session.execute(sa.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code),
        RecoveryCode.used_at.is_(None)).values(used_at=now))
    if spent.rowcount == 1:
        audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                     action="recovery_code_used")
        session.flush()
        return "recovery"
    return None


def unused_recovery_codes(session: Session, user: User) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def regenerate_recovery_codes(session: Session, user: User, password: str,
                              now: datetime) -> list[str]:
    if not user.has_second_factor:
        raise RuleViolation(N_("Tweestapsverificatie staat niet aan."))
    if not user.check_password(password or ""):
        raise RuleViolation(N_("Het huidige wachtwoord klopt niet."), field="password")
    audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                 action="recovery_codes_renewed")
    return _new_recovery_codes(session, user, now)


def _clear(session: Session, user: User, now: datetime) -> None:
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    session.execute(sa.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).values(used_at=now))


def switch_off(session: Session, user: User, password: str, required_roles,
               now: datetime) -> None:
    """The person switches their own second factor off (not when their roles require
    it); other sessions end."""
    if is_required(user, required_roles):
        raise RuleViolation(N_("Voor uw rol is tweestapsverificatie verplicht."))
    if not user.check_password(password or ""):
        raise RuleViolation(N_("Het huidige wachtwoord klopt niet."), field="password")
    _clear(session, user, now)
    user.end_sessions()
    audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                 action="second_factor_off")
    session.flush()


def reset(session: Session, user: User, *, actor_id: int, now: datetime) -> None:
    """An admin resets a person's second factor (a lost phone and no recovery codes): the
    person sets it up again at their next login; their sessions end."""
    if not user.totp_secret:
        raise RuleViolation(N_("Deze gebruiker heeft geen tweestapsverificatie."))
    _clear(session, user, now)
    user.end_sessions()
    audit.record(session, actor_id=actor_id, entity_type="user", entity_id=user.id,
                 action="second_factor_reset")
    session.flush()
