"""The order of a body's meetings, and the rule that locked minutes stay as they are."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Meeting, MeetingStatus
from services.errors import N_, RuleViolation
from services.governance.localtime import day_start, local_day


def require_open(meeting: Meeting) -> None:
    if meeting.locked_at is not None:
        raise RuleViolation(N_("Het verslag is vastgesteld; voeg een addendum toe."))


def meetings_of_body(session: Session, body_id: int) -> list[Meeting]:
    """Newest first."""
    return list(session.scalars(sa.select(Meeting).where(Meeting.body_id == body_id)
                                .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))


def _before(meeting: Meeting):
    """Meetings before this one in the body's order: by start, then by id (two meetings
    at the same time are still one after the other, never each other's previous)."""
    return sa.or_(Meeting.starts_at < meeting.starts_at,
                  sa.and_(Meeting.starts_at == meeting.starts_at, Meeting.id < meeting.id))


def _after(meeting: Meeting):
    return sa.or_(Meeting.starts_at > meeting.starts_at,
                  sa.and_(Meeting.starts_at == meeting.starts_at, Meeting.id > meeting.id))


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The body's meeting before this one (called off or not)."""
    return session.scalar(sa.select(Meeting).where(
        Meeting.body_id == meeting.body_id, _before(meeting))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def following_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    return session.scalar(sa.select(Meeting).where(
        Meeting.body_id == meeting.body_id, _after(meeting))
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


def approving_meeting(session: Session, meeting: Meeting, today: date) -> Meeting | None:
    """The meeting that approves these minutes when they are locked on ``today``: the
    body's first meeting after this one that was not called off and has taken place
    (None when minutes are approved outside a meeting)."""
    return session.scalar(sa.select(Meeting).where(
        Meeting.body_id == meeting.body_id, Meeting.status != MeetingStatus.AFGELAST,
        _after(meeting),
        Meeting.starts_at < day_start(today + timedelta(days=1)))
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


def next_open_meeting(session: Session, body_id: int, today: date) -> Meeting | None:
    """The body's next planned meeting from today on whose minutes are still open: where
    carried-over, escalated and reported-back items go."""
    return session.scalar(sa.select(Meeting).where(
        Meeting.body_id == body_id, Meeting.status == MeetingStatus.GEPLAND,
        Meeting.locked_at.is_(None), Meeting.starts_at >= day_start(today))
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


def meeting_days(session: Session, body_id: int) -> list[date]:
    """The local dates of the body's meetings that were not called off (for the cadence)."""
    return meeting_days_of(session, [body_id])[body_id]


def meeting_days_of(session: Session, body_ids) -> dict[int, list[date]]:
    """:func:`meeting_days` of several bodies in one query (a site's overview)."""
    found: dict[int, list[date]] = {body_id: [] for body_id in body_ids}
    if found:
        for body_id, starts in session.execute(
                sa.select(Meeting.body_id, Meeting.starts_at).where(
                    Meeting.body_id.in_(found), Meeting.status != MeetingStatus.AFGELAST)):
            found[body_id].append(local_day(starts))
    return found
