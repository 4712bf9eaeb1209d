"""The coach's hours per week against the coach norm: this week's bar on the hour form and
the weeks of a month on the coach's start page.

A week is judged on its days that count (from the project start up to today). The bar of
the running week shows the norm of the whole week; the week is "under" the norm only once
it is over, before that it is under way. In the month list a week cut off by the month's
first or last day (or by the project start) is partial ("deels"): its hours and norm are
those of its days in the month, and it is never called "under" the norm, since a few days
hold only part of a week's work; "within" or "over" are still shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy.orm import Session

from models import HourCategory, Site
from services.hours.calendar import NormInputs, load_norm_inputs
from services.hours.norms import Band, HourStatus, assess
from services.hours.periods import Period, PeriodKind, next_month, period_of
from services.hours.reports import figures, logged_by_day

COACH = frozenset({HourCategory.COMMUNITYCOACH})


@dataclass(frozen=True)
class CoachWeek:
    """Coach hours of one week (or of its days in a month) against the norm."""

    period: Period
    first: date         # the first and last day counted
    last: date
    actual: Fraction
    norm: Band | None   # of the days counted; the whole week's for the running week
    status: HourStatus | str
    partial: bool = False  # cut off by the month's edge or the project start
    running: bool = False  # the week of today

    @property
    def to_go(self) -> Fraction | None:
        """Hours still to log in the running week to reach the low end of the norm."""
        if self.norm is None or not self.running:
            return None
        return max(Fraction(0), self.norm.low - self.actual)


#: a running week below the norm: not judged yet
UNDER_WAY = "under_way"
#: a partial week below the norm of its days: not judged
PARTIAL = "partial"


def _judge(actual: Fraction, norm: Band | None, *, running: bool, partial: bool):
    status = assess(actual, norm)
    if status is HourStatus.UNDER and (running or partial):
        return UNDER_WAY if running else PARTIAL
    return status


def this_week(session: Session, site: Site, today: date,
              inputs: NormInputs | None = None) -> CoachWeek | None:
    """The coach hours of the week of ``today`` against the norm of the whole week (None
    before the project start)."""
    week = period_of(PeriodKind.WEEK, today)
    first = max(week.start, site.project_start)
    if today < first:
        return None
    inputs = inputs or load_norm_inputs(session, site, since=week.start)
    logged = logged_by_day(session, site.id, first, today + timedelta(days=1))
    actual = figures(inputs, logged, first, today + timedelta(days=1)).hours(COACH)
    norm = figures(inputs, {}, first, week.end).coach_norm
    running = today < week.end - timedelta(days=1)
    return CoachWeek(week, first, today, actual, norm,
                     _judge(actual, norm, running=running, partial=False),
                     partial=first > week.start, running=running)


def month_weeks(session: Session, site: Site, month: date, today: date,
                inputs: NormInputs | None = None) -> list[CoachWeek]:
    """The weeks of ``month`` (its first day) up to today, newest first, each with its
    days in the month; see the module text for partial weeks."""
    start = max(month, site.project_start)
    end = min(next_month(month), today + timedelta(days=1))
    if end <= start:
        return []
    inputs = inputs or load_norm_inputs(session, site, since=month)
    logged = logged_by_day(session, site.id, start, end)
    rows = []
    week = period_of(PeriodKind.WEEK, start)
    while week.start < end:
        first, stop = max(week.start, start), min(week.end, end)
        running = week.start <= today < week.end - timedelta(days=1)
        partial = first > week.start or min(week.end, next_month(month)) < week.end
        found = figures(inputs, logged, first, stop)
        actual, norm = found.hours(COACH), found.coach_norm
        rows.append(CoachWeek(week, first, stop - timedelta(days=1), actual, norm,
                              _judge(actual, norm, running=running, partial=partial),
                              partial=partial, running=running))
        week = period_of(PeriodKind.WEEK, week.end)
    return rows[::-1]
