"""Role x page for every hours page, GET and POST: allowed 200/302, forbidden 403 with
nothing changed, anonymous to /login; reports never name a resident; bestuur sees the
site totals only."""
from urllib.parse import urlsplit

import pytest

from tests.conftest import ALL_ROLES
from tests.hours_fixtures import RESIDENT_NAMES, hour_tables, hours_world

LOGGERS = {"admin", "sociaal_beheerder", "communitycoach", "begeleider"}
REPORTERS = LOGGERS | {"bestuur", "kerngroep", "stuurgroep"}
MANAGERS = {"admin", "sociaal_beheerder"}

# (url template, roles allowed); {open}/{closed} are the coach's entries
PAGES = [
    ("/uren/", LOGGERS),
    ("/uren/nieuw", LOGGERS),
    ("/uren/week?week=2026-W23", LOGGERS),
    ("/uren/{open}/bewerken", {"communitycoach"}),
    ("/uren/{open}/intrekken", {"communitycoach"}),
    ("/uren/{closed}/corrigeren", {"communitycoach", "sociaal_beheerder", "admin"}),
    ("/uren/rapport?soort=maand&periode=2026-05", REPORTERS),
    ("/uren/rapport.xlsx?soort=jaar&periode=2026", REPORTERS),
    ("/uren/rapport.csv?soort=week&periode=2026-W23", REPORTERS),
    ("/uren/export.xlsx?soort=maand&periode=2026-05", LOGGERS),
    ("/uren/export.csv?soort=maand&periode=2026-06", LOGGERS),
    ("/uren/maanden", MANAGERS),
    ("/uren/normen", MANAGERS),
]

# (url template, form data, roles allowed); a valid request for the allowed roles
POSTS = [
    ("/uren/nieuw", {"work_date": "2026-06-10", "duration": "1,5", "category": "overig",
                     "activity_type": "buurt"}, LOGGERS),
    ("/uren/week?week=2026-W24", {"category": "overig", "rows-0-duration": "2",
                                  **{f"rows-{i}-activity_type": "overleg" for i in range(7)}},
     LOGGERS),
    ("/uren/{open}/bewerken", {"work_date": "2026-06-03", "duration": "1:30",
                               "category": "communitycoach", "activity_type": "overleg"},
     {"communitycoach"}),
    ("/uren/{open}/intrekken", {}, {"communitycoach"}),
    ("/uren/{closed}/corrigeren", {"duration": "2", "category": "communitycoach",
                                   "activity_type": "activiteit", "note": "te veel"},
     {"communitycoach", "sociaal_beheerder", "admin"}),
    ("/uren/maanden", {"month": "2026-04"}, MANAGERS),
    ("/uren/normen", {"afwijking-kind": "opgeschaald", "afwijking-starts_on": "2026-06-08",
                      "afwijking-hours_per_week": "12", "afwijking-reason": "nieuwe bewoners"},
     MANAGERS),
    ("/uren/normen/fte", {"fte-fte_hours": "38"}, MANAGERS),
    ("/uren/normen/{override}/einde", {"einde{override}-ends_on": "2026-07-01"}, MANAGERS),
]


@pytest.fixture
def ids(app, world):
    return hours_world(app, world)


def url(template: str, world, ids) -> str:
    return f"/locaties/{world.site}" + template.format(open=ids.open_entry,
                                                       closed=ids.closed_entry,
                                                       override=ids.override)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("template, allowed", PAGES)
def test_page_access(login_as, world, ids, role, template, allowed):
    response = login_as(role).get(url(template, world, ids))
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("template, data, allowed", POSTS)
def test_post_access(app, login_as, world, ids, role, template, data, allowed):
    client = login_as(role)
    before = hour_tables(app)
    form = {key.format(override=ids.override): value for key, value in data.items()}
    response = client.post(url(template, world, ids), data=form)
    if role in allowed:
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert hour_tables(app) != before
    else:
        assert response.status_code == 403
        assert hour_tables(app) == before


@pytest.mark.parametrize("template", [t for t, _ in PAGES] + [t for t, _, _ in POSTS])
def test_anonymous_goes_to_login(client, world, ids, template):
    response = client.get(url(template, world, ids))
    if response.status_code == 405:  # a POST-only route
        response = client.post(url(template, world, ids))
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("role", sorted(REPORTERS))
@pytest.mark.parametrize("template", [
    "/uren/rapport?soort=maand&periode=2026-05", "/uren/rapport?soort=jaar&periode=2026",
    "/uren/rapport.csv?soort=maand&periode=2026-05"])
def test_reports_never_name_residents(login_as, world, ids, role, template):
    page = login_as(role).get(url(template, world, ids)).get_data(as_text=True)
    assert "Uren" in page or "Totalen" in page
    for name in RESIDENT_NAMES:
        assert name not in page


def test_bestuur_sees_site_totals_only(login_as, world, ids):
    page = login_as("bestuur").get(
        url("/uren/rapport?soort=maand&periode=2026-05", world, ids)).get_data(as_text=True)
    assert "Totalen van de locatie" in page
    for hidden in ("Per organisatie", "10%-inzet", "Communitycoach (verantwoording",
                   "Intensief beheer (verantwoording", "Zorggroep De Linde", "Test communitycoach",
                   "Woonstichting Test"):
        assert hidden not in page
    export = login_as("bestuur").get(url("/uren/rapport.csv?soort=maand&periode=2026-05",
                                         world, ids)).get_data(as_text=True)
    assert "Totalen per categorie" in export and "Zorggroep De Linde" not in export


def test_begeleider_sees_own_care_report_only(login_as, world, ids):
    page = login_as("begeleider").get(
        url("/uren/rapport?soort=maand&periode=2026-05", world, ids)).get_data(as_text=True)
    assert "10%-inzet Zorggroep De Linde" in page
    assert "Stichting Het Anker" not in page and "Per organisatie" not in page


def test_coach_sees_own_entries_and_the_coach_report(login_as, world, ids):
    client = login_as("communitycoach")
    listing = client.get(url("/uren/?maand=2026-05", world, ids)).get_data(as_text=True)
    assert "Test communitycoach" in listing and "Test begeleider" not in listing
    report = client.get(url("/uren/rapport?soort=maand&periode=2026-05", world, ids))
    assert "Communitycoach (verantwoording aan de gemeente)" in report.get_data(as_text=True)
    assert "10%-inzet" not in report.get_data(as_text=True)


def test_begeleider_sees_entries_of_own_organisation(login_as, world, ids):
    listing = login_as("begeleider").get(
        url("/uren/?maand=2026-05", world, ids)).get_data(as_text=True)
    assert "Test begeleider" in listing
    assert "Test communitycoach" not in listing and "Test sociaal_beheerder" not in listing


def test_other_site_entry_ids_are_not_found(app, login_as, world, ids):
    other = f"/locaties/{world.other_site}/uren/{ids.open_entry}/bewerken"
    assert login_as("other_site").get(other).status_code == 404  # not an entry of that site
    assert login_as("admin").get(other).status_code == 404
