"""Fixtures for the browser tests: a live server for the test app and headless Chromium.

The live server serves the very ``app`` object of ``tests/conftest.py`` (so the same test
database, SQLite or PostgreSQL) on 127.0.0.1 with an ephemeral port. Chromium is the
Debian package at /usr/bin/chromium, driven by Playwright's sync API; ``playwright
install`` is never used. Without that binary the tests are skipped, unless
``REQUIRE_BROWSER=1`` is set (CI), in which case they fail.

Every page records console errors, uncaught exceptions and Content-Security-Policy
violations; the ``new_page`` fixture (behind ``page``) ends each test with
:meth:`Problems.assert_none`, so any of those fails the test.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, ROLE_EMAILS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEFAULT_TIMEOUT_MS = 5_000
PHONE = {"width": 390, "height": 844}

# Chromium asks for /favicon.ico on a page without <link rel="icon"> (the app has no
# favicon) and logs the 404 as a console error. That one is tolerated but recorded on the
# test's report (``user_properties``) and counted in the terminal summary by
# tests/conftest.py (which also runs where pytest-xdist's workers report); nothing else
# is tolerated.
FAVICON = re.compile(r"/favicon\.ico$")

# Reports every CSP violation to the test (the listener is injected by the DevTools
# protocol, which the page's own CSP does not restrict).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__noaberCsp && window.__noaberCsp(
    `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} on ${e.documentURI}`);
});
"""


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app from a background thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def _playwright():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}; browser tests need the Debian package"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Problems:
    """Console errors, uncaught page errors and CSP violations seen in one test."""

    console: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    favicon_404s: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Tolerate a console error matching ``pattern`` (for an expected one)."""
        self.allowed.append(re.compile(pattern))

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        text = f"{message.text} [{url}]"
        if FAVICON.search(url):
            self.favicon_404s.append(text)
        elif not any(p.search(text) for p in self.allowed):
            self.console.append(text)

    def assert_none(self) -> None:
        assert not self.csp, f"CSP violations: {self.csp}"
        assert not self.console, f"console errors: {self.console}"


def _watch(context, problems: Problems) -> None:
    context.expose_function("__noaberCsp", lambda report: problems.csp.append(report))
    context.add_init_script(CSP_LISTENER)
    context.on("console", problems.on_console)
    context.on("weberror", lambda e: problems.console.append(f"uncaught: {e.error}"))


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_call_failed = report.failed


@pytest.fixture
def new_page(request, browser, live_server, problems):
    """``new_page(**context_options)`` opens a page in a fresh browser context (own
    cookies) whose console errors and CSP violations are checked when the test ends
    (when the test failed already, they are only printed, next to its failure)."""
    contexts = []

    def _new_page(**options):
        context = browser.new_context(base_url=live_server, locale="nl-NL", **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        _watch(context, problems)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()
    request.node.user_properties += [("favicon_404", text) for text in problems.favicon_404s]
    if getattr(request.node, "browser_call_failed", False):
        print(f"browser problems: {problems}")
    else:
        problems.assert_none()


@pytest.fixture
def page(new_page):
    return new_page()


def visit(page, path: str) -> None:
    """Open ``path`` and insist on a 200 answer."""
    response = page.goto(path)
    assert response is not None and response.status == 200, \
        f"GET {path}: {response.status if response else 'no response'}"


def log_in(page, role: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would (``role``: one of the world's
    roles, or an account's e-mail address)."""
    visit(page, "/login")
    page.get_by_label("E-mailadres").fill(ROLE_EMAILS.get(role, role))
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {role} failed"

