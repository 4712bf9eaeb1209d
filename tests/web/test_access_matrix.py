"""Who may open which page: every route × every role (and anonymous visitors).

The policy (deny by default):

* a site's dashboard: every role on that site and admins;
* the resident list and resident pages: sociaal_beheerder, communitycoach, begeleider,
  bestuur and admins (not kerngroep or stuurgroep);
* moving residents in and out, editing them, status changes, units and parts:
  sociaal_beheerder and admins;
* everything under /beheer/: admins only;
* a role on one site gives nothing on another site;
* an unknown site, or a resident/unit of another site under this site's URL: 404;
* anonymous visitors are sent to /login.

Each row of a table is one test (a row may list several pages that answer every role
the same way); inside it every role is tried, and every role and page that answers
differently from the table is reported together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import (AccountInvitation, Membership, Organisation, Resident, Site, SitePart, SupportPeriod, Unit,
                    User)
from tests.conftest import ALL_ROLES, PASSWORD
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import (db_snapshot, is_login_redirect, query, redirect_path, text,
                               url_ids)

ANONYMOUS = "anonymous"
COLUMNS = [*ALL_ROLES, ANONYMOUS]


@dataclass(frozen=True)
class Go:
    """A redirect to a local path (a URL template)."""

    path: str

    def __repr__(self) -> str:
        return f"302->{self.path}"


OK, NO, NF = 200, 403, 404
LOGIN = Go("/login")


@dataclass(frozen=True, repr=False)
class LoggedOut(Go):
    """Sent to the login page after a change (a logout ends the account's sessions)."""


LOGGED_OUT = LoggedOut("/login")
HOME = Go("/")
DASHBOARD = Go("/locaties/{site}")

UNKNOWN = 999999


@dataclass(frozen=True)
class Row:
    """One or more pages (URL templates) that answer every role the same way."""

    id: str
    method: str
    urls: tuple[str, ...]
    expected: tuple  # one entry per column of COLUMNS
    data: dict = field(default_factory=dict)


def get(id, urls, *expected):
    return Row(id, "GET", (urls,) if isinstance(urls, str) else tuple(urls), expected)


def post(id, urls, data, *expected):
    return Row(id, "POST", (urls,) if isinstance(urls, str) else tuple(urls), expected, data)


R = "/locaties/{site}/bewoners"
O = "/locaties/{other_site}"

# columns:    admin sb    coach begel bestuur kern stuur other none  anonymous
MATRIX = [
    get("index", "/",
                  OK, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD,
                  Go("/locaties/{other_site}"), OK, LOGIN),
    get("login page", "/login",
                  HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, OK),
    get("dashboard", "/locaties/{site}",
                  OK,   OK,   OK,   OK,   OK,   OK,   OK,   NO,   NO,   LOGIN),
    get("resident list and pages", [
            R + "/",
            R + "/?vertrokken=1",
            R + "/?status=begeleid",
            R + "/{resident_linde}",        # begeleid, De Linde
            R + "/{resident_anker}",        # begeleid, Het Anker
            R + "/{resident_vrij1}"],       # onbegeleid
                  OK,   OK,   OK,   OK,   OK,   NO,   NO,   NO,   NO,   LOGIN),
    get("registry management pages", [
            R + "/nieuw",
            R + "/{resident_linde}/bewerken",
            R + "/{resident_linde}/status",
            R + "/{resident_linde}/vertrek",
            "/locaties/{site}/eenheden",
            "/locaties/{site}/eenheden/{unit_A1}",
            "/locaties/{site}/delen/{part_A}"],
                  OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("who has access (the access review)", [
            "/locaties/{site}/toegang",
            "/locaties/{site}/toegang.csv"],
                  OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("who has access on the other site", [
            O + "/toegang",
            O + "/toegang.csv"],
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   OK,   NO,   LOGIN),
    get("roles on the site, a role's end date", [
            "/locaties/{site}/rollen",
            "/locaties/{site}/rollen/{membership_kerngroep}"],
                  OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    # nobody but an installation's administrator changes their own role
    get("one's own role's end date", "/locaties/{site}/rollen/{membership_sociaal_beheerder}",
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("roles on the other site", O + "/rollen",
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   OK,   NO,   LOGIN),
    get("a role of the other site under this site, or unknown", [
            "/locaties/{site}/rollen/{membership_other_site}",
            f"/locaties/{{site}}/rollen/{UNKNOWN}"],
                  NF,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("the site's own settings (also for its corporation's administrators)",
            "/locaties/{site}/instellingen",
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("pages of the other site", [
            O,
            O + "/bewoners/",
            O + "/bewoners/{other_resident}",
            O + "/bewoners/nieuw",
            O + "/bewoners/{other_resident}/vertrek",
            O + "/eenheden"],
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   OK,   NO,   LOGIN),
    get("unknown site", [
            f"/locaties/{UNKNOWN}",
            f"/locaties/{UNKNOWN}/bewoners/",
            f"/locaties/{UNKNOWN}/bewoners/nieuw",
            f"/locaties/{UNKNOWN}/eenheden"],
                  NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   LOGIN),
    get("resident of other site or unknown, under this site", [
            R + "/{other_resident}",
            R + f"/{UNKNOWN}"],
                  NF,   NF,   NF,   NF,   NF,   NO,   NO,   NO,   NO,   LOGIN),
    get("resident of this site under the other site", O + "/bewoners/{resident_linde}",
                  NF,   NO,   NO,   NO,   NO,   NO,   NO,   NF,   NO,   LOGIN),
    get("forms for a resident or unit of another site, or unknown", [
            R + "/{other_resident}/bewerken",
            R + "/{other_resident}/status",
            R + "/{other_resident}/vertrek",
            R + f"/{UNKNOWN}/vertrek",
            "/locaties/{site}/eenheden/{other_unit}",
            f"/locaties/{{site}}/eenheden/{UNKNOWN}",
            f"/locaties/{{site}}/delen/{UNKNOWN}"],
                  NF,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("administration", [
            "/beheer/organisaties",
            "/beheer/organisaties/nieuw",
            "/beheer/organisaties/{org_linde}",
            "/beheer/locaties",
            "/beheer/locaties/nieuw",
            "/beheer/locaties/{site}",
            "/beheer/gebruikers",
            "/beheer/gebruikers/nieuw",
            "/beheer/gebruikers/{user_sociaal_beheerder}",
            "/beheer/gebruikers/{user_begeleider}/rollen",
            "/beheer/audit"],
                  OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    get("administration, unknown objects", [
            f"/beheer/organisaties/{UNKNOWN}",
            f"/beheer/locaties/{UNKNOWN}",
            f"/beheer/gebruikers/{UNKNOWN}",
            f"/beheer/gebruikers/{UNKNOWN}/rollen"],
                  NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    # --- POST-only routes and POSTs that must never succeed -----------------------
    post("login with a wrong password", "/login",
         {"email": "nobody@hofje.example", "password": "wrong password"},
                  HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, OK),
    # logging out ends every session of the account (its session generation goes up)
    post("logout", "/logout", {},
                  LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGGED_OUT,
                  LOGGED_OUT, LOGGED_OUT, LOGGED_OUT, LOGIN),
    post("language", "/taal", {"lang": "en"},
                  HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    post("add part", "/locaties/{site}/delen", {"part-name": "Deel {role}"},
                  Go("/locaties/{site}/eenheden"), Go("/locaties/{site}/eenheden"),
                        NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    post("add part to unknown site", f"/locaties/{UNKNOWN}/delen", {"part-name": "Deel X"},
                  NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   LOGIN),
    post("revoke role",
         "/beheer/gebruikers/{user_kerngroep}/rollen/{membership_kerngroep}/intrekken",
         {},      Go("/beheer/gebruikers/{user_kerngroep}/rollen"),
                        NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    post("revoke a role of another user, or an unknown role", [
            "/beheer/gebruikers/{user_communitycoach}/rollen/{membership_kerngroep}/intrekken",
            f"/beheer/gebruikers/{{user_kerngroep}}/rollen/{UNKNOWN}/intrekken"], {},
                  NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    # (ending a role by its manager: tests/web/test_site_roles.py)
    post("end one's own role", "/locaties/{site}/rollen/{membership_sociaal_beheerder}/intrekken",
         {},      Go("/locaties/{site}/rollen"),
                        NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
    post("end a role of this site under the other site",
         "/locaties/{other_site}/rollen/{membership_kerngroep}/intrekken", {},
                  NF,   NO,   NO,   NO,   NO,   NO,   NO,   NF,   NO,   LOGIN),
    # a resident or unit of the other site addressed under this site's URL; the data
    # holds the fields of all four forms (a form ignores the fields it does not have)
    post("write to a resident or unit of the other site under this site", [
            R + "/{other_resident}/vertrek",
            R + "/{other_resident}/bewerken",
            R + "/{other_resident}/status",
            "/locaties/{site}/eenheden/{other_unit}"],
         {"move_out_date": "2026-06-01", "name": "Overgenomen", "valid_from": "2026-06-01",
          "status": "onbegeleid", "number": "Z9", "unit_type": "studio"},
                  NF,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   LOGIN),
]

DENIED = (NO, NF, LOGIN)  # answers after which nothing may have changed


def _is_success(expected) -> bool:
    return expected not in DENIED


def _call(client, row: Row, url: str, role: str):
    data = {k: v.format(role=role) for k, v in row.data.items()}
    return client.open(url, method=row.method, data=data if row.method == "POST" else None)


def _check(response, expected, ids) -> str | None:
    """None if the response matches, else what was wrong."""
    if isinstance(expected, Go):
        if response.status_code != 302:
            return f"expected {expected!r}, got {response.status_code}"
        path = redirect_path(response)
        if path != expected.path.format(**ids):
            return f"expected {expected!r}, got 302->{path}"
        return None
    if response.status_code != expected:
        where = f" ({response.headers.get('Location')})" if response.status_code == 302 else ""
        return f"expected {expected}, got {response.status_code}{where}"
    body = text(response)
    if expected == NO and "U hebt geen toegang tot deze pagina." not in body:
        return "403 without the Dutch 'no access' message"
    if expected == NF and "Deze pagina bestaat niet (meer)." not in body:
        return "404 without the Dutch 'not found' message"
    return None


def test_matrix_columns_are_all_roles():
    assert COLUMNS == ["admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
                       "kerngroep", "stuurgroep", "other_site", "none", "anonymous"]
    assert all(len(row.expected) == len(COLUMNS) for row in MATRIX), \
        [row.id for row in MATRIX if len(row.expected) != len(COLUMNS)]
    assert len({row.id for row in MATRIX}) == len(MATRIX)


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_access(row: Row, app, client, auth, login_as, world):
    ids = url_ids(app, world)
    urls = [url.format(**ids) for url in row.urls]
    expected_by_role = dict(zip(COLUMNS, row.expected))
    roles = COLUMNS
    if row.method == "POST":
        # roles that may change something go last, so the others meet the world unchanged
        roles = sorted(COLUMNS, key=lambda role: _is_success(expected_by_role[role]))
    problems = []
    for role in roles:
        expected = expected_by_role[role]
        if role == ANONYMOUS:
            auth.logout()
        else:
            login_as(role)
        refused_post = row.method == "POST" and expected in DENIED
        before = db_snapshot(app) if refused_post else None
        for url in urls:
            try:
                response = _call(client, row, url, role)
            except Exception as error:  # an exception escaping the app is a 500 for the user
                problems.append(f"{role} {url}: expected {expected!r}, raised "
                                f"{type(error).__name__}: {error}")
                continue
            problem = _check(response, expected, ids)
            if problem:
                problems.append(f"{role} {url}: {problem}")
        if refused_post and db_snapshot(app) != before:
            problems.append(f"{role}: the database changed although the request(s) were "
                            "refused")
    assert not problems, f"{row.method} {row.id}:\n" + "\n".join(problems)


def test_anonymous_is_sent_to_login_with_the_page_to_return_to(client, world):
    response = client.get(f"/locaties/{world.site}/bewoners/")
    assert is_login_redirect(response)
    assert f"next=%2Flocaties%2F{world.site}%2Fbewoners%2F" in response.headers["Location"]


# --- POSTs to the form pages: refused roles get 403 and change nothing -------------

REGISTRY = {"admin", "sociaal_beheerder"}
BEHEER = {"admin"}


@dataclass(frozen=True)
class FormPost:
    id: str
    url: str
    allowed: set
    data: dict
    probe: Callable[[Any, dict], Any]  # (session, ids) -> the value the POST would change
    prove_as: str  # an allowed role whose identical POST does change the value


def _resident_field(key, name):
    return lambda s, ids: getattr(s.get(Resident, ids[key]), name)


FORM_POSTS = [
    FormPost("move in", R + "/nieuw", REGISTRY,
             {"unit_id": "{unit_A3}", "move_in_date": "2026-06-01", "name": "Nieuwe Bewoner",
              "status": "onbegeleid"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(Resident.id)).where(
                 Resident.name == "Nieuwe Bewoner")),
             "sociaal_beheerder"),
    FormPost("edit resident", R + "/{resident_linde}/bewerken", REGISTRY,
             {"name": "Lies Gewijzigd", "email": "lies@bewoner.example"},
             _resident_field("resident_linde", "name"), "sociaal_beheerder"),
    FormPost("status change", R + "/{resident_linde}/status", REGISTRY,
             {"valid_from": "2026-06-01", "status": "onbegeleid"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(SupportPeriod.id)).where(
                 SupportPeriod.resident_id == ids["resident_linde"])),
             "sociaal_beheerder"),
    FormPost("move out", R + "/{resident_vrij1}/vertrek", REGISTRY,
             {"move_out_date": "2026-06-01", "move_out_reason": "verhuisd"},
             _resident_field("resident_vrij1", "move_out_date"), "sociaal_beheerder"),
    FormPost("move out on the other site", O + "/bewoners/{other_resident}/vertrek",
             {"admin", "other_site"}, {"move_out_date": "2026-06-01"},
             _resident_field("other_resident", "move_out_date"), "other_site"),
    FormPost("add unit", "/locaties/{site}/eenheden", REGISTRY,
             {"unit-number": "C1", "unit-unit_type": "studio"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(Unit.id)).where(
                 Unit.site_id == ids["site"])),
             "sociaal_beheerder"),
    FormPost("edit unit", "/locaties/{site}/eenheden/{unit_A3}", REGISTRY,
             {"number": "A3b", "unit_type": "studio"},
             lambda s, ids: s.get(Unit, ids["unit_A3"]).number, "sociaal_beheerder"),
    FormPost("add part", "/locaties/{site}/delen", REGISTRY, {"part-name": "Blok C"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(SitePart.id))), "sociaal_beheerder"),
    FormPost("rename part", "/locaties/{site}/delen/{part_A}", REGISTRY, {"name": "Blok Noord"},
             lambda s, ids: s.get(SitePart, ids["part_A"]).name, "sociaal_beheerder"),
    FormPost("new organisation", "/beheer/organisaties/nieuw", BEHEER,
             {"name": "Nieuwe Zorg", "kind": "zorgaanbieder", "active": "y"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(Organisation.id))), "admin"),
    FormPost("edit organisation", "/beheer/organisaties/{org_linde}", BEHEER,
             {"name": "Zorggroep Hernoemd", "kind": "zorgaanbieder", "active": "y"},
             lambda s, ids: s.get(Organisation, ids["org_linde"]).name, "admin"),
    FormPost("new site", "/beheer/locaties/nieuw", BEHEER,
             {"name": "Nieuwe Locatie", "municipality": "Rijnstad", "project_start": "2026-01-01",
              "target_begeleid_share": "0.3333", "mix_tolerance": "0.05",
              "small_site_units": "60", "small_site_max_share": "0.5",
              "active_share_low": "0.5", "active_share_high": "0.7"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(Site.id))), "admin"),
    FormPost("edit site settings", "/beheer/locaties/{site}", BEHEER,
             {"name": "Het Hofje", "municipality": "Rijnstad", "project_start": "2024-01-01",
              "corporation_id": "{org_corp}", "association_id": "{org_vereniging}",
              "target_begeleid_share": "0.5", "mix_tolerance": "0.05",
              "small_site_units": "60", "small_site_max_share": "0.5",
              "active_share_low": "0.5", "active_share_high": "0.7"},
             lambda s, ids: s.get(Site, ids["site"]).target_begeleid_share, "admin"),
    FormPost("own settings of a site", "/locaties/{site}/instellingen", BEHEER,
             {"name": "Het Hofje", "municipality": "Rijnstad", "project_start": "2024-01-01",
              "association_id": "{org_vereniging}",
              "target_begeleid_share": "0.5", "mix_tolerance": "0.05",
              "small_site_units": "60", "small_site_max_share": "0.5",
              "active_share_low": "0.5", "active_share_high": "0.7"},
             lambda s, ids: s.get(Site, ids["site"]).target_begeleid_share, "admin"),
    FormPost("give a role on the site", "/locaties/{site}/rollen", REGISTRY,
             {"grant-email": "nieuw@hofje.example", "grant-name": "Nieuw Account",
              "grant-role": "kerngroep"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(AccountInvitation.id))),
             "sociaal_beheerder"),
    FormPost("a role's end date", "/locaties/{site}/rollen/{membership_kerngroep}", REGISTRY,
             {"ends_on": "2030-12-31"},
             lambda s, ids: s.get(Membership, ids["membership_kerngroep"]).ends_on,
             "sociaal_beheerder"),
    FormPost("new user", "/beheer/gebruikers/nieuw", BEHEER,
             {"name": "Nieuw Account", "email": "nieuw@hofje.example",
              "password": "lang genoeg wachtwoord", "active": "y"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(User.id))), "admin"),
    FormPost("make a user admin", "/beheer/gebruikers/{user_none}", BEHEER,
             {"name": "Test none", "email": "geen.rol@hofje.example", "is_admin": "y",
              "active": "y"},
             lambda s, ids: s.get(User, ids["user_none"]).is_admin, "admin"),
    FormPost("grant role", "/beheer/gebruikers/{user_none}/rollen", BEHEER,
             {"site_id": "{site}", "role": "sociaal_beheerder"},
             lambda s, ids: s.scalar(sa.select(sa.func.count(Membership.id)).where(
                 Membership.user_id == ids["user_none"])),
             "admin"),
]


@pytest.mark.parametrize("case", FORM_POSTS, ids=[case.id for case in FORM_POSTS])
def test_refused_post_changes_nothing(case: FormPost, app, client, auth, login_as, world):
    ids = url_ids(app, world)
    url = case.url.format(**ids)
    data = {k: v.format(**ids) for k, v in case.data.items()}
    initial = query(app, lambda s: case.probe(s, ids))
    problems = []
    for role in COLUMNS:
        if role in case.allowed:
            continue
        if role == ANONYMOUS:
            auth.logout()
        else:
            login_as(role)
        before = db_snapshot(app)
        response = client.post(url, data=data)
        if role == ANONYMOUS:
            if not is_login_redirect(response):
                problems.append(f"{role}: expected a redirect to /login, got "
                                f"{response.status_code}")
        elif response.status_code != 403:
            problems.append(f"{role}: expected 403, got {response.status_code}")
        if db_snapshot(app) != before:
            problems.append(f"{role}: the database changed")
    assert not problems, f"POST {url}:\n" + "\n".join(problems)
    assert query(app, lambda s: case.probe(s, ids)) == initial

    # the same request by an allowed role does take effect (so the check above means something)
    login_as(case.prove_as)
    response = client.post(url, data=data)
    assert response.status_code == 302, (response.status_code, text(response)[:2000])
    assert query(app, lambda s: case.probe(s, ids)) != initial


# the blueprints whose pages this matrix covers (newer modules have their own tests)
BLUEPRINTS = {"auth", "sites", "residents", "admin"}


def test_every_route_is_in_a_table(app, world):
    """A new route of these blueprints must be added to the matrix or to a POST table."""
    ids = url_ids(app, world)
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url in ([(row.method, url) for row in MATRIX for url in row.urls]
                        + [("POST", case.url) for case in FORM_POSTS]):
        try:
            endpoint, _args = adapter.match(url.format(**ids).split("?")[0], method=method)
        except (NotFound, MethodNotAllowed):  # pragma: no cover - a broken table row
            pytest.fail(f"{method} {url} matches no route")
        covered.add((endpoint, method))
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {endpoint.split(".")[0] for endpoint, _ in routes} == BLUEPRINTS
    assert routes - covered == set()


def test_the_toelatingscommissie_answers_like_the_kerngroep_on_these_pages(
        app, client, auth, world):
    """The toelatingscommissie (added for the IMO) is an aggregate-only role here too: on
    every page of the tables it gets what the kerngroep gets (the dashboard, no resident
    list, nothing to change); what it may do in the IMO is tested there."""
    from services import accounts

    with app.app_context():
        from models import db
        user = accounts.save_user(db.session, None, email="toelating@matrix.example",
                                  name="Toelating", password=PASSWORD, is_admin=False,
                                  active=True, actor_id=None)
        accounts.grant_role(db.session, user, site_id=world.site,
                            role="toelatingscommissie", organisation_id=None, actor_id=None)
        db.session.commit()
        db.session.remove()
    ids = url_ids(app, world)
    kerngroep = COLUMNS.index("kerngroep")
    auth.logout()
    assert auth.login("toelating@matrix.example").status_code == 302
    problems = []
    for row in MATRIX:
        if row.method != "GET":
            continue
        for url in (u.format(**ids) for u in row.urls):
            problem = _check(_call(client, row, url, "kerngroep"), row.expected[kerngroep], ids)
            if problem:
                problems.append(f"{url}: {problem}")
    assert sum(row.method == "GET" for row in MATRIX) >= 10
    assert not problems, "\n".join(problems)
