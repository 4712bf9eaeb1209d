"""Booking a weekly series in the right order: how often and until when together and open,
a summary first when some dates cannot ("18 van 20 datums vrij; 22 jun schoonmaak, ..."),
only the colliding dates listed (the free ones folded away), no error styling for that
question, and one button that says how many dates it books."""
from __future__ import annotations

import re
from datetime import date, time

import pytest
import sqlalchemy as sa

from models import Booking, BookingSeries, Room, db
from services.governance.localtime import local_instant
from services.rooms import rooms as room_service
from tests.rooms_fixtures import NOW, rooms_world
from tests.web.support import (db_snapshot, field_error, form_alert,  # noqa: F401 (autouse)
                               fresh_rate_limits, main_of, query, strip_tags, text)

MONDAYS = {"title": "Taalcafé", "first_day": "2026-06-22", "start_time": "10:00",
           "end_time": "11:00", "recurrence": "weekly", "interval": "1", "count": "20"}


@pytest.fixture
def ids(app, world):
    ids = rooms_world(app, world)
    with app.app_context():  # besides the cleaning on Monday 22 June: maintenance on 10 Aug
        room = db.session.get(Room, ids.room)
        room_service.add_block(db.session, room,
                               starts_at=local_instant(date(2026, 8, 10), time(8)),
                               ends_at=local_instant(date(2026, 8, 10), time(17)),
                               reason="onderhoud", note=None, actor_id=None, now=NOW)
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture
def book_url(world, ids):
    return f"/locaties/{world.site}/ruimte/{ids.room}/boeken"


def statuses(app, title: str) -> list[str]:
    return query(app, lambda s: list(s.scalars(
        sa.select(Booking.status).join(BookingSeries).where(BookingSeries.title == title)
        .order_by(Booking.starts_at))))


def report_of(page: str) -> str:
    match = re.search(r'<section class="report[^"]*".*?</section>', page, re.S)
    assert match, "no check report on the page"
    return match.group(0)


def buttons(page: str) -> list[str]:
    return [strip_tags(b) for b in re.findall(r"<button\b[^>]*>.*?</button>", main_of(page), re.S)]


def test_a_partly_free_series_is_a_question_with_the_summary_first(app, login_as, book_url):
    client = login_as("kerngroep")
    before = db_snapshot(app)
    response = client.post(book_url, data=MONDAYS)
    page = text(response)
    assert response.status_code == 200 and db_snapshot(app) == before
    assert form_alert(page) is None and "Controleer de gemarkeerde velden" not in page
    assert "alert-error" not in main_of(page) and 'class="error"' not in main_of(page)
    report = report_of(page)
    assert 'class="report report-choice"' in report
    heading = strip_tags(re.search(r"<h2[^>]*>(.*?)</h2>", report, re.S).group(1))
    assert heading == "18 van 20 datums vrij; 22 jun schoonmaak, 10 aug onderhoud"
    clashes = [strip_tags(r) for r in re.findall(r'<tr class="clash">(.*?)</tr>', report, re.S)]
    assert clashes == ["maandag 22 juni 10:00–11:00 geblokkeerd: schoonmaak",
                       "maandag 10 augustus 10:00–11:00 geblokkeerd: onderhoud"]
    free = re.search(r'<details class="free-dates">(.*?)</details>', report, re.S).group(1)
    assert "Toon de 18 vrije datums" in strip_tags(free)
    assert len(re.findall(r'<li class="free">', free)) == 18
    assert buttons(page)[:2] == ["18 datums boeken", "Niets boeken"]
    assert 'name="on_conflict" value="skip">18 datums boeken</button>' in report
    assert buttons(page).count("Controleren en boeken") == 0  # one way to book, not two


def test_the_button_books_the_free_dates_and_skips_the_others(app, login_as, book_url):
    client = login_as("kerngroep")
    seen = re.search(r'name="seen_dates" value="([^"]*)"',
                     text(client.post(book_url, data=MONDAYS))).group(1)
    assert seen == "2026-06-22,2026-08-10"
    response = client.post(book_url, data={**MONDAYS, "on_conflict": "skip",
                                           "seen_dates": seen})
    assert response.status_code == 302
    booked = statuses(app, "Taalcafé")
    assert booked.count("booked") == 18 and booked.count("skipped") == 2
    assert booked[0] == "skipped" and booked[7] == "skipped"  # 22 June and 10 August
    assert "Taalcafé is geboekt (18 datums). 2 datums zijn overgeslagen." in \
        text(client.get(response.headers["Location"]))


def test_one_free_date_is_one_datum(app, login_as, book_url):
    client = login_as("kerngroep")
    page = text(client.post(book_url, data={**MONDAYS, "count": "2",
                                            "first_day": "2026-08-03"}))
    assert strip_tags(re.search(r"<h2 id=\"h-report\">(.*?)</h2>", page, re.S).group(1)) == \
        "1 van 2 datums vrij; 10 aug onderhoud"
    assert "1 datum boeken" in buttons(page)


def test_nothing_free_is_an_error(app, login_as, book_url):
    client = login_as("kerngroep")
    before = db_snapshot(app)
    response = client.post(book_url, data={**MONDAYS, "count": "2", "first_day": "2026-06-18",
                                           "interval": "1", "start_time": "10:30",
                                           "end_time": "11:30"})
    page = text(response)
    assert response.status_code == 422 and db_snapshot(app) == before
    assert field_error(page, "first_day") == \
        "Geen van de datums is vrij. Kies een andere dag of tijd."
    assert 'class="report report-refused"' in page
    assert form_alert(page) == "Controleer de gemarkeerde velden."
    assert not [b for b in buttons(page) if b.endswith("boeken") and b[0].isdigit()]


def test_an_entirely_free_series_is_booked_at_once(app, login_as, book_url):
    client = login_as("kerngroep")
    response = client.post(book_url, data={**MONDAYS, "first_day": "2026-06-29",
                                           "count": "4"})
    assert response.status_code == 302
    assert statuses(app, "Taalcafé") == ["booked"] * 4


def test_the_end_of_the_series_stands_open_beside_how_often(login_as, book_url):
    page = main_of(text(login_as("kerngroep").get(book_url)))
    assert "<details" not in page.split('name="title"')[1].split("</form>")[0]
    weekly, interval = page.index('value="weekly"'), page.index('name="interval"')
    monthly, until, count = (page.index('value="monthly"'), page.index('name="until"'),
                             page.index('name="count"'))
    assert weekly < interval < monthly < until < count < page.index('name="is_activity"')
    end = re.search(r'<fieldset class="repeat-end">.*?</fieldset>', page, re.S).group(0)
    assert 'name="until"' in end and 'name="count"' in end


def test_moving_the_rest_of_a_series_asks_the_same_way(app, login_as, world, ids):
    client = login_as("bestuur")
    url = f"/locaties/{world.site}/ruimte/boekingen/{ids.coffee}/verplaatsen"
    data = {"first_day": "2026-06-18", "start_time": "19:30", "end_time": "20:30",
            "scope": "rest"}
    response = client.post(url, data=data)
    page = text(response)
    assert response.status_code == 200 and form_alert(page) is None
    assert strip_tags(re.search(r'<h2 id="h-report">(.*?)</h2>', page, re.S).group(1)) == \
        "6 van 8 datums vrij; 18 jun al geboekt, 2 jul al geboekt"
    assert buttons(page)[:2] == ["6 datums verplaatsen", "Niets verplaatsen"]
    nothing = client.post(url, data={**data, "on_conflict": "cancel"})
    assert nothing.status_code == 302
    assert "Er is niets verplaatst." in text(client.get(nothing.headers["Location"]))
