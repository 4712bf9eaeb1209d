"""Retention of personal data (AVG): after a resident moved out, or after a candidate's
file was closed, their personal fields are kept for a period and then anonymised.

The periods are per site (``RetentionSetting``), else the defaults below: 24 months
after the move-out (a social manager may still need the file for a deposit, a dispute or
a returning tenant) and 12 months after a candidate's file closed (placed, rejected or
withdrawn; the date is the last step of the file).

Anonymising keeps every row and every date: the stay (unit, move-in and move-out dates)
and the dated support history stay as they are, so the mix on any past date, the
care organisations' 10% norm, hours, participation counts and decisions keep their
figures. What goes: name (replaced by a neutral label), contact details, date of birth,
free-text notes, talents, motivation and the soft-landing details, in the records
themselves, in the notes that hang off them, in the audit log's events about the person
and in the names frozen into locked IMO minutes. The audit log is append-only for the
application; this job is its one writer of changes, and it records that it did so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import (AuditEvent, Candidate, CandidateEvent, CorporationDecision, HandoverTask,
                    ImoMeeting, MeetingCandidate, ParticipationFact, Resident, RetentionSetting,
                    Site, SupportPeriod, Unit)
from services import audit
from services.errors import N_, RuleViolation
from services.imo.rules import CLOSED

DEFAULT_RESIDENT_MONTHS = 24
DEFAULT_CANDIDATE_MONTHS = 12
MAX_MONTHS = 240
REDACTED = "[geanonimiseerd]"

RESIDENT_FIELDS = ("email", "phone", "date_of_birth", "move_out_reason", "contribution_notes",
                   "talents")
CANDIDATE_FIELDS = ("email", "phone", "date_of_birth", "indicated_hours", "motivation",
                    "problem_severity", "accepts_support", "fallback_place",
                    "special_conditions")
#: keys of audit-event changes that hold personal data
PERSONAL_KEYS = frozenset({"name", "names", "email", "phone", "date_of_birth", "reason",
                           "move_out_reason", "contribution_notes", "talents", "motivation",
                           "problem_severity", "accepts_support", "fallback_place",
                           "special_conditions", "note", "indicated_hours"})


def anonymous_name(kind: str, record_id: int) -> str:
    """The label that replaces a name: it keeps lists readable and says what happened."""
    return f"Geanonimiseerd ({kind} {record_id})"


# --- settings --------------------------------------------------------------------------

@dataclass(frozen=True)
class Periods:
    resident_months: int
    candidate_months: int
    own: bool  # the site set its own periods


def periods_for(session: Session, site_id: int) -> Periods:
    setting = session.get(RetentionSetting, site_id)
    if setting is None:
        return Periods(DEFAULT_RESIDENT_MONTHS, DEFAULT_CANDIDATE_MONTHS, False)
    return Periods(setting.resident_months, setting.candidate_months, True)


def save_periods(session: Session, site_id: int, *, resident_months: int | None,
                 candidate_months: int | None, actor_id: int | None,
                 now: datetime) -> RetentionSetting:
    """Set a site's own retention periods (1 to 240 months)."""
    for value, field in ((resident_months, "resident_months"),
                         (candidate_months, "candidate_months")):
        if value is None or not 1 <= value <= MAX_MONTHS:
            raise RuleViolation(N_("Een bewaartermijn ligt tussen 1 en %(max)s maanden."),
                                field=field, max=MAX_MONTHS)
    setting = session.get(RetentionSetting, site_id)
    if setting is None:
        setting = RetentionSetting(site_id=site_id)
        session.add(setting)
    changes = {"resident_months": [setting.resident_months, resident_months],
               "candidate_months": [setting.candidate_months, candidate_months]}
    setting.resident_months, setting.candidate_months = resident_months, candidate_months
    setting.updated_at, setting.updated_by_id = now, actor_id
    audit.record(session, actor_id=actor_id, entity_type="retention", entity_id=site_id,
                 action="update", site_id=site_id, changes=changes)
    session.flush()
    return setting


# --- what is due -----------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """A person whose retention period has ended (the dry-run report shows these)."""

    kind: str          # "resident" | "candidate"
    record_id: int
    site_id: int
    name: str
    ended_on: date     # move-out, or the day the candidate's file closed
    due_on: date


def closed_on(candidate: Candidate) -> date | None:
    """The day a closed candidate file was closed (its last step), else None."""
    if candidate.status not in CLOSED:
        return None
    return max((e.on for e in candidate.events), default=candidate.registered_on)


def due_residents(session: Session, site_id: int, today: date, months: int) -> list[Due]:
    rows = session.scalars(
        sa.select(Resident).join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id, Resident.anonymised_at.is_(None),
               Resident.move_out_date.is_not(None),
               Resident.move_out_date <= today - relativedelta(months=months))
        .order_by(Resident.move_out_date, Resident.id))
    return [Due("resident", r.id, site_id, r.name, r.move_out_date,
                r.move_out_date + relativedelta(months=months)) for r in rows]


def due_candidates(session: Session, site_id: int, today: date, months: int) -> list[Due]:
    found = []
    for candidate in session.scalars(
            sa.select(Candidate).where(Candidate.site_id == site_id,
                                       Candidate.anonymised_at.is_(None),
                                       Candidate.status.in_(CLOSED))
            .order_by(Candidate.id)):
        ended = closed_on(candidate)
        if ended is not None and ended + relativedelta(months=months) <= today:
            found.append(Due("candidate", candidate.id, site_id, candidate.name, ended,
                             ended + relativedelta(months=months)))
    return sorted(found, key=lambda d: (d.ended_on, d.record_id))


def due_on_site(session: Session, site_id: int, today: date) -> list[Due]:
    """Everyone on the site whose personal data would be anonymised on ``today``."""
    periods = periods_for(session, site_id)
    return (due_residents(session, site_id, today, periods.resident_months)
            + due_candidates(session, site_id, today, periods.candidate_months))


# --- anonymising -----------------------------------------------------------------------

def _redact_audit(session: Session, entity_type: str, entity_id: int) -> int:
    """Blank the personal values in the audit log's events about one person."""
    table = AuditEvent.__table__
    events = session.execute(sa.select(table.c.id, table.c.changes).where(
        table.c.entity_type == entity_type, table.c.entity_id == entity_id)).all()
    redacted = 0
    for event_id, changes in events:
        if not changes or not PERSONAL_KEYS.intersection(changes):
            continue
        clean = {k: (REDACTED if k in PERSONAL_KEYS and v is not None else v)
                 for k, v in changes.items()}
        session.execute(table.update().where(table.c.id == event_id).values(changes=clean))
        redacted += 1
    return redacted


def anonymise_resident(session: Session, resident: Resident, *, now: datetime,
                       actor_id: int | None = None) -> None:
    """Blank a resident's personal fields; the stay and the support history stay."""
    if resident.anonymised_at is not None:
        return
    resident.name = anonymous_name("bewoner", resident.id)
    for name in RESIDENT_FIELDS:
        setattr(resident, name, None)
    resident.anonymised_at = now
    session.execute(sa.update(SupportPeriod).where(SupportPeriod.resident_id == resident.id)
                    .values(note=None).execution_options(synchronize_session="fetch"))
    session.execute(sa.update(HandoverTask).where(HandoverTask.resident_id == resident.id)
                    .values(note=None).execution_options(synchronize_session="fetch"))
    _redact_audit(session, "resident", resident.id)
    audit.record(session, actor_id=actor_id, entity_type="resident", entity_id=resident.id,
                 action="anonymise", site_id=resident.unit.site_id)
    session.flush()


def _rename_in_minutes(session: Session, candidate: Candidate, old_name: str) -> None:
    meeting_ids = session.scalars(sa.select(MeetingCandidate.meeting_id).where(
        MeetingCandidate.candidate_id == candidate.id))
    for meeting in session.scalars(sa.select(ImoMeeting).where(ImoMeeting.id.in_(meeting_ids))):
        if not meeting.snapshot:
            continue
        entries = meeting.snapshot.get("candidates") or []
        renamed = [{**e, "name": candidate.name} if e.get("name") == old_name else e
                   for e in entries]
        meeting.snapshot = {**meeting.snapshot, "candidates": renamed}


def anonymise_candidate(session: Session, candidate: Candidate, *, now: datetime,
                        actor_id: int | None = None) -> None:
    """Blank a closed candidate file: the steps, advice and decisions keep their dates
    and outcomes, the person and the free text about them go."""
    if candidate.anonymised_at is not None:
        return
    old_name = candidate.name
    candidate.name = anonymous_name("kandidaat", candidate.id)
    for name in CANDIDATE_FIELDS:
        setattr(candidate, name, None)
    candidate.woonzorgovereenkomst = False
    candidate.anonymised_at = now
    for model, where in ((ParticipationFact, ParticipationFact.candidate_id),
                         (CandidateEvent, CandidateEvent.candidate_id)):
        session.execute(sa.update(model).where(where == candidate.id).values(note=None)
                        .execution_options(synchronize_session="fetch"))
    session.execute(sa.update(MeetingCandidate).where(
        MeetingCandidate.candidate_id == candidate.id).values(
        reasoning=None, conditions=sa.case((MeetingCandidate.conditions.is_(None), sa.null()),
                                           else_=sa.literal(REDACTED)))
        .execution_options(synchronize_session="fetch"))
    session.execute(sa.update(CorporationDecision).where(
        CorporationDecision.candidate_id == candidate.id).values(reasoning=None)
        .execution_options(synchronize_session="fetch"))
    _rename_in_minutes(session, candidate, old_name)
    _redact_audit(session, "candidate", candidate.id)
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="anonymise", site_id=candidate.site_id)
    session.flush()


def apply_retention(session: Session, today: date, now: datetime) -> dict:
    """The daily job: anonymise everyone whose retention period has ended, on every
    site. Idempotent: an anonymised person is never due again."""
    counts = {"residents": 0, "candidates": 0}
    for site_id in session.scalars(sa.select(Site.id).order_by(Site.id)):
        for due in due_on_site(session, site_id, today):
            if due.kind == "resident":
                anonymise_resident(session, session.get(Resident, due.record_id), now=now)
                counts["residents"] += 1
            else:
                anonymise_candidate(session, session.get(Candidate, due.record_id), now=now)
                counts["candidates"] += 1
    return counts
