"""Residents and their dated support-status history.

A resident lives in one unit from ``move_in_date`` up to (not including) ``move_out_date``.
Whether a resident is begeleid is never a column of the resident: it is read from the
``SupportPeriod`` rows, each valid from its date until the next one, so the mix on any
past date is exact and a status change never overwrites history.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import SupportStatus, enum_check
from models.organisation import Organisation
from models.site import Unit


class Resident(db.Model):
    __tablename__ = "residents"
    __table_args__ = (
        sa.CheckConstraint("move_out_date IS NULL OR move_out_date >= move_in_date",
                           name="dates_ordered"),
        # The composite key copies the unit's ``shared`` flag onto the resident (kept in
        # step by ON UPDATE CASCADE), so the partial unique index below can allow only
        # one current resident per unit unless the unit is shared.
        sa.ForeignKeyConstraint(["unit_id", "unit_shared"], ["units.id", "units.shared"],
                                onupdate="CASCADE", name="fk_residents_unit_shared"),
        sa.Index("uq_residents_current_unit", "unit_id", unique=True,
                 sqlite_where=sa.text("move_out_date IS NULL AND unit_shared = 0"),
                 postgresql_where=sa.text("move_out_date IS NULL AND unit_shared = false")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(index=True)
    unit_shared: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[Optional[str]] = mapped_column(sa.String(254))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(40))
    date_of_birth: Mapped[Optional[date]]
    move_in_date: Mapped[date]
    move_out_date: Mapped[Optional[date]]
    move_out_reason: Mapped[Optional[str]] = mapped_column(sa.String(200))
    actively_contributes: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    contribution_notes: Mapped[Optional[str]] = mapped_column(sa.Text)
    talents: Mapped[Optional[str]] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the retention period ended and the personal fields were blanked (AVG)
    anonymised_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    support_periods: Mapped[list["SupportPeriod"]] = relationship(
        back_populates="resident", order_by="(SupportPeriod.valid_from, SupportPeriod.id)")

    def is_current(self, on: date) -> bool:
        """Whether the resident lives on the site on ``on``."""
        return self.move_in_date <= on and (self.move_out_date is None or on < self.move_out_date)

    def __repr__(self) -> str:
        return f"<Resident {self.id}>"


class SupportPeriod(db.Model):
    """A dated support status: from ``valid_from`` until the next period of the resident.

    Two rows with the same date are a correction: the one recorded last counts.
    """

    __tablename__ = "support_periods"
    __table_args__ = (
        enum_check("status", SupportStatus, "status_valid"),
        sa.CheckConstraint(
            "(status = 'begeleid' AND care_organisation_id IS NOT NULL) OR "
            "(status = 'onbegeleid' AND care_organisation_id IS NULL "
            "AND indicated_hours IS NULL)",
            name="care_fields_match_status"),
        sa.CheckConstraint("indicated_hours IS NULL OR "
                           "(indicated_hours >= 0 AND indicated_hours <= 168)",
                           name="hours_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"), index=True)
    valid_from: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16))
    care_organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    indicated_hours: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(5, 2))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    resident: Mapped[Resident] = relationship(back_populates="support_periods")
    care_organisation: Mapped[Optional[Organisation]] = relationship()
