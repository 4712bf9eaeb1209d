"""Report periods (ISO week, month, quarter, year) and hour conversions, as pure functions.

A period runs from ``start`` up to (not including) ``end``. Its code is what the URLs and
file names use: ``2026-W23``, ``2026-05``, ``2026-Q2``, ``2026``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from dateutil.relativedelta import relativedelta


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "maand"
    QUARTER = "kwartaal"
    YEAR = "jaar"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # exclusive

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def contains(self, on: date) -> bool:
        return self.start <= on < self.end

    def previous(self) -> "Period":
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return period_of(self.kind, self.end)


def month_start(on: date) -> date:
    return on.replace(day=1)


def next_month(month: date) -> date:
    return month_start(month) + relativedelta(months=1)


def period_of(kind: PeriodKind | str, on: date) -> Period:
    """The period of ``kind`` that contains ``on``."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.WEEK:
        start = on - timedelta(days=on.weekday())
        return Period(kind, start, start + timedelta(days=7))
    if kind is PeriodKind.MONTH:
        return Period(kind, month_start(on), next_month(on))
    if kind is PeriodKind.QUARTER:
        start = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        return Period(kind, start, start + relativedelta(months=3))
    return Period(kind, date(on.year, 1, 1), date(on.year + 1, 1, 1))


_CODES = {
    PeriodKind.WEEK: re.compile(r"^(\d{4})-W(\d{2})$"),
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
}


def period_of_code(code: str | None) -> Period | None:
    """The week or month a stored code names ("2026-W25", "2026-05"), else None."""
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        if _CODES[kind].match(code or ""):
            period = parse_period(kind, code, date.min)
            return period if period.code == code else None
    return None


def parse_period(kind: str | None, code: str | None, today: date) -> Period:
    """The period named by ``kind`` and ``code``; anything unreadable falls back to the
    current month (or the current period of a valid kind)."""
    try:
        kind = PeriodKind(kind)
    except ValueError:
        return period_of(PeriodKind.MONTH, today)
    match = _CODES[kind].match((code or "").strip())
    if not match:
        return period_of(kind, today)
    year = int(match.group(1))
    part = int(match.group(2)) if kind is not PeriodKind.YEAR else 1
    try:
        if kind is PeriodKind.WEEK:
            return period_of(kind, date.fromisocalendar(year, part, 1))
        if kind is PeriodKind.MONTH:
            return period_of(kind, date(year, part, 1))
        if kind is PeriodKind.QUARTER:
            return period_of(kind, date(year, 3 * part - 2, 1))
        return period_of(kind, date(year, 1, 1))
    except ValueError:
        return period_of(kind, today)


def breakdown(period: Period) -> list[Period]:
    """The sub-periods a report shows for ``period``: the months of a year or quarter,
    the ISO weeks of a month (clipped to the month), nothing for a week."""
    if period.kind is PeriodKind.WEEK:
        return []
    if period.kind in (PeriodKind.YEAR, PeriodKind.QUARTER):
        months, start = [], period.start
        while start < period.end:
            months.append(period_of(PeriodKind.MONTH, start))
            start = next_month(start)
        return months
    weeks, start = [], period.start
    while start < period.end:
        week = period_of(PeriodKind.WEEK, start)
        weeks.append(Period(PeriodKind.WEEK, start, min(week.end, period.end)))
        start = week.end
    return weeks


def days(start: date, end: date):
    """Every date from ``start`` up to (not including) ``end``."""
    for n in range((end - start).days):
        yield start + timedelta(days=n)


def as_hours(value: Fraction | int) -> Decimal:
    """Exact hours as a Decimal with two decimals (half up)."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


def quarters_to_hours(quarters: int) -> Decimal:
    """Quarter hours as hours (6 -> 1.50)."""
    return as_hours(Fraction(quarters, 4))
