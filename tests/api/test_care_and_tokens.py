"""Care data in the API only where the pages show it (and every such read audited),
tokens revoked or unknown get 401, and the API never reads the session cookie."""
from __future__ import annotations

import sqlalchemy as sa

from models import ApiToken, AuditEvent, HourEntry, User, utcnow
from services import api_tokens
from tests.api.support import api, assert_error, tokens  # noqa: F401
from tests.web.imo_support import DIRK, FALLBACK, make_imo
from tests.web.support import count, query

CARE_KEYS = {"status", "care_organisation", "indicated_hours", "support_history"}
CARE_ORGS = ("Zorggroep De Linde", "Stichting Het Anker")


def _residents(api, role, site):
    return {r["name"]: r for r in api.get(role, f"/sites/{site}/residents").get_json()["items"]}


def test_aggregate_only_roles_get_no_care_fields(api, world):
    for role in ("communitycoach", "bestuur"):
        response = api.get(role, f"/sites/{world.site}/residents")
        rows = response.get_json()["items"]
        assert len(rows) == 4
        for row in rows:
            assert not CARE_KEYS & set(row), (role, row)
            assert row["care_visible"] is False
        assert not any(name in response.get_data(as_text=True) for name in CARE_ORGS)
        one = api.get(role, f"/sites/{world.site}/residents/{world.residents['linde']}")
        assert not CARE_KEYS & set(one.get_json())


def test_care_data_per_resident_for_own_care_organisation_and_all_for_sb(api, world):
    begeleider = _residents(api, "begeleider", world.site)
    assert begeleider["Lies Linde"]["care_organisation"] == "Zorggroep De Linde"
    assert begeleider["Lies Linde"]["indicated_hours"] == "6.00"
    assert not CARE_KEYS & set(begeleider["Arie Anker"])  # another care organisation
    sb = _residents(api, "sociaal_beheerder", world.site)
    assert sb["Arie Anker"]["status"] == "begeleid"
    assert sb["Vera Vrij"]["status"] == "onbegeleid"
    detail = api.get("sociaal_beheerder",
                     f"/sites/{world.site}/residents/{world.residents['anker']}").get_json()
    assert detail["support_history"][0]["indicated_hours"] == "4.50"


def test_reads_of_care_data_are_audited(app, api, world):
    def reads(session):
        return session.execute(sa.select(AuditEvent.actor_id, AuditEvent.entity_type,
                                         AuditEvent.entity_id, AuditEvent.changes)
                               .where(AuditEvent.action == "api_read_care")).all()

    api.get("communitycoach", f"/sites/{world.site}/residents")
    api.get("communitycoach", f"/sites/{world.site}/residents/{world.residents['linde']}")
    assert query(app, reads) == []
    api.get("begeleider", f"/sites/{world.site}/residents")
    api.get("sociaal_beheerder", f"/sites/{world.site}/residents/{world.residents['anker']}")
    events = query(app, reads)
    assert (world.users["begeleider"], "site", world.site,
            {"resident_ids": [world.residents["linde"]]}) in events
    assert (world.users["sociaal_beheerder"], "resident", world.residents["anker"], {}) in events


def test_soft_landing_only_for_sb_and_the_proposing_care_organisation(app, api, world):
    ids = make_imo(app, world)
    path = f"/sites/{world.site}/candidates/{ids['dirk']}"
    assert api.get("sociaal_beheerder", path).get_json()["fallback_place"] == FALLBACK
    assert api.get("begeleider", path).get_json()["problem_severity"] == "zwaar"
    for role in ("bestuur", "communitycoach"):
        data = api.get(role, path).get_json()
        assert data["name"] == DIRK
        assert not {"fallback_place", "problem_severity", "indicated_hours",
                    "care_organisation_id", "special_conditions"} & set(data)
    listed = api.get("bestuur", f"/sites/{world.site}/candidates").get_json()["items"]
    assert DIRK in [c["name"] for c in listed] and "motivation" not in listed[0]
    views = count(app, AuditEvent, AuditEvent.action == "view",
                  AuditEvent.entity_id == ids["dirk"])
    assert views == 4


def test_revoked_unknown_and_missing_tokens_get_401(app, api, client, tokens, world):
    path = f"/sites/{world.site}"
    assert api.get("sociaal_beheerder", path).status_code == 200

    def revoke(session):
        token = session.scalar(sa.select(ApiToken).where(
            ApiToken.user_id == world.users["sociaal_beheerder"]))
        api_tokens.revoke_token(session, token, actor_id=token.user_id, now=utcnow())
        session.commit()

    query(app, revoke)
    assert_error(api.get("sociaal_beheerder", path), 401, "token_invalid")
    assert_error(client.get("/api/v1" + path, headers={"Authorization": "Bearer nbr_nope"}),
                 401, "token_invalid")
    assert_error(client.get("/api/v1" + path, headers={"Authorization": "Basic abc"}),
                 401, "token_missing")
    response = assert_error(client.get("/api/v1" + path), 401, "token_missing")
    assert "Geef een geldig API-token" in response["message"]


def test_token_of_a_deactivated_account_gets_401(app, api, world):
    def deactivate(session):
        session.get(User, world.users["communitycoach"]).active = False
        session.commit()

    query(app, deactivate)
    assert_error(api.get("communitycoach", f"/sites/{world.site}"), 401)


def test_last_use_is_recorded(app, api, world):
    api.get("bestuur", "/sites")
    used = query(app, lambda s: s.scalar(sa.select(ApiToken.last_used_at).where(
        ApiToken.user_id == world.users["bestuur"])))
    assert used is not None


def test_a_session_cookie_is_not_enough_and_no_csrf_bypass(app, client, login_as, world):
    """Logged in on the pages, a POST to the API without a token is refused: the CSRF
    exemption only covers calls that carry a token."""
    login_as("communitycoach")
    response = client.post(f"/api/v1/sites/{world.site}/hours/entries", json={
        "work_date": "2026-06-10", "quarters": 4, "category": "communitycoach",
        "activity_type": "activiteit"})
    assert_error(response, 401, "token_missing")
    assert count(app, HourEntry) == 0


def test_tokens_are_stored_hashed(app, tokens, world):
    stored = query(app, lambda s: list(s.scalars(sa.select(ApiToken.token_hash))))
    assert tokens["admin"] not in stored
    assert api_tokens.hash_secret(tokens["admin"]) in stored
    assert all(len(h) == 64 for h in stored)


def test_candidate_status_only_for_who_may_see_it(app, api, world):
    """As on the pages (SiteAccess.sees_candidate_status): a placed candidate's begeleid
    status is the resident's care data, so the bestuur and the coach get null for it and
    for the intake route, in the dossier, the list and a meeting's agenda; the sociaal
    beheerder gets both."""
    ids = make_imo(app, world)
    pim = f"/sites/{world.site}/candidates/{ids['pim']}"
    may = f"/sites/{world.site}/imo/meetings/{ids['may']}"
    sb = api.get("sociaal_beheerder", pim).get_json()
    assert sb["support_status"] in ("begeleid", "onbegeleid") and sb["intake_route"]
    for role in ("bestuur", "communitycoach"):
        data = api.get(role, pim).get_json()
        assert (data["support_status"], data["intake_route"]) == (None, None)
        listed = api.get(role, f"/sites/{world.site}/candidates",
                         include_closed="true").get_json()["items"]
        assert {c["support_status"] for c in listed} == {None}
        agenda = api.get(role, may).get_json()["agenda"]["candidates"]
        assert agenda and {c["support_status"] for c in agenda} == {None}
    shown = api.get("sociaal_beheerder", may).get_json()["agenda"]["candidates"]
    assert {c["name"]: c["support_status"] for c in shown}["Pim Plaatsing"] == \
        sb["support_status"]


def test_a_locked_meeting_answers_as_frozen_and_its_read_is_logged(app, api, world):
    """May's minutes were locked before Pim moved in: the API gives the agenda as it was
    then (A3 among the vacancies), like the print view, and logs the read."""
    ids = make_imo(app, world)
    may = api.get("sociaal_beheerder", f"/sites/{world.site}/imo/meetings/{ids['may']}")
    data = may.get_json()
    assert data["locked"] is True
    assert "A3" in [v["number"] for v in data["agenda"]["vacancies"]]
    views = count(app, AuditEvent, AuditEvent.action == "view",
                  AuditEvent.entity_type == "imo_meeting", AuditEvent.entity_id == ids["may"])
    assert views == 1
