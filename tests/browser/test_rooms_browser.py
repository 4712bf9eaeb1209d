"""A coach books a weekly lunch on a phone-sized screen: one Monday is taken, so the page
shows that date and the coach books the rest; after the first lunch the coach records
who came, as counts, and the participation page shows the figures.

TODAY is Monday 15 June 2026; the pages take noon as "now", so a lunch from 12:00 on
today can be booked and its attendance recorded at once.
"""
from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import ActivityAttendance, Booking, BookingSeries, Room, db
from tests.browser.conftest import PHONE, log_in, visit
from tests.rooms_fixtures import book, rooms_world, user

pytestmark = pytest.mark.browser


@pytest.fixture
def room_site(app, world):
    ids = rooms_world(app, world)
    with app.app_context():
        room = db.session.get(Room, ids.room)
        book(db.session, room, date(2026, 6, 29), time(12, 30), time(13, 30),
             title="Buurtoverleg", by=user(db.session, "sociaal_beheerder"))
        db.session.commit()
        db.session.remove()
    return world.site


def lunch(app) -> tuple[list[str], list[tuple[int, int, int]]]:
    with app.app_context():
        try:
            series = db.session.scalar(sa.select(BookingSeries).where(
                BookingSeries.title == "Lunch voor iedereen"))
            statuses = [b.status for b in series.occurrences]
            counts = db.session.execute(
                sa.select(ActivityAttendance.begeleid, ActivityAttendance.onbegeleid,
                          ActivityAttendance.neighbours).join(Booking)
                .where(Booking.series_id == series.id)).all()
            return statuses, [tuple(c) for c in counts]
        finally:
            db.session.remove()


def test_coach_books_a_weekly_lunch_and_records_attendance(new_page, problems, app, room_site):
    page = new_page(viewport=PHONE)  # a partly free series is a question: no 422 to allow
    log_in(page, "communitycoach")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Ruimte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ontmoetingsruimte")
    page.get_by_role("link", name="Boeken").first.click()

    page.get_by_label("Titel").fill("Lunch voor iedereen")
    page.get_by_label("Datum (de eerste keer)").fill("2026-06-15")
    page.get_by_label("Van", exact=True).fill("12:00")
    page.get_by_label("Tot", exact=True).fill("13:30")
    page.get_by_label("wekelijks of om de paar weken").check()
    page.get_by_label("Of: aantal keer").fill("6")  # open beside "wekelijks", not folded
    page.get_by_label("Dit is een activiteit door en voor bewoners").check()
    page.get_by_label("Georganiseerd door").select_option(label="de communitycoach")
    page.get_by_label("Open voor de buurt").check()
    page.get_by_label("Prijs per deelnemer (euro, leeg of 0 is gratis)").fill("2,50")
    page.get_by_role("button", name="Controleren en boeken").click()

    # one Monday is taken: the summary first, only that date listed, no error styling
    expect(page.locator("#h-report")).to_have_text("5 van 6 datums vrij; 29 jun al geboekt")
    expect(page.locator(".alert-error")).to_have_count(0)
    expect(page.locator("tr.clash")).to_have_count(1)
    expect(page.locator("tr.clash")).to_contain_text("maandag 29 juni")
    expect(page.locator("tr.clash")).to_contain_text("al geboekt: Buurtoverleg")
    expect(page.locator("li.free").first).not_to_be_visible()  # the free dates: folded away
    page.get_by_role("button", name="5 datums boeken").click()

    expect(page.get_by_role("status")).to_have_text(
        "Lunch voor iedereen is geboekt (5 datums). 1 datum is overgeslagen.")
    assert lunch(app) == (["booked", "booked", "skipped", "booked", "booked", "booked"], [])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lunch voor iedereen")

    page.get_by_role("link", name="Aanwezigheid vastleggen").click()
    page.get_by_label("Bewoners begeleid").fill("3")
    page.get_by_label("Bewoners onbegeleid").fill("7")
    page.get_by_label("Buurtbewoners").fill("2")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text(
        "De aanwezigheid is opgeslagen: 12 deelnemers.")
    expect(page.get_by_text("3 begeleid, 7 onbegeleid, 2 uit de buurt")).to_be_visible()
    assert lunch(app)[1] == [(3, 7, 2)]

    visit(page, f"/locaties/{room_site}/ruimte/gebruik")
    figures = page.locator("dl.stats")
    expect(figures).to_contain_text("Aandeel begeleid onder deelnemers30,0%")
    expect(figures).to_contain_text("Aandeel begeleid op de locatie50,0%")
