"""A coach logs a week on a phone-sized screen; the report shows it against the norm of the
demo site's project year.

The demo "Het Hofje" seeded with today = 2026-06-15 started 2024-04-15: project year 3,
72 units, so the table's coach norm is 8 hours per week (40-80 units, years 2-3).
"""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import HourEntry, Site, User, db
from services.seed import demo
from tests.browser.conftest import PHONE, log_in
from tests.conftest import PASSWORD, TODAY

pytestmark = pytest.mark.browser
WEEK_24 = (date(2026, 6, 8), date(2026, 6, 14))


@pytest.fixture
def demo_site(app) -> int:
    with app.app_context():
        demo.seed_demo(db.session, today=TODAY, password=PASSWORD)
        db.session.commit()
        site_id = db.session.scalar(sa.select(Site.id).where(Site.name == demo.SITE_NAME))
        db.session.remove()
    return site_id


def coach_quarters(app, start: date, end: date) -> int:
    with app.app_context():
        try:
            return db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(HourEntry.quarters), 0))
                .join(User, User.id == HourEntry.person_id)
                .where(User.email == "coach@hofje.example", HourEntry.withdrawn_at.is_(None),
                       HourEntry.work_date >= start, HourEntry.work_date <= end))
        finally:
            db.session.remove()


def dutch(quarters: int) -> str:
    hours = quarters / 4
    return (f"{hours:.2f}".rstrip("0").rstrip(".")).replace(".", ",")


def test_coach_logs_a_week_on_a_phone(new_page, app, demo_site):
    page = new_page(viewport=PHONE)
    log_in(page, "communitycoach")
    before = coach_quarters(app, WEEK_24[0], WEEK_24[1])

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uren schrijven")
    expect(page.get_by_label("Datum")).to_have_value("2026-06-15")  # today by default
    page.get_by_role("navigation", name="Urenmenu").get_by_role("link", name="Week").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week 25 (15–21 jun 2026)")
    page.get_by_role("link", name="Vorige week").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week 24 (8–14 jun 2026)")

    page.get_by_label("Uren op maandag 8 juni").fill("2")
    page.get_by_label("Toelichting op maandag 8 juni").fill("huisbezoeken Blok C")
    page.get_by_label("Uren op dinsdag 9 juni").fill("1,5")
    page.get_by_label("Activiteit op dinsdag 9 juni").select_option(label="activiteit")
    page.get_by_label("Uren op woensdag 10 juni").fill("1:45")
    page.get_by_label("Uren op vrijdag 12 juni").fill("0,75")
    page.get_by_role("button", name="Week opslaan").click()

    expect(page.get_by_role("status")).to_have_text("4 regels zijn opgeslagen.")
    after = before + 8 + 6 + 7 + 3
    assert coach_quarters(app, WEEK_24[0], WEEK_24[1]) == after
    expect(page.get_by_text(f"Deze week geschreven: {dutch(after)} uur.")).to_be_visible()

    page.get_by_role("navigation", name="Urenmenu").get_by_role("link", name="Rapport").click()
    page.get_by_label("Rapport per", exact=True).select_option("week")
    page.get_by_label("Met de dag").fill("2026-06-10")  # any day of week 24
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("week 24 (8–14 jun 2026)")
    year = page.locator("dl.stats > div").filter(has_text="Projectjaar")
    expect(year.get_by_role("definition")).to_have_text("3")
    row = page.locator("#totals").get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="communitycoach", exact=True))
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(dutch(after))
    expect(cells.nth(1)).to_have_text("8")
    status = "binnen de norm" if 7.2 <= after / 4 <= 8.8 else (
        "onder de norm" if after / 4 < 7.2 else "boven de norm")
    expect(cells.nth(2)).to_have_text(status)
    # the coach line against the taper band is drawn on the server
    expect(page.locator("figure.chart svg polygon.norm-band")).to_have_count(1)
    expect(page.locator("figure.chart svg polyline.coach-line")).to_have_count(1)
