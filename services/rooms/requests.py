"""External requests to use the room, the Btiv rule and the tariff list.

A housing corporation may let its shared room only to associations or foundations that
work solely for the general interest, to public bodies, and to persons doing
non-commercial social work (seed 000 "Btiv"; seed 000, seed 003 "Zaalhuur"): a request
for commercial use is refused outright and nothing is stored. The others become a
series whose occurrences wait as *requested* (they do not block the room) until the room
manager approves (each date checked again, colliding ones may be skipped) or declines.
External users pay a small contribution from the room's tariff list; the estimate shown
with the form is kept with the request.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (BookingSeries, BookingStatus, RequesterKind, RequestStatus, Room,
                    RoomRequest, TariffUnit)
from services.accounts import normalise_email
from services.errors import N_, RuleViolation
from services.rooms import bookings
from services.rooms.bookings import BookingData

COMMERCIAL = "commercieel"
BTIV_REFUSED = N_("De ruimte is niet beschikbaar voor commercieel gebruik. Een "
                  "woningcorporatie mag een ontmoetingsruimte alleen in gebruik geven aan "
                  "verenigingen en stichtingen die zich uitsluitend op het algemeen belang "
                  "richten, aan overheidsinstellingen en aan personen die er "
                  "maatschappelijk werk zonder winstoogmerk doen (Btiv).")
DAGDEEL_MINUTES = 4 * 60


@dataclass(frozen=True)
class Requester:
    kind: str
    organisation: str
    contact_name: str
    email: str
    purpose: str
    commercial: bool = False
    phone: str | None = None
    expected_people: int | None = None


@dataclass(frozen=True)
class Quote:
    """The applicable tariff and what it comes to for one date and for all dates."""

    unit: str
    amount: Decimal
    units_per_date: Decimal
    per_date: Decimal
    dates: int

    @property
    def total(self) -> Decimal:
        return self.per_date * self.dates


def units_for(unit: str, minutes: int) -> Decimal:
    """Billable units of one date: hours (per quarter), started dagdelen of four hours,
    or one use."""
    if unit == TariffUnit.UUR:
        return Decimal(math.ceil(minutes / 15)) / 4
    if unit == TariffUnit.DAGDEEL:
        return Decimal(math.ceil(minutes / DAGDEEL_MINUTES))
    return Decimal(1)


def quote(room: Room, kind: str, minutes: int, dates: int) -> Quote | None:
    """The room's tariff for this kind of party, or None when the list has none."""
    tariff = next((t for t in room.tariffs if t.requester_kind == kind), None)
    if tariff is None:
        return None
    units = units_for(tariff.unit, minutes)
    return Quote(tariff.unit, tariff.amount, units, (tariff.amount * units).quantize(
        Decimal("0.01")), dates)


def check_btiv(requester: Requester) -> None:
    """Refuse commercial use (Btiv); the kinds of party left may use the room."""
    if requester.kind == COMMERCIAL:
        raise RuleViolation(BTIV_REFUSED, field="requester_kind")
    if requester.commercial:
        raise RuleViolation(BTIV_REFUSED, field="commercial")
    if requester.kind not in set(RequesterKind):
        raise RuleViolation(N_("Kies wie de ruimte wil gebruiken."), field="requester_kind")


def _clean(requester: Requester) -> dict:
    values = {"organisation": (requester.organisation or "").strip(),
              "contact_name": (requester.contact_name or "").strip(),
              "purpose": (requester.purpose or "").strip(),
              "phone": (requester.phone or "").strip() or None}
    if not values["organisation"]:
        raise RuleViolation(N_("Vul de naam van de organisatie of groep in."),
                            field="organisation")
    if not values["contact_name"]:
        raise RuleViolation(N_("Vul de naam van de contactpersoon in."), field="contact_name")
    if len(values["purpose"]) < 10:
        raise RuleViolation(N_("Beschrijf in een paar woorden waarvoor u de ruimte wilt "
                               "gebruiken."), field="purpose")
    if requester.expected_people is not None and requester.expected_people < 1:
        raise RuleViolation(N_("Vul een aantal personen van 1 of meer in."),
                            field="expected_people")
    values["email"] = normalise_email(requester.email)
    return values


def submit(session: Session, room: Room, requester: Requester, data: BookingData, *,
           today: date, now: datetime) -> RoomRequest:
    """Store an external request; every date must be free now (no choice to skip here:
    the requester picks another time)."""
    check_btiv(requester)
    if not room.accepts_requests or not room.active:
        raise RuleViolation(N_("Deze ruimte neemt geen aanvragen van buiten aan."))
    values = _clean(requester)
    data = BookingData(data.title, data.first_day, data.start_time, data.end_time, data.rule)
    slots = bookings.plan(room, data, today)
    if room.capacity and requester.expected_people and requester.expected_people > room.capacity:
        raise RuleViolation(N_("In deze ruimte passen hoogstens %(n)s personen."),
                            field="expected_people", n=room.capacity)
    checks = bookings.check(session, room, slots, today=today, now=now)
    if bookings.collision_dates(checks):
        raise bookings.Collisions(checks)
    series = bookings.new_series(room, data, booked_by_id=None)
    bookings.add_occurrences(session, series, checks, BookingStatus.REQUESTED)
    minutes = int((slots[0].ends_at - slots[0].starts_at).total_seconds() // 60)
    estimate = quote(room, requester.kind, minutes, len(slots))
    request = RoomRequest(series=series, requester_kind=requester.kind,
                          expected_people=requester.expected_people,
                          tariff_amount=estimate.total if estimate else None,
                          status=RequestStatus.PENDING, submitted_at=now, **values)
    session.add(request)
    session.flush()
    return request


def _pending(request: RoomRequest) -> None:
    if request.status != RequestStatus.PENDING:
        raise RuleViolation(N_("Over deze aanvraag is al besloten."))


def approve(session: Session, request: RoomRequest, *, on_conflict: str | None = None,
            seen: frozenset[date] = frozenset(), note: str | None = None,
            actor_id: int, today: date, now: datetime) -> RoomRequest:
    """Book the requested dates; each is checked again (dates that collide now, or have
    passed, may be skipped as when booking)."""
    _pending(request)
    series = request.series
    bookings.lock_room(session, series.room_id)
    waiting = [b for b in series.occurrences if b.status == BookingStatus.REQUESTED]
    checks = bookings.check(session, series.room, [bookings.slot_of(b) for b in waiting],
                            today=today, now=now)
    bookings.resolve(checks, on_conflict, seen)
    for b, c in zip(waiting, checks):
        b.status = BookingStatus.BOOKED if c.free else BookingStatus.SKIPPED
        b.changed_at, b.changed_by_id = now, actor_id
    _decide(request, RequestStatus.APPROVED, note, actor_id, now)
    bookings.flush_bookings(session)
    return request


def decline(session: Session, request: RoomRequest, *, note: str | None, actor_id: int,
            now: datetime) -> RoomRequest:
    """Decline with a reason for the requester; the dates become *declined*."""
    _pending(request)
    if not (note or "").strip():
        raise RuleViolation(N_("Geef de reden van de afwijzing."), field="note")
    for b in request.series.occurrences:
        if b.status == BookingStatus.REQUESTED:
            b.status, b.changed_at, b.changed_by_id = BookingStatus.DECLINED, now, actor_id
    _decide(request, RequestStatus.DECLINED, note, actor_id, now)
    session.flush()
    return request


def _decide(request: RoomRequest, status: str, note: str | None, actor_id: int,
            now: datetime) -> None:
    request.status, request.decided_at, request.decided_by_id = status, now, actor_id
    request.decision_note = (note or "").strip() or None


def requests_of(session: Session, site_id: int, *, status: str | None = None) -> list[RoomRequest]:
    """The site's external requests, waiting ones first, newest first."""
    stmt = (sa.select(RoomRequest).join(BookingSeries, BookingSeries.id == RoomRequest.series_id)
            .join(Room, Room.id == BookingSeries.room_id).where(Room.site_id == site_id))
    if status:
        stmt = stmt.where(RoomRequest.status == status)
    return list(session.scalars(stmt.order_by(RoomRequest.status != RequestStatus.PENDING,
                                              RoomRequest.submitted_at.desc())))


def request_on_site(session: Session, site_id: int, request_id: int) -> RoomRequest | None:
    request = session.get(RoomRequest, request_id)
    return request if request is not None and request.series.room.site_id == site_id else None

