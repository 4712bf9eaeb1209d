"""Rate limits that hold exactly across workers: a real gunicorn with two workers sharing
their counts in Redis, hit by attempts sent at the same time; and the per-account hourly
limit of failed logins with its Dutch messages (through the test client).

Redis is the server at ``TEST_REDIS_URL`` (default redis://127.0.0.1:6379), shared with
other runs: every run uses a key prefix of its own and deletes its keys afterwards. Without
Redis the gunicorn tests are skipped locally and fail in CI.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app.extensions import limiter
from config import Config
from models import RoomRequest
from tests.conftest import PASSWORD, REDIS_URL, ROLE_EMAILS, TODAY
from tests.rooms_fixtures import rooms_world
from tests.web.support import query, text

REPO = Path(__file__).resolve().parents[2]
WRONG = "verkeerd wachtwoord!"
REFUSED = "Onbekend e-mailadres of verkeerd wachtwoord."
ADDRESS_LIMITED = "Te veel inlogpogingen vanaf dit adres. Probeer het over 1 minuut opnieuw."
ACCOUNT_LIMITED = ("Te veel mislukte pogingen voor dit account. Probeer het over 1 minuut "
                   "opnieuw.")
ATTEMPTS = 25
SENDERS = 6  # attempts in flight at once, spread by the kernel over both workers


# --- a gunicorn with two workers on Redis --------------------------------------------


class Server:
    """A gunicorn serving tests.support.wsgi:app; collects its log."""

    def __init__(self, config: dict):
        env = {**os.environ, "NOABER_TEST_CONFIG": json.dumps(config)}
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0",
             "tests.support.wsgi:app"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = self._wait_until_ready()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.log.append(line.rstrip())

    def _wait_until_ready(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            listening = [m for line in self.log
                         if (m := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line))]
            booted = sum("Booting worker" in line for line in self.log)
            if listening and booted >= 2 and "gc:" in "\n".join(self.log):
                port = int(listening[0].group(1))
                status, _ = self.request("GET", "/login", port=port)
                if status == 200:
                    return port
            time.sleep(0.1)
        self.stop()
        raise AssertionError("gunicorn did not start:\n" + "\n".join(self.log[-30:]))

    def request(self, method: str, path: str, data: dict | None = None,
                address: str | None = None, port: int | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if address:  # the app trusts one proxy (PROXY_COUNT=1), as behind nginx
            headers["X-Forwarded-For"] = address
        try:
            connection.request(method, path, urlencode(data) if data else None, headers)
            response = connection.getresponse()
            return response.status, response.read().decode()
        except ConnectionError:
            return 0, ""
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server(app, database_url, redis_client):
    """Two workers with the production limits (config.Config's defaults) counting in
    Redis under a prefix of this run; the test's database; CSRF off as in the tests."""
    prefix = f"noaber-test-{uuid.uuid4().hex}"
    server = Server({
        "SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
        "PROXY_COUNT": 1, "WTF_CSRF_ENABLED": False, "TODAY": TODAY.isoformat(),
        "BASE_URL": "http://127.0.0.1", "MAIL_LOG_ALLOWED": True,
        "SECRET_KEY": f"rate-limit-test-{uuid.uuid4().hex}"})
    try:
        assert server.log and sum("Booting worker" in line for line in server.log) == 2
        yield server
    finally:
        server.stop()
        keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
        if keys:
            redis_client.delete(*keys)


def send_all(server: Server, attempts: list[dict]) -> list[tuple[int, str]]:
    """Send the attempts (keyword arguments of :meth:`Server.request`) SENDERS at a time."""
    with ThreadPoolExecutor(SENDERS) as pool:
        return list(pool.map(lambda kw: server.request(**kw), attempts))


def outcome(answer: tuple[int, str], limited: str) -> str:
    status, page = answer
    if status == 200 and REFUSED in page:
        return "refused"
    if status == 429 and limited in page:
        return "limited"
    return f"{status}: {page[:200]}"


def test_the_limit_per_address_holds_across_workers(world, server):
    assert Config.LOGIN_RATE_LIMIT == "10 per minute"
    answers = send_all(server, [
        {"method": "POST", "path": "/login", "address": "203.0.113.7",
         "data": {"email": f"raden{n}@elders.example", "password": WRONG}}
        for n in range(ATTEMPTS)])
    assert Counter(outcome(a, ADDRESS_LIMITED) for a in answers) == \
        {"refused": 10, "limited": 15}


def test_the_limit_per_account_holds_across_workers_and_addresses(world, server):
    answers = send_all(server, [
        {"method": "POST", "path": "/login", "address": f"198.51.100.{n + 1}",
         "data": {"email": ROLE_EMAILS["bestuur"], "password": WRONG}}
        for n in range(ATTEMPTS)])
    assert Counter(outcome(a, ACCOUNT_LIMITED) for a in answers) == \
        {"refused": 10, "limited": 15}
    # the right password is refused too until the minute is over: no oracle
    status, page = server.request("POST", "/login", address="192.0.2.99", data={
        "email": ROLE_EMAILS["bestuur"], "password": PASSWORD})
    assert status == 429 and ACCOUNT_LIMITED in page


def test_the_public_request_form_limit_holds_across_workers(app, world, server):
    ids = rooms_world(app, world)
    count = lambda: query(app, lambda s: s.scalar(  # noqa: E731
        sa.select(sa.func.count()).select_from(RoomRequest)))
    before = count()
    first = date(2026, 7, 1)
    answers = send_all(server, [
        {"method": "POST", "path": f"/ruimte/{ids.room}/aanvragen", "address": "192.0.2.10",
         "data": {"requester_kind": "buurtgroep", "commercial": "nee",
                  "organisation": "Buurtgroep Oost", "contact_name": "Olga Oost",
                  "email": "olga@oost.example", "title": f"Buurtvergadering {n}",
                  "purpose": "Vergadering over de speeltuin in de wijk",
                  "expected_people": "15", "first_day": (first + timedelta(n)).isoformat(),
                  "start_time": "14:00", "end_time": "16:00", "recurrence": "single"}}
        for n in range(ATTEMPTS)])
    statuses = Counter(status for status, _ in answers)
    assert statuses == {302: 10, 429: 15}, [page[:300] for s, page in answers if s not in
                                            (302, 429)]
    assert count() == before + 10


# --- the messages and the hourly limit per account (test client) ---------------------


@pytest.fixture
def limits(app):
    """Set the login limits for one test; the counters start empty."""
    saved = {k: app.config[k] for k in ("LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_RATE_LIMIT")}

    def _set(**values):
        app.config.update(values)
        limiter.reset()

    yield _set
    app.config.update(saved)
    limiter.reset()


def login(client, email: str, password: str, address: str):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("email", [ROLE_EMAILS["bestuur"], "bestaat.niet@hofje.example"])
def test_at_most_100_failed_attempts_per_hour_on_one_account(client, world, limits, email):
    """OWASP ASVS 2.2.1, from a new address every time; an unknown address is treated the
    same, so the limit does not tell which accounts exist."""
    assert Config.LOGIN_ACCOUNT_RATE_LIMIT == "100 per hour"
    limits(LOGIN_ACCOUNT_RATE_LIMIT=Config.LOGIN_ACCOUNT_RATE_LIMIT)
    for n in range(100):
        response = login(client, email, WRONG, f"198.51.100.{n + 1}")
        assert response.status_code == 200 and REFUSED in text(response), n
    blocked = login(client, email, PASSWORD, "203.0.113.50")
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen voor dit account. Probeer het over 60 minuten " \
           "opnieuw." in text(blocked)
    assert 3540 <= int(blocked.headers["Retry-After"]) <= 3600
    # another account is not affected
    assert login(client, ROLE_EMAILS["kerngroep"], PASSWORD, "203.0.113.51").status_code == 302


def test_the_minute_limits_say_when_to_try_again(client, world, limits):
    limits(LOGIN_RATE_LIMIT="3 per minute")
    for n in range(3):
        assert login(client, ROLE_EMAILS["bestuur"], WRONG, f"198.51.100.{n}") \
            .status_code == 200
    per_account = login(client, ROLE_EMAILS["bestuur"], WRONG, "198.51.100.9")
    assert per_account.status_code == 429 and ACCOUNT_LIMITED in text(per_account)
    assert 1 <= int(per_account.headers["Retry-After"]) <= 60
    for n in range(3):
        login(client, f"raden{n}@elders.example", WRONG, "203.0.113.8")
    per_address = login(client, "nog.een@elders.example", WRONG, "203.0.113.8")
    assert per_address.status_code == 429 and ADDRESS_LIMITED in text(per_address)
    # the form stays usable, with the message above it
    assert 'name="email"' in text(per_address)
