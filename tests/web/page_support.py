"""Every page of the app with its URL arguments filled in from the test data (for the
tests that walk all pages: CSP-clean HTML, hostile input on every form)."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest
from flask import url_for
from werkzeug.routing import Rule

from tests.web.governance_support import make_governance
from tests.web.imo_support import make_imo


@pytest.fixture
def page_ids(app, world) -> dict:
    """Ids for the URL arguments, by argument name (``meeting_id`` by area)."""
    imo = make_imo(app, world)
    gov = make_governance(app, world)
    return {"site_id": world.site, "resident_id": world.residents["vrij1"],
            "candidate_id": imo["dirk"], "imo_meeting_id": imo["june"], "body_id": gov["kg"],
            "gov_meeting_id": gov["june"], "user_id": world.users["bestuur"],
            "org_id": world.orgs["linde"], "unit_id": world.units["A1"],
            "action_id": gov["kg_action"], "year": 2026}


def page_urls(app, ids: dict, wanted: Callable[[Rule], bool]) -> Iterator[tuple[str, str]]:
    """(endpoint, url) of each rule ``wanted`` picks whose arguments the ids can fill."""
    for rule in app.url_map.iter_rules():
        if not wanted(rule):
            continue
        values = {}
        for arg in rule.arguments:
            key = arg
            if arg == "meeting_id":
                key = "imo_meeting_id" if rule.endpoint.startswith("imo.") else "gov_meeting_id"
            values[arg] = ids.get(key, 1)
        with app.test_request_context():
            try:
                url = url_for(rule.endpoint, **values)
            except Exception:  # noqa: BLE001 - an argument the test data does not know
                continue
        yield rule.endpoint, url
