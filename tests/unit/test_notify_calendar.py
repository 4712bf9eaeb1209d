"""A meeting's invitations written once (services.notify.calendar.invitations) are, per
attendee, the calendar :func:`calendar` writes for that attendee: the same components and
properties, the attendee's own ATTENDEE line, folded at 75 octets."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from services.notify import calendar as cal

NOW = datetime(2026, 10, 1, 8, tzinfo=timezone.utc)
EVENT = cal.Event(uid="gov-meeting-7@noaber.invalid", starts=NOW + timedelta(days=30),
                  ends=NOW + timedelta(days=30, hours=2), summary="Kerngroep Het Hofje",
                  sequence=2, location="Huiskamer", url="https://noaber.example/v/7")
ADDRESSES = ["a@hofje.example", "een.heel.lang.adres.van.iemand.met.een.lange.naam@"
             "woonstichting-voorbeeld.example"]


def properties(data: bytes) -> list:
    parsed = icalendar.Calendar.from_ical(data)
    return [(c.name, sorted((k, str(v)) for k, v in c.items() if k != "DTSTAMP"))
            for c in parsed.walk()]


@pytest.mark.parametrize("method", [cal.REQUEST, cal.CANCEL])
def test_each_attendee_gets_the_calendar_of_their_own(method):
    found = cal.invitations([EVENT], method=method, now=NOW, organizer="noaber@hofje.example",
                            attendees=ADDRESSES)
    assert set(found) == set(ADDRESSES)
    for address in ADDRESSES:
        alone = cal.calendar([EVENT], method=method, now=NOW, organizer="noaber@hofje.example",
                             attendee=address)
        assert properties(found[address]) == properties(alone)
        [event] = icalendar.Calendar.from_ical(found[address]).walk("VEVENT")
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
        assert all(len(line) <= 75 for line in found[address].split(b"\r\n"))
