"""Administrators of a woningcorporatie: they manage their corporation's sites (units,
parts, who has access, invitations to roles there), see no residents or care data, and
get nothing of another corporation's sites (each attempt replayed by id)."""
from __future__ import annotations

import sqlalchemy as sa

from models import AccountInvitation, AuditEvent, Unit, User, db
from services import accounts
from tests.web.corporation_support import ADMIN_A, corporation_setup, login_email
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import text

_setup = corporation_setup


def _login(client, auth):
    login_email(client, auth, ADMIN_A)


def test_pages_of_the_own_corporation(app, client, auth, world):
    _setup(app, world)
    _login(client, auth)
    site = world.site
    for path in (f"/locaties/{site}", f"/locaties/{site}/eenheden",
                 f"/locaties/{site}/eenheden/{world.units['A1']}",
                 f"/locaties/{site}/toegang", f"/locaties/{site}/toegang.csv",
                 "/uitnodigingen", "/uitnodigingen/nieuw"):
        assert client.get(path).status_code == 200, path
    added = client.post(f"/locaties/{site}/eenheden", data={
        "unit-number": "C1", "unit-unit_type": "studio"})
    assert added.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Unit).where(Unit.number == "C1")).site_id == site
        db.session.remove()
    assert client.get("/").headers["Location"] == f"/locaties/{site}"  # their one site
    review = text(client.get(f"/locaties/{site}/toegang"))
    admins = review[review.index('id="access-review-admins"'):]
    assert "Beheer A" in admins and "Test admin" in admins


def test_the_second_factor_policy_knows_the_role(app, client, auth, world, monkeypatch):
    _setup(app, world)
    monkeypatch.setitem(app.config, "TOTP_REQUIRED_ROLES", ("corporation_admin",))
    _login(client, auth)
    response = client.get(f"/locaties/{world.site}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profiel/tweestapsverificatie"


def test_no_residents_no_care_data_no_global_admin(app, client, auth, world):
    _setup(app, world)
    _login(client, auth)
    site = world.site
    for path in (f"/locaties/{site}/bewoners/", f"/locaties/{site}/bewoners/nieuw",
                 f"/locaties/{site}/bewoners/{world.residents['linde']}",
                 "/beheer/gebruikers", "/beheer/locaties", f"/beheer/locaties/{site}",
                 "/beheer/organisaties", "/beheer/audit"):
        assert client.get(path).status_code == 403, path
    units_page = text(client.get(f"/locaties/{site}/eenheden"))
    assert "bewoner inschrijven" not in units_page


def test_nothing_of_another_corporation(app, client, auth, world):
    ids = _setup(app, world)
    _login(client, auth)
    b = ids["site_b"]
    for path in (f"/locaties/{b}", f"/locaties/{b}/eenheden",
                 f"/locaties/{b}/eenheden/{ids['unit_b']}", f"/locaties/{b}/toegang",
                 f"/locaties/{b}/toegang.csv", f"/locaties/{b}/toegang.xlsx",
                 f"/locaties/{world.other_site}/toegang"):
        assert client.get(path).status_code == 403, path
    # replayed writes by id
    assert client.post(f"/locaties/{b}/eenheden", data={
        "unit-number": "Z2", "unit-unit_type": "studio"}).status_code == 403
    assert client.post(f"/locaties/{b}/eenheden/{ids['unit_b']}", data={
        "number": "Z9", "unit_type": "studio"}).status_code == 403
    assert client.post(f"/locaties/{b}/delen", data={"part-name": "Blok Z"}).status_code == 403
    invite = client.post("/uitnodigingen/nieuw", data={
        "name": "Iemand", "email": "iemand@elders.example", "site_id": b,
        "roles": ["sociaal_beheerder"]})
    assert invite.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(Unit).where(Unit.number.in_(["Z2", "Z9"]))) is None
        assert db.session.scalar(sa.select(AccountInvitation)) is None
        db.session.remove()
    form = text(client.get("/uitnodigingen/nieuw"))
    assert "Het Hofje" in form and "Het Bolwerk" not in form


def test_an_invitation_to_the_own_site(app, client, auth, world):
    _setup(app, world)
    _login(client, auth)
    response = client.post("/uitnodigingen/nieuw", data={
        "name": "Nieuwe Coach", "email": "coach.nieuw@hofje.example", "site_id": world.site,
        "roles": ["communitycoach"]})
    assert response.status_code == 302, text(response)[:2000]


def test_the_service_refuses_an_organisation_of_another_kind(app, world):
    import pytest
    from services.errors import RuleViolation

    with app.app_context():
        user = db.session.get(User, world.users["none"])
        with pytest.raises(RuleViolation, match="Kies een woningcorporatie."):
            accounts.save_user(db.session, user, email=user.email, name=user.name,
                               password=None, is_admin=False, active=True, actor_id=None,
                               admin_of_corporation_id=world.orgs["linde"])
        db.session.rollback()
        db.session.remove()


def test_only_a_global_admin_appoints_and_only_to_a_corporation(app, client, login_as, world):
    ids = _setup(app, world)
    login_as("admin")
    user_id = ids["user"]
    wrong = client.post(f"/beheer/gebruikers/{user_id}", data={
        "name": "Beheer A", "email": ADMIN_A, "active": "y",
        "admin_of_corporation_id": world.orgs["linde"]})
    assert wrong.status_code == 422 and "Ongeldige keuze." in text(wrong)
    moved = client.post(f"/beheer/gebruikers/{user_id}", data={
        "name": "Beheer A", "email": ADMIN_A, "active": "y",
        "admin_of_corporation_id": ids["corp_b"]})
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).admin_of_corporation_id == ids["corp_b"]
        db.session.remove()
    login_as("sociaal_beheerder")
    assert client.post(f"/beheer/gebruikers/{user_id}", data={
        "name": "Beheer A", "email": ADMIN_A, "active": "y",
        "admin_of_corporation_id": world.orgs["corp"]}).status_code == 403


def test_a_part_is_renamed_by_its_own_corporation_only(app, client, auth, world):
    from models import SitePart
    from tests.web.corporation_support import ADMIN_B
    from tests.web.support import db_snapshot, field_error

    ids = _setup(app, world)
    part = world.parts["Blok A"]
    login_email(client, auth, ADMIN_B)
    before = db_snapshot(app)
    assert client.post(f"/locaties/{world.site}/delen/{part}",
                       data={"name": "Overgenomen"}).status_code == 403
    assert client.post(f"/locaties/{ids['site_b']}/delen/{part}",
                       data={"name": "Overgenomen"}).status_code == 404
    assert db_snapshot(app) == before
    _login(client, auth)
    before = db_snapshot(app)  # the login is recorded on the account
    url = f"/locaties/{world.site}/delen/{part}"
    for name, message in (("", "Vul een naam in."),
                          ("blok b", "Deze locatie heeft al een deel met deze naam.")):
        refused = client.post(url, data={"name": name})
        assert refused.status_code == 422 and field_error(text(refused), "name") == message
    assert db_snapshot(app) == before
    assert client.post(url, data={"name": "Blok Noord"}).status_code == 302
    with app.app_context():
        assert db.session.get(SitePart, part).name == "Blok Noord"
        assert db.session.scalar(sa.select(AuditEvent.changes).where(
            AuditEvent.entity_type == "site_part", AuditEvent.action == "update")) == {
            "name": ["Blok A", "Blok Noord"]}
        db.session.remove()
