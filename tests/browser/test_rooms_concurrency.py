"""Twenty people book the same slot at the same moment, through the live server on
127.0.0.1 (tests/browser/conftest.py; no browser needed): exactly one booking is made,
the other nineteen get a clear Dutch message.

On PostgreSQL the room's row is locked while a booking is checked and written, and the
exclusion constraint (room, time range) refuses any overlap the checks might miss; on
SQLite the check and the insert run under the database's write lock. The test runs on
both databases (CI runs the suite on each with REQUIRE_NO_SKIPS=1, so a skip would fail
the SQLite run); on PostgreSQL it also insists that the constraint is in place.
"""
from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from models import Booking, BookingSeries
from tests.conftest import PASSWORD, ROLE_EMAILS
from tests.rooms_fixtures import rooms_world
from tests.web.support import fresh_rate_limits, query  # noqa: F401 (autouse)

PEOPLE = 20
ROLES = ["sociaal_beheerder", "communitycoach", "begeleider", "bestuur", "kerngroep"]
SLOT = {"title": "Verjaardagsfeest", "first_day": "2026-06-20", "start_time": "15:00",
        "end_time": "17:00", "recurrence": "single"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # report the 302 itself


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                       NoRedirect())


def post(opener, url: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_twenty_parallel_bookings_of_one_slot_make_exactly_one(app, world, live_server):
    server = live_server
    ids = rooms_world(app, world)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        constraint = query(app, lambda s: s.scalar(sa.text(
            "SELECT conname FROM pg_constraint WHERE contype = 'x'")))
        assert constraint == "xc_room_bookings_no_overlap"
    openers = []
    for n in range(PEOPLE):
        opener = browser()
        status, _ = post(opener, f"{server}/login",
                         {"email": ROLE_EMAILS[ROLES[n % len(ROLES)]], "password": PASSWORD})
        assert status == 302
        openers.append(opener)
    url = f"{server}/locaties/{world.site}/ruimte/{ids.room}/boeken"
    start = threading.Barrier(PEOPLE)
    results: list[tuple[int, str]] = [None] * PEOPLE  # type: ignore[list-item]

    def attempt(n: int) -> None:
        start.wait()
        results[n] = post(openers[n], url, SLOT)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(code for code, _ in results)
    assert codes == [302] + [422] * (PEOPLE - 1), codes
    for code, page in results:
        if code == 422:
            assert ("Deze tijd is niet vrij" in page
                    or "Iemand anders heeft deze tijd zojuist geboekt" in page), page[:2000]

    def booked(session):
        return session.scalars(sa.select(Booking).join(BookingSeries).where(
            Booking.room_id == ids.room, Booking.status == "booked",
            BookingSeries.title == SLOT["title"])).all()

    assert len(query(app, booked)) == 1
