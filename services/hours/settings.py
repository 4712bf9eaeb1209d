"""A site's own choices about its hour norms: a temporary scale-up of the coach, the
waakvlam, the own norm of a site under 40 units, and the hours of one fte.

Overrides are dated and never deleted; one that runs open-ended can be given an end
date once. Every change goes to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import (CoachNormOverride, NormOverrideKind, Organisation, Site, SiteHourSettings,
                    utcnow)
from services import audit
from services.errors import N_, RuleViolation
from services.hours.calendar import fte_hours, load_norm_inputs, unit_count
from services.hours.norms import (SMALL_SITE_UNITS, Band, CoachNorm,
                                  care_contribution_by_organisation, coach_norm,
                                  management_band, size_class)


def record_override(session: Session, site: Site, *, kind: str, starts_on: date,
                    ends_on: date | None, hours_per_week: Decimal | None,
                    reason: str | None, actor_id: int) -> CoachNormOverride:
    """Record a scale-up (hours and a reason required), the waakvlam (from year 4 on) or
    the own norm of a site under 40 units."""
    reason = (reason or "").strip() or None
    if kind not in set(NormOverrideKind):
        raise RuleViolation(N_("Kies een soort afwijking."), field="kind")
    if ends_on is not None and ends_on <= starts_on:
        raise RuleViolation(N_("De einddatum ligt na de begindatum."), field="ends_on")
    if kind == NormOverrideKind.WAAKVLAM:
        hours_per_week = None
        year_four = site.project_start + relativedelta(years=3)
        if starts_on < year_four:
            raise RuleViolation(N_("De waakvlam kan pas na het derde projectjaar ingaan "
                                   "(vanaf %(date)s)."), field="starts_on",
                                date=year_four.isoformat())
    elif hours_per_week is None or not Decimal(0) <= hours_per_week <= Decimal(80):
        raise RuleViolation(N_("Vul een aantal uren per week tussen 0 en 80 in."),
                            field="hours_per_week")
    if kind == NormOverrideKind.OPGESCHAALD and not reason:
        raise RuleViolation(N_("Geef de reden van de opschaling."), field="reason")
    if kind == NormOverrideKind.EIGEN_NORM and unit_count(session, site.id) >= SMALL_SITE_UNITS:
        raise RuleViolation(N_("Een eigen norm geldt voor locaties onder de 40 "
                               "wooneenheden; schaal anders tijdelijk op."), field="kind")
    override = CoachNormOverride(site_id=site.id, kind=kind, starts_on=starts_on,
                                 ends_on=ends_on, hours_per_week=hours_per_week,
                                 reason=reason, recorded_by_id=actor_id)
    session.add(override)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="coach_norm_override",
                 entity_id=override.id, action="create", site_id=site.id,
                 changes={"kind": kind, "starts_on": starts_on, "ends_on": ends_on,
                          "hours_per_week": hours_per_week, "reason": reason})
    return override


def end_override(session: Session, override: CoachNormOverride, *, ends_on: date,
                 actor_id: int) -> CoachNormOverride:
    """Give an open-ended override its end date (once)."""
    if override.ends_on is not None:
        raise RuleViolation(N_("Deze afwijking heeft al een einddatum."), field="ends_on")
    if ends_on <= override.starts_on:
        raise RuleViolation(N_("De einddatum ligt na de begindatum."), field="ends_on")
    override.ends_on = ends_on
    audit.record(session, actor_id=actor_id, entity_type="coach_norm_override",
                 entity_id=override.id, action="end", site_id=override.site_id,
                 changes={"ends_on": ends_on})
    session.flush()
    return override


def overrides(session: Session, site_id: int) -> list[CoachNormOverride]:
    return list(session.scalars(sa.select(CoachNormOverride)
                                .where(CoachNormOverride.site_id == site_id)
                                .order_by(CoachNormOverride.starts_on.desc(),
                                          CoachNormOverride.id.desc())))


def set_fte_hours(session: Session, site: Site, value: Decimal, *,
                  actor_id: int) -> SiteHourSettings:
    """The hours per week one fte stands for in the management norm (default 36)."""
    if value is None or not Decimal(0) < value <= Decimal(60):
        raise RuleViolation(N_("Vul een aantal uren per week tussen 0 en 60 in."),
                            field="fte_hours")
    settings = session.get(SiteHourSettings, site.id)
    before = fte_hours(session, site.id)
    if settings is None:
        settings = SiteHourSettings(site_id=site.id)
        session.add(settings)
    settings.fte_hours, settings.updated_at, settings.updated_by_id = value, utcnow(), actor_id
    audit.record(session, actor_id=actor_id, entity_type="site_hour_settings",
                 entity_id=site.id, action="update", site_id=site.id,
                 changes={"fte_hours": [before, value]})
    session.flush()
    return settings


@dataclass(frozen=True)
class NormSummary:
    """The norms of a site today, for its settings page."""

    units: int
    size_class: str | None
    coach: CoachNorm
    management_per_week: Band
    fte_hours: Decimal
    care_per_week: dict[str, Fraction]  # care organisation name -> hours per week


def norm_summary(session: Session, site: Site, today: date) -> NormSummary:
    inputs = load_norm_inputs(session, site)
    names = dict(session.execute(sa.select(Organisation.id, Organisation.name)).all())
    care = care_contribution_by_organisation(inputs.occupancies, today)
    return NormSummary(inputs.units, size_class(inputs.units),
                       coach_norm(inputs.units, site.project_start, today, inputs.overrides),
                       management_band(inputs.units, inputs.fte_hours), inputs.fte_hours,
                       {names[org]: hours for org, hours in sorted(
                           care.items(), key=lambda item: names[item[0]])})
