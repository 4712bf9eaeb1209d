"""Everything stored about one person, as plain data for a ZIP of JSON (AVG art. 15/20).

The sociaal_beheerder hands it over when a resident or candidate asks; an admin does
so for a user account. Care data are included: the person is entitled to their own.
Password and token hashes are not personal data of the kind meant here and would only
weaken the accounts, so they are left out (of API and feed tokens only their metadata).

A resident's records at the woonvereniging, on the room's key list and on seats of
bodies are found as the retention job finds them (services/privacy/traces.py), so what
is exported is what is anonymised later. E-mails a treasurer approved as dues reminders
went to a household, not to the treasurer: they are in that resident's export, not in
the treasurer's.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (ActionItem, ApiToken, AssociationMember, Attendance, AuditCheck, AuditEvent,
                    BankLine, BoardOffice, BodyMember, BookingSeries, Candidate, CandidateConsent,
                    CashEntry, Commission, CommissionMember, CorporationDecision, Due, DuesReminder,
                    HandoverTask, HourEntry, ImoMeeting, KeyHolder, MeetingCandidate,
                    MembershipDecline, Organisation, OutgoingMail, ParticipationRecord,
                    Payment, Resident, RoomFeedToken, Signal, User)
from services import audit
from services.association import payments as payment_service
from services.association.reminders import MAIL_KIND
from services.privacy import traces

README = """Dit bestand bevat alle gegevens die Noaber over één persoon bewaart.
gegevens.json is leesbaar met elke teksteditor; data staan als JJJJ-MM-DD, tijden in UTC.
"""


def plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def columns(obj: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stored columns of a record as plain values."""
    return {attr.key: plain(getattr(obj, attr.key))
            for attr in sa.inspect(obj).mapper.column_attrs if attr.key not in leave_out}


def _audit_about(session: Session, entity_type: str, entity_id: int) -> list[dict]:
    events = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id))
    return [{"occurred_at": plain(e.occurred_at), "action": e.action,
             "by": e.actor.name if e.actor else None, "changes": e.changes} for e in events]


def _org_name(session: Session, org_id: int | None) -> str | None:
    org = session.get(Organisation, org_id) if org_id else None
    return org.name if org else None


def candidate_data(session: Session, candidate: Candidate) -> dict:
    entries = session.execute(
        sa.select(MeetingCandidate, ImoMeeting.held_on).join(ImoMeeting)
        .where(MeetingCandidate.candidate_id == candidate.id).order_by(ImoMeeting.held_on))
    decisions = session.scalars(sa.select(CorporationDecision).where(
        CorporationDecision.candidate_id == candidate.id).order_by(CorporationDecision.id))
    return {
        "candidate": columns(candidate),
        "care_organisation": _org_name(session, candidate.care_organisation_id),
        "participation": [columns(f, ("candidate_id",)) for f in candidate.facts],
        "imo_consent": _rows(session, CandidateConsent,
                             CandidateConsent.candidate_id == candidate.id, ("candidate_id",)),
        "steps": [columns(e, ("candidate_id",)) | {"reason": e.reason.text if e.reason else None}
                  for e in candidate.events],
        "imo_advice": [columns(entry, ("candidate_id",)) | {"meeting_date": plain(held_on)}
                       for entry, held_on in entries],
        "corporation_decisions": [columns(d, ("candidate_id",)) for d in decisions],
        "audit_log": _audit_about(session, "candidate", candidate.id),
    }


def _rows(session: Session, model, where, leave_out: tuple[str, ...] = ()) -> list[dict]:
    return [columns(r, leave_out) for r in session.scalars(
        sa.select(model).where(where).order_by(model.id))]


def _by_ids(session: Session, model, ids, leave_out: tuple[str, ...] = ()) -> list[dict]:
    return _rows(session, model, model.id.in_(list(ids)), leave_out)


def _seats(session: Session, where) -> list[dict]:
    """Seats in bodies with the body's name and the board offices held from them."""
    return [columns(seat) | {
        "body": seat.body.name,
        "board_offices": _rows(session, BoardOffice, BoardOffice.seat_id == seat.id)}
        for seat in session.scalars(sa.select(BodyMember).where(where).order_by(BodyMember.id))]


def _membership(session: Session, member: AssociationMember) -> dict:
    balance = payment_service.balances(session, member.association_id).get(member.id)
    return columns(member) | {
        "association": _org_name(session, member.association_id),
        "unit": member.unit.number,
        "balance": None if balance is None else {
            "dues": plain(balance.dues), "paid": plain(balance.paid),
            "open": plain(balance.open), "credit": plain(balance.credit)},
        "dues": _rows(session, Due, Due.member_id == member.id, ("member_id",)),
        "payments": _rows(session, Payment, Payment.member_id == member.id, ("member_id",)),
        "reminders": _rows(session, DuesReminder, DuesReminder.member_id == member.id,
                           ("member_id",)),
    }


def association_data(session: Session, resident: Resident) -> dict:
    """The resident at the woonvereniging, on the room's key list and in bodies."""
    found = traces.find(session, traces.people_of(session, [resident.id]))
    members = session.scalars(sa.select(AssociationMember).where(
        AssociationMember.resident_id == resident.id).order_by(AssociationMember.id))
    commissions = session.execute(
        sa.select(CommissionMember, Commission.name).join(Commission)
        .where(CommissionMember.resident_id == resident.id).order_by(CommissionMember.id))
    return {
        "memberships": [_membership(session, m) for m in members],
        "membership_declined": _rows(session, MembershipDecline,
                                     MembershipDecline.resident_id == resident.id),
        "commissions": [columns(row, ("resident_id",)) | {"commission": name}
                        for row, name in commissions],
        "participation": _rows(session, ParticipationRecord,
                               ParticipationRecord.resident_id == resident.id,
                               ("resident_id",)),
        "bank_lines": _by_ids(session, BankLine, found.ids("bank_lines")),
        "cash_book_entries": _by_ids(session, CashEntry, found.ids("cash_entries")),
        "emails": _by_ids(session, OutgoingMail, found.ids("mails")),
        "key_holders": _by_ids(session, KeyHolder, found.ids("key_holders")),
        "seats": _seats(session, BodyMember.id.in_(found.ids("seats"))),
        "kascommissie_checks": _by_ids(session, AuditCheck, found.ids("audit_checks")),
    }


def resident_data(session: Session, resident: Resident) -> dict:
    unit = resident.unit
    files = session.scalars(sa.select(Candidate).where(Candidate.resident_id == resident.id))
    handovers = session.scalars(sa.select(HandoverTask).where(
        HandoverTask.resident_id == resident.id))
    return {
        "resident": columns(resident, ("unit_shared",)),
        "home": {"site": unit.site.name, "unit": unit.number,
                 "part": unit.part.name if unit.part else None, "unit_type": unit.unit_type},
        "support_history": [columns(p, ("resident_id",)) | {
            "care_organisation": _org_name(session, p.care_organisation_id)}
            for p in resident.support_periods],
        "candidate_files": [candidate_data(session, c) for c in files],
        "welcome_handover": [columns(h, ("resident_id",)) for h in handovers],
        "woonvereniging_and_rooms": association_data(session, resident),
        "audit_log": _audit_about(session, "resident", resident.id),
    }


def user_data(session: Session, user: User) -> dict:
    def rows(model, where, leave_out=()):
        return _rows(session, model, where, leave_out)

    done = session.execute(sa.select(AuditEvent.occurred_at, AuditEvent.entity_type,
                                     AuditEvent.entity_id, AuditEvent.action)
                           .where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id))
    series = session.scalars(sa.select(BookingSeries).where(
        BookingSeries.booked_by_id == user.id).order_by(BookingSeries.id))
    signals = session.scalars(sa.select(Signal).where(sa.or_(
        Signal.acknowledged_by_id == user.id, Signal.resolved_by_id == user.id))
        .order_by(Signal.id))
    return {
        "account": columns(user, ("password_hash",)),
        "roles": [columns(m) | {"site": m.site.name} for m in user.memberships],
        "api_tokens": rows(ApiToken, ApiToken.user_id == user.id, ("token_hash",)),
        "room_feed_tokens": rows(RoomFeedToken, sa.or_(RoomFeedToken.created_by_id == user.id,
                                                       RoomFeedToken.revoked_by_id == user.id),
                                 ("token_hash",)),
        "hour_entries": rows(HourEntry, HourEntry.person_id == user.id),
        "action_items": rows(ActionItem, ActionItem.owner_id == user.id),
        "seats": _seats(session, BodyMember.user_id == user.id),
        "imo_attendance": rows(Attendance, Attendance.user_id == user.id),
        "room_bookings": [columns(s) | {
            "room": s.room.name,
            "dates": [{"starts_at": plain(b.starts_at), "ends_at": plain(b.ends_at),
                       "status": b.status} for b in s.occurrences]} for s in series],
        "key_holders": rows(KeyHolder, KeyHolder.user_id == user.id),
        "emails_received": rows(OutgoingMail, sa.and_(OutgoingMail.recipient_id == user.id,
                                                      OutgoingMail.kind != MAIL_KIND)),
        "signals_handled": [{
            "signal": s.id, "title": s.title, "site_id": s.site_id, "state": s.state,
            "acknowledged_at": plain(s.acknowledged_at) if s.acknowledged_by_id == user.id
            else None,
            "acknowledge_note": s.acknowledge_note if s.acknowledged_by_id == user.id
            else None,
            "resolved_at": plain(s.resolved_at) if s.resolved_by_id == user.id else None,
            "resolve_note": s.resolve_note if s.resolved_by_id == user.id else None}
            for s in signals],
        "audit_log": _audit_about(session, "user", user.id),
        "actions_recorded": [{"occurred_at": plain(at), "entity_type": kind,
                              "entity_id": entity_id, "action": action}
                             for at, kind, entity_id, action in done],
    }


def export(session: Session, kind: str, record: Any, *, actor_id: int | None,
           site_id: int | None, now: datetime) -> bytes:
    """The ZIP for one person (``kind`` resident, candidate or user); the export itself
    is written to the audit log."""
    build = {"resident": resident_data, "candidate": candidate_data, "user": user_data}[kind]
    data = {"kind": kind, "exported_at": plain(now), **build(session, record)}
    audit.record(session, actor_id=actor_id, entity_type=kind, entity_id=record.id,
                 action="export", site_id=site_id)
    session.flush()
    return to_zip(data)


def to_zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, indent=2, ensure_ascii=False,
                                                     default=plain))
        archive.writestr("LEESMIJ.txt", README)
    return buffer.getvalue()
