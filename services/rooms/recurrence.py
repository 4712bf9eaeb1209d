"""Recurring bookings as pure rules: a series expands into its dates with dateutil.rrule
and each date's local times become a pair of UTC instants in Europe/Amsterdam.

The dates are expanded as calendar dates and the wall-clock times are attached
afterwards, so a weekly Thursday 19:00-21:00 stays 19:00-21:00 local across both clock
changes (17:00-19:00 UTC in summer time, 18:00-20:00 UTC in winter time).

Conventions:

* weekly: every ``interval`` weeks on the weekday of the first date;
* monthly: the nth weekday of the first date (the 3rd Thursday, ...) in every month; a
  first date in the last seven days of its month may instead ask for the *last* such
  weekday (``nth = -1``); a 5th weekday is always taken as the last one;
* a series ends on a date (``until``, inclusive) or after ``count`` dates, never open;
* a date whose local start does not exist (inside the spring-forward hour) is not
  shifted silently: :func:`local_slot` refuses it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday as rrule_weekday

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_OCCURRENCES = 156  # three years of a weekly series


@dataclass(frozen=True)
class Rule:
    """How a series repeats: ``kind`` is single, weekly or monthly."""

    kind: str = "single"
    interval: int = 1
    nth: int | None = None
    until: date | None = None
    count: int | None = None


@dataclass(frozen=True)
class Slot:
    """One occurrence: its local date and its start and end as UTC instants."""

    day: date
    starts_at: datetime
    ends_at: datetime

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(AMSTERDAM)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(AMSTERDAM)


def nth_of(day: date) -> int:
    """Which weekday of its month ``day`` is (1-4; a 5th counts as the last, -1)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def is_last_of_month(day: date) -> bool:
    """Whether no later same weekday falls in the month (so "last" describes it)."""
    return (day + timedelta(days=7)).month != day.month


def expand(first_day: date, rule: Rule, limit: int = MAX_OCCURRENCES) -> list[date]:
    """The dates of the series, at most ``limit + 1`` (so a caller can tell "too many")."""
    if rule.kind == "single":
        return [first_day]
    start = datetime.combine(first_day, time(0, 0))
    until = datetime.combine(rule.until, time(0, 0)) if rule.until else None
    count = min(rule.count, limit + 1) if rule.count else None
    if rule.kind == "weekly":
        dates = rrule(WEEKLY, interval=rule.interval, dtstart=start, until=until, count=count)
    elif rule.kind == "monthly":
        nth = rule.nth or nth_of(first_day)
        dates = rrule(MONTHLY, interval=1, dtstart=start, until=until, count=count,
                      byweekday=rrule_weekday(first_day.weekday(), nth))
    else:
        raise ValueError(f"unknown recurrence {rule.kind!r}")
    found = []
    for moment in dates:
        found.append(moment.date())
        if len(found) > limit:
            break
    return found


def local_slot(day: date, start: time, end: time) -> Slot:
    """The UTC instants of ``start``-``end`` on ``day`` in Amsterdam; ValueError for a
    local time that does not exist (the hour skipped when summer time starts)."""
    starts = datetime.combine(day, start, tzinfo=AMSTERDAM)
    ends = datetime.combine(day, end, tzinfo=AMSTERDAM)
    for moment in (starts, ends):
        back = moment.astimezone(timezone.utc).astimezone(AMSTERDAM)
        if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise ValueError(f"{moment:%Y-%m-%d %H:%M} does not exist in Amsterdam")
    return Slot(day, starts.astimezone(timezone.utc), ends.astimezone(timezone.utc))


def slots(first_day: date, start: time, end: time, rule: Rule,
          limit: int = MAX_OCCURRENCES) -> list[Slot]:
    """Every occurrence of the series as a :class:`Slot` (at most ``limit + 1``)."""
    return [local_slot(day, start, end) for day in expand(first_day, rule, limit)]
