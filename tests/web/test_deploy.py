"""The start scripts run for real: deploy/start-web migrates (unless NOABER_MIGRATE=0)
and serves the app with gunicorn on a free port; deploy/start-scheduler starts the
scheduler; both refuse, with one line, a database that is ahead of the code (a revision
this code does not know). On SQLite, and on PostgreSQL in the suite's PostgreSQL pass (a
database of its own beside the suite's)."""
from __future__ import annotations

import re

import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from app import __version__
from tests.support.deploy import (REPO, Started, drop_database, fresh_database, request,
                                  revision, run_script, script_env, set_revision)

SCRIPT = ScriptDirectory(str(REPO / "migrations"))
HEAD = SCRIPT.get_current_head()
EARLIER = SCRIPT.get_revision(HEAD).down_revision  # the revision before the head
UNKNOWN = "f00dfacecafe"  # a revision a newer release could have made
AHEAD = "Database staat op revisie f00dfacecafe, die deze versie"


@pytest.fixture
def database(tmp_path):
    url = fresh_database("start", tmp_path)
    yield url
    drop_database(url)


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=REPO,
                          env=env, text=True, capture_output=True, timeout=120)


def test_start_web_migrates_an_empty_database_and_serves(database):
    web = Started("start-web", script_env(database, NOABER_BIND="127.0.0.1:0",
                                          NOABER_WORKERS="2"))
    try:
        port = web.serving()
        assert "voer 'flask db upgrade' uit" in web.output  # it saw the empty database
        assert f"Running upgrade {EARLIER} -> {HEAD}" in web.output
        status, page, headers = request(port, "GET", "/login")
        assert status == 200 and "Inloggen" in page
        assert headers["X-Frame-Options"] == "DENY"
        assert web.output.count("Booting worker") == 2
    finally:
        assert web.stop() == 0  # gunicorn shuts down cleanly on SIGTERM
    assert revision(database) == HEAD


def test_with_migrate_0_start_web_leaves_the_database_alone(database):
    env = script_env(database, NOABER_BIND="127.0.0.1:0", NOABER_MIGRATE="0")
    refused = run_script("start-web", env=env)
    assert refused.returncode == 3
    assert "Database loopt achter (revisie leeg" in refused.stderr
    assert "start-web: NOABER_MIGRATE=0" in refused.stderr
    assert "Listening" not in refused.stdout + refused.stderr
    assert revision(database) is None  # nothing migrated

    assert flask(env, "db", "upgrade", EARLIER).returncode == 0
    refused = run_script("start-web", env=env)
    assert refused.returncode == 3
    assert f"Database loopt achter (revisie {EARLIER}, code {HEAD})" in refused.stderr
    assert revision(database) == EARLIER

    assert flask(env, "db", "upgrade").returncode == 0
    web = Started("start-web", env)
    try:
        port = web.serving()
        assert "Running upgrade" not in web.output
        assert f"Database is bij (revisie {HEAD}, Noaber {__version__})" in web.output
        assert request(port, "GET", "/login")[0] == 200
    finally:
        web.stop()


def test_start_scheduler_starts_on_a_current_database_only(database):
    env = script_env(database)
    refused = run_script("start-scheduler", env=env)
    assert refused.returncode == 3
    assert "start-scheduler: de planner start alleen op een bijgewerkte database" \
        in refused.stderr
    assert revision(database) is None  # the scheduler never migrates

    assert flask(env, "db", "upgrade").returncode == 0
    scheduler = Started("start-scheduler", env)
    try:
        from services.monitoring.jobs import JOBS
        scheduler.wait_for("Planner gestart; taken: " + re.escape(", ".join(JOBS)))
        assert scheduler.process.poll() is None
    finally:
        scheduler.stop()


def test_a_database_ahead_of_the_code_is_refused_with_one_line(database):
    env = script_env(database, NOABER_BIND="127.0.0.1:0")
    assert flask(env, "db", "upgrade").returncode == 0
    set_revision(database, UNKNOWN)
    for script in ("start-web", "start-scheduler"):
        for settings in ({}, {"NOABER_MIGRATE": "0"}):
            refused = run_script(script, env={**env, **settings})
            assert refused.returncode == 4, (script, refused.stderr)
            lines = [line for line in (refused.stdout + refused.stderr).splitlines() if line]
            assert lines[0].startswith(AHEAD), lines
            assert f"(Noaber {__version__}, revisie {HEAD})" in lines[0]
            assert len(lines) == (1 if script == "start-web" else 2)
            assert "Traceback" not in refused.stderr and "Listening" not in refused.stderr
    assert revision(database) == UNKNOWN  # not touched


def test_an_unreachable_database_is_one_line_too(tmp_path):
    env = script_env("postgresql+psycopg://nobody@127.0.0.1:1/none")
    refused = run_script("start-web", env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Database niet bereikbaar: ")
    assert "Traceback" not in refused.stderr


def test_flask_noaber_version(database):
    result = flask(script_env(database), "noaber", "version")
    assert result.returncode == 0 and result.stdout == f"Noaber {__version__}\n"
    pyproject = (REPO / "pyproject.toml").read_text()
    assert f'\nversion = "{__version__}"\n' in pyproject
    assert f"## [{__version__}]" in (REPO / "CHANGELOG.md").read_text()
