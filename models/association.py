"""The woonvereniging (residents' association): member households, the board offices and
their Chamber of Commerce (KvK) registration, commissions, the association's books
settings, and the residents' participation records.

The association is an :class:`Organisation` of kind ``woonvereniging``; its sites point
to it (``Site.association_id``). Its bestuur and ALV are governance bodies
(models/governance.py): a board office (voorzitter, secretaris, penningmeester) is held by
a seat of the association's bestuur body; the ALV statement is presented at an ALV
meeting.

A member is a household: the residents of one unit, with one resident as its contact.
Memberships run from ``starts_on`` up to (not including) ``ends_on``, like a stay; a
move-out ends the membership on the move-out date. Nothing is deleted.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.governance import BodyMember
from models.resident import Resident
from models.rooms import Booking
from models.site import Unit

MONEY = sa.Numeric(10, 2)


class BoardOfficeKind(StrEnum):
    VOORZITTER = "voorzitter"
    SECRETARIS = "secretaris"
    PENNINGMEESTER = "penningmeester"


class ParticipationKind(StrEnum):
    """Ways a resident contributes to the community (seed 004: taking part in activities,
    organising them, doing something for the neighbours; plus sitting on a commission)."""

    ORGANISEERDE = "organiseerde_activiteit"
    DEED_MEE = "deed_mee"
    HELPT_BUREN = "helpt_buren"
    COMMISSIE = "commissie"


class AssociationSettings(db.Model):
    """The association's books: the day its books start in Noaber with the opening
    balances of the bank account and the cash box, its IBAN (on reminders, and to check
    imported bank files) and the payment term of dues in days."""

    __tablename__ = "assoc_settings"
    __table_args__ = (
        sa.CheckConstraint("payment_term_days >= 0 AND payment_term_days <= 365",
                           name="term_range"),
    )

    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                primary_key=True)
    books_start: Mapped[Optional[date]]
    opening_bank: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), server_default="0")
    opening_cash: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), server_default="0")
    iban: Mapped[Optional[str]] = mapped_column(sa.String(34))
    payment_term_days: Mapped[int] = mapped_column(default=30, server_default="30")
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class AssociationMember(db.Model):
    """A member household: ``resident`` is its contact, ``number`` the member number
    members quote when they pay ("lidnummer 12")."""

    __tablename__ = "assoc_members"
    __table_args__ = (
        sa.UniqueConstraint("association_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        sa.Index("uq_assoc_members_open_unit", "association_id", "unit_id", unique=True,
                 sqlite_where=sa.text("ends_on IS NULL"),
                 postgresql_where=sa.text("ends_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    number: Mapped[int]
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]
    end_reason: Mapped[Optional[str]] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident] = relationship()

    def is_active(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)

    def __repr__(self) -> str:
        return f"<AssociationMember {self.number}>"


class MembershipDecline(db.Model):
    """A household the board was offered but did not make a member (with a note), so the
    suggestion is not shown again."""

    __tablename__ = "assoc_member_declines"
    __table_args__ = (sa.UniqueConstraint("association_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"))
    declined_on: Mapped[date]
    note: Mapped[Optional[str]] = mapped_column(sa.String(300))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class BoardOffice(db.Model):
    """An office of the board held by a seat of the bestuur body, from ``starts_on`` up to
    (not including) ``ends_on``. Every change of the board is registered at the KvK: the
    start on ``kvk_registered_on``, the end on ``kvk_deregistered_on``."""

    __tablename__ = "assoc_board_offices"
    __table_args__ = (
        enum_check("office", BoardOfficeKind, "office_valid"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="dates_ordered"),
        sa.CheckConstraint("kvk_deregistered_on IS NULL OR ends_on IS NOT NULL",
                           name="deregistered_after_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    office: Mapped[str] = mapped_column(sa.String(16))
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_body_members.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]
    kvk_registered_on: Mapped[Optional[date]]
    kvk_deregistered_on: Mapped[Optional[date]]
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seat: Mapped[BodyMember] = relationship()

    def is_active(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


class Commission(db.Model):
    """A commission of the association (welkomstcommissie, activiteitencommissie,
    kascommissie, ...)."""

    __tablename__ = "assoc_commissions"
    __table_args__ = (sa.UniqueConstraint("association_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    purpose: Mapped[Optional[str]] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["CommissionMember"]] = relationship(
        back_populates="commission", order_by="(CommissionMember.starts_on, CommissionMember.id)")


class CommissionMember(db.Model):
    """A resident on a commission, from ``starts_on`` up to (not including) ``ends_on``."""

    __tablename__ = "assoc_commission_members"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(sa.ForeignKey("assoc_commissions.id"),
                                               index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]

    commission: Mapped[Commission] = relationship(back_populates="members")
    resident: Mapped[Resident] = relationship()

    def is_active(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


class ParticipationRecord(db.Model):
    """A dated, visible contribution of a resident to the community. No care data.
    ``booking`` links it to the date of an activity in the room agenda (models/rooms.py)
    the resident organised or took part in, when there is one."""

    __tablename__ = "assoc_participation"
    __table_args__ = (
        enum_check("kind", ParticipationKind, "kind_valid"),
        sa.Index("ix_assoc_participation_resident_on", "resident_id", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    on: Mapped[date]
    note: Mapped[Optional[str]] = mapped_column(sa.String(300))
    commission_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("assoc_commissions.id"))
    booking_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("room_bookings.id"),
                                                      index=True)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resident: Mapped[Resident] = relationship()
    booking: Mapped[Optional[Booking]] = relationship()
