"""Disclosure control for the mix (the statistical offices' *celonthulling* practice).

Whether a resident is begeleid is health data (AVG art. 9). Whoever may not see it per
person (everyone but the sociaal beheerder and admins) sees the mix of the site and its
parts only as *published figures*, made by four rules that are pure functions here:

R1 minimum cell: a cell (the site or a part) with fewer than ``min_cell`` residents
   (default 10) shows no begeleid count, share or status.
R2 secondary suppression: when one part alone is withheld, the next smallest shown part
   is withheld too (or the site, if no other part is left), so that no withheld cell
   can be recovered by subtracting the shown parts from the site.
R3 rounding: the begeleid count is rounded to a multiple of ``rounding`` (default 5),
   never above the number of residents; share and band status are computed from that
   rounded count. The number of residents is exact (the resident list shows it).
R4 publication with batching: a cell's figure is the state on the first day of a month,
   and it only changes from the previous published figure once at least ``batch``
   changes (default 3: a move in, a move out, a status change) happened in that cell
   since that publication; otherwise the earlier figure stands. The history is the
   series of published figures, from the first month the cell had residents, so it does
   not depend on how many months a page asks for.

Together a single move (or two) never shows as a certain change: the published figure
either stands, or moves by a rounded step that several people's moves could explain.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Callable, Hashable

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class DisclosureRules:
    min_cell: int = 10
    rounding: int = 5
    batch: int = 3


@dataclass(frozen=True)
class Publication:
    """A cell's published state: the exact counts on ``on`` (rounded when shown)."""

    on: date
    begeleid: int
    total: int


def rounded(begeleid: int, total: int, base: int) -> int:
    """``begeleid`` to the nearest multiple of ``base`` (halves up), at most the largest
    multiple of ``base`` that does not exceed ``total``."""
    if base <= 1:
        return begeleid
    nearest = (2 * begeleid + base) // (2 * base) * base
    return min(nearest, total - total % base)


def month_starts(first: date, last: date) -> list[date]:
    """The first days of the months from the one holding ``first`` to ``last``'s."""
    start, end = first.replace(day=1), last.replace(day=1)
    found = []
    while start <= end:
        found.append(start)
        start += relativedelta(months=1)
    return found


def publications(months: list[date], events: list[date], state_at: Callable[[date], tuple],
                 batch: int) -> dict[date, Publication | None]:
    """R4 for one cell: for each month start the publication in force then. ``events``
    are the dates of the cell's changes, sorted; ``state_at(day)`` gives the exact
    ``(begeleid, total)`` on a day and is called only when a figure is published."""
    current: Publication | None = None
    counted_until: date | None = None
    series: dict[date, Publication | None] = {}
    for month in months:
        since = bisect_right(events, counted_until) if counted_until else 0
        if bisect_right(events, month) - since >= batch:
            begeleid, total = state_at(month)
            current, counted_until = Publication(month, begeleid, total), month
        series[month] = current
    return series


def withheld_cells(totals: dict[Hashable, int | None], site_key: Hashable,
                   min_cell: int) -> set[Hashable]:
    """R1 and R2: the cells to withhold, given each cell's published number of residents
    (None: nothing published yet, withheld as well)."""
    withheld = {key for key, total in totals.items() if total is None or total < min_cell}
    parts = [key for key in totals if key != site_key]
    hidden_parts = [key for key in parts if key in withheld]
    shown_parts = sorted((key for key in parts if key not in withheld),
                         key=lambda key: (totals[key], str(key)))
    if len(hidden_parts) == 1 and site_key not in withheld:
        if shown_parts:
            withheld.add(shown_parts[0])
        else:
            withheld.add(site_key)
    return withheld
