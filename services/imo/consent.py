"""The candidate's consent to be discussed by the whole IMO.

Seed 004 "Gemengd Wonen met een duurzame community-aanpak" (IMO, agenda point 5) has
the IMO's members (toelatingscommissie, sociaal beheerder, bestuur, begeleiders,
coach) discuss the characteristics of the potential newcomers, begeleid or onbegeleid,
together. That is care data (AVG art. 9), which an aggregate-only role may not see per
person; the candidate's explicit consent (art. 9(2)(a)) lifts that for one purpose:

- a consent is recorded with the day the candidate gave it, how, and by whom; a
  withdrawal is a new record, the latest record stands;
- with a standing consent, the invitees of an IMO meeting (its attendance list) see
  point 5 for that candidate (status, intake route, the what-if of a placement on the
  published figures, the advice's conditions and reasoning) while the meeting is being
  prepared and held: from the moment the candidate is on its agenda until the end of the
  meeting day, and not once the minutes are locked;
- only while the candidate is still pending: after placement (or closing) the
  resident's care data is need-to-know again;
- every such read is audit-logged per candidate.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Attendance, Candidate, CandidateConsent, ImoMeeting
from services import audit
from services.errors import N_, RuleViolation
from services.imo.rules import OPEN

GIVEN, WITHDRAWN = "gegeven", "ingetrokken"
HOW_MAX_LENGTH = 200


@dataclass(frozen=True)
class ConsentState:
    given: bool
    latest: CandidateConsent | None


def history(session: Session, candidate_id: int) -> list[CandidateConsent]:
    """Every consent record of the candidate, oldest first."""
    return list(session.scalars(sa.select(CandidateConsent).where(
        CandidateConsent.candidate_id == candidate_id).order_by(CandidateConsent.id)))


def state(session: Session, candidate_id: int) -> ConsentState:
    latest = session.scalar(sa.select(CandidateConsent).where(
        CandidateConsent.candidate_id == candidate_id)
        .order_by(CandidateConsent.id.desc()).limit(1))
    return ConsentState(latest is not None and latest.kind == GIVEN, latest)


def record(session: Session, candidate: Candidate, *, given: bool, on: date | None,
           how: str | None, actor_id: int | None, today: date) -> CandidateConsent:
    """Record that the candidate gave (``given``) or withdrew their consent on ``on``."""
    if candidate.status not in OPEN:
        raise RuleViolation(N_("Toestemming vastleggen kan alleen zolang de kandidaat in "
                               "behandeling is."))
    if on is None:
        raise RuleViolation(N_("Vul de datum in waarop de kandidaat dit aangaf."), field="on")
    if on > today:
        raise RuleViolation(N_("Die datum ligt in de toekomst."), field="on")
    if on < candidate.registered_on:
        raise RuleViolation(N_("Die datum ligt voor de aanmelding (%(date)s)."), field="on",
                            date=candidate.registered_on)
    how = (how or "").strip() or None
    if how is not None and len(how) > HOW_MAX_LENGTH:
        raise RuleViolation(N_("Houd de toelichting korter dan %(max)d tekens."), field="how",
                            max=HOW_MAX_LENGTH)
    current = state(session, candidate.id)
    if given and current.given:
        raise RuleViolation(N_("De kandidaat heeft al toestemming gegeven."))
    if not given and not current.given:
        raise RuleViolation(N_("Er is geen toestemming om in te trekken."))
    if current.latest is not None and on < current.latest.on:
        raise RuleViolation(N_("Die datum ligt voor de vorige vastlegging (%(date)s)."),
                            field="on", date=current.latest.on)
    consent = CandidateConsent(candidate_id=candidate.id, kind=GIVEN if given else WITHDRAWN,
                               on=on, how=how, recorded_by_id=actor_id)
    session.add(consent)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="consent_given" if given else "consent_withdrawn",
                 site_id=candidate.site_id, changes={"on": on})
    session.flush()
    return consent


def window_open(meeting: ImoMeeting, today: date) -> bool:
    """Preparation and the meeting itself: until the end of the meeting day, and not
    once the minutes are locked."""
    return meeting.locked_at is None and today <= meeting.held_on


def is_invitee(session: Session, meeting: ImoMeeting, user_id: int) -> bool:
    return session.scalar(sa.select(Attendance.id).where(
        Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)) is not None


def consented(session: Session, candidate_ids: list[int]) -> set[int]:
    """The candidates among ``candidate_ids`` whose latest consent record is a consent
    and who are still pending."""
    if not candidate_ids:
        return set()
    latest = (sa.select(CandidateConsent.candidate_id,
                        sa.func.max(CandidateConsent.id).label("last_id"))
              .where(CandidateConsent.candidate_id.in_(candidate_ids))
              .group_by(CandidateConsent.candidate_id).subquery())
    return set(session.scalars(
        sa.select(CandidateConsent.candidate_id)
        .join(latest, CandidateConsent.id == latest.c.last_id)
        .join(Candidate, Candidate.id == CandidateConsent.candidate_id)
        .where(CandidateConsent.kind == GIVEN, Candidate.status.in_(OPEN))))


def shown_by_consent(session: Session, meeting: ImoMeeting, user_id: int,
                     candidate_ids: list[int], today: date) -> set[int]:
    """The candidates of ``meeting`` whose point 5 this user sees because of their
    consent: an invitee, while the window is open."""
    if not candidate_ids or not window_open(meeting, today) \
            or not is_invitee(session, meeting, user_id):
        return set()
    return consented(session, candidate_ids)


def log_reads(session: Session, meeting: ImoMeeting, user_id: int, candidate_ids: set[int],
              shown_as: str) -> None:
    """One audit event per candidate whose care data was shown by consent."""
    for candidate_id in sorted(candidate_ids):
        audit.record(session, actor_id=user_id, entity_type="candidate",
                     entity_id=candidate_id, action="view_by_consent",
                     site_id=meeting.site_id,
                     changes={"meeting": meeting.id, "as": shown_as})
    session.flush()
