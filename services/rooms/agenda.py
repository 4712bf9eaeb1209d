"""What the week and month views, the poster and the feeds show: the occurrences of one
room or of every room of a site between two dates, per local day, with the blocked
periods and opening hours beside them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from models import Booking, BookingSeries, BookingStatus, Room, RoomBlock
from services.governance.localtime import AMSTERDAM, day_start, local_day
from services.hours.periods import days
from services.rooms.rooms import opening_of

ACTIVE = (BookingStatus.BOOKED, BookingStatus.REQUESTED)
#: longer than any occurrence can last (at most 24 hours, plus an hour at the clock
#: change), so only occurrences starting after ``start - LONGEST`` can overlap ``start``
LONGEST = timedelta(days=2)
ALL = tuple(BookingStatus)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Entry:
    booking: Booking
    room: Room
    start: time
    end: time

    @property
    def series(self) -> BookingSeries:
        return self.booking.series

    @property
    def status(self) -> str:
        return self.booking.status


@dataclass(frozen=True)
class Blocked:
    room: Room
    start: datetime
    end: datetime
    reason: str
    note: str | None


@dataclass
class Day:
    day: date
    entries: list[Entry] = field(default_factory=list)
    blocks: list[Blocked] = field(default_factory=list)
    opening: tuple[time, time] | None = None


def occurrences(session: Session, rooms: list[Room], start: datetime, end: datetime,
                statuses: tuple[str, ...] = ACTIVE) -> list[Booking]:
    """The occurrences of ``rooms`` overlapping ``start``-``end``, in time order."""
    if not rooms:
        return []
    return list(session.scalars(
        sa.select(Booking).options(joinedload(Booking.series))
        .where(Booking.room_id.in_([r.id for r in rooms]), Booking.status.in_(statuses),
               Booking.starts_at < end, Booking.ends_at > start,
               Booking.starts_at > start - LONGEST)  # bounds the (room, start) index scan
        .order_by(Booking.starts_at, Booking.id)))


def agenda(session: Session, rooms: list[Room], first: date, end: date,
           statuses: tuple[str, ...] = ACTIVE) -> list[Day]:
    """Every local day from ``first`` up to (not including) ``end`` with its entries;
    the opening hours are filled in when one room is shown."""
    by_id = {r.id: r for r in rooms}
    start_at, end_at = day_start(first), day_start(end)
    result = {d: Day(d) for d in days(first, end)}
    for booking in occurrences(session, rooms, start_at, end_at, statuses):
        local = booking.starts_at.astimezone(AMSTERDAM)
        day = result.get(local.date())
        if day is not None:
            day.entries.append(Entry(booking, by_id[booking.room_id], local.time(),
                                     booking.ends_at.astimezone(AMSTERDAM).time()))
    blocks = session.scalars(sa.select(RoomBlock).where(
        RoomBlock.room_id.in_(list(by_id)), RoomBlock.lifted_at.is_(None),
        RoomBlock.starts_at < end_at, RoomBlock.ends_at > start_at)) if by_id else []
    for block in blocks:
        shown = Blocked(by_id[block.room_id], block.starts_at.astimezone(AMSTERDAM),
                        block.ends_at.astimezone(AMSTERDAM), block.reason, block.note)
        last = local_day(block.ends_at - timedelta(microseconds=1))  # midnight ends a day
        for d in days(max(local_day(block.starts_at), first), min(last + ONE_DAY, end)):
            result[d].blocks.append(shown)
    if len(rooms) == 1:
        opening = opening_of(rooms[0])
        for day in result.values():
            day.opening = opening.get(day.day.weekday())
    return list(result.values())



@dataclass(frozen=True)
class Span:
    """A stretch of one day in a room: ``free`` (open and nothing booked), ``booked``
    (``entries``) or ``blocked`` (``blocks``), in whole minutes since midnight."""

    start: int
    end: int
    kind: str
    entries: tuple[Entry, ...] = ()
    blocks: tuple[Blocked, ...] = ()


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _busy(day: Day) -> list[Span]:
    """The day's bookings and blocks as spans (a block clipped to the day)."""
    found = [Span(_minutes(e.start), _minutes(e.end) if e.end > e.start else 24 * 60,
                  "booked", entries=(e,))
             for e in day.entries if e.status in ACTIVE]
    for b in day.blocks:
        start = _minutes(b.start.time()) if b.start.date() == day.day else 0
        end = _minutes(b.end.time()) if b.end.date() == day.day else 24 * 60
        found.append(Span(start, end, "blocked", blocks=(b,)))
    return sorted(found, key=lambda s: (s.start, s.end))


def day_spans(day: Day) -> list[Span]:
    """One room's day from opening to closing as free, booked and blocked spans in time
    order; what overlaps is joined into one busy span. A closed day has no free time,
    only what is booked or blocked on it."""
    opens, closes = ((_minutes(day.opening[0]), _minutes(day.opening[1])) if day.opening
                     else (None, None))
    spans: list[Span] = []
    for item in _busy(day):
        last = spans[-1] if spans else None
        if last is not None and item.start < last.end:   # overlaps: one busy stretch
            spans[-1] = Span(last.start, max(last.end, item.end),
                             "blocked" if "blocked" in (last.kind, item.kind) else "booked",
                             last.entries + item.entries, last.blocks + item.blocks)
        else:
            spans.append(item)
    if opens is None:
        return spans
    result, pointer = [], opens
    for span in spans:
        if span.start > pointer and pointer < closes:
            result.append(Span(pointer, min(span.start, closes), "free"))
        result.append(span)
        pointer = max(pointer, span.end)
    if pointer < closes:
        result.append(Span(pointer, closes, "free"))
    return result
