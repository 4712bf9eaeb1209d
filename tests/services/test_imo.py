"""The IMO from waiting list to placed resident, against a real database."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import (AuditEvent, Candidate, HandoverTask, ImoMeeting, ReasonOption, Resident,
                    SupportPeriod)
from models.enums import CandidateStatus, Role
from services.access import SiteAccess
from services.errors import RuleViolation
from services.imo import agenda as agenda_service
from services.imo import candidates as cs
from services.imo import frozen
from services.imo import meetings as ms
from services.imo import placement
from services.privacy import retention
from services.registry import residents as rs
from services.registry.mix import site_mix
from tests.conftest import TODAY, build_world

NOW = datetime(2026, 6, 15, 20, 0, tzinfo=timezone.utc)


@pytest.fixture
def w(session):
    world = build_world(session)
    cs.ensure_default_reasons(session, world.site.id)
    return world


def sb_access(w):
    return SiteAccess(w.site.id, frozenset({Role.SOCIAAL_BEHEERDER}))


def candidate_data(name="Kim Kandidaat", route="selectie", status="onbegeleid", org=None,
                   **extra):
    return cs.CandidateData(name=name, intake_route=route, support_status=status,
                            registered_on=date(2026, 1, 10), care_organisation_id=org, **extra)


def test_register_warns_about_duplicates(session, w):
    access = sb_access(w)
    cs.register_candidate(session, access, candidate_data(
        date_of_birth=date(1990, 2, 3), email="kim@voorbeeld.nl"), actor_id=None, today=TODAY)
    with pytest.raises(cs.DuplicateWarning) as warning:
        cs.register_candidate(session, access, candidate_data(
            name="kim kandidaat", date_of_birth=date(1990, 2, 3)), actor_id=None, today=TODAY)
    assert "Kim Kandidaat" in str(warning.value)
    with pytest.raises(cs.DuplicateWarning):
        cs.register_candidate(session, access, candidate_data(
            name="K. Kandidaat", email="KIM@voorbeeld.nl"), actor_id=None, today=TODAY)
    cs.register_candidate(session, access, candidate_data(
        name="kim kandidaat", date_of_birth=date(1990, 2, 3)), actor_id=None, today=TODAY,
        confirm_duplicate=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 2


def test_an_edit_into_another_candidates_identity_warns(session, w):
    access = sb_access(w)
    kim = cs.register_candidate(session, access, candidate_data(email="kim@voorbeeld.nl"),
                                actor_id=None, today=TODAY)
    sam = cs.register_candidate(session, access, candidate_data(name="Sam Anders"),
                                actor_id=None, today=TODAY)
    with pytest.raises(cs.DuplicateWarning) as warning:
        cs.update_candidate(session, access, sam, candidate_data(
            name="Sam Anders", email="KIM@voorbeeld.nl"), actor_id=None, today=TODAY)
    assert warning.value.duplicates == [kim] and sam.email is None
    # her own identity unchanged: no warning, also when another field changes
    cs.update_candidate(session, access, kim, candidate_data(
        email="kim@voorbeeld.nl", motivation="Anders"), actor_id=None, today=TODAY)
    cs.update_candidate(session, access, sam, candidate_data(
        name="Sam Anders", email="kim@voorbeeld.nl"), actor_id=None, today=TODAY,
        confirm_duplicate=True)
    assert sam.email == "kim@voorbeeld.nl"


def test_begeleider_registers_only_for_own_organisation(session, w):
    linde = SiteAccess(w.site.id, frozenset({Role.BEGELEIDER}),
                       care_organisation_ids=frozenset({w.orgs["linde"].id}))
    with pytest.raises(RuleViolation):
        cs.register_candidate(session, linde, candidate_data(
            route="zorgaanbieder", status="begeleid", org=w.orgs["anker"].id),
            actor_id=None, today=TODAY)
    cs.register_candidate(session, linde, candidate_data(
        route="zorgaanbieder", status="begeleid", org=w.orgs["linde"].id,
        indicated_hours=Decimal(5)), actor_id=None, today=TODAY)


@pytest.mark.parametrize("changes,field", [
    (dict(route="zorgaanbieder", status="onbegeleid"), "support_status"),
    (dict(status="begeleid", org=None), "care_organisation_id"),
    (dict(household_size=0), "household_size"),
    (dict(problem_severity="heel zwaar"), "problem_severity"),
    (dict(name="  "), "name"),
])
def test_candidate_data_is_checked(session, w, changes, field):
    with pytest.raises(RuleViolation) as err:
        cs.register_candidate(session, sb_access(w), candidate_data(**changes),
                              actor_id=None, today=TODAY)
    assert err.value.field == field


def test_rejection_needs_a_reason_of_the_right_kind(session, w):
    candidate = cs.register_candidate(session, sb_access(w), candidate_data(),
                                      actor_id=None, today=TODAY)
    with pytest.raises(RuleViolation):
        cs.set_status(session, candidate, CandidateStatus.TERUGGETROKKEN, on=TODAY,
                      actor_id=None)
    wrong = session.scalar(sa.select(ReasonOption).where(ReasonOption.kind == "afgewezen"))
    with pytest.raises(RuleViolation):
        cs.set_status(session, candidate, CandidateStatus.TERUGGETROKKEN, on=TODAY,
                      reason_id=wrong.id, actor_id=None)
    right = session.scalar(sa.select(ReasonOption).where(ReasonOption.kind == "teruggetrokken"))
    cs.set_status(session, candidate, CandidateStatus.TERUGGETROKKEN, on=TODAY,
                  reason_id=right.id, actor_id=None)
    assert [e.status for e in candidate.events] == ["aangemeld", "teruggetrokken"]
    with pytest.raises(RuleViolation):  # closed: nothing follows
        cs.set_status(session, candidate, CandidateStatus.AANGEMELD, on=TODAY, actor_id=None)


def test_vacancies_include_announced_move_outs(session, w):
    rs.record_move_out(session, session.get(Resident, w.residents["vrij2"].id),
                       move_out=date(2026, 8, 1), reason="opgezegd", actor_id=None)
    found = {v.number: v.available_from for v in agenda_service.vacancies(
        session, w.site.id, TODAY)}
    assert found == {"A3": None, "B3": None, "B2": date(2026, 8, 1)}


def test_vacancies_as_the_registry_stood_on_a_date(session, w):
    """Otto leaves B2 on 1 May (recorded ahead) and Nina moves in on 1 June: on each date
    the list is what the registry said then, not what it says today."""
    otto = session.get(Resident, w.residents["vrij2"].id)
    rs.record_move_out(session, otto, move_out=date(2026, 5, 1), reason="opgezegd",
                       actor_id=None)
    rs.add_resident(session, site_id=w.site.id, unit_id=w.units["B2"].id,
                    move_in=date(2026, 6, 1), person=rs.PersonalData(name="Nina Nieuw"),
                    support=rs.SupportData("onbegeleid"), actor_id=None, today=TODAY)

    def on(day):
        return {v.number: v.available_from
                for v in agenda_service.vacancies(session, w.site.id, day)}

    assert on(date(2026, 4, 15)) == {"A3": None, "B3": None, "B2": date(2026, 5, 1)}
    assert on(date(2026, 5, 15)) == {"A3": None, "B3": None, "B2": date(2026, 5, 1)}
    assert on(date(2026, 6, 1)) == on(TODAY) == {"A3": None, "B3": None}
    # before anybody had moved in (1 March 2024) every unit was free
    assert set(on(date(2024, 2, 1))) == {"A1", "A2", "A3", "B1", "B2", "B3"}


def test_locked_minutes_keep_the_whole_agenda(session, w):
    """After the lock the agenda is read back from the snapshot: a later placement,
    move-out, status change and edits of the candidate change none of the seven points."""
    access = sb_access(w)
    kim = cs.register_candidate(session, access, candidate_data(motivation="Ik kook graag"),
                                actor_id=None, today=TODAY)
    cs.add_fact(session, kim, kind="informatieavond", on=date(2026, 5, 1), note=None,
                actor_id=None, today=TODAY)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location=None, chair_id=None,
                                deputy_chair=None, actor_id=None)
    ms.record_advice(session, meeting.candidates[0], advice="positief", conditions=None,
                     reasoning="Past goed", unit_id=w.units["B3"].id, actor_id=None)
    ms.lock_minutes(session, meeting, actor_id=None, now=NOW)
    assert json.loads(json.dumps(meeting.snapshot)) == meeting.snapshot  # plain JSON

    def seen(agenda):
        return (agenda.since, [(v.number, v.available_from) for v in agenda.vacancies],
                [(p.name, p.units, p.vacant, p.assessment) for p in
                 [agenda.whole, *agenda.parts, *agenda.vacant_parts]],
                agenda.mutations, {rid: name for rid, (name, _unit) in agenda.people.items()},
                [(c.candidate.name, c.candidate.support_status, c.candidate.intake_route,
                  c.candidate.household_size, c.candidate.motivation,
                  [(f.on, f.kind) for f in c.candidate.facts], c.entry.advice,
                  c.entry.reasoning, [(p.vacancy.number, p.outcome) for p in c.placements])
                 for c in agenda.candidates],
                [(h.name, h.unit_number, h.move_in_date, h.done_at) for h in agenda.handovers],
                [(x.vacancy.number, x.begeleid, x.onbegeleid) for x in agenda.vacancy_whatifs])

    at_lock = seen(frozen.agenda_of(session, meeting))
    assert at_lock == seen(agenda_service.build_agenda(session, meeting))
    assert at_lock[1] == [("A3", None), ("B3", None)]
    assert [number for number, *_outcomes in at_lock[-1]] == ["A3", "B3"]

    # afterwards: Kim is placed in B3, Otto's move-out on 10 June and Vera's new status
    # from 1 June are recorded late, and Kim's dossier changes
    placement.record_decision(session, kim, decision="toewijzen", decided_on=TODAY,
                              unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                              actor_id=None)
    placement.place_candidate(session, kim, move_in=TODAY, actor_id=None, today=TODAY)
    rs.record_move_out(session, session.get(Resident, w.residents["vrij2"].id),
                       move_out=date(2026, 6, 10), reason="opgezegd", actor_id=None)
    rs.record_status_change(session, session.get(Resident, w.residents["vrij1"].id),
                            valid_from=date(2026, 6, 1),
                            support=rs.SupportData("begeleid", w.orgs["anker"].id, Decimal(3)),
                            note=None, actor_id=None)
    kim.motivation, kim.household_size = "Nu iets anders", 3
    cs.add_fact(session, kim, kind="activiteit", on=date(2026, 6, 2), note=None,
                actor_id=None, today=TODAY)
    session.flush()

    assert seen(agenda_service.build_agenda(session, meeting)) != at_lock  # it did change
    assert seen(frozen.agenda_of(session, meeting)) == at_lock


def test_every_free_vacancy_has_a_begeleid_and_an_onbegeleid_what_if(session, w):
    """Point 1 for every IMO member: the mix after a begeleid or an onbegeleid newcomer
    in each free vacancy (the world: Lies and Arie begeleid in A1 and A2, Vera and Otto
    onbegeleid in B1 and B2; A3 and B3 free). A unit promised already has none."""
    kim = cs.register_candidate(session, sb_access(w), candidate_data(), actor_id=None,
                                today=TODAY)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location=None, chair_id=None,
                                deputy_chair=None, actor_id=None)
    agenda = agenda_service.build_agenda(session, meeting)

    def figures(what_if):
        return ((what_if.part.begeleid, what_if.part.total),
                (what_if.site.begeleid, what_if.site.total), what_if.site.status)

    found = {x.vacancy.number: (figures(x.begeleid), figures(x.onbegeleid))
             for x in agenda.vacancy_whatifs}
    assert found == {
        "A3": (((3, 3), (3, 5), "out_of_band"), ((2, 3), (2, 5), "discuss")),
        "B3": (((1, 3), (3, 5), "out_of_band"), ((0, 3), (2, 5), "discuss")),
    }
    ms.record_advice(session, meeting.candidates[0], advice="positief", conditions=None,
                     reasoning=None, unit_id=w.units["B3"].id, actor_id=None)
    placement.record_decision(session, kim, decision="toewijzen", decided_on=TODAY,
                              unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                              actor_id=None)
    again = agenda_service.build_agenda(session, meeting)
    assert [x.vacancy.number for x in again.vacancy_whatifs] == ["A3"]
    # minutes locked before the what-ifs were on the agenda read back without them
    ms.lock_minutes(session, meeting, actor_id=None, now=NOW)
    meeting.snapshot = {k: v for k, v in meeting.snapshot.items() if k != "vacancy_whatifs"}
    assert frozen.agenda_of(session, meeting).vacancy_whatifs == []


def test_anonymising_a_candidate_reaches_locked_minutes(session, w):
    """The privacy job blanks a closed candidate's name and texts in frozen minutes too."""
    kim = cs.register_candidate(session, sb_access(w), candidate_data(
        motivation="Ik kook graag"), actor_id=None, today=TODAY)
    cs.add_fact(session, kim, kind="activiteit", on=date(2026, 5, 1), note="met haar zus",
                actor_id=None, today=TODAY)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location=None, chair_id=None,
                                deputy_chair=None, actor_id=None)
    ms.record_advice(session, meeting.candidates[0], advice="positief_onder_voorwaarden",
                     conditions="Proefperiode", reasoning="Kent de buurt", unit_id=None,
                     actor_id=None)
    ms.lock_minutes(session, meeting, actor_id=None, now=NOW)
    cs.set_status(session, kim, "teruggetrokken", on=TODAY,
                  reason_id=cs.reasons(session, w.site.id, "teruggetrokken")[0].id,
                  actor_id=None)
    retention.anonymise_candidates(session, [(kim.id, w.site.id)], now=NOW)
    stored = json.dumps(session.get(ImoMeeting, meeting.id).snapshot)
    for personal in ("Kim Kandidaat", "Ik kook graag", "met haar zus", "Proefperiode",
                     "Kent de buurt"):
        assert personal not in stored
    [entry] = frozen.agenda_of(session, session.get(ImoMeeting, meeting.id)).candidates
    assert entry.candidate.name == session.get(Candidate, kim.id).name != "Kim Kandidaat"
    assert entry.entry.advice == "positief_onder_voorwaarden"  # the outcome stays


def test_an_assigned_unit_is_neither_offered_nor_assigned_twice(session, w):
    access = sb_access(w)
    kim = cs.register_candidate(session, access, candidate_data(), actor_id=None, today=TODAY)
    bo = cs.register_candidate(session, access, candidate_data(name="Bo Buur"), actor_id=None,
                               today=TODAY)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location=None, chair_id=None,
                                deputy_chair=None, actor_id=None)
    for entry in meeting.candidates:
        ms.record_advice(session, entry, advice="positief", conditions=None, reasoning=None,
                         unit_id=w.units["B3"].id, actor_id=None)
    placement.record_decision(session, kim, decision="toewijzen", decided_on=TODAY,
                              unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                              actor_id=None)

    found = {v.number: v for v in agenda_service.vacancies(session, w.site.id, TODAY)}
    assert (found["B3"].assigned, found["B3"].assigned_to) == (True, "Kim Kandidaat")
    assert not found["A3"].assigned
    agenda = agenda_service.build_agenda(session, meeting)
    assert [v.number for v in agenda.free_vacancies] == ["A3"]
    assert {c.candidate.name: [p.vacancy.number for p in c.placements]
            for c in agenda.candidates} == {"Kim Kandidaat": ["A3"], "Bo Buur": ["A3"]}

    with pytest.raises(RuleViolation) as refused:
        placement.record_decision(session, bo, decision="toewijzen", decided_on=TODAY,
                                  unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                                  actor_id=None)
    assert refused.value.field == "unit_id"
    assert str(refused.value).startswith("Wooneenheid B3 is al toegewezen aan Kim Kandidaat.")
    assert bo.status == CandidateStatus.ADVIES_GEGEVEN

    # placed to move in next month, Kim still holds B3 (now as a resident to be)
    placement.place_candidate(session, kim, move_in=date(2026, 7, 1), actor_id=None,
                              today=TODAY)
    found = {v.number: v for v in agenda_service.vacancies(session, w.site.id, TODAY)}
    assert found["B3"].assigned_to == "Kim Kandidaat"
    with pytest.raises(RuleViolation):
        placement.record_decision(session, bo, decision="toewijzen", decided_on=TODAY,
                                  unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                                  actor_id=None)
    placement.record_decision(session, bo, decision="toewijzen", decided_on=TODAY,
                              unit_id=w.units["A3"].id, reasoning=None, reason_id=None,
                              actor_id=None)
    assert bo.status == CandidateStatus.BESLUIT_CORPORATIE


def test_whole_meeting_from_waiting_list_to_resident(session, w):
    access = sb_access(w)
    kim = cs.register_candidate(session, access, candidate_data(motivation="Ik kook graag"),
                                actor_id=None, today=TODAY)
    bo = cs.register_candidate(session, access, candidate_data(
        name="Bo Begeleid", route="zorgaanbieder", status="begeleid", org=w.orgs["linde"].id,
        indicated_hours=Decimal(4)), actor_id=None, today=TODAY)
    # a status change and a move-out since the previous month
    rs.record_status_change(session, session.get(Resident, w.residents["vrij1"].id),
                            valid_from=date(2026, 6, 1),
                            support=rs.SupportData("begeleid", w.orgs["anker"].id, Decimal(3)),
                            note=None, actor_id=None)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location="Huiskamer",
                                chair_id=w.users["sociaal_beheerder"].id, deputy_chair=None,
                                actor_id=None)
    assert [i.topic for i in meeting.items] == [
        "balans", "cijfers", "mutaties", "motivatie", "kenmerken", "advies", "overdracht"]
    invited_roles = {a.capacity for a in meeting.attendance}
    assert invited_roles == {"sociaal_beheerder", "communitycoach", "begeleider", "bestuur"}
    assert {c.candidate_id for c in meeting.candidates} == {kim.id, bo.id}
    assert kim.status == CandidateStatus.IN_BESPREKING

    agenda = agenda_service.build_agenda(session, meeting)
    # 3 of 4 begeleid now (Lies, Arie, Vera since June 1st)
    assert (agenda.whole.assessment.begeleid, agenda.whole.assessment.total) == (3, 4)
    assert agenda.mutation_counts == {"move_in": 0, "move_out": 0, "status_change": 1}
    assert {v.number for v in agenda.vacancies} == {"A3", "B3"}
    by_name = {c.candidate.name: c for c in agenda.candidates}
    outcomes = {p.vacancy.number: p.outcome for p in by_name["Kim Kandidaat"].placements}
    assert (outcomes["B3"].site.begeleid, outcomes["B3"].site.total) == (3, 5)
    assert (outcomes["B3"].part.begeleid, outcomes["B3"].part.total) == (1, 3)
    bo_in_a3 = {p.vacancy.number: p.outcome for p in by_name["Bo Begeleid"].placements}["A3"]
    assert (bo_in_a3.part.begeleid, bo_in_a3.part.total) == (3, 3)

    kim_entry = next(e for e in meeting.candidates if e.candidate_id == kim.id)
    with pytest.raises(RuleViolation):  # conditions required
        ms.record_advice(session, kim_entry, advice="positief_onder_voorwaarden",
                         conditions=None, reasoning=None, unit_id=None, actor_id=None)
    ms.record_advice(session, kim_entry, advice="positief", conditions=None,
                     reasoning="Versterkt blok B", unit_id=w.units["B3"].id, actor_id=None)
    assert kim.status == CandidateStatus.ADVIES_GEGEVEN

    with pytest.raises(RuleViolation):  # placement needs a decision
        placement.place_candidate(session, kim, move_in=TODAY, actor_id=None, today=TODAY)
    placement.record_decision(session, kim, decision="toewijzen", decided_on=TODAY,
                              unit_id=w.units["B3"].id, reasoning=None, reason_id=None,
                              actor_id=None)
    resident = placement.place_candidate(session, kim, move_in=date(2026, 7, 1),
                                         actor_id=None, today=TODAY)
    assert kim.status == CandidateStatus.GEPLAATST and kim.resident_id == resident.id
    assert resident.unit_id == w.units["B3"].id
    periods = session.scalars(sa.select(SupportPeriod).where(
        SupportPeriod.resident_id == resident.id)).all()
    assert [(p.status, p.valid_from) for p in periods] == [("onbegeleid", date(2026, 7, 1))]
    assert session.scalar(sa.select(HandoverTask).where(
        HandoverTask.resident_id == resident.id)) is not None
    after = site_mix(session, w.site, date(2026, 7, 1))
    assert (after.whole.assessment.begeleid, after.whole.assessment.total) == (3, 5)
    assert "B3" not in {v.number for v in agenda_service.vacancies(session, w.site.id,
                                                                   date(2026, 7, 1))}
    handovers = placement.handovers(session, w.site.id)
    assert [(h.name, h.unit_number) for h in handovers] == [("Kim Kandidaat", "B3")]

    ms.save_minutes(session, meeting, {meeting.items[0].id: "Blok B in balans"},
                    actor_id=None)
    ms.lock_minutes(session, meeting, actor_id=None, now=NOW)
    assert meeting.snapshot["site"] == {"begeleid": 3, "total": 4, "status": "out_of_band",
                                        "direction": "high"}
    with pytest.raises(RuleViolation):
        ms.save_minutes(session, meeting, {meeting.items[0].id: "anders"}, actor_id=None)
    with pytest.raises(RuleViolation):
        ms.record_advice(session, next(e for e in meeting.candidates
                                       if e.candidate_id == bo.id),
                         advice="negatief", conditions=None, reasoning=None, unit_id=None,
                         actor_id=None)
    ms.add_addendum(session, meeting, "Correctie: Kim kookt op dinsdag", actor_id=None)
    assert meeting.items[0].minutes == "Blok B in balans"
    assert len(meeting.addenda) == 1


def test_decision_may_differ_from_advice(session, w):
    access = sb_access(w)
    kim = cs.register_candidate(session, access, candidate_data(), actor_id=None, today=TODAY)
    meeting = ms.create_meeting(session, w.site, held_on=TODAY, location=None, chair_id=None,
                                deputy_chair=None, actor_id=None)
    ms.record_advice(session, meeting.candidates[0], advice="positief", conditions=None,
                     reasoning=None, unit_id=None, actor_id=None)
    reason = session.scalar(sa.select(ReasonOption).where(ReasonOption.kind == "afgewezen"))
    placement.record_decision(session, kim, decision="afwijzen", decided_on=TODAY,
                              unit_id=None, reasoning="Geen passende woning", reason_id=reason.id,
                              actor_id=None)
    assert kim.status == CandidateStatus.AFGEWEZEN
    assert [e.status for e in kim.events][-2:] == ["besluit_corporatie", "afgewezen"]


def test_one_imo_per_month(session, w):
    ms.create_meeting(session, w.site, held_on=date(2026, 6, 1), location=None, chair_id=None,
                      deputy_chair=None, actor_id=None)
    with pytest.raises(RuleViolation):
        ms.create_meeting(session, w.site, held_on=date(2026, 6, 30), location=None,
                          chair_id=None, deputy_chair=None, actor_id=None)


def test_reading_a_dossier_is_audited(session, w):
    kim = cs.register_candidate(session, sb_access(w), candidate_data(), actor_id=None,
                                today=TODAY)
    cs.record_view(session, kim, w.users["bestuur"].id)
    event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "view"))
    assert (event.entity_type, event.entity_id, event.actor_id) == (
        "candidate", kim.id, w.users["bestuur"].id)


@pytest.mark.parametrize("text", ["Verhuisd naar elders", "verhuisd NAAR elders", "Ø", "Çour"])
def test_a_reason_is_refused_twice_ignoring_case(session, w, text):
    """Also for letters SQLite's lower() leaves alone (the unique constraint raised an
    IntegrityError before)."""
    first = text if text[0] in "ØÇ" else "Verhuisd naar elders"
    cs.save_reason(session, w.site.id, None, kind="teruggetrokken", text=first, active=True,
                   actor_id=None)
    with pytest.raises(RuleViolation) as refused:
        cs.save_reason(session, w.site.id, None, kind="teruggetrokken", text=text,
                       active=True, actor_id=None)
    assert refused.value.field == "text"
