"""Service accounts: an organisation's system calling the API with its own tokens.

A service account belongs to one organisation and acts through a technical account
(``user``: no password, never a person) that holds, per site in its scope, the role
the organisation's kind has there (services/service_accounts.py). Its scope per site is
read-only or read-write; its tokens (``ApiToken`` rows of the technical account) expire.
A revoked account stays as a record.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.organisation import Organisation
from models.site import Site
from models.user import User


class ServiceAccount(db.Model):
    __tablename__ = "service_accounts"
    __table_args__ = (sa.UniqueConstraint("user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    scopes: Mapped[list["ServiceAccountSite"]] = relationship(
        back_populates="account", order_by="ServiceAccountSite.site_id")


class ServiceAccountSite(db.Model):
    """One site in a service account's scope: read-only or read-write."""

    __tablename__ = "service_account_sites"
    __table_args__ = (sa.UniqueConstraint("account_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("service_accounts.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    can_write: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    account: Mapped[ServiceAccount] = relationship(back_populates="scopes")
    site: Mapped[Site] = relationship()


class IdempotencyKey(db.Model):
    """The answer to a POST sent with an ``Idempotency-Key``, so a retry with the same key
    gets the same answer instead of a second record."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(200))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
