"""'Wie heeft toegang' per site (the access review) and role end dates: every account
with a role on the site, its roles since and until, last login and how, the second
factor; the CSV and XLSX downloads hold the same; a role past its end date gives no
access from the day after."""
from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from models import Membership, Role, User, db
from services import accounts
from tests.conftest import ROLE_EMAILS, TODAY
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, strip_tags, table_rows, text


def _page_rows(client, site_id):
    page = text(client.get(f"/locaties/{site_id}/toegang"))
    start = page.index('<table id="access-review">')
    return table_rows(page[start:page.index("</table>", start)])


def test_the_review_lists_every_account_with_a_role(app, client, login_as, world):
    login_as("sociaal_beheerder")
    rows = _page_rows(client, world.site)
    names = [row[0] for row in rows]
    assert len(rows) == 6  # sb, coach, begeleider, bestuur, kerngroep, stuurgroep
    assert any("Test communitycoach" in n and ROLE_EMAILS["communitycoach"] in n
               for n in names)
    assert not any("Test other_site" in n or "Test none" in n for n in names)
    coach = next(r for r in rows if "Test communitycoach" in r[0])
    assert "communitycoach" in coach[1] and "sinds" in coach[1]
    assert coach[3] == "nog nooit ingelogd" and coach[4] == "uit"
    sb = next(r for r in rows if "Test sociaal_beheerder" in r[0])
    assert sb[3] == "wachtwoord"  # this very login
    page = text(client.get(f"/locaties/{world.site}/toegang"))
    assert "Test admin" in strip_tags(main_of(page))  # the administrators' table
    assert "Lies Linde" not in page and "Vera Vrij" not in page  # no resident data


def test_an_end_date_shows_and_stops_access_the_day_after(app, client, login_as, world):
    with app.app_context():
        m = db.session.scalar(sa.select(Membership).where(
            Membership.user_id == world.users["communitycoach"]))
        m.ends_on = TODAY - timedelta(days=1)
        db.session.commit()
        db.session.remove()
    login_as("communitycoach")
    assert client.get(f"/locaties/{world.site}").status_code == 403
    login_as("sociaal_beheerder")
    coach = next(r for r in _page_rows(client, world.site) if "Test communitycoach" in r[0])
    assert "tot en met 14 jun 2026" in coach[1] and "(afgelopen)" in coach[1]


def test_a_role_counts_through_its_last_day(app, client, login_as, world):
    with app.app_context():
        m = db.session.scalar(sa.select(Membership).where(
            Membership.user_id == world.users["communitycoach"]))
        m.ends_on = TODAY
        db.session.commit()
        db.session.remove()
    login_as("communitycoach")
    assert client.get(f"/locaties/{world.site}").status_code == 200


def test_an_admin_gives_a_role_with_an_end_date(app, client, login_as, world):
    login_as("admin")
    user_id = world.users["none"]
    response = client.post(f"/beheer/gebruikers/{user_id}/rollen", data={
        "site_id": world.site, "role": "communitycoach", "ends_on": "2026-09-30"})
    assert response.status_code == 302
    past = client.post(f"/beheer/gebruikers/{user_id}/rollen", data={
        "site_id": world.site, "role": "bestuur", "ends_on": "2026-01-31"})
    assert past.status_code == 422 and "De einddatum ligt in het verleden." in text(past)
    with app.app_context():
        roles = {m.role: m.ends_on for m in db.session.scalars(
            sa.select(Membership).where(Membership.user_id == user_id))}
        assert roles == {"communitycoach": date(2026, 9, 30)}
        db.session.remove()


def test_the_downloads_hold_the_same(app, client, login_as, world):
    login_as("sociaal_beheerder")
    csv_response = client.get(f"/locaties/{world.site}/toegang.csv")
    assert csv_response.mimetype == "text/csv"
    assert "noaber-toegang-het-hofje-" in csv_response.headers["Content-Disposition"]
    lines = csv_response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Toegang Het Hofje"
    assert lines[1].startswith("Naam;E-mailadres;Account actief;Rol;Organisatie;Sinds")
    coach = next(l for l in lines if l.startswith("Test communitycoach;"))
    assert ";communitycoach;" in coach and coach.endswith(";nog nooit ingelogd;nee")
    begeleider = next(l for l in lines if l.startswith("Test begeleider;"))
    assert ";Zorggroep De Linde;" in begeleider
    assert any(l.startswith("Test admin;") for l in lines)  # the administrators' table
    book = load_workbook(io.BytesIO(client.get(f"/locaties/{world.site}/toegang.xlsx").data))
    sheet = book.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["Naam", "E-mailadres", "Account actief", "Rol"]
    assert len(values) - 1 == 6
    assert client.get(f"/locaties/{world.site}/toegang.pdf").status_code == 404


def test_the_xlsx_download_by_role(client, login_as, world):
    # (the CSV and the page are in the access matrix; this is binary)
    for role, status in (("admin", 200), ("sociaal_beheerder", 200), ("communitycoach", 403),
                         ("begeleider", 403), ("bestuur", 403), ("other_site", 403),
                         ("none", 403)):
        login_as(role)
        assert client.get(f"/locaties/{world.site}/toegang.xlsx").status_code == status, role
    login_as("other_site")
    assert client.get(f"/locaties/{world.other_site}/toegang.xlsx").status_code == 200
