"""Sending the webhook outbox: each delivery is claimed by one process (so two schedulers
never send it twice), posted with a short timeout and without following redirects, and
on a network error or an answer other than 2xx retried after the e-mail outbox's delays
(1, 5, 15 minutes ... about a day); after the last attempt it is "failed", shown on
/koppelingen/ and as an installation signal (services/monitoring/installation.py).

Before every attempt the host is resolved again: a name that now points inside the
network is refused without a request (unless local addresses are allowed).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import WebhookDelivery, WebhookEndpoint
from services.monitoring.mail import MAX_ATTEMPTS, retry_delay
from services.webhooks import signing
from services.webhooks.endpoints import Resolver, refused_address

#: connect and read timeouts in seconds: a slow receiver does not hold up the round
TIMEOUT = (3.05, 10)
#: a delivery still "sending" after this long was claimed by a process that died
SENDING_TIMEOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def release_stale(session: Session, now: datetime) -> int:
    """Give back deliveries left at "sending" by a process that died (they may have
    arrived: receivers deduplicate on Noaber-Event-Id)."""
    result = session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.status == "sending", WebhookDelivery.claimed_at < now - SENDING_TIMEOUT)
        .values(status=sa.case((WebhookDelivery.attempts >= MAX_ATTEMPTS, "failed"),
                               else_="pending"),
                body=sa.case((WebhookDelivery.attempts >= MAX_ATTEMPTS, ""),
                             else_=WebhookDelivery.body), claimed_at=None,
                error="Onderbroken tijdens het versturen (het proces stopte)."))
    return result.rowcount


def pending_ids(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Deliveries due at ``now`` for active endpoints (a deactivated one gets nothing)."""
    return list(session.scalars(
        sa.select(WebhookDelivery.id).join(WebhookEndpoint)
        .where(WebhookDelivery.status == "pending", WebhookEndpoint.active.is_(True),
               sa.or_(WebhookDelivery.next_attempt_at.is_(None),
                      WebhookDelivery.next_attempt_at <= now))
        .order_by(WebhookDelivery.id).limit(limit)))


def claim(session: Session, delivery_id: int, now: datetime) -> bool:
    """Take one delivery; False when another process took it first."""
    result = session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
        .values(status="sending", claimed_at=now, attempts=WebhookDelivery.attempts + 1))
    return result.rowcount == 1


def send(delivery: WebhookDelivery, *, secret_key: str, now: datetime, allow_local: bool,
         resolve: Resolver | None = None, http=requests) -> Attempt:
    """One signed POST of the delivery's body to its endpoint."""
    endpoint = delivery.endpoint
    parts = urlsplit(endpoint.url)
    if not allow_local:
        reason = refused_address(parts.hostname or "", parts.port or 443, resolve)
        if reason:
            return Attempt(None, reason % {"host": parts.hostname})
    try:
        secret = signing.decrypt(endpoint.secret_encrypted, secret_key)
    except signing.SecretUnreadable:
        return Attempt(None, "Het geheim is niet te lezen (is SECRET_KEY veranderd?).")
    headers = signing.headers(secret, int(now.timestamp()), delivery.body, delivery.event_id)
    try:
        response = http.post(endpoint.url, data=delivery.body.encode(), headers=headers,
                             timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        return Attempt(None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Attempt(response.status_code, None)
    return Attempt(response.status_code, f"HTTP {response.status_code}")


def finish(session: Session, delivery: WebhookDelivery, now: datetime,
           attempt: Attempt) -> None:
    """Sent, or back to pending for a later attempt, or failed after ``MAX_ATTEMPTS``. A
    body that is done with (sent or given up) is cleared: it may hold a resident's name
    and care data, which the installation keeps only where the record needs it."""
    delivery.last_status_code, delivery.claimed_at = attempt.status_code, None
    if attempt.ok:
        delivery.status, delivery.sent_at, delivery.error = "sent", now, None
        delivery.next_attempt_at = None
    else:
        delay = retry_delay(delivery.attempts) if delivery.attempts < MAX_ATTEMPTS else None
        delivery.status = "pending" if delay is not None else "failed"
        delivery.next_attempt_at = now + delay if delay is not None else None
        delivery.error = attempt.error[:500]
    if delivery.status in ("sent", "failed"):
        delivery.body = ""
    session.flush()


def failed_count(session: Session) -> int:
    """Deliveries given up, for endpoints that are still active."""
    return session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)
                          .join(WebhookEndpoint).where(WebhookDelivery.status == "failed",
                                                       WebhookEndpoint.active.is_(True))) or 0
