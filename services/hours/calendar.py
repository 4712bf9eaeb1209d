"""The norms of each day of a site, live or frozen.

Every norm is turned into hours *per day* (a seventh of a weekly norm, the month's share
of the monthly waakvlam), so the norm of any week, month, quarter or year is the sum of
its days and follows every dated change exactly. The inputs of a site are loaded once
(:func:`load_norm_inputs`) and the days computed in plain Python.

Days of a closed month use the norms stored when the month was closed
(``MonthClosure.day_norms``), so a later change to the registry (a backdated status
change, a new unit, an override) never changes the figures of an approved month.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import CoachNormOverride, MonthClosure, Site, SiteHourSettings, Unit
from models.hours import DEFAULT_FTE_HOURS
from services.hours.norms import (Band, CoachBasis, OverrideRecord, care_contribution_by_organisation,
                                  coach_norm, management_band)
from services.hours.periods import days, next_month
from services.registry.mix import Occupancy, load_occupancies, status_on

SEVENTH = Fraction(1, 7)


@dataclass(frozen=True)
class DayNorm:
    """The norms of one day, in hours of that day."""

    coach: Band | None
    coach_basis: str
    project_year: int
    management: Band | None
    care: dict[int, Fraction] = field(default_factory=dict)  # care organisation -> hours
    coach_reason: str | None = None
    permanent_role: bool = False
    clients: dict[int, int] = field(default_factory=dict)  # care organisation -> residents


@dataclass(frozen=True)
class NormInputs:
    project_start: date
    units: int
    fte_hours: Decimal
    overrides: tuple[OverrideRecord, ...] = ()
    occupancies: tuple[Occupancy, ...] = ()
    frozen: dict[date, DayNorm] = field(default_factory=dict)
    #: live norms computed so far (see :func:`day_norm`)
    memo: dict[date, DayNorm] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def change_days(self) -> frozenset[date]:
        """The days on which a live norm may differ from the day before: the start, a
        move-in or move-out, a status change, an override starting or ending, the first
        of a month (the waakvlam is a monthly figure) and a new project year."""
        found = {self.project_start}
        for occ in self.occupancies:
            found.add(occ.move_in)
            found.update(s.valid_from for s in occ.statuses)
            if occ.move_out is not None:
                found.add(occ.move_out)
        for override in self.overrides:
            found.update(d for d in (override.starts_on, override.ends_on) if d is not None)
        for year in range(self.project_start.year + 1, self.project_start.year + 101):
            try:
                anniversary = self.project_start.replace(year=year)
            except ValueError:  # 29 February in a common year
                anniversary = date(year, 2, 28)
            found.update((anniversary, anniversary + timedelta(days=1)))
        return frozenset(found)


def live_day_norm(inputs: NormInputs, on: date) -> DayNorm:
    """The norms of ``on`` from the current registry and overrides."""
    if on < inputs.project_start:
        return DayNorm(None, CoachBasis.NOT_STARTED, 0, None)
    coach = coach_norm(inputs.units, inputs.project_start, on, inputs.overrides)
    care = care_contribution_by_organisation(inputs.occupancies, on)
    return DayNorm(coach.hours_on(on), coach.basis, coach.project_year,
                   management_band(inputs.units, inputs.fte_hours).scaled(SEVENTH),
                   {org: weekly * SEVENTH for org, weekly in care.items()},
                   coach.reason, coach.permanent_role, care_clients(inputs.occupancies, on))


def care_clients(occupancies, on: date) -> dict[int, int]:
    """How many begeleide residents of each care organisation live on the site on ``on``."""
    counts: dict[int, int] = {}
    for occ in occupancies:
        record = status_on(occ.statuses, on) if occ.present_on(on) else None
        if record is not None and record.status == "begeleid" and record.care_organisation_id:
            counts[record.care_organisation_id] = counts.get(record.care_organisation_id, 0) + 1
    return counts


def day_norm(inputs: NormInputs, on: date) -> DayNorm:
    """The norms of ``on``: frozen for a closed month, else live.

    Live norms are remembered on ``inputs``: a day that is not one of its
    :attr:`~NormInputs.change_days` has the norms of the day before, so walking through
    a period computes only the days on which something changed."""
    frozen = inputs.frozen.get(on)
    if frozen is not None:
        return frozen
    norm = inputs.memo.get(on)
    if norm is None:
        before = inputs.memo.get(on - timedelta(days=1))
        norm = before if before is not None and on.day != 1 and \
            on not in inputs.change_days else live_day_norm(inputs, on)
        inputs.memo[on] = norm
    return norm


# --- freezing a month ------------------------------------------------------------------

def _band_json(band: Band | None):
    return None if band is None else [str(band.low), str(band.high)]


def _band_of(value) -> Band | None:
    return None if value is None else Band(Fraction(value[0]), Fraction(value[1]))


def to_json(norm: DayNorm) -> dict:
    """A day's norms as JSON, with exact fractions as strings ("12/7")."""
    return {"coach": _band_json(norm.coach), "basis": str(norm.coach_basis),
            "year": norm.project_year, "management": _band_json(norm.management),
            "care": {str(org): str(hours) for org, hours in norm.care.items()},
            "reason": norm.coach_reason, "permanent_role": norm.permanent_role,
            "clients": {str(org): n for org, n in norm.clients.items()}}


def from_json(data: dict) -> DayNorm:
    return DayNorm(_band_of(data["coach"]), data["basis"], data["year"],
                   _band_of(data["management"]),
                   {int(org): Fraction(hours) for org, hours in data["care"].items()},
                   data.get("reason"), data.get("permanent_role", False),
                   {int(org): n for org, n in data.get("clients", {}).items()})


@lru_cache(maxsize=4096)
def _parsed(text: str) -> DayNorm:
    return from_json(json.loads(text))


def frozen_norms(day_norms: dict[str, dict]) -> dict[date, DayNorm]:
    """A closure's stored norms by day. The days of a month mostly have equal norms, and
    so do many months: equal days share one parsed :class:`DayNorm` (a closure never
    changes, so neither does what its JSON says)."""
    found: dict[date, DayNorm] = {}
    last_data, last_norm = None, None
    for on, data in day_norms.items():
        if data != last_data:
            last_data, last_norm = data, _parsed(json.dumps(data, sort_keys=True))
        found[date.fromisoformat(on)] = last_norm
    return found


def freeze_month(inputs: NormInputs, month: date) -> dict[str, dict]:
    """The norms of every day of ``month`` (its first day), to store with its closure."""
    return {on.isoformat(): to_json(day_norm(inputs, on))
            for on in days(month, next_month(month))}


# --- loading ---------------------------------------------------------------------------

def override_records(session: Session, site_id: int) -> tuple[OverrideRecord, ...]:
    rows = session.scalars(sa.select(CoachNormOverride)
                           .where(CoachNormOverride.site_id == site_id)
                           .order_by(CoachNormOverride.id))
    return tuple(OverrideRecord(o.kind, o.starts_on, o.ends_on, o.hours_per_week, o.reason)
                 for o in rows)


def fte_hours(session: Session, site_id: int) -> Decimal:
    settings = session.get(SiteHourSettings, site_id)
    return settings.fte_hours if settings is not None else DEFAULT_FTE_HOURS


def unit_count(session: Session, site_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Unit)
                          .where(Unit.site_id == site_id)) or 0


#: closure key -> its parsed day norms; see :func:`closed_norms`
_CLOSED: OrderedDict[tuple, dict[date, DayNorm]] = OrderedDict()
_CLOSED_SIZE = 4096
_CLOSED_LOCK = threading.Lock()


def closed_norms(session: Session, site_id: int, since: date | None = None
                 ) -> dict[date, DayNorm]:
    """The frozen day norms of the site's closed months (from ``since``'s month on).

    A closure is append-only, so what its JSON says never changes: the parsed norms are
    remembered per process under the closure's id, site, month and closing instant, and
    only closures not seen before are read in full (a site with years of closed months
    would otherwise decode thousands of stored days on every report)."""
    query = sa.select(MonthClosure.id, MonthClosure.site_id, MonthClosure.month,
                      MonthClosure.closed_at).where(MonthClosure.site_id == site_id)
    if since is not None:
        query = query.where(MonthClosure.month >= since.replace(day=1))
    keys = [tuple(row) for row in session.execute(query)]
    with _CLOSED_LOCK:
        known = {key: _CLOSED[key] for key in keys if key in _CLOSED}
    missing = [key for key in keys if key not in known]
    if missing:
        read = {closure_id: day_norms for closure_id, day_norms in session.execute(
            sa.select(MonthClosure.id, MonthClosure.day_norms)
            .where(MonthClosure.id.in_([key[0] for key in missing])))}
        known.update({key: frozen_norms(read[key[0]]) for key in missing})
        with _CLOSED_LOCK:
            _CLOSED.update({key: known[key] for key in missing})
            while len(_CLOSED) > _CLOSED_SIZE:
                _CLOSED.popitem(last=False)
    frozen: dict[date, DayNorm] = {}
    for key in keys:
        frozen.update(known[key])
    return frozen


def load_norm_inputs(session: Session, site: Site, since: date | None = None,
                     occupancies: list[Occupancy] | None = None) -> NormInputs:
    """Everything the norms of ``site`` depend on, loaded once (five queries); with
    ``since`` only the closed months from that day's month on (a caller that looks at
    recent days need not read years of frozen norms); ``occupancies``: the site's stays
    when the caller has loaded them already (services.registry.mix)."""
    frozen = closed_norms(session, site.id, since)
    return NormInputs(site.project_start, unit_count(session, site.id),
                      fte_hours(session, site.id), override_records(session, site.id),
                      tuple(load_occupancies(session, site.id) if occupancies is None
                            else occupancies), frozen)
