"""The shared room (ontmoetingsruimte, seed 004 "4. Ontmoeting"): the rooms of a site
with typology, facilities, opening hours, booking rules, house rules and a tariff list for
external users; blocked periods; key holders; bookings; external requests; activity
attendance; feed tokens and the site's usage settings.

A booking is a series (single, weekly, every n weeks, monthly on the nth weekday) stored
as one row per occurrence, as Indico does, so every date can be checked, skipped, moved
or cancelled on its own. Instants are aware UTC; opening hours and a series' times are
wall-clock times in Europe/Amsterdam. Nothing of a booking is deleted: an occurrence is
cancelled, skipped or declined by its status, a key is handed back with a date and a
blocked period is lifted. On PostgreSQL the migration adds an exclusion constraint
(btree_gist) so two booked occurrences of one room can never overlap.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.site import Site
from models.user import User

#: the name of the PostgreSQL exclusion constraint (created by the migration only)
NO_OVERLAP_CONSTRAINT = "xc_room_bookings_no_overlap"


class RoomTypology(StrEnum):
    """The five typologies of seed 003, Deel II."""

    KOFFIEHOEK = "koffiehoek"                # het koffieho(n)k
    WOONVORM = "woonvorm"                    # ontmoetingsruimte bij woonvormen (CPO)
    MULTIFUNCTIONEEL = "multifunctioneel"    # de multifunctionele ontmoetingsplek
    BUURTHUIS = "buurthuis"                  # het buurthuis
    SENIORENCOMPLEX = "seniorencomplex"      # geclusterde seniorencomplexen (55+)


class Recurrence(StrEnum):
    SINGLE = "single"
    WEEKLY = "weekly"      # every ``interval`` weeks
    MONTHLY = "monthly"    # the ``monthly_nth`` weekday of every month


class BookingStatus(StrEnum):
    BOOKED = "booked"
    SKIPPED = "skipped"        # a date of a series left out because it collided
    CANCELLED = "cancelled"
    REQUESTED = "requested"    # an external request awaiting the room manager
    DECLINED = "declined"


class OrganiserKind(StrEnum):
    """Who organises an activity "door en voor bewoners"."""

    BEWONER = "bewoner"
    WOONVERENIGING = "woonvereniging"
    COACH = "coach"
    PARTNER = "partner"


class RequesterKind(StrEnum):
    """External parties who may use the room (seed 000 "Btiv"; seed 003 "Zaalhuur")."""

    BUURTGROEP = "buurtgroep"                      # neighbourhood group, residents' initiative
    VERENIGING_STICHTING = "vereniging_stichting"  # working only for the general interest
    OVERHEID = "overheid"                          # a public body, e.g. the municipality
    PERSOON = "persoon"                            # a person doing non-commercial social work


class TariffUnit(StrEnum):
    UUR = "uur"
    DAGDEEL = "dagdeel"    # a part of the day: up to four hours
    KEER = "keer"          # per use


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class BlockReason(StrEnum):
    SCHOONMAAK = "schoonmaak"
    ONDERHOUD = "onderhoud"
    VAKANTIE = "vakantie"
    ANDERS = "anders"


FACILITIES = ("has_kitchen", "has_tv", "has_wifi", "accessible", "dementia_friendly",
              "outdoor_space")


class Room(db.Model):
    """A shared room of a site. ``max_days_ahead`` and ``max_duration_minutes`` are its
    booking rules; ``accepts_requests`` opens the public request form."""

    __tablename__ = "rooms"
    __table_args__ = (
        sa.UniqueConstraint("site_id", "name"),
        enum_check("typology", RoomTypology, "typology_valid"),
        sa.CheckConstraint("capacity >= 1 AND capacity <= 1000", name="capacity_range"),
        sa.CheckConstraint("max_days_ahead >= 1 AND max_days_ahead <= 730",
                           name="days_ahead_range"),
        sa.CheckConstraint("max_duration_minutes >= 15 AND max_duration_minutes <= 1440",
                           name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    typology: Mapped[str] = mapped_column(sa.String(20))
    capacity: Mapped[int]
    has_kitchen: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    has_tv: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    has_wifi: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    accessible: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    dementia_friendly: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    outdoor_space: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    house_rules: Mapped[Optional[str]] = mapped_column(sa.Text)
    contact: Mapped[Optional[str]] = mapped_column(sa.String(200))
    max_days_ahead: Mapped[int] = mapped_column(default=180, server_default="180")
    max_duration_minutes: Mapped[int] = mapped_column(default=240, server_default="240")
    accepts_requests: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    evaluated_on: Mapped[Optional[date]]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    opening_hours: Mapped[list["RoomOpening"]] = relationship(
        back_populates="room", order_by="RoomOpening.weekday", cascade="all, delete-orphan")
    tariffs: Mapped[list["RoomTariff"]] = relationship(
        back_populates="room", order_by="RoomTariff.id", cascade="all, delete-orphan")

    @property
    def facilities(self) -> list[str]:
        return [name for name in FACILITIES if getattr(self, name)]

    def __repr__(self) -> str:
        return f"<Room {self.name}>"


class RoomOpening(db.Model):
    """The opening hours of a room on one weekday (0 = Monday); no row: closed."""

    __tablename__ = "room_opening_hours"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "weekday"),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("opens < closes", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]

    room: Mapped[Room] = relationship(back_populates="opening_hours")


class RoomTariff(db.Model):
    """What an external party of one kind pays (a small contribution, not rent)."""

    __tablename__ = "room_tariffs"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "requester_kind"),
        enum_check("requester_kind", RequesterKind, "requester_kind_valid"),
        enum_check("unit", TariffUnit, "unit_valid"),
        sa.CheckConstraint("amount >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))
    requester_kind: Mapped[str] = mapped_column(sa.String(24))
    unit: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(7, 2))

    room: Mapped[Room] = relationship(back_populates="tariffs")


class RoomBlock(db.Model):
    """A period the room cannot be booked (cleaning, maintenance, holidays); lifting it
    sets ``lifted_at``."""

    __tablename__ = "room_blocks"
    __table_args__ = (
        enum_check("reason", BlockReason, "reason_valid"),
        sa.CheckConstraint("starts_at < ends_at", name="times_ordered"),
        sa.Index("ix_room_blocks_room_start", "room_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[Optional[str]] = mapped_column(sa.String(300))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    room: Mapped[Room] = relationship()


class KeyHolder(db.Model):
    """Who holds which key of a room since when; a returned key keeps its row."""

    __tablename__ = "room_key_holders"
    __table_args__ = (
        sa.CheckConstraint("returned_on IS NULL OR returned_on >= since",
                           name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"), index=True)
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    key_label: Mapped[str] = mapped_column(sa.String(80))
    since: Mapped[date]
    returned_on: Mapped[Optional[date]]
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    room: Mapped[Room] = relationship()


class BookingSeries(db.Model):
    """What was booked: a title, the local times and the recurrence, and for an activity
    its organiser, openness to the neighbourhood and price. ``booked_by`` is empty for an
    external request (see :class:`RoomRequest`)."""

    __tablename__ = "room_booking_series"
    __table_args__ = (
        enum_check("recurrence", Recurrence, "recurrence_valid"),
        enum_check("organiser_kind", OrganiserKind, "organiser_kind_valid"),
        sa.UniqueConstraint("id", "room_id", name="uq_room_booking_series_id_room"),
        sa.CheckConstraint("start_time < end_time", name="times_ordered"),
        sa.CheckConstraint("interval >= 1 AND interval <= 8", name="interval_range"),
        sa.CheckConstraint("monthly_nth IS NULL OR monthly_nth IN (-1, 1, 2, 3, 4)",
                           name="monthly_nth_valid"),
        sa.CheckConstraint(
            "(recurrence = 'single' AND until IS NULL AND occurrence_count IS NULL) OR "
            "(recurrence <> 'single' AND (until IS NULL) <> (occurrence_count IS NULL))",
            name="end_matches_recurrence"),
        sa.CheckConstraint("is_activity = (organiser_kind IS NOT NULL)",
                           name="activity_has_organiser"),
        sa.CheckConstraint("price IS NULL OR (price >= 0 AND price <= 999)",
                           name="price_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    recurrence: Mapped[str] = mapped_column(sa.String(10), default=Recurrence.SINGLE)
    interval: Mapped[int] = mapped_column(default=1, server_default="1")
    monthly_nth: Mapped[Optional[int]]
    first_day: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    until: Mapped[Optional[date]]
    occurrence_count: Mapped[Optional[int]]
    is_activity: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    organiser_kind: Mapped[Optional[str]] = mapped_column(sa.String(16))
    open_to_neighbourhood: Mapped[bool] = mapped_column(default=False,
                                                        server_default=sa.false())
    price: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(5, 2))
    booked_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship()
    booked_by: Mapped[Optional[User]] = relationship()
    occurrences: Mapped[list["Booking"]] = relationship(
        back_populates="series", order_by="Booking.starts_at")
    request: Mapped[Optional["RoomRequest"]] = relationship(back_populates="series")


class Booking(db.Model):
    """One occurrence of a series. ``room_id`` repeats the series' room (kept equal by
    the composite foreign key) so the exclusion constraint can see it."""

    __tablename__ = "room_bookings"
    __table_args__ = (
        enum_check("status", BookingStatus, "status_valid"),
        sa.CheckConstraint("starts_at < ends_at", name="times_ordered"),
        sa.ForeignKeyConstraint(["series_id", "room_id"],
                                ["room_booking_series.id", "room_booking_series.room_id"],
                                name="fk_room_bookings_series_room"),
        sa.Index("ix_room_bookings_room_start", "room_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), default=BookingStatus.BOOKED)
    moved: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: the iCalendar SEQUENCE: raised on each move or cancellation of this date
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    series: Mapped[BookingSeries] = relationship(back_populates="occurrences")
    room: Mapped[Room] = relationship(foreign_keys=[room_id], viewonly=True)
    attendance: Mapped[Optional["ActivityAttendance"]] = relationship(back_populates="booking")

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}>"


class RoomRequest(db.Model):
    """An external party's request to use the room, with its purpose; the room manager
    approves or declines it. ``tariff_amount`` is the estimate shown when it was sent."""

    __tablename__ = "room_requests"
    __table_args__ = (
        sa.UniqueConstraint("series_id"),
        enum_check("requester_kind", RequesterKind, "requester_kind_valid"),
        enum_check("status", RequestStatus, "status_valid"),
        sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)",
                           name="decided_when_not_pending"),
        sa.CheckConstraint("expected_people IS NULL OR expected_people >= 1",
                           name="people_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("room_booking_series.id"))
    requester_kind: Mapped[str] = mapped_column(sa.String(24))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(40))
    purpose: Mapped[str] = mapped_column(sa.Text)
    expected_people: Mapped[Optional[int]]
    tariff_amount: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(8, 2))
    status: Mapped[str] = mapped_column(sa.String(10), default=RequestStatus.PENDING)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[Optional[str]] = mapped_column(sa.String(500))

    series: Mapped[BookingSeries] = relationship(back_populates="request")
    decided_by: Mapped[Optional[User]] = relationship()


class ActivityAttendance(db.Model):
    """Who came to one occurrence of an activity, as counts only: never names."""

    __tablename__ = "room_attendance"
    __table_args__ = (
        sa.CheckConstraint("begeleid >= 0 AND begeleid <= 1000", name="begeleid_range"),
        sa.CheckConstraint("onbegeleid >= 0 AND onbegeleid <= 1000", name="onbegeleid_range"),
        sa.CheckConstraint("neighbours >= 0 AND neighbours <= 1000", name="neighbours_range"),
    )

    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("room_bookings.id"),
                                            primary_key=True)
    begeleid: Mapped[int]
    onbegeleid: Mapped[int]
    neighbours: Mapped[int]
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="attendance")

    @property
    def residents(self) -> int:
        return self.begeleid + self.onbegeleid


class RoomFeedToken(db.Model):
    """A secret calendar-feed URL of one room, or of the whole site (``room_id`` empty).
    Only the SHA-256 of the token is stored; revoking sets ``revoked_at``."""

    __tablename__ = "room_feed_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    room_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rooms.id"))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(120))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))

    room: Mapped[Optional[Room]] = relationship()


DEFAULT_HARDLY_USED_PERCENT = 10
DEFAULT_USAGE_WEEKS = 8
DEFAULT_REQUEST_WAIT_DAYS = 5


class RoomSettings(db.Model):
    """Per-site settings of the room agenda (one row per site, created when first set).
    The seeds give no usage threshold for "hardly used", so each site sets its own: a
    room is hardly used when its booked hours over the last ``usage_weeks`` weeks are
    below ``hardly_used_percent`` of its opening hours."""

    __tablename__ = "room_settings"
    __table_args__ = (
        sa.CheckConstraint("hardly_used_percent >= 0 AND hardly_used_percent <= 100",
                           name="percent_range"),
        sa.CheckConstraint("usage_weeks >= 1 AND usage_weeks <= 52", name="weeks_range"),
        sa.CheckConstraint("request_wait_days >= 1 AND request_wait_days <= 60",
                           name="wait_range"),
    )

    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), primary_key=True)
    hardly_used_percent: Mapped[int] = mapped_column(
        default=DEFAULT_HARDLY_USED_PERCENT, server_default=str(DEFAULT_HARDLY_USED_PERCENT))
    usage_weeks: Mapped[int] = mapped_column(default=DEFAULT_USAGE_WEEKS,
                                             server_default=str(DEFAULT_USAGE_WEEKS))
    request_wait_days: Mapped[int] = mapped_column(
        default=DEFAULT_REQUEST_WAIT_DAYS, server_default=str(DEFAULT_REQUEST_WAIT_DAYS))
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))


class BookingRecordError(RuntimeError):
    """Raised when code tries to delete a room, a booking or its history."""


KEPT = (Room, RoomBlock, KeyHolder, BookingSeries, Booking, RoomRequest, RoomFeedToken)


@sa.event.listens_for(Session, "before_flush")
def _room_records_are_kept(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, KEPT):
            raise BookingRecordError(f"{type(obj).__name__} records are never deleted")
