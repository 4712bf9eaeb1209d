"""The personal calendar feed (``/agenda/mijn/<token>.ics``): a person's meetings (the
governance bodies' and the IMO's, with a link to the agenda), their room bookings and
their open action items' due dates (all-day), from 90 days back to 400 ahead.

The token is shown once when it is made; only its SHA-256 is stored, and a revoked token
opens nothing. A person has at most one live token: making a new one revokes the old.
The feed says nothing about care: titles, times, places and links only.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (ActionItem, ActionStatus, Attendance, BodyMember, Booking, BookingSeries,
                    BookingStatus, ImoMeeting, Invitation, Meeting, MeetingStatus,
                    PersonalFeedToken, User)
from services.errors import N_, RuleViolation
from services.governance.localtime import local_day
from services.notify import calendar as cal
from services.notify.events import (_booking_event, action_link, imo_event, meeting_event)
from services.rooms.ics import UID_DOMAIN, token_hash

DAYS_BACK, DAYS_AHEAD = 90, 400


def live_token(session: Session, user_id: int) -> PersonalFeedToken | None:
    return session.scalar(sa.select(PersonalFeedToken).where(
        PersonalFeedToken.user_id == user_id, PersonalFeedToken.revoked_at.is_(None)))


def create_token(session: Session, user: User, *, now: datetime) -> str:
    """A new feed token for ``user`` (the old one is revoked); returns the token itself,
    shown once."""
    old = live_token(session, user.id)
    if old is not None:
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    session.add(PersonalFeedToken(user_id=user.id, token_hash=token_hash(token),
                                  created_at=now))
    session.flush()
    return token


def revoke_token(session: Session, user: User, *, now: datetime) -> None:
    row = live_token(session, user.id)
    if row is None:
        raise RuleViolation(N_("U hebt geen agenda-feed om in te trekken."))
    row.revoked_at = now
    session.flush()


def find_user(session: Session, token: str) -> User | None:
    """The active user of a live token; None when unknown, revoked or inactive."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(sa.select(PersonalFeedToken).where(
        PersonalFeedToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def events_of(session: Session, user: User, now: datetime, base_url: str) -> list[cal.Event]:
    start, end = now - timedelta(days=DAYS_BACK), now + timedelta(days=DAYS_AHEAD)
    found: list[cal.Event] = []
    invited = (sa.select(Invitation.meeting_id)
               .join(BodyMember, BodyMember.id == Invitation.member_id)
               .where(BodyMember.user_id == user.id))
    meetings = session.scalars(sa.select(Meeting).where(
        Meeting.id.in_(invited), Meeting.status != MeetingStatus.AFGELAST,
        Meeting.starts_at >= start, Meeting.starts_at <= end).order_by(Meeting.starts_at))
    for meeting in meetings:
        event = meeting_event(meeting, base_url)
        found.append(cal.Event(**{**event.__dict__,
                                  "description": f"Agenda: {event.url}"}))
    attending = sa.select(Attendance.meeting_id).where(Attendance.user_id == user.id)
    imos = session.scalars(sa.select(ImoMeeting).where(
        ImoMeeting.id.in_(attending), ImoMeeting.held_on >= local_day(start),
        ImoMeeting.held_on <= local_day(end)).order_by(ImoMeeting.held_on))
    for meeting in imos:
        event = imo_event(meeting, base_url)
        found.append(cal.Event(**{**event.__dict__, "description": f"Agenda: {event.url}"}))
    bookings = session.scalars(
        sa.select(Booking).join(BookingSeries, BookingSeries.id == Booking.series_id)
        .where(BookingSeries.booked_by_id == user.id, Booking.status == BookingStatus.BOOKED,
               Booking.starts_at >= start, Booking.starts_at <= end)
        .order_by(Booking.starts_at))
    found += [_booking_event(b, base_url) for b in bookings]
    actions = session.scalars(sa.select(ActionItem).where(
        ActionItem.owner_id == user.id, ActionItem.status == ActionStatus.OPEN,
        ActionItem.due_on >= local_day(start), ActionItem.due_on <= local_day(end))
        .order_by(ActionItem.due_on))
    for action in actions:
        starts, ends = cal.all_day(action.due_on)
        found.append(cal.Event(uid=f"gov-action-{action.id}@{UID_DOMAIN}", starts=starts,
                               ends=ends, summary=f"Actiepunt: {action.text[:150]}",
                               description=f"{action.body.name}",
                               url=base_url.rstrip("/") + action_link(action)))
    return found


def feed_of(session: Session, user: User, now: datetime, base_url: str) -> bytes:
    return cal.calendar(events_of(session, user, now, base_url), method=cal.PUBLISH, now=now,
                        name=f"Noaber: agenda van {user.name}")
