"""Residents' participation in the community (seed 004 "Gemengd Wonen met een duurzame community-aanpak": in a healthy community
about 50-70% of the residents contribute actively; not every contribution is visible).

A record is one dated, visible contribution of a resident: organised an activity, took
part, helps neighbours, sits on a commission (recorded by services/association/board.py
when someone joins one). Organising or taking part can name the date of an activity in
the room agenda (models/rooms.py, a booked occurrence of an activity series in one of
the site's rooms); the record then has that activity's date. The form offers the
activities of the last :data:`RECENT_ACTIVITY_DAYS` days (:func:`recent_activities`).
The room agenda's own attendance counts (services/rooms/activities.py) stay anonymous
and separate: a record here is about one resident and written by hand.

Choice: ``Resident.actively_contributes`` stays the one stored judgement that the
registry, the monitoring rule (services/monitoring/sweep.py) and the share on this page
all read, so they always agree. Recording a contribution sets it. It is only cleared by
hand (here, or in the registry), never because no contribution was recorded lately:
seed 004 warns "Niet iedere bijdrage is meetbaar of zichtbaar!". The page lists who is
marked active without a record in the last 12 months, so the board can look again.
No care data is read or shown here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session, joinedload

from models import (Booking, BookingSeries, BookingStatus, ParticipationKind, Site,
                    ParticipationRecord, Resident, Room, Unit)
from services import audit
from services.errors import N_, NotFound, RuleViolation
from services.governance.localtime import day_start, local_day
from services.monitoring.rules import ACTIVE_SHARE_HIGH, ACTIVE_SHARE_LOW
from services.registry.sites import active_band

RECENT_MONTHS = 12
RECENT_ACTIVITY_DAYS = 60
ACTIVITY_KINDS = (ParticipationKind.ORGANISEERDE, ParticipationKind.DEED_MEE)


def share_status(active: int, total: int, low: Fraction = ACTIVE_SHARE_LOW,
                 high: Fraction = ACTIVE_SHARE_HIGH) -> tuple[Fraction | None, str]:
    """The share of active residents and where it lies against the site's band (pure;
    50-70% unless the site set its own): ``laag``, ``binnen``, ``hoog``, or ``leeg``
    without residents."""
    if total == 0:
        return None, "leeg"
    share = Fraction(active, total)
    return share, "laag" if share < low else "hoog" if share > high else "binnen"


def get_resident(session: Session, site_id: int, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None or resident.unit.site_id != site_id:
        raise NotFound(resident_id)
    return resident


def _activities(site_id: int):
    """SQL: the booked (not cancelled) activity dates of the site's rooms."""
    return (sa.select(Booking).join(BookingSeries, BookingSeries.id == Booking.series_id)
            .join(Room, Room.id == Booking.room_id)
            .options(joinedload(Booking.series), joinedload(Booking.room))
            .where(Room.site_id == site_id, BookingSeries.is_activity,
                   Booking.status == BookingStatus.BOOKED))


def recent_activities(session: Session, site_id: int, today: date,
                      days: int = RECENT_ACTIVITY_DAYS) -> list[Booking]:
    """The activity dates of the site's rooms from ``days`` days ago up to today, the
    latest first: the choice offered when recording a contribution."""
    return list(session.scalars(_activities(site_id).where(
        Booking.starts_at >= day_start(today - timedelta(days=days)),
        Booking.starts_at < day_start(today + timedelta(days=1)))
        .order_by(Booking.starts_at.desc(), Booking.id.desc())))


def _activity(session: Session, resident: Resident, booking_id: int, kind: str,
              today: date) -> Booking:
    """The chosen activity date, checked: of the resident's site, held, not ahead."""
    booking = session.scalar(_activities(resident.unit.site_id).where(Booking.id == booking_id))
    if booking is None or local_day(booking.starts_at) > today:
        raise RuleViolation(N_("Kies een activiteit van de ruimtes van deze locatie."),
                            field="booking_id")
    if kind not in ACTIVITY_KINDS:
        raise RuleViolation(N_("Een activiteit uit de agenda hoort bij organiseren of "
                               "meedoen."), field="booking_id")
    if session.scalar(sa.select(ParticipationRecord.id).where(
            ParticipationRecord.resident_id == resident.id,
            ParticipationRecord.booking_id == booking.id)):
        raise RuleViolation(N_("Voor deze activiteit is de bijdrage van %(name)s al "
                               "vastgelegd."), field="booking_id", name=resident.name)
    return booking


def record(session: Session, resident: Resident, *, kind: str | None, on: date | None,
           note: str | None, actor_id: int | None, today: date,
           commission_id: int | None = None,
           booking_id: int | None = None) -> ParticipationRecord:
    """Record a contribution; the resident counts as actively contributing from now on.
    With an activity of the room agenda (``booking_id``) the date is the activity's."""
    if kind not in set(ParticipationKind):
        raise RuleViolation(N_("Kies wat de bewoner deed."), field="kind")
    booking = _activity(session, resident, booking_id, kind, today) if booking_id else None
    if booking is not None:
        on = local_day(booking.starts_at)
    if on is None or on > today:
        raise RuleViolation(N_("Vul een datum in, niet in de toekomst."), field="on")
    if not resident.is_current(on):
        raise RuleViolation(N_("%(name)s woonde toen niet op de locatie."), field="on",
                            name=resident.name)
    row = ParticipationRecord(resident_id=resident.id, kind=kind, on=on,
                              note=(note or "").strip()[:300] or None,
                              commission_id=commission_id, booking=booking,
                              recorded_by_id=actor_id)
    session.add(row)
    if not resident.actively_contributes:
        resident.actively_contributes = True
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="participation", site_id=resident.unit.site_id,
                 changes={"kind": kind, "on": on, "booking": booking_id})
    return row


def set_active(session: Session, resident: Resident, *, active: bool,
               actor_id: int | None) -> Resident:
    """Mark or unmark a resident as actively contributing, by judgement."""
    changes = audit.changes_between(resident, {"actively_contributes": active})
    resident.actively_contributes = active
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="update", site_id=resident.unit.site_id, changes=changes)
    return resident


@dataclass(frozen=True)
class ResidentRow:
    resident: Resident
    last: date | None
    recent: int                 # records in the last 12 months
    kinds: tuple[str, ...]      # kinds recorded in the last 12 months
    agenda: int = 0             # of those, linked to an activity of the room agenda

    @property
    def review(self) -> bool:
        """Marked active, but nothing recorded lately: worth a look (not a verdict)."""
        return self.resident.actively_contributes and self.recent == 0


@dataclass(frozen=True)
class SiteParticipation:
    rows: list[ResidentRow]
    active: int
    total: int
    share: Fraction | None
    status: str
    low: Fraction = ACTIVE_SHARE_LOW    # the site's band
    high: Fraction = ACTIVE_SHARE_HIGH


def site_participation(session: Session, site_id: int, today: date) -> SiteParticipation:
    """Every current resident of the site with their recent contributions, and the share
    of residents marked as actively contributing."""
    residents = list(session.scalars(
        sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id, Resident.move_in_date <= today,
               sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > today))
        .order_by(Unit.number, Resident.name)))
    since = today - relativedelta(months=RECENT_MONTHS)
    records: dict[int, list[ParticipationRecord]] = {}
    for row in session.scalars(sa.select(ParticipationRecord).where(
            ParticipationRecord.resident_id.in_([r.id for r in residents]))
            .order_by(ParticipationRecord.on)):
        records.setdefault(row.resident_id, []).append(row)
    rows = []
    for resident in residents:
        mine = records.get(resident.id, [])
        recent = [r for r in mine if r.on > since]
        rows.append(ResidentRow(resident, mine[-1].on if mine else None, len(recent),
                                tuple(dict.fromkeys(r.kind for r in recent)),
                                sum(r.booking_id is not None for r in recent)))
    active = sum(r.actively_contributes for r in residents)
    low, high = active_band(session.get(Site, site_id))
    share, status = share_status(active, len(residents), low, high)
    return SiteParticipation(rows, active, len(residents), share, status, low, high)


def records_of(session: Session, resident_id: int) -> list[ParticipationRecord]:
    """A resident's records, the latest first (with the linked activity, if any)."""
    return list(session.scalars(sa.select(ParticipationRecord).options(
        joinedload(ParticipationRecord.booking).joinedload(Booking.series),
        joinedload(ParticipationRecord.booking).joinedload(Booking.room)).where(
        ParticipationRecord.resident_id == resident_id).order_by(
        ParticipationRecord.on.desc(), ParticipationRecord.id.desc())))
