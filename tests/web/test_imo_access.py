"""Who may open which IMO page and send which IMO form: every route × every role.

The policy (services/access.py, deny by default):

* IMO members see the overview, the candidate dossiers, the meeting page, its print
  view and PDF: toelatingscommissie, sociaal_beheerder, bestuur, begeleider,
  communitycoach, and admins;
* registering candidates: sociaal_beheerder, begeleider (for their own organisation's
  clients only: editing a dossier or adding a fact to it needs the sociaal_beheerder or
  a begeleider of the proposing organisation), admins;
* chairing (meetings, status changes, the corporation's decision, placing):
  sociaal_beheerder and admins;
* the list of reasons for rejecting or withdrawing (shared by all sites, so the other
  site's sociaal_beheerder manages it under their own site): sociaal_beheerder, admins;
* the handover list of the welkomstcommissie: sociaal_beheerder, bestuur and admins;
* kerngroep, stuurgroep, a role on another site, or no role: nothing;
* a candidate, meeting, agenda entry or handover task of another site under this site's
  URL: 404; anonymous visitors are sent to /login.

The toelatingscommissie has no account in ROLE_EMAILS; tests/web/imo_support.py makes
one. Each row of a table is one test; inside it every role is tried, and all roles that
answer differently from the table are reported together. A refused POST must leave the
database exactly as it was; an allowed one must change it (for at least one role).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import Candidate, CandidateConsent, ImoMeeting, ReasonOption, Resident
from tests.conftest import ALL_ROLES, TODAY
from tests.web.imo_support import TOELATING, login, make_imo
from tests.web.support import (db_snapshot, fresh_rate_limits,  # noqa: F401 (autouse)
                               is_login_redirect, query, redirect_path, text)

ANONYMOUS = "anonymous"
ROLES = [*ALL_ROLES[:5], TOELATING, *ALL_ROLES[5:]]
COLUMNS = [*ROLES, ANONYMOUS]


@dataclass(frozen=True)
class Go:
    """A redirect to a local path (a URL template)."""

    path: str

    def __repr__(self) -> str:
        return f"302->{self.path}"


OK, NO, NF = 200, 403, 404
PDF = "pdf"  # 200 with a PDF document
LOGIN = Go("/login")
UNKNOWN = 999999

S = "/locaties/{site}"
I = S + "/imo"
DIRK = I + "/kandidaten/{dirk}"
SAM = I + "/kandidaten/{sam}"
ANNA = I + "/kandidaten/{anna}"
TOM = I + "/kandidaten/{tom}"
JUNE = I + "/vergaderingen/{june}"
MAY = I + "/vergaderingen/{may}"
OLGA_HERE = I + "/kandidaten/{olga}"           # the other site's candidate under this site
OTHER_MEETING_HERE = I + "/vergaderingen/{other_meeting}"
OTHER_I = "/locaties/{other_site}/imo"


@dataclass(frozen=True)
class Row:
    id: str
    method: str
    url: str
    expected: tuple  # one entry per column of COLUMNS
    data: dict = field(default_factory=dict)


def get(id, url, *expected):
    return Row(id, "GET", url, expected)


def post(id, url, data, *expected):
    return Row(id, "POST", url, expected, data)


#              admin sb   coach begel best toel kern stuur other none anonymous
MEMBERS =     (OK,   OK,  OK,   OK,   OK,  OK,  NO,  NO,   NO,   NO,  LOGIN)
REGISTER =    (OK,   OK,  NO,   OK,   NO,  NO,  NO,  NO,   NO,   NO,  LOGIN)
OWN_CARE =    REGISTER  # editing a dossier proposed by De Linde (the begeleider's org)
NOT_OWN =     (OK,   OK,  NO,   NO,   NO,  NO,  NO,  NO,   NO,   NO,  LOGIN)
CHAIR =       NOT_OWN
HANDOVER =    (OK,   OK,  NO,   NO,   OK,  NO,  NO,  NO,   NO,   NO,  LOGIN)
MEMBERS_PDF = (PDF,  PDF, PDF,  PDF,  PDF, PDF, NO,  NO,   NO,   NO,  LOGIN)
# another site's object under this site's URL: 404 for whoever passes the role check
MEMBERS_NF =  (NF,   NF,  NF,   NF,   NF,  NF,  NO,  NO,   NO,   NO,  LOGIN)
REGISTER_NF = (NF,   NF,  NO,   NF,   NO,  NO,  NO,  NO,   NO,   NO,  LOGIN)
CHAIR_NF =    (NF,   NF,  NO,   NO,   NO,  NO,  NO,  NO,   NO,   NO,  LOGIN)
HANDOVER_NF = (NF,   NF,  NO,   NO,   NF,  NO,  NO,  NO,   NO,   NO,  LOGIN)
# the other site's objects on its own URL: its sociaal_beheerder and admins
OTHER_OWN =   (OK,   NO,  NO,   NO,   NO,  NO,  NO,  NO,   OK,   NO,  LOGIN)
ALL_NF =      (NF,   NF,  NF,   NF,   NF,  NF,  NF,  NF,   NF,   NF,  LOGIN)


def to(path):
    """Every role allowed by ``allowed`` is redirected to ``path``; the rest as given."""
    return lambda allowed: tuple(Go(path) if e == OK else e for e in allowed)


BACK_TO_DIRK, BACK_TO_SAM = to(DIRK), to(SAM)
BACK_TO_JUNE, BACK_TO_MAY = to(JUNE), to(MAY)
BACK_TO_HANDOVERS = to(S + "/overdracht/")

MATRIX = [
    # --- pages ------------------------------------------------------------------
    get("overview", I + "/", *MEMBERS),
    get("overview of unknown site", f"/locaties/{UNKNOWN}/imo/", *ALL_NF),
    get("overview of other site", OTHER_I + "/", *OTHER_OWN),
    get("new candidate form", I + "/kandidaten/nieuw", *REGISTER),
    get("dossier begeleid (De Linde)", DIRK, *MEMBERS),
    get("dossier begeleid (Het Anker)", ANNA, *MEMBERS),
    get("dossier onbegeleid", SAM, *MEMBERS),
    get("dossier of a placed candidate", I + "/kandidaten/{pim}", *MEMBERS),
    get("unknown dossier", I + f"/kandidaten/{UNKNOWN}", *MEMBERS_NF),
    get("dossier of other site under this site", OLGA_HERE, *MEMBERS_NF),
    get("dossier of other site on its own site", OTHER_I + "/kandidaten/{olga}", *OTHER_OWN),
    get("dossier of this site under other site", OTHER_I + "/kandidaten/{dirk}",
                  NF,  NO,  NO,   NO,   NO,  NO,  NO,  NO,   NF,   NO,  LOGIN),
    get("edit dossier (De Linde)", DIRK + "/bewerken", *OWN_CARE),
    get("edit dossier (Het Anker)", ANNA + "/bewerken", *NOT_OWN),
    get("edit dossier onbegeleid", SAM + "/bewerken", *NOT_OWN),
    get("edit dossier of other site under this site", OLGA_HERE + "/bewerken", *REGISTER_NF),
    get("decision form", SAM + "/besluit", *CHAIR),
    get("decision form, other site's candidate", OLGA_HERE + "/besluit", *CHAIR_NF),
    get("place form", TOM + "/plaatsen", *CHAIR),
    get("place form, other site's candidate", OLGA_HERE + "/plaatsen", *CHAIR_NF),
    get("new meeting form", I + "/vergaderingen/nieuw", *CHAIR),
    get("new meeting form of other site", OTHER_I + "/vergaderingen/nieuw", *OTHER_OWN),
    get("meeting page (open)", JUNE, *MEMBERS),
    get("meeting page (locked)", MAY, *MEMBERS),
    get("unknown meeting", I + f"/vergaderingen/{UNKNOWN}", *MEMBERS_NF),
    get("meeting of other site under this site", OTHER_MEETING_HERE, *MEMBERS_NF),
    get("meeting of other site on its own site", OTHER_I + "/vergaderingen/{other_meeting}",
        *OTHER_OWN),
    get("print view", JUNE + "/afdruk", *MEMBERS),
    get("print view, other site's meeting", OTHER_MEETING_HERE + "/afdruk", *MEMBERS_NF),
    get("pdf", JUNE + "/pdf", *MEMBERS_PDF),
    get("pdf, other site's meeting", OTHER_MEETING_HERE + "/pdf", *MEMBERS_NF),
    get("reason list", I + "/redenen", *CHAIR),
    get("reason list of other site", OTHER_I + "/redenen", *OTHER_OWN),
    get("edit reason", I + "/redenen/{reason}", *CHAIR),
    get("unknown reason", I + f"/redenen/{UNKNOWN}", *CHAIR_NF),
    get("handover list", S + "/overdracht/", *HANDOVER),
    get("handover list of other site", "/locaties/{other_site}/overdracht/", *OTHER_OWN),
    # --- POSTs of the small forms -------------------------------------------------
    post("fact (De Linde)", DIRK + "/feit",
         {"fact-kind": "kennismaking", "fact-on": "2026-06-10", "fact-note": "door {role}"},
         *BACK_TO_DIRK(OWN_CARE)),
    post("fact (onbegeleid)", SAM + "/feit",
         {"fact-kind": "kennismaking", "fact-on": "2026-06-10", "fact-note": "door {role}"},
         *BACK_TO_SAM(NOT_OWN)),
    post("fact, other site's candidate", OLGA_HERE + "/feit",
         {"fact-kind": "kennismaking", "fact-on": "2026-06-10"}, *REGISTER_NF),
    post("consent (De Linde)", DIRK + "/toestemming",
         {"consent-kind": "gegeven", "consent-on": "2026-06-10", "consent-how": "door {role}"},
         *BACK_TO_DIRK(OWN_CARE)),
    post("consent (onbegeleid)", SAM + "/toestemming",
         {"consent-kind": "gegeven", "consent-on": "2026-06-10"}, *BACK_TO_SAM(NOT_OWN)),
    post("consent, other site's candidate", OLGA_HERE + "/toestemming",
         {"consent-kind": "gegeven", "consent-on": "2026-06-10"}, *REGISTER_NF),
    # the second chair finds Dirk "aangehouden" already: refused, the dossier again (422)
    post("status", DIRK + "/status",
         {"status-status": "aangehouden", "status-on": "2026-06-15", "status-note": "door {role}"},
         Go(DIRK), 422, *CHAIR[2:]),
    post("status, other site's candidate", OLGA_HERE + "/status",
         {"status-status": "aangehouden", "status-on": "2026-06-15"}, *CHAIR_NF),
    post("attendance", JUNE + "/aanwezigheid", {"presence-{user_communitycoach}": "afwezig"},
         *BACK_TO_JUNE(CHAIR)),
    post("attendance, other site's meeting", OTHER_MEETING_HERE + "/aanwezigheid",
         {"presence-{user_other_site}": "afwezig"}, *CHAIR_NF),
    post("minutes", JUNE + "/verslag", {"item-{june_item}": "Verslag van {role}"},
         *BACK_TO_JUNE(CHAIR)),
    post("minutes, other site's meeting", OTHER_MEETING_HERE + "/verslag",
         {"item-{june_item}": "Overgenomen"}, *CHAIR_NF),
    post("agenda item", JUNE + "/punt", {"title": "Extra punt van {role}"},
         *BACK_TO_JUNE(CHAIR)),
    post("agenda item, other site's meeting", OTHER_MEETING_HERE + "/punt",
         {"title": "Overgenomen"}, *CHAIR_NF),
    post("candidate on the agenda", JUNE + "/kandidaat", {"candidate_id": "{kees}"},
         *BACK_TO_JUNE(CHAIR)),
    post("candidate on other site's agenda", OTHER_MEETING_HERE + "/kandidaat",
         {"candidate_id": "{kees}"}, *CHAIR_NF),
    post("advice", JUNE + "/advies/{entry_dirk}",
         {"a{entry_dirk}-advice": "positief_onder_voorwaarden",
          "a{entry_dirk}-conditions": "Proefperiode ({role})", "a{entry_dirk}-unit_id": "{unit_B4}"},
         *BACK_TO_JUNE(CHAIR)),
    post("advice on an entry of another meeting", JUNE + "/advies/{entry_pim_may}",
         {"a{entry_pim_may}-advice": "negatief"}, *CHAIR_NF),
    post("advice on an entry of other site", JUNE + "/advies/{other_entry}",
         {"a{other_entry}-advice": "negatief"}, *CHAIR_NF),
    post("advice, other site's meeting", OTHER_MEETING_HERE + "/advies/{other_entry}",
         {"a{other_entry}-advice": "negatief"}, *CHAIR_NF),
    post("minutes ready", JUNE + "/verslag-rondsturen", {}, *BACK_TO_JUNE(CHAIR)),
    post("minutes ready, other site's meeting", OTHER_MEETING_HERE + "/verslag-rondsturen", {},
         *CHAIR_NF),
    post("lock the minutes", JUNE + "/vaststellen", {}, *BACK_TO_JUNE(CHAIR)),
    post("lock other site's minutes", OTHER_MEETING_HERE + "/vaststellen", {}, *CHAIR_NF),
    post("addendum", MAY + "/addendum", {"text": "Correctie van {role}"},
         *BACK_TO_MAY(CHAIR)),
    post("addendum, other site's meeting", OTHER_MEETING_HERE + "/addendum",
         {"text": "Overgenomen"}, *CHAIR_NF),
    post("handover done", S + "/overdracht/{task}/afgerond", {"note": "Welkom ({role})"},
         *BACK_TO_HANDOVERS(HANDOVER)),
    post("handover of other site done", S + "/overdracht/{other_task}/afgerond", {"note": "x"},
         *HANDOVER_NF),
    post("unknown handover done", S + f"/overdracht/{UNKNOWN}/afgerond", {"note": "x"},
         *HANDOVER_NF),
]

DENIED = (NO, NF, LOGIN)  # answers after which nothing may have changed


@pytest.fixture
def ids(app, world):
    return make_imo(app, world)


def _fill(template: str, ids: dict, role: str = "") -> str:
    return template.format(role=role, **ids)


def _call(client, row: Row, url: str, role: str, ids: dict):
    if row.method == "GET":
        return client.get(url)
    data = {_fill(k, ids, role): _fill(v, ids, role) for k, v in row.data.items()}
    return client.post(url, data=data)


def _check(response, expected, ids) -> str | None:
    """None if the response matches, else what was wrong."""
    if isinstance(expected, Go):
        if response.status_code != 302:
            return f"expected {expected!r}, got {response.status_code}"
        path = redirect_path(response)
        if path != _fill(expected.path, ids):
            return f"expected {expected!r}, got 302->{path}"
        return None
    status = 200 if expected == PDF else expected
    if response.status_code != status:
        where = f" ({response.headers.get('Location')})" if response.status_code == 302 else ""
        return f"expected {expected}, got {response.status_code}{where}"
    if expected == PDF:
        if response.mimetype != "application/pdf" or not response.data.startswith(b"%PDF"):
            return f"expected a PDF, got {response.mimetype} {response.data[:20]!r}"
        return None
    body = text(response)
    if expected == NO and "U hebt geen toegang tot deze pagina." not in body:
        return "403 without the Dutch 'no access' message"
    if expected == NF and "Deze pagina bestaat niet (meer)." not in body:
        return "404 without the Dutch 'not found' message"
    return None


def test_matrix_columns():
    assert COLUMNS == ["admin", "sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
                       "toelatingscommissie", "kerngroep", "stuurgroep", "other_site", "none",
                       "anonymous"]
    assert all(len(row.expected) == len(COLUMNS) for row in MATRIX), \
        [row.id for row in MATRIX if len(row.expected) != len(COLUMNS)]
    assert len({row.id for row in MATRIX}) == len(MATRIX)


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_access(row: Row, app, client, ids):
    url = _fill(row.url, ids)
    expected_by_role = dict(zip(COLUMNS, row.expected))
    roles = COLUMNS
    if row.method == "POST":
        # roles that may change something go last, so the others meet the data unchanged
        roles = sorted(COLUMNS, key=lambda role: expected_by_role[role] not in DENIED)
    problems, changed_by = [], []
    for role in roles:
        expected = expected_by_role[role]
        if role == ANONYMOUS:
            client.post("/logout")
        else:
            login(client, role)
        before = db_snapshot(app) if row.method == "POST" else None
        try:
            response = _call(client, row, url, role, ids)
        except Exception as error:  # an exception escaping the app is a 500 for the user
            problems.append(f"{role}: expected {expected!r}, raised "
                            f"{type(error).__name__}: {error}")
            continue
        problem = _check(response, expected, ids)
        if problem:
            problems.append(f"{role}: {problem}")
        if before is not None and db_snapshot(app) != before:
            if expected in DENIED:
                problems.append(f"{role}: the database changed although the request was "
                                "refused")
            else:
                changed_by.append(role)
    if row.method == "POST" and any(e not in DENIED for e in row.expected) and not changed_by:
        problems.append("no allowed role changed anything (the data of the row is wrong?)")
    assert not problems, f"{row.method} {url}:\n" + "\n".join(problems)


def test_anonymous_is_sent_to_login_with_the_page_to_return_to(client, ids):
    response = client.get(_fill(DIRK, ids))
    assert is_login_redirect(response)
    assert f"next=%2Flocaties%2F{ids['site']}%2Fimo%2Fkandidaten%2F{ids['dirk']}" in \
        response.headers["Location"]


# --- POSTs to the form pages: refused roles get 403 (or /login) and change nothing --


@dataclass(frozen=True)
class FormPost:
    id: str
    url: str
    allowed: set
    data: dict
    probe: Callable[[Any, dict], Any]  # (session, ids) -> the value the POST would change
    prove_as: str  # an allowed role whose identical POST does change the value


def _candidate(key, attribute):
    return lambda s, ids: getattr(s.get(Candidate, ids[key]), attribute)


def _count(model, *where):
    return lambda s, ids: s.scalar(sa.select(sa.func.count()).select_from(model).where(
        *[w(ids) for w in where]))


REGISTERERS = {"admin", "sociaal_beheerder", "begeleider"}
CHAIRS = {"admin", "sociaal_beheerder"}
NEW_CANDIDATE = {"name": "Nieuwe Kandidaat", "household_size": "1",
                 "registered_on": "2026-06-01", "intake_route": "zorgaanbieder",
                 "support_status": "begeleid", "care_organisation_id": "{org_linde}"}

FORM_POSTS = [
    FormPost("register a candidate", I + "/kandidaten/nieuw", REGISTERERS, NEW_CANDIDATE,
             _count(Candidate, lambda ids: Candidate.name == "Nieuwe Kandidaat"), "begeleider"),
    FormPost("edit dossier (De Linde)", DIRK + "/bewerken", REGISTERERS,
             {**NEW_CANDIDATE, "name": "Dirk Gewijzigd", "registered_on": "2026-04-01"},
             _candidate("dirk", "name"), "begeleider"),
    FormPost("edit dossier (Het Anker)", ANNA + "/bewerken", CHAIRS,
             {**NEW_CANDIDATE, "name": "Anna Gewijzigd", "registered_on": "2026-04-03",
              "care_organisation_id": "{org_anker}"},
             _candidate("anna", "name"), "sociaal_beheerder"),
    FormPost("edit dossier onbegeleid", SAM + "/bewerken", CHAIRS,
             {"name": "Sam Gewijzigd", "household_size": "2", "registered_on": "2026-04-02",
              "intake_route": "selectie", "support_status": "onbegeleid"},
             _candidate("sam", "name"), "sociaal_beheerder"),
    FormPost("consent (De Linde)", DIRK + "/toestemming", REGISTERERS,
             {"consent-kind": "gegeven", "consent-on": "2026-06-10"},
             _count(CandidateConsent), "begeleider"),
    FormPost("corporation's decision", SAM + "/besluit", CHAIRS,
             {"decision": "toewijzen", "decided_on": "2026-06-15", "unit_id": "{unit_B4}"},
             _candidate("sam", "status"), "sociaal_beheerder"),
    FormPost("place", TOM + "/plaatsen", CHAIRS, {"move_in": "2026-06-20"},
             _count(Resident, lambda ids: Resident.name == "Tom Toewijzing"),
             "sociaal_beheerder"),
    FormPost("add a reason", I + "/redenen", CHAIRS,
             {"kind": "teruggetrokken", "text": "Verhuisd naar het buitenland"},
             _count(ReasonOption), "sociaal_beheerder"),
    FormPost("rename and deactivate a reason", I + "/redenen/{reason}", CHAIRS,
             {"text": "Past niet in de mix van dit moment"},
             lambda s, ids: (s.get(ReasonOption, ids["reason"]).text,
                             s.get(ReasonOption, ids["reason"]).active), "sociaal_beheerder"),
    FormPost("new meeting", I + "/vergaderingen/nieuw", CHAIRS,
             {"held_on": "2026-07-08", "location": "Huiskamer"},
             _count(ImoMeeting, lambda ids: ImoMeeting.site_id == ids["site"]),
             "sociaal_beheerder"),
]


@pytest.mark.parametrize("case", FORM_POSTS, ids=[case.id for case in FORM_POSTS])
def test_refused_form_post_changes_nothing(case: FormPost, app, client, ids):
    url = _fill(case.url, ids)
    data = {k: _fill(v, ids) for k, v in case.data.items()}
    initial = query(app, lambda s: case.probe(s, ids))
    problems = []
    for role in COLUMNS:
        if role in case.allowed:
            continue
        if role == ANONYMOUS:
            client.post("/logout")
        else:
            login(client, role)
        before = db_snapshot(app)
        response = client.post(url, data=data)
        if role == ANONYMOUS:
            if not is_login_redirect(response):
                problems.append(f"{role}: expected a redirect to /login, got "
                                f"{response.status_code}")
        elif response.status_code != 403:
            problems.append(f"{role}: expected 403, got {response.status_code}")
        if db_snapshot(app) != before:
            problems.append(f"{role}: the database changed")
    assert not problems, f"POST {url}:\n" + "\n".join(problems)
    assert query(app, lambda s: case.probe(s, ids)) == initial

    # the same request by an allowed role does take effect (so the check above means something)
    login(client, case.prove_as)
    response = client.post(url, data=data)
    assert response.status_code == 302, (response.status_code, text(response)[:3000])
    assert query(app, lambda s: case.probe(s, ids)) != initial


def test_begeleider_cannot_register_for_another_organisation(app, client, ids):
    """Passing the role check is not enough: the De Linde begeleider may not put a client
    of Het Anker (or an onbegeleid candidate) on the waiting list."""
    login(client, "begeleider")
    count = _count(Candidate)
    before = query(app, lambda s: count(s, ids))
    for data in ({**NEW_CANDIDATE, "care_organisation_id": str(ids["org_anker"])},
                 {**NEW_CANDIDATE, "intake_route": "selectie", "support_status": "onbegeleid",
                  "care_organisation_id": ""}):
        response = client.post(_fill(I + "/kandidaten/nieuw", ids),
                               data={k: _fill(v, ids) for k, v in data.items()})
        assert response.status_code == 422, data
        assert query(app, lambda s: count(s, ids)) == before


@pytest.mark.parametrize("role", ["admin", "sociaal_beheerder"])
def test_other_sites_candidates_and_units_cannot_be_smuggled_in(role, app, client, ids):
    """Ids of the other site's candidate or unit in an otherwise valid form: refused, and
    nothing changes."""
    login(client, role)
    attempts = [
        (JUNE + "/kandidaat", {"candidate_id": "{olga}"}),
        (JUNE + "/advies/{entry_dirk}", {"a{entry_dirk}-advice": "positief",
                                         "a{entry_dirk}-unit_id": "{unit_X2}"}),
    ]
    for url, data in attempts:
        before = db_snapshot(app)
        response = client.post(_fill(url, ids), data={_fill(k, ids): _fill(v, ids)
                                                      for k, v in data.items()})
        assert redirect_path(response) == _fill(JUNE, ids), url
        assert db_snapshot(app) == before, url
    before = db_snapshot(app)
    response = client.post(_fill(SAM + "/besluit", ids), data={
        "decision": "toewijzen", "decided_on": "2026-06-15", "unit_id": str(ids["unit_X2"])})
    assert response.status_code == 422
    assert db_snapshot(app) == before


def test_a_unit_assigned_to_one_candidate_is_not_offered_to_another(app, client, ids):
    """Tom was assigned B3 and waits to be placed: B3 is shown as his, not offered on the
    decision form or in the advice, and a decision assigning it to Sam is refused."""
    login(client, "sociaal_beheerder")
    overview = text(client.get(_fill(I + "/", ids)))
    assert "toegewezen aan Tom Toewijzing" in overview
    form = text(client.get(_fill(SAM + "/besluit", ids)))
    assert ">B4</option>" in form and ">B3</option>" not in form
    meeting = text(client.get(_fill(JUNE, ids)))
    assert ">B4</option>" in meeting and ">B3</option>" not in meeting  # the advice forms
    assert "B3 (Blok B, nu, toegewezen aan Tom Toewijzing)" in meeting
    before = db_snapshot(app)
    response = client.post(_fill(SAM + "/besluit", ids), data={
        "decision": "toewijzen", "decided_on": "2026-06-15", "unit_id": str(ids["unit_B3"])})
    assert response.status_code == 422
    assert db_snapshot(app) == before
    with app.app_context():  # the service refuses it too, whatever the form offers
        from models import db
        from services.errors import RuleViolation
        from services.imo import placement
        with pytest.raises(RuleViolation, match="al toegewezen aan Tom Toewijzing"):
            placement.record_decision(db.session, db.session.get(Candidate, ids["sam"]),
                                      decision="toewijzen", decided_on=TODAY,
                                      unit_id=ids["unit_B3"], reasoning=None,
                                      reason_id=None, actor_id=None)
        db.session.rollback()
        db.session.remove()


def test_every_imo_route_is_in_a_table(app, ids):
    """A new IMO route must be added to the matrix or to the form-post table."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url in ([(row.method, row.url) for row in MATRIX]
                        + [("POST", case.url) for case in FORM_POSTS]):
        try:
            endpoint, _args = adapter.match(_fill(url, ids), method=method)
        except (NotFound, MethodNotAllowed):  # pragma: no cover - a broken table row
            pytest.fail(f"{method} {url} matches no route")
        covered.add((endpoint, method))
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] == "imo"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set()
