"""CSRF on every form, with Flask-WTF's protection switched on (the test configuration
has it off so the other tests can post without reading tokens first).

Every post form of every page the test data reaches (the hostile-form tests' set: one
form per endpoint, as admin, the hours pages as the coach) carries a token; posted
without it, with a tampered one, or with another session's, it is refused with a 400
and a Dutch explanation, and no table gains or loses a row. Posted as shown, with its
own token, it is not refused for the token. Logging in and out and the language switch
are checked on their own (the form set leaves them out)."""
from __future__ import annotations

import pytest

from tests.conftest import CSRF_TOKEN, PASSWORD, ROLE_EMAILS
from tests.web.form_support import Form, forms, forms_of, row_counts  # noqa: F401
from tests.web.page_support import page_ids  # noqa: F401
from tests.web.support import fresh_rate_limits, text  # noqa: F401

REFUSAL = "Dit formulier is verlopen of niet compleet verstuurd; er is niets opgeslagen."


@pytest.fixture(autouse=True)
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token_field(form: Form) -> str:
    """The token's field name: ``csrf_token``, or ``<prefix>-csrf_token`` for a form with
    a prefix (Flask-WTF accepts either)."""
    return next((name for name in form.fields if name.endswith("csrf_token")), "csrf_token")


def _token(form: Form) -> str:
    field = form.fields.get(_token_field(form))
    return field.values[0] if field and field.values else ""


def _post(app, client, form: Form, token: str | None):
    """Post the form as shown, with ``token`` (None: without one); the answer and
    whether any table's row count changed."""
    name = _token_field(form)
    # a page whose one form holds several prefixed forms carries a token for each
    data = {key: value for key, value in form.baseline().items()
            if not key.endswith("csrf_token")}
    if token is not None:
        data[name] = token
    with app.app_context():
        before = row_counts()
    response = client.post(form.action, data=data)
    with app.app_context():
        changed = row_counts() != before
    return response, changed


def _tampered(token: str) -> str:
    # same length and alphabet, the last character (of the signature) different
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_every_form_carries_a_token(forms):
    missing = [endpoint for endpoint, form in forms.items() if not _token(form)]
    assert len(forms) >= 105
    assert not missing, missing


def test_every_form_refuses_a_missing_or_tampered_token(app, client, login_as, forms):
    failures = []
    for endpoint, form in forms.items():
        login_as(form.role)
        for label, token in (("none", None), ("tampered", _tampered(_token(form)))):
            response, changed = _post(app, client, form, token)
            if response.status_code != 400 or REFUSAL not in text(response) or changed:
                failures.append((endpoint, label, response.status_code, changed))
    assert not failures, failures


def test_another_sessions_token_is_refused(app, client, login_as, forms):
    """The forgery itself: a page elsewhere cannot know this session's token, and a token
    of the attacker's own session does not fit."""
    other = app.test_client()
    assert other.post("/login", data={"email": ROLE_EMAILS["admin"], "password": PASSWORD,
                                      "csrf_token": _login_token(other)}).status_code == 302
    foreign = {endpoint: _token(form) for endpoint, form in _forms_seen_by(other, forms)}
    assert foreign, "the second session found none of the forms"
    login_as("admin")
    for endpoint, token in foreign.items():
        response, changed = _post(app, client, forms[endpoint], token)
        assert (response.status_code, changed) == (400, False), endpoint


def _forms_seen_by(client, forms: dict[str, Form]):
    """The admin's forms as ``client`` (another session) sees them: its own tokens."""
    for endpoint, form in forms.items():
        if form.role != "admin":
            continue
        page = client.get(form.page)
        for seen in forms_of(text(page), form.page):
            if seen.action == form.action and _token(seen):
                yield endpoint, seen
                break


def test_every_form_goes_through_with_its_own_token(app, client, login_as, forms):
    refused, gone = [], []
    for endpoint, form in forms.items():
        login_as(form.role)  # a new session: a new token
        # the page again: an earlier form may have changed or ended what this one shows
        fresh = next((f for f in forms_of(text(client.get(form.page)), form.page)
                      if f.action == form.action), None)
        if fresh is None:
            gone.append(endpoint)
            continue
        response, _changed = _post(app, client, fresh, _token(fresh))
        if REFUSAL.encode() in response.get_data():  # (some answers are downloads)
            refused.append((endpoint, response.status_code))
    assert not refused, refused
    assert len(gone) <= 5, gone


def _login_token(client) -> str:
    page = text(client.get("/login"))
    match = CSRF_TOKEN.search(page)
    assert match, "the login form has no CSRF token"
    return match.group(1)


def test_login_logout_and_language_need_the_token(app, client, world):
    credentials = {"email": ROLE_EMAILS["bestuur"], "password": PASSWORD}
    refused = client.post("/login", data=credentials)
    assert refused.status_code == 400 and REFUSAL in text(refused)
    assert client.get("/").status_code == 302            # not logged in
    assert client.post("/login", data={**credentials, "csrf_token": _login_token(client)}) \
        .status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert client.post("/logout").status_code == 400     # a forged logout does nothing
    assert client.post("/taal", data={"lang": "en"}).status_code == 400
    assert client.get("/", follow_redirects=True).status_code == 200   # still logged in
    tokens = CSRF_TOKEN.findall(text(home))
    assert tokens, "the page's logout and language forms carry no token"
    assert client.post("/logout", data={"csrf_token": tokens[0]}).status_code == 302
    assert client.get("/").status_code == 302            # logged out
