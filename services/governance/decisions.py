"""The numbered decision log of each body: KG-2026-07 is the kerngroep's seventh decision
of 2026. Numbers restart every year and are never reused; the unique constraints on
(body, year, number) and (body, code) make a race fail instead of doubling a number."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Body, BodyDecision, Meeting, MeetingItem
from services import audit
from services.errors import N_, RuleViolation
from services.governance.bodies import site_id_of
from services.governance.localtime import local_day
from services.governance.schedule import require_open


def decision_code(body_code: str, year: int, number: int) -> str:
    return f"{body_code}-{year}-{number:02d}"


def next_number(session: Session, body_id: int, year: int) -> int:
    highest = session.scalar(sa.select(sa.func.max(BodyDecision.number)).where(
        BodyDecision.body_id == body_id, BodyDecision.year == year))
    return (highest or 0) + 1


def record_decision(session: Session, body: Body, *, text: str, decided_on: date | None = None,
                    meeting: Meeting | None = None, item_id: int | None = None,
                    actor_id: int | None) -> BodyDecision:
    """Add a decision to the body's log, numbered within the year it was taken. Taken in a
    meeting, it is dated on the meeting day and needs the minutes to be open."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Vul de tekst van het besluit in."), field="text")
    item = None
    if meeting is not None:
        require_open(meeting)
        if meeting.body_id != body.id:
            raise RuleViolation(N_("Deze vergadering hoort niet bij dit overleg."))
        decided_on = local_day(meeting.starts_at)
        if item_id is not None:
            item = session.get(MeetingItem, item_id)
            if item is None or item.meeting_id != meeting.id:
                raise RuleViolation(N_("Kies een agendapunt van deze vergadering."),
                                    field="item_id")
    if decided_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="decided_on")
    number = next_number(session, body.id, decided_on.year)
    decision = BodyDecision(body_id=body.id, year=decided_on.year, number=number,
                            code=decision_code(body.code, decided_on.year, number), text=text,
                            decided_on=decided_on, meeting_id=meeting.id if meeting else None,
                            item_id=item.id if item else None, created_by_id=actor_id)
    session.add(decision)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_decision", entity_id=decision.id,
                 action="create", site_id=site_id_of(body), changes={"code": decision.code})
    return decision


def search(session: Session, body_id: int, query: str | None = None,
           limit: int = 200) -> list[BodyDecision]:
    """The body's decisions, newest first; ``query`` matches the code or the text."""
    stmt = sa.select(BodyDecision).where(BodyDecision.body_id == body_id)
    query = (query or "").strip()
    if query:
        stmt = stmt.where(sa.or_(BodyDecision.code.icontains(query, autoescape=True),
                                 BodyDecision.text.icontains(query, autoescape=True)))
    return list(session.scalars(stmt.order_by(BodyDecision.decided_on.desc(),
                                              BodyDecision.year.desc(),
                                              BodyDecision.number.desc()).limit(limit)))


def decisions_of_meeting(session: Session, meeting_id: int) -> list[BodyDecision]:
    return list(session.scalars(sa.select(BodyDecision).where(
        BodyDecision.meeting_id == meeting_id).order_by(BodyDecision.number)))
