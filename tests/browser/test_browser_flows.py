"""End-to-end checks in headless Chromium against the live test server.

They use the ``world`` of tests/conftest.py: site "Het Hofje", units A1..A3 (Blok A) and
B1..B3 (Blok B), four residents of whom two are begeleid (50,0%); A3 and B3 are vacant.
"""
from __future__ import annotations

import re
import struct

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import Resident, Unit, db
from tests.browser.conftest import PHONE, log_in, visit

pytestmark = pytest.mark.browser


def stat(page, name: str):
    """The value (<dd>) of one figure in the dashboard's summary (<dl class="stats">)."""
    term = page.get_by_role("term").filter(has_text=re.compile(rf"^\s*{name}\s*$"))
    return page.locator("dl.stats > div").filter(has=term).get_by_role("definition")


def table_row(page, header: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=header, exact=True))


def resident_count(app, site_id: int) -> int:
    with app.app_context():
        try:
            return db.session.scalar(
                sa.select(sa.func.count()).select_from(Resident)
                .join(Unit, Unit.id == Resident.unit_id).where(Unit.site_id == site_id))
        finally:
            db.session.remove()


def open_dashboard(page, site_id: int) -> None:
    visit(page, f"/locaties/{site_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Het Hofje")


def test_sociaal_beheerder_moves_a_begeleid_resident_in(page, world, app):
    log_in(page, "sociaal_beheerder")
    # One site: login leads to its start page; the dashboard is one click away.
    expect(page).to_have_url(re.compile(rf"/locaties/{world.site}/mijn-werk$"))
    page.get_by_role("link", name="Het overzicht van de locatie").click()
    expect(page).to_have_url(re.compile(rf"/locaties/{world.site}$"))
    expect(stat(page, "Begeleid")).to_have_text("2 (50,0%)")
    expect(stat(page, "Leeg")).to_have_text("2")
    expect(table_row(page, "Het Hofje").get_by_role("cell").nth(4)).to_have_text("50,0%")

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Bewoners", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bewoners")
    expect(page.get_by_text("4 bewoners")).to_be_visible()
    page.get_by_role("link", name="Bewoner inschrijven").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bewoner inschrijven")

    unit = page.get_by_label("Wooneenheid")
    # Only the vacant units are offered.
    expect(unit.get_by_role("option")).to_have_text(
        ["— kies een vrije eenheid —", "A3 (Blok A, studio)", "B3 (Blok B, studio)"])
    unit.select_option(label="A3 (Blok A, studio)")
    expect(page.get_by_label("Verhuisdatum")).to_have_value("2026-06-15")
    page.get_by_label("Naam", exact=True).fill("Nina Nieuw")
    status = page.get_by_role("group", name="Status")
    # no status is chosen in advance: it is care data, a choice to make
    for option in ("onbegeleid", "begeleid"):
        expect(status.get_by_role("radio", name=option, exact=True)).not_to_be_checked()
    status.get_by_role("radio", name="begeleid", exact=True).check()
    page.get_by_label("Zorgaanbieder (alleen bij begeleid)").select_option(
        label="Zorggroep De Linde")
    page.get_by_label("Geïndiceerde uren begeleiding per week").fill("5")
    page.get_by_role("button", name="Inschrijven").click()

    expect(page.get_by_role("status")).to_have_text("Nina Nieuw is ingeschreven.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nina Nieuw")
    care = page.get_by_role("region", name="Begeleiding")
    expect(care.get_by_text("begeleid", exact=True).first).to_be_visible()
    period = care.get_by_role("row").nth(1)
    expect(period).to_contain_text("Zorggroep De Linde")
    expect(period.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^5([.,]0+)?$"))
    assert resident_count(app, world.site) == 5

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_text("Meer", exact=True).click()  # the site's overview is folded away
    menu.get_by_role("link", name="Het Hofje").click()
    expect(stat(page, "Begeleid")).to_have_text("3 (60,0%)")
    expect(stat(page, "Bewoners")).to_have_text("5")
    expect(stat(page, "Bewoond")).to_have_text("5")
    expect(stat(page, "Leeg")).to_have_text("1")
    expect(stat(page, "Wooneenheden")).to_have_text("6")
    cells = table_row(page, "Blok A").get_by_role("cell")
    expect(cells).to_have_text(["3", "0", "3", "0", "100,0%", re.compile(".+")])
    expect(table_row(page, "Het Hofje").get_by_role("cell").nth(4)).to_have_text("60,0%")


def test_bestuur_sees_only_aggregates(page, world):
    log_in(page, "bestuur")
    expect(page).to_have_url(re.compile(rf"/locaties/{world.site}/mijn-werk$"))
    open_dashboard(page, world.site)
    expect(stat(page, "Wooneenheden")).to_have_text("6")
    expect(stat(page, "Bewoond")).to_have_text("4")
    expect(stat(page, "Leeg")).to_have_text("2")
    expect(stat(page, "Bewoners")).to_have_text("4")
    # 4 residents: below the minimum cell of the published figures
    expect(stat(page, "Begeleid")).to_have_text("niet getoond")
    dashboard = page.locator("main").inner_text()
    for name in ("Zorggroep De Linde", "Stichting Het Anker", "Lies Linde", "Arie Anker"):
        assert name not in dashboard

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Bewoners", exact=True).click()
    expect(page.get_by_text("4 bewoners")).to_be_visible()
    expect(page.get_by_role("columnheader")).to_have_text(
        ["Naam", "Eenheid", "Deel", "Sinds", "Actief"])
    expect(page.get_by_label("Status")).to_have_count(0)  # no filter on care status
    listing = page.locator("main").inner_text()
    assert "Lies Linde" in listing and "Otto Open" in listing
    assert_no_care_data(listing)

    # A hand-made status filter is ignored (it would reveal who is begeleid).
    visit(page, f"/locaties/{world.site}/bewoners/?status=begeleid")
    expect(page.get_by_text("4 bewoners")).to_be_visible()

    page.get_by_role("link", name="Lies Linde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lies Linde")
    expect(page.get_by_role("region", name="Begeleiding")).to_have_count(0)
    expect(page.get_by_role("link", name="Statuswijziging")).to_have_count(0)
    assert_no_care_data(page.locator("main").inner_text())


def assert_no_care_data(text: str) -> None:
    for secret in ("Zorggroep De Linde", "Stichting Het Anker", "Zorgaanbieder",
                   "Uren/week", "6.00", "6,00", "4.50", "4,50", "4,5"):
        assert secret not in text, f"{secret!r} shown to bestuur"
    assert not re.search(r"begeleid", text, re.IGNORECASE), "care status shown to bestuur"


def test_empty_name_is_refused_and_nothing_saved(page, world, app, problems):
    # The invalid form is answered with 422 by design; Chromium logs that as an error.
    problems.allow(r"status of 422 .*bewoners/nieuw")
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}/bewoners/nieuw")
    page.get_by_label("Wooneenheid").select_option(label="A3 (Blok A, studio)")
    page.get_by_role("button", name="Inschrijven").click()

    expect(page.get_by_role("alert")).to_have_text("Controleer de gemarkeerde velden.")
    name = page.get_by_label("Naam", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Vul een naam in.")
    message = page.locator(".field", has=name).locator(".error")
    expect(message).to_have_text("Vul een naam in.")
    expect(message).to_be_visible()
    # The other input is kept.
    expect(page.get_by_label("Wooneenheid")).to_have_value(str(world.units["A3"]))

    assert resident_count(app, world.site) == 4
    visit(page, f"/locaties/{world.site}/bewoners/")
    expect(page.get_by_text("4 bewoners")).to_be_visible()


def test_phone_layout(new_page, world):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    visit(page, "/login")
    email, password = page.get_by_label("E-mailadres"), page.get_by_label("Wachtwoord")
    button = page.get_by_role("button", name="Inloggen")
    for control in (email, password, button):
        expect(control).to_be_in_viewport()
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 24, "touch target too small"
    assert_no_horizontal_scroll(page)
    log_in(page, "sociaal_beheerder")  # typing and tapping work on the phone layout

    for path in (f"/locaties/{world.site}", f"/locaties/{world.site}/bewoners/",
                 f"/locaties/{world.site}/bewoners/{world.residents['linde']}",
                 f"/locaties/{world.site}/bewoners/nieuw"):
        visit(page, path)
        assert_no_horizontal_scroll(page)


def assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: page is {widths[0]}px wide on a " \
                                   f"{widths[1]}px screen"


def test_skip_link_is_the_first_tab_stop(new_page, world):
    page = new_page(viewport=PHONE)
    log_in(page, "bestuur")
    for path in (f"/locaties/{world.site}", f"/locaties/{world.site}/bewoners/",
                 f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}"):
        visit(page, path)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Naar de inhoud")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        page.keyboard.press("Tab")  # on into the content, past the header
        assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_login_page_starts_in_the_email_field(page):
    # The login form autofocuses the e-mail field, so there the first Tab goes on to the
    # password field rather than to the skip link (focus is already in the content).
    visit(page, "/login")
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_screenshots_render(page, world, tmp_path):
    log_in(page, "sociaal_beheerder")
    shots = {}
    open_dashboard(page, world.site)
    shots["dashboard"] = tmp_path / "dashboard.png"
    page.screenshot(path=shots["dashboard"], full_page=True)
    visit(page, f"/locaties/{world.site}/bewoners/nieuw")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bewoner inschrijven")
    shots["form"] = tmp_path / "resident-form.png"
    page.screenshot(path=shots["form"], full_page=True)

    for name, path in shots.items():
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), f"{name} is not a PNG"
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert width > 0 and height > 0 and len(data) > 1000, f"{name} is empty"


def test_field_hint_is_announced_with_its_field(page, world):
    # A hint shown under a label must be tied to the input (aria-describedby), or a
    # screen reader user never hears it.
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}/bewoners/nieuw")
    hours = page.get_by_label("Geïndiceerde uren begeleiding per week")
    expect(hours).to_have_accessible_description(re.compile(r"Alleen bij begeleid"),
                                                 timeout=1000)
