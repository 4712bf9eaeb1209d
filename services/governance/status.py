"""The "stand van zaken" for the kerngroep and the stuurgroep: what changed on a site since
the body's last meeting (decisions recorded, signals that came up or were resolved) and
what is open (action items, the next meeting). Figures about the mix and the hours are
added by the caller from their own services, as those viewers may see them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ActionItem, Body, BodyDecision, Meeting, Signal
from models.governance import ActionStatus, BodyKind, MeetingStatus
from services.access import SiteAccess
from services.governance.bodies import bodies_of_site
from services.governance.localtime import local_day
from services.monitoring.signals import SEVERITY_ORDER, visible

#: without an earlier meeting, "since" is this long ago
DEFAULT_LOOKBACK = timedelta(days=30)
STATUS_KINDS = (BodyKind.KERNGROEP, BodyKind.STUURGROEP)


@dataclass
class StatusReport:
    bodies: list[Body]
    since: datetime
    last_meeting: Meeting | None
    next_meeting: Meeting | None
    decisions: list[BodyDecision] = field(default_factory=list)
    new_signals: list[Signal] = field(default_factory=list)
    resolved_signals: list[Signal] = field(default_factory=list)
    open_actions: list[ActionItem] = field(default_factory=list)


def status_bodies(session: Session, site_id: int, access: SiteAccess) -> list[Body]:
    """The site's kerngroep and stuurgroep as far as the viewer reads them: the kerngroep
    for its members and the stuurgroep (which reads the kerngroep's), the stuurgroep for
    its own; both for the managers."""
    kinds = set()
    if access.has("kerngroep", "stuurgroep"):
        kinds.add(BodyKind.KERNGROEP)
    if access.has("stuurgroep"):
        kinds.add(BodyKind.STUURGROEP)
    return [b for b in bodies_of_site(session, site_id) if b.kind in kinds]


def status_report(session: Session, site_id: int, access: SiteAccess, now: datetime
                  ) -> StatusReport:
    """What changed since the last meeting of the viewer's own body (the stuurgroep's
    for a stuurgroep member, else the kerngroep's), in a fixed number of queries."""
    found = status_bodies(session, site_id, access)
    ids = [b.id for b in found]
    own = [b.id for b in found if b.kind == (BodyKind.STUURGROEP if access.has("stuurgroep")
                                             and not access.is_admin else BodyKind.KERNGROEP)]
    own = own or ids
    held = sa.and_(Meeting.body_id.in_(own), Meeting.status != MeetingStatus.AFGELAST)
    last = session.scalar(sa.select(Meeting).where(held, Meeting.starts_at < now)
                          .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))
    upcoming = session.scalar(sa.select(Meeting).where(held, Meeting.starts_at >= now)
                              .order_by(Meeting.starts_at, Meeting.id).limit(1))
    since = last.starts_at if last is not None else now - DEFAULT_LOOKBACK
    report = StatusReport(found, since, last, upcoming)
    if ids:
        report.decisions = list(session.scalars(
            sa.select(BodyDecision).where(BodyDecision.body_id.in_(ids),
                                          BodyDecision.decided_on >= local_day(since))
            .order_by(BodyDecision.decided_on.desc(), BodyDecision.id.desc())))
        report.open_actions = list(session.scalars(
            sa.select(ActionItem).where(ActionItem.body_id.in_(ids),
                                        ActionItem.status == ActionStatus.OPEN)
            .order_by(ActionItem.due_on, ActionItem.id)))
    changed = list(session.scalars(sa.select(Signal).where(
        Signal.site_id == site_id,
        sa.or_(Signal.created_at >= since, Signal.resolved_at >= since))))
    changed = sorted((s for s in changed if visible(access, s.audience)),
                     key=lambda s: (SEVERITY_ORDER.get(s.severity, 9), s.id))
    report.new_signals = [s for s in changed if s.created_at >= since
                          and s.state != "resolved"]
    report.resolved_signals = [s for s in changed if s.state == "resolved"
                               and s.resolved_at is not None and s.resolved_at >= since]
    return report
