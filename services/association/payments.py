"""Payments of dues and the members' balances derived from dues and payments.

A payment books itself into the cash book (category ``contributie``; cash into the cash
box, transfers and direct debits into the bank account). A wrong payment is undone by a
counter-payment with its counter-entry; the original stays. Balances are computed here
each time from the dues and payments (services/association/balances.py), never stored.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Account, AssociationMember, BankLine, CashEntry, Due, Payment, PaymentMethod
from services import audit
from services.association import books
from services.association.balances import Balance, DueLine, allocate
from services.association.money import ZERO, cents
from services.errors import N_, RuleViolation


def balances(session: Session, association_id: int,
             until: date | None = None) -> dict[int, Balance]:
    """member id -> balance of every member (ever) of the association, counting the dues
    of periods starting before ``until`` and the payments made before it (all when None)."""
    due_rows = sa.select(Due.member_id, Due.id, Due.period_start, Due.due_on, Due.amount).join(
        AssociationMember).where(AssociationMember.association_id == association_id,
                                 Due.cancelled_at.is_(None))
    paid_rows = sa.select(Payment.member_id, sa.func.sum(Payment.amount)).join(
        AssociationMember).where(AssociationMember.association_id == association_id)
    if until is not None:
        due_rows = due_rows.where(Due.period_start < until)
        paid_rows = paid_rows.where(Payment.paid_on < until)
    owed: dict[int, list[DueLine]] = defaultdict(list)
    for member_id, due_id, start, due_on, amount in session.execute(due_rows):
        owed[member_id].append(DueLine(due_id, start, due_on, cents(amount)))
    paid = {member_id: cents(total) for member_id, total in
            session.execute(paid_rows.group_by(Payment.member_id))}
    member_ids = set(session.scalars(sa.select(AssociationMember.id).where(
        AssociationMember.association_id == association_id)))
    return {m: allocate(owed.get(m, []), paid.get(m, ZERO)) for m in member_ids}


def member_balance(session: Session, member: AssociationMember) -> Balance:
    return balances(session, member.association_id)[member.id]


def dues_of(session: Session, member_id: int) -> list[Due]:
    return list(session.scalars(sa.select(Due).where(Due.member_id == member_id)
                                .order_by(Due.period_start, Due.id)))


def payments_of(session: Session, member_id: int) -> list[Payment]:
    return list(session.scalars(sa.select(Payment).where(Payment.member_id == member_id)
                                .order_by(Payment.paid_on, Payment.id)))


def record_payment(session: Session, member: AssociationMember, *, amount: Decimal | None,
                   paid_on: date | None, method: str | None, note: str | None, today: date,
                   actor_id: int | None, bank_line: BankLine | None = None) -> Payment:
    """Record money a member paid, and book it in the cash book."""
    if amount is None or amount <= 0:
        raise RuleViolation(N_("Vul een bedrag groter dan nul in."), field="amount")
    if method not in set(PaymentMethod):
        raise RuleViolation(N_("Kies hoe er is betaald."), field="method")
    if paid_on is not None and paid_on > today:
        raise RuleViolation(N_("De betaaldatum ligt in de toekomst."), field="paid_on")
    books.require_open_day(session, member.association_id, paid_on, "paid_on")
    payment = Payment(member_id=member.id, paid_on=paid_on, amount=cents(amount), method=method,
                      note=(note or "").strip()[:300] or None,
                      bank_line_id=bank_line.id if bank_line else None, created_by_id=actor_id)
    session.add(payment)
    session.flush()
    category = books.category_by_key(session, member.association_id, books.CONTRIBUTIE)
    books.add_entry(session, member.association_id, books.EntryData(
        paid_on, Account.KAS if method == PaymentMethod.CONTANT else Account.BANK, category.id,
        payment.amount, f"Contributie lidnummer {member.number}"), actor_id=actor_id,
        payment_id=payment.id, bank_line_id=bank_line.id if bank_line else None)
    audit.record(session, actor_id=actor_id, entity_type="assoc_payment", entity_id=payment.id,
                 action="create", changes={"member": member.id, "amount": payment.amount,
                                           "method": method, "paid_on": paid_on})
    return payment


def reverse_payment(session: Session, payment: Payment, *, reason: str | None, today: date,
                    actor_id: int | None) -> Payment:
    """Undo a payment recorded by mistake with a counter-payment and its counter-entry."""
    if not (reason or "").strip():
        raise RuleViolation(N_("Geef aan waarom u corrigeert."), field="reason")
    if payment.amount < 0 or session.scalar(sa.select(Payment.id).where(
            Payment.corrects_payment_id == payment.id)):
        raise RuleViolation(N_("Deze betaling is al teruggedraaid."), field="reason")
    entry = session.scalar(sa.select(CashEntry).where(CashEntry.payment_id == payment.id))
    association_id = payment.member.association_id
    on = payment.paid_on if payment.paid_on.year not in books.closed_years(
        session, association_id) else today
    counter = Payment(member_id=payment.member_id, paid_on=on, amount=-payment.amount,
                      method=payment.method, note=f"Teruggedraaid: {(reason or '').strip()}"[:300],
                      corrects_payment_id=payment.id, created_by_id=actor_id)
    session.add(counter)
    session.flush()
    books.counter_entry(session, entry, reason=reason, today=today, actor_id=actor_id,
                        payment_id=counter.id)
    audit.record(session, actor_id=actor_id, entity_type="assoc_payment", entity_id=counter.id,
                 action="reverse", changes={"reverses": payment.id})
    return counter


def reversed_ids(session: Session, member_id: int) -> set[int]:
    return set(session.scalars(sa.select(Payment.corrects_payment_id).where(
        Payment.member_id == member_id, Payment.corrects_payment_id.is_not(None))))
