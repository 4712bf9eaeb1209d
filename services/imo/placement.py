"""The corporation's decision, the placement of a candidate, and the handover to the
welkomstcommissie."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Candidate, CorporationDecision, HandoverTask, MeetingCandidate, Resident,
                    Unit)
from models.enums import CandidateStatus, Decision
from services import audit
from services.errors import N_, RuleViolation
from services.imo.candidates import set_status
from services.registry import residents as resident_service
from services.registry.residents import PersonalData, SupportData


def record_decision(session: Session, candidate: Candidate, *, decision: str,
                    decided_on: date, unit_id: int | None, reasoning: str | None,
                    reason_id: int | None, actor_id: int | None) -> CorporationDecision:
    """Record the corporation's formal decision, which may differ from the IMO's advice.
    ``toewijzen`` needs a unit of the site; ``afwijzen`` a reason from the list."""
    if decision not in set(Decision):
        raise RuleViolation(N_("Kies een besluit."), field="decision")
    if candidate.status != CandidateStatus.ADVIES_GEGEVEN:
        raise RuleViolation(N_("Een besluit volgt op het advies van het IMO."),
                            field="decision")
    if decision == Decision.TOEWIJZEN:
        unit = session.get(Unit, unit_id) if unit_id else None
        if unit is None or unit.site_id != candidate.site_id:
            raise RuleViolation(N_("Kies de wooneenheid die wordt toegewezen."),
                                field="unit_id")
        _check_not_promised(session, unit, candidate, decided_on)
    entry = session.scalar(sa.select(MeetingCandidate).where(
        MeetingCandidate.candidate_id == candidate.id, MeetingCandidate.advice.is_not(None))
        .order_by(MeetingCandidate.id.desc()).limit(1))
    record = CorporationDecision(
        candidate_id=candidate.id, meeting_candidate_id=entry.id if entry else None,
        decision=decision, unit_id=unit_id if decision == Decision.TOEWIJZEN else None,
        decided_on=decided_on, reasoning=(reasoning or "").strip() or None,
        recorded_by_id=actor_id)
    session.add(record)
    if decision == Decision.AANHOUDEN:
        set_status(session, candidate, CandidateStatus.AANGEHOUDEN, on=decided_on,
                   note=reasoning, actor_id=actor_id)
    else:
        set_status(session, candidate, CandidateStatus.BESLUIT_CORPORATIE, on=decided_on,
                   note=reasoning, actor_id=actor_id)
        if decision == Decision.AFWIJZEN:
            set_status(session, candidate, CandidateStatus.AFGEWEZEN, on=decided_on,
                       reason_id=reason_id, note=reasoning, actor_id=actor_id)
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="decision", site_id=candidate.site_id,
                 changes={"decision": decision, "unit_id": unit_id, "on": decided_on})
    session.flush()
    return record


def assignments(session: Session, site_id: int,
                on: date | None = None) -> dict[int, tuple[int, str]]:
    """Units assigned to a candidate who is not placed yet (the candidate's latest
    decision is ``toewijzen``; decided on or before ``on`` if given):
    unit id -> (candidate id, name)."""
    # the latest decision of each of the site's candidates awaiting placement only: the
    # corporation's other sites' decisions are not grouped on every page of this one
    latest = (sa.select(sa.func.max(CorporationDecision.id))
              .join(Candidate, Candidate.id == CorporationDecision.candidate_id)
              .where(Candidate.site_id == site_id,
                     Candidate.status == CandidateStatus.BESLUIT_CORPORATIE)
              .group_by(CorporationDecision.candidate_id))
    stmt = (sa.select(CorporationDecision.unit_id, Candidate.id, Candidate.name)
            .join(Candidate, Candidate.id == CorporationDecision.candidate_id)
            .where(Candidate.site_id == site_id,
                   Candidate.status == CandidateStatus.BESLUIT_CORPORATIE,
                   CorporationDecision.decision == Decision.TOEWIJZEN,
                   CorporationDecision.id.in_(latest)))
    if on is not None:
        stmt = stmt.where(CorporationDecision.decided_on <= on)
    return {unit_id: (cid, name) for unit_id, cid, name in session.execute(stmt)}


def _check_not_promised(session: Session, unit: Unit, candidate: Candidate,
                        decided_on: date) -> None:
    """One unit, one newcomer: refuse a unit assigned to another candidate who is not
    placed yet, or into which someone moves after ``decided_on``."""
    promised = assignments(session, candidate.site_id).get(unit.id)
    name = promised[1] if promised and promised[0] != candidate.id else None
    if name is None and not unit.shared:
        name = session.scalar(sa.select(Resident.name).where(
            Resident.unit_id == unit.id, Resident.move_in_date > decided_on)
            .order_by(Resident.move_in_date).limit(1))
    if name is not None:
        raise RuleViolation(N_("Wooneenheid %(number)s is al toegewezen aan %(name)s. Kies "
                               "een andere woning, of leg eerst het besluit over %(name)s "
                               "anders vast."), field="unit_id", number=unit.number,
                            name=name)


def latest_decision(session: Session, candidate: Candidate) -> CorporationDecision | None:
    return session.scalar(sa.select(CorporationDecision).where(
        CorporationDecision.candidate_id == candidate.id)
        .order_by(CorporationDecision.id.desc()).limit(1))


def place_candidate(session: Session, candidate: Candidate, *, move_in: date,
                    actor_id: int | None, today: date) -> Resident:
    """One step: the candidate becomes a resident of the assigned unit from ``move_in``,
    the support history starts, the vacancy closes, and the welkomstcommissie gets a
    handover task (without care details)."""
    decision = latest_decision(session, candidate)
    if candidate.status != CandidateStatus.BESLUIT_CORPORATIE or decision is None \
            or decision.decision != Decision.TOEWIJZEN:
        raise RuleViolation(N_("Plaatsen kan na een besluit van de corporatie om een woning "
                               "toe te wijzen."), field="move_in")
    if move_in < decision.decided_on:
        raise RuleViolation(N_("De verhuisdatum ligt vóór het besluit."), field="move_in")
    resident = resident_service.add_resident(
        session, site_id=candidate.site_id, unit_id=decision.unit_id, move_in=move_in,
        person=PersonalData(name=candidate.name, email=candidate.email, phone=candidate.phone,
                            date_of_birth=candidate.date_of_birth),
        support=SupportData(candidate.support_status, candidate.care_organisation_id,
                            candidate.indicated_hours),
        actor_id=actor_id, today=today)
    candidate.resident_id = resident.id
    set_status(session, candidate, CandidateStatus.GEPLAATST, on=move_in, actor_id=actor_id)
    session.add(HandoverTask(site_id=candidate.site_id, resident_id=resident.id))
    session.flush()
    return resident


@dataclass(frozen=True)
class Handover:
    """What the welkomstcommissie sees: who, where, from when. Never care details."""

    id: int
    name: str
    unit_number: str
    move_in_date: date
    done_at: datetime | None
    note: str | None
    resident_id: int | None = None


def handovers(session: Session, site_id: int) -> list[Handover]:
    rows = session.execute(
        sa.select(HandoverTask, Resident.name, Unit.number, Resident.move_in_date)
        .join(Resident, Resident.id == HandoverTask.resident_id)
        .join(Unit, Unit.id == Resident.unit_id)
        .where(HandoverTask.site_id == site_id)
        .order_by(HandoverTask.done_at.is_not(None), Resident.move_in_date.desc())).all()
    return [Handover(task.id, name, number, move_in, task.done_at, task.note, task.resident_id)
            for task, name, number, move_in in rows]


def complete_handover(session: Session, task: HandoverTask, *, note: str | None,
                      actor_id: int | None, now: datetime) -> None:
    """The welkomstcommissie has welcomed the new household."""
    if task.done_at is not None:
        raise RuleViolation(N_("Deze overdracht is al afgerond."), field="note")
    task.done_at, task.done_by_id = now, actor_id
    task.note = (note or "").strip() or None
    audit.record(session, actor_id=actor_id, entity_type="handover", entity_id=task.id,
                 action="done", site_id=task.site_id)
    session.flush()
