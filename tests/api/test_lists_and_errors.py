"""Pagination, date filters, the error body for every status, and writing hours through
the API with the rules of the hours page."""
from __future__ import annotations

from datetime import date

import pytest

import app.api.registry as registry_api
from app.extensions import limiter
from models import HourEntry, Site
from services.accounts import site_access
from services.hours import entries as entry_service
from tests.api.support import api, assert_error, tokens  # noqa: F401
from tests.web.support import count, query

ORG_NAMES = {"Zorggroep De Linde", "Stichting Het Anker"}
COACH_ENTRY = {"work_date": "2026-06-10", "quarters": 6, "category": "communitycoach",
               "activity_type": "activiteit", "note": "Koffieochtend"}


def _log(app, world, role, on: date, quarters=4):
    def add(session):
        from models import User
        user = session.get(User, world.users[role])
        site = session.get(Site, world.site)
        entry_service.log_entry(session, site, site_access(user, site.id), person_id=user.id,
                                data=entry_service.EntryData(on, quarters, "communitycoach",
                                                             "activiteit"),
                                today=date(2026, 6, 15))
        session.commit()
    query(app, add)


def test_pagination(api, world):
    path = f"/sites/{world.site}/residents"
    first = api.get("sociaal_beheerder", path, per_page=3).get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, 4, 2)
    second = api.get("sociaal_beheerder", path, per_page=3, page=2).get_json()
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert {r["id"] for r in first["items"] + second["items"]} == set(world.residents.values())
    beyond = api.get("sociaal_beheerder", path, per_page=3, page=9).get_json()
    assert beyond["items"] == [] and beyond["total"] == 4


@pytest.mark.parametrize("params", [{"per_page": 0}, {"per_page": 101}, {"page": 0},
                                    {"page": "x"}, {"from": "2026-13-01"},
                                    {"from": "2026-06-10", "to": "2026-06-01"}])
def test_bad_query_parameters_are_422_with_field_messages(api, world, params):
    path = f"/sites/{world.site}/hours/entries"
    error = assert_error(api.get("sociaal_beheerder", path, **params), 422, "invalid_input")
    assert error["message"] == "Controleer de invoer."
    assert "query" in error["fields"]


def test_hour_entries_filtered_by_date_range(app, api, world):
    for day in (date(2026, 5, 30), date(2026, 6, 1), date(2026, 6, 12)):
        _log(app, world, "communitycoach", day)
    path = f"/sites/{world.site}/hours/entries"
    dates = lambda **p: [e["work_date"] for e in api.get("communitycoach", path, **p)  # noqa: E731
                         .get_json()["items"]]
    assert dates() == ["2026-06-12", "2026-06-01"]          # this month by default
    assert dates(**{"from": "2026-05-01", "to": "2026-06-01"}) == ["2026-06-01", "2026-05-30"]
    assert dates(**{"from": "2026-06-02", "to": "2026-06-30"}) == ["2026-06-12"]
    # another role sees only their own entries (none)
    assert api.get("begeleider", path, **{"from": "2026-01-01"}).get_json()["total"] == 0
    assert api.get("sociaal_beheerder", path, **{"from": "2026-01-01"}).get_json()["total"] == 3


def test_other_date_filters(app, api, world):
    from tests.web.imo_support import make_imo
    ids = make_imo(app, world)
    meetings = api.get("sociaal_beheerder", f"/sites/{world.site}/imo/meetings",
                       **{"from": "2026-06-01"}).get_json()["items"]
    assert [m["id"] for m in meetings] == [ids["june"]]
    history = api.get("kerngroep", f"/sites/{world.site}/mix/history",
                      **{"months": 6, "from": "2026-03-01", "to": "2026-05-31"}).get_json()
    assert [p["on"] for p in history["points"]] == ["2026-03-01", "2026-04-01", "2026-05-01"]
    candidates = api.get("sociaal_beheerder", f"/sites/{world.site}/candidates",
                         **{"from": "2026-04-02", "to": "2026-04-03"}).get_json()["items"]
    assert [c["name"] for c in candidates] == ["Sam Selectie", "Anna Anker"]


def test_mix_is_aggregate(api, world):
    """Published figures: with 4 residents every cell is below the minimum cell size."""
    data = api.get("stuurgroep", f"/sites/{world.site}/mix").get_json()
    assert data["site"]["mix"]["begeleid"] is None and data["site"]["mix"]["total"] == 4
    assert data["site"]["mix"]["withheld"] and data["site"]["mix"]["rounded_to"] == 5
    assert [p["name"] for p in data["parts"]] == ["Blok A", "Blok B"]
    assert all(p["mix"]["withheld"] for p in data["parts"])
    exact = api.get("sociaal_beheerder", f"/sites/{world.site}/mix").get_json()
    assert (exact["site"]["mix"]["begeleid"], exact["site"]["mix"]["withheld"],
            exact["site"]["mix"]["rounded_to"]) == (2, False, None)


def test_log_hours_through_the_api(app, api, world):
    path = f"/sites/{world.site}/hours/entries"
    response = api.post("communitycoach", path, COACH_ENTRY)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["hours"] == "1.50"
    assert count(app, HourEntry) == 1
    # a category that is not the role's, a future date: the service's rules, nothing saved
    error = assert_error(api.post("communitycoach", path, {**COACH_ENTRY,
                                                           "category": "begeleider"}),
                         422, "rule_violation")
    assert "categorie" in error["message"]
    assert_error(api.post("communitycoach", path, {**COACH_ENTRY, "work_date": "2026-07-01"}),
                 422, "rule_violation")
    error = assert_error(api.post("communitycoach", path, {"quarters": 500}), 422,
                         "invalid_input")
    assert error["fields"]["json"]["work_date"] == ["Dit veld is verplicht."]
    assert_error(api.post("bestuur", path, COACH_ENTRY), 403, "forbidden")
    assert count(app, HourEntry) == 1


def test_hour_report_sections_by_role(app, api, world):
    _log(app, world, "communitycoach", date(2026, 6, 3), quarters=8)
    path = f"/sites/{world.site}/hours/report"
    full = api.get("kerngroep", path, kind="maand", code="2026-06").get_json()
    assert full["period"] == "2026-06" and "coach" in full and "management" in full
    assert full["coach"]["total"]["actual"] == "2.00"
    coach = api.get("communitycoach", path).get_json()
    assert "coach" in coach and "management" not in coach and "organisations" not in coach
    begeleider = api.get("begeleider", path).get_json()
    assert "coach" not in begeleider
    assert {s["organisation"] for s in begeleider["care"]} <= {"Zorggroep De Linde"}


def test_hour_report_withholds_a_small_groups_norm(api, world):
    """One client per care organisation: the kerngroep gets no care norm, which would be a
    tenth of that client's indicated hours (services/hours/reports.py)."""
    path = f"/sites/{world.site}/hours/report"
    kerngroep = api.get("kerngroep", path, kind="maand", code="2026-05").get_json()
    sb = api.get("sociaal_beheerder", path, kind="maand", code="2026-05").get_json()
    assert {s["organisation"] for s in kerngroep["care"]} == set(ORG_NAMES)
    for section in kerngroep["care"]:
        for item in [*section["rows"], section["total"]]:
            assert item["norm_withheld"] and item["norm_low"] is item["norm_high"] is None
    withheld = {t["key"] for t in kerngroep["totals"] if t["norm_withheld"]}
    assert withheld == {"begeleider", "totaal"}
    assert all(not item["norm_withheld"] and item["norm_low"] is not None
               for section in sb["care"] for item in [*section["rows"], section["total"]])
    # the status of a withheld norm is withheld with it (it would bound the norm)
    assert [t["status"] if t["key"] not in withheld else "withheld"
            for t in sb["totals"]] == [t["status"] for t in kerngroep["totals"]]


def test_405_and_unknown_paths_answer_json(api, world, client):
    response = api.post("admin", f"/sites/{world.site}", {})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(client.get("/api/v2/whatever"), 404)


def test_500_answers_the_error_body(app, api, world, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry_api, "site_mix", broken)
    error = assert_error(api.get("admin", f"/sites/{world.site}/mix"), 500, "server_error")
    assert "boom" not in error["message"]


def test_429_answers_the_error_body(app, api, world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        for _ in range(2):
            assert api.get("admin", "/sites").status_code == 200
        error = assert_error(api.get("admin", "/sites"), 429, "rate_limited")
        assert "Te veel verzoeken" in error["message"]
        # counted per token: another token still gets through
        assert api.get("communitycoach", "/sites").status_code == 200
    finally:
        limiter.reset()


def test_openapi_document_and_reference_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/v1/sites/{site_id}/residents" in spec["paths"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post"):
                assert "default" in operation["responses"], (path, method)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/sites/{site_id}/residents" in html and "<script" not in html
