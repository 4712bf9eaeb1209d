"""The norms for community-team effort as pure functions (seed 004 "1. Bouw van de community", "3. Samenwerken - kan het ook anders" and "7. Financiering").

All are rules of thumb ("vuistregel", "richtlijn" in seed 004): a report shows a
deviation as a signal to discuss, never as a block. Hours are exact ``Fraction``s.

Coach hours per week (004 "1. Bouw van de community"), by units and project year:

=========  ======  =========  ============
units      year 1  years 2-3  after year 3
=========  ======  =========  ============
40-80      12      8          4-6
80-160     18      12         6
160-240    24      16         6
above 240  20-24   20-24      8
=========  ======  =========  ============

* **Band edges.** The seed's classes overlap at 80 and 160. Noaber lets the lower edge
  belong to a class: 40-79 units is "40-80", 80-159 is "80-160", 160-240 is "160-240"
  (240 itself too, since the last class is "more than 240"), 241 and up is "above 240".
  So a site of exactly 80 units gets 18/12/6 hours, one of 160 units 24/16/6.
* **Ranges** (4-6, 20-24) are returned as a band ``(low, high)``; a single figure is a
  band with ``low == high``.
* **Project year** 1 runs from ``Site.project_start`` up to its first anniversary, year
  n from the (n-1)-th anniversary; "after year 3" is year 4 and later.
* **Waakvlam.** When the site records that the coach tapered to standby (a dated
  ``waakvlam`` override) the norm is 4 hours per *month* from year 4 on; earlier the
  table applies. From 100 units the seed calls the coach role permanent, so a waakvlam
  there is flagged as a point to discuss (``CoachNorm.permanent_role``).
* **Scale-up** ("tijdelijk opgeschaald"): a dated override with a reason and its own
  hours per week; it wins over everything else while it runs.
* **Under 40 units** the seed gives no number: the norm is the site's own dated norm
  (``eigen_norm``), and without one the result says so (``OWN_NORM_NEEDED``) instead of
  inventing a figure.

Care contribution (004 "3. Samenwerken", "7. Financiering"): 10% of the summed indicated
weekly care hours of each care organisation's begeleide residents on the site, on each
day from the dated support history (so it follows residents moving in and out). The
seed's worked example: 20 residents x 6 h x 10% = 12 h/week.

Management (004 "5. Intensief beheer"): 1 fte of combined social and physical management
per 150-350 units, pro rata, as a band of hours per week: ``units / 350 * fte`` up to
``units / 150 * fte``; one fte is 36 hours per week unless the site sets another figure.

Status: a logged figure is ``within`` when it lies in the norm band widened by 10% on
both sides (the seed's numbers are rules of thumb, and quarter-hour logging never hits a
single figure exactly), else ``under`` or ``over``; without a norm it is ``no_norm``.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Iterable

from dateutil.relativedelta import relativedelta

from services.registry.mix import Occupancy, status_on

Number = Fraction | Decimal | int

SMALL_SITE_UNITS = 40
PERMANENT_COACH_UNITS = 100
WAAKVLAM_HOURS_PER_MONTH = Fraction(4)
CARE_SHARE = Fraction(1, 10)
DEFAULT_FTE_HOURS = Fraction(36)
MANAGEMENT_UNITS_PER_FTE = (150, 350)
DEFAULT_TOLERANCE = Fraction(1, 10)


@dataclass(frozen=True)
class Band:
    """A norm from ``low`` to ``high`` hours (equal for a single figure)."""

    low: Fraction
    high: Fraction

    @classmethod
    def of(cls, low: Number, high: Number | None = None) -> "Band":
        return cls(Fraction(low), Fraction(low if high is None else high))

    def __add__(self, other: "Band") -> "Band":
        return Band(self.low + other.low, self.high + other.high)

    def scaled(self, factor: Number) -> "Band":
        return Band(self.low * Fraction(factor), self.high * Fraction(factor))

    @property
    def is_point(self) -> bool:
        return self.low == self.high


ZERO = Band.of(0)


def _b(low, high=None) -> Band:
    return Band.of(low, high)


SIZE_CLASSES = (  # (label, lowest units, highest units or None)
    ("40-80", 40, 79), ("80-160", 80, 159), ("160-240", 160, 240), (">240", 241, None))
COACH_TABLE = {  # size class -> (year 1, years 2-3, after year 3), hours per week
    "40-80": (_b(12), _b(8), _b(4, 6)),
    "80-160": (_b(18), _b(12), _b(6)),
    "160-240": (_b(24), _b(16), _b(6)),
    ">240": (_b(20, 24), _b(20, 24), _b(8)),
}


def size_class(units: int) -> str | None:
    """The seed's size class of a site (see the band-edge convention above); None under
    40 units."""
    if units < 0:
        raise ValueError("units must not be negative")
    for label, lowest, highest in SIZE_CLASSES:
        if units >= lowest and (highest is None or units <= highest):
            return label
    return None


def project_year(project_start: date, on: date) -> int:
    """Project year of ``on`` (1 from ``project_start``); 0 before the start."""
    if on < project_start:
        return 0
    years = relativedelta(on, project_start).years
    return years + 1


def coach_hours_per_week(units: int, year: int) -> Band | None:
    """The table's coach hours per week; None under 40 units (the site sets its own)."""
    if year < 1:
        raise ValueError("project year starts at 1")
    label = size_class(units)
    if label is None:
        return None
    first, second_third, later = COACH_TABLE[label]
    return first if year == 1 else second_third if year <= 3 else later


class CoachBasis(StrEnum):
    TABLE = "tabel"
    WAAKVLAM = "waakvlam"
    OPGESCHAALD = "opgeschaald"
    EIGEN_NORM = "eigen_norm"
    OWN_NORM_NEEDED = "eigen_norm_nodig"
    NOT_STARTED = "niet_gestart"


@dataclass(frozen=True)
class OverrideRecord:
    """A recorded coach-norm override (see ``models.hours.CoachNormOverride``)."""

    kind: str
    starts_on: date
    ends_on: date | None = None
    hours_per_week: Number | None = None
    reason: str | None = None

    def active_on(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


@dataclass(frozen=True)
class CoachNorm:
    basis: CoachBasis
    project_year: int
    per_week: Band | None = None
    per_month: Band | None = None  # the waakvlam is a monthly figure
    reason: str | None = None
    permanent_role: bool = False  # waakvlam on a site of 100+ units: discuss

    def hours_on(self, on: date) -> Band | None:
        """The norm's share of one day: a seventh of the week, or of the month's days."""
        if self.per_week is not None:
            return self.per_week.scaled(Fraction(1, 7))
        if self.per_month is not None:
            return self.per_month.scaled(Fraction(1, calendar.monthrange(on.year,
                                                                         on.month)[1]))
        return None


def _latest(overrides: Iterable[OverrideRecord], kind: str, on: date) -> OverrideRecord | None:
    """The active override of ``kind`` that started last (among equal starts: recorded
    last, as ``overrides`` is in recording order)."""
    best = None
    for record in overrides:
        if record.kind == kind and record.active_on(on) and (
                best is None or record.starts_on >= best.starts_on):
            best = record
    return best


def coach_norm(units: int, project_start: date, on: date,
               overrides: Iterable[OverrideRecord] = ()) -> CoachNorm:
    """The coach norm of a site on ``on``: scale-up, else waakvlam (year 4+), else the
    own norm of a site under 40 units, else the table."""
    overrides = tuple(overrides)
    year = project_year(project_start, on)
    if year < 1:
        return CoachNorm(CoachBasis.NOT_STARTED, year)
    scale_up = _latest(overrides, "opgeschaald", on)
    if scale_up is not None:
        return CoachNorm(CoachBasis.OPGESCHAALD, year, Band.of(scale_up.hours_per_week),
                         reason=scale_up.reason)
    standby = _latest(overrides, "waakvlam", on)
    if standby is not None and year >= 4:
        return CoachNorm(CoachBasis.WAAKVLAM, year, per_month=Band.of(WAAKVLAM_HOURS_PER_MONTH),
                         reason=standby.reason, permanent_role=units >= PERMANENT_COACH_UNITS)
    if units < SMALL_SITE_UNITS:
        own = _latest(overrides, "eigen_norm", on)
        if own is None:
            return CoachNorm(CoachBasis.OWN_NORM_NEEDED, year)
        return CoachNorm(CoachBasis.EIGEN_NORM, year, Band.of(own.hours_per_week),
                         reason=own.reason)
    return CoachNorm(CoachBasis.TABLE, year, coach_hours_per_week(units, year))


def care_contribution(indicated_hours_per_week: Iterable[Number],
                      share: Fraction = CARE_SHARE) -> Fraction:
    """The community contribution in hours per week: ``share`` (10%) of the summed
    indicated weekly care hours."""
    return sum((Fraction(h) for h in indicated_hours_per_week), Fraction(0)) * share


def care_contribution_by_organisation(occupancies: Iterable[Occupancy], on: date,
                                      share: Fraction = CARE_SHARE) -> dict[int, Fraction]:
    """Hours per week each care organisation owes the community on ``on``, from the
    support status of the residents present that day (without indicated hours a
    begeleid resident adds nothing)."""
    hours: dict[int, list] = defaultdict(list)
    for occ in occupancies:
        if not occ.present_on(on):
            continue
        record = status_on(occ.statuses, on)
        if record is not None and record.status == "begeleid" and record.care_organisation_id:
            hours[record.care_organisation_id].append(record.indicated_hours or 0)
    return {org: care_contribution(values, share) for org, values in hours.items()}


def management_band(units: int, fte_hours: Number = DEFAULT_FTE_HOURS) -> Band:
    """Combined social and physical management in hours per week: 1 fte per 150-350
    units, pro rata (more units per fte is the low end of the band)."""
    fewest, most = MANAGEMENT_UNITS_PER_FTE
    fte = Fraction(fte_hours)
    return Band(Fraction(units, most) * fte, Fraction(units, fewest) * fte)


class HourStatus(StrEnum):
    UNDER = "under"
    WITHIN = "within"
    OVER = "over"
    NO_NORM = "no_norm"
    #: the norm is withheld from this viewer (a small group), and so is the judgement
    #: against it, which would bound the norm
    WITHHELD = "withheld"


def assess(actual: Number, norm: Band | None,
           tolerance: Fraction = DEFAULT_TOLERANCE) -> HourStatus:
    """Compare logged hours with a norm band widened by ``tolerance`` on both sides."""
    if norm is None:
        return HourStatus.NO_NORM
    actual = Fraction(actual)
    if actual < norm.low * (1 - tolerance):
        return HourStatus.UNDER
    if actual > norm.high * (1 + tolerance):
        return HourStatus.OVER
    return HourStatus.WITHIN
