"""The phone menu works without JavaScript, and screenshots of each role's start page at
390 and 1366 px (written to the directory in NOABER_SCREENSHOTS, when set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in, visit

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}


def test_phone_menu_opens_without_javascript(new_page, world):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    log_in(page, "communitycoach")
    assert page.url.endswith(f"/locaties/{world.site}/mijn-werk"), page.url
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    front = menu.locator("ul.front > li")
    assert 1 <= front.count() <= 5
    current = menu.locator('a[aria-current="page"]')
    expect(current).to_have_text("Mijn werk")
    profile = menu.get_by_role("link", name="Mijn profiel")
    expect(profile).to_be_hidden()          # folded away under "Meer"
    menu.get_by_text("Meer", exact=True).click()
    expect(profile).to_be_visible()
    folder = os.environ.get("NOABER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "phone-menu-open-no-js-390.png"))
    # the start page, menu open, fits the phone screen: nothing overflows sideways
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    profile.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/profiel")


DEMO_PASSWORD = "demo-wachtwoord-1"


@pytest.fixture
def demo_site(app):
    """The demo site "Het Hofje" with its signals (without the small world)."""
    from datetime import datetime, time, timezone

    from models import Site, db
    from services.monitoring.sweep import sweep
    from services.seed import demo
    from tests.conftest import TODAY

    with app.app_context():
        demo.seed_demo(db.session, today=TODAY, password=DEMO_PASSWORD)
        sweep(db.session, TODAY, datetime.combine(TODAY, time(6), tzinfo=timezone.utc))
        db.session.commit()
        site_id = db.session.scalar(db.select(Site.id).where(Site.name == demo.SITE_NAME))
        db.session.remove()
    return site_id


DEMO_ROLES = {"sociaal_beheerder": "sociaalbeheerder", "communitycoach": "coach",
              "begeleider": "begeleider", "bestuur": "bestuur", "kerngroep": "kerngroep",
              "stuurgroep": "stuurgroep"}


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_start_page_screenshots(new_page, demo_site, role):
    """Each role's start page on the demo site fits a phone and a desktop screen."""
    folder = os.environ.get("NOABER_SCREENSHOTS")
    for name, viewport in (("390", PHONE), ("1366", DESKTOP)):
        page = new_page(viewport=viewport)
        visit(page, "/login")
        page.get_by_label("E-mailadres").fill(f"{DEMO_ROLES[role]}@hofje.example")
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        expect(page).to_have_url(f"{page.url.split('/locaties')[0]}/locaties/{demo_site}"
                                 "/mijn-werk")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Mijn werk")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (role, name, width)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"start-{role}-{name}.png"),
                            full_page=True)
