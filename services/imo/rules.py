"""Pure rules of the IMO: the what-if of a placement, the mutations between two dates,
the candidate pipeline and the invitation reminder. No database, dates as parameters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from models.enums import CandidateStatus as S
from models.enums import SupportStatus
from services.registry.mix import Occupancy, Tally, status_on
from services.registry.mix_rules import MixAssessment, MixBand, assess_mix

# ---------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    site: MixAssessment
    part: MixAssessment | None


def what_if(site_tally: Tally, part_tally: Tally | None, support_status: str,
            site_units: int, band: MixBand) -> WhatIf:
    """The mix of the site and of the vacancy's part after one more resident with
    ``support_status`` moves in. Tallies are the counts on the vacancy date, so a
    resident who has announced leaving is already out of them."""
    extra = int(support_status == SupportStatus.BEGELEID)
    site = assess_mix(site_tally.begeleid + extra, site_tally.total + 1, site_units, band)
    part = None if part_tally is None else assess_mix(
        part_tally.begeleid + extra, part_tally.total + 1, site_units, band)
    return WhatIf(site, part)


# ---------------------------------------------------------------- mutations


@dataclass(frozen=True)
class Mutation:
    on: date
    kind: str              # "move_in" | "move_out" | "status_change"
    resident_id: int
    part_id: int | None
    status_before: str | None = None
    status_after: str | None = None


def mutations_between(occupancies: list[Occupancy], after: date,
                      until: date) -> list[Mutation]:
    """Moves in and out and status changes dated in (``after``, ``until``], in date
    order. A status recorded on the move-in date is part of the move-in, not a change;
    two records on the same date count once (the one recorded last)."""
    found: list[Mutation] = []
    for occ in occupancies:
        if after < occ.move_in <= until:
            first = status_on(occ.statuses, occ.move_in)
            found.append(Mutation(occ.move_in, "move_in", occ.resident_id, occ.part_id,
                                  status_after=first.status if first else None))
        if occ.move_out is not None and after < occ.move_out <= until:
            last = status_on(occ.statuses, occ.move_out)
            found.append(Mutation(occ.move_out, "move_out", occ.resident_id, occ.part_id,
                                  status_before=last.status if last else None))
        for day in sorted({r.valid_from for r in occ.statuses}):
            if not (after < day <= until) or day == occ.move_in:
                continue
            before = status_on(occ.statuses, day - relativedelta(days=1))
            now = status_on(occ.statuses, day)
            if before is not None and now is not None and before.status != now.status:
                found.append(Mutation(day, "status_change", occ.resident_id, occ.part_id,
                                      before.status, now.status))
    return sorted(found, key=lambda m: (m.on, m.kind, m.resident_id))


# ---------------------------------------------------------------- pipeline

OPEN = (S.AANGEMELD, S.IN_BESPREKING, S.ADVIES_GEGEVEN, S.BESLUIT_CORPORATIE,
        S.AANGEHOUDEN)
CLOSED = (S.GEPLAATST, S.AFGEWEZEN, S.TERUGGETROKKEN)
NEEDS_REASON = (S.AFGEWEZEN, S.TERUGGETROKKEN)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.AANGEMELD: (S.IN_BESPREKING, S.AANGEHOUDEN, S.TERUGGETROKKEN, S.AFGEWEZEN),
    S.IN_BESPREKING: (S.ADVIES_GEGEVEN, S.AANGEHOUDEN, S.TERUGGETROKKEN),
    S.ADVIES_GEGEVEN: (S.BESLUIT_CORPORATIE, S.IN_BESPREKING, S.AANGEHOUDEN,
                       S.TERUGGETROKKEN),
    S.BESLUIT_CORPORATIE: (S.GEPLAATST, S.AFGEWEZEN, S.AANGEHOUDEN, S.TERUGGETROKKEN),
    S.AANGEHOUDEN: (S.AANGEMELD, S.IN_BESPREKING, S.TERUGGETROKKEN, S.AFGEWEZEN),
    S.GEPLAATST: (),
    S.AFGEWEZEN: (),
    S.TERUGGETROKKEN: (),
}


def can_move(current: str, new: str) -> bool:
    """Whether the pipeline allows going from ``current`` to ``new``."""
    return new in TRANSITIONS.get(current, ())


# ---------------------------------------------------------------- reminder

WAITING_MONTHS = 3
ACTIVITY_WINDOW_MONTHS = 6


def should_invite(registered_on: date, status: str, last_activity: date | None,
                  today: date, waiting_months: int = WAITING_MONTHS,
                  window_months: int = ACTIVITY_WINDOW_MONTHS) -> bool:
    """The seed's tip: invite people on the waiting list to an activity (an information
    evening, a lunch) within half a year before a possible placement. Noaber reminds for
    every open candidate who has been on the list for ``waiting_months`` or more and has
    no information evening or activity in the last ``window_months``: any of them may be
    placed within half a year."""
    if status not in OPEN:
        return False
    waiting = registered_on <= today - relativedelta(months=waiting_months)
    window_start = today - relativedelta(months=window_months)
    recently_active = last_activity is not None and last_activity > window_start
    return waiting and not recently_active
