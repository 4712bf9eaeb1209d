"""Governance (seed 004 "3. Samenwerking - governance"): the bodies of a site (stuurgroep, kerngroep,
communityteam, the association's bestuur and ALV), their members, and their meetings with
agenda, minutes, numbered decisions, action items and the escalation ladder.

Nothing is deleted: members leave with an end date, an action item's status changes are
dated notes, and once a meeting's minutes are locked, corrections are addenda. A
before-flush guard refuses deleting any of these records; the one exception is a carried-
over agenda item nobody has worked on yet, which is withdrawn when the item it mirrors is
handled in the previous meeting after all.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import Presence, Role, enum_check
from models.organisation import Organisation
from models.site import Site
from models.user import User


class BodyKind(StrEnum):
    STUURGROEP = "stuurgroep"
    KERNGROEP = "kerngroep"
    COMMUNITYTEAM = "communityteam"
    BESTUUR = "bestuur"          # the board of the woonvereniging
    ALV = "alv"                  # the members' assembly of the woonvereniging


class MemberRole(StrEnum):
    VOORZITTER = "voorzitter"
    SECRETARIS = "secretaris"
    LID = "lid"
    ADVISEUR = "adviseur"        # e.g. the coach in the kerngroep ("gevraagd en ongevraagd advies")


class MeetingStatus(StrEnum):
    GEPLAND = "gepland"
    AFGELAST = "afgelast"


class ActionStatus(StrEnum):
    OPEN = "open"
    GEDAAN = "gedaan"
    VERVALLEN = "vervallen"


body_sites = sa.Table(
    "gov_body_sites", db.metadata,
    sa.Column("body_id", sa.ForeignKey("gov_bodies.id"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("sites.id"), primary_key=True, index=True),
)


class Body(db.Model):
    """A governance body. It may span several sites of one project; the bestuur and ALV
    belong to a woonvereniging (``organisation``). ``code`` prefixes its decision numbers."""

    __tablename__ = "gov_bodies"
    __table_args__ = (
        enum_check("kind", BodyKind, "kind_valid"),
        sa.CheckConstraint("length(code) >= 1", name="code_not_empty"),
        sa.CheckConstraint("kind NOT IN ('bestuur', 'alv') OR organisation_id IS NOT NULL",
                           name="association_bodies_have_association"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    code: Mapped[str] = mapped_column(sa.String(8))
    organisation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Optional[Organisation]] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=body_sites, order_by=Site.name)
    members: Mapped[list["BodyMember"]] = relationship(
        back_populates="body", order_by="BodyMember.id")

    def __repr__(self) -> str:
        return f"<Body {self.code} {self.name}>"


class BodyMember(db.Model):
    """A seat in a body: an account or a named person without one, from ``starts_on`` up
    to (not including) ``ends_on``. ``via_role`` records that the seat follows from that
    site role (see services/governance/bodies.py)."""

    __tablename__ = "gov_body_members"
    __table_args__ = (
        enum_check("role_in_body", MemberRole, "role_in_body_valid"),
        enum_check("via_role", Role, "via_role_valid"),
        sa.CheckConstraint("user_id IS NOT NULL OR person_name IS NOT NULL",
                           name="someone"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"), index=True)
    person_name: Mapped[Optional[str]] = mapped_column(sa.String(200))
    organisation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    role_in_body: Mapped[str] = mapped_column(sa.String(20), default=MemberRole.LID)
    via_role: Mapped[Optional[str]] = mapped_column(sa.String(32))
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]

    body: Mapped[Body] = relationship(back_populates="members")
    user: Mapped[Optional[User]] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else (self.person_name or "")

    def is_active(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on < self.ends_on)


class Meeting(db.Model):
    """A meeting of a body. A past meeting that was not called off counts as held.
    ``sequence`` goes up on every change of time or place (for the .ics invitation)."""

    __tablename__ = "gov_meetings"
    __table_args__ = (
        enum_check("status", MeetingStatus, "status_valid"),
        sa.CheckConstraint("duration_minutes >= 15 AND duration_minutes <= 720",
                           name="duration_range"),
        sa.Index("ix_gov_meetings_body_start", "body_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=120, server_default="120")
    place: Mapped[Optional[str]] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(12), default=MeetingStatus.GEPLAND)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    # what the meeting saw of earlier action items and ALV attendance, frozen at locking
    snapshot: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    items: Mapped[list["MeetingItem"]] = relationship(
        back_populates="meeting", order_by="MeetingItem.position")
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="meeting", order_by="Invitation.id")
    addenda: Mapped[list["MeetingAddendum"]] = relationship(
        back_populates="meeting", order_by="MeetingAddendum.id")


class Invitation(db.Model):
    """An invited member and, once recorded, their presence."""

    __tablename__ = "gov_invitations"
    __table_args__ = (
        enum_check("presence", Presence, "presence_valid"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_body_members.id"))
    presence: Mapped[Optional[str]] = mapped_column(sa.String(24))

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    member: Mapped[BodyMember] = relationship()


class Escalation(db.Model):
    """An item passed up the ladder (communityteam -> kerngroep -> stuurgroep) with a
    reason; the higher body's outcome flows back to the lower body's next agenda."""

    __tablename__ = "gov_escalations"
    __table_args__ = (
        sa.CheckConstraint("from_body_id <> to_body_id", name="other_body"),
        sa.CheckConstraint("(outcome IS NULL) = (outcome_on IS NULL)",
                           name="outcome_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"), index=True)
    to_body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    raised_on: Mapped[date]
    raised_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[Optional[str]] = mapped_column(sa.Text)
    outcome_on: Mapped[Optional[date]]
    outcome_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_body: Mapped[Body] = relationship(foreign_keys=[from_body_id])
    to_body: Mapped[Body] = relationship(foreign_keys=[to_body_id])
    source_item: Mapped[Optional["MeetingItem"]] = relationship(
        foreign_keys="MeetingItem.escalation_id", back_populates="escalation", uselist=False)


class MeetingItem(db.Model):
    """An agenda item with its minutes. An item that is not ``handled`` (afgehandeld) and
    not escalated carries over to the body's next meeting (``carried_over_from``).
    ``escalation`` is the escalation this item raised; ``escalated_from`` brought it onto
    a higher body's agenda; ``outcome_of`` reports an escalation's outcome back."""

    __tablename__ = "gov_meeting_items"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "position"),
                      sa.UniqueConstraint("escalation_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[Optional[str]] = mapped_column(sa.Text)
    handled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    carried_over_from_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("gov_meeting_items.id"), index=True)
    escalation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_escalations.id"))
    escalated_from_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("gov_escalations.id"), index=True)
    outcome_of_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("gov_escalations.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    carried_over_from: Mapped[Optional["MeetingItem"]] = relationship(
        remote_side="MeetingItem.id")
    escalation: Mapped[Optional[Escalation]] = relationship(
        foreign_keys=[escalation_id], back_populates="source_item")
    escalated_from: Mapped[Optional[Escalation]] = relationship(
        foreign_keys=[escalated_from_id])
    outcome_of: Mapped[Optional[Escalation]] = relationship(foreign_keys=[outcome_of_id])


class BodyDecision(db.Model):
    """A numbered entry of a body's decision log: ``code`` is e.g. KG-2026-07 (the body's
    code, the year of the decision and its number in that year)."""

    __tablename__ = "gov_decisions"
    __table_args__ = (
        sa.UniqueConstraint("body_id", "code"),
        sa.UniqueConstraint("body_id", "year", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"))
    year: Mapped[int]
    number: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(24))
    text: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[date]
    meeting_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_meetings.id"),
                                                      index=True)
    item_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_meeting_items.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    meeting: Mapped[Optional[Meeting]] = relationship()
    item: Mapped[Optional[MeetingItem]] = relationship()


class ActionItem(db.Model):
    """Who does what by when, made in a meeting (and possibly by a decision). The current
    status is kept here for lists; every change is an :class:`ActionNote`."""

    __tablename__ = "gov_action_items"
    __table_args__ = (enum_check("status", ActionStatus, "status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_bodies.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    item_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_meeting_items.id"))
    decision_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_decisions.id"))
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(12), default=ActionStatus.OPEN)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship()
    meeting: Mapped[Meeting] = relationship()
    decision: Mapped[Optional[BodyDecision]] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    notes: Mapped[list["ActionNote"]] = relationship(
        back_populates="action", order_by="(ActionNote.on, ActionNote.id)")


class ActionNote(db.Model):
    """A dated status of an action item, with a note."""

    __tablename__ = "gov_action_notes"
    __table_args__ = (enum_check("status", ActionStatus, "status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_action_items.id"), index=True)
    on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[ActionItem] = relationship(back_populates="notes")
    recorded_by: Mapped[Optional[User]] = relationship()


class MeetingAddendum(db.Model):
    """A correction to locked minutes."""

    __tablename__ = "gov_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="addenda")
    created_by: Mapped[Optional[User]] = relationship()


class KeptRecordError(RuntimeError):
    """Raised when code tries to delete minutes, decisions or their history."""


KEPT = (Body, BodyMember, Meeting, Invitation, Escalation, MeetingItem, BodyDecision,
        ActionItem, ActionNote, MeetingAddendum)


def _untouched_copy(obj: object) -> bool:
    """A carried-over agenda item nobody has worked on (no minutes, not handled, not
    escalated, minutes of its meeting still open): it only mirrors an item of the
    previous meeting and is withdrawn when that item is handled after all
    (services/governance/carryover.py). Decisions and action items on it are refused by
    their foreign keys."""
    return (isinstance(obj, MeetingItem) and obj.carried_over_from_id is not None
            and obj.minutes is None and not obj.handled and obj.escalation_id is None
            and obj.meeting.locked_at is None)


@sa.event.listens_for(Session, "before_flush")
def _governance_records_are_kept(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, KEPT) and not _untouched_copy(obj):
            raise KeptRecordError(f"{type(obj).__name__} records are never deleted")
