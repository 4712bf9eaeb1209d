"""One tap no longer destroys: cancelling a booking ("Deze datum annuleren", "Reeks
annuleren") and withdrawing hours ("Uren intrekken") ask on a confirmation page first
(plain links and forms, no script), and afterwards offer "Ongedaan maken": the cancelled
dates booked again when still free, the withdrawn hours as a new entry (the withdrawn one
stays in the history). Role by role for the new routes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import Booking, BookingSeries, HourEntry
from tests.conftest import ALL_ROLES
from tests.hours_fixtures import hour_tables, hours_world
from tests.rooms_fixtures import rooms_world
from tests.web.support import db_snapshot, fresh_rate_limits, query, text  # noqa: F401


def statuses(app, title: str) -> list[str]:
    return query(app, lambda s: list(s.scalars(
        sa.select(Booking.status).join(BookingSeries).where(BookingSeries.title == title)
        .order_by(Booking.starts_at))))


@pytest.fixture
def rooms(app, world):
    return rooms_world(app, world)


def booking_url(world, booking_id, suffix=""):
    return f"/locaties/{world.site}/ruimte/boekingen/{booking_id}{suffix}"


def test_the_booking_page_asks_before_cancelling(app, login_as, world, rooms):
    client = login_as("bestuur")
    page = text(client.get(booking_url(world, rooms.coffee_second)))
    assert ">Deze datum annuleren</a>" in page and ">Reeks annuleren</a>" in page
    assert f'action="{booking_url(world, rooms.coffee_second, "/annuleren")}"' not in page
    before = db_snapshot(app)
    one = text(client.get(booking_url(world, rooms.coffee_second, "/annuleren")))
    assert "<h1>Deze datum annuleren" in one and "Ja, deze datum annuleren" in one
    assert 'name="scope" value="one"' in one
    series = text(client.get(booking_url(world, rooms.coffee_second, "/annuleren?reeks=1")))
    assert "<h1>Reeks annuleren" in series and "deze 7 datums" in series
    assert 'name="scope" value="rest"' in series
    assert db_snapshot(app) == before  # asking changes nothing


def test_a_cancelled_series_is_undone(app, login_as, world, rooms):
    client = login_as("bestuur")
    response = client.post(booking_url(world, rooms.coffee_second, "/annuleren"),
                           data={"scope": "rest"})
    page = text(client.get(response.headers["Location"]))
    assert "7 datums zijn geannuleerd." in page and ">Ongedaan maken</button>" in page
    assert statuses(app, "Koffieochtend") == ["booked"] + ["cancelled"] * 7
    response = client.post(booking_url(world, rooms.coffee_second, "/herstellen"))
    page = text(client.get(response.headers["Location"]))
    assert "De annulering is ongedaan gemaakt: 7 datums zijn weer geboekt." in page
    assert statuses(app, "Koffieochtend") == ["booked"] * 8
    assert ">Ongedaan maken</button>" not in page


def test_undo_is_refused_when_the_slot_was_booked_meanwhile(app, login_as, world, rooms):
    client = login_as("bestuur")
    client.post(booking_url(world, rooms.coffee, "/annuleren"), data={"scope": "one"})
    day = query(app, lambda s: s.get(Booking, rooms.coffee).starts_at)
    from services.governance.localtime import AMSTERDAM
    local = day.astimezone(AMSTERDAM)
    booked = client.post(f"/locaties/{world.site}/ruimte/{rooms.room}/boeken", data={
        "title": "Yoga", "first_day": local.date().isoformat(), "start_time": "10:00",
        "end_time": "12:00", "recurrence": "single"})
    assert booked.status_code == 302, text(booked)[:2000]
    before = db_snapshot(app)
    response = client.post(booking_url(world, rooms.coffee, "/herstellen"))
    assert "Ongedaan maken kan niet meer" in text(client.get(response.headers["Location"]))
    assert db_snapshot(app) == before
    assert statuses(app, "Koffieochtend")[0] == "cancelled"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_undo_access(app, login_as, world, rooms, role):
    """The cancelled "Overleg" of the sociaal beheerder: its booker and the managers."""
    overleg = query(app, lambda s: s.scalar(sa.select(Booking.id).join(BookingSeries).where(
        BookingSeries.title == "Overleg")))
    client = login_as(role)
    before = db_snapshot(app)
    response = client.post(booking_url(world, overleg, "/herstellen"))
    if role in {"admin", "sociaal_beheerder", "bestuur"}:
        assert response.status_code == 302
        assert statuses(app, "Overleg") == ["booked"]
    else:
        assert response.status_code == 403
        assert db_snapshot(app) == before


# --- hours -------------------------------------------------------------------------------

@pytest.fixture
def hours(app, world):
    return hours_world(app, world)


def hours_url(world, suffix=""):
    return f"/locaties/{world.site}/uren{suffix}"


def test_withdrawing_hours_asks_first_and_is_undone(app, login_as, world, hours):
    client = login_as("communitycoach")
    month = text(client.get(hours_url(world, "/?maand=2026-06")))
    assert f'href="{hours_url(world, f"/{hours.open_entry}/intrekken")}">Uren intrekken</a>' \
        in month
    before = hour_tables(app)
    page = text(client.get(hours_url(world, f"/{hours.open_entry}/intrekken")))
    assert "<h1>Uren intrekken</h1>" in page and "Ja, uren intrekken" in page
    assert "2 uur" in page
    assert hour_tables(app) == before

    response = client.post(hours_url(world, f"/{hours.open_entry}/intrekken"))
    month = text(client.get(response.headers["Location"]))
    assert "De regel is ingetrokken." in month and ">Ongedaan maken</button>" in month

    response = client.post(hours_url(world, f"/{hours.open_entry}/herstellen"))
    month = text(client.get(response.headers["Location"]))
    assert "Het intrekken is ongedaan gemaakt" in month
    assert ">Ongedaan maken</button>" not in month
    rows = query(app, lambda s: [(e.work_date, e.quarters, e.withdrawn_at is None) for e in
                                 s.scalars(sa.select(HourEntry).where(
                                     HourEntry.quarters == 8).order_by(HourEntry.id))])
    assert [r[2] for r in rows] == [False, True]  # the withdrawn one stays, a new one
    assert rows[0][:2] == rows[1][:2]

    before = hour_tables(app)
    again = client.post(hours_url(world, f"/{hours.open_entry}/herstellen"))
    assert "Deze regel is al teruggezet." in text(client.get(again.headers["Location"]))
    assert hour_tables(app) == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_restore_access(app, login_as, world, hours, role):
    login_as("communitycoach").post(hours_url(world, f"/{hours.open_entry}/intrekken"))
    client = login_as(role)
    before = hour_tables(app)
    response = client.post(hours_url(world, f"/{hours.open_entry}/herstellen"))
    if role == "communitycoach":
        assert response.status_code == 302
        assert hour_tables(app) != before
    else:
        assert response.status_code == 403
        assert hour_tables(app) == before
