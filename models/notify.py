"""Notifications: what was told to whom about which event, each person's preference per
kind of notification, and the personal calendar feed token.

A :class:`Notification` is written once per person and event: its ``dedupe_key`` is
unique, so a rerun of a job or a retried request finds it and sends nothing twice. It
says how it was delivered: a mail at once (``mail_id``), a line in the next weekly digest
(``digest_period`` once included), not at all (the person switched the kind off) or not
at all because the person has no e-mail address.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.monitoring import OutgoingMail  # noqa: F401 (the mail relationship)
from models.user import User

DELIVERIES = ("now", "digest", "off", "no_address")
CHOICES = ("now", "digest", "off")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key"),
        sa.CheckConstraint("delivery IN ('now', 'digest', 'off', 'no_address')",
                           name="delivery_valid"),
        sa.Index("ix_notifications_digest", "user_id", "delivery", "digest_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: somebody without an account (an external party that asked for the room)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    dedupe_key: Mapped[str] = mapped_column(sa.String(200))
    delivery: Mapped[str] = mapped_column(sa.String(10))
    #: one line for the weekly digest (no care data, like the mail itself)
    summary: Mapped[str] = mapped_column(sa.String(300))
    link: Mapped[Optional[str]] = mapped_column(sa.String(300))
    mail_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("outgoing_mail.id"))
    #: the week of the digest that carried it (delivery "digest")
    digest_period: Mapped[Optional[str]] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mail: Mapped[Optional["OutgoingMail"]] = relationship()


class NotificationPreference(db.Model):
    """A person's choice for one kind: at once, in the weekly digest, or off. No row:
    the default of their roles (services.notify.preferences)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind"),
        sa.CheckConstraint("delivery IN ('now', 'digest', 'off')", name="delivery_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    delivery: Mapped[str] = mapped_column(sa.String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PersonalFeedToken(db.Model):
    """The secret URL of one person's calendar feed (their meetings, bookings and action
    items). Only the SHA-256 of the token is stored; revoking sets ``revoked_at``."""

    __tablename__ = "personal_feed_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
