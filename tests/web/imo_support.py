"""IMO data for the web tests, built with the service functions on top of the ``world``
of tests/conftest.py, plus logging in as roles that have no account in ROLE_EMAILS.

Het Hofje (TODAY = 2026-06-15):

* May IMO (2026-05-12, minutes locked): Pim Plaatsing and Tom Toewijzing, both
  onbegeleid, advised positively. Pim got A3 from the corporation and moved in on
  2026-06-01 (an open handover task); Tom got B3 and waits to be placed
  (besluit_corporatie).
* June IMO (2026-06-15, open): Dirk Dossier (begeleid, proposed by Zorggroep De Linde,
  with every soft-landing detail), Sam Selectie (onbegeleid, advised positively: waits
  for the corporation's decision) and Anna Anker (begeleid, Stichting Het Anker).
* B4 (Blok B) is a new, empty unit: the only one free to advise or assign (B3 is
  Tom's).
* Kees Later registered after the June IMO was made: on the waiting list, not on an
  agenda.

De Overkant (the other site) has its own unit X2, candidate Olga Overkant (placed in X2
through its own June IMO) and so a handover task of its own.

Extra accounts: a toelatingscommissie member of Het Hofje and a begeleider of Stichting
Het Anker.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from models import (Candidate, HandoverTask, ImoMeeting, MeetingCandidate, ReasonOption, Site,
                    db)
from models.enums import Role
from services import accounts
from services.access import SiteAccess
from services.imo import candidates as cs
from services.imo import meetings as ms
from services.imo import placement
from services.registry import sites as site_service
from tests.conftest import PASSWORD, ROLE_EMAILS, TODAY

TOELATING = Role.TOELATINGSCOMMISSIE.value
ANKER_BEGELEIDER = "begeleider_anker"
EXTRA_EMAILS = {TOELATING: "toelating@hofje.example",
                ANKER_BEGELEIDER: "begeleider.anker@hofje.example"}
EMAILS = {**ROLE_EMAILS, **EXTRA_EMAILS}

MAY = date(2026, 5, 12)
LOCKED_AT = datetime(2026, 5, 12, 20, 0, tzinfo=timezone.utc)

# Dirk's soft-landing details (and his indicated hours, also care data)
DIRK = "Dirk Dossier"
SEVERITY = "zwaar"
FALLBACK = "Opvang De Haven"
CONDITIONS = "Huur onder voorwaarden"
DIRK_HOURS = Decimal("7.25")
DIRK_HOURS_TEXTS = ("7,25", "7.25")


def candidate_data(name: str, registered_on: date, *, begeleid: bool = False,
                   org: int | None = None, **extra) -> cs.CandidateData:
    return cs.CandidateData(
        name=name, intake_route="zorgaanbieder" if begeleid else "selectie",
        support_status="begeleid" if begeleid else "onbegeleid", registered_on=registered_on,
        care_organisation_id=org, **extra)


def add_extra_accounts(session, site_id: int, anker_org_id: int) -> dict[str, int]:
    ids = {}
    for role, email in EXTRA_EMAILS.items():
        user = accounts.save_user(session, None, email=email, name=f"Test {role}",
                                  password=PASSWORD, is_admin=False, active=True,
                                  actor_id=None)
        if role == TOELATING:
            accounts.grant_role(session, user, site_id=site_id,
                                role=Role.TOELATINGSCOMMISSIE, organisation_id=None,
                                actor_id=None)
        else:
            accounts.grant_role(session, user, site_id=site_id, role=Role.BEGELEIDER,
                                organisation_id=anker_org_id, actor_id=None)
        ids[role] = user.id
    return ids


def _entry(meeting: ImoMeeting, candidate: Candidate) -> MeetingCandidate:
    return next(e for e in meeting.candidates if e.candidate_id == candidate.id)


def build_imo(session, world) -> dict[str, int]:
    """The IMO data described above; returns plain ids (keys used in URL templates)."""
    site = session.get(Site, world.site)
    other = session.get(Site, world.other_site)
    cs.ensure_default_reasons(session, site.id)
    users = add_extra_accounts(session, site.id, world.orgs["anker"])
    sb = SiteAccess(site.id, frozenset({Role.SOCIAAL_BEHEERDER}))
    sb_id = world.users["sociaal_beheerder"]

    # --- May: Pim and Tom, advised, decided; Pim placed; minutes locked
    pim = cs.register_candidate(session, sb, candidate_data("Pim Plaatsing", date(2026, 3, 2)),
                                actor_id=sb_id, today=TODAY)
    tom = cs.register_candidate(session, sb, candidate_data("Tom Toewijzing", date(2026, 3, 3)),
                                actor_id=sb_id, today=TODAY)
    may = ms.create_meeting(session, site, held_on=MAY, location="Huiskamer", chair_id=sb_id,
                            deputy_chair=None, actor_id=sb_id)
    for candidate, unit in ((pim, "A3"), (tom, "B3")):
        ms.record_advice(session, _entry(may, candidate), advice="positief", conditions=None,
                         reasoning=None, unit_id=world.units[unit], actor_id=sb_id)
    ms.save_minutes(session, may, {may.items[0].id: "Mei: blok A en B besproken"},
                    actor_id=sb_id)
    ms.lock_minutes(session, may, actor_id=sb_id, now=LOCKED_AT)
    placement.record_decision(session, pim, decision="toewijzen", decided_on=date(2026, 5, 20),
                              unit_id=world.units["A3"], reasoning=None, reason_id=None,
                              actor_id=sb_id)
    pim_resident = placement.place_candidate(session, pim, move_in=date(2026, 6, 1),
                                             actor_id=sb_id, today=TODAY)
    placement.record_decision(session, tom, decision="toewijzen", decided_on=date(2026, 6, 10),
                              unit_id=world.units["B3"], reasoning=None, reason_id=None,
                              actor_id=sb_id)

    b4 = site_service.save_unit(session, site, None, site_service.UnitData(
        "B4", "studio", world.parts["Blok B"]), actor_id=None)

    # --- June: Dirk (De Linde), Sam (onbegeleid, advised), Anna (Het Anker)
    dirk = cs.register_candidate(session, sb, candidate_data(
        DIRK, date(2026, 4, 1), begeleid=True, org=world.orgs["linde"],
        indicated_hours=DIRK_HOURS, motivation="Ik wil graag koken voor de buren",
        problem_severity=SEVERITY, accepts_support=True, fallback_place=FALLBACK,
        woonzorgovereenkomst=True, special_conditions=CONDITIONS),
        actor_id=sb_id, today=TODAY)
    sam = cs.register_candidate(session, sb, candidate_data("Sam Selectie", date(2026, 4, 2)),
                                actor_id=sb_id, today=TODAY)
    anna = cs.register_candidate(session, sb, candidate_data(
        "Anna Anker", date(2026, 4, 3), begeleid=True, org=world.orgs["anker"],
        indicated_hours=Decimal("3.5"), problem_severity="licht",
        fallback_place="Logeerhuis Het Anker"), actor_id=sb_id, today=TODAY)
    june = ms.create_meeting(session, site, held_on=TODAY, location="Gemeenschappelijke ruimte",
                             chair_id=sb_id, deputy_chair=None, actor_id=sb_id)
    ms.record_advice(session, _entry(june, sam), advice="positief", conditions=None,
                     reasoning=None, unit_id=None, actor_id=sb_id)
    kees = cs.register_candidate(session, sb, candidate_data("Kees Later", date(2026, 6, 14)),
                                 actor_id=sb_id, today=TODAY)

    # --- De Overkant: its own candidate, IMO, placement and handover
    x2 = site_service.save_unit(session, other, None, site_service.UnitData("X2", "studio"),
                                actor_id=None)
    other_sb = SiteAccess(other.id, frozenset({Role.SOCIAAL_BEHEERDER}))
    olga = cs.register_candidate(session, other_sb, candidate_data(
        "Olga Overkant", date(2026, 4, 10)), actor_id=None, today=TODAY)
    other_meeting = ms.create_meeting(session, other, held_on=date(2026, 6, 3), location=None,
                                      chair_id=None, deputy_chair=None, actor_id=None)
    other_entry = _entry(other_meeting, olga)
    ms.record_advice(session, other_entry, advice="positief", conditions=None, reasoning=None,
                     unit_id=x2.id, actor_id=None)
    placement.record_decision(session, olga, decision="toewijzen", decided_on=date(2026, 6, 5),
                              unit_id=x2.id, reasoning=None, reason_id=None, actor_id=None)
    olga_resident = placement.place_candidate(session, olga, move_in=date(2026, 6, 12),
                                              actor_id=None, today=TODAY)
    session.flush()

    def task_of(resident_id):
        return session.scalar(sa.select(HandoverTask.id).where(
            HandoverTask.resident_id == resident_id))

    return {
        "site": site.id, "other_site": other.id,
        "pim": pim.id, "tom": tom.id, "dirk": dirk.id, "sam": sam.id, "anna": anna.id,
        "kees": kees.id, "olga": olga.id,
        "may": may.id, "june": june.id, "other_meeting": other_meeting.id,
        "june_item": june.items[0].id, "may_item": may.items[0].id,
        "entry_dirk": _entry(june, dirk).id, "entry_sam": _entry(june, sam).id,
        "entry_anna": _entry(june, anna).id, "entry_pim_may": _entry(may, pim).id,
        "other_entry": other_entry.id,
        "reason": session.scalar(sa.select(ReasonOption.id).order_by(ReasonOption.id).limit(1)),
        "task": task_of(pim_resident.id), "other_task": task_of(olga_resident.id),
        "unit_A3": world.units["A3"], "unit_B3": world.units["B3"], "unit_B4": b4.id,
        "unit_X2": x2.id,
        "org_linde": world.orgs["linde"], "org_anker": world.orgs["anker"],
        "user_toelatingscommissie": users[TOELATING],
        "user_begeleider_anker": users[ANKER_BEGELEIDER],
        **{f"user_{role}": uid for role, uid in world.users.items()},
    }


def make_imo(app, world) -> dict[str, int]:
    with app.app_context():
        try:
            ids = build_imo(db.session, world)
            db.session.commit()
            return ids
        finally:
            db.session.remove()


def login(client, role: str):
    """Log the test client in as ``role`` (the world's roles and the extra accounts)."""
    client.post("/logout")
    response = client.post("/login", data={"email": EMAILS[role], "password": PASSWORD})
    assert response.status_code == 302, f"login as {role} failed"
    return client
