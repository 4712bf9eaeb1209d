"""The woonvereniging's books: the cash book (kasboek) with its categories, budgets per
year and commission or activity, funds and grants, the kascommissie's audit trail and
the yearly statement presented at the ALV.

Cash-book entries are append-only: a mistake is corrected by a counter-entry (the same
amount negated, referring to the entry) and, when needed, a new entry. Once the
statement of a year is presented at the ALV, that year is closed: nothing dated in it
is added any more, so the statement's figures stay as they were presented.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.association import (MONEY, AssociationMember, BoardOffice, Commission,
                                CommissionMember, MembershipDecline, ParticipationRecord)
from models.association_dues import BankImport, BankLine, Due, DuesReminder, Payment
from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.governance import KeptRecordError, Meeting


class EntryKind(StrEnum):
    INKOMSTEN = "inkomsten"
    UITGAVEN = "uitgaven"


class Account(StrEnum):
    BANK = "bank"
    KAS = "kas"     # the cash box (coffee money, cash dues)


class CashCategory(db.Model):
    """A category of income or expense. ``key`` marks the categories the application
    books into itself (``contributie`` for payments of dues)."""

    __tablename__ = "assoc_categories"
    __table_args__ = (
        enum_check("kind", EntryKind, "kind_valid"),
        sa.UniqueConstraint("association_id", "name"),
        sa.UniqueConstraint("association_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(10))
    key: Mapped[Optional[str]] = mapped_column(sa.String(30))
    position: Mapped[int] = mapped_column(default=0, server_default="0")


class Budget(db.Model):
    """The budget of a commission or an activity for one year; what is spent is the sum
    of the expense entries booked on it."""

    __tablename__ = "assoc_budgets"
    __table_args__ = (
        sa.UniqueConstraint("association_id", "year", "name"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(120))
    commission_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_commissions.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)

    commission: Mapped[Optional[Commission]] = relationship()


class Grant(db.Model):
    """A fund or subsidy awarded to the association: temporary income with an end date
    (seed 004 "7. Financiering"), a purpose and the conditions attached to it."""

    __tablename__ = "assoc_grants"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    funder: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    purpose: Mapped[str] = mapped_column(sa.String(500))
    conditions: Mapped[Optional[str]] = mapped_column(sa.Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class CashEntry(db.Model):
    """A dated income or expense of the bank account or the cash box. ``amount`` is
    positive; a negative amount only as the counter-entry of a correction. A bank line
    booked under a wrong category and corrected can be booked again: more than one entry
    may refer to it, at most one that is not corrected (services/association/bank.py)."""

    __tablename__ = "assoc_cash_entries"
    __table_args__ = (
        enum_check("account", Account, "account_valid"),
        sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
        sa.CheckConstraint("amount > 0 OR corrects_entry_id IS NOT NULL",
                           name="negative_only_as_correction"),
        sa.UniqueConstraint("payment_id"),
        sa.UniqueConstraint("corrects_entry_id"),
        sa.Index("ix_assoc_cash_entries_association_on", "association_id", "booked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    booked_on: Mapped[date]
    account: Mapped[str] = mapped_column(sa.String(8))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("assoc_categories.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    description: Mapped[str] = mapped_column(sa.String(300))
    budget_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_budgets.id"),
                                                     index=True)
    grant_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_grants.id"),
                                                    index=True)
    payment_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_payments.id"))
    bank_line_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_bank_lines.id"),
                                                        index=True)
    corrects_entry_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("assoc_cash_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    category: Mapped[CashCategory] = relationship()
    budget: Mapped[Optional[Budget]] = relationship()
    grant: Mapped[Optional[Grant]] = relationship()


class AuditCheck(db.Model):
    """One tick (or untick) of an item of the kascommissie's checklist for a year, by a
    named member of the commission. The latest row per item is its state; the rows
    together are the trail."""

    __tablename__ = "assoc_audit_checks"
    __table_args__ = (sa.Index("ix_assoc_audit_checks_year", "association_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    item: Mapped[str] = mapped_column(sa.String(30))
    checked: Mapped[bool]
    checked_by_name: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class PresentedStatement(db.Model):
    """The statement of a year as presented at an ALV meeting; the year is closed then."""

    __tablename__ = "assoc_statements"
    __table_args__ = (sa.UniqueConstraint("association_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"))
    presented_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    presented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()


KEPT = (AssociationMember, MembershipDecline, BoardOffice, Commission, CommissionMember,
        ParticipationRecord, Due, Payment, BankImport, BankLine, DuesReminder, CashCategory,
        CashEntry, Budget, Grant, AuditCheck, PresentedStatement)
APPEND_ONLY = (Payment, CashEntry, AuditCheck, PresentedStatement)


@sa.event.listens_for(Session, "before_flush")
def _association_records_are_kept(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, KEPT):
            raise KeptRecordError(f"{type(obj).__name__} records are never deleted")
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj):
            raise KeptRecordError(f"{type(obj).__name__} records are append-only")
