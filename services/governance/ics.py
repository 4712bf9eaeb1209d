"""An .ics invitation per meeting (RFC 5545, via icalendar).

The start is written in Europe/Amsterdam with its TZID and a VTIMEZONE around the
meeting's year, so calendars keep a 19:30 meeting at 19:30 across the clock change. The
UID is stable per meeting and SEQUENCE follows every change of time, place or status,
so a downloaded invitation replaces the earlier one; a called-off meeting is CANCELLED.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar

from models import Meeting, MeetingStatus
from services.governance.localtime import AMSTERDAM

PRODID = "-//Noaber//Gemengd Wonen overleg//NL"
UID_DOMAIN = "noaber.invalid"


def meeting_uid(meeting: Meeting) -> str:
    return f"gov-meeting-{meeting.id}@{UID_DOMAIN}"


def meeting_ics(meeting: Meeting, *, summary: str, description: str, now: datetime) -> bytes:
    """The calendar file of one meeting; ``summary`` and ``description`` come from the
    caller (translated there), ``now`` is the DTSTAMP."""
    starts = meeting.starts_at.astimezone(AMSTERDAM)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", summary)
    event.add("description", description)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.AFGELAST else "CONFIRMED")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(starts.year - 1, 1, 1),
                                   last_date=date(starts.year + 2, 1, 1))
    return calendar.to_ical()
