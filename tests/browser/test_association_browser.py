"""The treasurer imports the bank's CSV on a phone, confirms the proposed matches, books
an expense line in the cash book and sees the members' balances follow; importing the
same file again adds nothing. On the data of tests/association_fixtures.py."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import BankLine, CashEntry, Payment, db
from tests.association_fixtures import make_association
from tests.browser.conftest import PHONE, log_in

pytestmark = pytest.mark.browser
BANK_FILE = Path(__file__).resolve().parents[1] / "data" / "ing_2026_06.csv"


@pytest.fixture
def ids(app, world):
    return make_association(app, world)


def scalar(app, statement):
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


def test_treasurer_imports_a_bank_file_and_confirms_matches(new_page, problems, app, ids):
    problems.allow(r"status of 422 .*/vereniging/bank")   # the second upload, refused
    page = new_page(viewport=PHONE)
    log_in(page, "bestuur")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link",
                                                                 name="Vereniging").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bewonersvereniging Test")
    page.get_by_role("link", name="Bankbestand inlezen").click()
    page.get_by_label("Bankbestand (.csv of .xml)").set_input_files(str(BANK_FILE))
    page.get_by_role("button", name="Inlezen").click()
    expect(page.get_by_role("status")).to_have_text("5 nieuwe bankregels ingelezen.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bankregels controleren")

    # proposals: Arie twice by his member number, Vera by name and amount; each box is
    # labelled with what it confirms (amount, payer, member)
    expect(page.get_by_label("→ Arie Anker (lid")).to_have_count(2)
    vera = page.get_by_label("€\xa045,00 · V VRIJ → Vera Vrij (lid")
    expect(vera).to_be_checked()
    expect(page.get_by_role("row").filter(has_text="V VRIJ")).to_contain_text(
        "naam en bedrag kloppen")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status")).to_have_text("3 betalingen zijn vastgelegd.")
    expect(page.locator("tr.line-betaling")).to_have_count(3)
    assert scalar(app, sa.select(sa.func.count()).select_from(Payment).where(
        Payment.bank_line_id.is_not(None))) == 3

    # the purchase is no member's payment: book it as an activity expense
    page.get_by_role("link", name="Bol.com").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("49,95")
    page.get_by_label("Categorie").select_option(label="Activiteiten")
    page.get_by_role("button", name="In het kasboek zetten").click()
    expect(page.get_by_role("status")).to_have_text("De bankregel staat in het kasboek.")
    entry = scalar(app, sa.select(CashEntry).join(BankLine).where(BankLine.amount < 0))
    assert (entry.amount, entry.account) == (Decimal("49.95"), "bank")

    # the gift of the neighbourhood fund stays visible until it is handled
    page.get_by_role("link", name="Terug naar de bank").click()
    open_lines = page.get_by_role("region", name="Nog te verwerken")
    expect(open_lines.get_by_role("link", name="Stichting Buurtfonds")).to_be_visible()

    # the same file again adds nothing, with the reason next to the field
    page.get_by_label("Bankbestand (.csv of .xml)").set_input_files(str(BANK_FILE))
    page.get_by_role("button", name="Inlezen").click()
    expect(page.locator("#file-error")).to_contain_text("is al ingelezen op")
    assert scalar(app, sa.select(sa.func.count()).select_from(BankLine)) == 5

    # Arie is paid up now; Vera still owes June, not yet due
    page.get_by_role("navigation", name="Verenigingsmenu").get_by_role("link",
                                                                       name="Leden").click()
    arie = page.get_by_role("row").filter(has_text="Arie Anker")
    expect(arie.get_by_role("cell").nth(3)).to_have_text("–")
    page.get_by_role("link", name="Vera Vrij").click()
    expect(page.locator("dl.stats > div").filter(has_text="Nog te betalen")
           .get_by_role("definition")).to_have_text("€\xa05,00")
