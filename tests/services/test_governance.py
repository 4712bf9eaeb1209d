"""Governance against a real database: seats from site roles, carry-over, decision
numbers, the escalation ladder and its outcome, ALV quorum/majority/proxies, locked
minutes with addenda, and the .ics invitation."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import icalendar
import pytest
import sqlalchemy as sa

from models import AuditEvent, Body, Meeting, Membership, Site
from models.governance import KeptRecordError
from services.errors import RuleViolation
from services.association import members as member_register
from services.governance import (actions, agenda, agreements, alv, bodies, cadence, decisions,
                                 escalation, ics, meetings, overview, workplan)
from services.governance.localtime import local_instant
from services.governance.schedule import meeting_days
from services.seed import demo
from tests.conftest import TODAY, build_world

NOW = datetime(2026, 6, 15, 20, 0, tzinfo=timezone.utc)


@pytest.fixture
def w(session):
    return build_world(session)


def body(session, w, kind, sites=None):
    return bodies.create_body(session, bodies.BodyData(kind, kind.capitalize(), None,
                                                       sites or [w.site.id]),
                              today=date(2026, 1, 1), actor_id=None)


def meet(session, b, day, at=time(19, 30), today=date(2026, 1, 1)):
    return meetings.create_meeting(session, b, starts_at=local_instant(day, at),
                                   duration_minutes=120, place="Huiskamer", today=today,
                                   actor_id=None)


def titles(meeting):
    return [i.title for i in meeting.items]


def test_site_roles_give_seats_and_lose_them(session, w):
    kg = body(session, w, "kerngroep")
    seats = {(m.user.email.split("@")[0], m.role_in_body, m.via_role) for m in kg.members}
    assert seats == {("kerngroep", "lid", "kerngroep"), ("coach", "adviseur", "communitycoach")}
    ct = body(session, w, "communityteam")
    assert {m.via_role for m in ct.members} == {"sociaal_beheerder", "communitycoach",
                                                "begeleider", "bestuur"}
    # a seat by hand (the bestuur's delegation) is left alone by the role sync
    delegate = bodies.add_member(session, kg, user_id=w.users["bestuur"].id, person_name=None,
                                 organisation_id=w.orgs["vereniging"].id,
                                 role_in_body="secretaris", starts_on=date(2026, 2, 1),
                                 actor_id=None)
    with pytest.raises(RuleViolation):
        bodies.add_member(session, kg, user_id=w.users["bestuur"].id, person_name=None,
                          organisation_id=None, role_in_body="lid", starts_on=TODAY,
                          actor_id=None)
    role = session.scalar(sa.select(Membership).where(
        Membership.user_id == w.users["kerngroep"].id))
    session.delete(role)
    session.flush()
    assert bodies.sync_role_members(session, kg, today=TODAY, actor_id=None) == 1
    ended = next(m for m in kg.members if m.via_role == "kerngroep")
    assert ended.ends_on == TODAY and delegate.ends_on is None
    assert bodies.member_role(session, kg.id, w.users["bestuur"].id, TODAY) == "secretaris"
    assert bodies.member_role(session, kg.id, w.users["kerngroep"].id, TODAY) is None
    assert bodies.member_kinds(session, w.site.id, w.users["communitycoach"].id, TODAY) == {
        "kerngroep", "communityteam"}


def test_association_bodies_need_one_association(session, w):
    alv_body = body(session, w, "alv")
    assert alv_body.organisation_id == w.orgs["vereniging"].id
    assert alv_body.code == "ALV"
    with pytest.raises(RuleViolation) as err:   # the other site has no association
        body(session, w, "bestuur", sites=[w.site.id, w.other_site.id])
    assert err.value.field == "site_ids"


def test_open_items_and_action_items_carry_over(session, w):
    kg = body(session, w, "kerngroep")
    owner = w.users["kerngroep"].id
    first = meet(session, kg, date(2026, 3, 10))
    done, open_item, _other = (meetings.add_item(session, first, t, actor_id=None)
                               for t in ("Huisregels", "Budget ontmoetingsruimte", "Buurtfeest"))
    meetings.save_minutes(session, first, {done.id: "Vastgesteld."}, {done.id, _other.id},
                          actor_id=None)
    kept = actions.create_action(session, first, text="Offerte opvragen", owner_id=owner,
                                 due_on=date(2026, 4, 1), actor_id=None)
    finished = actions.create_action(session, first, text="Zaal reserveren", owner_id=owner,
                                     due_on=date(2026, 3, 20), actor_id=None)
    actions.set_status(session, finished, status="gedaan", on=date(2026, 3, 18), note=None,
                       actor_id=None)

    second = meet(session, kg, date(2026, 5, 12))
    assert titles(second) == ["Budget ontmoetingsruimte"]
    assert second.items[0].carried_over_from_id == open_item.id
    assert [a.text for a in actions.carried_actions(session, second)] == ["Offerte opvragen"]
    # still open at the third meeting: carried again, from the second meeting's copy
    third = meet(session, kg, date(2026, 6, 30))
    assert third.items[0].carried_over_from_id == second.items[0].id
    assert [a.id for a in actions.carried_actions(session, third)] == [kept.id]
    # locking the first meeting later does not carry anything twice
    meetings.lock_minutes(session, first, now=NOW, today=TODAY, actor_id=None)
    assert titles(second) == ["Budget ontmoetingsruimte"]
    view = agenda.build(session, second)
    assert view.items[0].carried_from == date(2026, 3, 10)


def test_carry_over_follows_the_previous_meeting_when_planned_a_year_ahead(session, w):
    kg = body(session, w, "kerngroep")
    first, second, third = (meet(session, kg, d) for d in (
        date(2026, 3, 10), date(2026, 5, 12), date(2026, 6, 30)))
    done, open_item = (meetings.add_item(session, first, t, actor_id=None)
                       for t in ("Huisregels", "Budget ontmoetingsruimte"))
    # items added after the next meetings were planned are on them at once
    assert titles(second) == titles(third) == ["Huisregels", "Budget ontmoetingsruimte"]

    # the first meeting is held: one item done, one left open
    meetings.save_minutes(session, first, {done.id: "Vastgesteld."}, {done.id},
                          actor_id=None)
    assert titles(second) == titles(third) == ["Budget ontmoetingsruimte"]
    assert second.items[0].carried_over_from_id == open_item.id
    assert third.items[0].carried_over_from_id == second.items[0].id
    # saving again, or locking, carries nothing twice
    meetings.save_minutes(session, first, {}, {done.id}, actor_id=None)
    meetings.lock_minutes(session, first, now=NOW, today=TODAY, actor_id=None)
    assert titles(second) == titles(third) == ["Budget ontmoetingsruimte"]

    # closed in the second meeting: gone from the third
    budget = second.items[0]
    meetings.save_minutes(session, second, {budget.id: "Budget toegekend."}, {budget.id},
                          actor_id=None)
    assert titles(third) == []
    # reopened (the tick was wrong): back on the third, once
    meetings.save_minutes(session, second, {}, set(), actor_id=None)
    meetings.save_minutes(session, second, {}, set(), actor_id=None)
    assert titles(third) == ["Budget ontmoetingsruimte"]


def test_a_carried_item_worked_on_stays_when_the_source_is_handled(session, w):
    kg = body(session, w, "kerngroep")
    first, second, third = (meet(session, kg, d) for d in (
        date(2026, 3, 10), date(2026, 5, 12), date(2026, 6, 30)))
    noted, decided, plain = (meetings.add_item(session, first, t, actor_id=None)
                             for t in ("Huisregels", "Tuin", "Buurtfeest"))
    copies = {i.title: i for i in second.items}
    meetings.save_minutes(session, second, {copies["Huisregels"].id: "Al besproken."}, set(),
                          actor_id=None)
    decisions.record_decision(session, kg, text="Tuin wordt gedeeld", meeting=second,
                              item_id=copies["Tuin"].id, actor_id=None)
    # the first meeting's minutes are written later and tick all three as handled
    meetings.save_minutes(session, first, {}, {noted.id, decided.id, plain.id},
                          actor_id=None)
    # what the second meeting worked on stays (history is never lost), still open there,
    # so it goes on to the third; the untouched copy is withdrawn everywhere
    assert titles(second) == titles(third) == ["Huisregels", "Tuin"]
    session.delete(copies["Huisregels"])
    with pytest.raises(KeptRecordError):
        session.flush()


def test_escalated_items_and_moved_meetings_keep_agendas_in_step(session, w):
    kg, sg = body(session, w, "kerngroep"), body(session, w, "stuurgroep")
    first, second = meet(session, kg, date(2026, 3, 10)), meet(session, kg, date(2026, 5, 12))
    sg_meeting = meet(session, sg, date(2026, 6, 1))
    item = meetings.add_item(session, first, "Onderhoud dak", actor_id=None)
    assert titles(second) == ["Onderhoud dak"]
    escalation.escalate(session, item, reason="Te groot", today=date(2026, 3, 10),
                        actor_id=None)
    assert titles(second) == [] and titles(sg_meeting) == ["Onderhoud dak"]
    # a meeting planned between two others takes the open items over; the later one
    # mirrors it from then on
    other = meetings.add_item(session, first, "Fietsenstalling", actor_id=None)
    between = meet(session, kg, date(2026, 4, 14))
    assert titles(between) == ["Fietsenstalling"]
    assert second.items[-1].carried_over_from_id == between.items[0].id
    assert titles(second) == ["Fietsenstalling"]
    meetings.save_minutes(session, between, {}, {between.items[0].id}, actor_id=None)
    assert titles(second) == [] and not other.handled


def test_two_meetings_at_the_same_time_are_still_one_after_the_other(session, w):
    kg = body(session, w, "kerngroep")
    first = meet(session, kg, date(2026, 3, 10))
    meetings.add_item(session, first, "Huisregels", actor_id=None)
    twin, other = meet(session, kg, date(2026, 5, 12)), meet(session, kg, date(2026, 5, 12))
    assert titles(twin) == titles(other) == ["Huisregels"]
    assert other.items[0].carried_over_from_id == twin.items[0].id


def test_locking_records_the_meeting_that_approved_the_minutes(session, w):
    kg = body(session, w, "kerngroep")
    first = meet(session, kg, date(2026, 3, 10))
    called_off = meet(session, kg, date(2026, 4, 14))
    meetings.update_meeting(session, called_off, starts_at=called_off.starts_at,
                            duration_minutes=120, place="Huiskamer", status="afgelast",
                            actor_id=None)
    approving = meet(session, kg, date(2026, 5, 12))
    later = meet(session, kg, date(2026, 9, 8))
    meetings.lock_minutes(session, first, now=NOW, today=TODAY, actor_id=None)
    assert first.snapshot["approved_in"] == {"meeting_id": approving.id, "on": "2026-05-12"}
    event = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "gov_meeting", AuditEvent.entity_id == first.id,
        AuditEvent.action == "lock"))
    assert event.changes == {"approved_in": approving.id}
    # approved outside a meeting (the next one has not taken place yet)
    meetings.lock_minutes(session, approving, now=NOW, today=TODAY, actor_id=None)
    assert approving.snapshot["approved_in"] is None and later.locked_at is None


def test_action_status_history_and_my_actions(session, w):
    kg, ct = body(session, w, "kerngroep"), body(session, w, "communityteam")
    coach = w.users["communitycoach"].id
    a = actions.create_action(session, meet(session, kg, date(2026, 2, 3)), text="Notitie",
                              owner_id=coach, due_on=date(2026, 3, 1), actor_id=None)
    b = actions.create_action(session, meet(session, ct, date(2026, 2, 10)), text="Rooster",
                              owner_id=coach, due_on=date(2026, 2, 20), actor_id=None)
    with pytest.raises(RuleViolation):   # the owner must have a seat in the body
        actions.create_action(session, meet(session, kg, date(2026, 4, 3)), text="X",
                              owner_id=w.users["begeleider"].id, due_on=TODAY, actor_id=None)
    with pytest.raises(RuleViolation):   # dropping needs a reason
        actions.set_status(session, b, status="vervallen", on=TODAY, note=None, actor_id=None)
    with pytest.raises(RuleViolation):   # not before it was made
        actions.set_status(session, b, status="gedaan", on=date(2026, 1, 1), note=None,
                           actor_id=None)
    actions.set_status(session, b, status="gedaan", on=date(2026, 2, 18), note="Klaar",
                       actor_id=coach)
    assert [(n.on, n.status) for n in b.notes] == [(date(2026, 2, 10), "open"),
                                                   (date(2026, 2, 18), "gedaan")]
    assert actions.my_actions(session, coach) == [a]
    assert actions.my_actions(session, coach, include_closed=True) == [a, b]
    assert actions.is_overdue(a, TODAY) and not actions.is_overdue(b, TODAY)


def test_decisions_are_numbered_per_body_per_year_and_searchable(session, w):
    kg, sg = body(session, w, "kerngroep"), body(session, w, "stuurgroep")
    m = meet(session, kg, date(2026, 3, 10))
    codes = [decisions.record_decision(session, kg, text=t, meeting=m, actor_id=None).code
             for t in ("Werkplan 2026 vastgesteld", "Budget 100% naar de moestuin")]
    assert codes == ["KG-2026-01", "KG-2026-02"]
    older = decisions.record_decision(session, kg, text="Huisregels", decided_on=date(2025, 11, 4),
                                      actor_id=None)
    assert older.code == "KG-2025-01"
    assert decisions.record_decision(session, sg, text="Kaders", decided_on=TODAY,
                                     actor_id=None).code == "SG-2026-01"
    assert decisions.next_number(session, kg.id, 2026) == 3
    found = lambda q: [d.code for d in decisions.search(session, kg.id, q)]  # noqa: E731
    assert found("werkplan") == ["KG-2026-01"]
    assert found("100%") == ["KG-2026-02"]
    assert found("kg-2025") == ["KG-2025-01"]
    assert found("%") == ["KG-2026-02"]      # a literal percent sign, not a wildcard
    assert found("") == ["KG-2026-02", "KG-2026-01", "KG-2025-01"]


def test_escalation_up_the_ladder_and_the_outcome_back(session, w):
    ct, kg, sg = (body(session, w, k) for k in ("communityteam", "kerngroep", "stuurgroep"))
    ct_meeting = meet(session, ct, date(2026, 6, 2))
    overlast = meetings.add_item(session, ct_meeting, "Overlast in blok B", actor_id=None)
    with pytest.raises(RuleViolation):
        escalation.escalate(session, overlast, reason=" ", today=date(2026, 6, 2), actor_id=None)
    up = escalation.escalate(session, overlast, reason="Vraagt om extra begeleiding",
                             today=date(2026, 6, 2), actor_id=None)
    assert (up.from_body_id, up.to_body_id) == (ct.id, kg.id)
    with pytest.raises(RuleViolation):
        escalation.escalate(session, overlast, reason="Nog eens", today=date(2026, 6, 2),
                            actor_id=None)
    # the kerngroep has no meeting planned yet: the item waits for the next one
    kg_meeting = meet(session, kg, date(2026, 6, 16))
    incoming = next(i for i in kg_meeting.items if i.escalated_from_id == up.id)
    assert incoming.title == "Overlast in blok B"
    # with a stuurgroep meeting planned, the next escalation lands on it at once
    sg_meeting = meet(session, sg, date(2026, 9, 1))
    up2 = escalation.escalate(session, incoming, reason="Financiering begeleiding",
                              today=date(2026, 6, 16), actor_id=None)
    assert [i.escalated_from_id for i in sg_meeting.items] == [up2.id]
    # an item carried over keeps its marker; the ladder ends at the stuurgroep
    with pytest.raises(RuleViolation):
        escalation.escalate(session, sg_meeting.items[0], reason="Hoger", today=TODAY,
                            actor_id=None)
    # the outcome flows back down, to the kerngroep's next meeting
    next_kg = meet(session, kg, date(2026, 9, 15))
    escalation.record_outcome(session, sg_meeting.items[0], outcome="Gemeente betaalt 8 uur extra",
                              today=date(2026, 9, 1), actor_id=None)
    assert sg_meeting.items[0].handled
    back = [i for i in next_kg.items if i.outcome_of_id == up2.id]
    assert [i.title for i in back] == ["Terugkoppeling: Overlast in blok B"]
    assert back[0].outcome_of.outcome == "Gemeente betaalt 8 uur extra"
    with pytest.raises(RuleViolation):
        escalation.record_outcome(session, sg_meeting.items[0], outcome="Anders", today=TODAY,
                                  actor_id=None)
    # the kerngroep answers the communityteam on its next meeting
    next_ct = meet(session, ct, date(2026, 9, 8))
    escalation.record_outcome(session, incoming, outcome="Doorgezet naar de stuurgroep",
                              today=date(2026, 6, 16), actor_id=None)
    assert [i.title for i in next_ct.items if i.outcome_of_id == up.id] == [
        "Terugkoppeling: Overlast in blok B"]
    view = agenda.build(session, ct_meeting)
    assert view.items[0].escalated_to == up and view.escalates_to == "kerngroep"


def test_lock_and_addenda(session, w):
    kg = body(session, w, "kerngroep")
    future = meet(session, kg, date(2026, 7, 1))
    with pytest.raises(RuleViolation):
        meetings.lock_minutes(session, future, now=NOW, today=TODAY, actor_id=None)
    m = meet(session, kg, date(2026, 6, 2))
    item = meetings.add_item(session, m, "Jaarverslag", actor_id=None)
    with pytest.raises(RuleViolation):   # addenda only to locked minutes
        meetings.add_addendum(session, m, "Correctie", actor_id=None)
    meetings.save_minutes(session, m, {item.id: "Besproken."}, set(), actor_id=None)
    meetings.lock_minutes(session, m, now=NOW, today=TODAY, actor_id=None)
    for change in (lambda: meetings.save_minutes(session, m, {item.id: "Anders"}, set(),
                                                 actor_id=None),
                   lambda: meetings.add_item(session, m, "Nog iets", actor_id=None),
                   lambda: decisions.record_decision(session, kg, text="Te laat", meeting=m,
                                                     actor_id=None),
                   lambda: meetings.lock_minutes(session, m, now=NOW, today=TODAY,
                                                 actor_id=None)):
        with pytest.raises(RuleViolation):
            change()
    assert item.minutes == "Besproken."
    meetings.add_addendum(session, m, "Naam van de notulist gecorrigeerd.", actor_id=None)
    assert [a.text for a in m.addenda] == ["Naam van de notulist gecorrigeerd."]
    # the open item was carried to the planned meeting when the minutes were locked
    assert titles(future) == ["Jaarverslag"]
    session.delete(item)
    with pytest.raises(KeptRecordError):
        session.flush()


@pytest.mark.parametrize("members,present,represented,votes,quorum,two_thirds,expected", [
    (10, 3, 2, (4, 1), 50, False, (True, True, True)),
    (10, 3, 1, (4, 0), 50, False, (False, True, False)),    # 4 of 10 < 5 needed
    (10, 5, 0, (2, 2), 50, False, (True, False, False)),    # a tie is no majority
    (10, 5, 0, (2, 1), 50, True, (True, True, True)),       # 2 of 3 is two thirds
    (10, 5, 0, (3, 2), 50, True, (True, False, False)),
    (9, 2, 1, (3, 0), 30, False, (True, True, True)),       # 30% of 9 -> 3 needed
    (10, 4, 0, (0, 0), 0, False, (True, False, False)),     # only abstentions
])
def test_vote_rules(members, present, represented, votes, quorum, two_thirds, expected):
    result = alv.assess_vote(members=members, present=present, represented=represented,
                             votes_for=votes[0], votes_against=votes[1], quorum_percent=quorum,
                             two_thirds=two_thirds)
    assert (result.quorum_met, result.majority_met, result.adopted) == expected


def test_alv_attendance_proxies_and_votes(session, w):
    alv.save_settings(session, w.orgs["vereniging"].id, quorum_percent=50, max_proxies=1,
                      meetings_per_year=2, actor_id=None)
    assembly = meet(session, body(session, w, "alv"), date(2026, 4, 20))
    listed = {row.unit.number: row for row in alv.attendance_list(session, assembly.id)}
    assert sorted(listed) == ["A1", "A2", "B1", "B2"]      # the occupied units
    a1, a2, b1, b2 = (listed[n] for n in ("A1", "A2", "B1", "B2"))

    def attend(rows):
        alv.record_attendance(session, assembly, rows, max_proxies=1, actor_id=None)

    with pytest.raises(RuleViolation):     # a proxy must go to a household that is present
        attend({a2.id: ("gemachtigd", b1.unit_id)})
    session.expire_all()    # naming the unit in the message loads it: nothing is flushed
    with pytest.raises(RuleViolation):     # represented by nobody (an IntegrityError before)
        attend({a2.id: ("gemachtigd", None)})
    assert (a2.presence, a2.proxy_unit_id) == ("afwezig", None)
    with pytest.raises(RuleViolation) as err:   # at most one proxy per household
        attend({a1.id: ("aanwezig", None), a2.id: ("gemachtigd", a1.unit_id),
                b1.id: ("gemachtigd", a1.unit_id)})
    assert "A1" in str(err.value)
    attend({a1.id: ("aanwezig", None), a2.id: ("gemachtigd", a1.unit_id),
            b1.id: ("afwezig", None), b2.id: ("afwezig", None)})
    assert alv.summary(alv.attendance_list(session, assembly.id)) == {
        "members": 4, "present": 1, "represented": 1}

    motion = alv.add_motion(session, assembly, title="Contributie naar 5 euro", text=None,
                            two_thirds=False, actor_id=None)
    with pytest.raises(RuleViolation):     # 3 votes, 2 households present or represented
        alv.record_vote(session, motion, votes_for=2, votes_against=1, abstentions=0, now=NOW,
                        actor_id=None)
    alv.record_vote(session, motion, votes_for=2, votes_against=0, abstentions=0, now=NOW,
                    actor_id=None)
    assert (motion.quorum_met, motion.adopted) == (True, True)
    assert motion.decision.code == "ALV-2026-01"
    assert "aangenomen" in motion.decision.text and "2 voor" in motion.decision.text
    with pytest.raises(RuleViolation):
        alv.record_vote(session, motion, votes_for=2, votes_against=0, abstentions=0, now=NOW,
                        actor_id=None)
    attend({a2.id: ("afwezig", None)})     # now 1 of 4 present: no quorum
    second = alv.add_motion(session, assembly, title="Statutenwijziging", text=None,
                            two_thirds=True, actor_id=None)
    alv.record_vote(session, second, votes_for=1, votes_against=0, abstentions=0, now=NOW,
                    actor_id=None)
    assert (second.quorum_met, second.adopted, second.decision.code) == (False, False,
                                                                         "ALV-2026-02")


def test_alv_lists_the_members_of_the_register_on_the_meeting_day(session, w):
    association = w.orgs["vereniging"].id
    assembly = body(session, w, "alv")
    # no register kept in Noaber yet: every occupied unit is a member household
    before = meet(session, assembly, date(2026, 2, 2))
    assert [r.unit.number for r in alv.attendance_list(session, before.id)] == [
        "A1", "A2", "B1", "B2"]

    def join(key, on):
        return member_register.add_member(session, association, resident_id=w.residents[key].id,
                                          starts_on=on, actor_id=None)

    join("linde", date(2025, 1, 1))
    left = join("anker", date(2025, 1, 1))
    left.ends_on = date(2026, 3, 1)                    # left before the spring ALV
    join("vrij1", date(2026, 5, 1))                    # joined after it
    spring, autumn = meet(session, assembly, date(2026, 4, 20)), meet(session, assembly,
                                                                      date(2026, 10, 6))
    listed = alv.attendance_list(session, spring.id)
    assert [(r.unit.number, r.resident_id) for r in listed] == [
        ("A1", w.residents["linde"].id)]               # B2 lives there but is no member
    assert [r.unit.number for r in alv.attendance_list(session, autumn.id)] == ["A1", "B1"]
    assert [r.unit.number for r in alv.attendance_list(session, before.id)] == [
        "A1", "A2", "B1", "B2"]                        # a planned list stays as it was
    # the quorum counts the register: 1 of 1 present is 100%
    alv.record_attendance(session, spring, {listed[0].id: ("aanwezig", None)}, max_proxies=1,
                          actor_id=None)
    motion = alv.add_motion(session, spring, title="Contributie", text=None, two_thirds=False,
                            actor_id=None)
    alv.record_vote(session, motion, votes_for=1, votes_against=0, abstentions=0, now=NOW,
                    actor_id=None)
    assert (motion.quorum_met, motion.adopted) == (True, True)
    assert "1 aanwezig en 0 gemachtigd van 1 huishoudens" in motion.decision.text
    assert alv.keeps_register(session, association)
    assert not alv.keeps_register(session, w.orgs["corp"].id)


@pytest.mark.parametrize("day,utc_hour", [(date(2026, 7, 2), 17), (date(2026, 1, 15), 18)])
def test_ics_keeps_19_30_in_amsterdam_across_the_clock_change(session, w, day, utc_hour):
    kg = body(session, w, "kerngroep")
    m = meet(session, kg, day)
    meetings.add_item(session, m, "Werkplan", actor_id=None)
    data = ics.meeting_ics(m, summary="Kerngroep", description="1. Werkplan", now=NOW)
    event = next(iter(icalendar.Calendar.from_ical(data).walk("VEVENT")))
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (19, 30)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert "TZID=Europe/Amsterdam:" in data.decode()
    assert start.astimezone(timezone.utc).hour == utc_hour
    assert event.decoded("dtend") - start == timedelta(minutes=120)
    assert str(event["uid"]) == ics.meeting_uid(m)
    assert (str(event["location"]), str(event["status"])) == ("Huiskamer", "CONFIRMED")
    # the UID stays, the sequence goes up when the meeting moves or is called off
    meetings.update_meeting(session, m, starts_at=m.starts_at + timedelta(days=1),
                            duration_minutes=90, place="Huiskamer", status="afgelast",
                            actor_id=None)
    moved = next(iter(icalendar.Calendar.from_ical(ics.meeting_ics(
        m, summary="Kerngroep", description="", now=NOW)).walk("VEVENT")))
    assert str(moved["uid"]) == str(event["uid"])
    assert (int(moved["sequence"]), str(moved["status"])) == (1, "CANCELLED")


def test_work_plan_at_a_glance(session, w):
    plan = workplan.create_plan(session, w.site, year=2026, decision_id=None, actor_id=None)
    with pytest.raises(RuleViolation):
        workplan.create_plan(session, w.site, year=2026, decision_id=None, actor_id=None)
    goal = workplan.add_goal(session, plan, ingredient="ontmoeting", text="Wekelijkse lunch",
                             actor_id=None)
    first = workplan.add_action(session, goal, text="Kookploeg vormen",
                                owner_id=w.users["communitycoach"].id, due_on=date(2026, 3, 1),
                                now=NOW, actor_id=None)
    workplan.add_action(session, goal, text="Tafels kopen", owner_id=w.users["bestuur"].id,
                        due_on=date(2026, 9, 1), now=NOW, actor_id=None)
    workplan.set_progress(session, first, progress="gereed", note="Zes koks", now=NOW,
                          actor_id=None)
    rows = workplan.at_a_glance(plan)
    assert [r.ingredient for r in rows] == ["community", "mix", "samenwerking", "ontmoeting",
                                            "beheer", "gebouw", "financiering"]
    assert dict(rows[3].progress) == {"gereed": 1, "niet_gestart": 1}
    assert rows[0].goals == []


@pytest.mark.parametrize("years,signal", [(4, "kort"), (5, None), (7, None), (10, None),
                                          (11, "lang")])
def test_agreement_term_signal(years, signal):
    start = date(2024, 4, 15)
    assert agreements.term_signal(start, start.replace(year=2024 + years)) == signal


def test_agreement_parties_and_temporary_money(session, w):
    sg = body(session, w, "stuurgroep")
    deal = agreements.create_agreement(session, sg, agreements.AgreementData(
        "samenwerkingsovereenkomst", "Samenwerking Het Hofje", date(2024, 4, 15),
        date(2031, 4, 15)), actor_id=None)
    agreements.add_party(session, deal, organisation_id=w.orgs["corp"].id,
                         contribution="Sociaal beheer", money_per_year=Decimal("12000"),
                         hours_per_year=Decimal("416"), until_on=None, actor_id=None)
    agreements.add_party(session, deal, organisation_id=w.orgs["linde"].id, contribution=None,
                         money_per_year=Decimal("5000"), hours_per_year=None,
                         until_on=date(2027, 12, 31), actor_id=None)
    for bad in (dict(organisation_id=w.orgs["corp"].id, money_per_year=Decimal(1)),
                dict(organisation_id=w.orgs["anker"].id, money_per_year=None),
                dict(organisation_id=w.orgs["anker"].id, money_per_year=Decimal(1),
                     until_on=date(2032, 1, 1))):
        with pytest.raises(RuleViolation):
            agreements.add_party(session, deal, **{"contribution": None, "hours_per_year": None,
                                                   "until_on": None, "actor_id": None, **bad})
    assert agreements.totals(deal) == (Decimal("17000"), Decimal("416"))
    assert [p.organisation_id for p in agreements.temporary_money(deal)] == [w.orgs["linde"].id]
    assert agreements.current_agreement(session, w.site.id, TODAY) == deal
    assert agreements.current_agreement(session, w.other_site.id, TODAY) is None


def test_demo_cadence_on_a_hand_checked_day(session):
    """The demo seeded on 15 June 2026 (project start 15 April 2024), checked by hand:

    2026 (1 July lies in project year 3, so the stuurgroep meets once a year):
    stuurgroep 0 held, 12 November planned: on track; kerngroep: the first quarter ended
    without a meeting and the May one did not happen either: 0 held, 1 expected: behind,
    a catch-up meeting on 25 June; communityteam: 13 Jan ... 9 Jun held (6), January to
    May ended (5) minus 2 tolerated = 3 expected, June has its meeting: on track; ALV on
    20 April: on track; IMO: the demo's one meeting of 12 May against 5 months: behind.
    2025: stuurgroep 8 May and 13 Nov (2 of 2), kerngroep Feb/May/Aug/Nov (4 of 4),
    communityteam without July and August (10 of 12, 10 expected), ALV 21 April (1 of 1).
    """
    demo.seed_demo(session, today=TODAY, password="demo wachtwoord")
    site = session.scalar(sa.select(Site).where(Site.name == demo.SITE_NAME))
    assert site.project_start == date(2024, 4, 15)
    summary = overview.site_governance(session, site, TODAY)
    rows = {r.kind: (r.cadence.held, r.cadence.planned, r.cadence.expected, r.cadence.status)
            for r in summary.rows}
    assert rows == {"stuurgroep": (0, 1, 0, "op_schema"), "kerngroep": (0, 1, 1, "achter"),
                    "communityteam": (6, 1, 3, "op_schema"), "bestuur": (2, 1, 0, "geen_norm"),
                    "alv": (1, 0, 0, "op_schema"), "imo": (1, 0, 5, "achter")}
    last_year = {b.kind: cadence.assess(b.kind, meeting_days(session, b.id), year=2025,
                                        today=TODAY, project_start=site.project_start)
                 for b in session.scalars(sa.select(Body))}
    assert {k: (c.held, c.expected, c.status) for k, c in last_year.items()} == {
        "stuurgroep": (2, 2, "op_schema"), "kerngroep": (4, 4, "op_schema"),
        "communityteam": (10, 10, "op_schema"), "bestuur": (4, 0, "geen_norm"),
        "alv": (1, 1, "op_schema")}
    # the escalation went up and its answer came back; the agreement runs 7 years
    kerngroep = next(b for b in session.scalars(sa.select(Body)) if b.kind == "kerngroep")
    catch_up = session.scalar(sa.select(Meeting).where(Meeting.body_id == kerngroep.id)
                              .order_by(Meeting.starts_at.desc()).limit(1))
    assert "Terugkoppeling: Financiering van de communitycoach na jaar 3" in titles(catch_up)
    assert summary.agreement.ends_on == date(2031, 4, 15) and summary.agreement_signal is None
    plan = workplan.plan_for(session, site.id, 2026)
    assert plan.decision.code.startswith("KG-2025-") and len(plan.goals) == 7
    assert any(actions.is_overdue(a, TODAY) for a in actions.open_actions(session, kerngroep.id))
