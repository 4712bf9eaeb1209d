"""Writing through the API: units, move in and out, support status changes and members;
the pages' rules and access, the audit log, per-field Dutch errors and Idempotency-Key."""
from __future__ import annotations

import sqlalchemy as sa

from models import AssociationMember, AuditEvent, IdempotencyKey, Resident, SupportPeriod, Unit
from tests.api.support import ApiClient, api, assert_error, tokens  # noqa: F401
from tests.web.support import count, query

NEW_UNIT = {"number": "C9", "unit_type": "studio"}


def post(api: ApiClient, role, path, json, key=None):
    headers = api.headers(role)
    if key:
        headers["Idempotency-Key"] = key
    return api.client.post("/api/v1" + path, json=json, headers=headers)


def test_units_are_created_by_the_sociaal_beheerder_only(app, world, api):
    for role in ("bestuur", "communitycoach", "begeleider", "other_site", "none"):
        assert_error(api.post(role, f"/sites/{world.site}/units", NEW_UNIT), 403, "forbidden")
    assert_error(api.post(None, f"/sites/{world.site}/units", NEW_UNIT), 401)
    assert count(app, Unit, Unit.number == "C9") == 0
    response = api.post("sociaal_beheerder", f"/sites/{world.site}/units", NEW_UNIT)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == "C9"
    assert count(app, AuditEvent, AuditEvent.entity_type == "unit", AuditEvent.action ==
                 "create", AuditEvent.actor_id == world.users["sociaal_beheerder"]) == 1
    again = api.post("sociaal_beheerder", f"/sites/{world.site}/units", NEW_UNIT)
    error = assert_error(again, 422, "rule_violation")
    assert error["fields"]["json"]["number"] == [
        "Deze locatie heeft al een wooneenheid met dit nummer."]


def test_field_errors_are_dutch(world, api):
    error = assert_error(api.post("admin", f"/sites/{world.site}/residents",
                                  {"unit_id": world.units["A3"], "move_in_date": "2026-06-01",
                                   "status": "misschien"}), 422)
    assert error["fields"]["json"]["name"] == ["Dit veld is verplicht."]
    assert error["fields"]["json"]["status"][0].startswith("Kies een van de toegestane")


def test_move_in_with_an_idempotency_key_happens_once(app, world, api):
    body = {"unit_id": world.units["A3"], "move_in_date": "2026-06-01", "name": "Nina Nieuw",
            "status": "begeleid", "care_organisation_id": world.orgs["linde"],
            "indicated_hours": "5.5"}
    first = post(api, "sociaal_beheerder", f"/sites/{world.site}/residents", body, "key-1")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "begeleid"
    assert first.get_json()["indicated_hours"] == "5.50"
    retry = post(api, "sociaal_beheerder", f"/sites/{world.site}/residents", body, "key-1")
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert count(app, Resident, Resident.name == "Nina Nieuw") == 1
    other = post(api, "sociaal_beheerder", f"/sites/{world.site}/residents",
                 {**body, "name": "Ander Verzoek"}, "key-1")
    assert assert_error(other, 422)["code"] == "idempotency_key_reused"
    assert count(app, Resident, Resident.name == "Ander Verzoek") == 0
    # the same key of another caller is another key
    assert post(api, "admin", f"/sites/{world.site}/units", NEW_UNIT, "key-1").status_code \
        == 201
    assert count(app, IdempotencyKey) == 2


def test_a_failed_call_stores_no_key_and_a_retry_may_succeed(app, world, api):
    body = {"unit_id": world.units["A1"], "move_in_date": "2026-06-01", "name": "Bezet Huis",
            "status": "onbegeleid"}
    error = assert_error(post(api, "sociaal_beheerder", f"/sites/{world.site}/residents",
                              body, "k2"), 422, "rule_violation")
    assert "niet vrij" in error["fields"]["json"]["unit_id"][0]
    assert count(app, IdempotencyKey) == 0
    fixed = post(api, "sociaal_beheerder", f"/sites/{world.site}/residents",
                 {**body, "unit_id": world.units["B3"]}, "k2")
    assert fixed.status_code == 201


def test_an_invalid_key_is_refused(world, api):
    response = post(api, "admin", f"/sites/{world.site}/units", NEW_UNIT, "x" * 201)
    assert assert_error(response, 422)["code"] == "invalid_idempotency_key"


def test_move_out_ends_the_stay(app, world, api):
    path = f"/sites/{world.site}/residents/{world.residents['vrij1']}/move-out"
    assert_error(api.post("bestuur", path, {"move_out_date": "2026-06-10"}), 403)
    response = api.post("sociaal_beheerder", path, {"move_out_date": "2026-06-10",
                                                    "reason": "verhuisd"})
    assert response.status_code == 200
    assert response.get_json()["move_out_date"] == "2026-06-10"
    assert response.get_json()["status"] == "onbegeleid"
    again = assert_error(api.post("sociaal_beheerder", path, {"move_out_date": "2026-06-11"}),
                         422)
    assert again["fields"]["json"]["move_out_date"] == [
        "Het vertrek van deze bewoner is al vastgelegd."]
    other = f"/sites/{world.site}/residents/{world.other_resident}/move-out"
    assert_error(api.post("sociaal_beheerder", other, {"move_out_date": "2026-06-10"}), 404)


def test_status_changes_follow_who_may_write_care_data(app, world, api):
    lies = f"/sites/{world.site}/residents/{world.residents['linde']}/support-periods"
    arie = f"/sites/{world.site}/residents/{world.residents['anker']}/support-periods"
    change = {"valid_from": "2026-06-01", "status": "begeleid",
              "care_organisation_id": world.orgs["linde"], "indicated_hours": 8}
    # a begeleider of De Linde: its own client, kept with De Linde
    done = api.post("begeleider", lies, change)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["indicated_hours"] == "8.00"
    # ... not handing the client to another organisation, nor another's client
    assert_error(api.post("begeleider", lies, {**change, "valid_from": "2026-06-02",
                                               "care_organisation_id": world.orgs["anker"]}),
                 403)
    assert_error(api.post("begeleider", arie, change), 404)
    for role in ("bestuur", "communitycoach"):
        assert_error(api.post(role, lies, change), 404)
    assert_error(api.post("kerngroep", lies, change), 403)
    assert api.post("sociaal_beheerder", arie, {"valid_from": "2026-06-01",
                                                "status": "onbegeleid"}).status_code == 201
    periods = query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(
        SupportPeriod).where(SupportPeriod.resident_id.in_(
            [world.residents["linde"], world.residents["anker"]]))))
    assert periods == 4
    same = assert_error(api.post("sociaal_beheerder", arie, {"valid_from": "2026-06-05",
                                                             "status": "onbegeleid"}), 422)
    assert "er verandert niets" in same["message"]


def test_members_are_added_by_the_bestuur(app, world, api):
    path = f"/sites/{world.site}/members"
    body = {"resident_id": world.residents["vrij2"], "starts_on": "2026-06-01"}
    assert_error(api.post("sociaal_beheerder", path, body), 403)
    response = api.post("bestuur", path, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 1
    clash = assert_error(api.post("bestuur", path, body), 422, "rule_violation")
    assert "is al lid" in clash["fields"]["json"]["resident_id"][0]
    assert_error(api.post("admin", f"/sites/{world.other_site}/members",
                          {"resident_id": world.other_resident, "starts_on": "2026-06-01"}),
                 404)
    assert count(app, AssociationMember) == 1


def test_the_openapi_document_describes_the_writes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/sites/{site_id}/residents"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    assert "422" in operation["responses"]
    assert spec["paths"]["/api/v1/sites/{site_id}/residents/{resident_id}/support-periods"]


def test_hour_entries_and_bookings_take_an_idempotency_key_too(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/sites/{site_id}/hours/entries", "/api/v1/sites/{site_id}/bookings"):
        names = [p["name"] for p in spec["paths"][path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path


def test_a_retried_hour_entry_is_logged_once(app, world, api):
    from models import HourEntry
    body = {"work_date": "2026-06-10", "quarters": 4, "category": "communitycoach",
            "activity_type": "overleg"}
    first = post(api, "communitycoach", f"/sites/{world.site}/hours/entries", body, "uur-1")
    assert first.status_code == 201, first.get_json()
    retry = post(api, "communitycoach", f"/sites/{world.site}/hours/entries", body, "uur-1")
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert count(app, HourEntry) == 1
