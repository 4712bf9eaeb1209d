"""Webhooks: an organisation's endpoint that receives registry events and signals of the
sites in its scope, and one delivery row per event and endpoint (the outbox).

The endpoint's secret signs every delivery (HMAC-SHA256), so it must be recoverable: it
is stored encrypted with a key derived from the installation's ``SECRET_KEY``
(services/webhooks/signing.py). An endpoint is deactivated, never deleted; its
deliveries stay as the record of what was sent.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.organisation import Organisation
from models.site import Site

DELIVERY_STATES = ("pending", "sending", "sent", "failed")


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    url: Mapped[str] = mapped_column(sa.String(500))
    #: the event types it receives (services/webhooks/events.py: EVENT_TYPES)
    events: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: the signing secret, Fernet-encrypted with a key derived from SECRET_KEY
    secret_encrypted: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    deactivated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    deactivated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    sites: Mapped[list["WebhookEndpointSite"]] = relationship(
        back_populates="endpoint", order_by="WebhookEndpointSite.site_id")


class WebhookEndpointSite(db.Model):
    """One site whose events the endpoint receives."""

    __tablename__ = "webhook_endpoint_sites"
    __table_args__ = (sa.UniqueConstraint("endpoint_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="sites")
    site: Mapped[Site] = relationship()


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the transaction of the event itself and
    sent by the scheduler's outbox round; ``body`` is the JSON exactly as it is signed
    and sent, cleared once it is sent or given up (it may hold personal and care data).
    Retried like an e-mail (services/monitoring/mail.py's delays)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("event_id"),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')",
                           name="status_valid"),
        sa.Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        sa.Index("ix_webhook_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id"))
    #: the payload's ``id`` and the Noaber-Event-Id header: unique per delivery
    event_id: Mapped[str] = mapped_column(sa.String(36))
    event_type: Mapped[str] = mapped_column(sa.String(40))
    site_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("sites.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: while "sending": when it was claimed; a stale claim is given back
    claimed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    #: the receiver's HTTP status of the last attempt (None: no answer)
    last_status_code: Mapped[Optional[int]]
    error: Mapped[Optional[str]] = mapped_column(sa.String(500))

    endpoint: Mapped[WebhookEndpoint] = relationship()
