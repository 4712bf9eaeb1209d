"""The IMO forms, driven through HTTP as the sociaal_beheerder: registering candidates
(with its checks and the duplicate warning), planning the meeting, the advice, and
locking the minutes (after which only addenda are possible)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from models import (Addendum, AgendaItem, AuditEvent, Candidate, ImoMeeting,
                    MeetingCandidate)
from tests.web.support import (count, db_snapshot, field_error,  # noqa: F401 (autouse)
                               form_alert, fresh_rate_limits, main_of, query, redirect_path,
                               strip_tags, text)

SB = "sociaal_beheerder"
SEVEN_POINTS = [
    "1. Balans op de locatie en in de delen met een vrijkomende woning",
    "2. Huidige verdeling begeleid / onbegeleid",
    "3. Mutaties sinds het vorige IMO",
    "4. Motivatie en bereidheid tot bijdragen van de kandidaten",
    "5. Kenmerken van de kandidaten (begeleid / onbegeleid, instroomroute)",
    "6. Advies aan de corporatie en andere partijen, extra afspraken",
    "7. Overdracht aan de welkomstcommissie van de woonvereniging",
]


def flashes(page: str) -> list[tuple[str, str]]:
    """The flashed messages at the top of the page as (category, text)."""
    return [(category, strip_tags(message)) for category, message in re.findall(
        r'<div class="alert alert-(\w+)" role="status">(.*?)</div>', page, re.S)]


def follow(client, response) -> str:
    assert response.status_code == 302, (response.status_code, text(response)[:2000])
    return text(client.get(response.headers["Location"]))


def candidate_form(world, **overrides) -> dict:
    data = {"name": "Kim Kandidaat", "email": "", "phone": "", "date_of_birth": "1990-02-03",
            "household_size": "1", "registered_on": "2026-06-01", "intake_route": "selectie",
            "support_status": "onbegeleid", "care_organisation_id": "", "indicated_hours": "",
            "motivation": "Ik kook graag voor anderen", "problem_severity": "",
            "accepts_support": "", "fallback_place": "", "special_conditions": ""}
    data.update(overrides)
    return data


def candidate_events(app) -> int:
    return count(app, AuditEvent, AuditEvent.entity_type == "candidate")


@pytest.fixture
def sb(login_as):
    return login_as(SB)


@pytest.fixture
def urls(world):
    base = f"/locaties/{world.site}/imo"
    return {"new": f"{base}/kandidaten/nieuw", "meeting": f"{base}/vergaderingen/nieuw",
            "overview": f"{base}/"}


# --- registering a candidate -----------------------------------------------------------

def test_new_candidate_form(sb, urls):
    response = sb.get(urls["new"])
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'<input[^>]*id="registered_on"[^>]*value="2026-06-15"', page)
    assert 'id="confirm_duplicate"' not in page  # only after a duplicate warning


def test_register_a_candidate(app, sb, urls, world):
    response = sb.post(urls["new"], data=candidate_form(world))
    kim = query(app, lambda s: s.scalar(sa.select(Candidate)))
    assert redirect_path(response) == f"/locaties/{world.site}/imo/kandidaten/{kim.id}"
    page = follow(sb, response)
    assert ("success", "Kim Kandidaat staat op de wachtlijst.") in flashes(page)
    assert (kim.status, kim.support_status, kim.household_size) == ("aangemeld", "onbegeleid", 1)
    assert "Kim Kandidaat" in text(sb.get(urls["overview"]))
    create = query(app, lambda s: s.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "candidate", AuditEvent.action == "create")))
    assert create.actor_id == world.users[SB] and create.entity_id == kim.id


@pytest.mark.parametrize("overrides,field,message", [
    ({"name": "   "}, "name", "Vul een naam in."),
    ({"intake_route": "zorgaanbieder", "support_status": "begeleid",
      "care_organisation_id": ""}, "care_organisation_id",
     "Kies de zorgaanbieder die deze kandidaat begeleidt."),
    ({"support_status": "begeleid", "care_organisation_id": ""}, "care_organisation_id",
     "Kies de zorgaanbieder die deze kandidaat begeleidt."),
    ({"household_size": "0"}, "household_size", "Een huishouden telt 1 tot 20 personen."),
    ({"household_size": "21"}, "household_size", "Een huishouden telt 1 tot 20 personen."),
], ids=["empty name", "zorgaanbieder route without organisation",
        "begeleid without organisation", "household of 0", "household of 21"])
def test_bad_candidate_input_is_refused(overrides, field, message, app, sb, urls, world):
    before = db_snapshot(app)
    response = sb.post(urls["new"], data=candidate_form(world, **overrides))
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, field) == message
    assert form_alert(page) == "Controleer de gemarkeerde velden."
    assert db_snapshot(app) == before  # nothing saved, nothing logged
    assert count(app, Candidate) == 0


def test_duplicate_needs_a_confirmation(app, sb, urls, world):
    assert sb.post(urls["new"], data=candidate_form(world)).status_code == 302
    events = candidate_events(app)

    again = candidate_form(world, name="kim kandidaat", motivation="Tweede aanmelding")
    response = sb.post(urls["new"], data=again)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "confirm_duplicate") == (
        "Deze persoon staat mogelijk al op de wachtlijst: Kim Kandidaat (2026-06-01). "
        "Controleer dit, of bevestig dat het iemand anders is.")
    checkbox = re.search(r'<input[^>]*id="confirm_duplicate"[^>]*>', page)
    assert checkbox and 'type="checkbox"' in checkbox.group(0)
    assert re.search(r'<label for="confirm_duplicate">Ik heb gecontroleerd: dit is een andere '
                     r'persoon</label>', page)
    assert re.search(r'<input[^>]*id="name"[^>]*value="kim kandidaat"', page)  # input kept
    assert count(app, Candidate) == 1 and candidate_events(app) == events

    response = sb.post(urls["new"], data={**again, "confirm_duplicate": "y"})
    assert response.status_code == 302
    assert ("success", "kim kandidaat staat op de wachtlijst.") in flashes(follow(sb, response))
    assert count(app, Candidate) == 2


def test_an_edit_that_makes_a_duplicate_needs_a_confirmation(app, sb, urls, world):
    """Correcting a name or e-mail into another candidate's asks first, as registering
    does; once confirmed, later edits of that dossier do not ask again."""
    assert sb.post(urls["new"], data=candidate_form(world)).status_code == 302
    assert sb.post(urls["new"], data=candidate_form(world, name="Sam Anders",
                                                    email="sam@voorbeeld.nl")).status_code == 302
    sam = query(app, lambda s: s.scalar(sa.select(Candidate.id).where(
        Candidate.name == "Sam Anders")))
    edit = f"/locaties/{world.site}/imo/kandidaten/{sam}/bewerken"
    before = db_snapshot(app)
    changed = candidate_form(world, name="Kim Kandidaat", email="sam@voorbeeld.nl")
    response = sb.post(edit, data=changed)
    assert response.status_code == 422
    assert field_error(text(response), "confirm_duplicate").startswith(
        "Deze persoon staat mogelijk al op de wachtlijst: Kim Kandidaat (")
    assert db_snapshot(app) == before  # nothing saved, nothing logged
    assert sb.post(edit, data={**changed, "confirm_duplicate": "y"}).status_code == 302
    assert query(app, lambda s: s.get(Candidate, sam).name) == "Kim Kandidaat"
    # the look-alike is confirmed: editing something else saves at once
    assert sb.post(edit, data={**changed, "motivation": "Nieuw"}).status_code == 302
    assert query(app, lambda s: s.get(Candidate, sam).motivation) == "Nieuw"


# --- the meeting -----------------------------------------------------------------------

@pytest.fixture
def meeting(app, sb, urls, world):
    """Kim on the waiting list, and the June IMO planned through the form; its id."""
    assert sb.post(urls["new"], data=candidate_form(world)).status_code == 302
    response = sb.post(urls["meeting"], data={
        "held_on": "2026-06-15", "location": "Huiskamer", "chair_id": str(world.users[SB]),
        "deputy_chair": ""})
    meeting_id = query(app, lambda s: s.scalar(sa.select(ImoMeeting.id)))
    assert meeting_id is not None, text(response)[:3000]
    assert redirect_path(response) == f"/locaties/{world.site}/imo/vergaderingen/{meeting_id}"
    assert ("success", "Het IMO is aangemaakt; de agenda is gevuld.") in \
        flashes(follow(sb, response))
    return meeting_id


def meeting_url(world, meeting_id, suffix=""):
    return f"/locaties/{world.site}/imo/vergaderingen/{meeting_id}{suffix}"


def test_new_meeting_form(sb, urls, world):
    page = text(sb.get(urls["meeting"]))
    assert re.search(r'<input[^>]*id="held_on"[^>]*value="2026-06-15"', page)
    assert re.search(rf'<option selected value="{world.users[SB]}">|'
                     rf'<option value="{world.users[SB]}" selected>', page)


def test_meeting_page_lists_the_seven_points_and_the_candidate(sb, world, meeting):
    page = main_of(text(sb.get(meeting_url(world, meeting))))
    titles = [strip_tags(t) for t in re.findall(r"<h3 [^>]*>(.*?)</h3>", page, re.S)]
    assert titles == SEVEN_POINTS
    assert "<h4>Kim Kandidaat</h4>" in page  # point 4, motivation
    assert "Ik kook graag voor anderen" in page
    assert "Advies over Kim Kandidaat vastleggen" in page
    assert "Huiskamer" in page and "Test sociaal_beheerder" in page


def test_second_meeting_in_the_same_month_is_refused(app, sb, urls, world, meeting):
    before = db_snapshot(app)
    response = sb.post(urls["meeting"], data={"held_on": "2026-06-29", "location": "",
                                              "chair_id": "", "deputy_chair": ""})
    assert response.status_code == 422
    assert field_error(text(response), "held_on") == "Er is al een IMO in deze maand."
    assert db_snapshot(app) == before
    assert count(app, ImoMeeting) == 1


def data_snapshot(app) -> dict:
    """``db_snapshot`` without the logged reads of the meeting page (following a redirect
    back to it is a read, and is logged)."""
    snapshot = db_snapshot(app)
    snapshot["audit_events"] = [row for row in snapshot["audit_events"]
                                if not ("'imo_meeting'" in row and "'view'" in row)]
    return snapshot


def _entry(app, meeting_id) -> MeetingCandidate:
    return query(app, lambda s: s.scalar(sa.select(MeetingCandidate).where(
        MeetingCandidate.meeting_id == meeting_id)))


def test_advice_with_conditions_needs_the_conditions(app, sb, world, meeting):
    entry = _entry(app, meeting)
    prefix = f"a{entry.id}-"
    url = meeting_url(world, meeting, f"/advies/{entry.id}")
    before = data_snapshot(app)
    response = sb.post(url, data={prefix + "advice": "positief_onder_voorwaarden",
                                  prefix + "conditions": "  ", prefix + "reasoning": "",
                                  prefix + "unit_id": ""})
    assert redirect_path(response) == meeting_url(world, meeting)
    assert ("error", "Voorwaarden: Noem de voorwaarden bij een positief advies onder "
                     "voorwaarden.") in flashes(follow(sb, response))
    assert data_snapshot(app) == before
    assert _entry(app, meeting).advice is None
    assert query(app, lambda s: s.scalar(sa.select(Candidate.status))) == "in_bespreking"

    response = sb.post(url, data={prefix + "advice": "positief_onder_voorwaarden",
                                  prefix + "conditions": "Eerst een kennismaking",
                                  prefix + "unit_id": str(world.units["B3"])})
    assert ("success", "Het advies is vastgelegd.") in flashes(follow(sb, response))
    saved = _entry(app, meeting)
    assert (saved.advice, saved.conditions, saved.unit_id) == (
        "positief_onder_voorwaarden", "Eerst een kennismaking", world.units["B3"])
    assert query(app, lambda s: s.scalar(sa.select(Candidate.status))) == "advies_gegeven"


def _items(app, meeting_id) -> list[tuple[int, str | None]]:
    return query(app, lambda s: [tuple(r) for r in s.execute(
        sa.select(AgendaItem.id, AgendaItem.minutes).where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position)).all()])


def test_locked_minutes_only_take_addenda(app, sb, world, meeting):
    first = _items(app, meeting)[0][0]
    url = lambda suffix: meeting_url(world, meeting, suffix)  # noqa: E731

    # an addendum is for locked minutes only
    response = sb.post(url("/addendum"), data={"text": "Te vroeg"})
    assert ("error", "Tekst: Het verslag is nog niet vastgesteld; pas het verslag zelf aan.") \
        in flashes(follow(sb, response))

    response = sb.post(url("/verslag"), data={f"item-{first}": "Blok B is in balans"})
    assert ("success", "Het verslag is opgeslagen.") in flashes(follow(sb, response))
    response = sb.post(url("/vaststellen"))
    page = follow(sb, response)
    assert ("success", "Het verslag is vastgesteld en kan niet meer worden gewijzigd.") in \
        flashes(page)
    assert "<textarea" not in main_of(page).split('id="h-addenda"')[0]  # no minutes fields
    assert "Blok B is in balans" in page
    locked = query(app, lambda s: s.get(ImoMeeting, meeting))
    assert locked.locked_at is not None and locked.locked_by_id == world.users[SB]
    assert (locked.snapshot["site"]["begeleid"], locked.snapshot["site"]["total"]) == (2, 4)

    before = data_snapshot(app)
    response = sb.post(url("/verslag"), data={f"item-{first}": "Achteraf gewijzigd"})
    assert ("error", "Het verslag is vastgesteld; voeg een addendum toe.") in \
        flashes(follow(sb, response))
    entry = _entry(app, meeting)
    response = sb.post(url(f"/advies/{entry.id}"), data={f"a{entry.id}-advice": "negatief"})
    assert any(category == "error" for category, _ in flashes(follow(sb, response)))
    response = sb.post(url("/punt"), data={"title": "Nog een punt"})
    assert any(category == "error" for category, _ in flashes(follow(sb, response)))
    response = sb.post(url("/vaststellen"))
    assert any(category == "error" for category, _ in flashes(follow(sb, response)))
    assert data_snapshot(app) == before
    assert _items(app, meeting)[0][1] == "Blok B is in balans"

    response = sb.post(url("/addendum"), data={"text": "Correctie: Kim kookt op dinsdag"})
    page = follow(sb, response)
    assert ("success", "Het addendum is toegevoegd.") in flashes(page)
    assert "Correctie: Kim kookt op dinsdag" in main_of(page)
    assert query(app, lambda s: [(a.text, a.created_by_id) for a in s.scalars(
        sa.select(Addendum))]) == [("Correctie: Kim kookt op dinsdag", world.users[SB])]
    assert "Correctie: Kim kookt op dinsdag" in text(sb.get(url("/afdruk")))


def test_print_view_of_locked_minutes_stays_as_it_was(app, sb, world, meeting):
    """What is printed after the lock is what was printed at the lock: a placement, a
    late move-out, a status change and edits of the candidate afterwards change nothing
    (corrections are addenda), although the live agenda has changed."""
    from datetime import date
    from decimal import Decimal

    from models import Resident, db
    from services.imo import agenda as agenda_service
    from services.imo import placement
    from services.registry import residents as rs

    entry = _entry(app, meeting)
    response = sb.post(meeting_url(world, meeting, f"/advies/{entry.id}"), data={
        f"a{entry.id}-advice": "positief", f"a{entry.id}-unit_id": str(world.units["B3"])})
    assert redirect_path(response) == meeting_url(world, meeting)
    assert redirect_path(sb.post(meeting_url(world, meeting, "/vaststellen"))) == \
        meeting_url(world, meeting)
    printed = text(sb.get(meeting_url(world, meeting, "/afdruk")))
    assert "Zoals vastgesteld op" in printed and "A3 (Blok A, nu), B3 (Blok B, nu)" in printed

    with app.app_context():
        kim = db.session.scalar(sa.select(Candidate))
        placement.record_decision(db.session, kim, decision="toewijzen",
                                  decided_on=date(2026, 6, 15), unit_id=world.units["B3"],
                                  reasoning=None, reason_id=None, actor_id=None)
        placement.place_candidate(db.session, kim, move_in=date(2026, 6, 15), actor_id=None,
                                  today=date(2026, 6, 15))
        rs.record_move_out(db.session, db.session.get(Resident, world.residents["vrij2"]),
                           move_out=date(2026, 6, 10), reason="opgezegd", actor_id=None)
        rs.record_status_change(db.session, db.session.get(Resident, world.residents["vrij1"]),
                                valid_from=date(2026, 6, 1), support=rs.SupportData(
                                    "begeleid", world.orgs["anker"], Decimal(3)),
                                note=None, actor_id=None)
        kim.motivation, kim.household_size = "Achteraf herschreven", 4
        live = agenda_service.build_agenda(db.session, db.session.get(ImoMeeting, meeting))
        assert [v.number for v in live.vacancies] == ["A3", "B2"]  # the registry did change
        db.session.commit()
        db.session.remove()

    assert text(sb.get(meeting_url(world, meeting, "/afdruk"))) == printed
    page = main_of(text(sb.get(meeting_url(world, meeting))))
    assert "Ik kook graag voor anderen" in page and "Achteraf herschreven" not in page


# --- the list of reasons for rejecting or withdrawing -----------------------------------

def reason_rows(app) -> list[tuple[str, str, bool]]:
    from models import ReasonOption
    return query(app, lambda s: [(r.kind, r.text, r.active) for r in s.scalars(
        sa.select(ReasonOption).order_by(ReasonOption.id))])


def test_reading_the_empty_reason_list_writes_nothing(app, sb, urls, world):
    """A fresh install without the demo: the page proposes the defaults, reading it
    creates nothing."""
    response = sb.get(f"/locaties/{world.site}/imo/redenen")
    assert response.status_code == 200
    page = main_of(text(response))
    assert "Past niet in de gewenste mix" in page and "Andere woning gevonden" in page
    assert "De lijst is nog leeg" in page
    assert reason_rows(app) == []


def test_the_first_reason_saved_brings_the_defaults(app, sb, world):
    url = f"/locaties/{world.site}/imo/redenen"
    response = sb.post(url, data={"kind": "teruggetrokken", "text": " Verhuisd naar Spanje "})
    assert redirect_path(response) == url
    assert ("success", "De reden is toegevoegd.") in flashes(follow(sb, response))
    rows = reason_rows(app)
    assert len(rows) == 9 and rows[-1] == ("teruggetrokken", "Verhuisd naar Spanje", True)
    assert ("afgewezen", "Past niet in de gewenste mix", True) in rows


@pytest.mark.parametrize("data,field,message", [
    ({"kind": "afgewezen", "text": "  "}, "text", "Vul een reden in."),
    ({"kind": "", "text": "Te laat gereageerd"}, "kind", "Kies afwijzen of terugtrekken."),
    ({"kind": "verhuisd", "text": "Te laat gereageerd"}, "kind", "Ongeldige keuze."),
    ({"kind": "afgewezen", "text": "x" * 201}, "text", "Een reden is hoogstens 200 tekens."),
    ({"kind": "afgewezen", "text": "past NIET in de gewenste mix"}, "text",
     "Deze reden staat al in de lijst."),
], ids=["empty", "no kind", "unknown kind", "too long", "already in the list"])
def test_bad_reason_input_is_refused(data, field, message, app, sb, world):
    from services.imo import candidates as cs
    from models import db
    if field == "text" and message.startswith("Deze"):
        with app.app_context():
            cs.ensure_default_reasons(db.session, world.site)
            db.session.commit()
            db.session.remove()
    before = db_snapshot(app)
    response = sb.post(f"/locaties/{world.site}/imo/redenen", data=data)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, field) == message
    assert form_alert(page) == "Controleer de gemarkeerde velden."
    assert db_snapshot(app) == before  # nothing saved: not even the defaults


def test_rename_and_deactivate_a_reason(app, sb, urls, world):
    from models import ReasonOption
    assert sb.post(urls["new"], data=candidate_form(world)).status_code == 302  # the defaults
    kim = query(app, lambda s: s.scalar(sa.select(Candidate.id)))
    reason = query(app, lambda s: s.scalar(sa.select(ReasonOption).where(
        ReasonOption.text == "Zag af na kennismaking")))
    url = f"/locaties/{world.site}/imo/redenen/{reason.id}"
    dossier = f"/locaties/{world.site}/imo/kandidaten/{kim}"

    before = db_snapshot(app)
    response = sb.post(url, data={"text": "Andere woning gevonden", "active": "y"})
    assert response.status_code == 422
    assert field_error(text(response), "text") == "Deze reden staat al in de lijst."
    assert db_snapshot(app) == before

    response = sb.post(url, data={"text": "Zag af na de kennismaking", "active": "y"})
    assert ("success", "De reden is opgeslagen.") in flashes(follow(sb, response))
    assert sb.post(dossier + "/status", data={
        "status-status": "teruggetrokken", "status-on": "2026-06-15",
        "status-reason_id": str(reason.id), "status-note": ""}).status_code == 302
    assert query(app, lambda s: s.get(Candidate, kim).status) == "teruggetrokken"

    response = sb.post(url, data={"text": "Zag af na de kennismaking"})  # unticked: off
    assert redirect_path(response) == f"/locaties/{world.site}/imo/redenen"
    assert ("teruggetrokken", "Zag af na de kennismaking", False) in reason_rows(app)
    assert len(reason_rows(app)) == 8  # nothing deleted
    page = main_of(text(sb.get(dossier)))
    assert "Zag af na de kennismaking" in page  # still in Kim's history
    assert f'value="{reason.id}"' not in page  # no longer offered


def test_rejecting_works_on_a_fresh_install(app, sb, urls, world):
    """Without the demo, registering the first candidate puts the default reasons in, so a
    withdrawal can be recorded."""
    from models import ReasonOption
    assert reason_rows(app) == []
    assert sb.post(urls["new"], data=candidate_form(world)).status_code == 302
    kim = query(app, lambda s: s.scalar(sa.select(Candidate.id)))
    dossier = f"/locaties/{world.site}/imo/kandidaten/{kim}"
    reason = query(app, lambda s: s.scalar(sa.select(ReasonOption.id).where(
        ReasonOption.text == "Andere woning gevonden")))
    assert f'value="{reason}"' in text(sb.get(dossier))
    response = sb.post(dossier + "/status", data={
        "status-status": "teruggetrokken", "status-on": "2026-06-15",
        "status-reason_id": str(reason), "status-note": ""})
    assert ("success", "De status is gewijzigd.") in flashes(follow(sb, response))
    assert query(app, lambda s: s.get(Candidate, kim).status) == "teruggetrokken"
