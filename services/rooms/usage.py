"""How much a room is used: booked hours against opening hours, per week and per month.

Open time is the opening hours of each day minus blocked periods; booked time is the
part of the booked occurrences inside that open time. A room is *hardly used*
("stilvallen", seed 003 Deel VI) when its booked share over the site's last
``usage_weeks`` complete weeks is below the site's threshold; the seeds give no
number, so every site sets its own (default 10%). That state links to the
revitalisation checklist (services/rooms/revitalisation.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import Booking, BookingSeries, BookingStatus, Room, RoomSettings
from services.governance.localtime import day_start, local_day, local_instant
from services.hours.periods import days, next_month
from services.rooms.activities import share
from services.rooms.conflicts import overlaps
from services.rooms.rooms import blocks_of, opening_of

Interval = tuple[datetime, datetime]


def _minutes(a: Interval, b: Interval) -> int:
    """Minutes of ``a`` that lie inside ``b``."""
    if not overlaps(a[0], a[1], b[0], b[1]):
        return 0
    return int((min(a[1], b[1]) - max(a[0], b[0])).total_seconds() // 60)


def merged(intervals: list[Interval]) -> list[Interval]:
    """Overlapping intervals joined into one."""
    result: list[Interval] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _by_local_day(intervals) -> dict[date, list[Interval]]:
    """Each interval under every local day it touches (a day's opening window can only
    overlap those), so a year of occurrences is not walked once per day."""
    found: dict[date, list[Interval]] = defaultdict(list)
    for interval in intervals:
        day, last = local_day(interval[0]), local_day(interval[1])
        while day <= last:
            found[day].append(interval)
            day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class Usage:
    """Open and booked minutes of a room over a period beginning on ``start``."""

    start: date
    open_minutes: int
    booked_minutes: int
    activities: int

    @property
    def share(self) -> Fraction | None:
        return share(self.booked_minutes, self.open_minutes)


def usage_between(opening: dict, blocks: list[Interval], booked: list[tuple[Interval, bool]],
                  first: date, end: date) -> Usage:
    """Pure: open and booked minutes over the local days ``first`` up to ``end``;
    ``booked`` holds each occurrence's interval and whether it is an activity (a booked
    occurrence never lies in a blocked period: both are refused)."""
    blocks = merged(blocks)
    on_day = _by_local_day(interval for interval, _ in booked)
    open_total = booked_total = 0
    for day in days(first, end):
        hours = opening.get(day.weekday())
        if hours is None:
            continue
        window = (local_instant(day, hours[0]), local_instant(day, hours[1]))
        open_total += _minutes(window, window) - sum(_minutes(b, window) for b in blocks)
        booked_total += sum(_minutes(interval, window) for interval in on_day.get(day, ()))
    activities = sum(1 for interval, activity in booked
                     if activity and day_start(first) <= interval[0] < day_start(end))
    return Usage(first, open_total, booked_total, activities)


@dataclass(frozen=True)
class RoomUsage:
    room: Room
    weeks: list[Usage]
    months: list[Usage]
    recent: Usage            # the last ``usage_weeks`` complete weeks
    threshold: int           # percent

    @property
    def hardly_used(self) -> bool | None:
        """None when the room has no opening hours in the period (cannot be judged)."""
        if self.recent.share is None:
            return None
        return self.recent.share * 100 < self.threshold


def room_usage(session: Session, room: Room, settings: RoomSettings, today: date, *,
               weeks: int = 13, months: int = 12) -> RoomUsage:
    """Weeks up to and including this one, months up to and including this one, and
    the last complete weeks the "hardly used" state looks at."""
    this_week = today - timedelta(days=today.weekday())
    month_starts = [today.replace(day=1) - relativedelta(months=n)
                    for n in range(months - 1, -1, -1)]
    recent_start = this_week - timedelta(weeks=settings.usage_weeks)
    first = min(this_week - timedelta(weeks=weeks - 1), month_starts[0], recent_start)
    end = max(this_week + timedelta(weeks=1), next_month(today))
    start_at, end_at = day_start(first), day_start(end)
    opening = opening_of(room)
    blocks = [(b.starts_at, b.ends_at) for b in blocks_of(session, room.id, since=start_at,
                                                           until=end_at)]
    booked = [((r.starts_at, r.ends_at), r.is_activity) for r in session.execute(
        sa.select(Booking.starts_at, Booking.ends_at, BookingSeries.is_activity)
        .join(BookingSeries, BookingSeries.id == Booking.series_id)
        .where(Booking.room_id == room.id, Booking.status == BookingStatus.BOOKED,
               Booking.starts_at < end_at, Booking.ends_at > start_at))]

    def between(a: date, b: date) -> Usage:
        return usage_between(opening, blocks, booked, a, b)

    week_rows = [between(w, w + timedelta(weeks=1))
                 for w in (this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1))]
    month_rows = [between(m, next_month(m)) for m in month_starts]
    return RoomUsage(room, week_rows, month_rows, between(recent_start, this_week),
                     settings.hardly_used_percent)
