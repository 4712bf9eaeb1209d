"""The sociaal beheerder reads a new site in from the corporation's XLSX export and the
association's member list from a CSV: sees the dry run, confirms, and finds the mix on
the dashboard; the same export again changes nothing; the next month's export with two
moves changes exactly those."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import AssociationMember, Resident, User, db
from services import accounts
from services.registry import sites as site_service
from tests.browser.conftest import log_in, visit

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def bongerd(app, world):
    with app.app_context():
        site = site_service.save_site(db.session, None, site_service.SiteData(
            "De Bongerd", "Rijnstad", date(2024, 1, 1), world.orgs["corp"],
            world.orgs["vereniging"]), actor_id=None)
        accounts.grant_role(db.session, db.session.get(User, world.users["sociaal_beheerder"]),
                            site_id=site.id, role="sociaal_beheerder", organisation_id=None,
                            actor_id=None)
        db.session.commit()
        site_id = site.id
        db.session.remove()
    return site_id


def scalar(app, statement):
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


def upload(page, site_id: int, kind: str, name: str) -> None:
    visit(page, f"/locaties/{site_id}/import/")
    page.get_by_label("Wat leest u in?").select_option(label=kind)
    page.get_by_label("Bestand (.csv of .xlsx)").set_input_files(str(DATA / name))
    page.get_by_role("button", name="Bekijken wat er verandert").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Proefrun: {name}")


def dashboard(page, site_id: int, term: str):
    visit(page, f"/locaties/{site_id}")
    return page.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def test_import_a_site_and_its_members(new_page, app, bongerd):
    page = new_page()
    log_in(page, "sociaal_beheerder")

    upload(page, bongerd, "Wooneenheden en bewoners", "bongerd_export_2026_05.xlsx")
    expect(page.locator("p.counts")).to_have_text(
        "12 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 geweigerd, 1 overgeslagen.")
    expect(page.get_by_role("row").filter(has_text="Dezelfde regel als regel 8")) \
        .to_contain_text("overgeslagen")
    expect(page.get_by_label("VHE")).to_have_value("unit")
    assert scalar(app, sa.select(sa.func.count()).select_from(Resident)) == 5  # the world's
    page.get_by_role("button", name="Bevestigen en inlezen").click()
    expect(page.get_by_role("status")).to_have_text(
        "Ingelezen: 12 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 geweigerd.")
    expect(page.get_by_role("row").filter(has_text="bongerd_export_2026_05.xlsx")) \
        .to_contain_text("Test sociaal_beheerder")

    upload(page, bongerd, "Leden van de vereniging", "bongerd_leden_2026.csv")
    expect(page.locator("p.counts")).to_contain_text("7 nieuw")
    page.get_by_role("button", name="Bevestigen en inlezen").click()
    expect(page.get_by_role("status")).to_contain_text("Ingelezen: 7 nieuw")
    assert scalar(app, sa.select(sa.func.count()).select_from(AssociationMember)) == 7

    expect(dashboard(page, bongerd, "Bewoners")).to_have_text("10")
    expect(dashboard(page, bongerd, "Wooneenheden")).to_have_text("12")
    expect(page.locator("dt", has_text=re.compile("^Begeleid$")).locator(
        "xpath=following-sibling::dd[1]")).to_have_text(re.compile(r"^4 \(40"))

    # the same export again: nothing changes
    upload(page, bongerd, "Wooneenheden en bewoners", "bongerd_export_2026_05.xlsx")
    expect(page.locator("p.counts")).to_have_text(
        "0 nieuw, 0 gewijzigd, 12 ongewijzigd, 0 geweigerd, 1 overgeslagen.")
    page.get_by_role("button", name="Bevestigen (er verandert niets)").click()
    expect(page.get_by_role("status")).to_have_text(
        "Ingelezen: 0 nieuw, 0 gewijzigd, 12 ongewijzigd, 0 geweigerd.")

    # next month's export: two moves, exactly those
    upload(page, bongerd, "Wooneenheden en bewoners", "bongerd_export_2026_06.xlsx")
    expect(page.locator("p.counts")).to_have_text(
        "2 nieuw, 0 gewijzigd, 10 ongewijzigd, 0 geweigerd, 1 overgeslagen.")
    expect(page.get_by_role("row").filter(has_text="Hanna Claassen vertrekt per 01-06-2026")) \
        .to_contain_text("Pieter Lammers komt wonen in A-03 per 01-06-2026")
    page.get_by_role("button", name="Bevestigen en inlezen").click()
    expect(page.get_by_role("status")).to_contain_text("Ingelezen: 2 nieuw")
    assert scalar(app, sa.select(Resident.move_out_date).where(
        Resident.name == "Lotte Gerritsen")) == date(2026, 5, 15)
    expect(dashboard(page, bongerd, "Bewoners")).to_have_text("10")
