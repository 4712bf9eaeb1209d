"""The dates of a candidate's next step (status, the corporation's decision, placing):
each form proposes the earliest date it accepts and says which; a date before the last
step is refused at its field, listed in a linked error summary, and nothing is saved.
The decision form shows the IMO's advice; the place form names the unit.

Kim is advised at the IMO of 25 June 2026, ten days after today (15 June): the advice
step is dated the 25th, so today would be refused.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Candidate, CorporationDecision, Resident, Role, Site, db
from services.access import SiteAccess
from services.imo import candidates as cs
from services.imo import meetings as ms
from tests.conftest import TODAY
from tests.web.support import (db_snapshot, field_error, fresh_rate_limits,  # noqa: F401
                               query, redirect_path, text)

IMO_DAY = date(2026, 6, 25)
EARLIEST = "De datum ligt vóór de vorige stap van deze kandidaat. Kies 25 jun 2026 of later."


@pytest.fixture
def kim(app, world) -> int:
    """Kim, advised positively for B3 at the IMO of 25 June."""
    with app.app_context():
        try:
            kim = cs.register_candidate(
                db.session, SiteAccess(world.site, frozenset({Role.SOCIAAL_BEHEERDER})),
                cs.CandidateData(name="Kim Kandidaat", intake_route="zorgaanbieder",
                                 support_status="begeleid", registered_on=date(2026, 6, 1),
                                 care_organisation_id=world.orgs["linde"],
                                 indicated_hours=Decimal("5.5"), problem_severity="matig",
                                 fallback_place=None, motivation="Ik kook graag"),
                actor_id=None, today=TODAY)
            meeting = ms.create_meeting(db.session, db.session.get(Site, world.site),
                                        held_on=IMO_DAY, location=None, chair_id=None,
                                        deputy_chair=None, actor_id=None)
            entry = next(e for e in meeting.candidates if e.candidate_id == kim.id)
            ms.record_advice(db.session, entry, advice="positief_onder_voorwaarden",
                             conditions="Eerst een kennismaking", reasoning="Past in blok B",
                             unit_id=world.units["B3"], actor_id=None)
            db.session.commit()
            return kim.id
        finally:
            db.session.remove()


@pytest.fixture
def sb(login_as):
    return login_as("sociaal_beheerder")


def dossier(world, kim, suffix=""):
    return f"/locaties/{world.site}/imo/kandidaten/{kim}{suffix}"


def summary_links(page: str) -> list[str]:
    box = re.search(r'<div class="alert alert-error error-summary".*?</div>', page, re.S)
    assert box, "no error summary"
    return re.findall(r'<a href="(#[^"]+)">', box.group(0))


def test_the_decision_form_proposes_the_day_of_the_advice_and_shows_it(sb, world, kim):
    page = text(sb.get(dossier(world, kim, "/besluit")))
    assert 'id="decided_on"' in page and 'value="2026-06-25"' in page
    assert "Kies 25 jun 2026 of later." in page
    assert "Advies van het IMO van 25 jun 2026" in page
    assert "positief onder voorwaarden" in page and "voor wooneenheid B3" in page
    assert "Eerst een kennismaking" in page and "Past in blok B" in page


def test_a_decision_before_the_advice_is_refused_at_its_field(app, sb, world, kim):
    before = db_snapshot(app)
    response = sb.post(dossier(world, kim, "/besluit"), data={
        "decision": "toewijzen", "decided_on": "2026-06-20",
        "unit_id": str(world.units["B3"]), "reason_id": "", "reasoning": ""})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "decided_on") == EARLIEST
    assert summary_links(page) == ["#decided_on"]
    assert 'aria-invalid="true"' in page
    assert db_snapshot(app) == before


def test_the_proposed_dates_go_through_decision_and_placing(app, sb, world, kim):
    page = text(sb.get(dossier(world, kim, "/besluit")))
    assert 'value="2026-06-25"' in page
    response = sb.post(dossier(world, kim, "/besluit"), data={
        "decision": "toewijzen", "decided_on": "2026-06-25",
        "unit_id": str(world.units["B3"]), "reason_id": "", "reasoning": ""})
    assert redirect_path(response) == dossier(world, kim)
    assert query(app, lambda s: s.scalar(sa.select(CorporationDecision.decided_on))) == IMO_DAY

    place = text(sb.get(dossier(world, kim, "/plaatsen")))
    assert "Woning: B3" in place
    assert 'value="2026-06-25"' in place and "Kies 25 jun 2026 of later." in place
    before = db_snapshot(app)
    refused = sb.post(dossier(world, kim, "/plaatsen"), data={"move_in": "2026-06-24"})
    assert refused.status_code == 422
    assert field_error(text(refused), "move_in") == EARLIEST
    assert summary_links(text(refused)) == ["#move_in"]
    assert db_snapshot(app) == before
    placed = sb.post(dossier(world, kim, "/plaatsen"), data={"move_in": "2026-06-25"})
    assert placed.status_code == 302
    assert query(app, lambda s: s.scalar(sa.select(Resident.name).where(
        Resident.name == "Kim Kandidaat"))) == "Kim Kandidaat"


def test_the_status_form_proposes_the_earliest_day_and_marks_a_refusal(app, sb, world, kim):
    page = text(sb.get(dossier(world, kim)))
    assert 'id="status-on"' in page and 'value="2026-06-25"' in page
    assert "Kies 25 jun 2026 of later." in page
    before = db_snapshot(app)
    response = sb.post(dossier(world, kim, "/status"), data={
        "status-status": "aangehouden", "status-on": "2026-06-16", "status-note": ""})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "status-on") == EARLIEST
    assert summary_links(page) == ["#status-on"]
    assert db_snapshot(app) == before  # not even a logged read
    response = sb.post(dossier(world, kim, "/status"), data={
        "status-status": "aangehouden", "status-on": "2026-06-25", "status-note": ""})
    assert redirect_path(response) == dossier(world, kim)
    assert query(app, lambda s: s.scalar(sa.select(Candidate.status))) == "aangehouden"


def test_an_unknown_status_is_marked_at_its_field(app, sb, world, kim):
    response = sb.post(dossier(world, kim, "/status"), data={
        "status-status": "geplaatst", "status-on": "2026-06-25"})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "status-status") is not None
    assert summary_links(page) == ["#status-status"]
