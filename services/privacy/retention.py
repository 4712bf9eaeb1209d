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
and in the names frozen into locked IMO minutes; for a resident also in the
woonvereniging's records, the room's key list, seats of bodies and the kascommissie's
checklist (services/privacy/traces.py), where amounts and dates stay so the balances,
the cash book and the ALV statement keep their figures. The audit log is append-only for the
application; this job is its one writer of changes, and it records that it did so.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import (AuditEvent, Candidate, CandidateConsent, CandidateEvent,
                    CorporationDecision, HandoverTask, ImoMeeting, MeetingCandidate,
                    ParticipationFact, Resident, RetentionSetting, Site, SupportPeriod, Unit)
from services import audit
from services.errors import N_, RuleViolation
from services.imo.frozen import anonymised_entry
from services.imo.rules import CLOSED
from services.privacy import traces

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
                           "special_conditions", "note", "indicated_hours", "holder_name",
                           "person_name", "checked_by_name", "to_address"})


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
    #: a resident's records elsewhere that the job blanks too: (category of
    #: services.privacy.traces.LABELS, number of rows)
    records: tuple[tuple[str, int], ...] = ()


def _due(kind: str, rows, site_id: int, today: date, months: int) -> list[Due]:
    """The rows (id, name, ended_on) whose period has ended: ``ended_on`` plus
    ``months`` on or before ``today`` (the database pre-selects with a few days' margin
    for month ends; the exact date is computed here)."""
    found = [Due(kind, record_id, site_id, name, ended, ended + relativedelta(months=months))
             for record_id, name, ended in rows]
    return sorted((d for d in found if d.due_on <= today), key=lambda d: (d.ended_on, d.record_id))


def _cutoff(today: date, months: int) -> date:
    return today - relativedelta(months=months) + timedelta(days=3)


def due_residents(session: Session, site_id: int, today: date, months: int) -> list[Due]:
    rows = session.execute(
        sa.select(Resident.id, Resident.name, Resident.move_out_date)
        .join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id == site_id, Resident.anonymised_at.is_(None),
               Resident.move_out_date.is_not(None),
               Resident.move_out_date <= _cutoff(today, months)))
    return _due("resident", rows, site_id, today, months)


def due_candidates(session: Session, site_id: int, today: date, months: int) -> list[Due]:
    """Closed files (placed, rejected, withdrawn); closed on the date of their last step."""
    closed = sa.func.coalesce(sa.func.max(CandidateEvent.on), Candidate.registered_on)
    rows = session.execute(
        sa.select(Candidate.id, Candidate.name, closed)
        .outerjoin(CandidateEvent, CandidateEvent.candidate_id == Candidate.id)
        .where(Candidate.site_id == site_id, Candidate.anonymised_at.is_(None),
               Candidate.status.in_(CLOSED))
        .group_by(Candidate.id, Candidate.name, Candidate.registered_on)
        .having(closed <= _cutoff(today, months)))
    return _due("candidate", rows, site_id, today, months)


def due_on_site(session: Session, site_id: int, today: date, *,
                with_records: bool = True) -> list[Due]:
    """Everyone on the site whose personal data would be anonymised on ``today``; with
    ``with_records`` (the dry run) each resident's records elsewhere that go as well,
    found as the job finds them."""
    periods = periods_for(session, site_id)
    residents = due_residents(session, site_id, today, periods.resident_months)
    if with_records and residents:
        found = traces.find(session, traces.people_of(session, [d.record_id for d in residents]))
        residents = [replace(d, records=found.counts(d.record_id)) for d in residents]
    return residents + due_candidates(session, site_id, today, periods.candidate_months)


# --- anonymising -----------------------------------------------------------------------

CHUNK = 500


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _blank(session: Session, model, key, ids: list[int], **values) -> None:
    session.execute(sa.update(model).where(key.in_(ids)).values(**values)
                    .execution_options(synchronize_session=False))


def _label(kind: str, id_column):
    """``anonymous_name`` in SQL, so a whole batch is renamed in one statement."""
    return sa.literal(f"Geanonimiseerd ({kind} ") + sa.cast(id_column, sa.String) + \
        sa.literal(")")


def _redact_audit(session: Session, entity_type: str, ids: list[int]) -> None:
    """Blank the personal values in the audit log's events about these people."""
    table = AuditEvent.__table__
    events = session.execute(sa.select(table.c.id, table.c.changes).where(
        table.c.entity_type == entity_type, table.c.entity_id.in_(ids))).all()
    cleaned = [{"event_id": event_id,
                "clean": {k: (REDACTED if k in PERSONAL_KEYS and v is not None else v)
                          for k, v in changes.items()}}
               for event_id, changes in events
               if changes and PERSONAL_KEYS.intersection(changes)]
    if cleaned:
        session.execute(table.update().where(table.c.id == sa.bindparam("event_id"))
                        .values(changes=sa.bindparam("clean")), cleaned)


def _record(session: Session, entity_type: str, people: list[tuple[int, int]],
            actor_id: int | None, now: datetime) -> None:
    """One audit event per anonymised person (``people``: id and site id)."""
    session.execute(sa.insert(AuditEvent), [
        {"occurred_at": now, "actor_id": actor_id, "site_id": site_id,
         "entity_type": entity_type, "entity_id": person_id, "action": "anonymise",
         "changes": {}} for person_id, site_id in people])


def anonymise_residents(session: Session, people: list[tuple[int, int]], *, now: datetime,
                        actor_id: int | None = None) -> int:
    """Blank the personal fields of residents (``people``: resident id and site id) and
    their records elsewhere (services/privacy/traces.py); the stay, the support history
    and every figure stay. Returns the number of those other records. Objects in the
    session are expired."""
    session.flush()
    elsewhere = 0
    for chunk in _chunks(people):
        ids = [person_id for person_id, _site in chunk]
        found = traces.find(session, traces.people_of(session, ids))
        traces.anonymise(session, found, lambda resident_id: anonymous_name("bewoner",
                                                                             resident_id))
        for entity_type, record_ids in traces.audit_targets(found):
            for part in _chunks(record_ids):
                _redact_audit(session, entity_type, part)
        elsewhere += found.total()
        _blank(session, Resident, Resident.id, ids, name=_label("bewoner", Resident.id),
               anonymised_at=now, **{name: None for name in RESIDENT_FIELDS})
        _blank(session, SupportPeriod, SupportPeriod.resident_id, ids, note=None)
        _blank(session, HandoverTask, HandoverTask.resident_id, ids, note=None)
        _redact_audit(session, "resident", ids)
        _record(session, "resident", chunk, actor_id, now)
    session.expire_all()
    return elsewhere


def _rename_in_minutes(session: Session, old_names: dict[int, str]) -> None:
    """Locked IMO minutes froze the names of the candidates on the agenda."""
    on_agenda = session.execute(sa.select(MeetingCandidate.meeting_id,
                                          MeetingCandidate.candidate_id)
                                .where(MeetingCandidate.candidate_id.in_(list(old_names))))
    renames: dict[int, dict[int | str, str]] = {}
    for meeting_id, candidate_id in on_agenda:
        new_name = anonymous_name("kandidaat", candidate_id)
        renames.setdefault(meeting_id, {})[old_names[candidate_id]] = new_name
        renames[meeting_id][candidate_id] = new_name
    for meeting in session.scalars(sa.select(ImoMeeting).where(
            ImoMeeting.id.in_(list(renames)), ImoMeeting.snapshot.is_not(None))):
        names = renames[meeting.id]
        entries = meeting.snapshot.get("candidates") or []
        # newer snapshots hold the candidate's id and their texts; older ones only a name
        meeting.snapshot = {**meeting.snapshot, "candidates": [
            anonymised_entry(e, names[e.get("candidate_id", e.get("name"))])
            if e.get("candidate_id", e.get("name")) in names else e for e in entries]}


def anonymise_candidates(session: Session, people: list[tuple[int, int]], *, now: datetime,
                         actor_id: int | None = None) -> None:
    """Blank closed candidate files (``people``: candidate id and site id): the steps,
    advice and decisions keep their dates and outcomes, the person and the free text
    about them go. Objects in the session are expired."""
    session.flush()
    for chunk in _chunks(people):
        ids = [person_id for person_id, _site in chunk]
        old_names = dict(session.execute(sa.select(Candidate.id, Candidate.name)
                                          .where(Candidate.id.in_(ids))).all())
        _blank(session, Candidate, Candidate.id, ids, name=_label("kandidaat", Candidate.id),
               woonzorgovereenkomst=False, anonymised_at=now,
               **{name: None for name in CANDIDATE_FIELDS})
        _blank(session, ParticipationFact, ParticipationFact.candidate_id, ids, note=None)
        _blank(session, CandidateEvent, CandidateEvent.candidate_id, ids, note=None)
        _blank(session, CandidateConsent, CandidateConsent.candidate_id, ids, how=None)
        _blank(session, MeetingCandidate, MeetingCandidate.candidate_id, ids, reasoning=None,
               conditions=sa.case((MeetingCandidate.conditions.is_(None), sa.null()),
                                  else_=sa.literal(REDACTED)))
        _blank(session, CorporationDecision, CorporationDecision.candidate_id, ids,
               reasoning=None)
        _rename_in_minutes(session, old_names)
        _redact_audit(session, "candidate", ids)
        _record(session, "candidate", chunk, actor_id, now)
        session.flush()
    session.expire_all()


def apply_retention(session: Session, today: date, now: datetime) -> dict:
    """The daily job: anonymise everyone whose retention period has ended, on every
    site, a batch of statements per few hundred people. Idempotent: an anonymised
    person is never due again."""
    residents: list[tuple[int, int]] = []
    candidates: list[tuple[int, int]] = []
    for site_id in session.scalars(sa.select(Site.id).order_by(Site.id)):
        for due in due_on_site(session, site_id, today, with_records=False):
            (residents if due.kind == "resident" else candidates).append(
                (due.record_id, due.site_id))
    elsewhere = anonymise_residents(session, residents, now=now)
    anonymise_candidates(session, candidates, now=now)
    return {"residents": len(residents), "candidates": len(candidates), "records": elsewhere}
