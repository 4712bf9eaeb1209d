"""The mix of a site and of each of its parts on a date, and its history.

All residents of a site are loaded once (two queries) and the counting on each date is
done in plain Python (:func:`count_mix`), so a 24-month history costs no more queries
than a single day.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import Resident, Site, SitePart, SupportPeriod, SupportStatus, Unit
from services.registry.disclosure import (DisclosureRules, Publication, month_starts,
                                          publications, rounded, withheld_cells)
from services.registry.mix_rules import MixAssessment, MixBand, MixStatus, assess_mix


@dataclass(frozen=True)
class StatusRecord:
    valid_from: date
    status: str
    care_organisation_id: int | None
    indicated_hours: Decimal | None


@dataclass(frozen=True)
class Occupancy:
    """A resident's stay in a unit, with the support history ordered as recorded."""

    resident_id: int
    unit_id: int
    part_id: int | None
    move_in: date
    move_out: date | None
    statuses: tuple[StatusRecord, ...] = ()

    def present_on(self, on: date) -> bool:
        return self.move_in <= on and (self.move_out is None or on < self.move_out)


def status_on(statuses: tuple[StatusRecord, ...], on: date) -> StatusRecord | None:
    """The status valid on ``on``: the latest ``valid_from`` not after it; among equal
    dates the one recorded last (``statuses`` is in recording order)."""
    best: StatusRecord | None = None
    for record in statuses:
        if record.valid_from <= on and (best is None or record.valid_from >= best.valid_from):
            best = record
    return best


@dataclass
class Tally:
    begeleid: int = 0
    total: int = 0
    units: set[int] = field(default_factory=set)


def count_mix(occupancies: list[Occupancy], on: date) -> dict[int | None, Tally]:
    """Count residents present on ``on`` per part (key ``None`` collects the whole site
    under the extra key ``"site"``); a resident without a status counts as onbegeleid."""
    tallies: dict = defaultdict(Tally)
    for occ in occupancies:
        if not occ.present_on(on):
            continue
        record = status_on(occ.statuses, on)
        is_begeleid = record is not None and record.status == SupportStatus.BEGELEID
        for key in (occ.part_id, "site"):
            tally = tallies[key]
            tally.total += 1
            tally.begeleid += int(is_begeleid)
            tally.units.add(occ.unit_id)
    return tallies


def load_occupancies(session: Session, site_id: int) -> list[Occupancy]:
    """All stays on the site, past and present, with their support history."""
    rows = session.execute(
        sa.select(Resident.id, Resident.unit_id, Unit.part_id, Resident.move_in_date,
                  Resident.move_out_date)
        .join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id)
    ).all()
    history: dict[int, list[StatusRecord]] = defaultdict(list)
    periods = session.execute(
        sa.select(SupportPeriod.resident_id, SupportPeriod.valid_from, SupportPeriod.status,
                  SupportPeriod.care_organisation_id, SupportPeriod.indicated_hours)
        .join(Resident, Resident.id == SupportPeriod.resident_id)
        .join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id)
        .order_by(SupportPeriod.resident_id, SupportPeriod.id)
    ).all()
    for p in periods:
        history[p.resident_id].append(StatusRecord(p.valid_from, p.status,
                                                   p.care_organisation_id, p.indicated_hours))
    return [Occupancy(r.id, r.unit_id, r.part_id, r.move_in_date, r.move_out_date,
                      tuple(history[r.id])) for r in rows]


def band_of(site: Site) -> MixBand:
    """The mix thresholds stored on the site."""
    return MixBand.of(site.target_begeleid_share, site.mix_tolerance,
                      site.small_site_units, site.small_site_max_share)


@dataclass(frozen=True)
class PartMix:
    part_id: int | None
    name: str
    units: int
    occupied: int
    assessment: MixAssessment
    #: published figures (services.registry.disclosure): withheld, the date of the
    #: publication shown, the rounding of the begeleid count
    withheld: bool = False
    published_on: date | None = None
    rounded_to: int | None = None

    @property
    def vacant(self) -> int:
        return self.units - self.occupied


@dataclass(frozen=True)
class HistoryPoint:
    on: date
    assessment: MixAssessment
    withheld: bool = False


@dataclass(frozen=True)
class SiteMix:
    site: Site
    on: date
    whole: PartMix
    parts: list[PartMix]
    history: list[HistoryPoint]
    #: the disclosure rules the figures were published under; None: exact figures
    rules: DisclosureRules | None = None
    #: the history of each part (its id; None: units without a part), like ``history``
    part_history: dict = field(default_factory=dict)


def history_dates(today: date, months: int) -> list[date]:
    """The first day of each of the last ``months`` months, and ``today`` itself."""
    first = today.replace(day=1)
    dates = [first - relativedelta(months=n) for n in range(months - 1, -1, -1)]
    if dates[-1] != today:
        dates.append(today)
    return dates


def site_mix(session: Session, site: Site, today: date, months: int = 24,
             rules: DisclosureRules | None = None,
             occupancies: list[Occupancy] | None = None) -> SiteMix:
    """The mix of ``site`` on ``today`` for the site and each part, plus its history:
    exact, or with ``rules`` the published figures (for whoever may not see care data
    per person); ``occupancies``: the site's stays (:func:`load_occupancies`) when the
    caller has them already."""
    unit_rows = session.execute(
        sa.select(Unit.part_id, sa.func.count()).where(Unit.site_id == site.id)
        .group_by(Unit.part_id)
    ).all()
    units_per_part = {part_id: count for part_id, count in unit_rows}
    site_units = sum(units_per_part.values())
    parts = session.scalars(
        sa.select(SitePart).where(SitePart.site_id == site.id).order_by(SitePart.name)).all()
    if occupancies is None:
        occupancies = load_occupancies(session, site.id)
    band = band_of(site)
    if rules is not None:
        return _published_mix(site, today, months, rules, parts, units_per_part,
                              occupancies, band)
    tallies = count_mix(occupancies, today)

    def part_mix(key, name: str, units: int) -> PartMix:
        tally = tallies.get(key, Tally())
        return PartMix(None if key == "site" else key, name, units, len(tally.units),
                       assess_mix(tally.begeleid, tally.total, site_units, band))

    part_rows = [part_mix(p.id, p.name, units_per_part.get(p.id, 0)) for p in parts]
    if units_per_part.get(None):
        part_rows.append(part_mix(None, "", units_per_part[None]))
    history, part_history = [], {row.part_id: [] for row in part_rows}
    for on in history_dates(today, months):
        counted = count_mix(occupancies, on)
        for key, points in [("site", history)] + list(part_history.items()):
            tally = counted.get(key, Tally())
            points.append(HistoryPoint(on, assess_mix(tally.begeleid, tally.total,
                                                      site_units, band)))
    return SiteMix(site, today, part_mix("site", site.name, site_units), part_rows, history,
                   part_history=part_history)


# --- published figures (services.registry.disclosure) -----------------------------------

def cell_events(occupancies: list[Occupancy]) -> dict:
    """The sorted dates of every change per cell (part id, and ``"site"``): moves in and
    out, and status changes during a stay."""
    events: dict = defaultdict(list)
    for occ in occupancies:
        dates = [occ.move_in] + ([occ.move_out] if occ.move_out else []) + [
            r.valid_from for r in occ.statuses if occ.move_in < r.valid_from
            and (occ.move_out is None or r.valid_from < occ.move_out)]
        for key in (occ.part_id, "site"):
            events[key].extend(dates)
    return {key: sorted(dates) for key, dates in events.items()}


def _withheld_assessment(total: int) -> MixAssessment:
    return MixAssessment(0, total, None, MixStatus.EMPTY, None)


def _published_mix(site: Site, today: date, months: int, rules: DisclosureRules, parts,
                   units_per_part: dict, occupancies: list[Occupancy],
                   band: MixBand) -> SiteMix:
    site_units = sum(units_per_part.values())
    events = cell_events(occupancies)
    first = min((dates[0] for dates in events.values() if dates), default=today)
    months_list = month_starts(first, today)
    counts: dict[date, dict] = {}

    def state(key):
        def at(day: date) -> tuple[int, int]:
            if day not in counts:
                counts[day] = count_mix(occupancies, day)
            tally = counts[day].get(key, Tally())
            return tally.begeleid, tally.total
        return at

    keys = [p.id for p in parts] + ([None] if units_per_part.get(None) else []) + ["site"]
    series = {key: publications(months_list, events.get(key, []), state(key), rules.batch)
              for key in keys}
    month = today.replace(day=1)
    current = {key: series[key].get(month) for key in keys}
    withheld = withheld_cells({k: (p.total if p else None) for k, p in current.items()},
                              "site", rules.min_cell)
    tallies = count_mix(occupancies, today)

    def published(key, publication: Publication | None, hidden: bool,
                  residents: int) -> MixAssessment:
        if hidden or publication is None:  # the number of residents is public
            return _withheld_assessment(residents)
        return assess_mix(rounded(publication.begeleid, publication.total, rules.rounding),
                          publication.total, site_units, band)

    def part_mix(key, name: str, units: int) -> PartMix:
        publication = current[key]
        return PartMix(None if key == "site" else key, name, units,
                       len(tallies.get(key, Tally()).units),
                       published(key, publication, key in withheld,
                                 tallies.get(key, Tally()).total), key in withheld,
                       publication.on if publication else None, rules.rounding)

    part_rows = [part_mix(p.id, p.name, units_per_part.get(p.id, 0)) for p in parts]
    if units_per_part.get(None):
        part_rows.append(part_mix(None, "", units_per_part[None]))
    history, part_history = [], {row.part_id: [] for row in part_rows}
    for on in months_list[-months:]:
        publication = series["site"][on]
        hidden = publication is None or publication.total < rules.min_cell
        history.append(HistoryPoint(on, published("site", publication, hidden,
                                                  publication.total if publication else 0),
                                    hidden))
        # each part as that month's mix page showed it: small parts withheld, and as
        # many more as it takes that no withheld part follows from the others
        month = {key: series[key][on] for key in part_history}
        withheld_now = withheld_cells(
            {**{k: (p.total if p else None) for k, p in month.items()},
             "site": publication.total if publication else None}, "site", rules.min_cell)
        for key, points in part_history.items():
            gone = key in withheld_now or month[key] is None
            points.append(HistoryPoint(on, published(key, month[key], gone, month[key].total
                                                     if month[key] else 0), gone))
    return SiteMix(site, today, part_mix("site", site.name, site_units), part_rows, history,
                   rules, part_history)
