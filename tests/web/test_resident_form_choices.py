"""The resident form asks for the care status without choosing it for you (a required
choice, one radio per line), says why it offers a shared unit the dashboard counts as
occupied, and a resident who moves in later shows the move-in date instead of an empty
current status."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from models import Resident, Site, db
from services.registry import sites as site_service
from tests.conftest import TODAY
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import (db_snapshot, field_error, form_alert, main_of,
                               select_options, stats, text)
from tests.web.test_forms import move_in_data

SB = "sociaal_beheerder"


def new_form(client, site_id: int) -> str:
    response = client.get(f"/locaties/{site_id}/bewoners/nieuw")
    assert response.status_code == 200
    return text(response)


def test_the_care_status_is_not_chosen_in_advance(login_as, world):
    page = new_form(login_as(SB), world.site)
    radios = re.findall(r'<input[^>]*name="status"[^>]*>', page)
    assert sorted(re.search(r'value="(\w+)"', r).group(1) for r in radios) == [
        "begeleid", "onbegeleid"]
    assert not [r for r in radios if "checked" in r], radios
    # one option per label: every radio is the first thing in its own label.radio
    assert len(re.findall(r'<label class="radio"><input[^>]*name="status"', page)) == 2


def test_moving_in_without_a_care_status_is_refused_in_dutch(app, login_as, world):
    client = login_as(SB)
    data = move_in_data(world, care_organisation_id="", indicated_hours="")
    del data["status"]
    before = db_snapshot(app)
    response = client.post(f"/locaties/{world.site}/bewoners/nieuw", data=data)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "status") == "Kies begeleid of onbegeleid."
    assert form_alert(page)
    assert db_snapshot(app) == before


def test_a_shared_unit_in_the_list_is_explained(app, login_as, world):
    with app.app_context():
        shared = site_service.save_unit(
            db.session, db.session.get(Site, world.site), None,
            site_service.UnitData("B9", "2-kamer", world.parts["Blok B"], shared=True),
            actor_id=None)
        db.session.commit()
        shared_id = shared.id
        db.session.remove()
    client = login_as(SB)
    empty = int(stats(text(client.get(f"/locaties/{world.site}")))["Leeg"])
    page = new_form(client, world.site)
    options = select_options(page, "unit_id")[1:]           # after "— kies … —"
    own = [o for o in options if "gedeeld" not in o]
    assert len(own) == empty - 1   # the new shared unit is empty too, and counted there
    assert [o for o in options if o.startswith("B9")] == ["B9 (Blok B, 2-kamer, gedeeld)"]
    assert "Een gedeelde eenheid staat er altijd bij" in page
    assert f'value="{shared_id}"' in page


def test_without_a_shared_unit_there_is_nothing_to_explain(login_as, world):
    page = new_form(login_as(SB), world.site)
    assert "gedeelde eenheid" not in page


@pytest.mark.parametrize("role", [SB, "begeleider"])
def test_a_future_move_in_shows_its_date_and_the_status_from_then(role, app, login_as, world):
    later = TODAY + timedelta(days=20)
    sb = login_as(SB)
    response = sb.post(f"/locaties/{world.site}/bewoners/nieuw", data=move_in_data(
        world, move_in_date=later.isoformat()))
    assert response.status_code == 302
    resident_id = db_id(app, "Bram Bakker")
    page = main_of(text(login_as(role).get(
        f"/locaties/{world.site}/bewoners/{resident_id}")))
    assert f"Verhuist op {format_date(later, 'd MMM yyyy', locale='nl')}" in \
        " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Ingeschreven sinds" not in page and "Huidige status" not in page
    assert re.search(r"Status vanaf de verhuizing: <strong>begeleid</strong>", page)


def db_id(app, name: str) -> int:
    with app.app_context():
        try:
            return db.session.scalar(sa.select(Resident.id).where(Resident.name == name))
        finally:
            db.session.remove()
