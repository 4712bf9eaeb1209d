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
from functools import lru_cache
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


def invitations(events: list[Event], *, method: str, now: datetime, organizer: str | None,
                attendees: list[str]) -> dict[str, bytes]:
    """The calendar of ``events`` for each of ``attendees`` (address -> bytes), the same
    as :func:`calendar` with that ``attendee``: written once, with each attendee's own
    ATTENDEE line put into each event (a meeting of 40 is one calendar, not 40)."""
    template = calendar(events, method=method, now=now, organizer=organizer)
    end = b"END:VEVENT\r\n"
    found = {}
    for address in attendees:
        line = icalendar.Event()
        line.add("attendee", f"mailto:{address}",
                 parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
        attendee = line.to_ical().removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(end)
        found[address] = template.replace(end, attendee + end)
    return found


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
    end = b"END:VCALENDAR\r\n"
    head, _end, _rest = cal.to_ical().rpartition(end)
    return head + _vtimezone(min(years) - 1, max(years) + 2) + end


@lru_cache(maxsize=32)
def _vtimezone(first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of Europe/Amsterdam for those years, written once: the same for every
    invitation of a meeting (and half the work of each)."""
    return icalendar.Timezone.from_tzid("Europe/Amsterdam", first_date=date(first_year, 1, 1),
                                        last_date=date(last_year, 1, 1)).to_ical()


def all_day(day: date) -> tuple[date, date]:
    return day, day + timedelta(days=1)
