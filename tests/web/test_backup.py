"""deploy/backup and deploy/restore for real, on SQLite and (in the suite's PostgreSQL
pass) on PostgreSQL: the demo in one database (``..._src``), backed up and restored into
another (``..._dst``), every table with the same rows, the app served from the copy; a
target that holds tables is refused unless forced; and the restore anonymises what passed
its retention period since the backup was taken before anyone is served."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from config import normalise_database_url
from tests.support.deploy import (REPO, Browser, Started, drop_database, fresh_database,
                                  on_postgres, run_script, script_env, table_counts)

DEMO_PASSWORD = "demo-backup-wachtwoord"
ADMIN = "beheer@hofje.example"
#: what the privacy job writes when it runs (one run, its period claim; an audit event
#: per person it anonymises)
PRIVACY_WRITES = {"job_runs", "job_periods", "audit_events"}


@pytest.fixture
def databases(tmp_path):
    urls = fresh_database("src", tmp_path), fresh_database("dst", tmp_path)
    yield urls
    for url in urls:
        drop_database(url)


def flask(url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args], cwd=REPO, text=True,
        capture_output=True, timeout=300,
        env=script_env(url, DEMO_PASSWORD=DEMO_PASSWORD))
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def seeded(url: str, today: str | None = None) -> None:
    flask(url, "db", "upgrade")
    flask(url, "seed", "demo", *(["--today", today] if today else []))


def backup(src: str, tmp_path, name: str) -> str:
    """A backup by a relative name from another folder; returns the path it prints."""
    result = run_script("backup", name, env=script_env(src), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / name)
    return result.stdout.strip()


def restore(dst: str, path: str, *options: str) -> subprocess.CompletedProcess:
    return run_script("restore", *options, path, env=script_env(dst))


def scalar(url: str, sql: str):
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def test_backup_and_restore_keep_every_row_and_the_app_serves_the_copy(databases, tmp_path):
    src, dst = databases
    seeded(src)
    flask(src, "jobs", "run", "privacy")  # today's period done before the backup
    before = table_counts(src)
    assert before["residents"] > 50 and before["assoc_payments"] > 0

    path = backup(src, tmp_path, "demo-backup")
    expected_magic = b"PGDMP" if on_postgres() else b"SQLite format 3\x00"
    with open(path, "rb") as f:
        assert f.read(16).startswith(expected_magic)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"

    restored = restore(dst, path)
    assert restored.returncode == 0, restored.stderr
    assert "privacy" in restored.stdout and "deze periode is al uitgevoerd" in restored.stdout
    assert restored.stdout.strip().endswith("restore: klaar; de app kan worden gestart.")
    assert table_counts(dst) == before
    assert table_counts(src) == before

    web = Started("start-web", script_env(dst, NOABER_BIND="127.0.0.1:0", NOABER_MIGRATE="0"))
    try:
        port = web.serving()
        browser = Browser()
        status, page, headers = browser.login(port, ADMIN, DEMO_PASSWORD)
        assert status == 302, page[:500]
        status, page, _ = browser.follow(port, "/")
        assert status == 200 and "Het Hofje" in page
        status, page, _ = browser.get(port, "/beheer/gebruikers")
        assert status == 200 and "sociaalbeheerder@hofje.example" in page
        assert "Noaber 1.0.0" in page
    finally:
        web.stop()


def test_restore_refuses_a_database_with_tables_unless_forced(databases, tmp_path):
    src, dst = databases
    flask(src, "db", "upgrade")
    flask(src, "users", "create-admin", "--email", "eerste@noaber.example", "--name",
          "Eerste", "--password", "een lang wachtwoord voor de test")
    path = backup(src, tmp_path, "small")
    seeded(dst)
    before = table_counts(dst)

    refused = restore(dst, path)
    assert refused.returncode == 2
    assert "restore: De doeldatabase is niet leeg" in refused.stderr
    assert "--force" in refused.stderr
    assert table_counts(dst) == before  # nothing changed, the privacy job did not run

    forced = restore(dst, path, "--force")
    assert forced.returncode == 0, forced.stderr
    after = table_counts(dst)
    assert after["users"] == 1 and after["residents"] == 0
    assert scalar(dst, "SELECT email FROM users") == "eerste@noaber.example"


def test_restore_refuses_a_backup_of_the_other_kind(databases, tmp_path):
    src, dst = databases
    other = tmp_path / "other-kind"
    other.write_bytes(b"SQLite format 3\x00" if on_postgres() else b"PGDMP\x01\x0e")
    refused = restore(dst, str(other))
    assert refused.returncode == 2
    assert "terugzetten kan alleen in hetzelfde soort database" in refused.stderr
    garbage = tmp_path / "garbage"
    garbage.write_text("not a backup")
    refused = restore(dst, str(garbage))
    assert refused.returncode == 2 and "geen back-up van deploy/backup" in refused.stderr
    assert table_counts(dst) == {}


def test_restore_anonymises_what_passed_its_retention_period_since_the_backup(
        databases, tmp_path):
    """The demo as it was 18 months ago, backed up before any privacy run: residents who
    moved out more than 24 months before today are still named in the backup. Restoring
    runs the privacy job, so the copy names none of them; the rest is the same."""
    src, dst = databases
    seeded(src, today="2025-06-15")
    due = "SELECT COUNT(*) FROM residents WHERE move_out_date <= :cutoff AND anonymised_at IS NULL"
    cutoff_sql = due.replace(":cutoff", "'" + _cutoff() + "'")
    named = scalar(src, cutoff_sql)
    assert named > 0
    before = table_counts(src)

    restored = restore(dst, backup(src, tmp_path, "old"))
    assert restored.returncode == 0, restored.stderr
    assert "privacy" in restored.stdout and ": ok " in restored.stdout
    assert scalar(dst, cutoff_sql) == 0
    assert scalar(src, cutoff_sql) == named  # the backup's source is not touched
    after = table_counts(dst)
    assert {t: n for t, n in after.items() if t not in PRIVACY_WRITES} == \
        {t: n for t, n in before.items() if t not in PRIVACY_WRITES}
    anonymised = scalar(dst, "SELECT COUNT(*) FROM residents WHERE anonymised_at IS NOT NULL")
    assert anonymised >= named
    assert after["job_runs"] == before["job_runs"] + 1
    assert after["job_periods"] == before["job_periods"] + 1
    assert after["audit_events"] > before["audit_events"]
    assert scalar(dst, "SELECT outcome FROM job_runs WHERE job = 'privacy'") == "ok"


def _cutoff() -> str:
    """Today (Amsterdam) minus 24 months, the default resident retention period, minus a
    week's margin so that the day the job and this test run cannot differ."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from dateutil.relativedelta import relativedelta

    from services.privacy.retention import DEFAULT_RESIDENT_MONTHS

    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    return (today - relativedelta(months=DEFAULT_RESIDENT_MONTHS) - timedelta(days=7)
            ).isoformat()
