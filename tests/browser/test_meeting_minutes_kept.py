"""Minutes typed on a meeting page survive every other form of the page, in headless
Chromium (without any script of the app's own: the page is one form whose buttons all
send the typed minutes along).

For the IMO and for a kerngroep meeting: type minutes at two points, then send every
other form of the page in turn (advice, attendance, an agenda item, a candidate, a
decision, an action item, an escalation, also refused ones); each time the typed minutes
are still in their fields and, when the post was taken, stored; the page comes back at
the form that was sent. (A refused IMO form still saves the minutes, as the IMO page
answers a refusal with a message above the page; a refused governance form saves
nothing and shows the page again with the minutes as typed.)
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import AgendaItem, MeetingItem, Role, Site, db
from services.access import SiteAccess
from services.imo import candidates as cs
from services.imo import meetings as ms
from tests.browser.conftest import log_in, visit
from tests.conftest import TODAY
from tests.web.governance_support import make_governance

pytestmark = pytest.mark.browser

KIM = "Kim Kandidaat"


@pytest.fixture
def imo_meeting(app, world) -> int:
    """An IMO of today with Kim (begeleid, on the waiting list) on its agenda."""
    with app.app_context():
        try:
            cs.register_candidate(
                db.session, SiteAccess(world.site, frozenset({Role.SOCIAAL_BEHEERDER})),
                cs.CandidateData(name=KIM, intake_route="zorgaanbieder",
                                 support_status="begeleid", registered_on=date(2026, 6, 1),
                                 care_organisation_id=world.orgs["linde"],
                                 indicated_hours=Decimal("5.5"), problem_severity="matig",
                                 fallback_place=None, motivation="Ik kook graag"),
                actor_id=world.users["sociaal_beheerder"], today=TODAY)
            meeting = ms.create_meeting(db.session, db.session.get(Site, world.site),
                                        held_on=TODAY, location=None,
                                        chair_id=world.users["sociaal_beheerder"],
                                        deputy_chair=None, actor_id=None)
            db.session.commit()
            return meeting.id
        finally:
            db.session.remove()


def stored(app, model, meeting_id: int) -> dict[int, str | None]:
    """The stored minutes by position."""
    with app.app_context():
        try:
            return {p: m for p, m in db.session.execute(
                sa.select(model.position, model.minutes).where(
                    model.meeting_id == meeting_id))}
        finally:
            db.session.remove()


def messages(page):
    return page.get_by_role("main").get_by_role("status")


def test_imo_minutes_survive_every_form_of_the_page(new_page, app, world, imo_meeting):
    page = new_page()
    log_in(page, "sociaal_beheerder")
    url = f"/locaties/{world.site}/imo/vergaderingen/{imo_meeting}"
    visit(page, url)
    one, four = "Twee woningen komen vrij.", "Geen bijzonderheden bij de mutaties."
    page.get_by_label("Verslag bij punt 1", exact=True).fill(one)
    page.get_by_label("Verslag bij punt 4", exact=True).fill(four)

    def still_there(minutes=None):
        expect(page.get_by_label("Verslag bij punt 1", exact=True)).to_have_value(one)
        expect(page.get_by_label("Verslag bij punt 4", exact=True)).to_have_value(four)
        saved = stored(app, AgendaItem, imo_meeting)
        assert (saved[1], saved[4]) == (one, four)

    # the advice: saved, the minutes too, back at Kim's advice
    advice = page.locator("#punt-6")
    advice.get_by_role("radio", name="positief", exact=True).check()
    advice.get_by_label("Overwegingen").fill("Past goed in blok B")
    advice.get_by_role("button", name="Advies vastleggen").click()
    expect(messages(page)).to_have_text(["Het advies is vastgelegd.",
                                         "Het verslag is ook opgeslagen."])
    expect(page).to_have_url(re.compile(r"#advies-\d+$"))
    still_there()

    # more typing, then the attendance
    one = one + " A3 en B3."
    page.get_by_label("Verslag bij punt 1", exact=True).fill(one)
    page.get_by_label("Aanwezigheid van Test communitycoach").select_option(
        label="afwezig met bericht")
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(messages(page).first).to_have_text("De aanwezigheid is opgeslagen.")
    expect(page).to_have_url(re.compile(r"#aanwezigheid$"))
    expect(page.get_by_label("Aanwezigheid van Test communitycoach")).to_have_value(
        "afwezig_met_bericht")
    still_there()

    # an agenda item, refused (no title) and then added
    four = four + " Iedereen tevreden."
    page.get_by_label("Verslag bij punt 4", exact=True).fill(four)
    page.get_by_role("region", name="Agendapunt toevoegen").get_by_role(
        "button", name="Toevoegen").click()
    expect(messages(page)).to_contain_text(["Onderwerp: Vul een onderwerp in.",
                                            "Het verslag is opgeslagen."])
    still_there()
    page.get_by_label("Onderwerp").fill("Rondvraag")
    page.get_by_role("region", name="Agendapunt toevoegen").get_by_role(
        "button", name="Toevoegen").click()
    expect(messages(page).first).to_have_text("Het agendapunt is toegevoegd.")
    expect(page).to_have_url(re.compile(r"#punt-8$"))
    expect(page.locator("#punt-8").get_by_role("heading")).to_have_text("8. Rondvraag")
    still_there()

    # a candidate (none left to choose: refused, the minutes stay)
    one = one + " Wachtlijst besproken."
    page.get_by_label("Verslag bij punt 1", exact=True).fill(one)
    page.get_by_role("region", name="Kandidaat aan de agenda toevoegen").get_by_role(
        "button", name="Toevoegen").click()
    expect(messages(page)).to_contain_text(["Het verslag is opgeslagen."])
    expect(page).to_have_url(re.compile(r"#kandidaat-toevoegen$"))
    still_there()

    # an item's own button: back at that item
    four = four + " Afgerond."
    page.get_by_label("Verslag bij punt 4", exact=True).fill(four)
    page.get_by_role("button", name="Verslag bij punt 4 opslaan").click()
    expect(messages(page)).to_have_text("Het verslag is opgeslagen.")
    expect(page).to_have_url(re.compile(r"#punt-4$"))
    still_there()

    # the agenda beside the page leads to each point
    agenda = page.get_by_role("navigation", name="Agenda van deze vergadering")
    expect(agenda.get_by_role("link", name=re.compile(r"^8\. Rondvraag"))).to_have_attribute(
        "href", "#punt-8")

    # locking saves what was typed last
    page.get_by_label("Verslag bij punt 8", exact=True).fill("Niets.")
    page.get_by_role("button", name="Verslag vaststellen").click()
    expect(messages(page).first).to_have_text(
        "Het verslag is vastgesteld en kan niet meer worden gewijzigd.")
    assert stored(app, AgendaItem, imo_meeting)[8] == "Niets."
    expect(page.locator("#punt-8")).to_contain_text("Verslag: Niets.")


def test_governance_minutes_survive_every_form_of_the_page(new_page, problems, app, world):
    problems.allow(r"status of 422")  # the refused forms, on purpose
    gov = make_governance(app, world)
    page = new_page()
    log_in(page, "sociaal_beheerder")
    url = f"/locaties/{world.site}/overleg/{gov['kg']}/vergaderingen/{gov['june']}"
    visit(page, url)
    first, second = page.locator("#punt-1"), page.locator("#punt-2")
    one, two = "Huisregels besproken.", "De zorg komt met een voorstel."
    first.get_by_label("Verslag bij dit punt").fill(one)
    second.get_by_label("Verslag bij dit punt").fill(two)
    first.get_by_label(re.compile("^Afgehandeld")).check()

    def still_there(saved=True):
        """The minutes in their fields; stored too, unless the post was refused (a
        refusal saves nothing, the page comes back with the minutes as typed)."""
        expect(page.locator("#punt-1").get_by_label("Verslag bij dit punt")).to_have_value(one)
        expect(page.locator("#punt-2").get_by_label("Verslag bij dit punt")).to_have_value(two)
        expect(page.locator("#punt-1").get_by_label(re.compile("^Afgehandeld"))).to_be_checked()
        if saved:
            stored_now = stored(app, MeetingItem, gov["june"])
            assert (stored_now[1], stored_now[2]) == (one, two)

    # attendance
    page.get_by_role("region", name="Aanwezigheid").get_by_role("combobox").first \
        .select_option(label="aanwezig")
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(messages(page)).to_have_text(["De aanwezigheid is opgeslagen.",
                                         "Het verslag is ook opgeslagen."])
    expect(page).to_have_url(re.compile(r"#aanwezigheid$"))
    still_there()

    # an agenda item: refused without a title (the page comes back, 422), then added
    two = two + " Volgende keer verder."
    page.locator("#punt-2").get_by_label("Verslag bij dit punt").fill(two)
    added = page.get_by_role("region", name="Agendapunt toevoegen")
    added.get_by_role("button", name="Toevoegen").click()
    summary = page.get_by_role("alert").filter(has_text="Er is iets niet goed ingevuld")
    expect(summary.get_by_role("link", name="Onderwerp: Vul een onderwerp in.")) \
        .to_have_attribute("href", "#punt-title")
    still_there(saved=False)
    page.get_by_role("region", name="Agendapunt toevoegen").get_by_label("Onderwerp") \
        .fill("Rondvraag")
    page.get_by_role("region", name="Agendapunt toevoegen").get_by_role(
        "button", name="Toevoegen").click()
    expect(messages(page)).to_have_text(["Het agendapunt is toegevoegd.",
                                         "Het verslag is ook opgeslagen."])
    expect(page).to_have_url(re.compile(r"#punt-3$"))
    still_there()

    # a decision
    one = one + " Ze gelden vanaf 1 juli."
    page.locator("#punt-1").get_by_label("Verslag bij dit punt").fill(one)
    decisions = page.get_by_role("region", name="Besluiten")
    decisions.get_by_label("Besluit", exact=True).fill("De huisregels gelden vanaf 1 juli.")
    decisions.get_by_role("button", name="Besluit vastleggen").click()
    expect(messages(page)).to_have_text(["Het besluit is vastgelegd.",
                                         "Het verslag is ook opgeslagen."])
    expect(page).to_have_url(re.compile(r"#besluiten$"))
    still_there()

    # an action item: refused without an owner, then made
    two = two + " Coach vraagt het na."
    page.locator("#punt-2").get_by_label("Verslag bij dit punt").fill(two)
    made = page.get_by_role("region", name="Actiepunten uit deze vergadering")
    made.get_by_label("Actiepunt", exact=True).fill("Voorstel zorg opvragen")
    made.get_by_role("button", name="Actiepunt vastleggen").click()
    expect(page.get_by_role("alert").filter(has_text="Er is iets niet goed ingevuld")) \
        .to_contain_text("Eigenaar")
    still_there(saved=False)
    made = page.get_by_role("region", name="Actiepunten uit deze vergadering")
    expect(made.get_by_label("Actiepunt", exact=True)).to_have_value("Voorstel zorg opvragen")
    made.get_by_label("Eigenaar").select_option(index=1)
    made.get_by_role("button", name="Actiepunt vastleggen").click()
    expect(messages(page)).to_have_text(["Het actiepunt is vastgelegd.",
                                         "Het verslag is ook opgeslagen."])
    expect(page).to_have_url(re.compile(r"#actiepunten$"))
    still_there()

    # an escalation of point 2, refused without a reason
    page.locator("#punt-2").get_by_text("Escaleren naar de").click()
    page.locator("#punt-2").get_by_role("button", name="Escaleren").click()
    expect(page.locator("#punt-2")).to_contain_text("Schrijf de reden van de escalatie op.")
    still_there(saved=False)
    page.get_by_role("button", name="Verslag bij punt 2 opslaan").click()
    expect(messages(page)).to_have_text("Het verslag is opgeslagen.")
    expect(page).to_have_url(re.compile(r"#punt-2$"))
    still_there()

    # the agenda beside the page
    agenda = page.get_by_role("navigation", name="Agenda van deze vergadering")
    expect(agenda.get_by_role("link", name="Besluiten")).to_have_attribute("href", "#besluiten")
    expect(agenda.get_by_role("link", name=re.compile(r"^3\. Rondvraag"))).to_have_attribute(
        "href", "#punt-3")
