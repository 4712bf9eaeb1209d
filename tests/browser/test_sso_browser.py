"""In headless Chromium: a coach clicks "Inloggen met Woonstad" on the login page, signs
in on the provider's own page (tests/support/oidc_provider.py, on 127.0.0.1), comes back
logged in to Noaber, and the logout passes the provider's logout and ends the session."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit
from tests.conftest import ROLE_EMAILS
from tests.support.oidc_provider import ProviderServer

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(app, live_server, world, monkeypatch):
    server = ProviderServer()
    provider = server.start()
    provider.add_person(ROLE_EMAILS["communitycoach"])
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    monkeypatch.setitem(app.config, "SSO_PROVIDERS",
                        (provider.settings(domains=("hofje.example",)),))
    app.extensions.pop("noaber_sso", None)
    yield provider
    app.extensions.pop("noaber_sso", None)
    server.stop()


def test_sign_in_through_the_provider_page(page, provider, world, live_server):
    visit(page, "/login")
    page.get_by_role("link", name="Inloggen met Woonstad").click()
    expect(page).to_have_url(re.compile(re.escape(provider.base_url) + r"/authorize\?"))
    page.get_by_label("E-mail").fill(ROLE_EMAILS["communitycoach"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/locaties/{world.site}/mijn-werk$"))
    expect(page.locator("main")).to_contain_text("Het Hofje")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".alert-info")).to_contain_text("U bent uitgelogd.")
    assert len(provider.logouts) == 1 and provider.logouts[0]["client_id"] == "noaber-test"
    page.goto(f"/locaties/{world.site}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
