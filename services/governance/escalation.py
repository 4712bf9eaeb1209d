"""The escalation ladder (escalatieladder, 004 "3. Samenwerking - governance"):
communityteam -> kerngroep -> stuurgroep. An agenda item escalated with a reason goes to
the next open meeting of the higher body sharing a site with this one (the lowest
numbered, when there are several), or waits for the next meeting it plans. When the
higher body records its outcome, that outcome goes back onto the lower body's next
agenda as "Terugkoppeling: ..."."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Body, BodyKind, Escalation, MeetingItem
from models.governance import body_sites
from services import audit
from services.errors import N_, RuleViolation
from services.governance import carryover
from services.governance.bodies import site_id_of
from services.governance.meetings import pull_into_next
from services.governance.schedule import require_open

LADDER = {BodyKind.COMMUNITYTEAM: BodyKind.KERNGROEP, BodyKind.KERNGROEP: BodyKind.STUURGROEP}


def higher_body(session: Session, body: Body) -> Body | None:
    """The next rung of the ladder that shares a site with ``body``, or None."""
    kind = LADDER.get(body.kind)
    if kind is None:
        return None
    return session.scalar(sa.select(Body).join(body_sites).where(
        Body.kind == kind, body_sites.c.site_id.in_([s.id for s in body.sites]))
        .order_by(Body.id).limit(1))


def escalate(session: Session, item: MeetingItem, *, reason: str, today: date,
             actor_id: int | None) -> Escalation:
    """Pass an agenda item one rung up with a reason."""
    meeting = item.meeting
    require_open(meeting)
    body = meeting.body
    if item.escalation_id is not None:
        raise RuleViolation(N_("Dit agendapunt is al geëscaleerd."), field="reason")
    if body.kind not in LADDER:
        raise RuleViolation(N_("Vanuit dit overleg kan niet verder worden geëscaleerd."),
                            field="reason")
    target = higher_body(session, body)
    if target is None:
        raise RuleViolation(N_("Er is geen %(body)s voor deze locatie om naar te "
                               "escaleren."), field="reason", body=LADDER[body.kind])
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(N_("Schrijf de reden van de escalatie op."), field="reason")
    escalation = Escalation(from_body_id=body.id, to_body_id=target.id, title=item.title,
                            reason=reason, raised_on=today, raised_by_id=actor_id)
    item.escalation = escalation
    session.flush()
    carryover.resync(session, body.id, since=meeting.starts_at)   # no longer carried on
    pull_into_next(session, target.id, today)
    audit.record(session, actor_id=actor_id, entity_type="gov_escalation",
                 entity_id=escalation.id, action="create", site_id=site_id_of(body),
                 changes={"item": item.id, "to_body": target.id})
    return escalation


def record_outcome(session: Session, item: MeetingItem, *, outcome: str, today: date,
                   actor_id: int | None) -> Escalation:
    """The higher body's answer to an escalated item on its agenda; it goes back to the
    lower body's next meeting."""
    escalation = item.escalated_from
    if escalation is None:
        raise RuleViolation(N_("Dit agendapunt is niet geëscaleerd."), field="outcome")
    require_open(item.meeting)
    if escalation.outcome is not None:
        raise RuleViolation(N_("De uitkomst is al vastgelegd."), field="outcome")
    outcome = (outcome or "").strip()
    if not outcome:
        raise RuleViolation(N_("Vul de uitkomst in."), field="outcome")
    escalation.outcome, escalation.outcome_on, escalation.outcome_by_id = outcome, today, actor_id
    item.handled = True
    session.flush()
    carryover.resync(session, item.meeting.body_id, since=item.meeting.starts_at)
    pull_into_next(session, escalation.from_body_id, today)
    audit.record(session, actor_id=actor_id, entity_type="gov_escalation",
                 entity_id=escalation.id, action="outcome",
                 site_id=site_id_of(escalation.from_body))
    return escalation


def escalations_of(session: Session, body_id: int) -> list[Escalation]:
    """Escalations raised by or sent to the body, newest first."""
    return list(session.scalars(sa.select(Escalation).where(
        sa.or_(Escalation.from_body_id == body_id, Escalation.to_body_id == body_id))
        .order_by(Escalation.raised_on.desc(), Escalation.id.desc())))
