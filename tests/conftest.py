"""Shared fixtures.

The database is a SQLite file by default, or PostgreSQL when ``TEST_DATABASE_URL`` is
set. The schema is built once per run by the Alembic migrations (so they are tested
too); every test starts with empty tables.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

import models.user
from app import create_app
from config import TestConfig, normalise_database_url
from models import OrgKind, Role, SupportStatus, db
from services import accounts
from services.registry import residents as resident_service
from services.registry import sites as site_service
from services.registry.residents import PersonalData, SupportData

TODAY = date(2026, 6, 15)
PASSWORD = "correct horse battery"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI") == "true"
# the Redis the shared rate limits and the two-host tests use
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _fast_hash(password: str) -> str:
    # Accounts are created in nearly every test; a cheap work factor keeps the suite fast.
    # Verification still goes through werkzeug's check_password_hash.
    from werkzeug.security import generate_password_hash
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


models.user.generate_password_hash = _fast_hash


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str, worker: str) -> str:
    """With several pytest-xdist workers each one gets a PostgreSQL database of its own,
    named after ``TEST_DATABASE_URL``'s with the worker's id appended (``test_gw0``),
    created on first use."""
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": name}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """SQLite: a file in the (per-worker) temporary directory. PostgreSQL: the database of
    ``TEST_DATABASE_URL``, or one per worker when the suite runs on several."""
    if TEST_DATABASE_URL:
        url = normalise_database_url(TEST_DATABASE_URL)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = _worker_database(url, worker)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": database_url, "TODAY": TODAY})
    with app.app_context():
        upgrade()
    return app


# tables whose primary key is a single generated "id" (association tables have none)
_TABLES_WITH_SERIAL_ID = {
    t.name for t in db.metadata.sorted_tables
    if [c.name for c in t.primary_key.columns] == ["id"]
    and t.c.id.autoincrement in (True, "auto") and not t.c.id.foreign_keys}


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            # only the tables that have rows, children first; DELETE on a few small tables
            # is much cheaper than TRUNCATE (which recreates files) on PostgreSQL
            used = set(conn.execute(sa.text(" UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in tables))).scalars())
            for table in tables:
                if table in used:
                    conn.execute(sa.text(f"DELETE FROM {table}"))
            if conn.dialect.name == "postgresql":  # ids start at 1 again, as on SQLite
                for table in used & _TABLES_WITH_SERIAL_ID:
                    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, "
                                         "false)"), {"t": table})


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def session(app_ctx):
    """A session for service tests; whatever the test leaves uncommitted is rolled back."""
    yield db.session
    db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


#: a CSRF token in a page (FlaskForm's hidden_tag or a template's own hidden input)
CSRF_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Auth:
    def __init__(self, client):
        self.client = client

    def _token(self) -> dict:
        """The session's CSRF token when a test switched the protection on (it is off in
        the test configuration): read from the login page, or the page it leads to."""
        if not self.client.application.config["WTF_CSRF_ENABLED"]:
            return {}
        page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
        return {"csrf_token": CSRF_TOKEN.search(page).group(1)}

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password,
                                                **self._token()})

    def logout(self):
        return self.client.post("/logout", data=self._token())


@pytest.fixture
def auth(client):
    return Auth(client)


ROLE_EMAILS = {
    "admin": "admin@hofje.example",
    Role.SOCIAAL_BEHEERDER.value: "sb@hofje.example",
    Role.COMMUNITYCOACH.value: "coach@hofje.example",
    Role.BEGELEIDER.value: "begeleider.linde@hofje.example",
    Role.BESTUUR.value: "bestuur@hofje.example",
    Role.KERNGROEP.value: "kerngroep@hofje.example",
    Role.STUURGROEP.value: "stuurgroep@hofje.example",
    "other_site": "sb.elders@hofje.example",
    "none": "geen.rol@hofje.example",
}
ALL_ROLES = list(ROLE_EMAILS)


@dataclass
class World:
    site: object
    other_site: object
    parts: dict
    units: dict
    orgs: dict
    residents: dict
    users: dict
    other_resident: object


def build_world(session) -> World:
    """A small site with two parts, six units, four residents (two begeleid, by two care
    organisations), a second site, and one account per role."""
    org = {key: site_service.save_organisation(session, None, name=name, kind=kind,
                                               active=True, actor_id=None)
           for key, name, kind in (
               ("corp", "Woonstichting Test", OrgKind.WONINGCORPORATIE),
               ("linde", "Zorggroep De Linde", OrgKind.ZORGAANBIEDER),
               ("anker", "Stichting Het Anker", OrgKind.ZORGAANBIEDER),
               ("vereniging", "Bewonersvereniging Test", OrgKind.WOONVERENIGING))}
    site = site_service.save_site(session, None, site_service.SiteData(
        "Het Hofje", "Rijnstad", date(2024, 1, 1), org["corp"].id, org["vereniging"].id),
        actor_id=None)
    other = site_service.save_site(session, None, site_service.SiteData(
        "De Overkant", "Rijnstad", date(2023, 1, 1)), actor_id=None)
    parts = {name: site_service.add_part(session, site, name, actor_id=None)
             for name in ("Blok A", "Blok B")}
    units = {}
    for number, part in (("A1", "Blok A"), ("A2", "Blok A"), ("A3", "Blok A"),
                         ("B1", "Blok B"), ("B2", "Blok B"), ("B3", "Blok B")):
        units[number] = site_service.save_unit(session, site, None, site_service.UnitData(
            number, "studio", parts[part].id), actor_id=None)
    other_unit = site_service.save_unit(session, other, None,
                                        site_service.UnitData("X1", "studio"), actor_id=None)

    def resident(unit, name, support):
        return resident_service.add_resident(
            session, site_id=unit.site_id, unit_id=unit.id, move_in=date(2024, 3, 1),
            person=PersonalData(name=name, email=f"{name.split()[0].lower()}@bewoner.example"),
            support=support, actor_id=None, today=TODAY)

    residents = {
        "linde": resident(units["A1"], "Lies Linde", SupportData(
            SupportStatus.BEGELEID, org["linde"].id, Decimal("6"))),
        "anker": resident(units["A2"], "Arie Anker", SupportData(
            SupportStatus.BEGELEID, org["anker"].id, Decimal("4.5"))),
        "vrij1": resident(units["B1"], "Vera Vrij", SupportData(SupportStatus.ONBEGELEID)),
        "vrij2": resident(units["B2"], "Otto Open", SupportData(SupportStatus.ONBEGELEID)),
    }
    other_resident = resident(other_unit, "Elders Bewoner",
                              SupportData(SupportStatus.BEGELEID, org["linde"].id, Decimal(3)))
    users = {}
    for role, email in ROLE_EMAILS.items():
        user = accounts.save_user(session, None, email=email, name=f"Test {role}",
                                  password=PASSWORD, is_admin=role == "admin", active=True,
                                  actor_id=None)
        users[role] = user
        if role in set(Role):
            accounts.grant_role(session, user, site_id=site.id, role=role,
                                organisation_id=org["linde"].id if role == Role.BEGELEIDER
                                else None, actor_id=None)
        elif role == "other_site":
            accounts.grant_role(session, user, site_id=other.id,
                                role=Role.SOCIAAL_BEHEERDER, organisation_id=None,
                                actor_id=None)
    return World(site, other, parts, units, org, residents, users, other_resident)


@pytest.fixture
def world(app) -> SimpleNamespace:
    """The small world, committed, with plain ids (usable outside an app context)."""
    with app.app_context():
        w = build_world(db.session)
        db.session.commit()
        ids = SimpleNamespace(
            site=w.site.id, other_site=w.other_site.id,
            parts={k: v.id for k, v in w.parts.items()},
            units={k: v.id for k, v in w.units.items()},
            orgs={k: v.id for k, v in w.orgs.items()},
            residents={k: v.id for k, v in w.residents.items()},
            users={k: v.id for k, v in w.users.items()},
            other_resident=w.other_resident.id)
        db.session.remove()
    return ids


@pytest.fixture
def login_as(client, auth, world):
    """``login_as(role)`` logs the test client in as the world's account for that role."""

    def _login(role: str):
        auth.logout()
        response = auth.login(ROLE_EMAILS[role])
        assert response.status_code == 302, f"login as {role} failed"
        return client

    return _login


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_NO_SKIPS=1 (CI) a skipped test fails the run: the browser and
    PostgreSQL tests are mandatory there."""
    if os.environ.get("REQUIRE_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"REQUIRE_NO_SKIPS: {len(skipped)} test(s) skipped; "
                            "that counts as a failure here.", red=True)
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    """The tolerated /favicon.ico errors of the browser tests (tests/browser/conftest.py),
    read from the reports, so that they add up over pytest-xdist's workers too."""
    favicons = [value for reports in terminalreporter.stats.values() for report in reports
                if getattr(report, "when", None) == "teardown"
                for name, value in report.user_properties if name == "favicon_404"]
    if favicons:
        terminalreporter.write_line(
            f"browser: {len(favicons)} tolerated /favicon.ico error(s), e.g. {favicons[0]}")


@pytest.fixture(scope="module")
def redis_client():
    """A client of the Redis at TEST_REDIS_URL; the test is skipped without one, and
    fails in CI."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} is not reachable ({error})"
        if IN_CI:
            pytest.fail(f"{reason}; CI must run these tests", pytrace=False)
        pytest.skip(reason)
    yield client
    client.close()
