"""Candidate dossiers and care data in the IMO.

* The soft-landing details of a candidate (severity "Zwaarte van de problematiek",
  fallback place, woonzorgovereenkomst, special conditions, indicated hours) are seen by
  the sociaal_beheerder (and admins) and by the begeleiders of the proposing care
  organisation only; the other IMO members see the dossier without them.
* The bestuur sees the handover (name, unit, move-in date), never care details.
* Whether a candidate is begeleid (and the intake route, which gives it away) is care
  data: while pending the sociaal_beheerder, the proposing organisation's begeleiders and
  the toelatingscommissie see it; once placed or closed only those who see the resident's
  care data. Bestuur and communitycoach never see it per person.
* Reading and changing a dossier is audit-logged with the person who did it.

Dirk Dossier (tests/web/imo_support.py) is begeleid, proposed by Zorggroep De Linde:
severity "zwaar", fallback place "Opvang De Haven", a woonzorgovereenkomst, special
conditions "Huur onder voorwaarden", 7,25 hours a week. The world's begeleider account
belongs to De Linde; imo_support adds a begeleider of Stichting Het Anker.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

import app.pdf as pdf_module
from models import AuditEvent, Candidate, MeetingCandidate, db
from services.imo import meetings as ms
from services.imo import placement
from tests.web.imo_support import (ANKER_BEGELEIDER, CONDITIONS, DIRK, DIRK_HOURS_TEXTS,
                                   FALLBACK, TOELATING, login, make_imo)
from tests.web.support import (fresh_rate_limits,  # noqa: F401 (autouse)
                               main_of, pdf_objects, query, strip_tags, table_rows, text)

SOFT_LANDING_ROLES = ["admin", "sociaal_beheerder", "begeleider"]
OTHER_MEMBERS = ["communitycoach", "bestuur", ANKER_BEGELEIDER, TOELATING]
# what none of OTHER_MEMBERS may find on Dirk's dossier (labels and values)
SECRETS = (FALLBACK, CONDITIONS, "Zwaarte van de problematiek", "Woonzorgovereenkomst",
           "woonzorgovereenkomst", "Zachte landing", "Plek elders", "Bijzondere voorwaarden",
           "Geïndiceerde uren", *DIRK_HOURS_TEXTS)
SEVERITY_WORD = re.compile(r"\bzwaar\b", re.I)
STATUS_WORD = re.compile(r"\b(on)?begeleid\b", re.I)


@pytest.fixture
def ids(app, world):
    return make_imo(app, world)


def dossier(client, ids, key="dirk"):
    response = client.get(f"/locaties/{ids['site']}/imo/kandidaten/{ids[key]}")
    assert response.status_code == 200
    return text(response)


def soft_landing(page: str) -> dict[str, str] | None:
    """The dossier's soft-landing section as {term: value}, or None when it is absent."""
    section = re.search(r'<section aria-labelledby="h-soft">(.*?)</section>', main_of(page),
                        re.S)
    if section is None:
        return None
    return {strip_tags(dt): strip_tags(dd) for dt, dd in
            re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section.group(1), re.S)}


def assert_no_soft_landing(page: str, who: str) -> None:
    content = main_of(page)
    assert soft_landing(page) is None, f"{who} gets the soft-landing section"
    for secret in SECRETS:
        assert secret not in content, f"{who} sees {secret!r}"
    assert not SEVERITY_WORD.search(strip_tags(content)), f"{who} sees the severity"


@pytest.mark.parametrize("role", SOFT_LANDING_ROLES)
def test_sociaal_beheerder_and_own_begeleider_see_the_soft_landing(role, client, ids):
    login(client, role)
    page = dossier(client, ids)
    assert f"<h1>{DIRK}" in page
    assert soft_landing(page) == {
        "Geïndiceerde uren per week": "7,25",
        "Zwaarte van de problematiek": "zwaar",
        "Bereid begeleiding te accepteren": "ja",
        "Plek elders als het niet lukt": FALLBACK,
        "Woonzorgovereenkomst": "ja",
        "Bijzondere voorwaarden": CONDITIONS,
    }


@pytest.mark.parametrize("role", OTHER_MEMBERS)
def test_other_members_see_the_dossier_without_the_soft_landing(role, client, ids):
    login(client, role)
    page = dossier(client, ids)
    content = strip_tags(main_of(page))
    assert DIRK in content and "Ik wil graag koken voor de buren" in content  # the dossier
    assert_no_soft_landing(page, role)


def test_each_begeleider_sees_only_the_soft_landing_of_their_own_clients(client, ids):
    login(client, ANKER_BEGELEIDER)
    assert soft_landing(dossier(client, ids, "anna"))["Plek elders als het niet lukt"] == \
        "Logeerhuis Het Anker"
    login(client, "begeleider")  # De Linde
    page = dossier(client, ids, "anna")
    assert soft_landing(page) is None
    assert "Logeerhuis Het Anker" not in page and "3,5" not in main_of(page)
    # an onbegeleid candidate has no care organisation: only the sociaal_beheerder
    assert soft_landing(dossier(client, ids, "sam")) is None


@pytest.mark.parametrize("role", [*SOFT_LANDING_ROLES, *OTHER_MEMBERS])
def test_meeting_page_and_print_view_show_no_soft_landing(role, client, ids):
    """The agenda and its print-out go to every member: no soft-landing details there."""
    login(client, role)
    for suffix in ("", "/afdruk"):
        response = client.get(f"/locaties/{ids['site']}/imo/vergaderingen/{ids['june']}"
                              f"{suffix}")
        assert response.status_code == 200
        page = text(response)
        assert DIRK in page
        for secret in (FALLBACK, CONDITIONS, "Zwaarte", "oonzorgovereenkomst",
                       *DIRK_HOURS_TEXTS):
            assert secret not in page, f"{role} sees {secret!r} on {suffix or 'meeting page'}"


def _place_dirk(app, ids) -> None:
    with app.app_context():
        try:
            dirk = db.session.get(Candidate, ids["dirk"])
            entry = db.session.get(MeetingCandidate, ids["entry_dirk"])
            sb = ids["user_sociaal_beheerder"]
            ms.record_advice(db.session, entry, advice="positief", conditions=None,
                             reasoning=None, unit_id=ids["unit_B4"], actor_id=sb)
            placement.record_decision(db.session, dirk, decision="toewijzen",
                                      decided_on=date(2026, 6, 15), unit_id=ids["unit_B4"],
                                      reasoning=None, reason_id=None, actor_id=sb)
            placement.place_candidate(db.session, dirk, move_in=date(2026, 7, 1),
                                      actor_id=sb, today=date(2026, 6, 15))
            db.session.commit()
        finally:
            db.session.remove()


def test_bestuur_handover_shows_who_where_when_and_no_care_details(app, client, ids):
    _place_dirk(app, ids)
    login(client, "bestuur")
    response = client.get(f"/locaties/{ids['site']}/overdracht/")
    assert response.status_code == 200
    page = text(response)
    rows = {row[0]: row[1:3] for row in table_rows(main_of(page))}
    assert rows == {DIRK: ["B4", "1 jul 2026"], "Pim Plaatsing": ["A3", "1 jun 2026"]}
    content = strip_tags(main_of(page))
    for secret in ("Zorggroep De Linde", "Stichting Het Anker", "zorgaanbieder",
                   "Zorgaanbieder", *DIRK_HOURS_TEXTS, "uur", FALLBACK, CONDITIONS):
        assert secret not in content, f"the handover shows {secret!r}"
    assert not STATUS_WORD.search(content), "the handover shows the care status"
    assert "Zorggroep De Linde" not in page  # nowhere on the page


def test_viewing_a_dossier_is_audit_logged_with_the_viewer(app, client, ids):
    def views():
        return query(app, lambda s: s.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.site_id).where(
                AuditEvent.entity_type == "candidate", AuditEvent.entity_id == ids["dirk"],
                AuditEvent.action == "view").order_by(AuditEvent.id)).all())

    assert views() == []
    expected = []
    for role in ("sociaal_beheerder", "bestuur", "communitycoach", "begeleider", TOELATING,
                 "admin"):
        login(client, role)
        dossier(client, ids)
        expected.append((ids[f"user_{role}"], ids["site"]))
        assert [tuple(v) for v in views()] == expected, role
    # refused or unknown requests log no reading
    for role in ("kerngroep", "other_site"):
        login(client, role)
        assert client.get(f"/locaties/{ids['site']}/imo/kandidaten/{ids['dirk']}") \
            .status_code == 403
    login(client, "sociaal_beheerder")
    assert client.get(f"/locaties/{ids['other_site']}/imo/kandidaten/{ids['dirk']}") \
        .status_code == 403
    client.post("/logout")
    client.get(f"/locaties/{ids['site']}/imo/kandidaten/{ids['dirk']}")
    assert len(views()) == len(expected)


def test_reading_the_dossier_through_its_edit_form_is_audit_logged(app, client, ids):
    """The edit form shows the whole dossier, soft landing included: that is a read too."""
    login(client, "begeleider")
    response = client.get(f"/locaties/{ids['site']}/imo/kandidaten/{ids['dirk']}/bewerken")
    assert response.status_code == 200
    assert FALLBACK in text(response)  # the form does show the soft-landing details
    logged = query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                           .where(AuditEvent.entity_type == "candidate",
                                                  AuditEvent.entity_id == ids["dirk"],
                                                  AuditEvent.actor_id ==
                                                  ids["user_begeleider"])))
    assert logged >= 1, "the begeleider read Dirk's dossier (edit form) without an audit event"


def test_changes_to_a_dossier_are_audit_logged_with_the_actor(app, client, ids):
    site, dirk = ids["site"], ids["dirk"]
    base = f"/locaties/{site}/imo/kandidaten/{dirk}"

    def events(action):
        return query(app, lambda s: [tuple(r) for r in s.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.changes).where(
                AuditEvent.entity_type == "candidate", AuditEvent.entity_id == dirk,
                AuditEvent.action == action).order_by(AuditEvent.id)).all()])

    login(client, "begeleider")
    assert client.post(base + "/feit", data={
        "fact-kind": "kennismaking", "fact-on": "2026-06-10", "fact-note": ""}).status_code == 302
    assert events("add_fact") == [(ids["user_begeleider"],
                                   {"kind": "kennismaking", "on": "2026-06-10"})]
    response = client.post(base + "/bewerken", data={
        "name": DIRK, "household_size": "2", "registered_on": "2026-04-01",
        "intake_route": "zorgaanbieder", "support_status": "begeleid",
        "care_organisation_id": str(ids["org_linde"]), "indicated_hours": "7.25",
        "problem_severity": "matig", "fallback_place": FALLBACK,
        "woonzorgovereenkomst": "y", "special_conditions": CONDITIONS,
        "accepts_support": "ja", "motivation": "Ik wil graag koken voor de buren"})
    assert response.status_code == 302, text(response)[:3000]
    [(actor, changes)] = events("update")
    assert actor == ids["user_begeleider"]
    assert changes["household_size"] == [1, 2]
    assert changes["problem_severity"] == ["…", "…"]  # the log does not repeat care details
    login(client, "sociaal_beheerder")
    assert client.post(base + "/status", data={
        "status-status": "aangehouden", "status-on": "2026-06-15", "status-note": ""}).status_code == 302
    assert [a for a, _c in events("status")][-1] == ids["user_sociaal_beheerder"]
    assert query(app, lambda s: s.get(Candidate, dirk).status) == "aangehouden"


def _prefer_english(app, ids, role="sociaal_beheerder") -> None:
    from models import User
    with app.app_context():
        db.session.get(User, ids[f"user_{role}"]).locale = "en"
        db.session.commit()
        db.session.remove()


def test_pdf_is_dutch_whatever_the_ui_language(app, client, ids, monkeypatch):
    """The sociaal_beheerder reads Noaber in English; the IMO's PDF (and print view) are
    Dutch all the same. The HTML handed to WeasyPrint is checked, then the PDF itself."""
    _prefer_english(app, ids)
    login(client, "sociaal_beheerder")
    base = f"/locaties/{ids['site']}/imo/vergaderingen/{ids['june']}"
    assert "Attendance" in text(client.get(base))  # the UI is English for this user

    fed = []
    real = pdf_module.render_pdf
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, base_url=None: (
        fed.append(html), b"%PDF-fake")[1])
    assert client.get(base + "/pdf").status_code == 200
    [html] = fed
    for dutch in ('<html lang="nl">', "Intake- en matchingsoverleg (IMO)", "Aanwezigheid",
                  "Concept: het verslag is nog niet vastgesteld.", "Voorzitter",
                  "15 jun 2026", "1. Balans op de locatie"):
        assert dutch in html, dutch
    for english in ("Attendance", "Intake and matching meeting", "Chair", "Draft", "Jun 15"):
        assert english not in html, english
    printed = text(client.get(base + "/afdruk"))
    assert "Intake- en matchingsoverleg (IMO)" in printed and "Attendance" not in printed

    try:
        import weasyprint  # noqa: F401
    except Exception as error:  # pragma: no cover - depends on the system's Pango
        pytest.skip(f"WeasyPrint cannot be imported ({error}); the PDF needs it")
    monkeypatch.setattr(pdf_module, "render_pdf", real)
    response = client.get(base + "/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert b"/Lang (nl)" in pdf_objects(response.data)  # the document's language: Dutch
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('-2026-06-15.pdf"')


def test_reading_a_meeting_is_audit_logged_with_the_reader(app, client, ids, monkeypatch):
    """The meeting page, print view and PDF show candidates' motivation and advice:
    every read is logged like a dossier read; refused requests log nothing."""
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, base_url=None: b"%PDF-fake")

    def reads():
        return query(app, lambda s: [tuple(r) for r in s.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.entity_id, AuditEvent.site_id,
                      AuditEvent.changes).where(AuditEvent.entity_type == "imo_meeting",
                                                AuditEvent.action == "view")
            .order_by(AuditEvent.id)).all()])

    assert reads() == []
    base = f"/locaties/{ids['site']}/imo/vergaderingen"
    expected = []
    for role, meeting in (("bestuur", "june"), ("communitycoach", "may"),
                          (TOELATING, "june"), ("sociaal_beheerder", "may")):
        login(client, role)
        for suffix, shown_as in (("", "page"), ("/afdruk", "print"), ("/pdf", "pdf")):
            assert client.get(f"{base}/{ids[meeting]}{suffix}").status_code == 200
            expected.append((ids[f"user_{role}"], ids[meeting], ids["site"],
                             {"as": shown_as}))
    assert reads() == expected
    for role in ("kerngroep", "other_site"):
        login(client, role)
        for suffix in ("", "/afdruk", "/pdf"):
            assert client.get(f"{base}/{ids['june']}{suffix}").status_code == 403
    client.post("/logout")
    client.get(f"{base}/{ids['june']}")
    assert reads() == expected


@pytest.mark.parametrize("role,sees_organisation", [
    ("sociaal_beheerder", True), ("begeleider", True), (ANKER_BEGELEIDER, False),
    ("bestuur", False), ("communitycoach", False), (TOELATING, False),
])
def test_the_proposing_organisation_is_care_data(app, client, ids, role, sees_organisation):
    """Which care organisation supports a candidate is for those who see the soft-landing
    details only."""
    login(client, role)
    page = main_of(dossier(client, ids))
    assert DIRK in page
    assert ("Zorggroep De Linde" in page) is sees_organisation


def _vacancy_what_if(page: str) -> list[list[str]] | None:
    """The rows of point 1's what-if table (a newcomer in each free vacancy), or None."""
    label = re.search(r'<p id="(whatif-vacancies-\d+)">Wat als er een nieuwe bewoner komt\?',
                      page)
    table = label and re.search(rf'<table [^>]*aria-labelledby="{label.group(1)}">.*?</table>',
                                page, re.S)
    return table_rows(table.group(0)) if table else None


@pytest.mark.parametrize("role", ["sociaal_beheerder", "bestuur", "communitycoach",
                                  ANKER_BEGELEIDER, TOELATING])
def test_every_member_sees_the_mix_after_a_newcomer_in_each_vacancy(app, client, ids, role):
    """Point 1: per free vacancy, the part's and the site's mix after a begeleid and after
    an onbegeleid newcomer: aggregates, so for every IMO member, also those for whom a
    candidate's own what-if is care data (the bestuur, the coach); for them on the
    published figures (the disclosure rules), the sociaal beheerder on the exact ones."""
    from models import ImoMeeting
    from services.imo.agenda import build_agenda, published_agenda
    from services.registry.disclosure import DisclosureRules

    def expected(session):
        agenda = build_agenda(session, session.get(ImoMeeting, ids["june"]))
        if role != "sociaal_beheerder":
            agenda = published_agenda(session, agenda, DisclosureRules())
        cell = lambda a: f"{a.begeleid}/{a.total}"  # noqa: E731
        return [[x.vacancy.number, cell(x.begeleid.part), cell(x.begeleid.site),
                 cell(x.onbegeleid.part), cell(x.onbegeleid.site)]
                for x in agenda.vacancy_whatifs]

    wanted = query(app, expected)
    login(client, role)
    page = text(client.get(f"/locaties/{ids['site']}/imo/vergaderingen/{ids['june']}"))
    rows = _vacancy_what_if(main_of(page))
    if role == "sociaal_beheerder":
        assert wanted, "the June meeting has no free vacancy to show"
    elif not wanted:  # the published site figure is withheld: no what-if to build on
        assert rows is None and "niet getoond" in page
        return
    assert rows is not None, f"{role} gets no what-if of the vacancies"
    # each cell starts with begeleid/total, then the share and the judgement
    assert [[cells[0].split()[0], *(c.split()[0] for c in cells[1:])] for cells in rows] \
        == wanted
    if role in ("bestuur", "communitycoach"):
        assert f"Wat als {DIRK} hier komt wonen?" not in page


ADVICE_CONDITIONS = "Vaste begeleider stelt zich voor aan de directe buren"
ADVICE_REASONING = "Past bij de begeleiding die De Linde al biedt"


@pytest.mark.parametrize("role", ["sociaal_beheerder", "begeleider", TOELATING, "bestuur",
                                  "communitycoach", ANKER_BEGELEIDER])
def test_an_advices_free_text_is_care_data(app, client, ids, role):
    """The conditions and reasoning of an advice speak of the candidate's support: shown
    only to those who see the candidate's begeleid status (the attack: a bestuur member
    read "Vaste begeleider stelt zich voor ..." while the status itself was hidden)."""
    def advise(session):
        entry = session.scalar(sa.select(MeetingCandidate).where(
            MeetingCandidate.meeting_id == ids["june"],
            MeetingCandidate.candidate_id == ids["dirk"]))
        ms.record_advice(session, entry, advice="positief", conditions=ADVICE_CONDITIONS,
                         reasoning=ADVICE_REASONING, unit_id=None, actor_id=None)
        session.commit()

    query(app, advise)
    login(client, role)
    base = f"/locaties/{ids['site']}/imo/vergaderingen/{ids['june']}"
    pages = [text(client.get(base)), text(client.get(base + "/afdruk"))]
    sees = role in ("sociaal_beheerder", "begeleider", TOELATING)
    for page in pages:
        assert (ADVICE_CONDITIONS in page) is sees, role
        assert (ADVICE_REASONING in page) is sees, role
        if not sees:
            assert "toelichting niet getoond" in page


STEP_NOTE = "Krijgt voorlopig intensieve begeleiding in de opvang"


@pytest.mark.parametrize("role", ["sociaal_beheerder", "begeleider", TOELATING, "bestuur",
                                  "communitycoach", ANKER_BEGELEIDER])
def test_a_steps_reason_and_note_are_care_data(app, client, ids, role):
    """The dossier's "Verloop" lists each step with its reason and note, which speak of
    the candidate's support: shown only to those who see the candidate's status (the
    attack: the bestuur read a hold note about intensive support)."""
    def hold(session):
        from services.imo import candidates as cs
        cs.set_status(session, session.get(Candidate, ids["dirk"]), "aangehouden",
                      on=date(2026, 6, 15), note=STEP_NOTE, actor_id=None)
        session.commit()

    query(app, hold)
    login(client, role)
    page = main_of(dossier(client, ids))
    sees = role in ("sociaal_beheerder", "begeleider", TOELATING)
    assert (STEP_NOTE in page) is sees, role
    assert "aangehouden" in page
    if not sees:
        assert "toelichting niet getoond" in page
