"""On a phone (390 px wide) the rows of the tables where something is read or confirmed
are cards: nothing of it lies off-screen. Bank matching shows the amount and the proposed
member next to every *Klopt* box (in the same card, within the viewport), the mix per part
shows the share and the assessment, the hours list the hours and the actions, and radio
options stand one below the other with a target as wide as the field."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import AssociationMember, BankLine, db
from tests.association_fixtures import make_web_association
from tests.browser.conftest import PHONE, log_in, visit
from tests.browser.test_hours_browser import demo_site  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def on_screen(b: dict) -> bool:
    """Wholly within the phone's viewport (after scrolling it into view)."""
    return (b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] and b["y"] >= 0
            and b["y"] + b["height"] <= PHONE["height"] and b["width"] > 1)


def to_top(row) -> None:
    """Scroll the row (a card on a phone) to the top left of the viewport."""
    row.evaluate("r => r.scrollIntoView({block: 'start', inline: 'start'})")


def inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


def amounts_of(app, import_id: int) -> dict[str, object]:
    """line id -> amount of every line of the import."""
    with app.app_context():
        try:
            lines = db.session.scalars(sa.select(BankLine).where(
                BankLine.import_id == import_id)).all()
            return {str(line.id): line.amount for line in lines}
        finally:
            db.session.remove()


def member(app, member_id: str) -> tuple[str, str]:
    with app.app_context():
        try:
            m = db.session.get(AssociationMember, int(member_id))
            return str(m.number), m.resident.name
        finally:
            db.session.remove()


def words(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def dutch_euro(amount) -> str:
    whole, cents = f"{abs(amount):.2f}".split(".")
    return f"{'-' if amount < 0 else ''}€\xa0{int(whole):,}".replace(",", ".") + f",{cents}"


def test_bank_matching_shows_amount_and_member_next_to_every_box(new_page, app, world):
    ids = make_web_association(app, world)
    amounts = amounts_of(app, ids["bank_import"])
    page = new_page(viewport=PHONE)
    log_in(page, "bestuur")
    visit(page, f"/locaties/{world.site}/vereniging/bank/{ids['bank_import']}")
    boxes = page.locator("input[name=bevestig]")
    assert boxes.count() >= 2
    for i in range(boxes.count()):
        line_id = boxes.nth(i).get_attribute("value")
        checkbox = page.locator(f"#bevestig-{line_id}")
        number, name = member(app, page.locator(f"input[name=lid-{line_id}]").get_attribute(
            "value"))
        checkbox.scroll_into_view_if_needed()
        card = page.locator("tr", has=checkbox)
        label = page.locator(f"label[for=bevestig-{line_id}]")
        # what is confirmed, read where the box is: the amount and the member
        said = words(label.inner_text())
        assert words(dutch_euro(amounts[line_id])) in said, said
        assert name in said and f"lid {number}" in said, said
        expect(label).to_be_visible()
        card_box, label_box, check_box = box(card), box(label), box(checkbox)
        for what, b in (("label", label_box), ("checkbox", check_box)):
            assert on_screen(b), f"{what} of line {line_id} is off-screen: {b}"
            assert inside(b, card_box), f"{what} of line {line_id} is outside its card"
        # side by side: the label starts beside the box, on its line
        assert label_box["x"] > check_box["x"] + check_box["width"] - 1
        assert abs(label_box["y"] - check_box["y"]) < check_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_mix_per_part_shows_share_and_assessment(new_page, app, world):
    page = new_page(viewport=PHONE)
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}")
    table = page.locator("table").filter(has_text="Mix per deel van de locatie")
    rows = table.locator("tbody tr")
    assert rows.count() >= 3   # two parts and the whole site
    for i in range(rows.count()):
        row = rows.nth(i)
        share, assessment = row.locator("td").nth(4), row.locator("td").nth(5)
        expect(share).to_have_text(re.compile(r"\d+,\d%"))
        expect(assessment.locator(".badge")).to_be_visible()
        name = row.locator("th")
        to_top(row)   # the whole card in view: read with the part's name, no scrolling
        for cell in (name, share, assessment.locator(".badge")):
            assert on_screen(box(cell)), f"row {i}: {cell} off-screen: {box(cell)}"
            assert inside(box(cell), box(row))


def test_hours_list_shows_hours_and_actions(new_page, app, demo_site):
    page = new_page(viewport=PHONE)
    log_in(page, "communitycoach")
    visit(page, f"/locaties/{demo_site}/uren/")
    rows = page.locator("table.entries tbody tr").filter(has=page.get_by_role(
        "link", name="Wijzigen"))
    assert rows.count() >= 1
    for i in range(rows.count()):
        row = rows.nth(i)
        hours = row.locator("td").nth(4)             # Datum, Persoon, Categorie, Activiteit
        expect(hours).to_have_text(re.compile(r"^\s*(Uren:\s*)?\d+(,\d+)?\s*$"))
        day = row.locator("td").nth(0)
        to_top(row)   # the whole card in view: read with the day, no scrolling
        for target in (day, hours, row.get_by_role("link", name="Wijzigen"),
                       row.get_by_role("link", name="Uren intrekken")):
            assert on_screen(box(target)), f"row {i}: {target} off-screen: {box(target)}"
            assert inside(box(target), box(row))


def test_radio_options_stand_one_below_the_other(new_page, world):
    page = new_page(viewport=PHONE)
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}/bewoners/nieuw")
    group = page.get_by_role("group", name="Status")
    options = group.locator("label.radio")
    assert options.count() == 2
    group.scroll_into_view_if_needed()
    first, second = box(options.nth(0)), box(options.nth(1))
    assert second["y"] >= first["y"] + first["height"] - 1, "the options share a line"
    field = box(group)
    for b in (first, second):   # the whole line is the target
        assert b["width"] >= 0.8 * min(field["width"], 32 * 16) - 40
        assert b["height"] >= 44 - 1   # 2.75rem
    for radio in (group.get_by_label("onbegeleid"), group.get_by_label("begeleid", exact=True)):
        expect(radio).not_to_be_checked()
    # a tap on the text (far from the circle) chooses the option
    page.mouse.click(first["x"] + first["width"] - 5, first["y"] + first["height"] / 2)
    expect(group.get_by_label("onbegeleid")).to_be_checked()


def all_cells_on_screen(page, rows, what: str) -> None:
    """Every cell (and its content) of every row lies within its card and the viewport
    once the card is scrolled to the top."""
    assert rows.count() >= 1, f"no rows in {what}"
    for i in range(rows.count()):
        row = rows.nth(i)
        to_top(row)
        cells = row.locator("th, td")
        for j in range(cells.count()):
            cell = cells.nth(j)
            if not cell.is_visible():   # an empty cell is left out of the card
                continue
            b = box(cell)
            if b["y"] + b["height"] > PHONE["height"]:   # a long card: bring the cell up
                cell.scroll_into_view_if_needed()
                b = box(cell)
            assert on_screen(b), f"{what}, row {i}, cell {j} off-screen: {b}"
            assert inside(b, box(row)), f"{what}, row {i}, cell {j} outside its card"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_imo_meeting_tables_are_cards(new_page, app, demo_site):
    with app.app_context():
        try:
            from models import ImoMeeting
            meeting = db.session.scalar(sa.select(ImoMeeting.id).where(
                ImoMeeting.site_id == demo_site))
        finally:
            db.session.remove()
    page = new_page(viewport=PHONE)
    log_in(page, "sociaalbeheerder@hofje.example")
    visit(page, f"/locaties/{demo_site}/imo/vergaderingen/{meeting}")
    attendance = page.locator("#aanwezigheid table")
    all_cells_on_screen(page, attendance.locator("tbody tr"), "attendance")
    mix = page.locator(".agenda-item table").filter(
        has=page.get_by_role("columnheader", name="Beoordeling"))
    assert mix.count() >= 1
    for t in range(mix.count()):
        rows = mix.nth(t).locator("tbody tr")
        all_cells_on_screen(page, rows, f"mix table {t}")
        expect(rows.last.locator("td").last.locator(".badge")).to_be_visible()
    # the labels of the cards say what each figure is
    expect(mix.first.locator("tbody tr").first.locator("td[data-label=Eenheden]")).to_be_visible()


def test_association_members_are_cards(new_page, demo_site):
    page = new_page(viewport=PHONE)
    log_in(page, "bestuur@hofje.example")
    visit(page, f"/locaties/{demo_site}/vereniging/leden")
    table = page.locator("section[aria-labelledby=h-members] table")
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    all_cells_on_screen(page, rows.filter(has=page.locator("th a")), "members")
    first = rows.first
    expect(first.locator("td[data-label='Lid sinds']")).to_have_text(re.compile(r"\d{4}"))


def test_profile_preferences_stack_on_a_phone(new_page, world):
    page = new_page(viewport=PHONE)
    log_in(page, "communitycoach")
    visit(page, "/profiel")
    selects = page.locator("section[aria-labelledby=h-notify] select")
    assert selects.count() >= 2
    for i in range(selects.count()):
        select = selects.nth(i)
        label = page.locator(f"label[for={select.get_attribute('id')}]")
        select.scroll_into_view_if_needed()
        s, l = box(select), box(label)
        assert on_screen(s) and on_screen(l), (s, l)
        assert s["y"] >= l["y"] + l["height"] - 1, "the choice stands beside its label"
        assert s["width"] >= 0.8 * (PHONE["width"] - 2 * 16) - 40, f"a squeezed select: {s}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
