"""The mix band (seed 004 "2. Passende mix") as a pure function.

The preferred mix is 1/3 begeleid : 2/3 onbegeleid. The seeds call it a rule of thumb,
so the result is a status to discuss, never a block. The convention Noaber uses:

* ``ok``: the begeleid share is within ``tolerance`` (default 5 percentage points) of the
  target;
* ``discuss`` (bespreekpunt): within twice the tolerance, or, on a small site (at most
  ``small_site_units`` units, default 60), above the target up to ``small_site_max_share``
  (default 1/2): the seed calls half/half a discussion point for such sites;
* ``out_of_band``: anything further away, with a direction: ``high`` (too many begeleid
  residents) or ``low`` (too few);
* ``empty``: no residents, so no share.

Exact fractions are used so that 1/3 and 1/2 land exactly on their edges.
The small-site rule looks at the size of the whole site, also when a part is assessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Number = Fraction | Decimal | int

DEFAULT_TARGET = Fraction(1, 3)
DEFAULT_TOLERANCE = Fraction(1, 20)
DEFAULT_SMALL_SITE_UNITS = 60
DEFAULT_SMALL_SITE_MAX_SHARE = Fraction(1, 2)


class MixStatus(StrEnum):
    OK = "ok"
    DISCUSS = "discuss"
    OUT_OF_BAND = "out_of_band"
    EMPTY = "empty"


class Direction(StrEnum):
    HIGH = "high"
    LOW = "low"


@dataclass(frozen=True)
class MixBand:
    """The thresholds of one site."""

    target: Fraction = DEFAULT_TARGET
    tolerance: Fraction = DEFAULT_TOLERANCE
    small_site_units: int = DEFAULT_SMALL_SITE_UNITS
    small_site_max_share: Fraction = DEFAULT_SMALL_SITE_MAX_SHARE

    @classmethod
    def of(cls, target: Number, tolerance: Number, small_site_units: int,
           small_site_max_share: Number) -> "MixBand":
        """Build a band from stored values; a stored 0.3333 is read as exactly 1/3."""
        return cls(_as_share(target), Fraction(tolerance), small_site_units,
                   Fraction(small_site_max_share))


@dataclass(frozen=True)
class MixAssessment:
    begeleid: int
    total: int
    share: Fraction | None
    status: MixStatus
    direction: Direction | None

    @property
    def onbegeleid(self) -> int:
        return self.total - self.begeleid

    @property
    def percentage(self) -> float | None:
        return None if self.share is None else float(self.share * 100)


def _as_share(value: Number) -> Fraction:
    fraction = Fraction(value)
    if fraction != Fraction(1, 3) and abs(fraction - Fraction(1, 3)) < Fraction(1, 10_000):
        return Fraction(1, 3)
    return fraction


def assess_mix(begeleid: int, total: int, site_units: int,
               band: MixBand = MixBand()) -> MixAssessment:
    """Assess a begeleid count out of ``total`` residents on a site of ``site_units`` units."""
    if begeleid < 0 or total < 0 or begeleid > total:
        raise ValueError("begeleid must be between 0 and total")
    if total == 0:
        return MixAssessment(0, 0, None, MixStatus.EMPTY, None)
    share = Fraction(begeleid, total)
    distance = share - band.target
    direction = None if distance == 0 else (Direction.HIGH if distance > 0 else Direction.LOW)
    if abs(distance) <= band.tolerance:
        status = MixStatus.OK
    elif abs(distance) <= 2 * band.tolerance:
        status = MixStatus.DISCUSS
    elif (direction is Direction.HIGH and site_units <= band.small_site_units
          and share <= band.small_site_max_share):
        status = MixStatus.DISCUSS
    else:
        status = MixStatus.OUT_OF_BAND
    return MixAssessment(begeleid, total, share, status, direction)
