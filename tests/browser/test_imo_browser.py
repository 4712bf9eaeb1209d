"""A whole IMO in headless Chromium: plan the meeting, read the generated agenda, advise,
record the corporation's decision, place the candidate, and hand over to the
welkomstcommissie (the bestuur), all through the pages with accessible locators.

The world (tests/conftest.py): Het Hofje, Blok A (A1 Lies Linde begeleid, A2 Arie Anker
begeleid, A3 vacant) and Blok B (B1, B2 onbegeleid, B3 vacant): 2 of 4 begeleid, 50,0%.
The candidate, Kim Kandidaat, is begeleid (Zorggroep De Linde, 5,5 hours a week).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import Role, Site, db
from services.access import SiteAccess
from services.imo import candidates as cs
from services.imo import meetings as ms
from tests.browser.conftest import log_in, visit
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

KIM = "Kim Kandidaat"
POINTS = {
    1: "1. Balans op de locatie en in de delen met een vrijkomende woning",
    2: "2. Huidige verdeling begeleid / onbegeleid",
    5: "5. Kenmerken van de kandidaten (begeleid / onbegeleid, instroomroute)",
    6: "6. Advies aan de corporatie en andere partijen, extra afspraken",
}


@pytest.fixture
def kim(app, world) -> int:
    """Kim on the waiting list of Het Hofje, proposed by Zorggroep De Linde."""
    with app.app_context():
        try:
            candidate = cs.register_candidate(
                db.session, SiteAccess(world.site, frozenset({Role.SOCIAAL_BEHEERDER})),
                cs.CandidateData(name=KIM, intake_route="zorgaanbieder",
                                 support_status="begeleid", registered_on=date(2026, 6, 1),
                                 care_organisation_id=world.orgs["linde"],
                                 indicated_hours=Decimal("5.5"), problem_severity="matig",
                                 fallback_place="Opvang De Haven",
                                 motivation="Ik kook graag voor de buren"),
                actor_id=world.users["sociaal_beheerder"], today=TODAY)
            db.session.commit()
            return candidate.id
        finally:
            db.session.remove()


def menu(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def row(scope, header: str):
    """The table row of ``scope`` (a page or a locator) whose row header is ``header``."""
    page = getattr(scope, "page", scope)
    return scope.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=header, exact=True))


def stat(page, name: str):
    term = page.get_by_role("term").filter(has_text=re.compile(rf"^\s*{name}\s*$"))
    return page.locator("dl.stats > div").filter(has=term).get_by_role("definition")


def flash(page):
    return page.get_by_role("main").get_by_role("status")


def test_a_whole_imo_from_waiting_list_to_handover(new_page, world, kim):
    page = new_page()
    log_in(page, "sociaal_beheerder")
    visit(page, f"/locaties/{world.site}")
    expect(stat(page, "Begeleid")).to_have_text("2 (50,0%)")

    # --- the IMO overview: the waiting list and the vacancies
    menu(page).get_by_role("link", name="IMO", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake en matching (IMO)")
    vacancies = page.get_by_role("region", name="Vrijkomende woningen")
    expect(vacancies.get_by_role("rowheader")).to_have_text(["A3", "B3"])
    waiting = page.get_by_role("region", name="Wachtlijst")
    expect(waiting.get_by_role("link", name=KIM)).to_be_visible()

    # --- plan the IMO
    page.get_by_role("link", name="IMO plannen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("IMO plannen")
    expect(page.get_by_label("Datum van het IMO")).to_have_value("2026-06-15")
    expect(page.get_by_label("Voorzitter", exact=True)).to_have_value(str(world.users["sociaal_beheerder"]))
    page.get_by_label("Plaats", exact=True).fill("Huiskamer")
    page.get_by_role("button", name="Aanmaken").click()
    expect(flash(page)).to_have_text("Het IMO is aangemaakt; de agenda is gevuld.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("IMO van 15 jun 2026")

    # --- the generated agenda
    balance = page.get_by_role("region", name=POINTS[1])
    expect(balance).to_contain_text("Vrijkomende woningen: A3 (Blok A, nu), B3 (Blok B, nu)")
    # units, vacant, begeleid, onbegeleid, share, assessment
    expect(row(balance, "Het Hofje").get_by_role("cell")).to_have_text(
        ["6", "2", "2", "2", "50,0%", re.compile(".+")])
    numbers = page.get_by_role("region", name=POINTS[2])
    expect(row(numbers, "Blok A").get_by_role("cell")).to_have_text(
        ["3", "1", "2", "0", "100,0%", re.compile(".+")])
    expect(row(numbers, "Blok B").get_by_role("cell")).to_have_text(
        ["3", "1", "0", "2", "0,0%", re.compile(".+")])
    expect(row(numbers, "Het Hofje").get_by_role("cell").nth(4)).to_have_text("50,0%")
    features = page.get_by_role("region", name=POINTS[5])
    expect(features).to_contain_text(f"{KIM}: begeleid, voorgedragen door zorgaanbieder")
    what_if = features.get_by_role("table", name=f"Wat als {KIM} hier komt wonen?")
    expect(what_if).to_be_visible()
    b3 = what_if.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(
        r"^B3\b")))
    # after placing Kim in B3: Blok B 1 of 3 begeleid, the site 3 of 5
    expect(b3.get_by_role("cell").nth(0)).to_contain_text("1/3 (33,3%)")
    expect(b3.get_by_role("cell").nth(1)).to_contain_text("3/5 (60,0%)")

    # --- the advice
    advice = page.get_by_role("region", name=POINTS[6])
    expect(advice).to_contain_text(f"{KIM}: nog geen advies")
    advice.get_by_role("group", name="Advies").get_by_role(
        "radio", name="positief", exact=True).check()
    advice.get_by_label("Voor wooneenheid").select_option(label="B3")
    advice.get_by_label("Overwegingen").fill("Past goed in blok B")
    advice.get_by_role("button", name="Advies vastleggen").click()
    expect(flash(page)).to_have_text("Het advies is vastgelegd.")
    advice = page.get_by_role("region", name=POINTS[6])
    expect(advice).to_contain_text(f"{KIM}: positief — Past goed in blok B")

    # --- the dossier and the corporation's decision
    page.get_by_role("link", name=f"Dossier van {KIM}").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{KIM} kandidaat · advies gegeven")
    page.get_by_role("link", name="Besluit corporatie vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Besluit van de corporatie over {KIM}")
    page.get_by_role("radio", name="woning toewijzen").check()
    unit = page.get_by_label("Wooneenheid (bij toewijzen)")
    expect(unit).to_have_value(str(world.units["B3"]))  # taken over from the advice
    unit.select_option(label="B3")
    expect(page.get_by_label("Datum besluit")).to_have_value("2026-06-15")
    page.get_by_role("button", name="Vastleggen").click()
    expect(flash(page)).to_have_text("Het besluit van de corporatie is vastgelegd.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("besluit corporatie")

    # --- placing
    page.get_by_role("link", name="Plaatsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{KIM} plaatsen")
    expect(page.get_by_label("Verhuisdatum")).to_have_value("2026-06-15")
    page.get_by_role("button", name="Plaatsen").click()
    expect(flash(page)).to_have_text(f"{KIM} is geplaatst en ingeschreven als bewoner.")
    expect(page.get_by_role("heading", level=1)).to_have_text(KIM)

    # --- the dashboard's mix now counts Kim
    menu(page).get_by_text("Meer", exact=True).click()  # the overview is folded away
    menu(page).get_by_role("link", name="Het Hofje").click()
    expect(stat(page, "Bewoners")).to_have_text("5")
    expect(stat(page, "Bewoond")).to_have_text("5")
    expect(stat(page, "Leeg")).to_have_text("1")
    expect(stat(page, "Begeleid")).to_have_text("3 (60,0%)")

    # --- the bestuur hands over to the welkomstcommissie, without care details
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, "bestuur")
    menu(page).get_by_text("Meer", exact=True).click()  # the bestuur's IMO is folded away
    menu(page).get_by_role("link", name="IMO", exact=True).click()
    page.get_by_role("link", name="Overdracht welkomstcommissie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Nieuwe bewoners voor de welkomstcommissie")
    handover = row(page, KIM)
    expect(handover.get_by_role("cell").nth(0)).to_have_text("B3")
    expect(handover.get_by_role("cell").nth(1)).to_have_text("15 jun 2026")
    content = page.get_by_role("main").inner_text()
    for secret in ("Zorggroep De Linde", "zorgaanbieder", "Zorgaanbieder", "5,5", "5.5",
                   "Opvang De Haven", "matig", "uur"):
        assert secret not in content, f"the bestuur's handover shows {secret!r}"
    assert not re.search(r"\b(on)?begeleid\b", content, re.I), \
        "the bestuur's handover shows the care status"
    handover.get_by_label("Notitie (niet verplicht)").fill("Bloemen gebracht")
    handover.get_by_role("button", name="Welkom geheten").click()
    expect(flash(page)).to_have_text("De overdracht is afgerond.")
    expect(row(page, KIM).get_by_role("cell").nth(2)).to_contain_text("Bloemen gebracht")


# --- every form control on the IMO pages has a name of its own -------------------------

UNLABELLED = """
() => {
  const problems = [];
  const ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push(`id "${id}" used ${n} times`);
  for (const el of document.querySelectorAll('main input, main select, main textarea')) {
    if (el.type === 'hidden') continue;
    const named = el.labels.length > 0 || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    if (!named) problems.push(`${el.tagName.toLowerCase()} name="${el.name}" has no label`);
  }
  return problems;
}
"""


def test_form_controls_of_the_imo_pages_are_labelled(new_page, app, world, kim):
    with app.app_context():
        try:
            meeting = ms.create_meeting(db.session, db.session.get(Site, world.site),
                                        held_on=TODAY, location=None,
                                        chair_id=world.users["sociaal_beheerder"],
                                        deputy_chair=None, actor_id=None)
            db.session.commit()
            meeting_id = meeting.id
        finally:
            db.session.remove()
    page = new_page()
    log_in(page, "sociaal_beheerder")
    site = f"/locaties/{world.site}"
    found = {}
    for path in (f"{site}/imo/", f"{site}/imo/kandidaten/nieuw", f"{site}/imo/kandidaten/{kim}",
                 f"{site}/imo/kandidaten/{kim}/bewerken", f"{site}/imo/kandidaten/{kim}/besluit",
                 f"{site}/imo/kandidaten/{kim}/plaatsen", f"{site}/imo/vergaderingen/nieuw",
                 f"{site}/imo/vergaderingen/{meeting_id}", f"{site}/overdracht/"):
        visit(page, path)
        problems = page.evaluate(UNLABELLED)
        if problems:
            found[path] = problems
    assert not found, "unlabelled or ambiguous form controls:\n" + "\n".join(
        f"{path}: {problems}" for path, problems in found.items())
