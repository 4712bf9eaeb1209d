"""The candidate's consent to be discussed by the whole IMO (services.imo.consent).

Without consent, a candidate's begeleid/onbegeleid status, intake route, what-if and the
advice's free text are seen per person only by those who may see care data (the
sociaal beheerder, the proposing organisation's begeleiders, the toelatingscommissie).
With a standing consent, every invitee of the meeting (its attendance list) sees point 5
for that candidate until the end of the meeting day and not after the minutes are
locked, each read audit-logged per candidate; after placement or closing the rule is
need-to-know again. The what-if an aggregate-only invitee then sees is built on the
published figures, never on exact counts.

The June IMO of tests/web/imo_support.py is held on TODAY (2026-06-15) and open; Dirk
Dossier (begeleid, De Linde) and Sam Selectie (onbegeleid) are on its agenda.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import app.pdf as pdf_module
from models import AuditEvent, Candidate, CandidateConsent, ImoMeeting, MeetingCandidate, db
from models.enums import Role
from services import accounts
from services.imo import candidates as cs
from services.imo import consent as consent_service
from services.imo import meetings as ms
from services.imo.agenda import build_agenda, published_agenda, with_published_placements
from services.registry.disclosure import DisclosureRules
from tests.api.support import api, tokens  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD, TODAY
from tests.web.imo_support import DIRK, login, make_imo
from tests.web.support import (fresh_rate_limits,  # noqa: F401 (autouse)
                               main_of, query, table_rows, text)

AGGREGATE_INVITEES = ["bestuur", "communitycoach"]
CONDITIONS = "Vaste begeleider stelt zich voor aan de directe buren"


@pytest.fixture
def ids(app, world):
    return make_imo(app, world)


def dirk_heading(page: str) -> str:
    """Point 5's heading for Dirk: with his status when it is shown."""
    start = page.index(f"<h4>{DIRK}:", page.index("Kenmerken"))
    return page[start:page.index("</h4>", start)]


def meeting_url(ids, suffix=""):
    return f"/locaties/{ids['site']}/imo/vergaderingen/{ids['june']}{suffix}"


def give_consent(app, ids, key="dirk", on=date(2026, 6, 10)):
    def record(session):
        consent_service.record(session, session.get(Candidate, ids[key]), given=True, on=on,
                               how="getekend formulier", actor_id=ids["user_sociaal_beheerder"],
                               today=TODAY)
        session.commit()
    query(app, record)


def consent_reads(app, ids):
    return query(app, lambda s: [(r.actor_id, r.entity_id, r.changes) for r in s.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "view_by_consent")
        .order_by(AuditEvent.id))])


@pytest.mark.parametrize("role", AGGREGATE_INVITEES)
def test_without_consent_an_aggregate_invitee_sees_no_status(app, client, ids, role):
    login(client, role)
    heading = dirk_heading(main_of(text(client.get(meeting_url(ids)))))
    assert "begeleid" not in heading
    assert consent_reads(app, ids) == []


@pytest.mark.parametrize("role", AGGREGATE_INVITEES)
def test_with_consent_the_invitees_see_point_5_and_every_read_is_logged(
        app, client, api, ids, role, monkeypatch):
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, base_url=None: b"%PDF-fake")

    def advise(session):
        entry = session.scalar(sa.select(MeetingCandidate).where(
            MeetingCandidate.meeting_id == ids["june"],
            MeetingCandidate.candidate_id == ids["dirk"]))
        ms.record_advice(session, entry, advice="positief_onder_voorwaarden",
                         conditions=CONDITIONS, reasoning=None, unit_id=None, actor_id=None)
        session.commit()

    query(app, advise)
    give_consent(app, ids)
    login(client, role)
    page = main_of(text(client.get(meeting_url(ids))))
    assert "begeleid" in dirk_heading(page) and "zorgaanbieder" in dirk_heading(page).lower()
    assert CONDITIONS in page
    # Sam gave no consent: his status stays hidden
    sam = page[page.index("<h4>Sam Selectie:"):]
    assert "onbegeleid" not in sam[:sam.index("</h4>")]
    printed = text(client.get(meeting_url(ids, "/afdruk")))
    assert CONDITIONS in printed
    assert client.get(meeting_url(ids, "/pdf")).status_code == 200
    body = api.get(role, f"/sites/{ids['site']}/imo/meetings/{ids['june']}").get_json()
    statuses = {c["name"]: c["support_status"] for c in body["agenda"]["candidates"]}
    assert statuses[DIRK] == "begeleid" and statuses["Sam Selectie"] is None
    user = ids[f"user_{role}"]
    assert consent_reads(app, ids) == [
        (user, ids["dirk"], {"meeting": ids["june"], "as": shown_as})
        for shown_as in ("page", "print", "pdf", "api")]


@pytest.mark.parametrize("min_cell", [1, 10])
def test_the_consented_what_if_is_on_the_published_figures(app, client, ids, min_cell,
                                                          monkeypatch):
    """The attack: with an exact what-if of Dirk's placement, the bestuur could read the
    exact begeleid count of a part back. Its rows are the published what-if of a begeleid
    newcomer instead: rounded figures (the small world's site is below the default minimum
    cell, so with that no what-if at all)."""
    give_consent(app, ids)
    monkeypatch.setitem(app.config, "DISCLOSURE_MIN_CELL", min_cell)
    rules = DisclosureRules(min_cell, app.config["DISCLOSURE_ROUNDING"],
                            app.config["DISCLOSURE_BATCH"])

    def expected(session):
        agenda = build_agenda(session, session.get(ImoMeeting, ids["june"]))
        published = published_agenda(session, agenda, rules)
        shown = with_published_placements(published, {ids["dirk"]})
        dirk = next(c for c in shown.candidates if c.candidate.id == ids["dirk"])
        exact = next(c for c in agenda.candidates if c.candidate.id == ids["dirk"])
        return ([[p.vacancy.number, p.outcome.part, p.outcome.site] for p in dirk.placements],
                [[p.vacancy.number, p.outcome.part, p.outcome.site] for p in exact.placements])

    shown, exact = query(app, expected)
    login(client, "bestuur")
    page = main_of(text(client.get(meeting_url(ids))))
    caption = f"Wat als {DIRK} hier komt wonen?"
    if min_cell == 10:  # the published site figure is withheld: no what-if to show
        assert shown == [] and caption not in page
        return
    assert shown and shown != exact
    start = page.index(caption)
    rows = table_rows(page[page.rindex("<table", 0, start):page.index("</table>", start) + 8])
    assert [r[0].split()[0] for r in rows] == [number for number, *_ in shown]
    for cells, (_n, part, site), (_m, exact_part, exact_site) in zip(rows, shown, exact):
        assert cells[2].startswith(f"{site.begeleid}/{site.total}")
        assert not cells[2].startswith(f"{exact_site.begeleid}/{exact_site.total}")


def test_who_is_not_invited_sees_nothing_by_consent(app, client, ids):
    """A bestuur member who joined after the meeting was made is not on its list."""
    def newcomer(session):
        user = accounts.save_user(session, None, email="nieuw.bestuur@hofje.example",
                                  name="Nieuw Bestuurslid", password=PASSWORD, is_admin=False,
                                  active=True, actor_id=None)
        accounts.grant_role(session, user, site_id=ids["site"], role=Role.BESTUUR,
                            organisation_id=None, actor_id=None)
        session.commit()

    query(app, newcomer)
    give_consent(app, ids)
    client.post("/logout")
    client.post("/login", data={"email": "nieuw.bestuur@hofje.example", "password": PASSWORD})
    assert "begeleid" not in dirk_heading(main_of(text(client.get(meeting_url(ids)))))
    assert consent_reads(app, ids) == []


def test_the_window_ends_after_the_meeting_day_and_at_the_lock(app, client, ids,
                                                              monkeypatch):
    give_consent(app, ids)
    login(client, "bestuur")
    assert "begeleid" in dirk_heading(main_of(text(client.get(meeting_url(ids)))))
    with monkeypatch.context() as later:
        later.setitem(app.config, "TODAY", TODAY + timedelta(days=1))
        assert "begeleid" not in dirk_heading(main_of(text(client.get(meeting_url(ids)))))
    assert "begeleid" in dirk_heading(main_of(text(client.get(meeting_url(ids)))))

    def lock(session):
        ms.lock_minutes(session, session.get(ImoMeeting, ids["june"]),
                        actor_id=ids["user_sociaal_beheerder"], now=db.func.now())
        session.commit()

    query(app, lock)
    assert "begeleid" not in dirk_heading(main_of(text(client.get(meeting_url(ids)))))


def test_a_withdrawn_consent_and_a_closed_candidate_show_nothing(app, client, ids):
    give_consent(app, ids, key="dirk")
    give_consent(app, ids, key="anna")

    def withdraw_and_close(session):
        consent_service.record(session, session.get(Candidate, ids["dirk"]), given=False,
                               on=TODAY, how=None, actor_id=None, today=TODAY)
        reason = cs.reasons(session, ids["site"], "teruggetrokken")[0]
        cs.set_status(session, session.get(Candidate, ids["anna"]), "teruggetrokken", on=TODAY,
                      reason_id=reason.id, actor_id=None)
        session.commit()

    query(app, withdraw_and_close)
    login(client, "bestuur")
    page = main_of(text(client.get(meeting_url(ids))))
    assert "begeleid" not in dirk_heading(page)
    anna = page[page.index("<h4>Anna Anker:"):]
    assert "begeleid" not in anna[:anna.index("</h4>")]


def test_the_dossier_records_consent_with_date_and_recorder(app, client, ids):
    login(client, "begeleider")  # De Linde's begeleider, Dirk's organisation
    url = f"/locaties/{ids['site']}/imo/kandidaten/{ids['dirk']}"
    response = client.post(url + "/toestemming", data={
        "consent-kind": "gegeven", "consent-on": "2026-06-12", "consent-how": "mondeling"})
    assert response.status_code == 302
    rows = query(app, lambda s: [(c.kind, c.on, c.how, c.recorded_by_id) for c in s.scalars(
        sa.select(CandidateConsent).where(CandidateConsent.candidate_id == ids["dirk"]))])
    assert rows == [("gegeven", date(2026, 6, 12), "mondeling", ids["user_begeleider"])]
    page = text(client.get(url))
    assert "toestemming gegeven" in page and "mondeling" in page
    audit = query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                          .where(AuditEvent.action == "consent_given",
                                                 AuditEvent.entity_id == ids["dirk"])))
    assert audit == 1


@pytest.mark.parametrize("data,message", [
    ({"consent-kind": "gegeven", "consent-on": "2026-06-16"}, "Die datum ligt in de toekomst."),
    ({"consent-kind": "gegeven", "consent-on": "2026-03-01"}, "Die datum ligt voor de aanmelding"),
    ({"consent-kind": "gegeven", "consent-on": ""}, "datum"),
    ({"consent-kind": "ingetrokken", "consent-on": "2026-06-12"},
     "Er is geen toestemming om in te trekken."),
    ({"consent-kind": "misschien", "consent-on": "2026-06-12"}, None),
    ({"consent-kind": "gegeven", "consent-on": "2026-06-12", "consent-how": "x" * 201},
     "200"),
])
def test_bad_consent_input_is_refused_with_a_message_and_saves_nothing(app, client, ids,
                                                                        data, message):
    login(client, "sociaal_beheerder")
    url = f"/locaties/{ids['site']}/imo/kandidaten/{ids['dirk']}"
    response = client.post(url + "/toestemming", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert 'class="alert alert-error"' in page
    if message:
        assert message in page
    assert "De toestemming is vastgelegd." not in page
    assert query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(
        CandidateConsent))) == 0
