"""Helpers for the tests that run the scripts in ``deploy/`` for real: databases of their
own beside the suite's, the scripts as processes with their output collected, plain HTTP.

A database of its own: on SQLite a file in the test's temporary folder; on PostgreSQL
(when ``TEST_DATABASE_URL`` is set) a database named after that one's with a suffix
(``h_deploy`` -> ``h_deploy_src``), dropped and created again, never the suite's own.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from config import normalise_database_url

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
SECRET = "deploy-test-secret-" + "s" * 32


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


def fresh_database(suffix: str, tmp_path: Path) -> str:
    """An empty database for one test (see the module's docstring)."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / (suffix + '.db')}"
    base = sa.make_url(normalise_database_url(TEST_DATABASE_URL))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base.database}_{suffix}" + (f"_{worker}" if worker else "")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    target = sa.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()


def script_env(database_url: str, **settings: str) -> dict:
    """The environment a start script gets: the settings of a production start (a real
    secret key, the database) and nothing of the test run's own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLASK_", "NOABER_", "TEST_", "PYTEST_"))
           and k not in {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE"}}
    return {**env, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
            "BASE_URL": "http://127.0.0.1", "MAIL_BACKEND": "log", "MAIL_LOG_ALLOWED": "1",
            "TOTP_REQUIRED_ROLES": "", **settings}


def run_script(name: str, *args: str, env: dict, cwd: Path | str = "/",
               timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a script of deploy/ to its end (from another folder than the repository's)."""
    return subprocess.run([str(DEPLOY / name), *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)


class Started:
    """A long-running script of deploy/ (start-web, start-scheduler); its output (stdout
    and stderr together) is collected line by line."""

    def __init__(self, name: str, env: dict):
        self.name = name
        self.lines: list[str] = []
        self.process = subprocess.Popen([str(DEPLOY / name)], cwd="/", env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 90) -> re.Match:
        """The first match of ``pattern`` in the output; fails when the process ends or
        the deadline passes first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.output):
                return match
            if self.process.poll() is not None:
                self._reader.join(5)
                if match := re.search(pattern, self.output):
                    return match
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"{self.name}: no {pattern!r}; output:\n{self.output[-3000:]}")

    def serving(self, timeout: float = 90) -> int:
        """Wait until gunicorn listens and every worker answers; returns the port."""
        port = int(self.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)", timeout).group(1))
        self.wait_for(r"gc: \d+ start-up objects frozen", timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if request(port, "GET", "/login")[0] == 200:
                return port
            time.sleep(0.1)
        raise AssertionError(f"{self.name} on {port} does not answer:\n{self.output[-3000:]}")

    def stop(self) -> int:
        """SIGTERM to the process group (gunicorn's master and workers, the scheduler),
        SIGKILL after 20 s; returns the exit status."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode


def request(port: int, method: str, path: str, data: dict | None = None,
            headers: dict | None = None) -> tuple[int, str, dict]:
    """One HTTP request to 127.0.0.1:port: status (0 when refused), body, headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    try:
        connection.request(method, path, urlencode(data) if data else None, sent)
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    except ConnectionError:
        return 0, "", {}
    finally:
        connection.close()


def table_counts(url: str) -> dict[str, int]:
    """Rows per table of the database at ``url`` (all of its tables)."""
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar()
                    for t in sorted(tables)}
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    """The database's Alembic revision (None: no migrations ran)."""
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def set_revision(url: str, value: str) -> None:
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": value})
    finally:
        engine.dispose()


CSRF_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Browser:
    """Plain HTTP with a cookie jar, as one browser on one client address: it GETs a form
    for its CSRF token and POSTs it (the app runs with CSRF protection on, as in
    production). Redirects are reported, not followed. Cookies for 127.0.0.1 go to every
    port, so one browser can talk to two hosts; ``address`` is sent as X-Forwarded-For,
    as the proxy in front would (PROXY_COUNT=1)."""

    def __init__(self, address: str | None = None):
        import http.cookiejar
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                return None

        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.opener.addheaders = [("User-Agent", "noaber-deploy-test")] + (
            [("X-Forwarded-For", address)] if address else [])

    def _open(self, port: int, path: str, body: bytes | None = None
              ) -> tuple[int, str, dict]:
        import urllib.error

        url = f"http://127.0.0.1:{port}{path}"
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def get(self, port: int, path: str) -> tuple[int, str, dict]:
        return self._open(port, path)

    def follow(self, port: int, path: str) -> tuple[int, str, str]:
        """GET ``path`` and the redirects after it (at most five); status, page and the
        path it ended on."""
        from urllib.parse import urlsplit

        for _ in range(5):
            status, page, headers = self.get(port, path)
            if status not in (301, 302, 303, 307, 308):
                return status, page, path
            location = urlsplit(headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
        raise AssertionError(f"too many redirects from {path}")

    def token(self, port: int, path: str) -> str:
        status, page, _ = self.get(port, path)
        match = CSRF_TOKEN.search(page)
        assert match, f"no CSRF token on {path} ({status}): {page[:300]}"
        return match.group(1)

    def post(self, port: int, path: str, data: dict, token: str) -> tuple[int, str, dict]:
        return self._open(port, path, urlencode({**data, "csrf_token": token}).encode())

    def login(self, port: int, email: str, password: str) -> tuple[int, str, dict]:
        return self.post(port, "/login", {"email": email, "password": password},
                         self.token(port, "/login"))

    def session_cookie(self) -> str | None:
        return next((c.value for c in self.jar if c.name == "session"), None)
