"""Forgotten passwords, invitations and e-mail changes through their signed links: the
mails (content, no care data), the same answer for unknown addresses, the rate limit,
sessions ending, and replays (a used, expired, superseded or altered link; a link after
a password change; a link for another account)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import account
from models import AccountInvitation, AuditEvent, Membership, User, db, utcnow
from tests.conftest import PASSWORD, ROLE_EMAILS
from tests.web.account_support import assert_no_care_data, link_path, mails
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import form_alert, text

NEW_PASSWORD = "lange zomeravond aan zee"


def _user(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        values = {"id": user.id, "generation": user.session_generation, "name": user.name,
                  "email": user.email, "hash": user.password_hash,
                  "roles": sorted((m.role, m.site_id) for m in user.memberships)}
        db.session.remove()
    return values


def _later(monkeypatch, **delta):
    moment = utcnow() + timedelta(**delta)
    monkeypatch.setattr(account, "clock", lambda: moment)
    import app.admin.accounts as admin_accounts
    import app.profile.routes as profile_routes
    monkeypatch.setattr(admin_accounts, "clock", lambda: moment)
    monkeypatch.setattr(profile_routes, "clock", lambda: moment)


def _request_reset(client, email):
    """Ask for a reset link; the answer after the redirect (the same for every address)."""
    return client.post("/wachtwoord-vergeten", data={"email": email}, follow_redirects=True)


# --- forgotten password ------------------------------------------------------------

def test_the_login_page_offers_wachtwoord_vergeten(client):
    page = text(client.get("/login"))
    assert 'href="/wachtwoord-vergeten"' in page and "Wachtwoord vergeten?" in page


def test_a_reset_link_sets_a_new_password_and_ends_every_session(app, client, world, auth):
    other_device = app.test_client()
    assert other_device.post("/login", data={"email": ROLE_EMAILS["communitycoach"],
                                             "password": PASSWORD}).status_code == 302
    before = _user(app, ROLE_EMAILS["communitycoach"])

    answer = _request_reset(client, ROLE_EMAILS["communitycoach"])
    assert answer.status_code == 200 and "Kijk in uw e-mail" in text(answer)
    [mail] = mails(app, "password_reset")
    assert mail["to"] == ROLE_EMAILS["communitycoach"]
    assert mail["subject"] == "Noaber: nieuw wachtwoord kiezen"
    assert "Beste Test communitycoach," in mail["body"] and "één keer" in mail["body"]
    assert "<a href=" in mail["html"] and "Nieuw wachtwoord kiezen" in mail["html"]
    assert_no_care_data(mail)

    path = link_path(mail)
    form = client.get(path)
    assert form.status_code == 200 and ROLE_EMAILS["communitycoach"] in text(form)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    after = _user(app, ROLE_EMAILS["communitycoach"])
    assert after["generation"] > before["generation"]
    # the other device's session ended; the old password no longer works, the new one does
    assert other_device.get("/profiel").status_code == 302
    assert auth.login(ROLE_EMAILS["communitycoach"], PASSWORD).status_code == 200
    assert auth.login(ROLE_EMAILS["communitycoach"], NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "reset_password", AuditEvent.entity_id == after["id"])) == 1


def test_an_address_that_is_no_address_is_refused_with_a_message(app, client, world):
    answer = client.post("/wachtwoord-vergeten", data={"email": "geen adres"})
    assert answer.status_code == 422 and "Vul een geldig e-mailadres in." in text(answer)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, world):
    known = _request_reset(client, ROLE_EMAILS["bestuur"])
    unknown = _request_reset(client, "niemand@hofje.example")
    assert unknown.status_code == known.status_code == 200
    assert text(unknown) == text(known)
    assert [m["to"] for m in mails(app)] == [ROLE_EMAILS["bestuur"]]


def test_a_deactivated_account_gets_no_reset_mail(app, client, world):
    with app.app_context():
        db.session.get(User, world.users["bestuur"]).active = False
        db.session.commit()
    assert _request_reset(client, ROLE_EMAILS["bestuur"]).status_code == 200
    assert mails(app) == []


def test_reset_requests_are_rate_limited_per_address_whether_or_not_it_exists(
        app, client, world):
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "2 per hour"
    try:
        for email in ("niemand@hofje.example", ROLE_EMAILS["bestuur"]):
            assert _request_reset(client, email).status_code == 200
        refused = _request_reset(client, "derde@hofje.example")
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert "Te veel aanvragen" in form_alert(text(refused))
    finally:
        app.config["PASSWORD_RESET_RATE_LIMIT"] = "1000 per minute"
    assert len(mails(app)) == 1


def test_a_weak_or_mismatched_new_password_is_refused_and_changes_nothing(
        app, client, world):
    _request_reset(client, ROLE_EMAILS["bestuur"])
    path = link_path(mails(app)[0])
    before = _user(app, ROLE_EMAILS["bestuur"])
    weak = client.post(path, data={"password": "welkom123456", "confirm": "welkom123456"})
    assert weak.status_code == 422 and "gelekte wachtwoorden" in text(weak)
    other = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert other.status_code == 422 and "niet gelijk" in text(other)
    assert _user(app, ROLE_EMAILS["bestuur"]) == before
    assert client.get(path).status_code == 200  # the link still works


def test_a_used_reset_link_does_not_work_again(app, client, world):
    _request_reset(client, ROLE_EMAILS["bestuur"])
    path = link_path(mails(app)[0])
    assert client.post(path, data={"password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD}).status_code == 302
    again = client.post(path, data={"password": "een heel ander wachtwoord",
                                    "confirm": "een heel ander wachtwoord"})
    assert again.status_code == 404 and "Deze link werkt niet" in text(again)
    assert "Wachtwoord vergeten?" in text(again)
    with app.app_context():
        user = db.session.get(User, world.users["bestuur"])
        assert user.check_password(NEW_PASSWORD)


def test_an_expired_reset_link_says_so(app, client, world, monkeypatch):
    _request_reset(client, ROLE_EMAILS["bestuur"])
    path = link_path(mails(app)[0])
    _later(monkeypatch, minutes=61)
    answer = client.get(path)
    assert answer.status_code == 410 and "Deze link is verlopen." in text(answer)
    refused = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 410
    with app.app_context():
        assert db.session.get(User, world.users["bestuur"]).check_password(PASSWORD)


def test_a_reset_link_dies_when_the_password_changes_otherwise(app, client, world, login_as):
    _request_reset(client, ROLE_EMAILS["bestuur"])
    path = link_path(mails(app)[0])
    login_as("bestuur")
    changed = client.post("/profiel/wachtwoord", data={
        "pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    client.post("/logout")
    assert client.get(path).status_code == 404


def test_a_reset_link_cannot_be_turned_to_another_account(app, client, world):
    from itsdangerous import URLSafeSerializer

    _request_reset(client, ROLE_EMAILS["bestuur"])
    token = link_path(mails(app)[0]).rsplit("/", 1)[1]
    # the payload with another user id, signed with a guessed key: refused
    forged = URLSafeSerializer("guess", salt="noaber.password-reset").dumps(
        {"u": world.users["admin"], "h": "0" * 20, "t": int(utcnow().timestamp())})
    assert client.get(f"/wachtwoord-herstellen/{forged}").status_code == 404
    # the right key but the other account's id: its password fingerprint does not match
    payload = URLSafeSerializer("test-secret", salt="noaber.password-reset").loads(token)
    moved = URLSafeSerializer("test-secret", salt="noaber.password-reset").dumps(
        {**payload, "u": world.users["admin"]})
    assert client.get(f"/wachtwoord-herstellen/{moved}").status_code == 404
    # a token made for another purpose (an e-mail change) opens no reset
    other = URLSafeSerializer("test-secret", salt="noaber.email-change").dumps(payload)
    assert client.get(f"/wachtwoord-herstellen/{other}").status_code == 404
    assert client.get(f"/wachtwoord-herstellen/{token[:-2]}xx").status_code == 404
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 200


# --- invitations -----------------------------------------------------------------

def _invite(client, *, email="nieuwe.coach@hofje.example", name="Nina Nieuw",
            site=None, roles=("communitycoach",), **extra):
    return client.post("/uitnodigingen/nieuw", data={
        "name": name, "email": email, "site_id": str(site or ""), "roles": list(roles),
        **extra})


def test_a_sociaal_beheerder_invites_a_coach_who_sets_a_password_and_is_logged_in(
        app, client, world, login_as):
    login_as("sociaal_beheerder")
    sent = _invite(client, site=world.site)
    assert sent.status_code == 302, text(sent)[:2000]
    listing = text(client.get("/uitnodigingen"))
    assert "nieuwe.coach@hofje.example" in listing and "open tot" in listing
    [mail] = mails(app, "invitation")
    assert mail["to"] == "nieuwe.coach@hofje.example"
    assert mail["subject"] == "Uitnodiging voor Noaber"
    assert "Beste Nina Nieuw," in mail["body"]
    assert "Test sociaal_beheerder nodigt u uit" in mail["body"]
    assert "sb@hofje.example" in mail["body"]  # whom to ask when the link no longer works
    assert_no_care_data(mail)
    path = link_path(mail)

    invitee = app.test_client()
    page = invitee.get(path)
    assert page.status_code == 200 and "Test sociaal_beheerder heeft u uitgenodigd" in text(page)
    weak = invitee.post(path, data={"name": "Nina Nieuw", "password": "kort",
                                    "confirm": "kort"})
    assert weak.status_code == 422 and "minstens 12 tekens" in text(weak)
    done = invitee.post(path, data={"name": "Nina Nieuw", "password": NEW_PASSWORD,
                                    "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/mijn-werk")
    start = invitee.get("/", follow_redirects=True)
    assert start.status_code == 200 and "Welkom bij Noaber, Nina Nieuw" in text(start)
    created = _user(app, "nieuwe.coach@hofje.example")
    assert created["roles"] == [("communitycoach", world.site)]
    assert "aangenomen op" in text(client.get("/uitnodigingen"))

    # used: the link says so and does not make a second account
    again = app.test_client().post(path, data={"name": "X", "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert again.status_code == 410 and "Deze link is al gebruikt." in text(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.email == "nieuwe.coach@hofje.example")) == 1


def test_a_sociaal_beheerder_invites_only_for_their_own_site_and_never_an_admin(
        app, client, world, login_as):
    login_as("sociaal_beheerder")
    other = _invite(client, site=world.other_site)
    assert other.status_code == 422
    admin = _invite(client, site=world.site, is_admin="y")
    assert admin.status_code == 302  # the field is not there for them: it is ignored
    with app.app_context():
        [made] = db.session.scalars(sa.select(AccountInvitation)).all()
        assert made.is_admin is False
    assert len(mails(app)) == 1


def test_an_admin_invites_an_admin_and_a_begeleider_needs_a_care_organisation(
        app, client, world, login_as):
    login_as("admin")
    no_org = _invite(client, email="bg@hofje.example", site=world.site, roles=["begeleider"])
    assert no_org.status_code == 422 and "zorgaanbieder" in text(no_org)
    ok = _invite(client, email="bg@hofje.example", site=world.site, roles=["begeleider"],
                 organisation_id=str(world.orgs["linde"]))
    assert ok.status_code == 302
    boss = _invite(client, email="baas@hofje.example", name="Bart Baas", roles=[],
                   is_admin="y")
    assert boss.status_code == 302
    for mail in mails(app, "invitation"):
        assert_no_care_data(mail)
    nothing = _invite(client, email="leeg@hofje.example", roles=[])
    assert nothing.status_code == 422 and "minstens één rol" in text(nothing)
    existing = _invite(client, email=ROLE_EMAILS["bestuur"], site=world.site)
    assert existing.status_code == 422 and "Er is al een account" in text(existing)
    twice = _invite(client, email="bg@hofje.example", site=world.site)
    assert twice.status_code == 422 and "al een uitnodiging open" in text(twice)
    assert len(mails(app)) == 2


def test_a_resent_invitation_kills_the_earlier_link(app, client, world, login_as):
    login_as("admin")
    _invite(client, site=world.site)
    first = link_path(mails(app)[0])
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(AccountInvitation.id))
    assert client.post(f"/uitnodigingen/{invitation_id}/opnieuw").status_code == 302
    second = link_path(mails(app)[1])
    assert first != second
    old = app.test_client().get(first)
    assert old.status_code == 410 and "alleen de link in de nieuwste e-mail" in text(old)
    assert app.test_client().get(second).status_code == 200


def test_an_expired_invitation_says_so_and_whom_to_ask_and_can_be_resent(
        app, client, world, login_as, monkeypatch):
    login_as("sociaal_beheerder")
    _invite(client, site=world.site)
    path = link_path(mails(app)[0])
    _later(monkeypatch, days=7, minutes=1)
    answer = app.test_client().get(path)
    assert answer.status_code == 410 and "Deze link is verlopen." in text(answer)
    assert "Vraag Test sociaal_beheerder (sb@hofje.example)" in text(answer)
    refused = app.test_client().post(path, data={"name": "N", "password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert refused.status_code == 410
    assert "verlopen op" in text(client.get("/uitnodigingen"))
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(AccountInvitation.id))
    assert client.post(f"/uitnodigingen/{invitation_id}/opnieuw").status_code == 302
    assert app.test_client().get(link_path(mails(app)[1])).status_code == 200


def test_a_withdrawn_invitation_opens_no_account(app, client, world, login_as):
    login_as("sociaal_beheerder")
    _invite(client, site=world.site)
    path = link_path(mails(app)[0])
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(AccountInvitation.id))
    assert client.post(f"/uitnodigingen/{invitation_id}/intrekken").status_code == 302
    answer = app.test_client().post(path, data={"name": "N", "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert answer.status_code == 410 and "ingetrokken" in text(answer)
    assert _count_users(app, "nieuwe.coach@hofje.example") == 0
    # a withdrawn invitation is not sent again
    client.post(f"/uitnodigingen/{invitation_id}/opnieuw")
    assert len(mails(app)) == 1


def test_an_invitation_dies_with_the_inviters_rights(app, client, world, login_as):
    login_as("sociaal_beheerder")
    _invite(client, site=world.site)
    path = link_path(mails(app)[0])
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        db.session.execute(sa.delete(Membership).where(
            Membership.user_id == world.users["sociaal_beheerder"]))
        db.session.commit()
    answer = app.test_client().post(path, data={"name": "N", "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert answer.status_code == 410 and "ingetrokken" in text(answer)
    assert _count_users(app, "nieuwe.coach@hofje.example") == 0


def test_an_invitation_link_is_bound_to_its_invitation(app, client, world, login_as):
    from itsdangerous import URLSafeSerializer

    login_as("admin")
    _invite(client, site=world.site)
    _invite(client, email="tweede@hofje.example", site=world.site)
    first, second = (link_path(m).rsplit("/", 1)[1] for m in mails(app))
    signer = URLSafeSerializer("test-secret", salt="noaber.invitation")
    payload = signer.loads(first)
    # the first link's nonce with the second invitation's id: refused
    crossed = signer.dumps({**payload, "i": signer.loads(second)["i"]})
    assert app.test_client().get(f"/uitnodiging/{crossed}").status_code == 410
    assert app.test_client().get(f"/uitnodiging/{first}x").status_code == 404


def _count_users(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.email == email))


def test_the_admin_can_still_create_a_user_with_a_password(app, client, world, login_as):
    login_as("admin")
    made = client.post("/beheer/gebruikers/nieuw", data={
        "name": "Direct Gemaakt", "email": "direct@hofje.example", "password": NEW_PASSWORD,
        "active": "y"})
    assert made.status_code == 302
    assert _count_users(app, "direct@hofje.example") == 1


# --- profile: name, password, e-mail address --------------------------------------

def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
        app, client, world, login_as):
    other_device = app.test_client()
    other_device.post("/login", data={"email": ROLE_EMAILS["kerngroep"], "password": PASSWORD})
    login_as("kerngroep")
    wrong = client.post("/profiel/wachtwoord", data={
        "pw-current": "niet mijn wachtwoord", "pw-password": NEW_PASSWORD,
        "pw-confirm": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Het huidige wachtwoord klopt niet." in text(wrong)
    assert other_device.get("/profiel").status_code == 200
    done = client.post("/profiel/wachtwoord", data={
        "pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/profiel").status_code == 200      # this session stays
    assert other_device.get("/profiel").status_code == 302  # the other one ended


def test_changing_the_name(app, client, world, login_as):
    login_as("kerngroep")
    assert client.post("/profiel/naam", data={"nm-name": ""}).status_code == 422
    assert client.post("/profiel/naam", data={"nm-name": "Kees Kern"}).status_code == 302
    assert _user(app, ROLE_EMAILS["kerngroep"])["name"] == "Kees Kern"


def test_a_new_address_counts_once_confirmed_and_the_old_one_is_told(
        app, client, world, login_as):
    login_as("kerngroep")
    wrong = client.post("/profiel/e-mailadres", data={"em-email": "kees@nieuw.example",
                                                      "em-password": "fout fout fout"})
    assert wrong.status_code == 422 and mails(app) == []
    taken = client.post("/profiel/e-mailadres", data={"em-email": ROLE_EMAILS["bestuur"],
                                                      "em-password": PASSWORD})
    assert taken.status_code == 422 and "Er is al een account" in text(taken)
    asked = client.post("/profiel/e-mailadres", data={"em-email": "Kees@Nieuw.example",
                                                      "em-password": PASSWORD})
    assert asked.status_code == 302
    assert _user(app, ROLE_EMAILS["kerngroep"])["email"] == ROLE_EMAILS["kerngroep"]
    [mail] = mails(app, "email_change")
    assert mail["to"] == "kees@nieuw.example" and "kees@nieuw.example" in mail["body"]
    assert_no_care_data(mail)
    path = link_path(mail)
    question = client.get(path)
    assert question.status_code == 200 and "kees@nieuw.example" in text(question)
    assert _user(app, ROLE_EMAILS["kerngroep"])["email"] == ROLE_EMAILS["kerngroep"]
    # someone else logged in cannot confirm it
    stranger = app.test_client()
    stranger.post("/login", data={"email": ROLE_EMAILS["bestuur"], "password": PASSWORD})
    assert stranger.post(path).status_code == 404
    assert client.post(path).status_code == 302
    assert _user(app, "kees@nieuw.example")["id"] == world.users["kerngroep"]
    [notice] = mails(app, "email_changed")
    assert notice["to"] == ROLE_EMAILS["kerngroep"]
    assert "kees@nieuw.example" in notice["body"] and "Hebt u dit niet zelf gedaan" in \
        notice["body"]
    assert_no_care_data(notice)
    # used: the link is spent
    assert client.post(path).status_code == 404
    assert _user(app, "kees@nieuw.example")["email"] == "kees@nieuw.example"


def test_an_expired_address_link_changes_nothing(app, client, world, login_as, monkeypatch):
    login_as("kerngroep")
    client.post("/profiel/e-mailadres", data={"em-email": "kees@nieuw.example",
                                              "em-password": PASSWORD})
    path = link_path(mails(app)[0])
    _later(monkeypatch, hours=25)
    assert client.post(path).status_code == 410
    assert _user(app, ROLE_EMAILS["kerngroep"])["email"] == ROLE_EMAILS["kerngroep"]


@pytest.mark.parametrize("path", ["/wachtwoord-herstellen/abc", "/uitnodiging/abc",
                                  "/e-mailadres-bevestigen/abc"])
def test_a_broken_link_says_it_does_not_work(client, app, path):
    answer = client.get(path)
    assert answer.status_code == 404 and "Deze link werkt niet (meer)" in text(answer)


def test_membership_rows_come_only_from_accepted_invitations(app, client, world, login_as):
    login_as("admin")
    _invite(client, site=world.site)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == \
            len([r for r in ROLE_EMAILS if r not in ("admin", "none")])
