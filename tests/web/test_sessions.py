"""Sessions that really end (OWASP ASVS V3), each replayed as an attacker would: a copied
session cookie is tried again after the event that must have ended it.

- logout, a new password, deactivation and the last role taken away end every session of
  the account, also one held by another worker (a second app on the same database);
- "overal uitloggen" on the profile page does the same on purpose;
- the idle timeout and the absolute lifetime are enforced by the server;
- without proxies (PROXY_COUNT=0) an ``X-Forwarded-For`` header does not make a cookie
  from another address work; with a proxy in front the proxy's header is what counts;
- every answer but the static files says ``Cache-Control: no-store``.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app, sessions
from config import TestConfig
from models import AuditEvent, Membership, User, db
from tests.conftest import ROLE_EMAILS
from tests.web.support import fresh_rate_limits, is_login_redirect, text  # noqa: F401


def _dashboard(world) -> str:
    return f"/locaties/{world.site}"


def _copy(app, client, **environ):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    if environ:
        thief.environ_base.update(environ)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _logged_in(client, world) -> bool:
    response = client.get(_dashboard(world))
    if response.status_code == 200:
        return True
    assert is_login_redirect(response), response.status_code
    return False


def _as_admin(app, fn):
    with app.app_context():
        fn(db.session)
        db.session.commit()
        db.session.remove()


def test_a_copied_cookie_is_dead_after_logout(app, login_as, world):
    client = login_as("bestuur")
    thief = _copy(app, client)
    assert _logged_in(thief, world)  # the copy works while the owner is logged in
    client.post("/logout")
    assert not _logged_in(thief, world)


def test_logout_also_ends_the_session_on_another_worker(app, database_url, login_as, world):
    other_worker = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig)
                                  if k.isupper()},
                               "SQLALCHEMY_DATABASE_URI": database_url,
                               "TODAY": app.config["TODAY"]})
    client = login_as("kerngroep")
    elsewhere = _copy(other_worker, client)
    assert _logged_in(elsewhere, world)
    client.post("/logout")
    assert not _logged_in(elsewhere, world)


def test_a_new_password_ends_every_session(app, login_as, world):
    client = login_as("communitycoach")
    thief = _copy(app, client)
    admin = app.test_client()
    admin.post("/login", data={"email": ROLE_EMAILS["admin"], "password": "correct horse battery"})
    user_id = world.users["communitycoach"]
    page = text(admin.get(f"/beheer/gebruikers/{user_id}"))
    assert "Wachtwoord" in page or "wachtwoord" in page
    with app.app_context():
        coach = db.session.get(User, user_id)
        form = {"email": coach.email, "name": coach.name, "active": "y",
                "password": "een heel nieuw wachtwoord 2026"}
    response = admin.post(f"/beheer/gebruikers/{user_id}", data=form)
    assert response.status_code == 302, text(response)
    assert not _logged_in(thief, world)
    assert not _logged_in(client, world)


def test_deactivation_and_the_last_role_taken_away_end_every_session(app, login_as, world):
    client = login_as("stuurgroep")
    thief = _copy(app, client)

    def revoke_all(session):
        from services import accounts
        for membership in session.scalars(sa.select(Membership).where(
                Membership.user_id == world.users["stuurgroep"])).all():
            accounts.revoke_role(session, membership, actor_id=world.users["admin"])

    _as_admin(app, revoke_all)
    assert not _logged_in(thief, world)

    client = login_as("begeleider")
    thief = _copy(app, client)

    def deactivate(session):
        from services import accounts
        user = session.get(User, world.users["begeleider"])
        accounts.save_user(session, user, email=user.email, name=user.name, password=None,
                           is_admin=False, active=False, actor_id=world.users["admin"])

    _as_admin(app, deactivate)
    assert not _logged_in(thief, world)


def test_losing_one_of_several_roles_keeps_the_session(app, login_as, world):
    client = login_as("sociaal_beheerder")

    def second_role_then_revoke(session):
        from services import accounts
        user = session.get(User, world.users["sociaal_beheerder"])
        extra = accounts.grant_role(session, user, site_id=world.other_site, role="kerngroep",
                                    organisation_id=None, actor_id=None)
        accounts.revoke_role(session, extra, actor_id=None)

    _as_admin(app, second_role_then_revoke)
    assert _logged_in(client, world)


def test_log_out_everywhere_from_the_profile(app, login_as, world):
    phone = login_as("bestuur")
    laptop = _copy(app, phone)
    page = text(phone.get("/profiel"))
    assert "Overal uitloggen" in page
    response = phone.post("/profiel/overal-uitloggen")
    assert is_login_redirect(response)
    assert "op al uw apparaten uitgelogd" in text(phone.get("/login"))
    assert not _logged_in(laptop, world) and not _logged_in(phone, world)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.action == "end_sessions"))
        assert (event.entity_id, event.actor_id) == (world.users["bestuur"],) * 2


@pytest.mark.parametrize("role", ["admin", "sociaal_beheerder", "communitycoach", "begeleider",
                                  "bestuur", "kerngroep", "stuurgroep", "other_site", "none"])
def test_every_role_can_log_out_everywhere(login_as, role, world):
    client = login_as(role)
    assert client.post("/profiel/overal-uitloggen").status_code == 302
    assert not _logged_in(client, world)


def test_log_out_everywhere_needs_a_login(client):
    assert is_login_redirect(client.post("/profiel/overal-uitloggen"))


def test_idle_timeout(app, login_as, world, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(sessions, "wall_clock", lambda: clock[0])
    client = login_as("communitycoach")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    assert idle == 30 * 60
    clock[0] += idle - 60
    assert _logged_in(client, world)  # activity moves the idle clock on
    clock[0] += idle - 60
    assert _logged_in(client, world)
    thief = _copy(app, client)
    clock[0] += idle + 1
    response = thief.get(_dashboard(world))
    assert is_login_redirect(response)
    assert "30 minuten niets hebt gedaan" in text(thief.get("/login"))
    assert not _logged_in(client, world)


def test_absolute_lifetime_even_when_active(app, login_as, world, monkeypatch):
    clock = [2_000_000.0]
    monkeypatch.setattr(sessions, "wall_clock", lambda: clock[0])
    client = login_as("kerngroep")
    lifetime = app.permanent_session_lifetime.total_seconds()
    while clock[0] + 20 * 60 < 2_000_000.0 + lifetime:
        clock[0] += 20 * 60
        assert _logged_in(client, world)
    clock[0] += 20 * 60 + 1
    assert not _logged_in(client, world)
    assert "langer dan 8 uur" in text(client.get("/login"))


def test_x_forwarded_for_is_ignored_without_a_proxy(app, world):
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    owner.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                               "password": "correct horse battery"})
    assert _logged_in(owner, world)
    replay = _copy(app, owner, REMOTE_ADDR="10.9.9.9")
    replay.environ_base["HTTP_X_FORWARDED_FOR"] = "10.1.1.1"
    assert not _logged_in(replay, world)


def test_behind_a_proxy_its_forwarded_address_counts(app, database_url, world):
    proxied = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig)
                             if k.isupper()},
                          "SQLALCHEMY_DATABASE_URI": database_url, "PROXY_COUNT": 1,
                          "TODAY": app.config["TODAY"]})
    owner = proxied.test_client()
    owner.environ_base.update(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.1.1.1")
    owner.post("/login", data={"email": ROLE_EMAILS["bestuur"],
                               "password": "correct horse battery"})
    assert _logged_in(owner, world)
    # the same client through another proxy host: still the client's own address
    moved = _copy(proxied, owner, REMOTE_ADDR="192.0.2.11", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert _logged_in(moved, world)
    stolen = _copy(proxied, owner, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert not _logged_in(stolen, world)


def test_no_store_on_every_answer_but_static_files(login_as, world, client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    user = login_as("sociaal_beheerder")
    for path in (_dashboard(world), f"/locaties/{world.site}/bewoners/", "/profiel",
                 f"/locaties/{world.site}/uren/export.csv",
                 "/api/v1/sites"):
        response = user.get(path)
        assert response.status_code < 500, path
        assert response.headers.get("Cache-Control") == "no-store", path
    static = user.get("/static/style.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get(
        "Cache-Control", "")
