"""Personal API tokens: created and revoked by their owner, stored as a SHA-256 hash.

The secret is 32 random bytes (``secrets.token_urlsafe``), so a plain SHA-256 is enough
to store it: there is nothing to guess, unlike a password. It is shown once, when made.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ApiToken, User
from services import audit
from services.errors import N_, RuleViolation

PREFIX = "nbr_"
MAX_ACTIVE_TOKENS = 10
#: how often the "last used" time is written (not on every request)
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the owner once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def active_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(sa.select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """All tokens of a user, the revoked ones included, newest first."""
    return list(session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.id.desc())))


def create_token(session: Session, user: User, name: str, *, now: datetime,
                 expires_at: datetime | None = None, actor_id: int | None = None) -> NewToken:
    """A new token for ``user``; the secret in the result is the only copy. A service
    account's tokens expire at ``expires_at``; ``actor_id`` is who made it (the owner
    unless given)."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation(N_("Geef het token een naam, bijvoorbeeld het systeem dat het "
                               "gebruikt."), field="name")
    if len(name) > 100:
        raise RuleViolation(N_("Een naam heeft hoogstens 100 tekens."), field="name")
    if len(active_tokens(session, user.id)) >= MAX_ACTIVE_TOKENS:
        raise RuleViolation(N_("U hebt al %(n)s actieve tokens; trek er eerst een in."),
                            field="name", n=MAX_ACTIVE_TOKENS)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret),
                     prefix=secret[:10], created_at=now, expires_at=expires_at)
    session.add(token)
    session.flush()
    audit.record(session, actor_id=actor_id or user.id, entity_type="api_token",
                 entity_id=token.id, action="create",
                 changes={"name": name, "expires_at": expires_at})
    return NewToken(token, secret)


def revoke_token(session: Session, token: ApiToken, *, actor_id: int, now: datetime) -> None:
    if token.revoked_at is not None:
        raise RuleViolation(N_("Dit token is al ingetrokken."))
    token.revoked_at = now
    audit.record(session, actor_id=actor_id, entity_type="api_token", entity_id=token.id,
                 action="revoke", changes={"name": token.name})
    session.flush()


def user_for_secret(session: Session, secret: str, *, now: datetime,
                    clock: datetime | None = None) -> User | None:
    """The active owner of an unrevoked, unexpired token, noting when it was used; else
    None. ``clock`` is the application's "now" for the expiry (a fixed day in tests and
    demos), ``now`` by default."""
    if not secret or len(secret) > 200:
        return None
    token = session.scalar(sa.select(ApiToken).where(
        ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.active:
        return None
    if token.expires_at is not None and token.expires_at <= (clock or now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return token.user
