"""A login takes as long for an unknown or deactivated e-mail address as for a wrong
password: each verifies exactly one password hash of the production method and work
factor. Counted, not timed (bench/login_timing.py prints the times)."""
from __future__ import annotations

import pytest
from werkzeug import security

import models.user
from models import db
from services import accounts
from tests.web.support import text

PRODUCTION_METHOD = security.generate_password_hash("x").split("$")[0]  # scrypt:32768:8:1
PASSWORD = "een lang en goed wachtwoord"
REFUSED = "Onbekend e-mailadres of verkeerd wachtwoord."


@pytest.fixture
def verified(app, monkeypatch):
    """Accounts hashed the production way (the suite uses a cheap hash elsewhere); yields
    the list of hash methods verified, one entry per verification."""
    monkeypatch.setattr(models.user, "generate_password_hash", security.generate_password_hash)
    with app.app_context():
        for email, active in (("actief@hofje.example", True), ("uit@hofje.example", False)):
            accounts.save_user(db.session, None, email=email, name=email, password=PASSWORD,
                               is_admin=False, active=active, actor_id=None)
        db.session.commit()
        db.session.remove()
    calls: list[str] = []
    real = models.user.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(models.user, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("email, password, status", [
    ("niemand@hofje.example", PASSWORD, 200),     # unknown address
    ("uit@hofje.example", PASSWORD, 200),         # deactivated, right password
    ("uit@hofje.example", "iets anders dan dat", 200),  # deactivated, wrong password
    ("actief@hofje.example", "iets anders dan dat", 200),  # wrong password
    ("actief@hofje.example", PASSWORD, 302),      # right password
])
def test_every_login_verifies_one_hash_of_the_production_method(client, verified, email,
                                                                password, status):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == status
    if status == 200:
        assert REFUSED in text(response)
    assert verified == [PRODUCTION_METHOD]


def test_a_deactivated_account_is_not_authenticated_with_its_password(app, verified):
    with app.app_context():
        assert accounts.authenticate(db.session, "uit@hofje.example", PASSWORD) is None
        assert accounts.authenticate(db.session, "Actief@Hofje.example ", PASSWORD) \
            .email == "actief@hofje.example"
    assert verified == [PRODUCTION_METHOD] * 2
