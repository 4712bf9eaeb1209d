"""The events an endpoint can subscribe to, and queueing them: one delivery row per
subscribed endpoint, added to the caller's session so it is committed (or rolled back)
with the change it describes (the outbox pattern).

A payload is ``{"id", "type", "occurred_at", "site_id", "data"}``; ``id`` is unique per
delivery. ``data`` is built per receiving organisation from what its role may see on
the site (services.service_accounts.organisation_access): a resident's support status,
care organisation and indicated hours only for an organisation that may see that
person's care data (a care organisation for its own clients, the corporation), names
only for roles that see the resident list; otherwise the keys are left out entirely.
A signal goes only to organisations whose role is in its audience. Sending a person's
care data is written to the audit log, as the API's reads of it are: one event per
endpoint and call, naming the residents.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import WebhookDelivery, WebhookEndpoint, WebhookEndpointSite
from services import audit
from services.access import SiteAccess
from services.service_accounts import organisation_access

UNIT_CREATED, UNIT_CHANGED = "unit.created", "unit.changed"
MOVED_IN, MOVED_OUT = "resident.moved_in", "resident.moved_out"
MEMBER_ADDED, SIGNAL_RAISED = "member.added", "signal.raised"
EVENT_TYPES = (UNIT_CREATED, UNIT_CHANGED, MOVED_IN, MOVED_OUT, MEMBER_ADDED, SIGNAL_RAISED)

#: builds the event's data for one receiver; None: this receiver gets nothing
DataFor = Callable[[SiteAccess], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Event:
    type: str
    data_for: DataFor


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def subscribed(session: Session, site_id: int) -> list[WebhookEndpoint]:
    """The active endpoints that receive events of the site (one query)."""
    return list(session.scalars(
        sa.select(WebhookEndpoint).join(WebhookEndpointSite)
        .where(WebhookEndpointSite.site_id == site_id, WebhookEndpoint.active.is_(True))
        .options(selectinload(WebhookEndpoint.organisation))
        .order_by(WebhookEndpoint.id)))


def queue(session: Session, site_id: int, events: list[Event],
          now: datetime | None = None) -> int:
    """Add a delivery for every (event, subscribed endpoint) the receiver may see; the
    caller commits. Returns how many."""
    if not events:
        return 0
    endpoints = subscribed(session, site_id)
    occurred = (now or datetime.now(timezone.utc)).isoformat()
    rows = []
    for endpoint in endpoints:
        access = organisation_access(endpoint.organisation, site_id)
        care_of: list[int] = []
        for event in events:
            if event.type not in endpoint.events:
                continue
            data = event.data_for(access)
            if data is None:
                continue
            event_id = str(uuid.uuid4())
            body = json.dumps({"id": event_id, "type": event.type, "occurred_at": occurred,
                               "site_id": site_id, "data": data}, default=_plain,
                              ensure_ascii=False, separators=(",", ":"))
            rows.append({"endpoint_id": endpoint.id, "event_id": event_id,
                         "event_type": event.type, "site_id": site_id, "body": body,
                         "status": "pending", "attempts": 0,
                         "created_at": datetime.now(timezone.utc)})
            if "support" in data:
                care_of.append(data["resident_id"])
        if care_of:
            audit.record(session, actor_id=None, entity_type="webhook_endpoint",
                         entity_id=endpoint.id, action="webhook_care_data", site_id=site_id,
                         changes={"resident_ids": care_of})
    if rows:   # one multi-row statement however many events (the import)
        session.execute(sa.insert(WebhookDelivery), rows)
    return len(rows)


# --- the events ---------------------------------------------------------------------------
# The data is read when the event is queued, not when it is made: an import makes its
# events before the new rows have their ids.

def unit_event(unit, created: bool, changes: dict | None = None) -> Event:
    def data_for(access: SiteAccess) -> dict:
        data = {"unit_id": unit.id, "number": unit.number, "unit_type": unit.unit_type,
                "part_id": unit.part_id, "shared": unit.shared}
        if not created:
            data["changes"] = sorted(changes or {})
        return data

    return Event(UNIT_CREATED if created else UNIT_CHANGED, data_for)


def resident_event(kind: str, resident, unit, support=None) -> Event:
    """A move-in or move-out. ``support`` (status, care organisation id, indicated hours
    as a record or None) is care data: sent only to a receiver that sees that person's."""

    def data_for(access: SiteAccess) -> dict:
        data = {"resident_id": resident.id, "unit_id": unit.id, "unit_number": unit.number,
                "move_in_date": resident.move_in_date,
                "move_out_date": resident.move_out_date}
        if access.can_list_residents:
            data["name"] = resident.name
        if support is not None and access.sees_care_of(support.care_organisation_id):
            data["support"] = {"status": support.status,
                               "care_organisation_id": support.care_organisation_id,
                               "indicated_hours": support.indicated_hours}
        return data

    return Event(kind, data_for)


def member_event(member, unit) -> Event:
    def data_for(access: SiteAccess) -> dict:
        return {"member_id": member.id, "association_id": member.association_id,
                "number": member.number, "unit_id": unit.id, "unit_number": unit.number,
                "starts_on": member.starts_on}

    return Event(MEMBER_ADDED, data_for)


def signal_event(signal, visible: Callable[[SiteAccess, str], bool]) -> Event:
    """A signal raised (new, or back after it cleared), with the title the digest shows;
    only for receivers in its audience (``visible``: services.monitoring.signals')."""

    def data_for(access: SiteAccess) -> dict | None:
        if not visible(access, signal.audience):
            return None
        return {"signal_id": signal.id, "rule": signal.rule, "subject": signal.subject,
                "period": signal.period, "severity": signal.severity, "title": signal.title,
                "link": signal.link}

    return Event(SIGNAL_RAISED, data_for)
