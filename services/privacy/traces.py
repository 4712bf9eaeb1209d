"""Where a resident's personal data is stored besides the registry: the woonvereniging's
records (membership, payments, dues, reminders and their e-mails, bank lines, the cash
book entries booked from those lines, participation), the shared room's key list, the
seats of governance bodies and the kascommissie's checklist.

:func:`find` selects these records for a batch of residents; the retention job blanks
exactly what it found (:func:`anonymise`) and the dry-run report counts the same rows,
so the report shows what the job will do. The export of a resident's data reads the same
selection (services/privacy/export.py).

A household's records hang off its membership, so they are found by id. The key list,
a seat without an account and the kascommissie's ticks only hold a typed name: they are
matched on the resident's name (case and spacing ignored) on the resident's site or its
association, and left alone while a resident who is not anonymised now has that same name
there (it could be them). Bank lines are the person's when one of their payments was
confirmed from it; a line from the same account (IBAN) that no payment refers to (open,
ignored or booked in the cash book) is theirs as well.

Amounts, dates, categories, budgets, grants and the links between records stay, so
balances, the cash book and the ALV statement keep their figures; only texts go.
Payments and cash-book entries are append-only for the application: as with the audit
log, this job is the one writer that changes them, and only their texts.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (AssociationMember, AuditCheck, BankLine, Body, BodyMember, CashEntry, Due,
                    DuesReminder, KeyHolder, MembershipDecline, OutgoingMail,
                    ParticipationRecord, Payment, Resident, Room, Site, Unit)
from models.governance import body_sites
from services.errors import N_

REDACTED = "[geanonimiseerd]"

#: category -> what the dry-run report calls it (the job blanks the texts named here)
LABELS = {
    "memberships": N_("lidmaatschap: reden van beëindigen"),
    "declines": N_("niet-lid geworden: notitie"),
    "participation": N_("bijdragen aan de gemeenschap: notitie"),
    "payments": N_("betalingen: notitie"),
    "dues": N_("vervallen contributie: reden"),
    "reminders": N_("herinneringen: tekst en e-mailadres"),
    "mails": N_("e-mails in de verzendlijst: tekst en adres"),
    "bank_lines": N_("bankregels: naam, IBAN en omschrijving"),
    "cash_entries": N_("kasboekregels: omschrijving"),
    "key_holders": N_("sleutelhouders: naam"),
    "seats": N_("zetels in overleggen: naam"),
    "audit_checks": N_("controles van de kascommissie: naam"),
}
#: audit-log entity types whose events about these records are redacted
AUDIT_TYPES = {"memberships": "assoc_member", "declines": "assoc_member_decline",
               "payments": "assoc_payment", "dues": "assoc_due",
               "bank_lines": "assoc_bank_line", "cash_entries": "assoc_cash_entry",
               "key_holders": "room_key"}


@dataclass(frozen=True)
class Person:
    resident_id: int
    name: str
    email: str | None
    site_id: int


def norm(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


class Found:
    """The rows found, per category: row id -> the resident it belongs to."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[int, int]] = {key: {} for key in LABELS}
        self.member_ids: dict[int, int] = {}      # every membership, for the audit log

    def add(self, category: str, pairs) -> None:
        for row_id, resident_id in pairs:
            self.rows[category].setdefault(row_id, resident_id)

    def ids(self, category: str) -> list[int]:
        return sorted(self.rows[category])

    def counts(self, resident_id: int) -> tuple[tuple[str, int], ...]:
        """(category, number of rows) of one resident, in the order of :data:`LABELS`."""
        found = ((key, sum(1 for r in rows.values() if r == resident_id))
                 for key, rows in self.rows.items())
        return tuple((key, n) for key, n in found if n)

    def total(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _pairs(session: Session, stmt) -> list[tuple[int, int]]:
    return [(row_id, owner) for row_id, owner in session.execute(stmt)]


def _association_records(session: Session, ids: list[int], found: Found) -> dict[int, int]:
    """Membership, payments, dues, reminders and participation; returns payment -> resident."""
    found.member_ids = dict(_pairs(session, sa.select(
        AssociationMember.id, AssociationMember.resident_id)
        .where(AssociationMember.resident_id.in_(ids))))
    members = list(found.member_ids)
    owner = found.member_ids
    found.add("memberships", _pairs(session, sa.select(
        AssociationMember.id, AssociationMember.resident_id).where(
        AssociationMember.resident_id.in_(ids), AssociationMember.end_reason.is_not(None))))
    found.add("declines", _pairs(session, sa.select(
        MembershipDecline.id, MembershipDecline.resident_id).where(
        MembershipDecline.resident_id.in_(ids), MembershipDecline.note.is_not(None))))
    found.add("participation", _pairs(session, sa.select(
        ParticipationRecord.id, ParticipationRecord.resident_id).where(
        ParticipationRecord.resident_id.in_(ids), ParticipationRecord.note.is_not(None))))
    if not members:
        return {}
    paid = session.execute(sa.select(Payment.id, Payment.member_id, Payment.note)
                           .where(Payment.member_id.in_(members))).all()
    found.add("payments", [(pid, owner[m]) for pid, m, note in paid if note is not None])
    found.add("dues", [(did, owner[m]) for did, m in session.execute(
        sa.select(Due.id, Due.member_id).where(Due.member_id.in_(members),
                                               Due.cancel_reason.is_not(None)))])
    reminders = session.execute(sa.select(DuesReminder.id, DuesReminder.member_id,
                                          DuesReminder.mail_id)
                                .where(DuesReminder.member_id.in_(members))).all()
    found.add("reminders", [(rid, owner[m]) for rid, m, _mail in reminders])
    found.add("mails", [(mail, owner[m]) for _rid, m, mail in reminders if mail is not None])
    return {pid: owner[m] for pid, m, _note in paid}


def _bank_records(session: Session, payments: dict[int, int], found: Found) -> None:
    """The bank lines of the person's payments, lines from the same account that no
    payment refers to, and the cash-book entries booked from them or correcting them."""
    if not payments:
        return
    direct = session.execute(sa.select(Payment.bank_line_id, Payment.id).where(
        Payment.id.in_(list(payments)), Payment.bank_line_id.is_not(None))).all()
    lines = {line_id: payments[pid] for line_id, pid in direct}
    accounts = {(association_id, iban): lines[line_id]
                for line_id, association_id, iban in session.execute(
                    sa.select(BankLine.id, BankLine.association_id, BankLine.counterparty_iban)
                    .where(BankLine.id.in_(list(lines)), BankLine.counterparty_iban != ""))}
    if accounts:
        for line_id, association_id, iban in session.execute(
                sa.select(BankLine.id, BankLine.association_id, BankLine.counterparty_iban)
                .where(BankLine.counterparty_iban.in_({iban for _a, iban in accounts}),
                       ~sa.exists().where(Payment.bank_line_id == BankLine.id))):
            if (association_id, iban) in accounts:
                lines.setdefault(line_id, accounts[association_id, iban])
    found.add("bank_lines", lines.items())
    booked = dict(_pairs(session, sa.select(CashEntry.id, CashEntry.bank_line_id).where(
        CashEntry.bank_line_id.in_(list(lines)), CashEntry.payment_id.is_(None))))
    entries = {entry_id: lines[line_id] for entry_id, line_id in booked.items()}
    counter = sa.select(CashEntry.id, CashEntry.corrects_entry_id, CashEntry.payment_id).where(
        sa.or_(CashEntry.corrects_entry_id.in_(list(entries)),
               sa.and_(CashEntry.payment_id.in_(list(payments)),
                       CashEntry.corrects_entry_id.is_not(None))))
    for entry_id, corrects, payment_id in session.execute(counter):
        entries[entry_id] = payments[payment_id] if payment_id in payments else entries[corrects]
    found.add("cash_entries", entries.items())


def _scope(session: Session, people: list[Person]):
    """site -> association, and the names on those sites of residents not anonymised now."""
    sites = {p.site_id for p in people}
    association_of = dict(session.execute(sa.select(Site.id, Site.association_id)
                                          .where(Site.id.in_(sites))).all())
    batch = {p.resident_id for p in people}
    others = {(site_id, norm(name)) for rid, name, site_id in session.execute(
        sa.select(Resident.id, Resident.name, Unit.site_id).join(Unit, Unit.id == Resident.unit_id)
        .where(Unit.site_id.in_(sites), Resident.anonymised_at.is_(None))) if rid not in batch}
    return association_of, others


def _by_name(people: list[Person], others, rows, sites_of) -> list[tuple[int, int]]:
    """(row id, resident) for rows (id, name, scope) whose name is one of these people's
    on one of the row's sites, and nobody else's there."""
    wanted: dict[tuple[int, str], int] = {(p.site_id, norm(p.name)): p.resident_id
                                          for p in people}
    matched = []
    for row_id, name, scope in rows:
        sites = sites_of(scope)
        hits = {wanted[s, norm(name)] for s in sites if (s, norm(name)) in wanted}
        if len(hits) == 1 and not any((s, norm(name)) in others for s in sites):
            matched.append((row_id, hits.pop()))
    return matched


def _named_records(session: Session, people: list[Person], found: Found) -> None:
    association_of, others = _scope(session, people)
    sites = list(association_of)
    associations = {a for a in association_of.values() if a is not None}
    sites_of_association = defaultdict(set)
    for site_id, association_id in association_of.items():
        sites_of_association[association_id].add(site_id)
    found.add("key_holders", _by_name(people, others, session.execute(
        sa.select(KeyHolder.id, KeyHolder.holder_name, Room.site_id).join(Room)
        .where(Room.site_id.in_(sites), KeyHolder.user_id.is_(None))), lambda s: {s}))
    body_rows = session.execute(
        sa.select(BodyMember.id, BodyMember.person_name, Body.id, Body.organisation_id)
        .join(Body, Body.id == BodyMember.body_id)
        .where(BodyMember.user_id.is_(None), BodyMember.person_name.is_not(None),
               sa.or_(Body.organisation_id.in_(associations),
                      Body.id.in_(sa.select(body_sites.c.body_id)
                                  .where(body_sites.c.site_id.in_(sites)))))).all()
    body_ids = {body_id for _m, _n, body_id, _o in body_rows}
    linked = defaultdict(set)
    for body_id, site_id in session.execute(sa.select(body_sites.c.body_id, body_sites.c.site_id)
                                            .where(body_sites.c.body_id.in_(body_ids))):
        linked[body_id].add(site_id)
    found.add("seats", _by_name(
        people, others, [(m, name, (b, org)) for m, name, b, org in body_rows],
        lambda scope: linked[scope[0]] | sites_of_association.get(scope[1], set())))
    found.add("audit_checks", _by_name(people, others, session.execute(
        sa.select(AuditCheck.id, AuditCheck.checked_by_name, AuditCheck.association_id)
        .where(AuditCheck.association_id.in_(associations))),
        lambda a: sites_of_association[a]))


def _mails_to(session: Session, people: list[Person], found: Found) -> None:
    """Any other e-mail in the outbox sent to the resident's own address."""
    emails = {p.email.strip().lower(): p.resident_id for p in people if p.email}
    if emails:
        found.add("mails", [(mail_id, emails[address.strip().lower()])
                            for mail_id, address in session.execute(
                                sa.select(OutgoingMail.id, OutgoingMail.to_address).where(
                                    sa.func.lower(OutgoingMail.to_address).in_(list(emails))))
                            if address.strip().lower() in emails])


def find(session: Session, people: list[Person]) -> Found:
    """Every record outside the registry that holds personal data of these residents."""
    found = Found()
    if not people:
        return found
    payments = _association_records(session, [p.resident_id for p in people], found)
    _bank_records(session, payments, found)
    _named_records(session, people, found)
    _mails_to(session, people, found)
    return found


def people_of(session: Session, resident_ids: list[int]) -> list[Person]:
    """The residents as :func:`find` takes them (read before their fields are blanked)."""
    return [Person(*row) for row in session.execute(
        sa.select(Resident.id, Resident.name, Resident.email, Unit.site_id)
        .join(Unit, Unit.id == Resident.unit_id).where(Resident.id.in_(resident_ids))
        .order_by(Resident.id))]


# --- blanking ----------------------------------------------------------------------------

def _update(session: Session, model, ids: list[int], **values) -> None:
    if ids:
        session.execute(sa.update(model).where(model.id.in_(ids)).values(**values)
                        .execution_options(synchronize_session=False))


def _relabel(session: Session, model, column: str, rows: dict[int, int], label) -> None:
    """Put the resident's anonymous label in place of a typed name, row by row."""
    if rows:
        table = model.__table__
        session.execute(table.update().where(table.c.id == sa.bindparam("row_id"))
                        .values({column: sa.bindparam("label")}),
                        [{"row_id": row_id, "label": label(resident_id)}
                         for row_id, resident_id in rows.items()])


def _if_set(column):
    return sa.case((column.is_(None), sa.null()), else_=sa.literal(REDACTED))


def anonymise(session: Session, found: Found, label) -> None:
    """Blank the texts of what :func:`find` found; ``label(resident_id)`` is the name that
    replaces a typed name. Figures, dates and links stay."""
    _update(session, AssociationMember, found.ids("memberships"), end_reason=None)
    _update(session, MembershipDecline, found.ids("declines"), note=None)
    _update(session, ParticipationRecord, found.ids("participation"), note=None)
    _update(session, Payment, found.ids("payments"), note=None)
    _update(session, Due, found.ids("dues"), cancel_reason=REDACTED)
    _update(session, DuesReminder, found.ids("reminders"), body=REDACTED,
            to_address=_if_set(DuesReminder.to_address))
    unsent = OutgoingMail.status == "pending"  # not to be sent any more
    _update(session, OutgoingMail, found.ids("mails"), to_address=REDACTED, body=REDACTED,
            status=sa.case((unsent, sa.literal("failed")), else_=OutgoingMail.status),
            error=sa.case((unsent, sa.literal(REDACTED)), else_=OutgoingMail.error))
    _relabel(session, BankLine, "counterparty_name", found.rows["bank_lines"], label)
    _update(session, BankLine, found.ids("bank_lines"), counterparty_iban="",
            description=REDACTED, ignore_reason=_if_set(BankLine.ignore_reason))
    _update(session, CashEntry, found.ids("cash_entries"), description=REDACTED)
    _relabel(session, KeyHolder, "holder_name", found.rows["key_holders"], label)
    _relabel(session, BodyMember, "person_name", found.rows["seats"], label)
    _relabel(session, AuditCheck, "checked_by_name", found.rows["audit_checks"], label)


def audit_targets(found: Found) -> list[tuple[str, list[int]]]:
    """(entity type, ids) of the audit-log events about the records found."""
    targets = [(kind, found.ids(category)) for category, kind in AUDIT_TYPES.items()]
    targets.append(("assoc_member", sorted(found.member_ids)))
    return [(kind, ids) for kind, ids in targets if ids]
