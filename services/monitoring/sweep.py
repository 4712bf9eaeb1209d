"""The monitoring sweep: gather each site's data once and run every rule on it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Candidate, Resident, Site, Unit
from models.enums import CandidateStatus, Decision, SupportStatus
from services.association.monitoring import association_evaluations
from services.governance.monitoring import governance_evaluations
from services.hours.monitoring import hour_evaluations
from services.imo.monitoring import imo_evaluations
from services.imo.placement import latest_decision
from services.monitoring import rules
from services.monitoring.findings import ONGOING, Evaluation
from services.monitoring.signals import Raised, SyncCounts, sync
from services.registry.disclosure import DisclosureRules
from services.registry.mix import band_of, site_mix
from services.registry.mix_rules import assess_mix
from services.registry.sites import active_band
from services.rooms.monitoring import room_evaluations

#: a rule group takes (session, site, today) and returns evaluations
RuleGroup = Callable[[Session, Site, date], list[Evaluation]]


def mix_evaluations(session: Session, site: Site, today: date,
                    disclosure: DisclosureRules | None = None) -> list[Evaluation]:
    """Mix per site and part and the 12-month trend, from the published figures since
    they go to every role on the site and into the digest (a signal's coming and going
    must not reveal a move's care status); the forecast after placements from the exact
    figures and the candidates' status, for those who see care data only."""
    mix = site_mix(session, site, today, months=13, rules=disclosure or DisclosureRules())
    exact = site_mix(session, site, today, months=1)
    band = band_of(site)
    dashboard = f"/locaties/{site.id}"
    found = [rules.mix_finding("site", site.name, mix.whole.assessment, dashboard,
                               band.target)]
    found += [rules.mix_finding(f"part:{p.part_id}", p.name or site.name, p.assessment,
                                dashboard, band.target) for p in mix.parts]
    trend = rules.mix_trend(site.name, [rules.TrendPoint(p.assessment.begeleid,
                                                         p.assessment.total)
                                        for p in mix.history[-13:] if not p.withheld],
                            band.target, band.tolerance, dashboard)
    pending = [c for c in session.scalars(sa.select(Candidate).where(
        Candidate.site_id == site.id, Candidate.status == CandidateStatus.BESLUIT_CORPORATIE))
        if (d := latest_decision(session, c)) is not None and d.decision == Decision.TOEWIJZEN]
    whole = exact.whole.assessment
    begeleid = whole.begeleid + sum(c.support_status == SupportStatus.BEGELEID for c in pending)
    forecast = rules.mix_forecast(site.name, whole,
                                  assess_mix(begeleid, whole.total + len(pending),
                                             exact.whole.units, band),
                                  len(pending), band.target, f"/locaties/{site.id}/imo/")
    return [Evaluation("mix", (ONGOING,), tuple(f for f in found if f)),
            Evaluation("mix_trend", (ONGOING,), tuple(f for f in [trend] if f)),
            Evaluation("mix_forecast", (ONGOING,), tuple(f for f in [forecast] if f))]


def contribution_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    """The share of current residents who contribute actively (seed 004 "Gemengd Wonen met een duurzame community-aanpak"), against
    the site's band (50-70% unless the site set its own)."""
    current = sa.and_(Resident.move_in_date <= today,
                      sa.or_(Resident.move_out_date.is_(None), Resident.move_out_date > today))
    total, active = session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(Resident.actively_contributes))
        .select_from(Resident).join(Unit).where(Unit.site_id == site.id, current)).one()
    low, high = active_band(site)
    finding = rules.active_share(site.name, active, total, low, high,
                                 link=f"/locaties/{site.id}/bewoners/")
    return [Evaluation("active_share", (ONGOING,), tuple(f for f in [finding] if f))]


RULE_GROUPS: list[RuleGroup] = [mix_evaluations, contribution_evaluations, hour_evaluations,
                                governance_evaluations, room_evaluations,
                                association_evaluations, imo_evaluations]


@dataclass
class SweepCounts(SyncCounts):
    sites: int = 0


def sweep(session: Session, today: date, now: datetime,
          disclosure: DisclosureRules | None = None,
          raised: list[Raised] | None = None) -> dict:
    """Run every rule on every site and store the signals; returns counts for the job log.
    ``disclosure``: the rules for the published mix figures (the defaults if None);
    ``raised`` collects the signals that opened or turned critical."""
    counts = SweepCounts()
    groups = [partial(g, disclosure=disclosure) if g is mix_evaluations else g
              for g in RULE_GROUPS]
    for site in session.scalars(sa.select(Site).order_by(Site.id)):
        evaluations = [e for group in groups
                       for e in group(session, site, today)]
        sync(session, site.id, evaluations, now, counts, raised)
        counts.sites += 1
    return counts.__dict__.copy()
