"""Monitoring rules on hours (issue "Monitoring"): the coach taper, the care
organisations' 10% and the management fte. The pure parts take plain figures; the rule
group loads a site's norms and logged hours once (the sweep calls it)."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import HourCategory, Organisation, Site
from services.hours.calendar import load_norm_inputs
from services.hours.norms import Band, HourStatus, assess, project_year
from services.hours.reports import MANAGEMENT, SMALL_GROUP, figures, logged_by_day
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.words import month_name

SHORT_WEEKS, LONG_WEEKS = 4, 13
PHASE_NOTICE_DAYS = 60


def _h(value: Fraction) -> str:
    return f"{float(value):.1f}".replace(".", ",")


def _band(band: Band) -> str:
    return _h(band.low) if band.is_point else f"{_h(band.low)}-{_h(band.high)}"


def coach_finding(name: str, short: tuple[Fraction, Band | None],
                  long: tuple[Fraction, Band | None], link: str) -> Finding | None:
    """Coach hours over the last 4 and 13 weeks against the taper band: off over 13 weeks
    is a warning, off over the last 4 weeks only is for information."""
    (a4, n4), (a13, n13) = short, long
    s4, s13 = assess(a4, n4), assess(a13, n13)
    if HourStatus.NO_NORM in (s4, s13) or (s4 is HourStatus.WITHIN and s13 is HourStatus.WITHIN):
        return None
    status = s13 if s13 is not HourStatus.WITHIN else s4
    word = "minder" if status is HourStatus.UNDER else "meer"
    return Finding(
        rule="coach_hours", subject="coach",
        severity="warning" if s13 is not HourStatus.WITHIN else "info",
        title=f"Communitycoach {name}: {word} uren dan de norm",
        explanation=(f"Geschreven in de laatste {SHORT_WEEKS} weken: {_h(a4)} uur (norm "
                     f"{_band(n4)}); in de laatste {LONG_WEEKS} weken: {_h(a13)} uur (norm "
                     f"{_band(n13)}). Bespreek de afbouw of opschaling in de kerngroep."),
        audience="management", link=link,
        figures={"actual_4": float(a4), "actual_13": float(a13)})


def phase_change(name: str, project_start: date, today: date, link: str,
                 notice_days: int = PHASE_NOTICE_DAYS) -> Finding | None:
    """The end of project year 1 or 3 is near: decide on the taper or the waakvlam."""
    for year_end, what in ((1, "afbouw van de coachuren na jaar 1"),
                           (3, "afbouw naar de waakvlam of een blijvende rol na jaar 3")):
        boundary = project_start + relativedelta(years=year_end)
        if today <= boundary <= today + timedelta(days=notice_days):
            return Finding(
                rule="coach_phase", subject=f"year:{year_end}", severity="info",
                period=str(boundary.year),
                title=f"{name}: projectjaar {year_end} eindigt op "
                      f"{boundary.day} {month_name(boundary)}",
                explanation=f"Besluit op tijd over de {what}.", audience="management",
                link=link)
    return None


def month_finding(rule: str, subject: str, title: str, actual: Fraction, norm: Band | None,
                  audience: str, link: str, month: date,
                  under_only: bool = False, norm_shown: bool = True) -> Finding | None:
    """Logged hours of a month against its norm (the care 10%, management). Without
    ``norm_shown`` (a care organisation with a small group of clients, see
    :mod:`services.hours.reports`) the signal names the hours, not the norm."""
    status = assess(actual, norm)
    if status in (HourStatus.WITHIN, HourStatus.NO_NORM) or \
            (under_only and status is not HourStatus.UNDER):
        return None
    word = "onder" if status is HourStatus.UNDER else "boven"
    shown = {"actual": float(actual)}
    explanation = f"Geschreven: {_h(actual)} uur"
    if norm_shown:
        shown |= {"low": float(norm.low), "high": float(norm.high)}
        explanation += f"; norm voor de maand: {_band(norm)} uur."
    else:
        explanation += (f". De norm wordt niet genoemd: minder dan {SMALL_GROUP} cliënten "
                        "op de locatie, de norm zou hun geïndiceerde uren verraden.")
    return Finding(
        rule=rule, subject=subject, severity="warning" if status is HourStatus.UNDER else "info",
        period=f"{month:%Y-%m}", audience=audience, link=link,
        title=f"{title} {month_name(month)}: {word} de norm", explanation=explanation,
        figures=shown)


def care_audience(org_id: int, small: bool) -> str:
    """Who gets a care organisation's 10% signal. Its existence says "under the norm",
    which bounds a small group's norm (see :mod:`services.hours.reports`), so a small
    group's signal goes only to those who may see that organisation's care data per
    person (``care_data:<id>``: the sociaal beheerder and its own begeleiders); otherwise
    to the kerngroep and stuurgroep as well (``care:<id>``)."""
    return f"care_data:{org_id}" if small else f"care:{org_id}"


def hour_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    """Coach taper (last 4 and 13 weeks), phase change, the 10% per care organisation
    and management for the last complete month."""
    if today < site.project_start:
        return []
    end = today  # up to yesterday
    month_end = today.replace(day=1)
    month = month_end - relativedelta(months=1)
    start = min(end - timedelta(weeks=LONG_WEEKS), month)
    inputs = load_norm_inputs(session, site, since=start)
    logged = logged_by_day(session, site.id, start, end)
    report = f"/locaties/{site.id}/uren/rapport"
    coach = {HourCategory.COMMUNITYCOACH}

    def window(weeks: int):
        f = figures(inputs, logged, max(end - timedelta(weeks=weeks), site.project_start), end)
        return f.hours(coach), f.coach_norm

    found_coach = coach_finding(site.name, window(SHORT_WEEKS), window(LONG_WEEKS), report)
    phase = phase_change(site.name, site.project_start, today, report)
    last_month = figures(inputs, logged, max(month, site.project_start), month_end)
    names = dict(session.execute(sa.select(Organisation.id, Organisation.name)).all())
    small = last_month.small_groups()
    care = [month_finding("care_contribution", f"org:{org}",
                          f"10%-inzet {names.get(org, org)}",
                          last_month.hours({HourCategory.BEGELEIDER}, org, False),
                          last_month.care_norm(org), care_audience(org, org in small),
                          report, month, under_only=True, norm_shown=org not in small)
            for org in sorted(last_month.care)]
    management = month_finding("management", "management", f"Beheer {site.name}",
                               last_month.hours(set(MANAGEMENT)), last_month.management,
                               "management", report, month)
    period = f"{month:%Y-%m}"
    return [
        Evaluation("coach_hours", (ONGOING,), tuple(f for f in [found_coach] if f)),
        Evaluation("coach_phase", (str(today.year), str(today.year + 1)),
                   tuple(f for f in [phase] if f)),
        Evaluation("care_contribution", (period,), tuple(f for f in care if f)),
        Evaluation("management", (period,), tuple(f for f in [management] if f)),
    ]
