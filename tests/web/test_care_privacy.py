"""Individual care data (begeleid or not, care organisation, indicated hours) is health
data: per person only the sociaal_beheerder, admins and the begeleider of the resident's
own care organisation see it. communitycoach and bestuur see the residents, and the mix
only as aggregates on the dashboard.

The world: Lies Linde (begeleid by Zorggroep De Linde, 6 h/week), Arie Anker (begeleid
by Stichting Het Anker, 4.5 h/week), Vera Vrij and Otto Open (onbegeleid). The
begeleider account belongs to Zorggroep De Linde.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from models import Resident, SupportStatus, db
from services.registry import residents as resident_service
from services.registry.residents import SupportData
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, resident_rows, stats, table_rows, text

ALL_NAMES = {"Lies Linde", "Arie Anker", "Vera Vrij", "Otto Open"}
ORG_NAMES = ("Zorggroep De Linde", "Stichting Het Anker")
# Arie's 4.5 hours in every plausible rendering (Lies's "6" is too short to search for;
# the absence of the care section covers it)
HOURS = ("6.00", "6,00", "4.50", "4,50", "4.5", "4,5")
# a per-person status word; "Begeleiding" (a heading) does not match
STATUS_WORD = re.compile(r"\b(on)?begeleid\b", re.I)


def _residents_page(client, world, query=""):
    response = client.get(f"/locaties/{world.site}/bewoners/{query}")
    assert response.status_code == 200
    return text(response)


def _resident_page(client, world, key):
    response = client.get(f"/locaties/{world.site}/bewoners/{world.residents[key]}")
    assert response.status_code == 200
    return text(response)


def _assert_no_care_data(page: str, where: str):
    for name in ORG_NAMES:
        assert name not in page, f"{where}: shows care organisation {name!r}"
    content = main_of(page)
    for hours in HOURS:
        assert hours not in content, f"{where}: shows indicated hours {hours!r}"
    found = STATUS_WORD.search(content)
    assert found is None, f"{where}: shows the status word {found.group(0)!r}"
    assert "niet zichtbaar" not in content  # no column hinting at a hidden status either
    assert care_history(page) is None, f"{where}: shows a care history"


def care_history(page: str) -> list[tuple] | None:
    """The rows of a resident page's care section as (status, organisation, hours), or
    None when the page has no care section."""
    section = re.search(r'<section aria-labelledby="h-care">(.*?)</section>', main_of(page),
                        re.S)
    if section is None:
        return None
    return [(row[1], row[2], _hours(row[3])) for row in table_rows(section.group(1))]


def _hours(cell: str) -> Decimal | None:
    """'4,5', '4.50' or '4,50' -> Decimal('4.5'); '–' -> None."""
    cell = cell.strip()
    if cell in ("", "–", "-"):
        return None
    return Decimal(cell.replace(".", "").replace(",", ".") if "," in cell else cell)


@pytest.mark.parametrize("role", ["communitycoach", "bestuur"])
def test_list_and_resident_pages_hide_care_data(role, login_as, world):
    client = login_as(role)
    page = _residents_page(client, world)
    assert set(resident_rows(page)) == ALL_NAMES  # they do see who lives there
    _assert_no_care_data(page, "resident list")
    for key, name in (("linde", "Lies Linde"), ("anker", "Arie Anker"),
                      ("vrij1", "Vera Vrij"), ("vrij2", "Otto Open")):
        page = _resident_page(client, world, key)
        assert f"<h1>{name}</h1>" in page
        _assert_no_care_data(page, f"page of {name}")

    for status in ("begeleid", "onbegeleid"):
        page = _residents_page(client, world, f"?status={status}")
        # filtering would tell who is begeleid: the filter must not narrow the list
        assert set(resident_rows(page)) == ALL_NAMES, status
        _assert_no_care_data(page, f"list filtered on {status}")
        assert 'name="status"' not in page  # and no such filter is offered


def _parts_table(page: str) -> list[list[str]]:
    parts = re.search(r"<caption[^>]*>Mix per deel van de locatie</caption>.*?</table>", page, re.S)
    assert parts
    return [row[:6] for row in table_rows(parts.group(0))]


def test_dashboard_shows_aggregates_only(login_as, world):
    """With 4 residents (2 per part) every cell is below the minimum: the aggregate roles
    see the number of residents and no begeleid count, share or status."""
    for role in ("communitycoach", "bestuur", "kerngroep", "stuurgroep"):
        client = login_as(role)
        response = client.get(f"/locaties/{world.site}")
        assert response.status_code == 200, role
        page = text(response)
        figures = stats(page)
        assert (figures["Bewoners"], figures["Begeleid"]) == ("4", "niet getoond"), role
        # part, units, vacant, and the withheld cells
        assert _parts_table(page) == [
            ["Blok A", "3", "1", "niet getoond", "–"],
            ["Blok B", "3", "1", "niet getoond", "–"],
            ["Het Hofje", "6", "2", "niet getoond", "–"]], role
        for name in (*ALL_NAMES, *ORG_NAMES):
            assert name not in page, (role, name)


def test_the_sociaal_beheerder_sees_the_exact_mix(login_as, world):
    page = text(login_as("sociaal_beheerder").get(f"/locaties/{world.site}"))
    assert stats(page)["Begeleid"] == "2 (50,0%)"
    assert _parts_table(page) == [
        ["Blok A", "3", "1", "2", "0", "100,0%"],
        ["Blok B", "3", "1", "0", "2", "0,0%"],
        ["Het Hofje", "6", "2", "2", "2", "50,0%"]]


def test_begeleider_sees_care_data_of_own_organisation_only(login_as, world):
    client = login_as("begeleider")
    rows = resident_rows(_residents_page(client, world))
    assert set(rows) == ALL_NAMES
    assert "begeleid" in rows["Lies Linde"] and "Zorggroep De Linde" in rows["Lies Linde"]
    for name in ("Arie Anker", "Vera Vrij", "Otto Open"):
        assert rows[name][-1] == "niet zichtbaar", (name, rows[name])
        assert not STATUS_WORD.search(" ".join(rows[name]))
    page = _residents_page(client, world)
    assert "Stichting Het Anker" not in page

    lies = _resident_page(client, world, "linde")
    assert care_history(lies) == [("begeleid", "Zorggroep De Linde", Decimal(6))]

    arie = _resident_page(client, world, "anker")
    _assert_no_care_data(arie, "Arie Anker's page for the begeleider of De Linde")
    assert "Begeleiding" not in main_of(arie)

    # an onbegeleid resident has no care organisation: the begeleider does not see that
    # either (otherwise 'not visible' would itself reveal who is begeleid elsewhere)
    vera = _resident_page(client, world, "vrij1")
    _assert_no_care_data(vera, "Vera Vrij's page for the begeleider")


def test_begeleider_status_filter_reveals_nobody_else(login_as, world):
    client = login_as("begeleider")
    for status, expected in (("begeleid", {"Lies Linde"}),
                             # onbegeleid residents are not the begeleider's to see
                             ("onbegeleid", set())):
        page = _residents_page(client, world, f"?status={status}")
        assert set(resident_rows(page)) == expected, status
        assert "Arie Anker" not in page and "Stichting Het Anker" not in page
        assert "Vera Vrij" not in page and "Otto Open" not in page


def _change_status(app, world, key, valid_from, support):
    with app.app_context():
        resident = db.session.get(Resident, world.residents[key])
        resident_service.record_status_change(db.session, resident, valid_from=valid_from,
                                              support=support, note=None, actor_id=None)
        db.session.commit()
        db.session.remove()


def test_begeleider_does_not_see_the_history_with_another_organisation(app, login_as, world):
    # Arie Anker moved from Het Anker (4.5 h) to De Linde (3 h) this year
    _change_status(app, world, "anker", date(2026, 1, 1),
                   SupportData(SupportStatus.BEGELEID, world.orgs["linde"], Decimal("3")))
    client = login_as("begeleider")
    page = _resident_page(client, world, "anker")
    assert care_history(page) == [("begeleid", "Zorggroep De Linde", Decimal(3))]
    arie = main_of(page)
    assert "Stichting Het Anker" not in arie
    assert not any(hours in arie for hours in HOURS)
    rows = resident_rows(_residents_page(client, world))
    assert "Zorggroep De Linde" in rows["Arie Anker"]


def test_begeleider_loses_sight_when_the_resident_changes_organisation(app, login_as, world):
    # Lies Linde went from De Linde to Het Anker: De Linde's begeleider sees no care data
    _change_status(app, world, "linde", date(2026, 5, 1),
                   SupportData(SupportStatus.BEGELEID, world.orgs["anker"], Decimal("2")))
    client = login_as("begeleider")
    lies = _resident_page(client, world, "linde")
    _assert_no_care_data(lies, "Lies Linde's page after she changed organisation")
    rows = resident_rows(_residents_page(client, world))
    assert rows["Lies Linde"][-1] == "niet zichtbaar"
    assert set(resident_rows(_residents_page(client, world, "?status=begeleid"))) == set()


@pytest.mark.parametrize("role", ["sociaal_beheerder", "admin"])
def test_sociaal_beheerder_and_admin_see_all_care_data(role, login_as, world):
    client = login_as(role)
    rows = resident_rows(_residents_page(client, world))
    assert "begeleid" in rows["Lies Linde"] and "Zorggroep De Linde" in rows["Lies Linde"]
    assert "begeleid" in rows["Arie Anker"] and "Stichting Het Anker" in rows["Arie Anker"]
    assert "onbegeleid" in rows["Vera Vrij"] and "onbegeleid" in rows["Otto Open"]
    assert all("niet zichtbaar" not in cells for cells in rows.values())
    assert set(resident_rows(_residents_page(client, world, "?status=begeleid"))) == {
        "Lies Linde", "Arie Anker"}
    assert set(resident_rows(_residents_page(client, world, "?status=onbegeleid"))) == {
        "Vera Vrij", "Otto Open"}
    assert care_history(_resident_page(client, world, "anker")) == [
        ("begeleid", "Stichting Het Anker", Decimal("4.5"))]
    assert care_history(_resident_page(client, world, "linde")) == [
        ("begeleid", "Zorggroep De Linde", Decimal(6))]
    assert care_history(_resident_page(client, world, "vrij1")) == [
        ("onbegeleid", "–", None)]


def test_moved_out_list_hides_care_data_too(app, login_as, world):
    with app.app_context():
        resident = db.session.get(Resident, world.residents["anker"])
        resident_service.record_move_out(db.session, resident, move_out=date(2026, 6, 1),
                                         reason=None, actor_id=None)
        db.session.commit()
        db.session.remove()
    client = login_as("communitycoach")
    page = _residents_page(client, world, "?vertrokken=1")
    assert set(resident_rows(page)) == {"Arie Anker"}
    _assert_no_care_data(page, "moved-out list")
    _assert_no_care_data(_resident_page(client, world, "anker"), "moved-out resident page")
    client = login_as("begeleider")
    page = _residents_page(client, world, "?vertrokken=1")
    assert resident_rows(page)["Arie Anker"][-1] == "niet zichtbaar"
    assert "Stichting Het Anker" not in page
