"""A corporation's administrator changes a coach's role end date and sees it on "Wie
heeft toegang", and renames a part of the site; screenshots of the pages at 390 and 1366 px (written to the directory in
NOABER_SCREENSHOTS, when set)."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in, visit
from tests.web.corporation_support import ADMIN_A, corporation_setup, roles_begun_on

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, name: str) -> None:
    """A screenshot of the whole page, which must fit the screen's width."""
    width = page.viewport_size["width"]
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.evaluate("window.scrollTo(0, 0)")
    folder = os.environ.get("NOABER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_corporation_admin_changes_a_coach_end_date(app, new_page, world, viewport):
    corporation_setup(app, world)
    roles_begun_on(app, date(2026, 1, 1))
    width = viewport["width"]
    page = new_page(viewport=viewport)
    log_in(page, ADMIN_A)
    visit(page, f"/locaties/{world.site}/toegang")
    review = page.locator("#access-review")
    review.get_by_role("link", name="Test communitycoach").click()
    page.wait_for_url(f"**/rollen#account-{world.users['communitycoach']}")
    assert page.url.endswith(f"/rollen#account-{world.users['communitycoach']}"), page.url
    _shot(page, f"roles-{width}")
    page.get_by_role("link", name="Einddatum wijzigen Test communitycoach").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einddatum van een rol")
    page.get_by_label("Tot en met").fill("2026-09-30")
    _shot(page, f"role-end-{width}")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "De einddatum van de rol van Test communitycoach is opgeslagen.")
    page.get_by_role("link", name="Wie heeft toegang").first.click()
    coach = page.locator("#access-review tr", has_text="Test communitycoach")
    expect(coach).to_contain_text("tot en met 30 sep 2026")
    _shot(page, f"access-review-{width}")
    visit(page, f"/locaties/{world.site}/instellingen")
    _shot(page, f"site-settings-{width}")
    visit(page, f"/locaties/{world.site}/eenheden")
    page.get_by_role("link", name="Blok A (naam wijzigen)").click()
    page.get_by_label("Naam van het deel").fill("Blok Noord")
    _shot(page, f"part-{width}")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".alert-success")).to_have_text("Deel Blok Noord is opgeslagen.")
    _shot(page, f"units-{width}")
