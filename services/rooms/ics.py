"""Calendar files of the room agenda (RFC 5545, via icalendar): a subscribable feed per
room and per site behind a secret token, and an .ics download per occurrence.

Times are written in Europe/Amsterdam with their TZID and a VTIMEZONE covering the
events, so a weekly 19:00 stays 19:00 in every calendar across the clock change. The
UID is stable per occurrence; a cancelled, skipped or declined date in a single download
says CANCELLED, and a feed simply leaves it out (subscribers re-read the whole feed).

A feed token is shown once when it is made; only its SHA-256 is stored, and a revoked
token no longer opens anything.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

import icalendar
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Booking, BookingStatus, Room, RoomFeedToken
from services.errors import N_, RuleViolation
from services.governance.localtime import AMSTERDAM

PRODID = "-//Noaber//Ruimte-agenda//NL"
UID_DOMAIN = "noaber.invalid"
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 90, 400


@dataclass(frozen=True)
class EventText:
    """What the caller (translated there) says about one occurrence."""

    summary: str
    description: str = ""
    location: str = ""


def booking_uid(booking: Booking) -> str:
    return f"room-booking-{booking.id}@{UID_DOMAIN}"


def _event(booking: Booking, text: EventText, now: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", booking.ends_at.astimezone(AMSTERDAM))
    event.add("summary", text.summary)
    if text.description:
        event.add("description", text.description)
    if text.location:
        event.add("location", text.location)
    event.add("status", "CONFIRMED" if booking.status == BookingStatus.BOOKED else
              "TENTATIVE" if booking.status == BookingStatus.REQUESTED else "CANCELLED")
    return event


def calendar_of(name: str, events: list[tuple[Booking, EventText]], now: datetime) -> bytes:
    """A calendar with one event per occurrence and the VTIMEZONE they need."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(name))  # escaped like SUMMARY: no raw CR/LF
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for booking, text in events:
        calendar.add_component(_event(booking, text, now))
    years = [b.starts_at.year for b, _ in events] or [now.year]
    first, last = date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1)
    if events:
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:  # an empty feed still names its time zone
        calendar.add_component(icalendar.Timezone.from_tzid(
            "Europe/Amsterdam", first_date=first, last_date=last))
    return calendar.to_ical()


class _FeedCache:
    """The last few feeds built, keyed by a digest of everything they say.

    Calendar clients poll a feed every few minutes and it rarely changes in between,
    while building ~700 events with icalendar takes a few hundred milliseconds. The key
    covers the name and every event's uid, times, status and texts, so any change to a
    booking, its series, the room or the language builds a new feed; an unchanged feed
    is served as built (its DTSTAMP is the moment it was built, which is what RFC 5545
    asks of a published calendar). Per process, bounded, thread-safe."""

    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: bytes, build) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        data = build()
        with self._lock:
            self._items[key] = data
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return data


FEED_CACHE = _FeedCache()


def feed_key(name: str, events: list[tuple[Booking, EventText]]) -> bytes:
    """A digest of what a feed of ``events`` says (see ``_FeedCache``)."""
    digest = hashlib.sha256(name.encode())
    for booking, text in events:
        digest.update(repr((booking.id, booking.starts_at.isoformat(),
                            booking.ends_at.isoformat(), booking.status, text.summary,
                            text.description, text.location)).encode())
    return digest.digest()


def feed_of(name: str, events: list[tuple[Booking, EventText]], now: datetime) -> bytes:
    """The subscribable feed: ``calendar_of``, served from ``FEED_CACHE`` while nothing
    in it changed."""
    return FEED_CACHE.get_or_build(feed_key(name, events),
                                   lambda: calendar_of(name, events, now))


# --- feed tokens ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, site_id: int, room: Room | None, *, label: str,
                 actor_id: int | None, now: datetime) -> tuple[RoomFeedToken, str]:
    """A new feed token; returns the row and the token itself (shown once)."""
    label = (label or "").strip()
    if not label:
        raise RuleViolation(N_("Geef de feed een naam, bijvoorbeeld voor wie hij is."),
                            field="label")
    if room is not None and room.site_id != site_id:
        raise RuleViolation(N_("Kies een ruimte van deze locatie."), field="room_id")
    token = secrets.token_urlsafe(32)
    row = RoomFeedToken(site_id=site_id, room_id=room.id if room else None,
                        token_hash=token_hash(token), label=label, created_by_id=actor_id,
                        created_at=now)
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, row: RoomFeedToken, *, actor_id: int | None,
                 now: datetime) -> RoomFeedToken:
    if row.revoked_at is not None:
        raise RuleViolation(N_("Deze feed is al ingetrokken."))
    row.revoked_at, row.revoked_by_id = now, actor_id
    session.flush()
    return row


def find_token(session: Session, token: str) -> RoomFeedToken | None:
    """The live token row for ``token``; None when unknown or revoked."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(sa.select(RoomFeedToken).where(
        RoomFeedToken.token_hash == token_hash(token)))
    return row if row is not None and row.revoked_at is None else None


def tokens_of(session: Session, site_id: int) -> list[RoomFeedToken]:
    return list(session.scalars(sa.select(RoomFeedToken).where(
        RoomFeedToken.site_id == site_id).order_by(RoomFeedToken.revoked_at.is_not(None),
                                                   RoomFeedToken.created_at.desc())))
