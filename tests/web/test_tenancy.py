"""Tenancy boundaries, replayed as an attacker with roles on two sites would try them:

- a body (overleg) may only gain or lose sites on which the person manages bodies, so a
  sociaal beheerder of one site cannot seat another site's people or receive its
  escalations by posting that site's id;
- hours for a care organisation count towards its 10% on the site: only its own
  begeleiders may log them, and only while it has clients there.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from models import Body, HourEntry, Site, User, db
from services import accounts
from tests.api.support import api, tokens  # noqa: F401
from tests.web.support import field_error, fresh_rate_limits, text  # noqa: F401


def _bodies(app) -> list[tuple[str, list[int]]]:
    with app.app_context():
        return [(b.name, sorted(s.id for s in b.sites))
                for b in db.session.scalars(sa.select(Body)).all()]


def test_a_body_cannot_take_in_a_site_one_does_not_manage(app, login_as, world):
    with app.app_context():  # the other site's sociaal beheerder also sits in our kerngroep
        user = db.session.get(User, world.users["other_site"])
        accounts.grant_role(db.session, user, site_id=world.site, role="kerngroep",
                            organisation_id=None, actor_id=None)
        db.session.commit()
    client = login_as("other_site")
    form = text(client.get(f"/locaties/{world.other_site}/overleg/nieuw"))
    assert "De Overkant" in form and "Het Hofje" not in form  # not offered
    before = _bodies(app)
    response = client.post(f"/locaties/{world.other_site}/overleg/nieuw",
                           data={"kind": "kerngroep", "name": "Kerngroep samen", "code": "KS",
                                 "site_ids": [world.site, world.other_site]})
    assert response.status_code == 422
    assert _bodies(app) == before
    # its own site alone is fine
    ok = client.post(f"/locaties/{world.other_site}/overleg/nieuw",
                     data={"kind": "kerngroep", "name": "Kerngroep Overkant", "code": "KO",
                           "site_ids": [world.other_site]})
    assert ok.status_code == 302
    assert ("Kerngroep Overkant", [world.other_site]) in _bodies(app)


def test_the_service_refuses_a_site_outside_the_managed_ones(app, world):
    from services.errors import RuleViolation
    from services.governance import bodies
    import pytest
    from datetime import date
    with app.app_context():
        data = bodies.BodyData("kerngroep", "Samen", "KS", [world.site, world.other_site],
                               manageable_site_ids=frozenset({world.other_site}))
        with pytest.raises(RuleViolation) as refused:
            bodies.create_body(db.session, data, today=date(2026, 6, 15), actor_id=None)
        assert refused.value.field == "site_ids"
        db.session.rollback()
        # editing a body that spans a site one does not manage keeps that site
        both = bodies.create_body(db.session, bodies.BodyData(
            "kerngroep", "Beide", "KB", [world.site, world.other_site]),
            today=date(2026, 6, 15), actor_id=None)
        renamed = bodies.update_body(db.session, both, bodies.BodyData(
            "kerngroep", "Beide locaties", "KB", [world.site, world.other_site],
            manageable_site_ids=frozenset({world.other_site})),
            today=date(2026, 6, 15), actor_id=None)
        assert renamed.name == "Beide locaties"
        with pytest.raises(RuleViolation):
            bodies.update_body(db.session, both, bodies.BodyData(
                "kerngroep", "Beide locaties", "KB", [world.other_site],
                manageable_site_ids=frozenset({world.other_site})),
                today=date(2026, 6, 15), actor_id=None)
        db.session.rollback()


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(HourEntry))


def _log(api, world, role, category, organisation_id, on="2026-06-10"):
    return api.post(role, f"/sites/{world.site}/hours/entries",
                    {"work_date": on, "quarters": 4, "category": category,
                     "activity_type": "activiteit", "organisation_id": organisation_id})


def test_hours_for_a_care_organisation_one_does_not_belong_to_are_refused(app, api, world):
    before = _entries(app)
    other_care = _log(api, world, "begeleider", "begeleider", world.orgs["anker"])
    assert other_care.status_code == 422
    assert "organisation_id" in json.dumps(other_care.get_json())
    as_coach = _log(api, world, "communitycoach", "communitycoach", world.orgs["linde"])
    assert as_coach.status_code == 422
    assert _entries(app) == before
    own = _log(api, world, "begeleider", "begeleider", world.orgs["linde"])
    assert own.status_code == 201, own.get_json()
    coach_with_corporation = _log(api, world, "communitycoach", "communitycoach",
                                  world.orgs["corp"])
    assert coach_with_corporation.status_code == 201


def test_hours_for_a_care_organisation_without_clients_on_the_site_are_refused(app, api,
                                                                               world):
    before = _entries(app)
    # the residents moved in on 1 March 2024: in February the site had no clients of it
    early = _log(api, world, "begeleider", "begeleider", world.orgs["linde"], on="2024-02-12")
    assert early.status_code == 422
    assert "geen cliënten" in json.dumps(early.get_json(), ensure_ascii=False)
    assert _entries(app) == before


def test_the_hour_form_offers_only_ones_own_care_organisation(login_as, world):
    page = text(login_as("begeleider").get(f"/locaties/{world.site}/uren/nieuw"))
    assert "Zorggroep De Linde" in page and "Stichting Het Anker" not in page
    coach_page = text(login_as("communitycoach").get(f"/locaties/{world.site}/uren/nieuw"))
    assert "Stichting Het Anker" not in coach_page and "Zorggroep De Linde" not in coach_page
    assert "Woonstichting Test" in coach_page
    assert Site  # the world's sites are the ones named above
