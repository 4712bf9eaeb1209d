"""Who may open which governance page and send which governance form: every route ×
every role (and anonymous visitors), on the data of tests/web/governance_support.py.

The policy (services/access.py, "governance" section; deny by default):

* the list of bodies with their cadence, the work plan and "Mijn actiepunten": every role
  on the site (Mijn actiepunten: every account);
* a body's page, meetings, minutes, print view, PDF and .ics: its members (seats) and the
  managers (sociaal_beheerder, admins); stuurgroep members also read the kerngroep's;
* planning meetings, attendance, minutes, decisions, action items, escalations, outcomes,
  locking and addenda: the managers and the body's chair or secretary (here: the bestuur
  account is the kerngroep's secretary);
* creating and changing bodies and seats, the ALV settings, the work plan and the
  agreements: the managers; an action of the work plan's progress: also its owner;
* an action item: its owner and those who see its body; updating it: its owner and those
  who run its body;
* the agreements: sociaal_beheerder, kerngroep, stuurgroep, admins;
* a body, meeting, agenda item or action of another site or body under this URL: 404;
  anonymous visitors are sent to /login.

A refused POST leaves the database exactly as it was; every allowed role gets past the
access checks (a redirect after saving, or 422 when an earlier allowed role already did
the one-off thing), and the first one's POST takes effect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import (Notification, ActionItem, AgreementParty, AlvAttendance, AlvSettings, Body, BodyDecision,
                    BodyMember, CollaborationAgreement, Escalation, Invitation, Meeting,
                    MeetingAddendum, MeetingItem, Membership, Motion, WorkPlan, WorkPlanAction,
                    WorkPlanGoal, db)
from tests.conftest import ALL_ROLES
from tests.web.governance_support import make_governance
from tests.web.support import (db_snapshot, fresh_rate_limits,  # noqa: F401 (autouse)
                               is_login_redirect, query, redirect_path, text, url_ids)

ANONYMOUS = "anonymous"
COLUMNS = [*ALL_ROLES, ANONYMOUS]
OK, NO, NF = 200, 403, 404


@dataclass(frozen=True)
class Go:
    path: str

    def __repr__(self) -> str:
        return f"302->{self.path}"


LOGIN = Go("/login")
UNKNOWN = 999999

ON_SITE = {"admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
           "kerngroep", "stuurgroep"}
ACCOUNTS = set(ALL_ROLES)
MANAGE = {"admin", "sociaal_beheerder"}
KG_SEES = MANAGE | {"communitycoach", "bestuur", "kerngroep", "stuurgroep"}
KG_RUNS = MANAGE | {"bestuur"}
SG_SEES = MANAGE | {"stuurgroep"}
CT_SEES = MANAGE | {"communitycoach", "begeleider", "bestuur"}
ALV_SEES = MANAGE | {"bestuur"}
AGREEMENTS = MANAGE | {"kerngroep", "stuurgroep"}


def expect(allowed: set, yes=OK, no=NO) -> tuple:
    """One answer per column: ``yes`` for the allowed roles, ``no`` for the others with an
    account, /login for anonymous visitors."""
    return tuple(LOGIN if role == ANONYMOUS else yes if role in allowed else no
                 for role in COLUMNS)


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    expected: tuple


S = "/locaties/{site}"
O = S + "/overleg"
KG = O + "/{kg}"
JUNE = KG + "/vergaderingen/{june}"
MAY = KG + "/vergaderingen/{may}"
ALV = O + "/{alv}/vergaderingen/{alv_meeting}"

PAGES = [
    Page("bodies", O + "/", expect(ON_SITE)),
    Page("bodies of other site", "/locaties/{other_site}/overleg/",
         expect({"admin", "other_site"})),
    Page("bodies of unknown site", f"/locaties/{UNKNOWN}/overleg/", expect(ACCOUNTS, NF, NF)),
    Page("new body form", O + "/nieuw", expect(MANAGE)),
    Page("kerngroep", KG, expect(KG_SEES)),
    Page("kerngroep decision search", KG + "?q=werkplan", expect(KG_SEES)),
    Page("stuurgroep", O + "/{sg}", expect(SG_SEES)),
    Page("communityteam", O + "/{ct}", expect(CT_SEES)),
    Page("alv body", O + "/{alv}", expect(ALV_SEES)),
    Page("edit kerngroep", KG + "/bewerken", expect(MANAGE)),
    Page("other site's body under this site", O + "/{other_kg}", expect(ON_SITE, NF)),
    Page("unknown body", O + f"/{UNKNOWN}", expect(ON_SITE, NF)),
    Page("other site's body on its site", "/locaties/{other_site}/overleg/{other_kg}",
         expect({"admin", "other_site"})),
    Page("new kerngroep meeting", KG + "/vergaderingen/nieuw", expect(KG_RUNS)),
    Page("new stuurgroep meeting", O + "/{sg}/vergaderingen/nieuw", expect(MANAGE)),
    Page("kerngroep meeting", JUNE, expect(KG_SEES)),
    Page("kerngroep locked meeting", MAY, expect(KG_SEES)),
    Page("edit kerngroep meeting", JUNE + "/bewerken", expect(KG_RUNS)),
    Page("kerngroep print view", JUNE + "/afdruk", expect(KG_SEES)),
    Page("kerngroep PDF", JUNE + "/pdf", expect(KG_SEES)),
    Page("kerngroep ics", JUNE + "/uitnodiging.ics", expect(KG_SEES)),
    Page("communityteam meeting", O + "/{ct}/vergaderingen/{ct_meeting}", expect(CT_SEES)),
    Page("stuurgroep meeting", O + "/{sg}/vergaderingen/{sg_meeting}", expect(SG_SEES)),
    Page("stuurgroep meeting under kerngroep", KG + "/vergaderingen/{sg_meeting}",
         expect(KG_SEES, NF)),
    Page("unknown meeting", KG + f"/vergaderingen/{UNKNOWN}", expect(KG_SEES, NF)),
    Page("alv meeting", ALV, expect(ALV_SEES)),
    Page("alv page", ALV + "/alv", expect(ALV_SEES)),
    Page("alv page of a kerngroep meeting", JUNE + "/alv", expect(KG_SEES, NF)),
    Page("alv settings", O + "/{alv}/alv-instellingen", expect(MANAGE)),
    Page("alv settings of the kerngroep", KG + "/alv-instellingen", expect(MANAGE, NF)),
    Page("work plan now", S + "/werkplan/", expect(ON_SITE, Go(S + "/werkplan/2026"))),
    Page("work plan 2026", S + "/werkplan/2026", expect(ON_SITE)),
    Page("work plan 2025 (none yet)", S + "/werkplan/2025", expect(ON_SITE)),
    Page("work plan of an impossible year", S + "/werkplan/1999", expect(ON_SITE, NF)),
    Page("agreements", S + "/afspraken/", expect(AGREEMENTS)),
    Page("new agreement form", S + "/afspraken/nieuw", expect(MANAGE)),
    Page("my action items", "/actiepunten", expect(ACCOUNTS)),
    Page("my action items, all", "/actiepunten?alle=1", expect(ACCOUNTS)),
    Page("kerngroep action item", "/actiepunten/{kg_action}", expect(KG_SEES)),
    Page("communityteam action item", "/actiepunten/{ct_action}", expect(CT_SEES)),
    Page("unknown action item", f"/actiepunten/{UNKNOWN}", expect(ACCOUNTS, NF, NF)),
]


@pytest.fixture
def ids(app, world):
    return {**url_ids(app, world), **make_governance(app, world)}


def _check(response, expected, ids) -> str | None:
    if isinstance(expected, Go):
        if response.status_code != 302:
            return f"expected {expected!r}, got {response.status_code}"
        path = redirect_path(response)
        return None if path == expected.path.format(**ids) else \
            f"expected {expected!r}, got 302->{path}"
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    body = text(response) if response.mimetype == "text/html" else ""
    if expected == NO and "U hebt geen toegang tot deze pagina." not in body:
        return "403 without the Dutch 'no access' message"
    if expected == NF and "Deze pagina bestaat niet (meer)." not in body:
        return "404 without the Dutch 'not found' message"
    return None


def _log_in(role, auth, login_as):
    if role == ANONYMOUS:
        auth.logout()
    else:
        login_as(role)


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_pages(page: Page, ids, client, auth, login_as):
    url = page.url.format(**ids)
    problems = []
    for role, expected in zip(COLUMNS, page.expected):
        _log_in(role, auth, login_as)
        problem = _check(client.get(url), expected, ids)
        if problem:
            problems.append(f"{role}: {problem}")
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


def count(model, *where):
    return lambda s, ids: s.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def column(model, key, name):
    return lambda s, ids: getattr(s.get(model, ids[key]), name)


@dataclass(frozen=True)
class Post:
    id: str
    url: str
    allowed: set
    data: dict
    probe: Callable[[Any, dict], Any]
    not_found_for: set = field(default_factory=set)   # refused roles that get 404, not 403
    prepare: Callable[[Any, dict], None] | None = None


def _first_invitation(s, ids):
    return s.scalar(sa.select(Invitation.id).where(Invitation.meeting_id == ids["june"])
                    .order_by(Invitation.id))


def _revoke_coach_role(s, ids):
    s.execute(sa.delete(Membership).where(Membership.user_id == ids["user_communitycoach"]))


POSTS = [
    Post("new body", O + "/nieuw", MANAGE,
         {"kind": "communityteam", "name": "Tweede team", "site_ids": "{site}"}, count(Body)),
    Post("edit body", KG + "/bewerken", MANAGE,
         {"name": "Kerngroep Hernoemd", "site_ids": "{site}"}, column(Body, "kg", "name")),
    Post("add seat", KG + "/leden", MANAGE,
         {"person_name": "Externe Adviseur", "role_in_body": "adviseur",
          "starts_on": "2026-06-15"}, count(BodyMember)),
    Post("end seat", KG + "/leden/{kg_member}/beeindigen", MANAGE, {"ends_on": "2026-06-15"},
         column(BodyMember, "kg_member", "ends_on")),
    Post("sync seats", KG + "/leden/bijwerken", MANAGE, {},
         lambda s, ids: s.scalar(sa.select(sa.func.count()).select_from(BodyMember).where(
             BodyMember.ends_on.is_not(None))), prepare=_revoke_coach_role),
    Post("alv settings", O + "/{alv}/alv-instellingen", MANAGE,
         {"quorum_percent": "40", "max_proxies": "2", "meetings_per_year": "2"},
         lambda s, ids: s.scalar(sa.select(AlvSettings.quorum_percent))),
    Post("new meeting", KG + "/vergaderingen/nieuw", KG_RUNS,
         {"starts_on": "2026-09-01", "starts_time": "19:30", "duration_minutes": "120",
          "place": "Huiskamer"}, count(Meeting)),
    Post("edit meeting", JUNE + "/bewerken", KG_RUNS,
         {"starts_on": "2026-06-17", "starts_time": "20:00", "duration_minutes": "90",
          "place": "Elders", "status": "gepland"}, column(Meeting, "june", "place")),
    Post("attendance", JUNE + "/aanwezigheid", KG_RUNS, {"presence-{invitation}": "aanwezig"},
         lambda s, ids: s.get(Invitation, _first_invitation(s, ids)).presence),
    Post("minutes", JUNE + "/verslag", KG_RUNS,
         {"item-{carried}": "Besproken.", "handled-{carried}": "1"},
         column(MeetingItem, "carried", "minutes")),
    Post("add agenda item", JUNE + "/punt", KG_RUNS, {"punt-title": "Rondvraag"},
         count(MeetingItem)),
    Post("decision", JUNE + "/besluit", KG_RUNS, {"besluit-text": "Budget voor de lunch"},
         count(BodyDecision)),
    Post("action item", JUNE + "/actiepunt", KG_RUNS,
         {"actie-text": "Offerte", "actie-owner_id": "{user_kerngroep}",
          "actie-due_on": "2026-07-01"},
         count(ActionItem)),
    Post("escalate", JUNE + "/punten/{carried}/escaleren", KG_RUNS,
         {"e{carried}-reason": "Overstijgt de kerngroep"}, count(Escalation)),
    Post("outcome", JUNE + "/punten/{incoming}/uitkomst", KG_RUNS,
         {"o{incoming}-outcome": "Afspraken gemaakt"},
         lambda s, ids: s.scalar(sa.select(sa.func.count()).select_from(Escalation).where(
             Escalation.outcome.is_not(None)))),
    Post("minutes ready", O + "/{ct}/vergaderingen/{ct_meeting}/verslag-rondsturen", MANAGE,
         {}, count(Notification)),
    Post("lock", O + "/{ct}/vergaderingen/{ct_meeting}/vaststellen", MANAGE, {},
         column(Meeting, "ct_meeting", "locked_at")),
    Post("addendum", MAY + "/addendum", KG_RUNS, {"addendum-text": "Naam gecorrigeerd."},
         count(MeetingAddendum)),
    Post("alv attendance", ALV + "/alv/aanwezigheid", MANAGE,
         {"presence-{household}": "aanwezig"}, column(AlvAttendance, "household", "presence")),
    Post("alv motion", ALV + "/alv/voorstellen", MANAGE, {"title": "Nieuw voorstel"},
         count(Motion)),
    Post("alv vote", ALV + "/alv/voorstellen/{motion}/stemming", MANAGE,
         {"v{motion}-votes_for": "0", "v{motion}-votes_against": "0",
          "v{motion}-abstentions": "0"}, column(Motion, "motion", "adopted")),
    Post("alv vote in a kerngroep meeting", JUNE + "/alv/voorstellen/{motion}/stemming",
         set(), {}, count(Motion), not_found_for=KG_RUNS),
    Post("work plan", S + "/werkplan/2027", MANAGE, {}, count(WorkPlan)),
    Post("work plan goal", S + "/werkplan/2026/doelen", MANAGE,
         {"ingredient": "financiering", "text": "Fondsen aanschrijven"}, count(WorkPlanGoal)),
    Post("work plan action", S + "/werkplan/2026/doelen/{plan_goal}/acties", MANAGE,
         {"g{plan_goal}-text": "Tafels kopen", "g{plan_goal}-owner_id": "{user_bestuur}",
          "g{plan_goal}-due_on": "2026-10-01"}, count(WorkPlanAction)),
    Post("work plan progress", S + "/werkplan/2026/acties/{plan_action}/voortgang",
         MANAGE | {"communitycoach"}, {"p{plan_action}-progress": "loopt"},
         column(WorkPlanAction, "plan_action", "progress")),
    Post("new agreement", S + "/afspraken/nieuw", MANAGE,
         {"body_id": "{sg}", "kind": "bestuurlijk_akkoord", "title": "Akkoord",
          "starts_on": "2026-01-01", "ends_on": "2032-01-01"}, count(CollaborationAgreement)),
    Post("agreement party", S + "/afspraken/{agreement}/partijen", MANAGE,
         {"a{agreement}-organisation_id": "{org_linde}", "a{agreement}-money_per_year": "5000"},
         count(AgreementParty)),
    Post("action item status", "/actiepunten/{kg_action}", KG_RUNS | {"kerngroep"},
         {"status": "gedaan", "on": "2026-06-15"}, column(ActionItem, "kg_action", "status")),
    Post("add item to another site's meeting under this site",
         O + "/{other_kg}/vergaderingen/{other_meeting}/punt", set(), {"punt-title": "X"},
         count(MeetingItem), not_found_for=ON_SITE),
]


def _fill(value: str, ids: dict) -> str:
    return value.format(**ids)


@pytest.mark.parametrize("case", POSTS, ids=[p.id for p in POSTS])
def test_posts(case: Post, app, ids, client, auth, login_as):
    ids = {**ids, "invitation": query(app, lambda s: _first_invitation(s, ids))}
    if case.prepare:
        def prepare(session):
            case.prepare(session, ids)
            session.commit()
        query(app, prepare)
    url = case.url.format(**ids)
    data = {_fill(k, ids): _fill(v, ids) for k, v in case.data.items()}
    initial = query(app, lambda s: case.probe(s, ids))
    problems = []
    refused = [r for r in COLUMNS if r not in case.allowed]
    for role in refused:
        _log_in(role, auth, login_as)
        before = db_snapshot(app)
        response = client.post(url, data=data)
        if role == ANONYMOUS:
            if not is_login_redirect(response):
                problems.append(f"{role}: expected /login, got {response.status_code}")
        elif response.status_code != (NF if role in case.not_found_for else NO):
            problems.append(f"{role}: expected {NF if role in case.not_found_for else NO}, "
                            f"got {response.status_code}")
        if db_snapshot(app) != before:
            problems.append(f"{role}: the database changed although the request was refused")
    assert query(app, lambda s: case.probe(s, ids)) == initial
    for index, role in enumerate(r for r in COLUMNS if r in case.allowed):
        _log_in(role, auth, login_as)
        response = client.post(url, data=data)
        wanted = (302,) if index == 0 else (302, 422)
        if response.status_code not in wanted:
            problems.append(f"{role}: expected {wanted}, got {response.status_code}: "
                            f"{text(response)[:500] if response.status_code != 302 else ''}")
    if case.allowed:
        assert query(app, lambda s: case.probe(s, ids)) != initial, "the POST changed nothing"
    assert not problems, f"POST {url}:\n" + "\n".join(problems)


def test_kerngroep_minutes_are_read_by_the_stuurgroep_not_the_other_way(
        app, ids, client, login_as):
    client = login_as("sociaal_beheerder")
    client.post(JUNE.format(**ids) + "/verslag",
                data={f"item-{ids['carried']}": "Huisregels besproken met de bewoners."})
    client = login_as("stuurgroep")
    page = text(client.get(JUNE.format(**ids)))
    assert "Huisregels besproken met de bewoners." in page
    assert "Verslag opslaan" not in page          # reading, not writing
    assert client.post(JUNE.format(**ids) + "/punt",
                       data={"punt-title": "X"}).status_code == 403
    client = login_as("kerngroep")
    assert client.get((O + "/{sg}/vergaderingen/{sg_meeting}").format(**ids)).status_code == 403


def test_every_governance_route_is_in_a_table(app, ids):
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url in ([("GET", p.url) for p in PAGES] + [("POST", p.url) for p in POSTS]):
        try:
            endpoint, _args = adapter.match(url.format(**ids).split("?")[0], method=method)
        except (NotFound, MethodNotAllowed):  # pragma: no cover - a broken table row
            pytest.fail(f"{method} {url} matches no route")
        covered.add((endpoint, method))
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("governance.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set()
