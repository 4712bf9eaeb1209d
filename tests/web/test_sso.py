"""Single sign-on with OpenID Connect against a real provider on 127.0.0.1
(tests/support/oidc_provider.py): the login, the checks of state, nonce, signature,
audience, issuer and expiry, the account matching (verified address, allowed domain,
an existing active account), the second factor, and the logout."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
import sqlalchemy as sa

from models import AuditEvent, User, db
from tests.conftest import PASSWORD, ROLE_EMAILS
from tests.support.oidc_provider import ProviderServer
from tests.web.account_support import code_now
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import text

COACH = ROLE_EMAILS["communitycoach"]


@pytest.fixture(scope="module")
def provider_server():
    server = ProviderServer()
    provider = server.start()
    yield provider
    server.stop()


@pytest.fixture
def provider(app, provider_server, world, monkeypatch):
    provider_server.people.clear()
    provider_server.next_token = {}
    provider_server.logouts.clear()
    provider_server.with_end_session = True
    for email in ROLE_EMAILS.values():
        provider_server.add_person(email)
    monkeypatch.setitem(app.config, "SSO_PROVIDERS",
                        (provider_server.settings(domains=("hofje.example",)),))
    app.extensions.pop("noaber_sso", None)  # a fresh client (discovery) per test
    return provider_server


def _flashes(page: str) -> str:
    return " ".join(html.unescape(m) for m in re.findall(
        r'<div class="alert alert-\w+" role="status">(.*?)</div>', page, re.S))


def sign_in(client, provider, email, *, key="corp", next_url=None, tamper_state=False):
    """The whole round: our start page, the provider's authorization (as ``email``), our
    callback. Returns the callback's response."""
    start = client.get(f"/login/sso/{key}" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, text(start)[:500]
    location = start.headers["Location"]
    assert location.startswith(provider.base_url + "/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["nonce"] and query["state"] and query["client_id"] == ["noaber-test"]
    answer = requests.get(location, params={"auto": "1", "login_hint": email},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == f"/login/sso/{key}/terug"
    query_string = back.query
    if tamper_state:
        query_string = re.sub(r"state=[^&]+", "state=forged", query_string)
    return client.get(f"{back.path}?{query_string}")


def _refused(client, response) -> str:
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = text(client.get("/login"))
    assert client.get("/").status_code == 302  # still not logged in
    return _flashes(page)


def test_login_page_shows_the_provider_button(client, provider):
    page = text(client.get("/login"))
    assert "Inloggen met Woonstad" in page
    assert 'href="/login/sso/corp"' in page


def test_signing_in_logs_in_the_matching_account(app, client, provider):
    response = sign_in(client, provider, COACH, next_url="/profiel")
    assert response.status_code == 302 and response.headers["Location"] == "/profiel"
    assert "Test communitycoach" in text(client.get("/profiel"))
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == COACH))
        assert user.last_login_method == "sso:corp" and user.last_login_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "sso_login", AuditEvent.entity_id == user.id)) == 1
        db.session.remove()


def test_a_password_login_is_recorded_as_such(app, client, auth, world):
    assert auth.login(COACH).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == COACH))
        assert user.last_login_method == "password"
        db.session.remove()


def test_a_forged_state_is_refused(client, provider):
    message = _refused(client, sign_in(client, provider, COACH, tamper_state=True))
    assert "verlopen of in een ander venster begonnen" in message


def test_a_callback_without_a_started_login_is_refused(client, provider):
    response = client.get("/login/sso/corp/terug?code=abc&state=xyz")
    assert "verlopen of in een ander venster begonnen" in _refused(client, response)


@pytest.mark.parametrize("bend", [
    {"nonce": "another-nonce"},
    {"aud": "someone-else"},
    {"iss": "https://evil.example"},
    {"exp": -3600},
], ids=["nonce", "audience", "issuer", "expired"])
def test_a_bad_id_token_is_refused(client, provider, bend):
    provider.next_token = dict(bend)
    message = _refused(client, sign_in(client, provider, COACH))
    assert "gaf geen geldig bewijs van uw identiteit" in message


def test_a_token_signed_with_another_key_is_refused(client, provider):
    from joserfc.jwk import RSAKey

    provider.next_token = {"signing_key": RSAKey.generate_key(
        2048, parameters={"kid": provider.key.kid}, private=True)}
    message = _refused(client, sign_in(client, provider, COACH))
    assert "gaf geen geldig bewijs van uw identiteit" in message


def test_an_unverified_address_is_refused(client, provider):
    provider.next_token = {"email_verified": False}
    message = _refused(client, sign_in(client, provider, COACH))
    assert "Uw e-mailadres is bij Woonstad niet bevestigd" in message


def test_an_address_of_another_domain_is_refused(app, client, auth, provider):
    provider.add_person("coach@elders.example")
    message = _refused(client, sign_in(client, provider, "coach@elders.example"))
    assert "Met een adres van elders.example kunt u niet inloggen via Woonstad" in message


def test_an_unknown_person_is_not_given_an_account(app, client, provider):
    provider.add_person("nieuw@hofje.example")
    message = _refused(client, sign_in(client, provider, "nieuw@hofje.example"))
    assert "Er is geen actief Noaber-account met het adres nieuw@hofje.example" in message
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(
            User.email == "nieuw@hofje.example")) is None
        db.session.remove()


def test_a_deactivated_account_is_refused(app, client, provider, world):
    with app.app_context():
        db.session.get(User, world.users["communitycoach"]).active = False
        db.session.commit()
        db.session.remove()
    message = _refused(client, sign_in(client, provider, COACH))
    assert "Er is geen actief Noaber-account" in message


def test_an_unknown_provider_is_404(client, provider):
    assert client.get("/login/sso/nope").status_code == 404
    assert client.get("/login/sso/nope/terug").status_code == 404


def test_an_unreachable_provider_is_said_so(app, client, provider, monkeypatch):
    settings = dict(app.config["SSO_PROVIDERS"][0])
    settings["metadata_url"] = "http://127.0.0.1:9/.well-known/openid-configuration"
    monkeypatch.setitem(app.config, "SSO_PROVIDERS", (settings,))
    response = client.get("/login/sso/corp")
    assert "Woonstad is nu niet bereikbaar" in _refused(client, response)


def _with_second_factor(app, world) -> str:
    with app.app_context():
        user = db.session.get(User, world.users["communitycoach"])
        secret = pyotp.random_base32()
        user.totp_secret = secret
        user.totp_confirmed_at = user.created_at
        db.session.commit()
        db.session.remove()
    return secret


def test_the_own_second_factor_is_still_asked_by_default(app, client, provider, world):
    secret = _with_second_factor(app, world)
    response = sign_in(client, provider, COACH)
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/profiel").status_code == 302  # not logged in yet
    done = client.post("/login/code", data={"code": code_now(secret)})
    assert done.status_code == 302
    assert client.get("/profiel").status_code == 200
    with app.app_context():
        assert db.session.get(User, world.users["communitycoach"]).last_login_method \
            == "sso:corp"
        db.session.remove()


def test_a_provider_enforcing_mfa_skips_the_own_step(app, client, provider, world,
                                                    monkeypatch):
    _with_second_factor(app, world)
    monkeypatch.setitem(app.config, "SSO_PROVIDERS", (provider.settings(
        domains=("hofje.example",), mfa=True),))
    monkeypatch.setitem(app.config, "TOTP_REQUIRED_ROLES", ("communitycoach",))
    response = sign_in(client, provider, COACH)
    assert response.headers["Location"] == "/mijn-werk"
    assert client.get("/profiel").status_code == 200


def test_logout_ends_the_session_and_goes_to_the_provider(app, client, provider):
    sign_in(client, provider, COACH)
    assert client.get("/profiel").status_code == 200
    cookie = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(provider.base_url + "/logout?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:5000/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get("/profiel").status_code == 302
    client.set_cookie("session", cookie)  # a copy of the old cookie is dead too
    assert client.get("/profiel").status_code == 302


def test_logout_without_an_end_session_endpoint_stays_here(app, client, provider):
    provider.with_end_session = False
    sign_in(client, provider, COACH)
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/profiel").status_code == 302


def test_the_local_login_stays(client, auth, provider):
    assert auth.login(COACH, PASSWORD).status_code == 302
    assert client.get("/profiel").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"


def test_the_csp_lets_the_logout_form_reach_the_provider_only(client, provider):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.base_url};" in policy
