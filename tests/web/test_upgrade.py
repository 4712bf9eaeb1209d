"""An installation of the development versions upgrades to this release the way a real
one does: a database holding the demo data at revision 89fb2747aaca (privacy: API
tokens, retention settings; before the association's undone bank handlings, the sites'
band of active contribution and the accounts' session generation) is migrated by
deploy/start-web, keeps every row, and is served. On SQLite and, in the suite's
PostgreSQL pass, on PostgreSQL. The demo is seeded at the head and taken down to the old
revision (tests/services/test_migrations.py checks that this keeps the rows on SQLite)."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from app import __version__
from tests.support.deploy import (REPO, Browser, Started, drop_database, fresh_database,
                                  revision, script_env, table_counts)

PREVIOUS = "89fb2747aaca"
HEAD = ScriptDirectory(str(REPO / "migrations")).get_current_head()
DEMO_PASSWORD = "demo-upgrade-wachtwoord"


@pytest.fixture
def database(tmp_path):
    url = fresh_database("upgrade", tmp_path)
    yield url
    drop_database(url)


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=REPO,
                            text=True, capture_output=True, timeout=300,
                            env=script_env(url, DEMO_PASSWORD=DEMO_PASSWORD))
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_the_demo_at_the_previous_schema_upgrades_and_is_served(database):
    flask(database, "db", "upgrade")
    flask(database, "seed", "demo")
    before = table_counts(database)
    assert before["residents"] > 50 and before["assoc_payments"] > 0
    flask(database, "db", "downgrade", PREVIOUS)
    assert revision(database) == PREVIOUS
    old = table_counts(database)
    # the old schema lacks what the later revisions added, and holds the same rows
    assert "users" in old and {t: n for t, n in before.items() if t in old} == \
        {t: old[t] for t in before if t in old}

    web = Started("start-web", script_env(database, NOABER_BIND="127.0.0.1:0"))
    try:
        port = web.serving()
        ran = re.findall(r"Running upgrade (\w+) -> (\w+)", web.output)
        assert ran[0][0] == PREVIOUS and ran[-1][1] == HEAD
        assert all(a[1] == b[0] for a, b in zip(ran, ran[1:]))  # one chain, in order
        assert revision(database) == HEAD
        assert table_counts(database) == before

        browser = Browser()
        assert browser.login(port, "beheer@hofje.example", DEMO_PASSWORD)[0] == 302
        status, page, _ = browser.follow(port, "/")
        assert status == 200 and "Het Hofje" in page
        site = re.search(r'href="/locaties/(\d+)"', page).group(1)
        for path in (f"/locaties/{site}", f"/locaties/{site}/bewoners/", "/beheer/gebruikers"):
            status, page, _ = browser.get(port, path)
            assert status == 200, (path, page[:500])
        assert f"Noaber {__version__}" in page
    finally:
        web.stop()
