"""Who may open which room-agenda page and send which form: every route x every role (and
anonymous visitors), on the data of tests/rooms_fixtures.py.

The policy (services/access.py, "rooms" section; deny by default):

* the agenda (overview, week and month per room and per site, a booking's page and .ics,
  the poster, usage and participation, the revitalisation checklist) and booking: every
  role on the site;
* moving, cancelling and re-adding a date: whoever booked it and the room managers
  (bestuur, sociaal_beheerder, admins); attendance: also the communitycoach;
* rooms, opening hours, tariffs, blocks, keys, requests and their approval, settings and
  feed tokens: the room managers;
* the request form for external parties and the token feeds: no login at all;
* a room or booking of another site under this URL: 404; anonymous visitors of the
  other pages are sent to /login.

A refused POST leaves the database exactly as it was; an allowed one changes it.
"""
from __future__ import annotations

import re

from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa

from models import RoomRequest
from services.rooms import ics
from services.rooms.recurrence import Rule
from tests.conftest import ALL_ROLES
from tests.rooms_fixtures import rooms_world
from tests.web.support import (db_snapshot, fresh_rate_limits,  # noqa: F401 (autouse)
                               is_login_redirect, query, text)

ON_SITE = {"admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
           "kerngroep", "stuurgroep"}
MANAGERS = {"admin", "sociaal_beheerder", "bestuur"}
ORGANISER = MANAGERS  # the coffee morning and game night were booked by the bestuur
ATTENDANCE = MANAGERS | {"communitycoach"}  # the lunch was booked by the coach

PAGES = [
    ("/ruimte/", ON_SITE),
    ("/ruimte/week?week=2026-W25", ON_SITE),
    ("/ruimte/maand?maand=2026-06", ON_SITE),
    ("/ruimte/{room}", ON_SITE),
    ("/ruimte/{room}/maand", ON_SITE),
    ("/ruimte/{room}/rooster?week=2026-W26", ON_SITE),
    ("/ruimte/{room}/boeken", ON_SITE),
    ("/ruimte/{room}/poster?week=2026-W25", ON_SITE),
    ("/ruimte/boekingen/{coffee}", ON_SITE),
    ("/ruimte/boekingen/{coffee}.ics", ON_SITE),
    ("/ruimte/gebruik", ON_SITE),
    ("/ruimte/revitalisatie", ON_SITE),
    ("/ruimte/boekingen/{coffee}/verplaatsen", ORGANISER),
    ("/ruimte/boekingen/{coffee}/annuleren", ORGANISER),
    ("/ruimte/boekingen/{coffee}/annuleren?reeks=1", ORGANISER),
    ("/ruimte/boekingen/{past}/aanwezigheid", ATTENDANCE),
    ("/ruimte/nieuw", MANAGERS),
    ("/ruimte/{room}/bewerken", MANAGERS),
    ("/ruimte/{room}/beheer", MANAGERS),
    ("/ruimte/aanvragen", MANAGERS),
    ("/ruimte/aanvragen/{request}", MANAGERS),
    ("/ruimte/instellingen", MANAGERS),
    ("/ruimte/feeds", MANAGERS),
]

BOOKING = {"title": "Breiclub", "first_day": "2026-06-19", "start_time": "14:00",
           "end_time": "16:00", "recurrence": "weekly", "interval": "1", "count": "4"}
ROOM = {"name": "Tuinkamer", "typology": "koffiehoek", "capacity": "12",
        "facilities": ["has_wifi"], "max_days_ahead": "90", "max_duration_minutes": "180",
        "active": "y"}
POSTS = [
    ("/ruimte/{room}/boeken", BOOKING, ON_SITE),
    ("/ruimte/boekingen/{coffee}/annuleren", {"scope": "rest"}, ORGANISER),
    ("/ruimte/boekingen/{coffee}/verplaatsen", {"first_day": "2026-06-19",
                                                 "start_time": "10:00", "end_time": "12:00",
                                                 "scope": "one"}, ORGANISER),
    ("/ruimte/boekingen/{skipped}/terugzetten", {}, ORGANISER),
    ("/ruimte/boekingen/{past}/aanwezigheid", {"begeleid": "2", "onbegeleid": "5",
                                               "neighbours": "1"}, ATTENDANCE),
    ("/ruimte/nieuw", ROOM, MANAGERS),
    ("/ruimte/{room}/bewerken", {**ROOM, "name": "Ontmoetingsruimte"}, MANAGERS),
    ("/ruimte/{room}/openingstijden", {"opens_0": "10:00", "closes_0": "16:00"}, MANAGERS),
    ("/ruimte/{room}/tarieven", {"unit_buurtgroep": "keer", "amount_buurtgroep": "5",
                                 "unit_overheid": "uur", "amount_overheid": "20"}, MANAGERS),
    ("/ruimte/{room}/blokkades", {"starts_on": "2026-08-17", "ends_on": "2026-08-28",
                                  "reason": "vakantie"}, MANAGERS),
    ("/ruimte/{room}/blokkades/{block}/opheffen", {}, MANAGERS),
    ("/ruimte/{room}/sleutels", {"holder_name": "Karin", "key_label": "keukenkast",
                                 "since": "2026-06-01"}, MANAGERS),
    ("/ruimte/{room}/sleutels/{key}/ingeleverd", {"returned_on": "2026-06-15"}, MANAGERS),
    ("/ruimte/aanvragen/{request}/goedkeuren", {"note": "Welkom"}, MANAGERS),
    ("/ruimte/aanvragen/{request}/afwijzen", {"afwijzen-note": "Die avond is er een ALV."},
     MANAGERS),
    ("/ruimte/instellingen", {"hardly_used_percent": "15", "usage_weeks": "6",
                              "request_wait_days": "3"}, MANAGERS),
    ("/ruimte/feeds", {"label": "Nieuwsbrief", "room_id": ""}, MANAGERS),
]


@pytest.fixture
def ids(app, world):
    return rooms_world(app, world)


def url(template: str, world, ids) -> str:
    return f"/locaties/{world.site}" + template.format(**vars(ids))


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("template, allowed", PAGES)
def test_page_access(login_as, world, ids, role, template, allowed):
    response = login_as(role).get(url(template, world, ids))
    assert response.status_code == (200 if role in allowed else 403), text(response)[:500]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("template, data, allowed", POSTS)
def test_post_access(app, login_as, world, ids, role, template, data, allowed):
    client = login_as(role)
    before = db_snapshot(app)
    response = client.post(url(template, world, ids), data=data)
    if role in allowed:  # a redirect, or a page showing a new secret once (201)
        assert response.status_code in (201, 302), text(response)[:3000]
        assert db_snapshot(app) != before
    else:
        assert response.status_code == 403
        assert db_snapshot(app) == before


@pytest.mark.parametrize("template", [t for t, _ in PAGES] + [t for t, _, _ in POSTS])
def test_anonymous_goes_to_login(client, world, ids, template):
    response = client.get(url(template, world, ids))
    if response.status_code == 405:  # a POST-only route
        response = client.post(url(template, world, ids))
    assert is_login_redirect(response)


@pytest.mark.parametrize("role", ["admin", "other_site"])
def test_rooms_and_bookings_of_another_site_are_not_found(login_as, world, ids, role):
    client = login_as(role)
    other_site = f"/locaties/{world.other_site}/ruimte"
    assert client.get(f"{other_site}/{ids.room}").status_code == 404
    assert client.get(f"{other_site}/{ids.room}/rooster").status_code == 404
    assert client.get(f"{other_site}/boekingen/{ids.coffee}").status_code == 404
    assert client.get(f"/locaties/{world.site}/ruimte/{ids.other_room}").status_code == \
        (404 if role == "admin" else 403)


def test_the_nav_shows_ruimte_to_roles_on_the_site(login_as, world, ids):
    page = text(login_as("kerngroep").get(f"/locaties/{world.site}"))
    assert f'href="/locaties/{world.site}/ruimte/"' in page


# --- pages without login -------------------------------------------------------------


def test_the_public_request_form_needs_no_login(client, world, ids):
    page = text(client.get(f"/ruimte/{ids.room}/aanvragen")).replace("\xa0", " ")
    assert "Ontmoetingsruimte aanvragen" in page and "€ 7,50 per uur" in page
    assert "Koffieochtend" not in page  # nothing of the agenda's contents


def public_request(**changes) -> dict:
    data = {"requester_kind": "buurtgroep", "commercial": "nee", "organisation": "Buurtgroep Oost",
            "contact_name": "Olga Oost", "email": "olga@oost.example",
            "title": "Buurtvergadering", "purpose": "Vergadering over de speeltuin in de wijk",
            "expected_people": "15", "first_day": "2026-06-23", "start_time": "19:00",
            "end_time": "21:00", "recurrence": "single"}
    data.update(changes)
    return data


def test_a_public_request_is_stored_with_its_tariff(app, client, world, ids):
    response = client.post(f"/ruimte/{ids.room}/aanvragen", data=public_request())
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"])).replace("\xa0", " ")
    assert "uw aanvraag is ontvangen" in page and "€ 10,00" in page
    stored = query(app, lambda s: s.scalars(sa.select(RoomRequest).where(
        RoomRequest.organisation == "Buurtgroep Oost")).one().status)
    assert stored == "pending"


@pytest.mark.parametrize("changes, field_id", [
    ({"requester_kind": "commercieel"}, "requester_kind"),
    ({"commercial": "ja"}, "commercial"),
])
def test_commercial_use_is_refused_on_the_public_form(app, client, world, ids, changes,
                                                      field_id):
    before = db_snapshot(app)
    response = client.post(f"/ruimte/{ids.room}/aanvragen", data=public_request(**changes))
    assert response.status_code == 422
    assert "niet beschikbaar voor commercieel gebruik" in text(response)
    assert f'id="{field_id}-error"' in text(response)
    assert db_snapshot(app) == before


def test_the_public_form_does_not_show_what_others_booked(client, world, ids):
    response = client.post(f"/ruimte/{ids.room}/aanvragen",
                           data=public_request(first_day="2026-06-18", start_time="10:00",
                                               end_time="11:00"))
    assert response.status_code == 422
    page = text(response)
    assert "al geboekt" in page and "Koffieochtend" not in page


def test_the_public_form_is_rate_limited(app, client, world, ids):
    app.config["ROOM_REQUEST_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [client.post(f"/ruimte/{ids.room}/aanvragen",
                             data=public_request(first_day=f"2026-06-2{n}")).status_code
                 for n in (2, 3, 4)]
    finally:
        del app.config["ROOM_REQUEST_RATE_LIMIT"]
    assert codes == [302, 302, 429]


def test_the_public_form_of_an_unknown_or_closed_room_is_not_found(app, client, world, ids):
    assert client.get("/ruimte/999999/aanvragen").status_code == 404


def make_token(app, site_id: int, room_id: int | None) -> tuple[int, str]:
    def create(session):
        from models import Room
        room = session.get(Room, room_id) if room_id else None
        row, token = ics.create_token(session, site_id, room, label="test", actor_id=None,
                                      now=datetime(2026, 6, 15, 10, tzinfo=timezone.utc))
        session.commit()
        return row.id, token
    return query(app, create)


def events_of(response) -> dict[str, list]:
    calendar = icalendar.Calendar.from_ical(response.get_data())
    found: dict[str, list] = {}
    for event in calendar.walk("VEVENT"):
        found.setdefault(str(event["SUMMARY"]), []).append(event)
    return found


def test_the_room_feed_parses_back_with_local_times(app, client, world, ids):
    _id, token = make_token(app, world.site, ids.room)
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    events = events_of(response)
    coffee = sorted(e.decoded("DTSTART") for e in events["Koffieochtend"])
    assert len(coffee) == 8
    assert all(str(d.tzinfo) == "Europe/Amsterdam" and d.time() == time(10) for d in coffee)
    assert coffee[0].date() == date(2026, 6, 18)
    assert "Energieavond" not in events  # a request waiting for approval is not in the feed
    assert "Overleg" not in events       # cancelled


def test_the_feed_keeps_local_times_across_the_clock_change_and_follows_changes(
        app, client, world, ids):
    """A weekly Thursday 19:00-21:00 over the end of summer time (25 October 2026) stays
    19:00 local in the parsed feed, while its UTC offset moves from +2 to +1; a date
    cancelled afterwards leaves the feed at once (the feed cache keys on the content)."""
    from models import Booking, Room
    from services.rooms import bookings
    from tests.rooms_fixtures import book

    def book_autumn(session):
        series = book(session, session.get(Room, ids.room), date(2026, 10, 8), time(19),
                      time(21), Rule("weekly", count=6), title="Filmavond")
        session.commit()
        return [b.id for b in series.occurrences]
    occurrence_ids = query(app, book_autumn)
    _id, token = make_token(app, world.site, ids.room)

    films = sorted(e.decoded("DTSTART") for e in events_of(
        client.get(f"/agenda/{token}.ics"))["Filmavond"])
    assert [d.date() for d in films] == [date(2026, 10, 8) + timedelta(weeks=n)
                                         for n in range(6)]
    assert all(d.time() == time(19) and str(d.tzinfo) == "Europe/Amsterdam" for d in films)
    assert {d.utcoffset() for d in films} == {timedelta(hours=2), timedelta(hours=1)}
    assert [d.astimezone(timezone.utc).hour for d in films] == [17, 17, 17, 18, 18, 18]

    def cancel_first(session):
        bookings.cancel(session, session.get(Booking, occurrence_ids[0]), scope="one",
                        actor_id=None, now=datetime(2026, 6, 15, 10, tzinfo=timezone.utc))
        session.commit()
    query(app, cancel_first)
    after = sorted(e.decoded("DTSTART").date() for e in events_of(
        client.get(f"/agenda/{token}.ics"))["Filmavond"])
    assert after == [d.date() for d in films[1:]]


def test_a_site_feed_spans_every_room_and_the_token_is_stored_hashed(app, client, world, ids):
    _id, token = make_token(app, world.site, None)
    assert client.get(f"/agenda/{token}.ics").status_code == 200
    hashes = query(app, lambda s: s.scalars(sa.text("SELECT token_hash FROM room_feed_tokens"))
                   .all())
    assert token not in hashes and ics.token_hash(token) in hashes


def test_a_revoked_or_unknown_token_is_not_found(app, client, login_as, world, ids):
    feed_id, token = make_token(app, world.site, ids.room)
    assert client.get(f"/agenda/{token}.ics").status_code == 200
    manager = login_as("bestuur")
    response = manager.post(f"/locaties/{world.site}/ruimte/feeds/{feed_id}/intrekken")
    assert response.status_code == 302
    assert manager.get(f"/agenda/{token}.ics").status_code == 404
    assert manager.get("/agenda/niet-bestaand.ics").status_code == 404


def test_a_booking_ics_has_the_local_time(login_as, world, ids):
    response = login_as("kerngroep").get(
        f"/locaties/{world.site}/ruimte/boekingen/{ids.coffee}.ics")
    event = icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert (start.date(), start.time(), str(start.tzinfo)) == (date(2026, 6, 18), time(10),
                                                               "Europe/Amsterdam")


def test_new_feed_url_is_shown_once_and_never_enters_the_session_cookie(app, login_as, world,
                                                                        ids):
    client = login_as("sociaal_beheerder")
    response = client.post(f"/locaties/{world.site}/ruimte/feeds",
                           data={"label": "Bewonersapp", "room_id": str(ids.room)})
    page = text(response)
    assert response.status_code == 201
    token = re.search(r"/agenda/([A-Za-z0-9_-]+)\.ics", page).group(1)
    assert "maar één keer getoond" in page
    # the session cookie is signed, not encrypted: whoever holds it could read a flash
    stored = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie("session").value)
    assert token not in repr(stored)
    assert token not in text(client.get(f"/locaties/{world.site}/ruimte/feeds"))
