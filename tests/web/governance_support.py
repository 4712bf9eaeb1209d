"""Governance data for the web tests, built with the services on top of the ``world`` of
tests/conftest.py (TODAY = 2026-06-15).

Het Hofje has four bodies; the seats follow from the site roles, plus one by hand:

* stuurgroep SG: the stuurgroep account; a meeting planned on 10 November 2026;
* kerngroep KG: the kerngroep account (lid), the coach (adviseur, via the role) and the
  bestuur account as secretaris (a seat by hand: the residents' delegation);
  the May meeting (12 May, minutes locked) left "Huisregels" open, carried over to the
  June meeting (16 June, open) with decision KG-2026-01 and an action item of the
  kerngroep account due 1 June (overdue); an item escalated by the communityteam waits
  there for its outcome;
* communityteam CT: sociaal_beheerder, coach, begeleider, bestuur; the 2 June meeting
  escalated "Overlast blok B" to the kerngroep; an action item of the coach;
* ALV: the bestuur account; the ALV of 20 April 2026 with four member households and
  one motion not yet voted on.

There is a work plan 2026 with one goal (ontmoeting) and one action of the coach, and a
collaboration agreement under the stuurgroep (2024-2031) with one party. De Overkant
has its own kerngroep with a meeting.
"""
from __future__ import annotations

from datetime import date, time

from models import Site, db
from services.governance import (actions, agreements, alv, bodies, decisions, escalation,
                                 meetings, workplan)
from services.governance.localtime import local_instant
from tests.conftest import TODAY

START = date(2026, 1, 1)
NOW = local_instant(TODAY, time(21, 0))


def _meeting(body, day, at=time(19, 30)):
    return meetings.create_meeting(db.session, body, starts_at=local_instant(day, at),
                                   duration_minutes=120, place="Ontmoetingsruimte",
                                   today=START, actor_id=None)


def _body(kind, name, site_id):
    return bodies.create_body(db.session, bodies.BodyData(kind, name, None, [site_id]),
                              today=START, actor_id=None)


def make_governance(app, world) -> dict[str, int]:
    """Create the governance data; returns the ids the URL templates use."""
    with app.app_context():
        try:
            return _make(world)
        finally:
            db.session.remove()


def _make(world) -> dict[str, int]:
    session = db.session
    sg = _body("stuurgroep", "Stuurgroep Het Hofje", world.site)
    kg = _body("kerngroep", "Kerngroep Het Hofje", world.site)
    ct = _body("communityteam", "Communityteam Het Hofje", world.site)
    assembly = _body("alv", "ALV Bewonersvereniging", world.site)
    bodies.add_member(session, kg, user_id=world.users["bestuur"], person_name=None,
                      organisation_id=world.orgs["vereniging"], role_in_body="secretaris",
                      starts_on=START, actor_id=None)
    sg_meeting = _meeting(sg, date(2026, 11, 10))

    may = _meeting(kg, date(2026, 5, 12))
    meetings.add_item(session, may, "Huisregels", actor_id=None)
    decision = decisions.record_decision(session, kg, text="Werkplan 2026 vastgesteld",
                                         meeting=may, actor_id=None)
    kg_action = actions.create_action(session, may, text="Huisregels herschrijven",
                                      owner_id=world.users["kerngroep"], due_on=date(2026, 6, 1),
                                      decision_id=decision.id, actor_id=None)
    meetings.lock_minutes(session, may, now=NOW, today=TODAY, actor_id=None)

    ct_meeting = _meeting(ct, date(2026, 6, 2))
    overlast = meetings.add_item(session, ct_meeting, "Overlast blok B", actor_id=None)
    escalation.escalate(session, overlast, reason="Vraagt om afspraken met de zorg",
                        today=date(2026, 6, 2), actor_id=None)
    ct_action = actions.create_action(session, ct_meeting, text="Rooster koffieochtend",
                                      owner_id=world.users["communitycoach"],
                                      due_on=date(2026, 7, 1), actor_id=None)
    june = _meeting(kg, date(2026, 6, 16))
    carried = next(i for i in june.items if i.carried_over_from_id)
    incoming = next(i for i in june.items if i.escalated_from_id)

    alv.save_settings(session, world.orgs["vereniging"], quorum_percent=50, max_proxies=1,
                      meetings_per_year=1, actor_id=None)
    assembly_meeting = _meeting(assembly, date(2026, 4, 20))
    motion = alv.add_motion(session, assembly_meeting, title="Contributie 5 euro", text=None,
                            two_thirds=False, actor_id=None)
    attendance = alv.attendance_list(session, assembly_meeting.id)

    site = session.get(Site, world.site)
    plan = workplan.create_plan(session, site, year=2026, decision_id=decision.id,
                                actor_id=None)
    goal = workplan.add_goal(session, plan, ingredient="ontmoeting", text="Wekelijkse lunch",
                             actor_id=None)
    plan_action = workplan.add_action(session, goal, text="Kookploeg vormen",
                                      owner_id=world.users["communitycoach"],
                                      due_on=date(2026, 9, 1), now=NOW, actor_id=None)
    deal = agreements.create_agreement(session, sg, agreements.AgreementData(
        "samenwerkingsovereenkomst", "Samenwerking Het Hofje", date(2024, 1, 1),
        date(2031, 1, 1)), actor_id=None)
    agreements.add_party(session, deal, organisation_id=world.orgs["corp"],
                         contribution="Sociaal beheer", money_per_year=None,
                         hours_per_year=416, until_on=None, actor_id=None)

    other = _body("kerngroep", "Kerngroep De Overkant", world.other_site)
    other_meeting = _meeting(other, date(2026, 6, 9))
    session.commit()
    return {"sg": sg.id, "kg": kg.id, "ct": ct.id, "alv": assembly.id,
            "sg_meeting": sg_meeting.id, "may": may.id, "june": june.id,
            "ct_meeting": ct_meeting.id, "alv_meeting": assembly_meeting.id,
            "carried": carried.id, "incoming": incoming.id, "overlast": overlast.id,
            "kg_action": kg_action.id, "ct_action": ct_action.id, "decision": decision.id,
            "motion": motion.id, "household": attendance[0].id,
            "plan_goal": goal.id, "plan_action": plan_action.id, "agreement": deal.id,
            "other_kg": other.id, "other_meeting": other_meeting.id,
            "kg_member": next(m.id for m in kg.members if m.via_role == "kerngroep")}
