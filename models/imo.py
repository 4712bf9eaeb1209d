"""The IMO (intake & matching meeting): candidates on the waiting list, the monthly
meeting with its agenda, advice, the corporation's decision and the handover.

Nothing is deleted: a candidate's status is a dated event history (the current status
is kept on the candidate for lists), advice and decisions are records, and once a
meeting's minutes are locked, corrections are addenda.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import (Advice, CandidateStatus, Decision, IntakeRoute, Presence,
                          SupportStatus, enum_check)
from models.organisation import Organisation
from models.user import User


class ReasonOption(db.Model):
    """An entry of the editable list of reasons for a rejection or withdrawal. The list
    belongs to the housing corporation of the site (sites of one corporation share it),
    or to the site itself when it has no corporation."""

    __tablename__ = "imo_reason_options"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('afgewezen', 'teruggetrokken')", name="kind_valid"),
        sa.CheckConstraint("(corporation_id IS NULL) <> (site_id IS NULL)", name="one_owner"),
        sa.Index("uq_imo_reason_options_corporation_kind_text", "corporation_id", "kind",
                 "text", unique=True, postgresql_where=sa.text("corporation_id IS NOT NULL"),
                 sqlite_where=sa.text("corporation_id IS NOT NULL")),
        sa.Index("uq_imo_reason_options_site_kind_text", "site_id", "kind", "text",
                 unique=True, postgresql_where=sa.text("site_id IS NOT NULL"),
                 sqlite_where=sa.text("site_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corporation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    site_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("sites.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class Candidate(db.Model):
    __tablename__ = "imo_candidates"
    __table_args__ = (
        enum_check("intake_route", IntakeRoute, "route_valid"),
        enum_check("status", CandidateStatus, "status_valid"),
        enum_check("support_status", SupportStatus, "support_valid"),
        sa.CheckConstraint("household_size >= 1 AND household_size <= 20",
                           name="household_size_range"),
        sa.CheckConstraint(
            "(support_status = 'begeleid' AND care_organisation_id IS NOT NULL) OR "
            "(support_status = 'onbegeleid' AND care_organisation_id IS NULL "
            "AND indicated_hours IS NULL)", name="care_fields_match_status"),
        sa.CheckConstraint("indicated_hours IS NULL OR "
                           "(indicated_hours >= 0 AND indicated_hours <= 168)",
                           name="hours_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[Optional[str]] = mapped_column(sa.String(254), index=True)
    phone: Mapped[Optional[str]] = mapped_column(sa.String(40))
    date_of_birth: Mapped[Optional[date]]
    household_size: Mapped[int] = mapped_column(default=1)
    intake_route: Mapped[str] = mapped_column(sa.String(20))
    support_status: Mapped[str] = mapped_column(sa.String(16))
    care_organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    indicated_hours: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(5, 2))
    motivation: Mapped[Optional[str]] = mapped_column(sa.Text)
    # soft landing (zachte landing): visible to the sociaal_beheerder and the proposing
    # care organisation's begeleiders only
    problem_severity: Mapped[Optional[str]] = mapped_column(sa.String(20))
    accepts_support: Mapped[Optional[bool]]
    fallback_place: Mapped[Optional[str]] = mapped_column(sa.String(500))
    woonzorgovereenkomst: Mapped[bool] = mapped_column(default=False,
                                                       server_default=sa.false())
    special_conditions: Mapped[Optional[str]] = mapped_column(sa.Text)

    registered_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(20), default=CandidateStatus.AANGEMELD)
    resident_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("residents.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the retention period after closing ended and the file was anonymised
    anonymised_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    care_organisation: Mapped[Optional[Organisation]] = relationship()
    facts: Mapped[list["ParticipationFact"]] = relationship(
        back_populates="candidate", order_by="ParticipationFact.on")
    events: Mapped[list["CandidateEvent"]] = relationship(
        back_populates="candidate", order_by="(CandidateEvent.on, CandidateEvent.id)")


class ParticipationFact(db.Model):
    """A checkable fact about willingness to participate (information evening, activity)."""

    __tablename__ = "imo_participation_facts"
    __table_args__ = (sa.CheckConstraint(
        "kind IN ('informatieavond', 'activiteit', 'kennismaking', 'anders')",
        name="kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    on: Mapped[date]
    note: Mapped[Optional[str]] = mapped_column(sa.String(300))

    candidate: Mapped[Candidate] = relationship(back_populates="facts")


class CandidateEvent(db.Model):
    """A dated step in a candidate's status pipeline."""

    __tablename__ = "imo_candidate_events"
    __table_args__ = (enum_check("status", CandidateStatus, "status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_candidates.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    on: Mapped[date]
    reason_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("imo_reason_options.id"))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="events")
    reason: Mapped[Optional[ReasonOption]] = relationship()


class CandidateConsent(db.Model):
    """The candidate's explicit consent to have their characteristics (begeleid or
    onbegeleid, intake route) discussed by the whole IMO (AVG art. 9(2)(a)), or its
    withdrawal. Records are never changed: the latest one on a candidate stands."""

    __tablename__ = "imo_candidate_consents"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('gegeven', 'ingetrokken')", name="kind_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    #: the day the candidate gave (or withdrew) it
    on: Mapped[date]
    #: how it was given, e.g. "getekend toestemmingsformulier"
    how: Mapped[Optional[str]] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[Optional[User]] = relationship()


class ImoMeeting(db.Model):
    """One IMO per site per month (``month`` is the first day of that month)."""

    __tablename__ = "imo_meetings"
    __table_args__ = (sa.UniqueConstraint("site_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    month: Mapped[date]
    held_on: Mapped[date]
    location: Mapped[Optional[str]] = mapped_column(sa.String(200))
    chair_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    deputy_chair: Mapped[Optional[str]] = mapped_column(sa.String(200))
    locked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    # the figures of the generated agenda as they stood when the minutes were locked
    snapshot: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    chair: Mapped[Optional[User]] = relationship(foreign_keys=[chair_id])
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position")
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", order_by="Attendance.id")
    candidates: Mapped[list["MeetingCandidate"]] = relationship(
        back_populates="meeting", order_by="MeetingCandidate.id")
    addenda: Mapped[list["Addendum"]] = relationship(
        back_populates="meeting", order_by="Addendum.id")


class AgendaItem(db.Model):
    """An agenda point with its minutes. ``topic`` names the generated part (1-7) or is
    ``None`` for a point added by hand."""

    __tablename__ = "imo_agenda_items"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_meetings.id"), index=True)
    position: Mapped[int]
    topic: Mapped[Optional[str]] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[Optional[str]] = mapped_column(sa.Text)

    meeting: Mapped[ImoMeeting] = relationship(back_populates="items")


class Attendance(db.Model):
    __tablename__ = "imo_attendance"
    __table_args__ = (
        enum_check("presence", Presence, "presence_valid"),
        sa.UniqueConstraint("meeting_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    capacity: Mapped[str] = mapped_column(sa.String(40))
    presence: Mapped[str] = mapped_column(sa.String(24), default=Presence.AANWEZIG)

    meeting: Mapped[ImoMeeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()


class MeetingCandidate(db.Model):
    """A candidate on a meeting's agenda, with the IMO's advice."""

    __tablename__ = "imo_meeting_candidates"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "candidate_id"),
        sa.CheckConstraint(
            "advice IS NULL OR advice IN ('positief', 'positief_onder_voorwaarden', "
            "'negatief')", name="advice_valid"),
        sa.CheckConstraint("advice IS NULL OR advice <> 'positief_onder_voorwaarden' "
                           "OR conditions IS NOT NULL", name="conditions_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_meetings.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_candidates.id"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("units.id"))
    advice: Mapped[Optional[str]] = mapped_column(sa.String(30))
    conditions: Mapped[Optional[str]] = mapped_column(sa.Text)
    reasoning: Mapped[Optional[str]] = mapped_column(sa.Text)
    advised_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    advised_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    meeting: Mapped[ImoMeeting] = relationship(back_populates="candidates")
    candidate: Mapped[Candidate] = relationship()


class CorporationDecision(db.Model):
    """The corporation's formal decision; it may differ from the IMO's advice."""

    __tablename__ = "imo_decisions"
    __table_args__ = (enum_check("decision", Decision, "decision_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_candidates.id"), index=True)
    meeting_candidate_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("imo_meeting_candidates.id"))
    decision: Mapped[str] = mapped_column(sa.String(20))
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("units.id"))
    decided_on: Mapped[date]
    reasoning: Mapped[Optional[str]] = mapped_column(sa.Text)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandoverTask(db.Model):
    """A new household for the welkomstcommissie: name, unit, move-in date, no care data."""

    __tablename__ = "imo_handover_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    done_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))


class Addendum(db.Model):
    """A correction to locked minutes."""

    __tablename__ = "imo_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("imo_meetings.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[ImoMeeting] = relationship(back_populates="addenda")
    created_by: Mapped[Optional[User]] = relationship()
