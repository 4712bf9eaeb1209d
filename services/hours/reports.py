"""Logged hours against the norms, per period, category, organisation and financier.

A report covers the days of its period from the project start up to today (a running
period is compared with the norm of its days so far, not of the whole period). The norm
of a period is the sum of its days (see :mod:`services.hours.calendar`); logged hours
count on their date, corrections on theirs (in an open month), withdrawn entries never.

What a viewer gets is decided here (deny by default): the totals per category for every
report role; per organisation and the management report for the sociaal_beheerder,
kerngroep and stuurgroep; the coach report also for the coach; a care organisation's
10% report also for its own begeleiders. Reports hold aggregates only: no resident is
named anywhere, and persons (staff) only in the entry lists.

A care organisation's 10% norm is a tenth of its clients' indicated hours. With fewer
than :data:`SMALL_GROUP` clients on the site that sum gives away one person's indication,
so whoever may not see that organisation's care data per person (kerngroep, stuurgroep,
the coach, the bestuur, another organisation's begeleider) gets its hours but not the
norm, its client count or indicated hours, nor the status (under, within, over the
norm): a status bounds the norm to the hours shown +-10%, and a few periods' statuses
bound it ever tighter. The site's care and overall lines are then withheld the same way
(norm and status), or the small group's norm would follow by subtraction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import HourCategory, HourEntry, Organisation, OrgKind, Site
from services.access import SiteAccess
from services.hours.calendar import DayNorm, NormInputs, day_norm, load_norm_inputs
from services.hours.entries import closed_months
from services.hours.norms import CARE_SHARE, Band, HourStatus, assess
from services.hours.periods import (Period, PeriodKind, breakdown, days, month_start, next_month,
                                    period_of)

MANAGEMENT = (HourCategory.SOCIAAL_BEHEER, HourCategory.FYSIEK_BEHEER)
#: below this many clients on the site, a care organisation's norm is withheld from those
#: who may not see its care data per person
SMALL_GROUP = 3


@dataclass(frozen=True)
class Line:
    """Logged hours against a norm (both exact hours over the same days)."""

    key: str
    actual: Fraction
    norm: Band | None
    status: HourStatus
    period: Period | None = None
    name: str | None = None
    logged_total: Fraction | None = None  # organisations: every hour they logged
    withheld: bool = False  # neither the norm nor the status is shown to this viewer


def line(key: str, actual: Fraction, norm: Band | None, **extra) -> Line:
    return Line(key, actual, norm, assess(actual, norm), **extra)


def withhold(item: Line) -> Line:
    """``item`` without its norm and without the status judged against it (the status
    would bound the norm: "within" puts it within 10% of the hours shown)."""
    return replace(item, norm=None, status=HourStatus.WITHHELD, withheld=True)


@dataclass(frozen=True)
class Section:
    """A financier's report: one line per sub-period and the period total."""

    key: str  # coach | care | management
    rows: list[Line]
    total: Line
    organisation_id: int | None = None
    organisation: str | None = None
    facts: dict = field(default_factory=dict)
    withheld: bool = False  # a small group: no norm, client count or indicated hours

    def withhold(self) -> Section:
        return replace(self, rows=[withhold(r) for r in self.rows],
                       total=withhold(self.total), facts={}, withheld=True)


@dataclass(frozen=True)
class HourReport:
    site_name: str
    period: Period
    first_day: date | None  # the days counted (None: no day of the period counts yet)
    last_day: date | None
    units: int
    coach_basis: str | None
    project_year: int
    coach_reason: str | None
    permanent_role: bool
    closed_months: list[date]
    totals: list[Line]
    organisations: list[Line] | None = None
    coach: Section | None = None
    care: list[Section] = field(default_factory=list)
    management: Section | None = None

    @property
    def norms_withheld(self) -> bool:
        """Some site totals' norms are withheld (a small group, see the module text)."""
        return any(item.withheld for item in self.totals)


# --- the figures of a range of days ----------------------------------------------------

@dataclass
class Figures:
    """Norms and logged hours summed over some days."""

    coach: Band | None = None
    coach_known: bool = True
    management: Band | None = None
    care: dict[int, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    logged: dict[tuple[str, int | None], Fraction] = field(
        default_factory=lambda: defaultdict(Fraction))  # (category, org) -> hours
    days: int = 0
    #: care organisation -> its fewest clients on a day it had a norm (a day without a
    #: count, as in a month frozen before counts were kept, counts as none)
    fewest_clients: dict[int, int] = field(default_factory=dict)

    def add_day(self, norm: DayNorm) -> None:
        self.days += 1
        if norm.coach is None:
            self.coach_known = False
        else:
            self.coach = norm.coach if self.coach is None else self.coach + norm.coach
        if norm.management is not None:
            self.management = (norm.management if self.management is None
                               else self.management + norm.management)
        for org, hours in norm.care.items():
            self.care[org] += hours
            if hours:
                clients = norm.clients.get(org, 0)
                self.fewest_clients[org] = min(self.fewest_clients.get(org, clients), clients)

    def small_groups(self) -> set[int]:
        """The care organisations with fewer than SMALL_GROUP clients on some day."""
        return {org for org, n in self.fewest_clients.items() if n < SMALL_GROUP}

    @property
    def coach_norm(self) -> Band | None:
        return self.coach if self.coach_known and self.days else None

    def hours(self, categories, organisation_id: int | None = None,
              any_organisation: bool = True) -> Fraction:
        return sum((h for (cat, org), h in self.logged.items() if cat in categories
                    and (any_organisation or org == organisation_id)), Fraction(0))

    def care_norm(self, org: int | None = None) -> Band | None:
        if not self.days:
            return None
        return Band.of(sum(self.care.values(), Fraction(0)) if org is None else self.care[org])


def counted_days(period: Period, project_start: date, today: date) -> tuple[date, date]:
    """The first and the day after the last day of ``period`` that count."""
    return max(period.start, project_start), min(period.end, today + timedelta(days=1))


def logged_by_day(session: Session, site_id: int, start: date, end: date
                  ) -> dict[date, dict[tuple[str, int | None], Fraction]]:
    """Logged hours per day, category and organisation (withdrawn entries excluded)."""
    rows = session.execute(
        sa.select(HourEntry.work_date, HourEntry.category, HourEntry.organisation_id,
                  sa.func.sum(HourEntry.quarters))
        .where(HourEntry.site_id == site_id, HourEntry.work_date >= start,
               HourEntry.work_date < end, HourEntry.withdrawn_at.is_(None))
        .group_by(HourEntry.work_date, HourEntry.category, HourEntry.organisation_id))
    result: dict = defaultdict(dict)
    for on, category, org, quarters in rows:
        result[on][(category, org)] = Fraction(quarters, 4)
    return result


def figures(inputs: NormInputs, logged: dict, start: date, end: date) -> Figures:
    """Sum the norms of the days from ``start`` to ``end`` and the hours logged on them."""
    result = Figures()
    for on in days(start, end):
        result.add_day(day_norm(inputs, on))
        for key, hours in logged.get(on, {}).items():
            result.logged[key] += hours
    return result


# --- building the report ---------------------------------------------------------------

def _totals(f: Figures) -> list[Line]:
    coach = line(HourCategory.COMMUNITYCOACH, f.hours({HourCategory.COMMUNITYCOACH}),
                 f.coach_norm)
    care = line(HourCategory.BEGELEIDER, f.hours({HourCategory.BEGELEIDER}), f.care_norm())
    management = line("beheer", f.hours(MANAGEMENT), f.management if f.days else None)
    norms = [coach.norm, care.norm, management.norm]
    total_norm = None if None in norms else norms[0] + norms[1] + norms[2]
    return [coach, care,
            line(HourCategory.SOCIAAL_BEHEER, f.hours({HourCategory.SOCIAAL_BEHEER}), None),
            line(HourCategory.FYSIEK_BEHEER, f.hours({HourCategory.FYSIEK_BEHEER}), None),
            management,
            line(HourCategory.OVERIG, f.hours({HourCategory.OVERIG}), None),
            line("totaal", f.hours(set(HourCategory)), total_norm)]


def _organisations(f: Figures, orgs: dict[int, Organisation], site: Site,
                   withheld: set[int]) -> list[Line]:
    ids = {org for (_cat, org) in f.logged} | {o for o, h in f.care.items() if h}
    rows = []
    for org_id in sorted(ids, key=lambda o: (o is None, orgs[o].name if o in orgs else "")):
        org = orgs.get(org_id)
        logged = sum((h for (_c, o), h in f.logged.items() if o == org_id), Fraction(0))
        if org is not None and org.kind == OrgKind.ZORGAANBIEDER:
            row = line(str(org_id), f.hours({HourCategory.BEGELEIDER}, org_id, False),
                       f.care_norm(org_id), name=org.name, logged_total=logged)
            rows.append(withhold(row) if org_id in withheld else row)
        elif org_id is not None and org_id == site.corporation_id:
            counted = f.hours({HourCategory.SOCIAAL_BEHEER}, org_id, False) + f.hours(
                {HourCategory.FYSIEK_BEHEER}, org_id, False)
            rows.append(line(str(org_id), counted, f.management if f.days else None,
                             name=org.name, logged_total=logged))
        else:
            rows.append(Line(str(org_id or ""), logged, None, HourStatus.NO_NORM,
                             name=org.name if org else None, logged_total=logged))
    return rows


def _section(key: str, parts: list[tuple[Period, Figures]], total: Figures, pick,
             **extra) -> Section:
    """A financier section: ``pick(figures)`` gives (actual, norm) of one range."""
    return Section(key, [line(key, *pick(f), period=p) for p, f in parts],
                   line(key, *pick(total)), **extra)


def _care_facts(norm: DayNorm, org_id: int) -> dict:
    """How many begeleide residents of the organisation lived on the site on the last day
    and their summed indicated hours per week (aggregates only; frozen for closed months:
    a day's care norm is a tenth of a seventh of the indicated weekly hours)."""
    return {"clients": norm.clients.get(org_id, 0),
            "indicated_hours": norm.care.get(org_id, Fraction(0)) * 7 / CARE_SHARE}


def build_report(session: Session, site: Site, access: SiteAccess, period: Period,
                 today: date, inputs: NormInputs | None = None) -> HourReport:
    """The report of ``period`` as far as ``access`` may see it (``inputs``: the site's
    norm inputs when the caller has them already)."""
    inputs = inputs or load_norm_inputs(session, site)
    start, end = counted_days(period, site.project_start, today)
    end = max(start, end)
    logged = logged_by_day(session, site.id, start, end)
    total = figures(inputs, logged, start, end)
    parts = [(p, figures(inputs, logged, max(p.start, start), min(p.end, end)))
             for p in breakdown(period) if p.start < end and p.end > start]
    last = end - timedelta(days=1) if total.days else None
    last_norm = day_norm(inputs, last) if last else None
    closed = sorted(m for m in closed_months(session, site.id)
                    if m < period.end and next_month(m) > period.start)
    named = {org for (_category, org) in total.logged if org} | set(total.care) \
        | {site.corporation_id}
    orgs = {o.id: o for o in session.scalars(sa.select(Organisation).where(
        Organisation.id.in_(named)))}
    withheld = {org for org in total.small_groups() if not access.sees_care_of(org)}
    extra: dict = {}
    if access.sees_full_hour_report:
        extra["organisations"] = _organisations(total, orgs, site, withheld)
        extra["management"] = _section(
            "management", parts, total,
            lambda f: (f.hours(MANAGEMENT), f.management if f.days else None),
            facts={"units": inputs.units, "fte_hours": inputs.fte_hours})
    if access.sees_coach_report:
        extra["coach"] = _section(
            "coach", parts, total,
            lambda f: (f.hours({HourCategory.COMMUNITYCOACH}), f.coach_norm))
    care_orgs = sorted({o for o, h in total.care.items() if h} | {
        org for (cat, org) in total.logged if cat == HourCategory.BEGELEIDER and org},
        key=lambda o: orgs[o].name)
    extra["care"] = [
        _care_section(parts, total, org_id, orgs[org_id].name, last_norm, org_id in withheld)
        for org_id in care_orgs if access.sees_care_report_of(org_id)]
    totals = _totals(total)
    if withheld:  # the site's care and overall norms would give the small group's away
        totals = [withhold(item) if item.key in (HourCategory.BEGELEIDER, "totaal") else item
                  for item in totals]
    return HourReport(
        site.name, period, start if total.days else None, last, inputs.units,
        last_norm.coach_basis if last_norm else None,
        last_norm.project_year if last_norm else 0,
        last_norm.coach_reason if last_norm else None,
        bool(last_norm and last_norm.permanent_role), closed, totals, **extra)


def _care_section(parts, total: Figures, org_id: int, name: str, last_norm: DayNorm | None,
                  withheld: bool) -> Section:
    section = _section("care", parts, total,
                       lambda f: (f.hours({HourCategory.BEGELEIDER}, org_id, False),
                                  f.care_norm(org_id)),
                       organisation_id=org_id, organisation=name,
                       facts=_care_facts(last_norm, org_id) if last_norm else {})
    return section.withhold() if withheld else section


# --- the coach line over the project years -----------------------------------------------

@dataclass(frozen=True)
class CoachMonth:
    month: date
    band: Band | None  # average hours per week in the month
    actual: Fraction | None  # average logged hours per week (None for future months)


def coach_history(session: Session, site: Site, today: date, years: int = 4,
                  inputs: NormInputs | None = None) -> list[CoachMonth]:
    """The coach norm and logged coach hours per month, as hours per week, from the
    project start to today or to the end of project year ``years``, whichever is later.
    ``inputs`` saves loading the site's norm inputs again."""
    inputs = inputs or load_norm_inputs(session, site)
    first = month_start(site.project_start)
    last = max(today, site.project_start + relativedelta(years=years))
    coach = {on: q for on, q in session.execute(
        sa.select(HourEntry.work_date, sa.func.sum(HourEntry.quarters))
        .where(HourEntry.site_id == site.id, HourEntry.withdrawn_at.is_(None),
               HourEntry.category == HourCategory.COMMUNITYCOACH)
        .group_by(HourEntry.work_date))}
    months, month = [], first
    while month <= last:
        start, end = max(month, site.project_start), next_month(month)
        norm = _coach_norm_of_days(inputs, start, end)
        per_week = Fraction(7, (end - start).days)
        counted_end = min(end, today + timedelta(days=1))
        actual = None
        if counted_end > start:
            logged = Fraction(sum(coach.get(on, 0) for on in days(start, counted_end)), 4)
            actual = logged * Fraction(7, (counted_end - start).days)
        months.append(CoachMonth(month, norm.scaled(per_week) if norm else None, actual))
        month = end
    return months


def _coach_norm_of_days(inputs: NormInputs, start: date, end: date) -> Band | None:
    """The coach norms of the days summed (None when a day's is unknown); a run of days
    with equal norms is added as one multiple, which is exact with fractions."""
    total, run, count = Band.of(0), None, 0
    for on in days(start, end):
        hours = day_norm(inputs, on).coach
        if hours is None:
            return None
        if hours == run:
            count += 1
            continue
        if run is not None:
            total = total + run.scaled(count)
        run, count = hours, 1
    return total + run.scaled(count) if run is not None else total


def default_period(today: date) -> Period:
    """The report opens on the previous month (complete) during a month's first week,
    else on the current month."""
    on = today if today.day > 7 else month_start(today) - timedelta(days=1)
    return period_of(PeriodKind.MONTH, on)
