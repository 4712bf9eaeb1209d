"""The agenda and minutes of a meeting as a Dutch PDF (WeasyPrint), and the .ics invitation
as the browser downloads it.

WeasyPrint compresses its objects; the test inflates the Flate streams and reads the
document title and the bookmarks (made from the headings), which hold the Dutch text."""
from __future__ import annotations

from datetime import date, time

import icalendar
import pytest

from models import Meeting, db
from models.base import utcnow
from services.governance import meetings
from services.governance.localtime import local_instant
from tests.web.governance_support import make_governance
from tests.web.support import fresh_rate_limits, pdf_titles, url_ids  # noqa: F401 (autouse)

try:
    import weasyprint  # noqa: F401
except (ImportError, OSError) as error:  # pragma: no cover - depends on the system's Pango
    pytest.skip(f"WeasyPrint cannot be imported here ({error})", allow_module_level=True)

@pytest.fixture
def meeting_url(app, world):
    ids = {**url_ids(app, world), **make_governance(app, world)}
    return "/locaties/{site}/overleg/{kg}/vergaderingen/{june}".format(**ids)


def test_meeting_pdf_is_a_dutch_pdf(meeting_url, login_as):
    client = login_as("kerngroep")
    response = client.get(meeting_url + "/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kg-2026-06-16.pdf"'
    document = response.data
    assert document.startswith(b"%PDF-")
    strings = pdf_titles(document)
    assert "Kerngroep Het Hofje: agenda en verslag van 16 jun 2026 · Het Hofje" in strings
    assert {"Kerngroep Het Hofje: agenda en verslag", "Aanwezigheid", "Agenda en verslag",
            "1. Huisregels", "2. Overlast blok B", "Besluiten", "Actiepunten"} <= set(strings)


def test_print_view_says_the_minutes_are_a_draft(meeting_url, login_as):
    client = login_as("kerngroep")
    page = client.get(meeting_url + "/afdruk").get_data(as_text=True)
    assert "Concept: het verslag is nog niet vastgesteld." in page
    assert "overgeschoven van 12 mei 2026" in page
    assert "geëscaleerd door Communityteam Het Hofje" in page


def test_locked_minutes_name_the_meeting_that_approved_them(app, world, login_as):
    ids = {**url_ids(app, world), **make_governance(app, world)}
    with app.app_context():
        june = db.session.get(Meeting, ids["june"])
        meetings.create_meeting(db.session, june.body,
                                starts_at=local_instant(date(2026, 9, 8), time(19, 30)),
                                duration_minutes=120, place=None, today=date(2026, 6, 20),
                                actor_id=None)
        meetings.lock_minutes(db.session, june, now=utcnow(), today=date(2026, 9, 8),
                              actor_id=None)
        db.session.commit()
    client = login_as("kerngroep")
    url = "/locaties/{site}/overleg/{kg}/vergaderingen/{june}".format(**ids)
    assert "Goedgekeurd in de vergadering van 8 sep 2026." in client.get(
        url + "/afdruk").get_data(as_text=True)
    assert "goedgekeurd in de vergadering van 8 sep 2026" in client.get(url).get_data(
        as_text=True)


def test_ics_download_parses_back(meeting_url, login_as):
    client = login_as("stuurgroep")      # reads the kerngroep's meetings
    response = client.get(meeting_url + "/uitnodiging.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    event = next(iter(icalendar.Calendar.from_ical(response.data).walk("VEVENT")))
    start = event.decoded("dtstart")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 6, 16, 19, 30)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert str(event["summary"]) == "Kerngroep Het Hofje (Het Hofje)"
    assert "1. Huisregels" in str(event["description"])
    assert str(event["uid"]).startswith("gov-meeting-")
