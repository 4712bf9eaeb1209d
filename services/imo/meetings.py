"""The monthly IMO: create it with its generated agenda, record attendance, minutes and
advice, lock the minutes (later corrections are addenda)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Addendum, AgendaItem, Attendance, Candidate, ImoMeeting, Membership,
                    MeetingCandidate, Site, Unit, utcnow)
from models.enums import Advice, CandidateStatus, Presence, Role
from services import audit
from services.errors import N_, RuleViolation
from services.minutes import append_addendum
from services.imo import agenda as agenda_service
from services.imo import frozen
from services.imo.candidates import ensure_default_reasons, set_status

#: the seven fixed points (seed 004 "2. Passende mix - IMO"); titles are stored, so they can be edited
FIXED_POINTS = (
    ("balans", "Balans op de locatie en in de delen met een vrijkomende woning"),
    ("cijfers", "Huidige verdeling begeleid / onbegeleid"),
    ("mutaties", "Mutaties sinds het vorige IMO"),
    ("motivatie", "Motivatie en bereidheid tot bijdragen van de kandidaten"),
    ("kenmerken", "Kenmerken van de kandidaten (begeleid / onbegeleid, instroomroute)"),
    ("advies", "Advies aan de corporatie en andere partijen, extra afspraken"),
    ("overdracht", "Overdracht aan de welkomstcommissie van de woonvereniging"),
)
IMO_ROLES = (Role.TOELATINGSCOMMISSIE, Role.SOCIAAL_BEHEERDER, Role.BESTUUR,
             Role.BEGELEIDER, Role.COMMUNITYCOACH)
AUTO_AGENDA = (CandidateStatus.AANGEMELD, CandidateStatus.IN_BESPREKING)


def _require_open(meeting: ImoMeeting) -> None:
    if meeting.locked_at is not None:
        raise RuleViolation(N_("Het verslag is vastgesteld; voeg een addendum toe."))


def create_meeting(session: Session, site: Site, *, held_on: date, location: str | None,
                   chair_id: int | None, deputy_chair: str | None,
                   actor_id: int | None) -> ImoMeeting:
    """Create the IMO of ``held_on``'s month with the seven points, the site's IMO members
    as invitees, and the open candidates (aangemeld, in bespreking, registered by then) on
    the agenda."""
    month = held_on.replace(day=1)
    if session.scalar(sa.select(ImoMeeting.id).where(ImoMeeting.site_id == site.id,
                                                     ImoMeeting.month == month)):
        raise RuleViolation(N_("Er is al een IMO in deze maand."), field="held_on")
    meeting = ImoMeeting(site_id=site.id, month=month, held_on=held_on,
                         location=(location or "").strip() or None, chair_id=chair_id,
                         deputy_chair=(deputy_chair or "").strip() or None)
    session.add(meeting)
    ensure_default_reasons(session, site.id)
    session.flush()
    for position, (topic, title) in enumerate(FIXED_POINTS, start=1):
        meeting.items.append(AgendaItem(position=position, topic=topic, title=title))
    members = session.execute(
        sa.select(Membership.user_id, sa.func.min(Membership.role))
        .where(Membership.site_id == site.id, Membership.role.in_(IMO_ROLES))
        .group_by(Membership.user_id)).all()
    for user_id, role in members:
        meeting.attendance.append(Attendance(user_id=user_id, capacity=role,
                                             presence=Presence.AANWEZIG))
    for candidate in session.scalars(sa.select(Candidate).where(
            Candidate.site_id == site.id, Candidate.status.in_(AUTO_AGENDA),
            Candidate.registered_on <= held_on)
            .order_by(Candidate.registered_on)):
        _put_on_agenda(session, meeting, candidate, actor_id)
    audit.record(session, actor_id=actor_id, entity_type="imo_meeting", entity_id=meeting.id,
                 action="create", site_id=site.id, changes={"held_on": held_on})
    session.flush()
    return meeting


def _put_on_agenda(session: Session, meeting: ImoMeeting, candidate: Candidate,
                   actor_id: int | None) -> MeetingCandidate:
    entry = MeetingCandidate(candidate=candidate)
    meeting.candidates.append(entry)
    if candidate.status == CandidateStatus.AANGEMELD:
        on = max(meeting.held_on, candidate.registered_on)
        set_status(session, candidate, CandidateStatus.IN_BESPREKING, on=on,
                   actor_id=actor_id)
    return entry


def add_candidate(session: Session, meeting: ImoMeeting, candidate: Candidate, *,
                  actor_id: int | None) -> MeetingCandidate:
    """Put another candidate of the site on the agenda by hand."""
    _require_open(meeting)
    if candidate.site_id != meeting.site_id:
        raise RuleViolation(N_("Deze kandidaat hoort niet bij deze locatie."),
                            field="candidate_id")
    if candidate.status not in (*AUTO_AGENDA, CandidateStatus.AANGEHOUDEN,
                                CandidateStatus.ADVIES_GEGEVEN):
        raise RuleViolation(N_("Deze kandidaat kan niet (meer) worden besproken."),
                            field="candidate_id")
    if session.scalar(sa.select(MeetingCandidate.id).where(
            MeetingCandidate.meeting_id == meeting.id,
            MeetingCandidate.candidate_id == candidate.id)):
        raise RuleViolation(N_("Deze kandidaat staat al op de agenda."), field="candidate_id")
    if candidate.status in (CandidateStatus.AANGEHOUDEN, CandidateStatus.ADVIES_GEGEVEN):
        set_status(session, candidate, CandidateStatus.IN_BESPREKING,
                   on=max(meeting.held_on, max(e.on for e in candidate.events)),
                   actor_id=actor_id)
    entry = _put_on_agenda(session, meeting, candidate, actor_id)
    session.flush()
    return entry


def record_attendance(session: Session, meeting: ImoMeeting, presence: dict[int, str], *,
                      actor_id: int | None) -> None:
    """Set presence per invitee (aanwezig / afwezig met bericht / afwezig)."""
    _require_open(meeting)
    for row in meeting.attendance:
        value = presence.get(row.user_id, row.presence)
        if value not in set(Presence):
            raise RuleViolation(N_("Kies aanwezig, afwezig met bericht of afwezig."))
        row.presence = value
    audit.record(session, actor_id=actor_id, entity_type="imo_meeting", entity_id=meeting.id,
                 action="attendance", site_id=meeting.site_id,
                 changes={str(k): v for k, v in presence.items()})
    session.flush()


def save_minutes(session: Session, meeting: ImoMeeting, minutes: dict[int, str | None], *,
                 actor_id: int | None) -> None:
    """Write the minutes per agenda item (item id -> text)."""
    _require_open(meeting)
    for item in meeting.items:
        if item.id in minutes:
            item.minutes = (minutes[item.id] or "").strip() or None
    session.flush()


def add_item(session: Session, meeting: ImoMeeting, title: str, *,
             actor_id: int | None) -> AgendaItem:
    """Add a point to the agenda by hand, after the last one."""
    _require_open(meeting)
    title = (title or "").strip()
    if not title:
        raise RuleViolation(N_("Vul een onderwerp in."), field="title")
    position = max((i.position for i in meeting.items), default=0) + 1
    item = AgendaItem(position=position, topic=None, title=title)
    meeting.items.append(item)
    session.flush()
    return item


def record_advice(session: Session, entry: MeetingCandidate, *, advice: str,
                  conditions: str | None, reasoning: str | None, unit_id: int | None,
                  actor_id: int | None) -> MeetingCandidate:
    """The IMO's advice on a candidate (the corporation decides separately)."""
    meeting = entry.meeting
    _require_open(meeting)
    if advice not in set(Advice):
        raise RuleViolation(N_("Kies een advies."), field="advice")
    conditions = (conditions or "").strip() or None
    if advice == Advice.ONDER_VOORWAARDEN and not conditions:
        raise RuleViolation(N_("Noem de voorwaarden bij een positief advies onder "
                               "voorwaarden."), field="conditions")
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None or unit.site_id != meeting.site_id:
            raise RuleViolation(N_("Kies een wooneenheid van deze locatie."), field="unit_id")
    candidate = entry.candidate
    if candidate.status not in (CandidateStatus.IN_BESPREKING,
                                CandidateStatus.ADVIES_GEGEVEN):
        raise RuleViolation(N_("Deze kandidaat is niet in bespreking."), field="advice")
    entry.advice, entry.conditions = advice, conditions
    entry.reasoning = (reasoning or "").strip() or None
    entry.unit_id = unit_id
    entry.advised_by_id, entry.advised_at = actor_id, utcnow()
    if candidate.status == CandidateStatus.IN_BESPREKING:
        set_status(session, candidate, CandidateStatus.ADVIES_GEGEVEN,
                   on=max(meeting.held_on, max(e.on for e in candidate.events)),
                   actor_id=actor_id)
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="advice", site_id=meeting.site_id,
                 changes={"advice": advice, "meeting": meeting.id})
    session.flush()
    return entry


def lock_minutes(session: Session, meeting: ImoMeeting, *, actor_id: int | None,
                 now: datetime) -> None:
    """Finalise the minutes: from now on they are read-only, and the whole generated
    agenda is frozen as it stood (``services.imo.frozen``)."""
    _require_open(meeting)
    meeting.snapshot = frozen.snapshot(agenda_service.build_agenda(session, meeting))
    meeting.locked_at, meeting.locked_by_id = now, actor_id
    audit.record(session, actor_id=actor_id, entity_type="imo_meeting", entity_id=meeting.id,
                 action="lock", site_id=meeting.site_id)
    session.flush()


def add_addendum(session: Session, meeting: ImoMeeting, text: str, *,
                 actor_id: int | None) -> Addendum:
    """A correction to locked minutes."""
    addendum = append_addendum(meeting, text, actor_id)
    audit.record(session, actor_id=actor_id, entity_type="imo_meeting", entity_id=meeting.id,
                 action="addendum", site_id=meeting.site_id)
    session.flush()
    return addendum


def record_view(session: Session, meeting: ImoMeeting, actor_id: int | None,
                shown_as: str) -> None:
    """Reading a meeting (its candidates' motivation, advice and, for some, care status)
    is logged like reading a dossier; ``shown_as`` is "page", "print" or "pdf"."""
    audit.record(session, actor_id=actor_id, entity_type="imo_meeting", entity_id=meeting.id,
                 action="view", site_id=meeting.site_id, changes={"as": shown_as})
    session.flush()


def meetings_of(session: Session, site_id: int) -> list[ImoMeeting]:
    return list(session.scalars(sa.select(ImoMeeting).where(ImoMeeting.site_id == site_id)
                                .order_by(ImoMeeting.month.desc())))


def agenda_entries(session: Session, candidate: Candidate) -> list[MeetingCandidate]:
    """Every time the candidate was on an IMO agenda, oldest first (with the advice)."""
    return list(session.scalars(sa.select(MeetingCandidate).where(
        MeetingCandidate.candidate_id == candidate.id).order_by(MeetingCandidate.id)))
