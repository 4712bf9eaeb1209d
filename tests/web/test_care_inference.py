"""Inference of a small group's indicated hours from the hours report (AVG art. 9).

A care organisation with fewer than 3 clients on the site has its 10% norm withheld from
the aggregate roles. The attack: the kerngroep reads the report (page, CSV, XLSX, API)
over several weeks, months, a quarter and the year, and the signals; a status per period
(onder / binnen / boven de norm) bounds the summed indicated hours to +-10% of the hours
shown, and the existence of the "under the norm" signal bounds it too.

Two worlds that differ only in the small groups' indicated hours must give the kerngroep
the very same answers; the sociaal beheerder, who may see the care data, sees them differ
(so the worlds really do differ)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from models import Site, SupportPeriod, db
from services.hours.reports import build_report
from services.hours.periods import parse_period
from services.monitoring import signals as signal_service
from services.hours import monitoring as hour_rules
from tests.api.support import api, tokens  # noqa: F401  (fixtures)
from tests.conftest import TODAY
from tests.hours_fixtures import access_of, log
from tests.web.support import fresh_rate_limits, main_of, text  # noqa: F401

PERIODS = [("week", f"2026-W{n}") for n in (18, 19, 20, 21, 22, 23)] + [
    ("maand", "2026-04"), ("maand", "2026-05"), ("maand", "2026-06"),
    ("kwartaal", "2026-Q2"), ("jaar", "2026")]


@pytest.fixture
def logged(app, world):
    """Begeleider hours for De Linde (one client, 6 h/week): 2,5 hours in May, about its
    10% (2,66 h), so its status would be "binnen de norm" with 6 h and "onder" with 20."""
    with app.app_context():
        site = db.session.get(Site, world.site)
        for day in (6, 13, 20, 27):
            log(db.session, site, "begeleider", date(2026, 5, day), 2 + (day == 6) * 2,
                "begeleider", world.orgs["linde"])
        log(db.session, site, "begeleider", date(2026, 4, 8), 10, "begeleider",
            world.orgs["linde"])
        db.session.commit()
        db.session.remove()
    return world


def set_indicated_hours(app, world, linde: str, anker: str) -> None:
    """The other world: the same clients, other indicated hours (the whole history), and
    the signals swept again as the scheduler would."""
    with app.app_context():
        for key, hours in (("linde", linde), ("anker", anker)):
            db.session.execute(sa.update(SupportPeriod).where(
                SupportPeriod.resident_id == world.residents[key]).values(indicated_hours=hours))
        site = db.session.get(Site, world.site)
        signal_service.sync(db.session, site.id,
                            hour_rules.hour_evaluations(db.session, site, TODAY),
                            datetime(2026, 6, 15, 6, tzinfo=timezone.utc))
        db.session.commit()
        db.session.remove()


def everything_seen(client, api, site_id: int, role: str) -> dict:
    """Every answer about hours the role gets: report pages, exports, API, signals."""
    seen = {}
    for kind, code in PERIODS:
        query = f"soort={kind}&periode={code}"
        seen[f"page {code}"] = _page(client.get(
            f"/locaties/{site_id}/uren/rapport?{query}"))
        csv = client.get(f"/locaties/{site_id}/uren/rapport.csv?{query}")
        assert csv.status_code == 200
        seen[f"csv {code}"] = csv.get_data()
        xlsx = client.get(f"/locaties/{site_id}/uren/rapport.xlsx?{query}")
        assert xlsx.status_code == 200
        seen[f"xlsx {code}"] = _xlsx_cells(xlsx.get_data())
        answer = api.get(role, f"/sites/{site_id}/hours/report", kind=kind,
                         code=code)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        seen[f"api {code}"] = answer.get_json()
    seen["signals page"] = _page(client.get(f"/locaties/{site_id}/signalen"))
    signals = api.get(role, f"/sites/{site_id}/signals")
    seen["signals api"] = [{k: v for k, v in s.items() if not k.endswith("_at")}
                           for s in signals.get_json()["items"]]
    return seen


def _page(response) -> str:
    """The page's main part without CSRF tokens (they carry the second they were made)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", main_of(text(response)))


def _xlsx_cells(data: bytes) -> list:
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(data))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]


def differing(first: dict, second: dict) -> list[str]:
    return [key for key in first if first[key] != second[key]]


@pytest.mark.parametrize("role", ["kerngroep", "stuurgroep", "communitycoach", "bestuur"])
def test_two_worlds_with_other_indicated_hours_look_the_same(app, login_as, api, logged,
                                                            role):
    set_indicated_hours(app, logged, "6", "4.5")
    client = login_as(role)
    before = everything_seen(client, api, logged.site, role)
    set_indicated_hours(app, logged, "20", "30")
    after = everything_seen(client, api, logged.site, role)
    assert differing(before, after) == []


def test_the_sociaal_beheerder_sees_the_worlds_differ(app, login_as, api, logged):
    set_indicated_hours(app, logged, "6", "4.5")
    client = login_as("sociaal_beheerder")
    before = everything_seen(client, api, logged.site, "sociaal_beheerder")
    set_indicated_hours(app, logged, "20", "30")
    after = everything_seen(client, api, logged.site, "sociaal_beheerder")
    assert "page 2026-05" in differing(before, after)
    assert "signals api" in differing(before, after)  # De Linde is under the norm now


def test_a_begeleider_of_another_organisation_learns_nothing_of_it(app, login_as, api,
                                                                   logged):
    """The world's begeleider is De Linde's: Het Anker's single client is the small group
    they may not see; their own organisation's report may differ between the worlds."""
    set_indicated_hours(app, logged, "6", "4.5")
    with app.app_context():
        site = db.session.get(Site, logged.site)
        before = _not_own(build_report(db.session, site, access_of(db.session, site,
                                                                   "begeleider"),
                                       parse_period("kwartaal", "2026-Q2", TODAY), TODAY))
        db.session.remove()
    set_indicated_hours(app, logged, "6", "30")
    with app.app_context():
        site = db.session.get(Site, logged.site)
        after = _not_own(build_report(db.session, site, access_of(db.session, site,
                                                                  "begeleider"),
                                      parse_period("kwartaal", "2026-Q2", TODAY), TODAY))
        db.session.remove()
    assert before == after


def _not_own(report) -> list:
    """What a De Linde begeleider sees beyond De Linde: the site totals."""
    return [(str(item.key), item.actual, item.norm, str(item.status)) for item in report.totals]


def test_the_withheld_status_reads_as_not_shown(login_as, logged):
    page = text(login_as("kerngroep").get(
        f"/locaties/{logged.site}/uren/rapport?soort=maand&periode=2026-05"))
    for word in ("badge-hours-under", "badge-hours-within", "badge-hours-over"):
        sections = page.split('id="h-care-')[1:]
        assert sections and all(word not in s.split("</section>")[0] for s in sections)
    assert "badge-hours-withheld" in page
    assert "de status (onder, binnen of boven de norm) worden daarom niet getoond" in page
