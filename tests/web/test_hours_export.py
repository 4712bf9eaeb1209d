"""The XLSX and CSV exports: same figures as the report, file names with site and period,
closed-month figures identical across exports, no formulas smuggled in."""
import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from models import Resident, Site, db
from services.access import SiteAccess
from services.hours import entries as entry_service
from services.hours.export import CATEGORY_LABELS, STATUS_LABELS
from services.hours.periods import as_hours, parse_period
from services.hours.reports import build_report
from services.registry import residents as rs
from tests.conftest import TODAY
from tests.hours_fixtures import hours_world, log

MAY = "soort=maand&periode=2026-05"


@pytest.fixture
def ids(app, world):
    return hours_world(app, world)


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)


def sheet_rows(book, title_part: str) -> list[tuple]:
    sheet = next(s for s in book.worksheets if title_part in s.title)
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def csv_tables(response) -> dict[str, list[list[str]]]:
    text = response.data.decode("utf-8-sig")
    tables, current = {}, None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def service_totals(app, world):
    with app.app_context():
        site = db.session.get(Site, world.site)
        report = build_report(db.session, site, SiteAccess(site.id, frozenset(), True),
                              parse_period("maand", "2026-05", TODAY), TODAY)
        result = {CATEGORY_LABELS[str(line.key)]: (
            as_hours(line.actual), *((as_hours(line.norm.low), as_hours(line.norm.high))
                                     if line.norm else (None, None)), STATUS_LABELS[line.status])
            for line in report.totals}
        db.session.remove()
    return result


def test_xlsx_report_has_the_reports_figures(app, login_as, world, ids):
    response = login_as("sociaal_beheerder").get(
        f"/locaties/{world.site}/uren/rapport.xlsx?{MAY}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="noaber-urenrapport-het-hofje-2026-05.xlsx"' in \
        response.headers["Content-Disposition"]
    book = workbook(response)
    rows = sheet_rows(book, "Totalen")
    assert rows[0] == ("Categorie", "Geschreven uren", "Norm laag", "Norm hoog", "Status")
    exported = {r[0]: tuple(Decimal(str(v)) if isinstance(v, (int, float)) else v
                            for v in r[1:]) for r in rows[1:]}
    assert exported == service_totals(app, world)
    assert exported["communitycoach"][0] == Decimal(3)  # 12 quarters in May
    titles = " ".join(s.title for s in book.worksheets)
    assert "organisatie" in titles and "Communitycoach" in titles and "10%" in titles


def test_csv_report_has_the_same_figures(app, login_as, world, ids):
    response = login_as("kerngroep").get(f"/locaties/{world.site}/uren/rapport.csv?{MAY}")
    assert response.mimetype == "text/csv"
    assert "noaber-urenrapport-het-hofje-2026-05.csv" in response.headers["Content-Disposition"]
    totals = csv_tables(response)["Totalen per categorie"]
    assert totals[0] == ["Categorie", "Geschreven uren", "Norm laag", "Norm hoog", "Status"]

    def number(text):
        return Decimal(text.replace(",", ".")) if text else None

    exported = {r[0]: (number(r[1]), number(r[2]), number(r[3]), r[4]) for r in totals[1:]}
    # each care organisation has one client here: the kerngroep gets the care and the
    # overall norm and status withheld (services/hours/reports.py), the rest as the
    # report has it
    expected = service_totals(app, world)
    for key in ("begeleider community-inzet", "totaal"):
        actual, _low, _high, _status = expected[key]
        expected[key] = (actual, None, None, "norm en status niet getoond: kleine groep")
    assert exported == expected


def test_closed_month_figures_are_identical_across_exports(app, login_as, world, ids):
    client = login_as("sociaal_beheerder")
    first_xlsx = client.get(f"/locaties/{world.site}/uren/rapport.xlsx?{MAY}")
    first_csv = client.get(f"/locaties/{world.site}/uren/rapport.csv?{MAY}")
    with app.app_context():  # things change after May was closed
        site = db.session.get(Site, world.site)
        resident = db.session.get(Resident, world.residents["vrij2"])
        rs.record_status_change(db.session, resident, valid_from=date(2026, 5, 2), note=None,
                                support=rs.SupportData("begeleid", world.orgs["anker"],
                                                       Decimal(12)), actor_id=None)
        log(db.session, site, "communitycoach", date(2026, 6, 5), 8, "communitycoach")
        db.session.commit()
        db.session.remove()
    correction = client.post(f"/locaties/{world.site}/uren/{ids.closed_entry}/corrigeren",
                             data={"duration": "1", "category": "communitycoach",
                                   "activity_type": "activiteit", "note": "te veel"})
    assert correction.status_code == 302
    second_xlsx = client.get(f"/locaties/{world.site}/uren/rapport.xlsx?{MAY}")
    second_csv = client.get(f"/locaties/{world.site}/uren/rapport.csv?{MAY}")
    first, second = workbook(first_xlsx), workbook(second_xlsx)
    assert [s.title for s in first.worksheets] == [s.title for s in second.worksheets]
    for a, b in zip(first.worksheets, second.worksheets):
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
    assert first_csv.data == second_csv.data
    june = client.get(f"/locaties/{world.site}/uren/rapport.csv?soort=maand&periode=2026-06")
    coach = dict((r[0], r[1]) for r in csv_tables(june)["Totalen per categorie"][1:])
    assert coach["communitycoach"] == "2,00"  # 2 + 2 logged in June, the correction 1 - 3


def test_entries_export_holds_only_visible_entries(app, login_as, world, ids):
    response = login_as("communitycoach").get(
        f"/locaties/{world.site}/uren/export.xlsx?{MAY}")
    assert 'filename="noaber-uren-het-hofje-2026-05.xlsx"' in \
        response.headers["Content-Disposition"]
    rows = sheet_rows(workbook(response), "Uren")
    assert rows[0][:6] == ("Datum", "Persoon", "Organisatie", "Categorie", "Activiteit", "Uren")
    assert [(r[1], r[5]) for r in rows[1:]] == [("Test communitycoach", 3)]
    everyone = login_as("sociaal_beheerder").get(
        f"/locaties/{world.site}/uren/export.csv?{MAY}")
    lines = csv_tables(everyone)["Uren"][1:]
    assert sorted(r[1] for r in lines) == ["Test begeleider", "Test communitycoach",
                                          "Test sociaal_beheerder"]


def test_text_that_looks_like_a_formula_is_neutralised(app, login_as, world, ids):
    client = login_as("communitycoach")
    client.post(f"/locaties/{world.site}/uren/nieuw",
                data={"work_date": "2026-06-04", "duration": "1", "category": "communitycoach",
                      "activity_type": "buurt", "note": "=HYPERLINK(\"http://x\")"})
    rows = sheet_rows(workbook(client.get(
        f"/locaties/{world.site}/uren/export.xlsx?soort=maand&periode=2026-06")), "Uren")
    notes = [r[6] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in notes


def test_unknown_format_is_not_found(login_as, world, ids):
    assert login_as("sociaal_beheerder").get(
        f"/locaties/{world.site}/uren/rapport.pdf").status_code == 404


def test_closed_months_stay_closed_in_the_service(app, world, ids):
    with app.app_context():
        assert entry_service.is_closed(db.session, world.site, date(2026, 5, 31))
        db.session.remove()
