"""A kerngroep meeting end to end in headless Chromium: plan it and find the open point of
the previous meeting on the agenda, write the minutes, take a decision and make an action
item, escalate a point to the stuurgroep, and find it on the stuurgroep's next agenda;
the action item's owner then finds it under "Mijn actiepunten".

The world (tests/conftest.py) has Het Hofje with an account per role. Before the test,
the kerngroep (seats: the kerngroep account, the coach as adviseur) met on 12 May 2026
and left "Huisregels ontmoetingsruimte" open with an open action item; the stuurgroep
has a meeting planned on 10 November 2026.
"""
from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from models import db
from services.governance import actions, bodies, meetings
from services.governance.localtime import local_instant
from tests.browser.conftest import log_in, visit
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

KG, SG = "Kerngroep Het Hofje", "Stuurgroep Het Hofje"


@pytest.fixture
def governance(app, world) -> dict:
    with app.app_context():
        try:
            made = {kind: bodies.create_body(db.session, bodies.BodyData(kind, name, None,
                                                                         [world.site]),
                                             today=date(2026, 1, 1), actor_id=None)
                    for kind, name in (("kerngroep", KG), ("stuurgroep", SG))}
            may = meetings.create_meeting(db.session, made["kerngroep"],
                                          starts_at=local_instant(date(2026, 5, 12), time(19, 30)),
                                          duration_minutes=120, place="Ontmoetingsruimte",
                                          today=date(2026, 5, 1), actor_id=None)
            item = meetings.add_item(db.session, may, "Huisregels ontmoetingsruimte",
                                     actor_id=None)
            meetings.save_minutes(db.session, may, {item.id: "Eerste versie besproken."}, set(),
                                  actor_id=None)
            actions.create_action(db.session, may, text="Offerte keuken opvragen",
                                  owner_id=world.users["communitycoach"],
                                  due_on=date(2026, 6, 1), actor_id=None)
            meetings.create_meeting(db.session, made["stuurgroep"],
                                    starts_at=local_instant(date(2026, 11, 10), time(16, 0)),
                                    duration_minutes=120, place="Gemeentehuis",
                                    today=TODAY, actor_id=None)
            db.session.commit()
            return {kind: body.id for kind, body in made.items()}
        finally:
            db.session.remove()


def point(page, title: str):
    """An agenda item's section, named by its heading."""
    return page.get_by_role("region", name=title, exact=True)


def flash(page):
    return page.get_by_role("status")


def test_kerngroep_meeting_from_agenda_to_escalation(new_page, problems, world, governance):
    problems.allow(r"status of 422 .*/escaleren")   # the empty reason, refused on purpose
    page = new_page()
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}")
    # the dashboard shows the cadence: a second kerngroep meeting is due by 1 July
    overleg = page.get_by_role("region", name="Overleg")
    expect(overleg.get_by_role("listitem").filter(has_text=KG)).to_contain_text(
        "niets gepland Kerngroep Het Hofje 1 gehouden, 0 gepland · norm 4-6 per jaar · "
        "plan een vergadering vóór 1 jul 2026")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_text("Meer", exact=True).click()  # the sociaal beheerder's menu folds it
    menu.get_by_role("link", name="Overleg").click()
    page.get_by_role("link", name=KG).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(KG)

    # plan the meeting: the open point of 12 May comes along
    page.get_by_role("link", name="Vergadering plannen").click()
    page.get_by_label("Datum").fill("2026-06-16")
    expect(page.get_by_label("Aanvang")).to_have_value("19:30")
    expect(page.get_by_label("Plaats")).to_have_value("Ontmoetingsruimte")
    page.get_by_role("button", name="Plannen").click()
    expect(flash(page)).to_contain_text("De vergadering is gepland")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kerngroep Het Hofje: vergadering van 16 jun 2026")
    carried = point(page, "1. Huisregels ontmoetingsruimte")
    expect(carried.get_by_text("overgeschoven van 12 mei 2026")).to_be_visible()
    earlier = page.get_by_role("region", name="Openstaande actiepunten van eerdere vergaderingen")
    expect(earlier.get_by_role("row").filter(has_text="Offerte keuken opvragen")).to_contain_text(
        "te laat")

    # a point of its own
    page.get_by_label("Onderwerp").fill("Budget buurtfeest")
    page.get_by_role("button", name="Toevoegen").click()
    expect(flash(page)).to_have_text("Het agendapunt is toegevoegd.")

    # minutes: the house rules are done, the budget stays open
    carried = point(page, "1. Huisregels ontmoetingsruimte")
    carried.get_by_label("Verslag bij dit punt").fill("Huisregels vastgesteld.")
    carried.get_by_label(re.compile("^Afgehandeld")).check()
    budget = point(page, "2. Budget buurtfeest")
    budget.get_by_label("Verslag bij dit punt").fill("Meer geld nodig dan de kerngroep heeft.")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(flash(page)).to_have_text("Het verslag is opgeslagen.")
    expect(point(page, "1. Huisregels ontmoetingsruimte").get_by_label(
        re.compile("^Afgehandeld"))).to_be_checked()

    # a decision and an action item that follows from it
    decisions = page.get_by_role("region", name="Besluiten")
    decisions.get_by_label("Besluit", exact=True).fill("De huisregels gelden vanaf 1 juli.")
    decisions.get_by_label("Bij agendapunt").select_option(
        label="1. Huisregels ontmoetingsruimte")
    decisions.get_by_role("button", name="Besluit vastleggen").click()
    expect(flash(page)).to_have_text("Het besluit is vastgelegd.")
    expect(page.get_by_role("region", name="Besluiten")).to_contain_text(
        "KG-2026-01: De huisregels gelden vanaf 1 juli.")
    made = page.get_by_role("region", name="Actiepunten uit deze vergadering")
    made.get_by_label("Actiepunt", exact=True).fill("Huisregels ophangen in de ontmoetingsruimte")
    made.get_by_label("Eigenaar").select_option(label="Test kerngroep")
    made.get_by_label("Uiterlijk klaar op").fill("2026-07-01")
    made.get_by_label("Volgt uit besluit").select_option(label="KG-2026-01")
    made.get_by_role("button", name="Actiepunt vastleggen").click()
    expect(flash(page)).to_have_text("Het actiepunt is vastgelegd.")
    expect(page.get_by_role("region", name="Actiepunten uit deze vergadering").get_by_role(
        "row").filter(has_text="Huisregels ophangen")).to_contain_text("Test kerngroep")

    # an empty reason is refused next to the field, nothing is escalated
    budget = point(page, "2. Budget buurtfeest")
    budget.get_by_text("Escaleren naar de stuurgroep").click()
    budget.get_by_role("button", name="Escaleren").click()
    budget = point(page, "2. Budget buurtfeest")
    expect(budget.get_by_text("Schrijf de reden van de escalatie op.")).to_be_visible()
    budget.get_by_label("Reden van de escalatie").fill(
        "Het buurtfeest vraagt om geld van de partners.")
    budget.get_by_role("button", name="Escaleren").click()
    expect(flash(page)).to_have_text("'Budget buurtfeest' is geëscaleerd naar de stuurgroep; "
                                     "het komt op de eerstvolgende agenda.")
    expect(point(page, "2. Budget buurtfeest").get_by_text(
        "geëscaleerd naar Stuurgroep Het Hofje op 15 jun 2026")).to_be_visible()

    # ... and it is on the stuurgroep's next agenda
    page.get_by_role("link", name="Overleg", exact=True).first.click()
    page.get_by_role("link", name=SG).click()
    page.get_by_role("link", name=re.compile("10 nov 2026")).click()
    escalated = point(page, "1. Budget buurtfeest")
    expect(escalated.get_by_text("geëscaleerd door Kerngroep Het Hofje")).to_be_visible()
    expect(escalated).to_contain_text("Het buurtfeest vraagt om geld van de partners.")
    expect(escalated.get_by_text("Uitkomst terugkoppelen aan Kerngroep Het Hofje")).to_be_visible()

    # with the 16 June meeting planned, the kerngroep is on track again
    visit(page, f"/locaties/{world.site}")
    expect(page.get_by_role("region", name="Overleg").get_by_role("listitem").filter(
        has_text=KG)).to_contain_text("op schema")

    # the owner finds the action item under "Mijn actiepunten"
    owner = new_page()
    log_in(owner, "kerngroep")
    owner_menu = owner.get_by_role("navigation", name="Hoofdmenu")
    owner_menu.get_by_text("Meer", exact=True).click()
    owner_menu.get_by_role("link", name="Mijn actiepunten").click()
    expect(owner.get_by_role("row").filter(has_text="Huisregels ophangen")).to_contain_text(
        "1 jul 2026")
