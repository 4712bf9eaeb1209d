"""How often each body should meet, per calendar year (seed 004 "3. Samenwerking - governance"), as pure rules.

The norm of a body cuts the calendar year into equal *windows* (halves, quarters,
months), one meeting due in each:

| body | windows per year | tolerance | norm shown |
|---|---|---|---|
| stuurgroep | 2 in the first two project years, then 1 | 0 | 1-2 |
| kerngroep | 4 (quarters) | 0 | 4-6 |
| communityteam | 12 (months) | 2 | 12, at least 10 |
| ALV | 1, or 2 when the statutes say so | 0 | 1-2 |
| IMO | 12 (months) | 0 | 12 |
| bestuur | no norm (meets as needed) | | |

Conventions (the seed gives rules of thumb, these make them checkable):

* A calendar year counts as one of the first two project years when its 1 July falls in
  project year 1 or 2 (so a year takes the norm of the project year it mostly lies in).
* A window that begins before the project start is not due (the first, partial window of
  a project is exempt).
* The communityteam's tolerance: two monthly meetings a year may be skipped (summer
  holiday, December) without a signal; the other bodies have none.
* Expected by a date = the due windows that have ended by then, minus the tolerance.
  **behind** (achter): fewer meetings held this year than expected by today.
  **nothing planned** (niets gepland): not behind, but with no meeting held or planned
  in the current window the body will be behind when the window ends.
  Otherwise **on track** (op schema). A meeting counts as held before its day, and as
  planned from its day on; called-off meetings do not count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from dateutil.relativedelta import relativedelta

from services.hours.norms import project_year

ON_TRACK, BEHIND, NOTHING_PLANNED, NO_NORM = "op_schema", "achter", "niets_gepland", "geen_norm"
IMO = "imo"


@dataclass(frozen=True)
class Norm:
    windows: int        # equal parts of the year, one meeting due in each
    tolerance: int      # windows a year that may stay empty
    maximum: int        # the seed's upper figure, shown with the norm

    @property
    def minimum(self) -> int:
        return self.windows - self.tolerance


@dataclass(frozen=True)
class Window:
    start: date
    end: date           # exclusive

    def holds(self, day: date) -> bool:
        return self.start <= day < self.end


@dataclass(frozen=True)
class Cadence:
    year: int
    norm: Norm | None
    held: int
    planned: int
    expected: int               # meetings expected by today
    status: str
    current: Window | None      # the due window today lies in


def first_years(year: int, project_start: date) -> bool:
    """Whether calendar year ``year`` counts as one of the first two project years."""
    return project_year(project_start, date(year, 7, 1)) <= 2


def norm_for(kind: str, *, year: int, project_start: date, alv_per_year: int = 1) -> Norm | None:
    """The norm of a body kind (or ``"imo"``) in a calendar year; None for the bestuur."""
    if kind == "stuurgroep":
        return Norm(2 if first_years(year, project_start) else 1, 0, 2)
    if kind == "alv":
        return Norm(alv_per_year, 0, 2)
    return {"kerngroep": Norm(4, 0, 6), "communityteam": Norm(12, 2, 12),
            IMO: Norm(12, 0, 12)}.get(kind)


def windows(norm: Norm, year: int, project_start: date) -> list[Window]:
    """The due windows of ``year``: equal parts, leaving out those before the start."""
    months = 12 // norm.windows
    starts = [date(year, 1, 1) + relativedelta(months=months * i) for i in range(norm.windows)]
    return [Window(s, s + relativedelta(months=months)) for s in starts if s >= project_start]


def expected_by(due: list[Window], norm: Norm, on: date) -> int:
    """Meetings that should have been held by ``on``."""
    return max(0, sum(1 for w in due if w.end <= on) - norm.tolerance)


def assess(kind: str, days: Iterable[date], *, year: int, today: date, project_start: date,
           alv_per_year: int = 1) -> Cadence:
    """The cadence of a body in ``year`` as seen on ``today``; ``days`` are the local dates
    of its meetings that were not called off (of any year)."""
    in_year = sorted(d for d in days if d.year == year)
    held = sum(1 for d in in_year if d < today)
    planned = len(in_year) - held
    norm = norm_for(kind, year=year, project_start=project_start, alv_per_year=alv_per_year)
    if norm is None:
        return Cadence(year, None, held, planned, 0, NO_NORM, None)
    due = windows(norm, year, project_start)
    expected = expected_by(due, norm, today)
    current = next((w for w in due if w.holds(today)), None)
    if held < expected:
        status = BEHIND
    elif current is not None and held + sum(
            1 for d in in_year if d >= today and current.holds(d)) < expected_by(
            due, norm, current.end):
        status = NOTHING_PLANNED
    else:
        status = ON_TRACK
    return Cadence(year, norm, held, planned, expected, status, current)
