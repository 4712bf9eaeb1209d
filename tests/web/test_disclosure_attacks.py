"""Care status by inference, played as the attacker would (an aggregate-only role: the
bestuur, which also sees the resident list and the welcome handover, so it knows who
lives where and who moved in when).

1. Small cells: a part with one resident shows no count, share or status anywhere: the
   dashboard, the API, the mix signals (and so the weekly digest, which mails them).
2. Differencing: read the mix before and after a named newcomer moves in, also on the
   following first-of-the-months. Two sites are built identically except for the
   newcomer's status; everything the bestuur reads must be the same on both, so the
   figures give no answer at all. The sociaal beheerder's exact figures do differ (the
   control that shows the test can see a difference).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import OrgKind, Signal, SupportStatus, Unit, db, utcnow
from services import accounts, api_tokens
from services.monitoring.sweep import sweep
from services.registry import residents as resident_service
from services.registry import sites as site_service
from services.registry.disclosure import DisclosureRules, rounded, withheld_cells
from services.registry.residents import PersonalData, SupportData
from tests.conftest import PASSWORD
from tests.web.support import fresh_rate_limits, main_of  # noqa: F401

MOVE_IN = date(2025, 1, 6)
NEWCOMER = date(2026, 6, 10)


def _site(session, name: str, corp, care, blok_a: int, begeleid: int, small: bool) -> object:
    """A site with Blok A (``blok_a`` residents, ``begeleid`` of them begeleid), Blok B
    (12 onbegeleid) and, when ``small``, a part "Klein" with one begeleid resident."""
    site = site_service.save_site(session, None, site_service.SiteData(
        name, "Rijnstad", date(2024, 9, 1), corp.id), actor_id=None)
    parts = {p: site_service.add_part(session, site, p, actor_id=None)
             for p in ("Blok A", "Blok B", *(["Klein"] if small else []))}
    plan = [("Blok A", n, n < begeleid) for n in range(blok_a + 2)] + \
           [("Blok B", n, False) for n in range(12)] + \
           ([("Klein", 0, True)] if small else [])
    for index, (part, n, is_begeleid) in enumerate(plan):
        unit = site_service.save_unit(session, site, None, site_service.UnitData(
            f"{part[-1]}{n}", "studio", parts[part].id), actor_id=None)
        if part == "Blok A" and n >= blok_a:
            continue  # two vacant units in Blok A
        support = SupportData(SupportStatus.BEGELEID, care.id, Decimal(4)) if is_begeleid \
            else SupportData(SupportStatus.ONBEGELEID)
        resident_service.add_resident(
            session, site_id=site.id, unit_id=unit.id, move_in=MOVE_IN,
            person=PersonalData(name=f"Bewoner {index}"), support=support, actor_id=None,
            today=date(2026, 6, 15))
    return site


@pytest.fixture
def twins(app):
    """Two identical sites; the bestuur and the sociaal beheerder of both, with tokens."""
    with app.app_context():
        session = db.session
        corp = site_service.save_organisation(session, None, name="Woonstichting",
                                              kind=OrgKind.WONINGCORPORATIE, active=True,
                                              actor_id=None)
        care = site_service.save_organisation(session, None, name="Zorg", active=True,
                                              kind=OrgKind.ZORGAANBIEDER, actor_id=None)
        sites = [_site(session, name, corp, care, 20, 7, small=True)
                 for name in ("Tweeling", "Tweeling B")]
        people = {}
        for role in ("bestuur", "sociaal_beheerder"):
            user = accounts.save_user(session, None, email=f"{role}@tweeling.example",
                                      name=role, password=PASSWORD, is_admin=False,
                                      active=True, actor_id=None)
            for site in sites:
                accounts.grant_role(session, user, site_id=site.id, role=role,
                                    organisation_id=None, actor_id=None)
            people[role] = api_tokens.create_token(session, user, "t", now=utcnow()).secret
        ids = dict(sites=[s.id for s in sites], care=care.id, people=people,
                   blok_a=[next(p.id for p in s.parts if p.name == "Blok A") for s in sites])
        session.commit()
        session.remove()
    return ids


def _read(client, token: str, site_id: int) -> dict:
    """What a role reads of the mix: the API's mix and history, and the dashboard's
    figures (without the site's name and ids, which differ between the twins)."""
    headers = {"Authorization": f"Bearer {token}"}
    mix = client.get(f"/api/v1/sites/{site_id}/mix", headers=headers).get_json()
    history = client.get(f"/api/v1/sites/{site_id}/mix/history",
                         headers=headers).get_json()
    for cell in [mix["site"], *mix["parts"]]:
        cell.pop("part_id")
        cell.pop("name")
    return {"mix": mix, "history": history}


def _dashboard(client, site_id: int) -> str:
    page = main_of(client.get(f"/locaties/{site_id}").get_data(as_text=True))
    page = re.sub(r"Tweeling( B)?", "SITE", page)
    page = re.sub(r'name="csrf_token" value="[^"]+"', "", page)
    return re.sub(r"/locaties/\d+", "/locaties/N", page)


def _place(app, site_id: int, status: str, care_id: int, on: date):
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.site_id == site_id,
                                                       Unit.number == "A20"))
        support = SupportData(status, care_id if status == SupportStatus.BEGELEID else None,
                              Decimal(4) if status == SupportStatus.BEGELEID else None)
        resident_service.add_resident(db.session, site_id=site_id, unit_id=unit.id,
                                      move_in=on, person=PersonalData(name="Nina Nieuw"),
                                      support=support, actor_id=None, today=on)
        db.session.commit()
        db.session.remove()


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code \
        == 302
    return client


def test_a_single_move_in_gives_no_answer(app, twins, monkeypatch):
    begeleid_site, onbegeleid_site = twins["sites"]
    client = app.test_client()
    bestuur = twins["people"]["bestuur"]
    before = [_read(client, bestuur, s) for s in twins["sites"]]
    assert before[0] == before[1]
    _place(app, begeleid_site, SupportStatus.BEGELEID, twins["care"], NEWCOMER)
    _place(app, onbegeleid_site, SupportStatus.ONBEGELEID, twins["care"], NEWCOMER)
    dashboards = _login(app, "bestuur@tweeling.example")
    for today in (date(2026, 6, 15), date(2026, 7, 1), date(2026, 8, 3), date(2027, 1, 4)):
        monkeypatch.setitem(app.config, "TODAY", today)
        seen = [_read(client, bestuur, s) for s in twins["sites"]]
        assert seen[0] == seen[1], today
        assert _dashboard(dashboards, begeleid_site) == _dashboard(dashboards,
                                                                   onbegeleid_site), today
        blok_a = next(p["mix"] for p in seen[0]["mix"]["parts"] if p["mix"]["total"] >= 10)
        assert blok_a["begeleid"] is not None  # a shown cell, not merely everything hidden
        # the sociaal beheerder's exact figures do tell the two sites apart
        exact = [_read(client, twins["people"]["sociaal_beheerder"], s)
                 for s in twins["sites"]]
        assert exact[0]["mix"] != exact[1]["mix"], today


def test_a_small_part_shows_nothing_and_raises_no_revealing_signal(app, twins):
    site_id = twins["sites"][0]
    client = app.test_client()
    seen = _read(client, twins["people"]["bestuur"], site_id)
    klein = [p["mix"] for p in seen["mix"]["parts"] if p["mix"]["total"] == 1]
    assert klein and klein[0]["begeleid"] is None and klein[0]["withheld"]
    assert klein[0]["percentage"] is None and klein[0]["status"] == "empty"
    # secondary suppression: with Klein hidden, the next smallest part is hidden too, so
    # the site minus the shown parts does not give Klein's count
    hidden = [p for p in seen["mix"]["parts"] if p["mix"]["withheld"]]
    assert len(hidden) == 2 and not seen["mix"]["site"]["mix"]["withheld"]
    page = _dashboard(_login(app, "bestuur@tweeling.example"), site_id)
    assert "Klein" in page and "1 begeleid" not in page
    with app.app_context():
        sweep(db.session, date(2026, 6, 15), utcnow())
        texts = [f"{s.title} {s.explanation}" for s in db.session.scalars(
            sa.select(Signal).where(Signal.site_id == site_id, Signal.rule == "mix"))]
        db.session.rollback()
    assert not [t for t in texts if "Klein" in t], texts


@pytest.mark.parametrize("begeleid, total, base, shown", [
    (0, 12, 5, 0), (2, 12, 5, 0), (3, 12, 5, 5), (7, 23, 5, 5), (8, 23, 5, 10),
    (23, 23, 5, 20), (14, 14, 5, 10), (6, 20, 1, 6)])
def test_rounding(begeleid, total, base, shown):
    assert rounded(begeleid, total, base) == shown


@pytest.mark.parametrize("totals, hidden", [
    ({"a": 20, "b": 12, "site": 32}, set()),
    ({"a": 20, "b": 12, "c": 1, "site": 33}, {"c", "b"}),
    ({"a": 20, "b": 3, "c": 1, "site": 24}, {"b", "c"}),
    ({"a": 8, "site": 8}, {"a", "site"}),
    ({"a": 25, "b": 2, "site": 27}, {"a", "b"}),
    ({"a": 20, "b": None, "site": 20}, {"a", "b"}),
])
def test_minimum_cell_and_secondary_suppression(totals, hidden):
    assert withheld_cells(totals, "site", 10) == hidden


def test_a_publication_needs_three_changes():
    from services.registry.disclosure import month_starts, publications
    months = month_starts(date(2026, 1, 1), date(2026, 6, 1))
    events = [date(2026, 1, 1)] * 3 + [date(2026, 2, 10), date(2026, 3, 5),
                                       date(2026, 4, 20)]
    state = {m: (m.month, 10) for m in months}
    series = publications(months, events, lambda day: state[day], 3)
    assert [series[m].on for m in months] == [date(2026, 1, 1)] * 4 + [date(2026, 5, 1)] * 2
    assert DisclosureRules() == DisclosureRules(10, 5, 3)
