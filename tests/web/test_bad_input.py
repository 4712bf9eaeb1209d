"""Input that once gave a 500, replayed: CR/LF in a ``next`` address, a lone surrogate or
a control character in a JSON string, CR/LF in a booking title that goes into a
calendar file. Each is answered, nothing is half-saved; and a property test sends such
text to every string field of the API's write operations."""
from __future__ import annotations

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.hardening import unstorable_fields
from tests.api.support import api, tokens  # noqa: F401
from tests.api.test_rooms import EVENING, room_id  # noqa: F401
from tests.conftest import ROLE_EMAILS
from tests.web.form_support import row_counts as _row_counts
from tests.web.support import fresh_rate_limits, redirect_path  # noqa: F401

def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return _row_counts()


SPLITTING_NEXT = ["/locaties\r\nSet-Cookie: x=1", "/x\nLocation: https://evil.example",
                  "/a\rb", "/\u2028", "//evil.example", "/\\evil.example",
                  "https://evil.example/", "\r\n"]


@pytest.mark.parametrize("target", SPLITTING_NEXT)
def test_a_next_address_with_control_characters_or_elsewhere_is_ignored(client, world,
                                                                         target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": ROLE_EMAILS["bestuur"],
                                 "password": "correct horse battery"})
    assert response.status_code == 302
    assert redirect_path(response) == "/mijn-werk"  # the start page, not the target
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers[
        "Location"]
    language = client.post("/taal", data={"lang": "en", "next": target})
    assert language.status_code == 302 and redirect_path(language) == "/"


def test_a_local_next_address_still_works(client, world):
    response = client.post("/login", query_string={"next": f"/locaties/{world.site}"},
                           data={"email": ROLE_EMAILS["bestuur"],
                                 "password": "correct horse battery"})
    assert redirect_path(response) == f"/locaties/{world.site}"


BAD_TEXT = ["\ud800", "a\udfffb", "nul\x00", "bell\x07", "esc\x1b[31m", "del\x7f"]


@pytest.mark.parametrize("value", BAD_TEXT)
def test_unstorable_text_in_json_is_refused_per_field(app, api, world, value):
    before = row_counts(app)
    response = api.post("communitycoach", f"/sites/{world.site}/hours/entries",
                        {"work_date": "2026-06-15", "quarters": 4, "category": "communitycoach",
                         "activity_type": "activiteit", "note": value})
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]["json"]
    assert list(fields) == ["note"] and "stuurteken" in fields["note"][0]
    assert row_counts(app) == before


def test_a_lone_surrogate_in_a_booking_title_is_refused(app, api, world, room_id):  # noqa: F811
    before = row_counts(app)
    response = api.post("bestuur", f"/sites/{world.site}/bookings",
                        {**EVENING, "room_id": room_id, "title": "Koffie \ud800"})
    assert response.status_code == 422
    assert "title" in response.get_json()["error"]["fields"]["json"]
    assert row_counts(app) == before


def test_tabs_and_line_breaks_stay_allowed():
    assert unstorable_fields({"note": "regel 1\r\nregel 2\tmet tab", "n": [1, "ok"]}) == {}
    assert unstorable_fields({"a": [{"b": "x\x01"}]}) == {"a.0.b": unstorable_fields(
        "x\x01")["body"]}


def test_line_breaks_in_a_booking_title_do_not_inject_calendar_properties(
        app, api, login_as, world, room_id):  # noqa: F811
    made = api.post("bestuur", f"/sites/{world.site}/bookings",
                    {**EVENING, "room_id": room_id,
                     "title": "Koffie\r\nX-EVIL:1\r\nBEGIN:VEVENT"})
    assert made.status_code == 201, made.get_json()
    booking_id = made.get_json()["bookings"][0]["id"] if "bookings" in made.get_json() \
        else made.get_json()[0]["id"]
    response = login_as("bestuur").get(
        f"/locaties/{world.site}/ruimte/boekingen/{booking_id}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert "X-EVIL" not in calendar and len(calendar.walk("VEVENT")) == 1
    assert all("X-EVIL" not in event for event in calendar.walk("VEVENT"))
    assert "Koffie" in str(calendar.walk("VEVENT")[0]["SUMMARY"])


HOSTILE_TEXT = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=5),
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3),
    st.text(max_size=40).map(lambda t: t + "\ud83d"),
    st.just("A" * 5000), st.just("\r\n"), st.just("\u202eevil"))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=HOSTILE_TEXT, title=HOSTILE_TEXT)
def test_no_string_of_the_write_operations_gives_a_server_error(app, api, world, room_id,  # noqa: F811
                                                               note, title):
    before = row_counts(app)
    hours = api.post("communitycoach", f"/sites/{world.site}/hours/entries",
                     {"work_date": "2026-06-15", "quarters": 4, "category": "communitycoach",
                      "activity_type": "activiteit", "note": note})
    booking = api.post("bestuur", f"/sites/{world.site}/bookings",
                       {**EVENING, "room_id": room_id, "title": title})
    assert hours.status_code < 500 and booking.status_code < 500
    if hours.status_code >= 400 and booking.status_code >= 400:
        assert row_counts(app) == before
