"""The roles on a site ("Rollen op deze locatie") and the site's own settings, for the
administrators of the site's woningcorporatie, the site's sociaal beheerder and the
installation's administrators: giving a role to an e-mail address (the same answer
whether or not it has an account), changing a role's end date (audit-logged with the old
date), ending a role. The attacks are replayed by id: another corporation's
administrator, admin rights, and a sociaal beheerder's own roles. (Every world role's
answer per page is in tests/web/test_access_matrix.py.)"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from models import (AccountInvitation, AuditEvent, InvitationRole, Membership, Site, User,
                    db)
from services import invitations
from services.errors import RuleViolation
from tests.conftest import ROLE_EMAILS, TODAY
from tests.web.account_support import mails
from tests.web.corporation_support import (ADMIN_A, ADMIN_B, SB_B, corporation_setup,
                                           login_email, roles_begun_on)
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import db_snapshot, field_error, query, text, url_ids

NONE_EMAIL = ROLE_EMAILS["none"]


@pytest.fixture
def ids(app, world):
    """The world's ids, corporation B's, and every world role begun on 1 January 2026
    (the fixture's roles would otherwise begin at the real date, after the app's day)."""
    found = {**url_ids(app, world), **corporation_setup(app, world)}
    roles_begun_on(app, date(2026, 1, 1))
    return found


def _membership(app, membership_id):
    return query(app, lambda s: (lambda m: None if m is None else
                                 {"ends_on": m.ends_on, "user_id": m.user_id})(
        s.get(Membership, membership_id)))


def _events(app, action):
    return query(app, lambda s: [(e.actor_id, e.entity_id, e.site_id, e.changes)
                                 for e in s.scalars(sa.select(AuditEvent).where(
                                     AuditEvent.action == action).order_by(AuditEvent.id))])


def _flash(response) -> str:
    match = re.search(r'<div class="alert alert-success" role="status">(.*?)</div>',
                      text(response), re.S)
    assert match, text(response)[:2000]
    return match.group(1).strip()


# --- who may open what (the corporations' administrators) ------------------------

def test_pages_by_corporation(app, client, auth, ids):
    a, b = ids["site"], ids["site_b"]
    coach, role_b = ids["membership_communitycoach"], ids["role_b"]
    expected = {
        ADMIN_A: {f"/locaties/{a}/rollen": 200, f"/locaties/{a}/rollen/{coach}": 200,
                  f"/locaties/{a}/instellingen": 200, f"/locaties/{b}/rollen": 403,
                  f"/locaties/{b}/rollen/{role_b}": 403, f"/locaties/{b}/instellingen": 403,
                  f"/locaties/{a}/rollen/{role_b}": 404},
        ADMIN_B: {f"/locaties/{a}/rollen": 403, f"/locaties/{a}/rollen/{coach}": 403,
                  f"/locaties/{a}/instellingen": 403, f"/locaties/{b}/rollen": 200,
                  f"/locaties/{b}/rollen/{role_b}": 200, f"/locaties/{b}/instellingen": 200,
                  f"/locaties/{b}/rollen/{coach}": 404},
        # the sociaal beheerder of Het Bolwerk: its roles (not their own), not its settings
        SB_B: {f"/locaties/{b}/rollen": 200, f"/locaties/{b}/rollen/{role_b}": 403,
               f"/locaties/{b}/instellingen": 403, f"/locaties/{a}/rollen": 403},
    }
    problems = []
    for email, pages in expected.items():
        login_email(client, auth, email)
        for path, status in pages.items():
            got = client.get(path).status_code
            if got != status:
                problems.append(f"{email} {path}: expected {status}, got {got}")
    assert not problems, "\n".join(problems)


def test_the_list_holds_only_accounts_with_a_role_on_the_site(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    page = text(client.get(f"/locaties/{ids['site']}/rollen"))
    assert "Test communitycoach" in page and ROLE_EMAILS["communitycoach"] in page
    for other in ("Sociaal Bolwerk", SB_B, "Beheer B", "Test none", "Test other_site"):
        assert other not in page, other


# --- end dates ---------------------------------------------------------------------

def test_a_corporation_admin_changes_a_coach_end_date(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    site, coach = ids["site"], ids["membership_communitycoach"]
    url = f"/locaties/{site}/rollen/{coach}"
    for day in ("2026-09-30", "2026-12-31"):
        response = client.post(url, data={"ends_on": day})
        assert response.status_code == 302, text(response)[:2000]
        assert response.headers["Location"].endswith(
            f"/locaties/{site}/rollen#account-{ids['user_communitycoach']}")
    assert _membership(app, coach)["ends_on"].isoformat() == "2026-12-31"
    changes = [e[3] for e in _events(app, "change_role_end")]
    assert changes == [{"role": "communitycoach", "ends_on": [None, "2026-09-30"]},
                       {"role": "communitycoach", "ends_on": ["2026-09-30", "2026-12-31"]}]
    assert {e[0] for e in _events(app, "change_role_end")} == {ids["user"]}
    review = text(client.get(f"/locaties/{site}/toegang"))
    assert "tot en met 31 dec 2026" in review
    assert f'href="/locaties/{site}/rollen#account-{ids["user_communitycoach"]}"' in review


@pytest.mark.parametrize("value, message", [
    ("abc", "Ongeldige datum."),
    ("2026-02-30", "Ongeldige datum."),
    ((TODAY - timedelta(days=1)).isoformat(), "De einddatum ligt in het verleden."),
    ("1999-01-01", "De einddatum ligt vóór het begin van de rol (01-01-2026)."),
])
def test_bad_end_dates_are_refused(app, client, login_as, ids, value, message):
    login_as("sociaal_beheerder")
    coach = ids["membership_communitycoach"]
    before = db_snapshot(app)
    response = client.post(f"/locaties/{ids['site']}/rollen/{coach}", data={"ends_on": value})
    assert response.status_code == 422
    assert field_error(text(response), "ends_on") == message
    assert db_snapshot(app) == before


def test_an_end_date_before_the_role_began(app, client, login_as, ids):
    """A role given later than the date typed (its start lies after today here)."""
    coach = ids["membership_communitycoach"]
    with app.app_context():
        db.session.get(Membership, coach).created_at = datetime(2026, 8, 1, 9,
                                                                 tzinfo=timezone.utc)
        db.session.commit()
        db.session.remove()
    login_as("sociaal_beheerder")
    response = client.post(f"/locaties/{ids['site']}/rollen/{coach}",
                           data={"ends_on": "2026-07-01"})
    assert response.status_code == 422
    assert field_error(text(response), "ends_on") == \
        "De einddatum ligt vóór het begin van de rol (01-08-2026)."
    assert _membership(app, coach)["ends_on"] is None


def test_ending_today_and_no_end_date(app, client, login_as, ids):
    login_as("sociaal_beheerder")
    coach = ids["membership_communitycoach"]
    url = f"/locaties/{ids['site']}/rollen/{coach}"
    assert client.post(url, data={"ends_on": TODAY.isoformat()}).status_code == 302
    assert _membership(app, coach)["ends_on"] == TODAY
    login_as("communitycoach")
    assert client.get(f"/locaties/{ids['site']}").status_code == 200  # its last day
    login_as("sociaal_beheerder")
    assert client.post(url, data={"ends_on": ""}).status_code == 302
    assert _membership(app, coach)["ends_on"] is None
    assert [e[3]["ends_on"] for e in _events(app, "change_role_end")] == [
        [None, TODAY.isoformat()], [TODAY.isoformat(), None]]


def test_an_admin_reaches_the_end_date_from_the_users_roles(app, client, login_as, ids):
    login_as("admin")
    page = text(client.get(f"/beheer/gebruikers/{ids['user_communitycoach']}/rollen"))
    link = f'/locaties/{ids["site"]}/rollen/{ids["membership_communitycoach"]}'
    assert f'href="{link}"' in page
    assert client.post(link, data={"ends_on": "2027-01-31"}).status_code == 302
    assert _membership(app, ids["membership_communitycoach"])["ends_on"].isoformat() == \
        "2027-01-31"


# --- giving and ending roles -------------------------------------------------------

def _give(client, site, email, role="communitycoach", **extra):
    return client.post(f"/locaties/{site}/rollen", data={
        "grant-email": email, "grant-name": "Iemand Nieuw", "grant-role": role,
        "grant-ends_on": "2026-12-31", **extra}, follow_redirects=True)


def test_giving_a_role_answers_the_same_with_or_without_an_account(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    site = ids["site"]
    known, unknown = _give(client, site, NONE_EMAIL), _give(client, site, "nieuw@elders.example")
    assert known.status_code == unknown.status_code == 200
    assert _flash(known).replace(NONE_EMAIL, "X") == \
        _flash(unknown).replace("nieuw@elders.example", "X")
    # an account with a role elsewhere: the same again (Het Bolwerk is corporation B's)
    assert _flash(_give(client, site, SB_B, role="kerngroep")).replace(SB_B, "X") == \
        _flash(known).replace(NONE_EMAIL, "X")

    def state(s):
        held = s.scalars(sa.select(Membership).where(
            Membership.user_id == ids["user_none"])).all()
        invited = s.scalars(sa.select(InvitationRole).join(AccountInvitation).where(
            AccountInvitation.email == "nieuw@elders.example")).all()
        return ([(m.site_id, m.role, m.ends_on.isoformat()) for m in held],
                [(r.site_id, r.role, r.ends_on.isoformat()) for r in invited])

    assert query(app, state) == ([(site, "communitycoach", "2026-12-31")],
                                 [(site, "communitycoach", "2026-12-31")])
    assert [m["to"] for m in mails(app, "invitation")] == ["nieuw@elders.example"]
    # an existing account hears of its new role by mail (the page says the same either way)
    told = mails(app, "role_given")
    assert [m["to"] for m in told] == [NONE_EMAIL, SB_B]
    site_name = query(app, lambda s: s.get(Site, site).name)
    assert told[0]["subject"] == f"Noaber: u hebt een rol op {site_name}"
    assert f"de rol communitycoach gegeven op {site_name}" in told[0]["body"]
    assert "tot en met 31-12-2026" in told[0]["body"]
    assert f"/locaties/{site}/mijn-werk" in told[0]["body"]
    assert f"de rol kerngroep gegeven op {site_name}" in told[1]["body"]
    assert told[0]["recipient_id"] == ids["user_none"]
    granted = _events(app, "grant_role")
    assert granted[-2][0] == ids["user"] and granted[-2][2] == site


def test_the_invitation_form_no_longer_tells_which_addresses_have_an_account(
        app, client, auth, ids):
    """Before, inviting an existing address answered "Er is al een account met dit
    e-mailadres"; for someone who is no installation administrator it now gives the
    roles, with the answer an unknown address gets."""
    login_email(client, auth, ADMIN_A)

    def invite(email):
        return client.post("/uitnodigingen/nieuw", data={
            "name": "Iemand", "email": email, "site_id": ids["site"],
            "roles": ["kerngroep"]}, follow_redirects=True)

    known, unknown = invite(ROLE_EMAILS["other_site"]), invite("iemand@elders.example")
    assert _flash(known).replace(ROLE_EMAILS["other_site"], "X") == \
        _flash(unknown).replace("iemand@elders.example", "X")
    assert query(app, lambda s: s.scalar(sa.select(Membership.role).where(
        Membership.user_id == ids["user_other_site"], Membership.site_id == ids["site"]))) \
        == "kerngroep"
    assert [m["to"] for m in mails(app, "role_given")] == [ROLE_EMAILS["other_site"]]
    assert [m["to"] for m in mails(app, "invitation")] == ["iemand@elders.example"]


@pytest.mark.parametrize("fields, field, message", [
    ({"grant-role": ""}, "grant-role", "Kies een rol."),
    ({"grant-role": "begeleider"}, "grant-organisation_id",
     "Een begeleider hoort bij een zorgaanbieder."),
    ({"grant-email": "geen-adres"}, "grant-email", "Vul een geldig e-mailadres in."),
    ({"grant-name": " "}, "grant-name", "Vul een naam in."),
    ({"grant-ends_on": "2026-06-14"}, "grant-ends_on", "De einddatum ligt in het verleden."),
    ({"grant-email": ROLE_EMAILS["communitycoach"]}, "grant-role",
     "Deze gebruiker heeft deze rol op deze locatie al."),
])
def test_bad_grants_are_refused(app, client, auth, ids, fields, field, message):
    login_email(client, auth, ADMIN_A)
    before = db_snapshot(app)
    response = client.post(f"/locaties/{ids['site']}/rollen", data={
        "grant-email": "nieuw@elders.example", "grant-name": "Iemand",
        "grant-role": "communitycoach", **fields})
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert db_snapshot(app) == before


def test_a_corporation_admin_ends_a_role(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    coach = ids["membership_communitycoach"]
    response = client.post(f"/locaties/{ids['site']}/rollen/{coach}/intrekken")
    assert response.status_code == 302
    assert _membership(app, coach) is None
    assert _events(app, "revoke_role")[-1][:3] == (ids["user"], ids["user_communitycoach"],
                                                  ids["site"])


def test_admin_rights_are_never_given(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    before = db_snapshot(app)
    refused = _give(client, ids["site"], NONE_EMAIL, role="admin")
    assert refused.status_code == 422 and field_error(text(refused), "grant-role") == \
        "Ongeldige keuze."
    assert db_snapshot(app) == before
    # fields the form does not have are ignored: a site role, no admin rights
    for url, data in ((f"/locaties/{ids['site']}/rollen", {
            "grant-email": NONE_EMAIL, "grant-name": "X", "grant-role": "bestuur",
            "grant-is_admin": "y", "is_admin": "y",
            "admin_of_corporation_id": str(ids["org_corp"])}),
            ("/uitnodigingen/nieuw", {"name": "X", "email": NONE_EMAIL,
                                       "site_id": ids["site"], "roles": ["kerngroep"],
                                       "is_admin": "y"})):
        assert client.post(url, data=data).status_code == 302
    user = query(app, lambda s: (lambda u: (u.is_admin, u.admin_of_corporation_id))(
        s.get(User, ids["user_none"])))
    assert user == (False, None)
    with app.app_context():
        actor = db.session.get(User, ids["user"])
        with pytest.raises(RuleViolation, match="Alleen een beheerder"):
            invitations.give_roles(db.session, actor, invitations.InvitationData(
                email="x@elders.example", name="X", site_id=ids["site"], roles=[],
                organisation_id=None, is_admin=True), now=datetime.now(timezone.utc),
                today=TODAY, valid_for=timedelta(days=7))
        db.session.rollback()
        db.session.remove()


def test_another_corporations_admin_changes_nothing(app, client, auth, ids):
    """Corporation B's administrator replays every request on Het Hofje's roles, by the
    site in the URL and by a role's id under their own site."""
    login_email(client, auth, ADMIN_B)
    a, b, coach = ids["site"], ids["site_b"], ids["membership_communitycoach"]
    before = db_snapshot(app)
    for url, data, status in (
            (f"/locaties/{a}/rollen/{coach}", {"ends_on": "2030-01-01"}, 403),
            (f"/locaties/{b}/rollen/{coach}", {"ends_on": "2030-01-01"}, 404),
            (f"/locaties/{a}/rollen/{coach}/intrekken", {}, 403),
            (f"/locaties/{b}/rollen/{coach}/intrekken", {}, 404),
            (f"/locaties/{a}/rollen", {"grant-email": ADMIN_B, "grant-name": "B",
                                       "grant-role": "sociaal_beheerder"}, 403),
            (f"/locaties/{a}/instellingen", {"name": "Overgenomen", "municipality": "X",
                                             "project_start": "2024-01-01"}, 403),
            (f"/beheer/gebruikers/{ids['user']}", {"name": "Beheer A", "email": ADMIN_A,
                                                   "active": "y",
                                                   "admin_of_corporation_id":
                                                       str(ids["corp_b"])}, 403)):
        response = client.post(url, data=data)
        assert response.status_code == status, (url, response.status_code)
    assert db_snapshot(app) == before


def test_a_sociaal_beheerder_keeps_off_their_own_roles(app, client, login_as, ids):
    login_as("sociaal_beheerder")
    own, site = ids["membership_sociaal_beheerder"], ids["site"]
    me = ROLE_EMAILS["sociaal_beheerder"]
    before = db_snapshot(app)
    assert client.post(f"/locaties/{site}/rollen/{own}",
                       data={"ends_on": "2030-12-31"}).status_code == 403
    assert client.post(f"/locaties/{site}/rollen/{own}/intrekken").status_code == 403
    another = _give(client, ids["other_site"], me, role="sociaal_beheerder")
    assert another.status_code == 403
    self_here = _give(client, site, me, role="kerngroep")
    assert self_here.status_code == 422
    assert field_error(text(self_here), "grant-email") == \
        "U kunt uzelf geen rol geven; vraag dat een beheerder."
    for other_site in (site, ids["other_site"]):
        assert client.post("/uitnodigingen/nieuw", data={
            "name": "Ik", "email": me, "site_id": other_site,
            "roles": ["sociaal_beheerder"]}).status_code == 422
    assert db_snapshot(app) == before
    page = text(client.get(f"/locaties/{site}/rollen"))
    assert f'/rollen/{own}"' not in page and "uw eigen rol" in page


def test_a_sociaal_beheerder_whose_role_ended_no_longer_gives_roles(app, client, login_as,
                                                                    ids):
    """Inviting used to count an ended sociaal beheerder role too."""
    with app.app_context():
        db.session.get(Membership, ids["membership_sociaal_beheerder"]).ends_on = \
            TODAY - timedelta(days=1)
        db.session.commit()
        db.session.remove()
    login_as("sociaal_beheerder")
    assert client.get("/uitnodigingen").status_code == 403
    assert client.get(f"/locaties/{ids['site']}/rollen").status_code == 403


def test_an_invited_role_keeps_its_end_date(app, ids):
    with app.app_context():
        actor = db.session.get(User, ids["user"])
        now = datetime(2026, 6, 15, 10, tzinfo=timezone.utc)
        invitation = invitations.give_roles(db.session, actor, invitations.InvitationData(
            email="nieuw@elders.example", name="Nieuw", site_id=ids["site"],
            roles=["communitycoach"], organisation_id=None, ends_on=TODAY + timedelta(days=30)),
            now=now, today=TODAY, valid_for=timedelta(days=7))
        user = invitations.accept(db.session, invitation, name="Nieuw",
                                  password="een lang genoeg wachtwoord", now=now)
        assert [(m.role, m.ends_on) for m in user.memberships] == [
            ("communitycoach", TODAY + timedelta(days=30))]
        db.session.rollback()
        late = invitations.give_roles(db.session, actor, invitations.InvitationData(
            email="laat@elders.example", name="Laat", site_id=ids["site"],
            roles=["kerngroep"], organisation_id=None, ends_on=TODAY),
            now=now, today=TODAY, valid_for=timedelta(days=7))
        with pytest.raises(RuleViolation, match="inmiddels afgelopen"):
            invitations.accept(db.session, late, name="Laat",
                               password="een lang genoeg wachtwoord",
                               now=now + timedelta(days=1))
        db.session.rollback()
        db.session.remove()


# --- the site's own settings --------------------------------------------------------

SETTINGS = {"name": "Het Hofje aan de Rijn", "municipality": "Rijnstad",
            "project_start": "2024-01-01", "target_begeleid_share": "0.3333",
            "mix_tolerance": "0.05", "small_site_units": "60", "small_site_max_share": "0.5",
            "active_share_low": "0.5", "active_share_high": "0.7"}


def test_a_corporation_admin_edits_the_site_but_keeps_its_corporation(app, client, auth, ids):
    login_email(client, auth, ADMIN_A)
    url = f"/locaties/{ids['site']}/instellingen"
    empty = client.post(url, data={**SETTINGS, "name": ""})
    assert empty.status_code == 422 and field_error(text(empty), "name") == "Vul een naam in."
    saved = client.post(url, data={**SETTINGS, "corporation_id": str(ids["corp_b"])})
    assert saved.status_code == 302
    site = query(app, lambda s: (lambda x: (x.name, x.corporation_id))(s.get(Site, ids["site"])))
    assert site == ("Het Hofje aan de Rijn", ids["org_corp"])
    assert "Woningcorporatie" not in text(client.get(url))  # no such field here
