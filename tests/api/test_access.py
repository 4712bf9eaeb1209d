"""Every API resource per role: allowed (200), forbidden (403), unknown (404) — the same
rules as the pages, from the same SiteAccess policy."""
from __future__ import annotations

import pytest

from tests.api.support import api, assert_error, tokens  # noqa: F401
from tests.conftest import ALL_ROLES
from tests.web.governance_support import make_governance
from tests.web.imo_support import make_imo

EVERY_SITE_ROLE = {"admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
                   "kerngroep", "stuurgroep"}
LIST = {"admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur"}
IMO = {"admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur"}
LOG_HOURS = {"admin", "sociaal_beheerder", "communitycoach", "begeleider"}
HOUR_REPORTS = EVERY_SITE_ROLE

# path template -> roles that get 200 (the others with no role on the site get 403)
SITE_RESOURCES = {
    "/sites/{site}": EVERY_SITE_ROLE,
    "/sites/{site}/units": LIST,
    "/sites/{site}/residents": LIST,
    "/sites/{site}/residents/{resident_vrij1}": LIST,
    "/sites/{site}/mix": EVERY_SITE_ROLE,
    "/sites/{site}/mix/history": EVERY_SITE_ROLE,
    "/sites/{site}/imo/meetings": IMO,
    "/sites/{site}/imo/meetings/{june}": IMO,
    "/sites/{site}/candidates": IMO,
    "/sites/{site}/candidates/{sam}": IMO,
    "/sites/{site}/hours/entries": LOG_HOURS,
    "/sites/{site}/hours/report": HOUR_REPORTS,
    "/sites/{site}/bodies": EVERY_SITE_ROLE,
    "/sites/{site}/signals": EVERY_SITE_ROLE,
    "/sites/{site}/rooms": EVERY_SITE_ROLE,
    "/sites/{site}/bookings": EVERY_SITE_ROLE,
    "/sites/{site}/activities": EVERY_SITE_ROLE,
}


@pytest.fixture
def ids(app, world):
    found = {"site": world.site, "other_site": world.other_site,
             **{f"resident_{k}": v for k, v in world.residents.items()},
             "other_resident": world.other_resident}
    found.update(make_imo(app, world))
    found.update({f"gov_{k}": v for k, v in make_governance(app, world).items()})
    return found


@pytest.mark.parametrize("template", list(SITE_RESOURCES))
def test_site_resources_follow_the_site_roles(api, ids, template):
    path = template.format(**ids)
    for role in ALL_ROLES:
        response = api.get(role, path)
        if role in SITE_RESOURCES[template]:
            assert response.status_code == 200, (role, path, response.get_json())
        else:
            assert_error(response, 403, "forbidden")


# body resources: (template, roles that see it)
BODY_RESOURCES = {
    "/sites/{site}/bodies/{gov_kg}/meetings": {"admin", "sociaal_beheerder", "kerngroep",
                                           "communitycoach", "bestuur", "stuurgroep"},
    "/sites/{site}/bodies/{gov_kg}/meetings/{gov_june}": {
        "admin", "sociaal_beheerder", "kerngroep", "communitycoach", "bestuur", "stuurgroep"},
    "/sites/{site}/bodies/{gov_sg}/decisions": {"admin", "sociaal_beheerder", "stuurgroep"},
    "/sites/{site}/bodies/{gov_ct}/action-items": {"admin", "sociaal_beheerder", "communitycoach",
                                               "begeleider", "bestuur"},
}


@pytest.mark.parametrize("template", list(BODY_RESOURCES))
def test_bodies_are_seen_by_their_members_and_the_managers(api, ids, template):
    path = template.format(**ids)
    for role in ALL_ROLES:
        response = api.get(role, path)
        assert response.status_code == (200 if role in BODY_RESOURCES[template] else 403), \
            (role, path)


def test_body_list_shows_only_the_bodies_one_sees(api, ids):
    kinds = {role: {b["kind"] for b in api.get(role, f"/sites/{ids['site']}/bodies").get_json()}
             for role in ("sociaal_beheerder", "stuurgroep", "begeleider")}
    assert kinds["sociaal_beheerder"] == {"stuurgroep", "kerngroep", "communityteam", "alv"}
    assert kinds["stuurgroep"] == {"stuurgroep", "kerngroep"}
    assert kinds["begeleider"] == {"communityteam"}


@pytest.mark.parametrize("template", [
    "/sites/999999", "/sites/999999/residents", "/sites/{site}/residents/{other_resident}",
    "/sites/{site}/residents/999999", "/sites/{site}/imo/meetings/{other_meeting}",
    "/sites/{site}/candidates/{olga}", "/sites/{site}/bodies/{gov_other_kg}/meetings",
    "/sites/{site}/bodies/{gov_kg}/meetings/{gov_ct_meeting}", "/sites/{site}/nothing-here",
    "/sites/2147483648", "/sites/99999999999999999999999/residents",
])
def test_unknown_or_other_sites_records_are_404(api, ids, template):
    assert_error(api.get("admin", template.format(**ids)), 404, "not_found")


def test_sites_lists_only_ones_own_sites(api, ids):
    def names(role):
        return [s["name"] for s in api.get(role, "/sites").get_json()["items"]]

    assert names("admin") == ["De Overkant", "Het Hofje"]
    assert names("communitycoach") == ["Het Hofje"]
    assert names("other_site") == ["De Overkant"]
    assert names("none") == []
