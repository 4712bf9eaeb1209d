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


def _reasons(app, site_id):
    from services.imo import candidates as cs
    with app.app_context():
        cs.ensure_default_reasons(db.session, site_id)
        db.session.commit()
        found = [(r.id, r.kind, r.text, r.active) for r in cs.reasons(db.session, site_id,
                                                                     active_only=False)]
        db.session.remove()
        return found


def _set_corporation(app, site_ids, name):
    from models import Organisation
    with app.app_context():
        corporation = Organisation(name=name, kind="woningcorporatie")
        db.session.add(corporation)
        db.session.flush()
        for site_id in site_ids:
            db.session.get(Site, site_id).corporation_id = corporation.id
        db.session.commit()
        db.session.remove()


def test_the_reason_list_of_one_corporation_is_out_of_reach_of_another(app, login_as, world):
    """The attack: a sociaal beheerder of another corporation's site switched a reason
    off for every site. Each corporation has its own list: the other site's sociaal
    beheerder, who also sits in this site's IMO, finds this list's entries unknown under
    their own site and cannot change them under this one."""
    _set_corporation(app, [world.site], "Woonstichting Hofje")
    _set_corporation(app, [world.other_site], "Woonstichting Overkant")
    with app.app_context():  # a role here too, but not one that manages the IMO
        accounts.grant_role(db.session, db.session.get(User, world.users["other_site"]),
                            site_id=world.site, role="bestuur", organisation_id=None,
                            actor_id=None)
        db.session.commit()
    ours = _reasons(app, world.site)
    theirs = _reasons(app, world.other_site)
    assert {r[0] for r in ours}.isdisjoint(r[0] for r in theirs)
    target = ours[0][0]
    client = login_as("other_site")
    assert client.get(f"/locaties/{world.other_site}/imo/redenen/{target}").status_code == 404
    response = client.post(f"/locaties/{world.other_site}/imo/redenen/{target}",
                           data={"text": "Uitgezet door een ander"})
    assert response.status_code == 404
    assert client.post(f"/locaties/{world.site}/imo/redenen/{target}",
                       data={"text": "Uitgezet door een ander"}).status_code == 403
    # their own list is theirs to change, and ours does not move
    own = theirs[0][0]
    assert client.post(f"/locaties/{world.other_site}/imo/redenen/{own}",
                       data={"text": "Eigen tekst"}).status_code == 302
    assert _reasons(app, world.site) == ours
    assert ("Eigen tekst", False) in {(r[2], r[3]) for r in _reasons(app, world.other_site)}


def test_sites_of_one_corporation_share_its_list(app, login_as, world):
    _set_corporation(app, [world.site, world.other_site], "Woonstichting Samen")
    ours = _reasons(app, world.site)
    assert _reasons(app, world.other_site) == ours
    client = login_as("sociaal_beheerder")
    page = text(client.get(f"/locaties/{world.site}/imo/redenen"))
    assert "De lijst is van Woonstichting Samen en geldt ook voor De Overkant." in page


def test_a_step_cannot_use_another_corporations_reason(app, world):
    import pytest
    from datetime import date
    from services.access import SiteAccess
    from services.errors import RuleViolation
    from services.imo import candidates as cs
    from models.enums import Role
    _set_corporation(app, [world.other_site], "Woonstichting Overkant")
    foreign = next(r[0] for r in _reasons(app, world.other_site) if r[1] == "teruggetrokken")
    with app.app_context():
        access = SiteAccess(world.site, frozenset({Role.SOCIAAL_BEHEERDER}))
        kim = cs.register_candidate(db.session, access, cs.CandidateData(
            name="Kim", intake_route="selectie", support_status="onbegeleid",
            registered_on=date(2026, 6, 1)), actor_id=None, today=date(2026, 6, 15))
        with pytest.raises(RuleViolation) as refused:
            cs.set_status(db.session, kim, "teruggetrokken", on=date(2026, 6, 15),
                          reason_id=foreign, actor_id=None)
        assert refused.value.field == "reason_id"
        db.session.rollback()
        db.session.remove()
