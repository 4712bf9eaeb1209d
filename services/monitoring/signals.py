"""Storing findings as signals (idempotent), their life cycle, and who may see them.

A signal's key is (rule, site, subject, period); ongoing conditions have the period "-".
Its life: open -> acknowledged -> resolved, and

* resolved automatically when a sweep evaluates its rule and period and does not find
  it; such a signal reopens (the same row) when the condition comes back;
* resolved by hand: it stays resolved while the condition persists (no nagging on every
  sweep). Once a sweep finds the condition cleared, the hand-resolved row is archived:
  its period becomes "<period>#<id>" (e.g. "-#42"), which frees the key, and keeps who
  resolved it and why. If the condition comes back later, a fresh signal opens under
  the original key. A rerun in the same state changes nothing, so no duplicate signal
  (and no second e-mail) is ever made.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Signal
from services.access import SiteAccess
from services.errors import N_, RuleViolation
from services.monitoring.findings import Evaluation
from services.webhooks import events as webhooks

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    archived: int = 0


@dataclass(frozen=True)
class Raised:
    """A signal that became open, or critical, in this sync; ``occurrence`` names that
    moment stably ("new", the resolution it reopened after, the last sighting before it
    escalated), so whoever tells it about it can do so once."""

    signal: Signal
    occurrence: str


def archived_period(signal: Signal) -> str:
    """The period of a hand-resolved signal whose condition cleared: unique by its id,
    within the column's 20 characters."""
    return f"{signal.period}#{signal.id}"[-20:]


def sync(session: Session, site_id: int, evaluations: list[Evaluation], now: datetime,
         counts: SyncCounts | None = None, raised: list[Raised] | None = None) -> SyncCounts:
    """Write the findings of one site: new keys become open signals, known keys are
    refreshed, and open signals of an evaluated rule and period that were not found again
    are resolved automatically; hand-resolved ones not found again are archived (see the
    module docstring). Running it twice changes nothing the second time.

    ``raised`` collects the signals that were opened (new or reopened) or that turned
    critical while open: what may be told at once (services.notify.signals)."""
    counts = counts or SyncCounts()
    raised = [] if raised is None else raised
    first = len(raised)   # (the caller's list may hold another site's already)
    for evaluation in evaluations:
        existing = {(s.subject, s.period): s for s in session.scalars(
            sa.select(Signal).where(Signal.site_id == site_id, Signal.rule == evaluation.rule,
                                    Signal.period.in_(evaluation.periods)))}
        seen = set()
        for f in evaluation.findings:
            key = (f.subject, f.period)
            seen.add(key)
            signal = existing.get(key)
            values = dict(severity=f.severity, audience=f.audience, title=f.title,
                          explanation=f.explanation, figures=f.figures, link=f.link)
            if signal is None:
                signal = Signal(rule=f.rule, site_id=site_id, subject=f.subject,
                                period=f.period, created_at=now, last_seen_at=now, **values)
                session.add(signal)
                raised.append(Raised(signal, "new"))
                counts.created += 1
                continue
            changed = any(getattr(signal, k) != v for k, v in values.items())
            escalated = signal.severity != "critical" and f.severity == "critical"
            seen_before = signal.last_seen_at
            for key_name, value in values.items():
                setattr(signal, key_name, value)
            signal.last_seen_at = now
            if signal.state == "resolved" and signal.resolved_by_id is None:
                occurrence = f"r{(signal.resolved_at or now):%Y%m%dT%H%M%S}"
                signal.state, signal.resolved_at = "open", None   # the condition is back
                raised.append(Raised(signal, occurrence))
                counts.reopened += 1
            elif changed:
                if escalated and signal.state != "resolved":
                    raised.append(Raised(signal, f"c{seen_before:%Y%m%dT%H%M%S}"))
                counts.updated += 1
        for key, signal in existing.items():
            if key in seen:
                continue
            if signal.state != "resolved":
                signal.state, signal.resolved_at = "resolved", now
                signal.resolve_note = "Automatisch opgelost: de situatie is hersteld."
                counts.resolved += 1
            elif signal.resolved_by_id is not None:
                # resolved by hand and now cleared: a later return is a new occurrence
                signal.period = archived_period(signal)
                counts.archived += 1
    session.flush()
    if site_id is not None:   # the installation's own signals are the admins' only
        # new or reopened (an escalation is the same signal, already sent)
        opened = [r.signal for r in raised[first:] if not r.occurrence.startswith("c")]
        webhooks.queue(session, site_id, [webhooks.signal_event(s, visible) for s in opened],
                       now)
    return counts


def acknowledge(session: Session, signal: Signal, *, note: str | None, actor_id: int,
                now: datetime) -> None:
    """Someone takes it up: open -> acknowledged, with a note."""
    if signal.state != "open":
        raise RuleViolation(N_("Alleen een open signaal kan worden opgepakt."), field="note")
    signal.state, signal.acknowledged_at, signal.acknowledged_by_id = "acknowledged", now, actor_id
    signal.acknowledge_note = (note or "").strip() or None
    session.flush()


def resolve(session: Session, signal: Signal, *, note: str | None, actor_id: int,
            now: datetime) -> None:
    """Close a signal by hand. It stays resolved while the condition persists; after the
    condition has cleared, its return opens a fresh signal (see :func:`sync`)."""
    if signal.state == "resolved":
        raise RuleViolation(N_("Dit signaal is al opgelost."), field="note")
    if not (note or "").strip():
        raise RuleViolation(N_("Schrijf kort op hoe het is opgelost."), field="note")
    signal.state, signal.resolved_at, signal.resolved_by_id = "resolved", now, actor_id
    signal.resolve_note = note.strip()
    session.flush()


def visible(access: SiteAccess, audience: str) -> bool:
    """The privacy rules of the registry applied to signals."""
    if audience == "site":
        return access.any_role
    if audience == "management":
        return access.has("sociaal_beheerder", "kerngroep", "stuurgroep")
    if audience == "bestuur":  # the association's finances (services/association/)
        return access.has("bestuur")
    if audience == "imo":  # the waiting list (services/imo/monitoring.py)
        return access.is_imo_member
    if audience.startswith("care:"):
        org_id = int(audience.split(":", 1)[1])
        return access.has("sociaal_beheerder", "kerngroep", "stuurgroep") or (
            "begeleider" in access.roles and org_id in access.care_organisation_ids)
    if audience == "care_data":  # exact figures about care (the mix forecast)
        return access.sees_all_care_data
    if audience.startswith("care_data:"):  # a small group's 10% (services/hours/monitoring)
        return access.sees_care_of(int(audience.split(":", 1)[1]))
    # "admin": the installation itself (services/monitoring/installation.py); and any
    # audience not known here
    return access.is_admin


#: the roles that run the community and act on any signal they see
ACTING_ROLES = ("sociaal_beheerder", "communitycoach", "kerngroep")


def may_act(access: SiteAccess, audience: str) -> bool:
    """Who may take up or resolve a signal: the sociaal beheerder, coach and kerngroep
    (and admins) on what they see, and the group a signal is addressed to on its own
    signals: the bestuur on the association's finances (which only it sees), a
    begeleider on their care organisation's 10%. Others (stuurgroep, toelatingscommissie,
    a begeleider on the mix) read along without silencing a signal for everyone."""
    if not visible(access, audience):
        return False
    if access.has(*ACTING_ROLES):
        return True
    return audience == "bestuur" or (audience.startswith(("care:", "care_data:"))
                                     and "begeleider" in access.roles)


def site_signals(session: Session, access: SiteAccess, *, states: tuple[str, ...] = ("open",
                 "acknowledged"), rule: str | None = None,
                 severity: str | None = None) -> list[Signal]:
    """The signals of a site the viewer may see, most severe and newest first."""
    stmt = sa.select(Signal).where(Signal.site_id == access.site_id, Signal.state.in_(states))
    if rule:
        stmt = stmt.where(Signal.rule == rule)
    if severity:
        stmt = stmt.where(Signal.severity == severity)
    found = [s for s in session.scalars(stmt) if visible(access, s.audience)]
    return sorted(found, key=lambda s: (SEVERITY_ORDER.get(s.severity, 9),
                                        -s.created_at.timestamp()))
