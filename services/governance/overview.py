"""The governance figures of a site for its dashboard: each body's cadence this year (and
the IMO's, counted from its own meetings), and the collaboration agreement's end."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import BodyKind, CollaborationAgreement, ImoMeeting, Site
from services.governance import agreements, alv, cadence
from services.governance.bodies import bodies_of_site
from services.governance.schedule import meeting_days_of


@dataclass(frozen=True)
class CadenceRow:
    kind: str
    name: str
    body_id: int | None         # None for the IMO
    cadence: cadence.Cadence


@dataclass(frozen=True)
class SiteGovernance:
    rows: list[CadenceRow]
    agreement: CollaborationAgreement | None
    agreement_signal: str | None


def alv_per_year(session: Session, organisation_id: int | None) -> int:
    if organisation_id is None:
        return 1
    return alv.settings_for(session, organisation_id).meetings_per_year


def body_cadence(session: Session, body, site: Site, today: date,
                 days: list[date]) -> cadence.Cadence:
    """``days``: the body's meeting days (services.governance.schedule)."""
    return cadence.assess(body.kind, days, year=today.year, today=today,
                          project_start=site.project_start,
                          alv_per_year=alv_per_year(session, body.organisation_id)
                          if body.kind == BodyKind.ALV else 1)


def site_governance(session: Session, site: Site, today: date) -> SiteGovernance:
    bodies = bodies_of_site(session, site.id)
    days = meeting_days_of(session, [b.id for b in bodies])  # one query for every body
    rows = [CadenceRow(b.kind, b.name, b.id, body_cadence(session, b, site, today, days[b.id]))
            for b in bodies]
    imo_days = list(session.scalars(sa.select(ImoMeeting.held_on).where(
        ImoMeeting.site_id == site.id)))
    rows.append(CadenceRow(cadence.IMO, "IMO", None, cadence.assess(
        cadence.IMO, imo_days, year=today.year, today=today, project_start=site.project_start)))
    agreement = agreements.current_agreement(session, site.id, today)
    signal = agreements.term_signal(agreement.starts_on, agreement.ends_on) if agreement else None
    return SiteGovernance(rows, agreement, signal)
