"""The development key is public (it is in the repository): outside debug and the tests
the app refuses to start with it or with a short key, and a cookie an attacker signed
with it opens nothing on a properly configured installation."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import SettingsError, create_app
from config import DEVELOPMENT_SECRET_KEY, secret_setting
from models import User, db
from tests.conftest import ROLE_EMAILS
from tests.web.support import is_login_redirect

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-a-long-random-production-key-0123456789"


def _production(database_url: str, key: str):
    """The settings of a real installation: not testing, not debug (without the second
    factor, which would hold the genuine admin on its set-up page: the key is the point)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": key,
                       "SQLALCHEMY_ENGINE_OPTIONS": {}, "BASE_URL": "https://noaber.example.nl",
                       "MAIL_BACKEND": "smtp", "TOTP_REQUIRED_ROLES": ()})


@pytest.mark.parametrize("key", [DEVELOPMENT_SECRET_KEY, "", "short-key", "x" * 31])
def test_the_app_will_not_start_with_a_public_or_short_key(key):
    with pytest.raises(SettingsError, match="SECRET_KEY.*at least 32 characters"):
        _production("sqlite://", key)


def test_debug_and_tests_may_use_the_development_key():
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                       "SECRET_KEY": DEVELOPMENT_SECRET_KEY}).testing
    assert _production("sqlite://", STRONG_KEY).secret_key == STRONG_KEY


def _forged_admin_cookie(app, database_url, key: str, world) -> str:
    """A session cookie claiming the admin's login, signed with ``key``, as an attacker
    who read the key in the repository would make it."""
    signer = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                         "SECRET_KEY": key})
    with signer.test_request_context("/", environ_base=signer.test_client().environ_base):
        from app.sessions import session_identifier
        admin = db.session.get(User, world.users["admin"])
        payload = {"_user_id": admin.get_id(), "_fresh": True,
                   "_id": session_identifier(), "_login_at": int(time.time())}
        return signer.session_interface.get_signing_serializer(signer).dumps(payload)


def test_a_cookie_signed_with_the_development_key_is_refused(app, database_url, world):
    production = _production(database_url, STRONG_KEY)
    forged = production.test_client()
    forged.set_cookie("session", _forged_admin_cookie(app, database_url,
                                                      DEVELOPMENT_SECRET_KEY, world))
    assert is_login_redirect(forged.get("/beheer/gebruikers"))
    # the same cookie signed with the installation's own key does open the page, so the
    # refusal above is the key's doing
    genuine = production.test_client()
    genuine.set_cookie("session", _forged_admin_cookie(app, database_url, STRONG_KEY, world))
    response = genuine.get("/beheer/gebruikers")
    assert response.status_code == 200 and ROLE_EMAILS["bestuur"] in response.get_data(
        as_text=True)


def test_the_flask_command_refuses_the_development_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "FLASK_"))}
    env |= {"SECRET_KEY": DEVELOPMENT_SECRET_KEY, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    # (a command that sends: the database commands need no key, test_settings)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "jobs", "list"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "SECRET_KEY: set SECRET_KEY or SECRET_KEY_FILE" in done.stderr


def test_secrets_can_come_from_a_file(tmp_path, monkeypatch):
    path = tmp_path / "secret"
    path.write_text(STRONG_KEY + "\n", encoding="utf-8")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(path))
    assert secret_setting("SECRET_KEY") == STRONG_KEY
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_setting("SECRET_KEY") == "from-the-environment"
