"""Two web hosts and two schedulers on one database and one Redis, as docs/scale.md
describes: each host is a real deploy/start-web (gunicorn, two workers, the production
settings: CSRF on, limits in Redis, one proxy in front), the first one migrating and the
second with NOABER_MIGRATE=0. Then

* twenty people book the same slot of the shared room at the same moment, spread over
  both hosts: exactly one booking;
* the login limit per address is one count over both hosts;
* a session made by one host is valid on the other;
* two schedulers catching up the same day run each job's period once.

Two hosts share a database only with PostgreSQL (marked ``postgres``); in the suite's
SQLite pass the same runs as two servers on one machine sharing the SQLite file, which
is what SQLite allows. Redis is the server at ``TEST_REDIS_URL`` (default
redis://127.0.0.1:6379), with a key prefix of this run, deleted afterwards.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from models import Booking, BookingSeries, JobPeriod, JobRun, Site, db
from services.monitoring.jobs import JOBS
from tests.conftest import PASSWORD, REDIS_URL, ROLE_EMAILS, TEST_DATABASE_URL
from tests.rooms_fixtures import make_room
from tests.support.deploy import REPO, Browser, Started, script_env

pytestmark = [pytest.mark.postgres] if TEST_DATABASE_URL else []

PEOPLE = 20
ROLES = ["sociaal_beheerder", "communitycoach", "begeleider", "bestuur", "kerngroep"]
REFUSED = "Onbekend e-mailadres of verkeerd wachtwoord."
ADDRESS_LIMITED = "Te veel inlogpogingen vanaf dit adres."


@pytest.fixture
def hosts(app, database_url, redis_client):
    """Host A (migrates) and host B (NOABER_MIGRATE=0) on the suite's database; their
    ports."""
    prefix = f"noaber-test-hosts-{uuid.uuid4().hex}"
    settings = {"NOABER_BIND": "127.0.0.1:0", "NOABER_WORKERS": "2",
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "PROXY_COUNT": "1"}
    a = Started("start-web", script_env(database_url, **settings))
    b = Started("start-web", script_env(database_url, **settings, NOABER_MIGRATE="0"))
    try:
        ports = a.serving(), b.serving()
        for host in (a, b):
            assert host.output.count("Booting worker") == 2
        yield ports
    finally:
        a.stop()
        b.stop()
        keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
        if keys:
            redis_client.delete(*keys)


def slot_day() -> date:
    """A Wednesday two to three weeks from today (the servers use the real clock)."""
    day = datetime.now(ZoneInfo("Europe/Amsterdam")).date() + timedelta(days=14)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def test_twenty_bookings_of_one_slot_over_two_hosts_make_one(app, world, hosts):
    with app.app_context():
        room = make_room(db.session, db.session.get(Site, world.site))
        db.session.commit()
        room_id = room.id
    path = f"/locaties/{world.site}/ruimte/{room_id}/boeken"
    slot = {"title": "Verjaardagsfeest", "first_day": slot_day().isoformat(),
            "start_time": "15:00", "end_time": "17:00", "recurrence": "single"}
    people = []
    for n in range(PEOPLE):
        port = hosts[n % 2]
        browser = Browser(address=f"198.51.100.{n + 1}")
        status, page, _ = browser.login(port, ROLE_EMAILS[ROLES[n % len(ROLES)]], PASSWORD)
        assert status == 302, page[:300]
        people.append((browser, port, browser.token(port, path)))

    start = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE

    def attempt(n: int) -> None:
        browser, port, token = people[n]
        start.wait()
        results[n] = browser.post(port, path, slot, token)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    codes = sorted(status for status, _page, _headers in results)
    assert codes == [302] + [422] * (PEOPLE - 1), codes
    for status, page, _ in results:
        if status == 422:
            assert ("Deze tijd is niet vrij" in page
                    or "Iemand anders heeft deze tijd zojuist geboekt" in page), page[:1000]
    with app.app_context():
        booked = db.session.scalars(sa.select(Booking).join(BookingSeries).where(
            Booking.room_id == room_id, Booking.status == "booked",
            BookingSeries.title == slot["title"])).all()
        assert len(booked) == 1
        assert booked[0].starts_at.astimezone(ZoneInfo("Europe/Amsterdam")).time() == time(15)


def test_the_login_limit_is_one_count_over_both_hosts(world, hosts):
    """25 failed logins from one address, alternating between the hosts: the 10 per
    minute are counted once (else each host would let 10 through)."""
    outcomes = []
    for n in range(25):
        browser = Browser(address="203.0.113.7")
        status, page, _ = browser.login(hosts[n % 2], f"raden{n}@elders.example", "verkeerd!")
        outcomes.append("refused" if status == 200 and REFUSED in page else
                        "limited" if status == 429 and ADDRESS_LIMITED in page else
                        f"{status}: {page[:200]}")
    assert Counter(outcomes) == {"refused": 10, "limited": 15}
    assert outcomes[:10] == ["refused"] * 10


def test_a_session_from_one_host_works_on_the_other(world, hosts):
    a, b = hosts
    browser = Browser(address="192.0.2.44")
    status, _page, _ = browser.login(a, ROLE_EMAILS["sociaal_beheerder"], PASSWORD)
    assert status == 302 and browser.session_cookie()
    status, page, _ = browser.get(b, f"/locaties/{world.site}/bewoners/")
    assert status == 200 and "Lies Linde" in page
    # logging out on B ends the session on A too (the generation is in the database)
    token = browser.token(b, f"/locaties/{world.site}/bewoners/")
    assert browser.post(b, "/logout", {}, token)[0] == 302
    status, _page, headers = browser.get(a, f"/locaties/{world.site}/bewoners/")
    assert status == 302 and "/login" in headers["Location"]


def _scheduler(database_url: str, when: str, gate) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.job_process", database_url, "scheduler", when,
         "--start", str(gate)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def test_two_schedulers_run_each_period_once(app, world, database_url, tmp_path):
    """Two schedulers (one per host) start together on a Monday at 07:30 and both catch
    up the day's monitor and privacy runs and the week's digest."""
    gate = tmp_path / "go"
    processes = [_scheduler(database_url, "2027-01-04T07:30", gate) for _ in range(2)]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        gate.touch()
        outputs = [process.communicate(timeout=180)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert all("outcome done" in output for output in outputs), outputs
    with app.app_context():
        periods = db.session.execute(sa.select(JobPeriod.job, JobPeriod.period)).all()
        runs = db.session.execute(sa.select(JobRun.job, JobRun.period).where(
            JobRun.outcome == "ok", JobRun.job != "outbox")).all()  # the outbox has no periods
    assert sorted(periods) == sorted(runs)
    every_job_once = {name: 1 for name in JOBS}  # one period of each declared job
    assert Counter(job for job, _period in periods) == every_job_once
    # each ok run is reported by exactly one of the two processes
    reported = Counter(line.split()[1] for output in outputs for line in output.splitlines()
                       if line.startswith("result ") and line.split()[3] == "ok")
    assert reported == every_job_once
