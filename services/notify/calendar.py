"""The calendar attachments of notification mails and the personal feed (RFC 5545 and
5546, via icalendar).

An invitation is METHOD REQUEST, a cancellation METHOD CANCEL; the UID is stable per
meeting or per booked date (the same as in the room feeds and downloads), and SEQUENCE
is the count of changes, so a calendar replaces the earlier version. Times are written in
Europe/Amsterdam with a VTIMEZONE covering the events, so 19:30 stays 19:30 across the
clock change; an action item's due date is an all-day event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

from services.governance.localtime import AMSTERDAM

PRODID = "-//Noaber//Meldingen//NL"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


@dataclass(frozen=True)
class Event:
    uid: str
    starts: datetime | date
    ends: datetime | date
    summary: str
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def _vevent(event: Event, now: datetime, organizer: str | None,
            attendee: str | None) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now)
    if isinstance(event.starts, datetime):
        vevent.add("dtstart", event.starts.astimezone(AMSTERDAM))
        vevent.add("dtend", event.ends.astimezone(AMSTERDAM))
    else:
        vevent.add("dtstart", event.starts)
        vevent.add("dtend", event.ends)
    vevent.add("summary", event.summary)
    vevent.add("sequence", event.sequence)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if organizer:
        vevent.add("organizer", f"mailto:{organizer}", parameters={"CN": "Noaber"})
    if attendee:
        vevent.add("attendee", f"mailto:{attendee}",
                   parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    return vevent


def calendar(events: list[Event], *, method: str, now: datetime, name: str | None = None,
             organizer: str | None = None, attendee: str | None = None) -> bytes:
    """One calendar object with ``events`` and the VTIMEZONE of Europe/Amsterdam."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", icalendar.vText(name))
        cal.add("x-wr-timezone", "Europe/Amsterdam")
    for event in events:
        cal.add_component(_vevent(event, now, organizer, attendee))
    years = [e.starts.year for e in events] or [now.year]
    cal.add_component(icalendar.Timezone.from_tzid(
        "Europe/Amsterdam", first_date=date(min(years) - 1, 1, 1),
        last_date=date(max(years) + 2, 1, 1)))
    return cal.to_ical()


def all_day(day: date) -> tuple[date, date]:
    return day, day + timedelta(days=1)
