"""Every page of the app with its URL arguments filled in from the test data (for the
tests that walk all pages: CSP-clean HTML, hostile input on every form)."""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterator

import pytest
from flask import url_for
from werkzeug.routing import Rule

from tests.association_fixtures import make_web_association
from tests.rooms_fixtures import rooms_world
from tests.web.governance_support import make_governance
from tests.web.imo_support import make_imo

#: an argument whose name means something else per area: (endpoint prefix, name) -> key
AREA_ARGS = {("imo.", "meeting_id"): "imo_meeting_id",
             ("governance.", "meeting_id"): "gov_meeting_id",
             ("governance.", "member_id"): "body_member_id",
             ("association.", "member_id"): "assoc_member_id",
             ("association.", "entry_id"): "cash_entry_id",
             ("hours.", "entry_id"): "hour_entry_id"}


def _hours_and_signal(app, world) -> int:
    """One open hour entry of the coach (the hours pages' edit and correct forms) and an
    open signal (the signals page's forms); returns the entry's id."""
    from models import Signal, Site, db
    from tests.hours_fixtures import log

    with app.app_context():
        try:
            entry = log(db.session, db.session.get(Site, world.site), "communitycoach",
                        date(2026, 6, 2), 8, "communitycoach")
            db.session.add(Signal(rule="mix", site_id=world.site, subject="site", period="-",
                                  severity="warning", title="Mix", explanation="uitleg"))
            db.session.commit()
            return entry.id
        finally:
            db.session.remove()


@pytest.fixture
def page_ids(app, world) -> dict:
    """Ids for the URL arguments, by argument name (or by the key of :data:`AREA_ARGS`):
    the IMO, governance, room-agenda, association and hours test data on one world."""
    imo = make_imo(app, world)
    gov = make_governance(app, world)
    rooms = rooms_world(app, world)
    assoc = make_web_association(app, world)
    return {"site_id": world.site, "resident_id": world.residents["vrij1"],
            "candidate_id": imo["dirk"], "imo_meeting_id": imo["june"], "body_id": gov["kg"],
            "gov_meeting_id": gov["june"], "user_id": world.users["bestuur"],
            "org_id": world.orgs["linde"], "unit_id": world.units["A1"],
            "action_id": gov["kg_action"], "year": 2026, "body_member_id": gov["kg_member"],
            "item_id": gov["carried"], "reason_id": imo["reason"], "task_id": imo["task"],
            "room_id": rooms.room, "booking_id": rooms.coffee, "request_id": rooms.request,
            "block_id": rooms.block, "key_id": rooms.key,
            "assoc_member_id": assoc["member_linde"], "cash_entry_id": assoc["entry"],
            "import_id": assoc["bank_import"], "line_id": assoc["line_fund"],
            "office_id": assoc["office_voorzitter"], "commission_id": assoc["commission"],
            "row_id": assoc["commission_row"], "scheme_id": assoc["scheme_2026"],
            "grant_id": assoc["grant"], "payment_id": assoc["payment"], "due_id": assoc["due"],
            "hour_entry_id": _hours_and_signal(app, world),
            # pages besides the ones above (another booking, meeting or line of the data)
            "extra": [f"/locaties/{world.site}/ruimte/boekingen/{rooms.past}",
                      f"/locaties/{world.site}/overleg/{gov['ct']}/vergaderingen/"
                      f"{gov['ct_meeting']}",
                      f"/locaties/{world.site}/overleg/{gov['alv']}/vergaderingen/"
                      f"{gov['alv_meeting']}/alv",
                      f"/locaties/{world.site}/vereniging/bank/regels/{assoc['line_anker']}",
                      f"/locaties/{world.site}/vereniging/bank/regels/{assoc['line_shop']}",
                      f"/locaties/{world.site}/vereniging/leden/{assoc['member_vrij2']}"]}


def page_urls(app, ids: dict, wanted: Callable[[Rule], bool]) -> Iterator[tuple[str, str]]:
    """(endpoint, url) of each rule ``wanted`` picks whose arguments the ids can fill."""
    for rule in app.url_map.iter_rules():
        if not wanted(rule):
            continue
        values = {}
        for arg in rule.arguments:
            key = next((k for (prefix, name), k in AREA_ARGS.items()
                        if name == arg and rule.endpoint.startswith(prefix)), arg)
            values[arg] = ids.get(key, 1)
        with app.test_request_context():
            try:
                url = url_for(rule.endpoint, **values)
            except Exception:  # noqa: BLE001 - an argument the test data does not know
                continue
        yield rule.endpoint, url
