"""The room agenda's forms through the web: Dutch messages next to the field, the collision
choice (book nothing or skip exactly the dates shown), nothing saved half-way; the week,
month and poster views; the English pages."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from models import Booking, BookingSeries, KeyHolder, Room
from tests.rooms_fixtures import rooms_world
from tests.web.support import (db_snapshot, field_error, form_alert,  # noqa: F401 (autouse)
                               fresh_rate_limits, main_of, query, strip_tags, text)


@pytest.fixture
def ids(app, world):
    return rooms_world(app, world)


@pytest.fixture
def base(world):
    return f"/locaties/{world.site}/ruimte"


def statuses(app, title: str) -> list[str]:
    return query(app, lambda s: list(s.scalars(
        sa.select(Booking.status).join(BookingSeries).where(BookingSeries.title == title)
        .order_by(Booking.starts_at))))


WEEKLY_AT_TEN = {"title": "Yoga", "first_day": "2026-06-18", "start_time": "11:00",
                 "end_time": "12:30", "recurrence": "weekly", "interval": "1", "count": "4"}


def test_a_booking_form_error_stands_next_to_its_field(app, login_as, ids, base):
    client = login_as("kerngroep")  # a login records itself on the account: before the snapshot
    before = db_snapshot(app)
    response = client.post(f"{base}/{ids.room}/boeken", data={
        **WEEKLY_AT_TEN, "start_time": "12:00", "end_time": "11:00"})
    assert response.status_code == 422
    assert field_error(text(response), "end_time") == \
        "De eindtijd ligt na de begintijd (op dezelfde dag)."
    assert db_snapshot(app) == before


def test_colliding_dates_are_shown_and_the_rest_can_be_booked(app, login_as, ids, base):
    client = login_as("kerngroep")
    before = db_snapshot(app)
    response = client.post(f"{base}/{ids.room}/boeken", data=WEEKLY_AT_TEN)
    page = text(response)
    assert response.status_code == 422 and db_snapshot(app) == before
    assert field_error(page, "first_day") == \
        "Geen van de datums is vrij. Kies een andere dag of tijd."
    rows = [strip_tags(r) for r in re.findall(r'<tr class="clash">(.*?)</tr>', page, re.S)]
    assert len(rows) == 4  # the coffee morning (10:00-12:00) collides every Thursday
    assert "al geboekt: Koffieochtend (10:00–12:00)" in rows[0]
    assert 'name="on_conflict"' not in page  # all four collide: nothing to choose
    seen = "2026-06-18,2026-06-25,2026-07-02,2026-07-09"
    response = client.post(f"{base}/{ids.room}/boeken", data={
        **WEEKLY_AT_TEN, "on_conflict": "skip", "seen_dates": seen})
    assert response.status_code == 422 and db_snapshot(app) == before


def test_skip_books_the_free_dates(app, login_as, ids, base):
    client = login_as("kerngroep")
    data = {**WEEKLY_AT_TEN, "title": "Schildersclub", "start_time": "18:00",
            "end_time": "20:00", "first_day": "2026-06-18", "count": "3"}
    page = text(client.post(f"{base}/{ids.room}/boeken", data=data))
    seen = re.search(r'name="seen_dates" value="([^"]*)"', page).group(1)
    assert seen == "2026-06-18,2026-07-02"  # the game night at 19:00 (25 June skipped)
    stale = client.post(f"{base}/{ids.room}/boeken", data={
        **data, "on_conflict": "skip", "seen_dates": "2026-06-18"})
    # not the dates that collide now: the question is asked again, nothing is booked
    assert stale.status_code == 200 and statuses(app, "Schildersclub") == []
    assert 'name="seen_dates" value="2026-06-18,2026-07-02"' in text(stale)
    response = client.post(f"{base}/{ids.room}/boeken", data={
        **data, "on_conflict": "skip", "seen_dates": seen})
    assert response.status_code == 302
    assert statuses(app, "Schildersclub") == ["skipped", "booked", "skipped"]
    flashed = text(client.get(response.headers["Location"]))
    assert "Schildersclub is geboekt (1 datum). 2 datums zijn overgeslagen." in flashed


def test_choosing_to_book_nothing(app, login_as, ids, base):
    client = login_as("kerngroep")
    before = db_snapshot(app)
    response = client.post(f"{base}/{ids.room}/boeken", data={
        **WEEKLY_AT_TEN, "on_conflict": "cancel", "seen_dates": "2026-06-18"})
    assert response.status_code == 302 and db_snapshot(app) == before
    assert "Er is niets geboekt." in text(client.get(response.headers["Location"]))


def test_moving_onto_a_taken_slot_is_refused_next_to_the_date(app, login_as, ids, base):
    client = login_as("bestuur")  # a login records itself on the account: before the snapshot
    before = db_snapshot(app)
    response = client.post(f"{base}/boekingen/{ids.coffee}/verplaatsen", data={
        "first_day": "2026-06-18", "start_time": "19:30", "end_time": "20:30", "scope": "one"})
    assert response.status_code == 422
    assert field_error(text(response), "first_day") == \
        "Deze tijd is niet vrij. Kies een andere datum of tijd."
    assert "al geboekt: Spelletjesavond (19:00–21:00)" in text(response)
    assert db_snapshot(app) == before


def test_cancelling_the_rest_of_a_series(app, login_as, ids, base):
    client = login_as("bestuur")
    response = client.post(f"{base}/boekingen/{ids.coffee_second}/annuleren",
                           data={"scope": "rest"})
    assert "7 datums zijn geannuleerd." in text(client.get(response.headers["Location"]))
    assert statuses(app, "Koffieochtend") == ["booked"] + ["cancelled"] * 7


def test_a_skipped_date_is_readded(app, login_as, ids, base):
    client = login_as("bestuur")
    response = client.post(f"{base}/boekingen/{ids.skipped}/terugzetten")
    assert "De datum is weer geboekt." in text(client.get(response.headers["Location"]))
    assert statuses(app, "Spelletjesavond") == ["booked"] * 3


def test_attendance_counts_are_validated(app, login_as, ids, base):
    client = login_as("communitycoach")
    response = client.post(f"{base}/boekingen/{ids.past}/aanwezigheid", data={
        "begeleid": "-1", "onbegeleid": "4", "neighbours": ""})
    assert response.status_code == 422
    assert field_error(text(response), "begeleid") == "Vul een aantal van 0 of meer in."
    assert field_error(text(response), "neighbours") == "Vul een aantal van 0 of meer in."
    future = login_as("bestuur").post(f"{base}/boekingen/{ids.coffee}/aanwezigheid", data={
        "begeleid": "1", "onbegeleid": "1", "neighbours": "0"})
    assert future.status_code == 422
    assert form_alert(text(future)) == "De aanwezigheid wordt na afloop vastgelegd."


def test_room_and_opening_hours_validation(app, login_as, ids, base):
    client = login_as("sociaal_beheerder")
    before = db_snapshot(app)
    response = client.post(f"{base}/nieuw", data={
        "name": "Ontmoetingsruimte", "typology": "buurthuis", "capacity": "30",
        "max_days_ahead": "90", "max_duration_minutes": "120"})
    assert field_error(text(response), "name") == \
        "Deze locatie heeft al een ruimte met deze naam."
    response = client.post(f"{base}/{ids.room}/openingstijden", data={"opens_2": "09:00"})
    assert response.status_code == 422
    assert field_error(text(response), "opens_2").startswith("Vul zowel de openings-")
    response = client.post(f"{base}/{ids.room}/blokkades", data={
        "starts_on": "2026-06-18", "ends_on": "2026-06-18", "reason": "onderhoud"})
    assert field_error(text(response), "starts_on").startswith("In deze periode staan nog 2")
    assert db_snapshot(app) == before


def test_returning_a_key(app, login_as, ids, base):
    client = login_as("bestuur")
    response = client.post(f"{base}/{ids.room}/sleutels/{ids.key}/ingeleverd",
                           data={"returned_on": "2026-06-10"})
    assert response.status_code == 302
    assert query(app, lambda s: str(s.get(KeyHolder, ids.key).returned_on)) == "2026-06-10"


def test_approval_with_a_collision_offers_the_choice(app, login_as, ids, base):
    client = login_as("bestuur")
    client.post(f"{base}/{ids.room}/boeken", data={
        "title": "Bestuursvergadering", "first_day": "2026-06-24", "start_time": "20:00",
        "end_time": "22:00", "recurrence": "single"})
    response = client.post(f"{base}/aanvragen/{ids.request}/goedkeuren", data={})
    assert response.status_code == 422
    assert "al geboekt: Bestuursvergadering" in text(response)
    declined = client.post(f"{base}/aanvragen/{ids.request}/afwijzen", data={})
    assert field_error(text(declined), "afwijzen-note") == "Geef de reden van de afwijzing."
    response = client.post(f"{base}/aanvragen/{ids.request}/afwijzen",
                           data={"afwijzen-note": "Die avond vergadert het bestuur."})
    assert response.status_code == 302
    assert statuses(app, "Energieavond") == ["declined"]


def test_the_week_view_shows_local_times_and_status(login_as, ids, base):
    page = main_of(text(login_as("kerngroep").get(f"{base}/{ids.room}?week=2026-W26")))
    assert "10:00–12:00" in page and "Koffieochtend" in page
    assert "19:00–21:00" in page and "Energieavond" in page and "aangevraagd" in page
    assert "Geblokkeerd: schoonmaak" in page
    assert "open 09:00–22:00" in page
    site_week = main_of(text(login_as("kerngroep").get(f"{base}/week?week=2026-W26")))
    assert "Ontmoetingsruimte" in site_week  # the room's name beside each entry


def test_the_week_across_the_clock_change_keeps_local_times(app, login_as, ids, base):
    client = login_as("bestuur")
    response = client.post(f"{base}/{ids.room}/boeken", data={
        "title": "Filmavond", "first_day": "2026-10-22", "start_time": "19:00",
        "end_time": "21:00", "recurrence": "weekly", "interval": "1", "count": "2"})
    assert response.status_code == 302
    for week in ("2026-W43", "2026-W44"):
        page = main_of(text(client.get(f"{base}/{ids.room}?week={week}")))
        assert "19:00–21:00" in page and "Filmavond" in page


def test_the_month_view_and_the_poster(login_as, ids, base):
    client = login_as("begeleider")
    month = main_of(text(client.get(f"{base}/{ids.room}/maand?maand=2026-07")))
    assert month.count("Koffieochtend") == 5  # 2, 9, 16, 23 and 30 July
    poster = text(client.get(f"{base}/{ids.room}/poster?week=2026-W26"))
    assert "Ontmoetingsruimte" in poster and "10:00–12:00" in poster
    assert "Energieavond" not in poster  # not approved
    assert "Bea, 06-12345678" in poster and "Laat de ruimte schoon achter." in poster


def test_the_poster_as_a_pdf(login_as, ids, base):
    pytest.importorskip("weasyprint", reason="WeasyPrint needs the system's Pango")
    response = login_as("kerngroep").get(f"{base}/{ids.room}/poster.pdf?week=2026-W26")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")


def test_usage_page_links_the_revitalisation_checklist(login_as, ids, base):
    login_as("communitycoach").post(f"{base}/boekingen/{ids.past}/aanwezigheid", data={
        "begeleid": "2", "onbegeleid": "6", "neighbours": "3"})
    page = main_of(text(login_as("stuurgroep").get(f"{base}/gebruik")))
    assert "weinig gebruikt" in page and "revitalisatie-checklist" in page
    figures = {k: v for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page)}
    assert figures["Deelnemers per activiteit"] == "11"
    assert figures["Aandeel begeleid onder deelnemers"] == "25,0%"
    assert figures["Aandeel begeleid op de locatie"] == "50,0%"
    checklist = main_of(text(login_as("stuurgroep").get(f"{base}/revitalisatie")))
    for cause in ("Beheergroep en bestuur", "Ongeschikte faciliteiten",
                  "Mismatch in vraag en aanbod van activiteiten", "Afhankelijkheid van derden",
                  "Strenge regelgeving"):
        assert cause in checklist


def test_the_pages_in_english(client, login_as, ids, base):
    client = login_as("bestuur")
    client.post("/taal", data={"lang": "en"})
    page = text(client.get(f"{base}/boekingen/{ids.coffee}"))
    assert "weekly, 8 times" in page and "Move" in page
    form = text(client.get(f"{base}/{ids.room}/boeken"))
    assert "Book" in form


def test_a_monthly_series_describes_its_weekday(app, login_as, ids, base):
    client = login_as("bestuur")
    response = client.post(f"{base}/{ids.room}/boeken", data={
        "title": "Buurtborrel", "first_day": "2026-06-29", "start_time": "17:00",
        "end_time": "19:00", "recurrence": "monthly", "count": "3"})
    page = text(client.get(response.headers["Location"]))
    assert "maandelijks op de laatste maandag, 3 keer" in page
    assert "maandag 27 juli 2026" in page and "maandag 31 augustus 2026" in page
