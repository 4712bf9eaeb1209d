"""Importing bank statements and handling their lines.

Importing the same file twice adds nothing (a hash of the file), and a line that is
already there from an overlapping export is not added again (a hash per line). Every
new line stays visible until it is handled: confirmed as a member's payment (the
treasurer confirms the proposal of services/association/matching.py or picks the
member), booked in the cash book under a category, or ignored with a reason.

A mistake is corrected, never erased: a wrongly confirmed payment is reversed (a
counter-payment, services/association/payments.py) and a wrongly booked cash-book entry
gets a counter-entry (services/association/books.py). A reversed payment or a corrected
entry no longer handles its line: the line is open again, to be confirmed for the right
member or booked under the right category, and its page shows the earlier, undone
handling as its history (:func:`history`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from models import (Account, AssociationMember, BankImport, BankLine, CashCategory, CashEntry,
                    EntryKind, Payment, PaymentMethod)
from services import audit
from services.association import books, dues, members as member_service, payments
from services.association.bankfile import file_hash, is_direct_debit, line_hashes, parse_bank_file
from services.association.matching import Candidate, Proposal, propose
from services.association.money import reduced
from services.association.records import get_owned, owned
from services.errors import N_, RuleViolation

ALLOWED_EXTENSIONS = (".csv", ".xml")


def import_file(session: Session, association_id: int, *, file_name: str, content: bytes,
                actor_id: int | None, now: datetime) -> BankImport:
    """Read a statement file and add its new lines."""
    file_name = (file_name or "").strip()[-200:]
    if not file_name.lower().endswith(ALLOWED_EXTENSIONS):
        raise RuleViolation(N_("Kies een .csv- of .xml-bestand."), field="file")
    digest = file_hash(content)
    earlier = session.scalar(sa.select(BankImport).where(
        BankImport.association_id == association_id, BankImport.file_hash == digest))
    if earlier is not None:
        raise RuleViolation(N_("Dit bestand is al ingelezen op %(date)s; er is niets "
                               "toegevoegd."), field="file",
                            date=earlier.imported_at.strftime("%d-%m-%Y"))
    parsed = parse_bank_file(file_name, content)
    own = books.settings_for(session, association_id).iban
    other = {line.account_iban for line in parsed.lines if line.account_iban} - {own}
    if own and other:
        raise RuleViolation(N_("Dit bestand is van rekening %(iban)s, niet van de rekening "
                               "van de vereniging."), field="file", iban=sorted(other)[0])
    hashes = line_hashes(parsed.lines)
    known = set(session.scalars(sa.select(BankLine.line_hash).where(
        BankLine.association_id == association_id, BankLine.line_hash.in_(hashes))))
    new = [(line, h) for line, h in zip(parsed.lines, hashes) if h not in known]
    if not new:
        raise RuleViolation(N_("Alle %(count)s regels uit dit bestand zijn al eerder "
                               "ingelezen; er is niets toegevoegd."), field="file",
                            count=len(parsed.lines))
    imported = BankImport(association_id=association_id, file_name=file_name, file_hash=digest,
                          file_format=parsed.file_format, lines_in_file=len(parsed.lines),
                          lines_added=len(new), imported_at=now, imported_by_id=actor_id)
    session.add(imported)
    imported.lines.extend(BankLine(
        association_id=association_id, line_hash=h, booked_on=line.booked_on,
        amount=line.amount, counterparty_name=line.counterparty_name[:200],
        counterparty_iban=line.counterparty_iban[:34], description=line.description[:500],
        kind=line.kind[:40]) for line, h in new)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_bank_import",
                 entity_id=imported.id, action="import",
                 changes={"file": file_name, "lines": len(parsed.lines), "added": len(new)})
    return imported


def imports(session: Session, association_id: int) -> list[BankImport]:
    return list(session.scalars(sa.select(BankImport).where(
        BankImport.association_id == association_id).order_by(BankImport.imported_at.desc(),
                                                              BankImport.id.desc())))


def _live_payment():
    """SQL: the payment is not reversed by a counter-payment."""
    reversal = aliased(Payment)
    return ~sa.exists().where(reversal.corrects_payment_id == Payment.id)


def _live_entry():
    """SQL: the cash-book entry is not corrected by a counter-entry."""
    counter = aliased(CashEntry)
    return ~sa.exists().where(counter.corrects_entry_id == CashEntry.id)


def _handled(line_id):
    """SQL: the line is ignored, or a payment or entry that still stands refers to it."""
    return sa.or_(BankLine.ignored_at.is_not(None),
                  sa.exists().where(Payment.bank_line_id == line_id, _live_payment()),
                  sa.exists().where(CashEntry.bank_line_id == line_id, _live_entry()))


@dataclass(frozen=True)
class LineView:
    line: BankLine
    state: str                            # open | betaling | kasboek | genegeerd
    member: AssociationMember | None      # paid by (confirmed) or proposed
    proposal: Proposal | None
    entry: CashEntry | None


def candidates(session: Session, association_id: int, today: date) -> list[Candidate]:
    """Every member (also former ones, for late payments) as a matching candidate."""
    scheme = dues.scheme_for(session, association_id, today.year) or next(
        iter(dues.schemes(session, association_id)), None)
    reductions = dues.member_reductions(session, scheme.id) if scheme else {}
    open_amounts = payments.balances(session, association_id)
    ibans: dict[int, set[str]] = {}
    for member_id, iban in session.execute(
            sa.select(Payment.member_id, BankLine.counterparty_iban)
            .join(BankLine, BankLine.id == Payment.bank_line_id)
            .where(BankLine.association_id == association_id, BankLine.counterparty_iban != "",
                   _live_payment())):   # a reversed payment teaches no account
        ibans.setdefault(member_id, set()).add(iban)
    return [Candidate(m.id, m.number, m.resident.name, open_amounts[m.id].open,
                      reduced(scheme.amount, reductions[m.id].percent if m.id in reductions
                              else None) if scheme else None,
                      frozenset(ibans.get(m.id, ())))
            for m in member_service.all_members(session, association_id)]


def line_views(session: Session, association_id: int, *, today: date,
               import_id: int | None = None, only_open: bool = False) -> list[LineView]:
    """The lines (of one import, or all) with their state and, for open ones, a proposal."""
    stmt = sa.select(BankLine).where(BankLine.association_id == association_id)
    if import_id is not None:
        stmt = stmt.where(BankLine.import_id == import_id)
    lines = list(session.scalars(stmt.order_by(BankLine.booked_on, BankLine.id)))
    ids = [line.id for line in lines]
    paid = {p.bank_line_id: p for p in session.scalars(
        sa.select(Payment).where(Payment.bank_line_id.in_(ids), _live_payment()))}
    booked = {e.bank_line_id: e for e in session.scalars(
        sa.select(CashEntry).where(CashEntry.bank_line_id.in_(ids),
                                   CashEntry.payment_id.is_(None), _live_entry()))}
    pool = candidates(session, association_id, today)
    by_id = {m.id: m for m in member_service.all_members(session, association_id)}
    views = []
    for line in lines:
        if line.id in paid:
            views.append(LineView(line, "betaling", paid[line.id].member, None, None))
        elif line.id in booked:
            views.append(LineView(line, "kasboek", None, None, booked[line.id]))
        elif line.ignored_at is not None:
            views.append(LineView(line, "genegeerd", None, None, None))
        else:
            proposal = propose(line.amount, line.counterparty_name, line.counterparty_iban,
                               line.description, pool)
            views.append(LineView(line, "open", by_id.get(proposal.member_id) if proposal
                                  else None, proposal, None))
    return [v for v in views if v.state == "open"] if only_open else views


#: the statement is built once: its aliases and subqueries cost more to build and key for
#: the statement cache than the count takes to run (the bestuur's start page asks it)
_OPEN_LINES = sa.select(sa.func.count()).select_from(BankLine).where(
    BankLine.association_id == sa.bindparam("association_id"), ~_handled(BankLine.id))


def open_line_count(session: Session, association_id: int) -> int:
    return session.scalar(_OPEN_LINES, {"association_id": association_id})


def is_handled(session: Session, line: BankLine) -> bool:
    """Ignored, or confirmed / booked by a payment or entry that was not undone. The
    line's row is locked first (PostgreSQL), so two people handling the same line at
    once cannot both succeed: the second one waits and then finds it handled."""
    session.execute(sa.select(BankLine.id).where(BankLine.id == line.id).with_for_update())
    return bool(session.scalar(sa.select(_handled(line.id)).select_from(BankLine).where(
        BankLine.id == line.id)))


@dataclass(frozen=True)
class Earlier:
    """A handling of a line that was undone: a reversed payment or a corrected entry."""

    payment: Payment | None
    entry: CashEntry | None


def history(session: Session, line: BankLine) -> list[Earlier]:
    """The undone handlings of a line, oldest first (its trail next to the current one)."""
    undone_payments = session.scalars(sa.select(Payment).where(
        Payment.bank_line_id == line.id, ~_live_payment()).order_by(Payment.id))
    undone_entries = session.scalars(sa.select(CashEntry).where(
        CashEntry.bank_line_id == line.id, CashEntry.payment_id.is_(None), ~_live_entry())
        .order_by(CashEntry.id))
    found = [Earlier(p, None) for p in undone_payments] + [Earlier(None, e)
                                                           for e in undone_entries]
    return sorted(found, key=lambda e: (e.payment or e.entry).created_at)


def confirm_payment(session: Session, line: BankLine, *, member_id: int | None, today: date,
                    actor_id: int | None) -> Payment:
    """The line is this member's payment: record it (method from the bank's type)."""
    if is_handled(session, line):
        raise RuleViolation(N_("Deze bankregel is al verwerkt."), field="member_id")
    if line.amount <= 0:
        raise RuleViolation(N_("Alleen ontvangen geld is een betaling van een lid."),
                            field="member_id")
    member = owned(session, AssociationMember, member_id, line.association_id)
    if member is None:
        raise RuleViolation(N_("Kies een lid."), field="member_id")
    method = PaymentMethod.INCASSO if is_direct_debit(line.kind) else PaymentMethod.OVERBOEKING
    return payments.record_payment(
        session, member, amount=line.amount, paid_on=line.booked_on, method=method,
        note=line.description[:300] or None, today=today, actor_id=actor_id, bank_line=line)


def confirm_many(session: Session, association_id: int, pairs: dict[int, int], *, today: date,
                 actor_id: int | None) -> list[Payment]:
    """Confirm several lines at once (line id -> member id); all or nothing."""
    if not pairs:
        raise RuleViolation(N_("Vink minstens één voorstel aan."))
    return [confirm_payment(session, get_owned(session, BankLine, line_id, association_id),
                            member_id=member_id, today=today, actor_id=actor_id)
            for line_id, member_id in sorted(pairs.items())]


def book_line(session: Session, line: BankLine, *, category_id: int | None,
              description: str | None, budget_id: int | None, grant_id: int | None,
              actor_id: int | None) -> CashEntry:
    """Book a line that is no member's payment in the cash book (bank account)."""
    if is_handled(session, line):
        raise RuleViolation(N_("Deze bankregel is al verwerkt."), field="category_id")
    category = session.get(CashCategory, category_id) if category_id else None
    wanted = EntryKind.INKOMSTEN if line.amount > 0 else EntryKind.UITGAVEN
    if category is not None and category.kind != wanted:
        raise RuleViolation(N_("Ontvangen geld hoort bij inkomsten, betaald geld bij "
                               "uitgaven."), field="category_id")
    text = (description or "").strip() or f"{line.counterparty_name} {line.description}".strip()
    return books.add_entry(session, line.association_id, books.EntryData(
        line.booked_on, Account.BANK, category_id, abs(line.amount), text[:300] or "-",
        budget_id, grant_id), actor_id=actor_id, bank_line_id=line.id)


def ignore_line(session: Session, line: BankLine, *, reason: str | None, now: datetime,
                actor_id: int | None) -> BankLine:
    """Leave a line out (e.g. a transfer to the savings account), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(N_("Geef aan waarom deze regel niet geboekt wordt."),
                            field="reason")
    if is_handled(session, line):
        raise RuleViolation(N_("Deze bankregel is al verwerkt."), field="reason")
    line.ignored_at, line.ignored_by_id, line.ignore_reason = now, actor_id, reason[:300]
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_bank_line", entity_id=line.id,
                 action="ignore", changes={"reason": reason})
    return line
