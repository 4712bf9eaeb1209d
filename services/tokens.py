"""Signed links for accounts: resetting a forgotten password, confirming a new e-mail
address (and, through :mod:`services.invitations`, accepting an invitation).

A token is the payload signed with the installation's secret key (itsdangerous), one
salt per purpose, with the moment it was made. Each kind of token is bound to the state
it changes, so it works once and an older one dies:

- a password-reset token carries a fingerprint of the account's current password hash:
  once the password changes (by this link or otherwise) the link no longer matches;
- an e-mail confirmation token carries a fingerprint of the current address and
  password hash: once the address changes, the link is spent.

Nothing is stored for a token; the links themselves only travel in the outbox.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from models import User
from services import audit
from services.accounts import find_user_by_email, normalise_email
from services.errors import N_, RuleViolation
from services.passwords import check_new_password

RESET = "password-reset"
EMAIL_CHANGE = "email-change"
INVITATION = "invitation"


class TokenError(Exception):
    """A link that does not work: ``reason`` is "invalid" (altered, unknown or already
    used) or "expired"; ``payload`` is the signed content when the signature holds."""

    def __init__(self, reason: str, payload: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.payload = payload or {}


def _serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"noaber.{purpose}")


def issue(secret: str, purpose: str, data: dict[str, Any], now: datetime) -> str:
    """A signed token for ``purpose`` with ``data`` and the moment ``now``."""
    return _serializer(secret, purpose).dumps({**data, "t": int(now.timestamp())})


def read(secret: str, purpose: str, token: str, *, max_age: timedelta,
         now: datetime) -> dict[str, Any]:
    """The payload of a token for ``purpose``, or :class:`TokenError`."""
    try:
        payload = _serializer(secret, purpose).loads(token or "")
    except BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("t"), int):
        raise TokenError("invalid")
    age = now.timestamp() - payload["t"]
    if age < -60:  # made in the future: not by this installation's clock
        raise TokenError("invalid")
    if age > max_age.total_seconds():
        raise TokenError("expired", payload)
    return payload


def fingerprint(*values: str) -> str:
    """A short hash of account state (a password hash, an address) for a payload: the
    token shows nothing of the state, yet no longer matches once the state changes."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]


def _same(a: Any, b: str) -> bool:
    return isinstance(a, str) and hmac.compare_digest(a, b)


# --- forgotten password ----------------------------------------------------------

def reset_token(secret: str, user: User, now: datetime) -> str:
    return issue(secret, RESET, {"u": user.id, "h": fingerprint(user.password_hash)}, now)


def user_for_reset(session: Session, secret: str, token: str, *, max_age: timedelta,
                   now: datetime) -> User:
    """The active account whose password this link may reset, or :class:`TokenError`
    (also when the password has changed since the link was made: it has been used)."""
    payload = read(secret, RESET, token, max_age=max_age, now=now)
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.active or not _same(payload.get("h"),
                                                    fingerprint(user.password_hash)):
        raise TokenError("invalid")
    return user


def reset_password(session: Session, user: User, password: str) -> None:
    """Set the new password chosen through a reset link: every session of the account
    ends (and with the password hash, the link itself)."""
    check_new_password(password, email=user.email)
    user.set_password(password)
    audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                 action="reset_password", changes={"password": ["***", "***"]})
    session.flush()


# --- a new e-mail address ----------------------------------------------------------

@dataclass(frozen=True)
class EmailChange:
    user: User
    new_email: str


def _email_state(user: User) -> str:
    return fingerprint(user.email, user.password_hash)


def request_email_change(session: Session, secret: str, user: User, new_email: str,
                         password: str, now: datetime) -> tuple[str, str]:
    """Check a requested address change (the current password, a free address) and make
    its confirmation token: (normalised new address, token). Nothing changes yet."""
    if not user.check_password(password or ""):
        raise RuleViolation(N_("Het huidige wachtwoord klopt niet."), field="password")
    email = normalise_email(new_email)
    if email == user.email:
        raise RuleViolation(N_("Dit is al uw e-mailadres."), field="email")
    if find_user_by_email(session, email) is not None:
        raise RuleViolation(N_("Er is al een account met dit e-mailadres."), field="email")
    return email, issue(secret, EMAIL_CHANGE, {"u": user.id, "e": email,
                                               "h": _email_state(user)}, now)


def email_change_for(session: Session, secret: str, token: str, *, max_age: timedelta,
                     now: datetime) -> EmailChange:
    """The change a confirmation link stands for, or :class:`TokenError`."""
    payload = read(secret, EMAIL_CHANGE, token, max_age=max_age, now=now)
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.active or not isinstance(payload.get("e"), str) \
            or not _same(payload.get("h"), _email_state(user)):
        raise TokenError("invalid")
    return EmailChange(user, payload["e"])


def confirm_email_change(session: Session, change: EmailChange) -> str:
    """Make the confirmed address the account's; returns the old address (to tell)."""
    user, old = change.user, change.user.email
    if find_user_by_email(session, change.new_email) is not None:
        raise RuleViolation(N_("Er is inmiddels al een account met dit e-mailadres."),
                            field="email")
    user.email = change.new_email
    audit.record(session, actor_id=user.id, entity_type="user", entity_id=user.id,
                 action="change_email", changes={"email": [old, change.new_email]})
    session.flush()
    return old
