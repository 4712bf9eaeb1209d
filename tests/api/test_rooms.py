"""Rooms, bookings and activities through the API: every role on the site books with the
room agenda's own conflict rules; a clash books nothing and answers 409 with the dates."""
from __future__ import annotations

from datetime import time

import pytest

from models import Booking, Site, db
from services.rooms import rooms as room_service
from tests.api.support import api, assert_error, tokens  # noqa: F401
from tests.web.support import count

EVENING = {"title": "Spelletjesavond", "first_day": "2026-06-18", "start_time": "19:00",
           "end_time": "21:00"}


@pytest.fixture
def room_id(app, world):
    with app.app_context():
        room = room_service.save_room(db.session, db.session.get(Site, world.site), None,
                                      room_service.RoomData(
                                          "Ontmoetingsruimte", "multifunctioneel", 40,
                                          frozenset({"has_kitchen"}), max_days_ahead=200,
                                          max_duration_minutes=240), actor_id=None)
        room_service.set_opening_hours(db.session, room, {d: (time(9), time(22))
                                                          for d in range(7)}, actor_id=None)
        db.session.commit()
        found = room.id
        db.session.remove()
    return found


def test_book_a_weekly_series_then_a_clash_books_nothing(app, api, world, room_id):
    path = f"/sites/{world.site}/bookings"
    made = api.post("bestuur", path, {**EVENING, "room_id": room_id, "recurrence": "weekly",
                                      "count": 4, "activity": {"organiser_kind": "bewoner"}})
    assert made.status_code == 201, made.get_json()
    occurrences = made.get_json()
    assert len(occurrences) == 4 and {o["title"] for o in occurrences} == {"Spelletjesavond"}
    # 19:00 local in summer is 17:00 UTC
    assert occurrences[0]["starts_at"].startswith("2026-06-18T17:00")
    clash = api.post("communitycoach", path, {**EVENING, "room_id": room_id,
                                              "first_day": "2026-06-25", "title": "Yoga",
                                              "start_time": "20:00", "end_time": "21:30"})
    error = assert_error(clash, 409, "booking_conflict")
    assert error["fields"]["dates"] == ["2026-06-25"]
    assert count(app, Booking) == 4
    # the service's other rules: closed hours (a clash with the opening hours), the past,
    # a room that is not the site's
    assert_error(api.post("bestuur", path, {**EVENING, "room_id": room_id,
                                            "start_time": "22:00", "end_time": "23:30"}),
                 409, "booking_conflict")
    assert_error(api.post("bestuur", path, {**EVENING, "room_id": room_id,
                                            "first_day": "2026-06-01"}), 422, "rule_violation")
    assert_error(api.post("bestuur", path, {**EVENING, "room_id": room_id + 1000}), 404)
    assert_error(api.post("none", path, {**EVENING, "room_id": room_id}), 403)
    assert count(app, Booking) == 4


def test_lists_of_rooms_bookings_and_activities(app, api, world, room_id):
    api.post("bestuur", f"/sites/{world.site}/bookings",
             {**EVENING, "room_id": room_id, "recurrence": "weekly", "count": 3,
              "activity": {"organiser_kind": "woonvereniging",
                           "open_to_neighbourhood": True}})
    api.post("bestuur", f"/sites/{world.site}/bookings",
             {**EVENING, "title": "Vergadering bestuur", "room_id": room_id,
              "first_day": "2026-06-19"})
    rooms = api.get("stuurgroep", f"/sites/{world.site}/rooms").get_json()
    assert [r["name"] for r in rooms] == ["Ontmoetingsruimte"]
    booked = api.get("kerngroep", f"/sites/{world.site}/bookings",
                     **{"from": "2026-06-18", "to": "2026-06-25"}).get_json()
    assert [b["title"] for b in booked["items"]] == ["Spelletjesavond", "Vergadering bestuur",
                                                     "Spelletjesavond"]
    activities = api.get("communitycoach", f"/sites/{world.site}/activities",
                         **{"from": "2026-06-01", "to": "2026-07-31"}).get_json()
    assert activities["total"] == 3 and activities["items"][0]["begeleid"] is None
    assert activities["items"][0]["open_to_neighbourhood"] is True
    assert_error(api.get("kerngroep", f"/sites/{world.site}/bookings",
                         **{"from": "2026-01-01", "to": "2027-12-31"}), 422)
    assert_error(api.get("other_site", f"/sites/{world.site}/rooms"), 403)
