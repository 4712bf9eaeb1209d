"""Service accounts: an organisation's own tokens, scoped per site (read-only or
read-write), expiring and revocable; the API treats them with their organisation's
role on the sites in scope and nowhere else."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from models import ApiToken, AuditEvent, ServiceAccount, Unit, User, db
from services import accounts, service_accounts
from services.errors import RuleViolation
from tests.api.support import assert_error
from tests.conftest import PASSWORD, TODAY
from tests.web.support import count, fresh_rate_limits, query  # noqa: F401


def make(app, world, org="corp", scopes=None, by="admin", expires=TODAY + timedelta(days=30)):
    def create(session):
        user = session.get(User, world.users[by])
        manager = service_accounts.manager_of(session, user)
        account = service_accounts.create_account(
            session, manager, organisation_id=world.orgs[org], name="Huurdersadministratie",
            scopes=scopes if scopes is not None else {world.site: True}, actor_id=user.id)
        secret = service_accounts.create_token(session, account, name="productie",
                                               expires_on=expires, today=TODAY,
                                               actor_id=user.id).secret
        session.commit()
        return account.id, secret

    return query(app, create)


def call(client, secret, method, path, json=None):
    return client.open("/api/v1" + path, method=method, json=json,
                       headers={"Authorization": f"Bearer {secret}"})


def test_a_read_write_corporation_account_writes_as_the_sociaal_beheerder(app, world, client):
    account_id, secret = make(app, world)
    response = call(client, secret, "POST", f"/sites/{world.site}/units",
                    {"number": "K1", "unit_type": "studio"})
    assert response.status_code == 201
    actor = query(app, lambda s: s.get(ServiceAccount, account_id).user_id)
    assert count(app, AuditEvent, AuditEvent.entity_type == "unit",
                 AuditEvent.actor_id == actor) == 1
    listed = call(client, secret, "GET", "/sites").get_json()
    assert [s["id"] for s in listed["items"]] == [world.site]
    assert_error(call(client, secret, "GET", f"/sites/{world.other_site}/units"), 403)


def test_a_read_only_scope_refuses_every_write(app, world, client):
    _account, secret = make(app, world, scopes={world.site: False})
    assert call(client, secret, "GET", f"/sites/{world.site}/residents").status_code == 200
    error = assert_error(call(client, secret, "POST", f"/sites/{world.site}/units",
                              {"number": "K1", "unit_type": "studio"}), 403, "read_only")
    assert "alleen lezen" in error["message"]
    assert count(app, Unit, Unit.number == "K1") == 0


def test_a_care_organisation_account_sees_only_its_own_clients(app, world, client):
    _account, secret = make(app, world, org="linde", scopes={world.site: False})
    rows = call(client, secret, "GET", f"/sites/{world.site}/residents").get_json()["items"]
    visible = {r["name"] for r in rows if r["care_visible"]}
    assert visible == {"Lies Linde"}


def test_expired_and_revoked_tokens_stop_working(app, world, client):
    account_id, secret = make(app, world, expires=TODAY + timedelta(days=1))

    def expire(session):
        token = session.scalar(sa.select(ApiToken).where(ApiToken.name == "productie"))
        token.expires_at = datetime(2026, 6, 15, 9, 0, tzinfo=timezone.utc)  # before noon
        session.commit()

    query(app, expire)
    assert_error(call(client, secret, "GET", "/sites"), 401, "token_invalid")
    account_id, secret = make(app, world)
    assert call(client, secret, "GET", "/sites").status_code == 200

    def revoke(session):
        service_accounts.revoke_account(session, session.get(ServiceAccount, account_id),
                                        actor_id=world.users["admin"])
        session.commit()

    query(app, revoke)
    assert_error(call(client, secret, "GET", "/sites"), 401, "token_invalid")


def test_the_technical_account_cannot_log_in(app, world, client):
    account_id, _secret = make(app, world)
    email = query(app, lambda s: s.get(ServiceAccount, account_id).user.email)
    with app.app_context():
        assert accounts.authenticate(db.session, email, PASSWORD) is None
        assert accounts.authenticate(db.session, email, "") is None


def test_tokens_expire_within_a_year(app, world):
    with pytest.raises(RuleViolation):
        make(app, world, expires=TODAY + timedelta(days=400))
    with pytest.raises(RuleViolation):
        make(app, world, expires=TODAY)


def test_a_sociaal_beheerder_manages_only_its_corporation_and_sites(app, world):
    with pytest.raises(RuleViolation) as error:
        make(app, world, by="sociaal_beheerder", scopes={world.other_site: True})
    assert error.value.field in ("organisation_id", "sites")
    with pytest.raises(RuleViolation):
        make(app, world, org="linde", by="sociaal_beheerder")
    account_id, _ = make(app, world, by="sociaal_beheerder")

    def manageable(session, role):
        manager = service_accounts.manager_of(session, session.get(User, world.users[role]))
        return [a.id for a in service_accounts.accounts_for(session, manager)]

    assert query(app, lambda s: manageable(s, "sociaal_beheerder")) == [account_id]
    assert query(app, lambda s: manageable(s, "other_site")) == []
    assert query(app, lambda s: manageable(s, "admin")) == [account_id]
