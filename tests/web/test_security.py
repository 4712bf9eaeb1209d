"""Login rate limiting, CSRF, security headers and the Dutch error pages."""
import pytest

from app.extensions import limiter
from tests.conftest import ROLE_EMAILS


@pytest.fixture
def rate_limited(app):
    old = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = old


def test_login_is_rate_limited_with_a_clear_message(client, world, rate_limited):
    for _ in range(3):
        response = client.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                                               "password": "fout-wachtwoord"})
        assert response.status_code == 200
    blocked = client.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                                          "password": "fout-wachtwoord"})
    assert blocked.status_code == 429
    assert "Te veel inlogpogingen vanaf dit adres. Probeer het over 1 minuut opnieuw." \
        in blocked.get_data(as_text=True)


def test_csrf_token_is_required(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                                               "password": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_http_only(client, world):
    response = client.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                                           "password": "correct horse battery"})
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("session=") and "HttpOnly" in c and "SameSite=Lax" in c
               for c in cookies)


def test_error_pages_are_dutch(login_as, world):
    client = login_as("bestuur")
    missing = client.get("/bestaat-niet")
    assert missing.status_code == 404
    assert "Deze pagina bestaat niet" in missing.get_data(as_text=True)
    forbidden = client.get("/beheer/gebruikers")
    assert forbidden.status_code == 403
    assert "geen toegang" in forbidden.get_data(as_text=True)
