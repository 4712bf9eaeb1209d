"""Community-team hours: logged entries, closed (approved) months and the coach-norm
overrides of a site.

Durations are whole quarter hours (``quarters``; 6 = 1.5 hours). Nothing is deleted:
an entry of an open month can be changed or withdrawn (``withdrawn_at``); an entry of a
closed month is never touched again, a correction is a new entry in the next open month
that refers to it (``corrects_entry_id``): a reversal (negative quarters) and, when
hours remain, a replacement. Closed months are append-only and keep the norms of their
days as they stood at closing (``day_norms``), so their figures never change.

``SiteHourSettings.fte_hours`` is the number of hours per week one fte stands for in
the management norm; the default is 36 hours (a common Dutch full-time week), changeable
per site.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.organisation import Organisation
from models.user import User

DEFAULT_FTE_HOURS = Decimal(36)
MAX_QUARTERS_PER_ENTRY = 96  # 24 hours


class HourCategory(StrEnum):
    COMMUNITYCOACH = "communitycoach"
    BEGELEIDER = "begeleider"  # the care organisation's community contribution
    SOCIAAL_BEHEER = "sociaal_beheer"
    FYSIEK_BEHEER = "fysiek_beheer"
    OVERIG = "overig"  # other agreed effort


class ActivityType(StrEnum):
    OUTREACH = "outreach"  # outreach and house visits
    ACTIVITEIT = "activiteit"
    OVERLEG = "overleg"  # IMO and team meetings
    WOONVERENIGING = "woonvereniging"  # support of the residents' association
    SIGNALERING = "signalering"
    BUURT = "buurt"  # connection with the neighbourhood
    BEHEER = "beheer"  # building, keys, the shared room
    OVERIG = "overig"


class NormOverrideKind(StrEnum):
    OPGESCHAALD = "opgeschaald"  # temporarily scaled up, with a reason
    WAAKVLAM = "waakvlam"  # tapered to standby (4 hours per month) after year 3
    EIGEN_NORM = "eigen_norm"  # the site's own norm (sites under 40 units)


class HourEntry(db.Model):
    __tablename__ = "hour_entries"
    __table_args__ = (
        enum_check("category", HourCategory, "category_valid"),
        enum_check("activity_type", ActivityType, "activity_valid"),
        sa.CheckConstraint(f"quarters <> 0 AND quarters >= -{MAX_QUARTERS_PER_ENTRY} "
                           f"AND quarters <= {MAX_QUARTERS_PER_ENTRY}",
                           name="quarters_in_range"),
        sa.CheckConstraint("quarters > 0 OR corrects_entry_id IS NOT NULL",
                           name="negative_only_as_correction"),
        sa.CheckConstraint("category <> 'begeleider' OR organisation_id IS NOT NULL",
                           name="begeleider_has_organisation"),
        sa.CheckConstraint("(withdrawn_at IS NULL) = (withdrawn_by_id IS NULL)",
                           name="withdrawn_fields_together"),
        sa.Index("ix_hour_entries_site_date", "site_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(24))
    activity_type: Mapped[str] = mapped_column(sa.String(24))
    work_date: Mapped[date]
    quarters: Mapped[int]
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    corrects_entry_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("hour_entries.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    person: Mapped[User] = relationship(foreign_keys=[person_id])
    organisation: Mapped[Optional[Organisation]] = relationship()
    corrects: Mapped[Optional["HourEntry"]] = relationship(remote_side=[id])

    @property
    def hours(self) -> Decimal:
        return Decimal(self.quarters) / 4

    def __repr__(self) -> str:
        return f"<HourEntry {self.id} {self.work_date} {self.quarters}q>"


class MonthClosure(db.Model):
    """An approved month of a site (``month`` is its first day). Append-only."""

    __tablename__ = "month_closures"
    __table_args__ = (sa.UniqueConstraint("site_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    month: Mapped[date]
    closed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    logged_quarters: Mapped[int] = mapped_column(default=0, server_default="0")
    day_norms: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    closed_by: Mapped[Optional[User]] = relationship()


class CoachNormOverride(db.Model):
    """A dated departure from the coach-hour table, valid from ``starts_on`` up to (not
    including) ``ends_on``: a temporary scale-up, the standby (waakvlam) or the own norm
    of a site under 40 units."""

    __tablename__ = "coach_norm_overrides"
    __table_args__ = (
        enum_check("kind", NormOverrideKind, "kind_valid"),
        sa.CheckConstraint(
            "(kind = 'waakvlam' AND hours_per_week IS NULL) OR (kind <> 'waakvlam' AND "
            "hours_per_week IS NOT NULL AND hours_per_week >= 0 AND hours_per_week <= 80)",
            name="hours_match_kind"),
        sa.CheckConstraint("kind <> 'opgeschaald' OR reason IS NOT NULL",
                           name="scale_up_has_reason"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]
    hours_per_week: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(5, 2))
    reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class SiteHourSettings(db.Model):
    """Per-site settings of the hour norms (one row per site, created when first set)."""

    __tablename__ = "site_hour_settings"
    __table_args__ = (sa.CheckConstraint("fte_hours > 0 AND fte_hours <= 60",
                                         name="fte_hours_in_range"),)

    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), primary_key=True)
    fte_hours: Mapped[Decimal] = mapped_column(
        sa.Numeric(4, 1), default=DEFAULT_FTE_HOURS, server_default="36")
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class ClosedMonthError(RuntimeError):
    """Raised when code tries to change or remove a month closure, or delete an entry."""


@sa.event.listens_for(Session, "before_flush")
def _hours_are_never_removed(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, (MonthClosure, HourEntry)):
            raise ClosedMonthError("hour entries and month closures are never deleted")
    for obj in session.dirty:
        if isinstance(obj, MonthClosure) and session.is_modified(obj):
            raise ClosedMonthError("month closures are append-only")
