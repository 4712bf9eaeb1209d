"""Booking the room: single and recurring bookings stored one row per occurrence, every
occurrence checked against the room's bookings, blocked periods, opening hours and rules.

When dates collide the caller gets :class:`Collisions` with a check per date and chooses:
book nothing, or book the rest and keep the colliding dates as *skipped* (a choice only
valid for exactly the dates that were shown). Skipped dates can be re-added when free;
one occurrence or the rest of a series can be moved or cancelled. Nothing is deleted.

Two people booking one slot at the same moment: the check and the insert run while the
room is locked (PostgreSQL: its row, ``FOR UPDATE``; SQLite: the database's write lock,
taken by a no-op update before anything is read), so the second sees the first's
booking. On PostgreSQL the exclusion constraint of the migration is the last word.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Booking, BookingSeries, BookingStatus, OrganiserKind, Recurrence, Room
from models.rooms import NO_OVERLAP_CONSTRAINT
from services.errors import N_, RuleViolation
from services.governance.localtime import local_day
from services.rooms.agenda import LONGEST
from services.rooms.conflicts import Busy, DateCheck, Rules, check_slots
from services.rooms.recurrence import (MAX_OCCURRENCES, Rule, Slot, expand, is_last_of_month,
                                       local_slot)
from services.rooms.rooms import blocks_of, opening_of

SKIP, CANCEL = "skip", "cancel"
ONE, REST = "one", "rest"
MAX_PRICE = Decimal(25)  # "free or small": a contribution, not a ticket price
SLOT_TAKEN = N_("Iemand anders heeft deze tijd zojuist geboekt. Bekijk de agenda en kies "
                "een andere tijd.")


@dataclass(frozen=True)
class Activity:
    """An activity "door en voor bewoners"."""

    organiser_kind: str
    open_to_neighbourhood: bool = False
    price: Decimal | None = None


@dataclass(frozen=True)
class BookingData:
    title: str
    first_day: date
    start_time: time
    end_time: time
    rule: Rule = Rule()
    activity: Activity | None = None


class Collisions(RuleViolation):
    """Dates that cannot be booked; ``checks`` holds every date of the request with its
    clashes, so the user sees which ones and can choose."""

    def __init__(self, checks: list[DateCheck]) -> None:
        clashing = collision_dates(checks)
        if len(checks) == 1:
            message, field = N_("Deze tijd is niet vrij. Kies een andere datum of tijd."), \
                "first_day"
        elif len(clashing) == len(checks):
            message, field = N_("Geen van de datums is vrij. Kies een andere dag of tijd."), \
                "first_day"
        else:
            message, field = N_("Niet alle datums zijn vrij. Kies hieronder: niets boeken, of "
                                "de vrije datums boeken en de andere overslaan."), "on_conflict"
        super().__init__(message, field=field)
        self.checks = checks

    @property
    def dates(self) -> frozenset[date]:
        return collision_dates(self.checks)


def collision_dates(checks: list[DateCheck]) -> frozenset[date]:
    return frozenset(c.slot.day for c in checks if not c.free)


# --- checks ------------------------------------------------------------------------


def lock_room(session: Session, room_id: int) -> None:
    """Serialise the bookings of one room until the transaction ends (see the module)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.update(Room).where(Room.id == room_id).values(id=Room.id)
                        .execution_options(synchronize_session=False))
    else:
        session.execute(sa.select(Room.id).where(Room.id == room_id).with_for_update())


def busy_between(session: Session, room_id: int, start: datetime, end: datetime,
                 exclude: frozenset[int] = frozenset()) -> list[Busy]:
    """The booked occurrences of the room overlapping ``start``-``end``."""
    rows = session.execute(
        sa.select(Booking.id, Booking.starts_at, Booking.ends_at, BookingSeries.title)
        .join(BookingSeries, BookingSeries.id == Booking.series_id)
        .where(Booking.room_id == room_id, Booking.status == BookingStatus.BOOKED,
               Booking.starts_at < end, Booking.ends_at > start,
               Booking.starts_at > start - LONGEST))  # bounds the index scan
    return [Busy(r.starts_at, r.ends_at, r.title, r.id) for r in rows if r.id not in exclude]


def blocked_between(session: Session, room_id: int, start: datetime,
                    end: datetime) -> list[Busy]:
    return [Busy(b.starts_at, b.ends_at, b.reason)
            for b in blocks_of(session, room_id, since=start, until=end)]


def room_rules(room: Room, today: date, now: datetime) -> Rules:
    return Rules(opening_of(room), today + timedelta(days=room.max_days_ahead), now)


def check(session: Session, room: Room, slots: list[Slot], *, today: date, now: datetime,
          exclude: frozenset[int] = frozenset()) -> list[DateCheck]:
    """Check every slot against the room as it is in the database now."""
    if not slots:
        return []
    start, end = min(s.starts_at for s in slots), max(s.ends_at for s in slots)
    return check_slots(slots, room_rules(room, today, now),
                       busy_between(session, room.id, start, end, exclude),
                       blocked_between(session, room.id, start, end))


def flush_bookings(session: Session) -> None:
    """Flush; the database's no-overlap constraint becomes a rule violation."""
    try:
        session.flush()
    except sa.exc.IntegrityError as error:
        if NO_OVERLAP_CONSTRAINT in str(error.orig):
            raise RuleViolation(SLOT_TAKEN, field="first_day") from None
        raise


def resolve(checks: list[DateCheck], on_conflict: str | None,
            seen: frozenset[date]) -> None:
    """Raise :class:`Collisions` unless the user chose to skip exactly these dates (and
    some date is left to book)."""
    clashing = collision_dates(checks)
    if clashing and (on_conflict != SKIP or clashing != seen
                     or len(clashing) == len(checks)):
        raise Collisions(checks)


# --- booking -------------------------------------------------------------------------


def _check_times(room: Room, start: time, end: time) -> None:
    if start >= end:
        raise RuleViolation(N_("De eindtijd ligt na de begintijd (op dezelfde dag)."),
                            field="end_time")
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes > room.max_duration_minutes:
        raise RuleViolation(N_("Een boeking van deze ruimte duurt hoogstens %(hours)s uur."),
                            field="end_time", hours=f"{room.max_duration_minutes / 60:g}")


def _check_rule(rule: Rule, first_day: date) -> None:
    if rule.kind not in set(Recurrence):
        raise RuleViolation(N_("Kies hoe vaak de boeking terugkomt."), field="recurrence")
    if rule.kind == Recurrence.SINGLE:
        return
    if not 1 <= rule.interval <= 8:
        raise RuleViolation(N_("Kies elke 1 tot 8 weken."), field="interval")
    if (rule.until is None) == (rule.count is None):
        raise RuleViolation(N_("Vul een einddatum óf een aantal keer in."), field="until")
    if rule.until is not None and rule.until <= first_day:
        raise RuleViolation(N_("De einddatum ligt na de eerste datum."), field="until")
    if rule.kind == Recurrence.MONTHLY and rule.nth == -1 and not is_last_of_month(first_day):
        raise RuleViolation(N_("De eerste datum is niet de laatste van die weekdag in de "
                               "maand."), field="monthly_last")
    if rule.count is not None and not 2 <= rule.count <= MAX_OCCURRENCES:
        raise RuleViolation(N_("Kies 2 tot %(max)s keer."), field="count",
                            max=MAX_OCCURRENCES)


def _check_activity(activity: Activity | None) -> None:
    if activity is None:
        return
    if activity.organiser_kind not in set(OrganiserKind):
        raise RuleViolation(N_("Kies wie de activiteit organiseert."), field="organiser_kind")
    if activity.price is not None and not Decimal(0) <= activity.price <= MAX_PRICE:
        raise RuleViolation(N_("Een activiteit is gratis of kost hoogstens %(max)s euro."),
                            field="price", max=MAX_PRICE)


def plan(room: Room, data: BookingData, today: date) -> list[Slot]:
    """Validate the request and expand it into its slots (no database access)."""
    if not (data.title or "").strip():
        raise RuleViolation(N_("Vul een titel in."), field="title")
    if not room.active:
        raise RuleViolation(N_("Deze ruimte is buiten gebruik."))
    if data.first_day < today:
        raise RuleViolation(N_("Deze datum ligt in het verleden."), field="first_day")
    _check_times(room, data.start_time, data.end_time)
    _check_rule(data.rule, data.first_day)
    _check_activity(data.activity)
    days = expand(data.first_day, data.rule)
    if len(days) > MAX_OCCURRENCES:
        raise RuleViolation(N_("Een reeks heeft hoogstens %(max)s datums; kies een eerdere "
                               "einddatum."), field="until", max=MAX_OCCURRENCES)
    if not days:
        raise RuleViolation(N_("Deze reeks heeft geen enkele datum."), field="first_day")
    try:
        return [local_slot(day, data.start_time, data.end_time) for day in days]
    except ValueError:
        raise RuleViolation(N_("Deze tijd bestaat niet op die dag (de klok gaat een uur "
                               "vooruit)."), field="start_time") from None


def new_series(room: Room, data: BookingData, booked_by_id: int | None) -> BookingSeries:
    rule, activity = data.rule, data.activity
    recurring = rule.kind != Recurrence.SINGLE
    return BookingSeries(
        room_id=room.id, title=data.title.strip(), recurrence=rule.kind,
        interval=rule.interval if rule.kind == Recurrence.WEEKLY else 1,
        monthly_nth=(rule.nth or None) if rule.kind == Recurrence.MONTHLY else None,
        first_day=data.first_day, start_time=data.start_time, end_time=data.end_time,
        until=rule.until if recurring else None, occurrence_count=rule.count if recurring else None,
        is_activity=activity is not None,
        organiser_kind=activity.organiser_kind if activity else None,
        open_to_neighbourhood=bool(activity and activity.open_to_neighbourhood),
        price=activity.price if activity else None, booked_by_id=booked_by_id)


def add_occurrences(session: Session, series: BookingSeries, checks: list[DateCheck],
                    status: str) -> None:
    session.add(series)
    for c in checks:
        series.occurrences.append(Booking(
            room_id=series.room_id, starts_at=c.slot.starts_at, ends_at=c.slot.ends_at,
            status=status if c.free else BookingStatus.SKIPPED))


def book(session: Session, room: Room, data: BookingData, *, booked_by_id: int | None,
         on_conflict: str | None = None, seen: frozenset[date] = frozenset(),
         today: date, now: datetime) -> BookingSeries:
    """Book a single date or a series; see :func:`resolve` for colliding dates."""
    slots = plan(room, data, today)
    lock_room(session, room.id)
    checks = check(session, room, slots, today=today, now=now)
    resolve(checks, on_conflict, seen)
    series = new_series(room, data, booked_by_id)
    add_occurrences(session, series, checks, BookingStatus.BOOKED)
    flush_bookings(session)
    return series


# --- one occurrence or the rest of a series ------------------------------------------


def get_booking(session: Session, site_id: int, booking_id: int) -> Booking | None:
    booking = session.get(Booking, booking_id)
    return booking if booking is not None and booking.room.site_id == site_id else None


def slot_of(booking: Booking) -> Slot:
    return Slot(local_day(booking.starts_at), booking.starts_at, booking.ends_at)


def rest_of(session: Session, booking: Booking) -> list[Booking]:
    """This occurrence and the later ones of its series that are booked or skipped."""
    return list(session.scalars(sa.select(Booking).where(
        Booking.series_id == booking.series_id, Booking.starts_at >= booking.starts_at,
        Booking.status.in_((BookingStatus.BOOKED, BookingStatus.SKIPPED)))
        .order_by(Booking.starts_at)))


def _targets(session: Session, booking: Booking, scope: str, now: datetime) -> list[Booking]:
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.SKIPPED):
        raise RuleViolation(N_("Deze datum is niet (meer) geboekt."))
    if booking.starts_at < now:
        raise RuleViolation(N_("Deze datum is al begonnen of voorbij."))
    if scope not in (ONE, REST):
        raise RuleViolation(N_("Kies deze datum of ook alle volgende."), field="scope")
    return [booking] if scope == ONE else rest_of(session, booking)


def _changed(bookings: list[Booking], actor_id: int | None, now: datetime) -> None:
    for b in bookings:
        b.changed_at, b.changed_by_id = now, actor_id
        b.sequence = (b.sequence or 0) + 1   # calendars replace the earlier invitation


def cancel_targets(session: Session, booking: Booking, *, scope: str,
                   now: datetime) -> list[Booking]:
    """The dates :func:`cancel` would cancel (for the confirmation page), or why not."""
    return _targets(session, booking, scope, now)


def cancel(session: Session, booking: Booking, *, scope: str, actor_id: int | None,
           now: datetime) -> list[Booking]:
    """Cancel one occurrence or the rest of its series (a status, never a delete)."""
    targets = _targets(session, booking, scope, now)
    for b in targets:
        b.status = BookingStatus.CANCELLED
    _changed(targets, actor_id, now)
    session.flush()
    return targets


def cancelled_with(booking: Booking, now: datetime) -> list[Booking]:
    """The dates cancelled in the same step as ``booking`` (one date, or it and the rest
    of its series), as far as they have not begun: what "Ongedaan maken" restores."""
    if booking.status != BookingStatus.CANCELLED or booking.changed_at is None:
        return []
    return [b for b in booking.series.occurrences
            if b.status == BookingStatus.CANCELLED and b.changed_at == booking.changed_at
            and b.starts_at >= now]


def restore_cancelled(session: Session, booking: Booking, *, actor_id: int | None,
                      today: date, now: datetime) -> list[Booking]:
    """Undo a cancellation: the dates cancelled in the same step are booked again (a
    status, as the cancellation was), when they are still free; else nothing changes."""
    if booking.status != BookingStatus.CANCELLED:
        raise RuleViolation(N_("Deze datum is niet geannuleerd."))
    targets = cancelled_with(booking, now)
    if not targets:
        raise RuleViolation(N_("Deze datum is al begonnen of voorbij."))
    lock_room(session, booking.room_id)
    checks = check(session, booking.room, [slot_of(b) for b in targets], today=today,
                   now=now, exclude=frozenset(b.id for b in targets))
    taken = collision_dates(checks)
    if taken:
        raise RuleViolation(N_("Ongedaan maken kan niet meer: %(dates)s is intussen anders "
                               "geboekt of niet meer te boeken."),
                            dates=", ".join(d.strftime("%d-%m-%Y") for d in sorted(taken)))
    for b in targets:
        b.status = BookingStatus.BOOKED
    _changed(targets, actor_id, now)
    flush_bookings(session)
    return targets


def move(session: Session, booking: Booking, *, new_day: date, start_time: time,
         end_time: time, scope: str, on_conflict: str | None = None,
         seen: frozenset[date] = frozenset(), actor_id: int | None, today: date,
         now: datetime) -> list[Booking]:
    """Move one occurrence, or it and the rest of its series by the same number of days,
    to new local times. Moved dates are checked like new ones; for the rest of a series
    the colliding dates may be skipped, as when booking."""
    room = booking.room
    targets = _targets(session, booking, scope, now)
    if new_day < today:
        raise RuleViolation(N_("Deze datum ligt in het verleden."), field="first_day")
    _check_times(room, start_time, end_time)
    shift = new_day - local_day(booking.starts_at)
    try:
        slots = [local_slot(local_day(b.starts_at) + shift, start_time, end_time)
                 for b in targets]
    except ValueError:
        raise RuleViolation(N_("Deze tijd bestaat niet op die dag (de klok gaat een uur "
                               "vooruit)."), field="start_time") from None
    lock_room(session, room.id)
    exclude = frozenset(b.id for b in targets)
    checks = check(session, room, slots, today=today, now=now, exclude=exclude)
    # the chosen date is to be booked at its new time; later skipped dates stay skipped
    wanted = [b.status == BookingStatus.BOOKED or b.id == booking.id for b in targets]
    resolve([c for c, w in zip(checks, wanted) if w], on_conflict, seen)
    for b, c, booked in zip(targets, checks, wanted):
        b.starts_at, b.ends_at, b.moved = c.slot.starts_at, c.slot.ends_at, True
        b.status = BookingStatus.BOOKED if booked and c.free else BookingStatus.SKIPPED
    _changed(targets, actor_id, now)
    flush_bookings(session)
    return targets


def readd(session: Session, booking: Booking, *, actor_id: int | None, today: date,
          now: datetime) -> Booking:
    """Book a skipped date after all, when it is free now."""
    if booking.status != BookingStatus.SKIPPED:
        raise RuleViolation(N_("Alleen een overgeslagen datum kan worden teruggezet."))
    lock_room(session, booking.room_id)
    checks = check(session, booking.room, [slot_of(booking)], today=today, now=now,
                   exclude=frozenset({booking.id}))
    resolve(checks, None, frozenset())
    booking.status = BookingStatus.BOOKED
    _changed([booking], actor_id, now)
    flush_bookings(session)
    return booking
