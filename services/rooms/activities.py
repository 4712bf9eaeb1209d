"""Activities "door en voor bewoners": attendance as counts, and how the site takes part.

After an activity its organiser records how many begeleide and onbegeleide residents
and how many neighbours came: counts only, never names. The site then sees activities
per week, participation per month, and how well the two groups actually meet: the share
of begeleide residents among the resident participants against their share among the
site's residents (the mix on the month's last day, or today in the current month, from
services.registry.mix). Only aggregates leave this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import ActivityAttendance, Booking, BookingSeries, BookingStatus, Room, Site
from services.errors import N_, RuleViolation
from services.governance.localtime import day_start, local_day
from services.hours.periods import next_month
from services.registry.mix import count_mix, load_occupancies

MAX_COUNT = 1000


def record_attendance(session: Session, booking: Booking, *, begeleid: int, onbegeleid: int,
                      neighbours: int, actor_id: int | None,
                      now: datetime) -> ActivityAttendance:
    """Record (or correct) the counts of one occurrence of an activity that has begun."""
    if not booking.series.is_activity:
        raise RuleViolation(N_("Deze boeking is geen activiteit."))
    if booking.status != BookingStatus.BOOKED:
        raise RuleViolation(N_("Deze datum is niet doorgegaan."))
    if booking.starts_at > now:
        raise RuleViolation(N_("De aanwezigheid wordt na afloop vastgelegd."))
    for name, value in (("begeleid", begeleid), ("onbegeleid", onbegeleid),
                        ("neighbours", neighbours)):
        if value is None or not 0 <= value <= MAX_COUNT:
            raise RuleViolation(N_("Vul een aantal van 0 tot %(max)s in."), field=name,
                                max=MAX_COUNT)
    attendance = booking.attendance or ActivityAttendance(booking=booking)
    attendance.begeleid, attendance.onbegeleid, attendance.neighbours = (
        begeleid, onbegeleid, neighbours)
    attendance.recorded_by_id, attendance.recorded_at = actor_id, now
    session.add(attendance)
    session.flush()
    return attendance


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class Counted:
    """An activity date with its counts (None: not recorded yet)."""

    day: date
    begeleid: int | None
    onbegeleid: int | None
    neighbours: int | None


@dataclass(frozen=True)
class Period:
    """Activities and participation in one week or month."""

    start: date
    activities: int
    recorded: int
    begeleid: int
    onbegeleid: int
    neighbours: int
    site_share: Fraction | None = None

    @property
    def residents(self) -> int:
        return self.begeleid + self.onbegeleid

    @property
    def participants(self) -> int:
        return self.residents + self.neighbours

    @property
    def begeleid_share(self) -> Fraction | None:
        """The share of begeleide residents among the resident participants."""
        return share(self.begeleid, self.residents)

    @property
    def per_activity(self) -> Fraction | None:
        return share(self.participants, self.recorded)


def tally(start: date, items: list[Counted], site_share: Fraction | None = None) -> Period:
    recorded = [i for i in items if i.begeleid is not None]
    return Period(start, len(items), len(recorded), sum(i.begeleid for i in recorded),
                  sum(i.onbegeleid for i in recorded), sum(i.neighbours for i in recorded),
                  site_share)


def counted_activities(session: Session, site_id: int, first: date, end: date) -> list[Counted]:
    """Every booked activity date of the site's rooms from ``first`` up to ``end``."""
    rows = session.execute(
        sa.select(Booking.starts_at, ActivityAttendance.begeleid, ActivityAttendance.onbegeleid,
                  ActivityAttendance.neighbours)
        .join(BookingSeries, BookingSeries.id == Booking.series_id)
        .join(Room, Room.id == Booking.room_id)
        .outerjoin(ActivityAttendance, ActivityAttendance.booking_id == Booking.id)
        .where(Room.site_id == site_id, BookingSeries.is_activity,
               Booking.status == BookingStatus.BOOKED,
               Booking.starts_at >= day_start(first), Booking.starts_at < day_start(end))
        .order_by(Booking.starts_at))
    return [Counted(local_day(r.starts_at), r.begeleid, r.onbegeleid, r.neighbours)
            for r in rows]


@dataclass(frozen=True)
class Participation:
    weeks: list[Period]
    months: list[Period]
    total: Period


def participation(session: Session, site: Site, today: date, *, weeks: int = 13,
                  months: int = 12) -> Participation:
    """Activities per week (the last ``weeks`` weeks up to this one) and participation
    per month (the last ``months`` months up to this one), with the site's share."""
    this_week = today - timedelta(days=today.weekday())
    week_starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    month_starts = [today.replace(day=1) - relativedelta(months=n)
                    for n in range(months - 1, -1, -1)]
    first = min(week_starts[0], month_starts[0])
    items = counted_activities(session, site.id, first, this_week + timedelta(weeks=1))
    occupancies = load_occupancies(session, site.id)

    def site_share(month: date) -> Fraction | None:
        on = min(next_month(month) - timedelta(days=1), today)
        whole = count_mix(occupancies, on).get("site")
        return share(whole.begeleid, whole.total) if whole else None

    week_rows = [tally(w, [i for i in items if w <= i.day < w + timedelta(weeks=1)])
                 for w in week_starts]
    month_rows = [tally(m, [i for i in items if m <= i.day < next_month(m)], site_share(m))
                  for m in month_starts]
    in_months = [i for i in items if i.day >= month_starts[0]]
    return Participation(week_rows, month_rows, tally(month_starts[0], in_months,
                                                      site_share(month_starts[-1])))
