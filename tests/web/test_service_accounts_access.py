"""Who may open and use the service-account pages, role by role: admins for every
account; a sociaal beheerder for those of its corporation on its sites; nobody else."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import ApiToken, ServiceAccount, User
from services import service_accounts
from tests.conftest import TODAY
from tests.web.matrix import ANONYMOUS, COLUMNS, LOGIN, NO, Page, Post, expect, run_page, run_post
from tests.web.support import db_snapshot, fresh_rate_limits, query, text, url_ids  # noqa: F401

MANAGERS = {"admin", "sociaal_beheerder"}


@pytest.fixture
def ids(app, world):
    found = url_ids(app, world)

    def create(session):
        admin = session.get(User, world.users["admin"])
        account = service_accounts.create_account(
            session, service_accounts.manager_of(session, admin),
            organisation_id=world.orgs["corp"], name="Huuradministratie",
            scopes={world.site: True}, actor_id=admin.id)
        made = service_accounts.create_token(session, account, name="prod",
                                             expires_on=TODAY.replace(year=2027), today=TODAY,
                                             actor_id=admin.id)
        session.commit()
        return account.id, made.token.id

    found["account"], found["token"] = query(app, create)
    return found


PAGES = [
    Page("list", "/koppelingen/", expect(MANAGERS | {"other_site"})),
    Page("account", "/koppelingen/{account}", expect(MANAGERS)),
    Page("unknown account", "/koppelingen/999999",
         tuple(LOGIN if r == ANONYMOUS else 404 if r in MANAGERS | {"other_site"} else NO
               for r in COLUMNS)),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_pages(page, ids, client, auth, login_as):
    run_page(page, ids, client, auth, login_as)


def _accounts(s, ids):
    return s.scalar(sa.select(sa.func.count()).select_from(ServiceAccount))


def _revoked_token(s, ids):
    return s.get(ApiToken, ids["token"]).revoked_at is not None


def _revoked(s, ids):
    return s.get(ServiceAccount, ids["account"]).revoked_at is not None


def _tokens(s, ids):
    return s.scalar(sa.select(sa.func.count()).select_from(ApiToken))


POSTS = [
    Post("revoke token", "/koppelingen/{account}/tokens/{token}/intrekken", MANAGERS, {},
         _revoked_token),
    Post("revoke", "/koppelingen/{account}/intrekken", MANAGERS, {}, _revoked),
]


@pytest.mark.parametrize("case", POSTS, ids=[p.id for p in POSTS])
def test_posts(case, app, ids, client, auth, login_as):
    run_post(case, app, ids, client, auth, login_as)


@pytest.mark.parametrize("role", [r for r in COLUMNS if r not in MANAGERS])
def test_others_cannot_create_accounts_or_tokens(role, app, ids, client, auth, login_as):
    if role == ANONYMOUS:
        auth.logout()
    else:
        login_as(role)
    before = db_snapshot(app)
    created = client.post("/koppelingen/", data={
        "name": "Cliëntsysteem", "organisation_id": str(ids["org_corp"]),
        f"site{ids['site']}": "write"})
    token = client.post(f"/koppelingen/{ids['account']}/tokens",
                        data={"name": "x", "expires_on": "2026-12-31"})
    if role == ANONYMOUS:
        assert created.status_code == token.status_code == 302
    elif role == "other_site":   # manages another site: not this corporation, not this account
        assert (created.status_code, token.status_code) == (422, 403)
    else:
        assert (created.status_code, token.status_code) == (403, 403)
    assert db_snapshot(app) == before


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_create_accounts_and_tokens(role, app, ids, login_as):
    client = login_as(role)
    created = client.post("/koppelingen/", data={
        "name": "Cliëntsysteem", "organisation_id": str(ids["org_corp"]),
        f"site{ids['site']}": "read"})
    assert created.status_code == 302
    scopes = query(app, lambda s: [(x.site_id, x.can_write) for x in s.scalar(
        sa.select(ServiceAccount).where(ServiceAccount.name == "Cliëntsysteem")).scopes])
    assert scopes == [(ids["site"], False)]
    response = client.post(f"/koppelingen/{ids['account']}/tokens",
                           data={"name": "tweede", "expires_on": "2026-09-01"})
    assert response.status_code == 201
    assert "nbr_" in text(response)
    page = text(client.get(f"/koppelingen/{ids['account']}"))
    assert "Kopieer het nu" not in page
    refused = client.post(f"/koppelingen/{ids['account']}/tokens",
                          data={"name": "te lang", "expires_on": "2028-01-01"})
    assert refused.status_code == 422
    assert "binnen 366 dagen" in text(refused)
