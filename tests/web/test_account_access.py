"""Who may open which account page and send which form: every route of the invitation,
second-factor, password-reset and profile pages x every role (and anonymous visitors).

The policy (deny by default):

* invitations (list, new, resend, withdraw): admins, and sociaal beheerders (for the
  invitations of their own sites: another site's sociaal beheerder gets 404 on them);
* resetting someone's second factor: admins only;
* the profile pages (name, e-mail, password, second factor): every account, each for
  itself only;
* "wachtwoord vergeten", a reset link, an invitation link, an e-mail confirmation link:
  no login needed (an invitation is not for someone already logged in);
* anonymous visitors of the other pages are sent to /login.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from models import AccountInvitation, InvitationRole, User, db, utcnow
from services import invitations, tokens, totp
from tests.conftest import ALL_ROLES, PASSWORD, ROLE_EMAILS
from tests.web.matrix import (ANONYMOUS, COLUMNS, LOGIN, OK, Go, Page, Post, expect,
                              run_page, run_post, uncovered_routes)
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import query, text, url_ids

INVITERS = {"admin", "sociaal_beheerder", "other_site"}
EVERY_ACCOUNT = set(ALL_ROLES)


def _ids(app, world) -> dict:
    """The world's ids and one pending invitation for a coach on the small site."""
    ids = url_ids(app, world)

    def make(session):
        inviter = session.get(User, world.users["sociaal_beheerder"])
        invitation = invitations.invite(session, inviter, invitations.InvitationData(
            email="uitgenodigd@hofje.example", name="Uit Genodigd", site_id=world.site,
            roles=["communitycoach"], organisation_id=None), now=utcnow(),
            valid_for=timedelta(days=7))
        session.commit()
        return invitation.id

    ids["invitation"] = query(app, make)
    return ids


PAGES = [
    Page("invitations", "/uitnodigingen", expect(INVITERS)),
    Page("new invitation", "/uitnodigingen/nieuw", expect(INVITERS)),
    Page("second factor", "/profiel/tweestapsverificatie", expect(EVERY_ACCOUNT)),
    Page("profile", "/profiel", expect(EVERY_ACCOUNT)),
    Page("forgot password", "/wachtwoord-vergeten", tuple(OK for _ in COLUMNS)),
    Page("reset link sent", "/wachtwoord-vergeten/verstuurd", tuple(OK for _ in COLUMNS)),
    Page("login code without a password", "/login/code",
         tuple(Go("/") if role != ANONYMOUS else LOGIN for role in COLUMNS)),
]


def _invitation_state(session, ids):
    return [(i.times_sent, i.withdrawn_at is not None)
            for i in session.scalars(sa.select(AccountInvitation).order_by(AccountInvitation.id))]


def _names(session, ids):
    return sorted((u.id, u.name) for u in session.scalars(sa.select(User)))


def _hashes(session, ids):
    return sorted((u.id, u.password_hash) for u in session.scalars(sa.select(User)))


def _secrets(session, ids):
    return sorted((u.id, u.totp_secret) for u in session.scalars(sa.select(User)))


def _outbox_size(session, ids):
    from models import OutgoingMail
    return session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail))


def _person_with_a_second_factor(app, ids):
    """An account outside the role columns (their logins stay one step)."""
    from services import accounts

    def make(session):
        user = accounts.save_user(session, None, email="twee.stappen@hofje.example",
                                  name="Twee Stappen", password=PASSWORD, is_admin=False,
                                  active=True, actor_id=None)
        totp.start_setup(session, user)
        user.totp_confirmed_at = utcnow()
        session.commit()
        return user.id
    ids["user_two_step"] = query(app, make)


POSTS = [
    Post("invite", "/uitnodigingen/nieuw", INVITERS,
         {"name": "Nieuw Iemand", "email": "nieuw.iemand@hofje.example", "site_id": "{site}",
          "roles": "kerngroep"}, _invitation_state),
    Post("resend", "/uitnodigingen/{invitation}/opnieuw", {"admin", "sociaal_beheerder"},
         {}, _invitation_state, not_found_for={"other_site"}),
    Post("withdraw", "/uitnodigingen/{invitation}/intrekken", {"admin", "sociaal_beheerder"},
         {}, _invitation_state, not_found_for={"other_site"}),
    Post("reset a second factor", "/beheer/gebruikers/{user_two_step}"
         "/tweede-factor-resetten", {"admin"}, {}, _secrets),
    Post("change name", "/profiel/naam", EVERY_ACCOUNT, {"nm-name": "Andere Naam"}, _names),
    Post("change e-mail address", "/profiel/e-mailadres", EVERY_ACCOUNT,
         {"em-email": "ander.adres@hofje.example", "em-password": PASSWORD}, _outbox_size),
    # last: the accounts' passwords change
    Post("change password", "/profiel/wachtwoord", EVERY_ACCOUNT,
         {"pw-current": PASSWORD, "pw-password": "lange zomeravond aan zee",
          "pw-confirm": "lange zomeravond aan zee"}, _hashes),
]

# the second-factor forms on the profile, tried as one account that has it (every
# account may use them for itself; that they refuse anonymous visitors is checked here)
SECOND_FACTOR_POSTS = ["/profiel/tweestapsverificatie",
                       "/profiel/tweestapsverificatie/herstelcodes",
                       "/profiel/tweestapsverificatie/uitzetten"]


def test_pages(app, client, auth, login_as, world):
    ids = _ids(app, world)
    for page in PAGES:
        run_page(page, ids, client, auth, login_as)


def test_posts(app, client, auth, login_as, world):
    ids = _ids(app, world)
    for case in POSTS:
        if case.id == "reset a second factor":
            _person_with_a_second_factor(app, ids)
        run_post(case, app, ids, client, auth, login_as)


def test_second_factor_forms_need_a_login_and_act_on_ones_own_account(
        app, client, auth, login_as, world):
    auth.logout()
    for path in SECOND_FACTOR_POSTS:
        answer = client.post(path, data={"password": PASSWORD, "off-password": PASSWORD})
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], path
    login_as("bestuur")
    client.get("/profiel/tweestapsverificatie")
    secrets_before = query(app, lambda s: _secrets(s, {}))
    mine = dict(secrets_before)[world.users["bestuur"]]
    assert mine and sum(1 for _id, secret in secrets_before if secret) == 1


def test_link_pages_need_no_login_and_an_invitation_is_not_for_a_logged_in_person(
        app, client, auth, login_as, world):
    ids = _ids(app, world)
    secret = app.config["SECRET_KEY"]

    def links(session):
        user = session.get(User, world.users["bestuur"])
        invitation = session.get(AccountInvitation, ids["invitation"])
        _email, change = tokens.request_email_change(session, secret, user,
                                                     "nieuw.bestuur@hofje.example", PASSWORD,
                                                     utcnow())
        return {"reset": f"/wachtwoord-herstellen/{tokens.reset_token(secret, user, utcnow())}",
                "invite": f"/uitnodiging/{invitations.link_token(secret, invitation)}",
                "email": f"/e-mailadres-bevestigen/{change}"}

    paths = query(app, links)
    auth.logout()
    for path in paths.values():
        assert client.get(path).status_code == 200, path
    login_as("kerngroep")
    taken = client.get(paths["invite"])
    assert taken.status_code == 409 and "Log eerst uit" in text(taken)
    assert client.get(paths["email"]).status_code == 404  # another account's change
    login_as("bestuur")
    assert client.get(paths["email"]).status_code == 200


def test_every_account_route_is_covered(app, world):
    ids = {**url_ids(app, world), "invitation": 1, "user_two_step": 1}
    requests = ([("GET", p.url) for p in PAGES] + [("POST", c.url) for c in POSTS]
                + [("POST", p) for p in SECOND_FACTOR_POSTS]
                + [("GET", "/wachtwoord-herstellen/x"), ("POST", "/wachtwoord-herstellen/x"),
                   ("GET", "/uitnodiging/x"), ("POST", "/uitnodiging/x"),
                   ("GET", "/e-mailadres-bevestigen/x"), ("POST", "/e-mailadres-bevestigen/x"),
                   ("POST", "/wachtwoord-vergeten"), ("POST", "/login/code")])
    for prefix in ("account.", "accounts."):
        assert uncovered_routes(app, ids, prefix, requests) == set(), prefix
    profile = uncovered_routes(app, ids, "profile.", requests)
    # the token and "overal uitloggen" forms, and the notification preferences and the
    # personal feed (tests/web/test_notify.py), have tests of their own
    assert profile == {("profile.create_token", "POST"), ("profile.revoke_token", "POST"),
                       ("profile.end_sessions", "POST"), ("profile.save_preferences", "POST"),
                       ("profile.create_feed", "POST"), ("profile.revoke_feed", "POST"),
                       ("profile.personal_feed", "GET")}


def test_a_sociaal_beheerder_sees_only_the_invitations_of_their_site(
        app, client, login_as, world):
    ids = _ids(app, world)

    def admin_invite(session):
        admin = session.get(User, world.users["admin"])
        invitations.invite(session, admin, invitations.InvitationData(
            email="elders@hofje.example", name="Elders Iemand", site_id=world.other_site,
            roles=["bestuur"], organisation_id=None), now=utcnow(),
            valid_for=timedelta(days=7))
        session.commit()

    query(app, admin_invite)
    login_as("sociaal_beheerder")
    mine = text(client.get("/uitnodigingen"))
    assert "uitgenodigd@hofje.example" in mine and "elders@hofje.example" not in mine
    login_as("other_site")
    theirs = text(client.get("/uitnodigingen"))
    assert "elders@hofje.example" in theirs and "uitgenodigd@hofje.example" not in theirs
    login_as("admin")
    every = text(client.get("/uitnodigingen"))
    assert "elders@hofje.example" in every and "uitgenodigd@hofje.example" in every
    assert ids["invitation"] == query(app, lambda s: s.scalar(
        sa.select(InvitationRole.invitation_id).where(InvitationRole.site_id == world.site)))
