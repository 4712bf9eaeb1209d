"""A unit promised to someone does not look empty on *Wooneenheden*: it says to whom it
is assigned (a candidate the corporation assigned it to, or a resident moving in later)
and when that resident moves in, as the IMO's list of vacancies does; only those who see
the IMO see the name. On the IMO data of tests/web/imo_support.py (Tom Toewijzing got
B3 and is not placed yet) plus a resident who moves into B4 after today."""
from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date

from models import db
from models.enums import SupportStatus
from services import accounts
from services.registry import residents as resident_service
from tests.conftest import PASSWORD, TODAY
from tests.web.imo_support import TOELATING, login, make_imo
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, stats, table_rows, text

NEWCOMER = "Noor Nieuw"
MOVES_IN = TODAY + timedelta(days=16)
CORPORATION_ADMIN = "beheer@woonstichting-test.example"


@pytest.fixture
def ids(app, world):
    ids = make_imo(app, world)
    with app.app_context():
        resident_service.add_resident(
            db.session, site_id=world.site, unit_id=ids["unit_B4"], move_in=MOVES_IN,
            person=resident_service.PersonalData(name=NEWCOMER),
            support=resident_service.SupportData(SupportStatus.ONBEGELEID), actor_id=None,
            today=TODAY)
        accounts.save_user(db.session, None, email=CORPORATION_ADMIN, name="Beheer Test",
                           password=PASSWORD, is_admin=False, active=True, actor_id=None,
                           admin_of_corporation_id=world.orgs["corp"])
        db.session.commit()
        db.session.remove()
    return ids


def occupancy(client, site_id: int) -> dict[str, str]:
    """unit number -> the text of its Bezetting cell on the units page."""
    response = client.get(f"/locaties/{site_id}/eenheden")
    assert response.status_code == 200
    rows = table_rows(main_of(text(response)))
    return {row[0]: row[3] for row in rows if len(row) >= 4}


def moving_in_text() -> str:
    return f"verhuist op {format_date(MOVES_IN, 'd MMM yyyy', locale='nl')}"


@pytest.mark.parametrize("role", ["sociaal_beheerder", "admin"])
def test_the_imo_members_see_to_whom_and_when(role, client, ids, world):
    login(client, role)
    cells = occupancy(client, world.site)
    assert cells["B3"] == "toegewezen aan Tom Toewijzing"
    assert cells["B4"] == f"toegewezen aan {NEWCOMER} · {moving_in_text()}"
    page = text(client.get(f"/locaties/{world.site}/eenheden"))
    for unit in ("B3", "B4"):   # no invitation to register someone else there
        assert f"eenheid={ids[f'unit_{unit}']}\"" not in page


def test_the_imo_list_of_vacancies_says_when_the_resident_moves_in(client, ids, world):
    login(client, TOELATING)
    page = main_of(text(client.get(f"/locaties/{world.site}/imo/")))
    assert f"toegewezen aan {NEWCOMER} · {moving_in_text()}" in page


def test_the_corporation_administrator_sees_that_it_is_taken_not_by_whom(client, auth, ids,
                                                                         world):
    auth.logout()
    assert auth.login(CORPORATION_ADMIN).status_code == 302
    cells = occupancy(client, world.site)
    assert cells["B3"] == cells["B4"] == "toegewezen"
    page = main_of(text(client.get(f"/locaties/{world.site}/eenheden")))
    for secret in (NEWCOMER, "Tom Toewijzing", moving_in_text()):
        assert secret not in page


def test_the_dashboard_says_how_many_empty_units_are_promised(client, ids, world):
    login(client, "sociaal_beheerder")
    cells = occupancy(client, world.site)
    empty = [u for u, cell in cells.items() if not cell.startswith("bewoond")]
    promised = [u for u in empty if cells[u].startswith("toegewezen")]
    assert promised   # the data have some
    figures = stats(text(client.get(f"/locaties/{world.site}")))
    assert figures["Leeg"] == f"{len(empty)} (waarvan {len(promised)} toegewezen)"
