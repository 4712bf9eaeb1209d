"""Personal API tokens and the retention periods of personal data (AVG).

A token is shown to its owner once; only its SHA-256 hash is stored, with a short
prefix so the owner can tell tokens apart. A revoked token stays as a record.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash"),
                      sa.CheckConstraint("length(name) >= 1", name="name_not_empty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    #: a service account's tokens expire; personal tokens have none
    expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RetentionSetting(db.Model):
    """A site's own retention periods, in months; sites without a row use the defaults
    of :mod:`services.privacy.retention`."""

    __tablename__ = "retention_settings"
    __table_args__ = (
        sa.CheckConstraint("resident_months >= 1 AND resident_months <= 240",
                           name="resident_months_range"),
        sa.CheckConstraint("candidate_months >= 1 AND candidate_months <= 240",
                           name="candidate_months_range"),
    )

    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), primary_key=True)
    resident_months: Mapped[int]
    candidate_months: Mapped[int]
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
