"""The demo site "Het Hofje": fictional, deterministic, with two years of history.

72 units in three blocks, about a third of the residents begeleid by two care
organisations, a handful of move-outs, re-lettings and status changes over two years, a
few vacant units today, and one account per role.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import OrgKind, Resident, Role, Site, SupportStatus, Unit
from services import accounts
from services.registry import residents as resident_service
from services.registry import sites as site_service
from services.registry.residents import PersonalData, SupportData
from services.seed.demo_association import seed_association
from services.seed.demo_governance import seed_governance
from services.seed.demo_hours import seed_hours
from services.seed.demo_rooms import seed_rooms

SITE_NAME = "Het Hofje"
EMAIL_DOMAIN = "hofje.example"

FIRST_NAMES = ("Anna", "Bram", "Carla", "Daan", "Eva", "Fatima", "Gert", "Hanna", "Ibrahim",
               "Jolanda", "Kees", "Lotte", "Mehmet", "Noor", "Otto", "Petra", "Quinten",
               "Rosa", "Sem", "Tineke", "Umut", "Vera", "Wim", "Yara", "Zoë", "Ahmed",
               "Bea", "Chris", "Dewi", "Emre", "Femke", "Gijs", "Hatice", "Ilse", "Jan")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
              "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
              "Dekker", "Brouwer", "de Wit", "Dijkstra", "Yilmaz", "El Amrani", "Kok",
              "Jacobs", "van Dijk", "Willems", "Verhoeven", "Kaya", "Postma", "Huisman")
TALENTS = ("koken", "tuinieren", "fietsen repareren", "muziek maken", "taalmaatje",
           "computerhulp", "schilderen", "klussen", "wandelen", "spelletjes")

DEMO_ACCOUNTS = (
    # (local part, name, role or None for admin, care organisation key)
    ("beheer", "Beheerder Noaber", None, None),
    ("sociaalbeheerder", "Sanne Sociaal Beheer", Role.SOCIAAL_BEHEERDER, None),
    ("coach", "Chris Communitycoach", Role.COMMUNITYCOACH, None),
    ("begeleider", "Bas Begeleider (De Linde)", Role.BEGELEIDER, "linde"),
    ("bestuur", "Bea Bestuur", Role.BESTUUR, None),
    ("kerngroep", "Karin Kerngroep", Role.KERNGROEP, None),
    ("stuurgroep", "Stef Stuurgroep", Role.STUURGROEP, None),
    ("toelating", "Tom Toelatingscommissie", Role.TOELATINGSCOMMISSIE, None),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str


def demo_accounts() -> list[DemoAccount]:
    """The e-mail address and role of each demo account."""
    return [DemoAccount(f"{local}@{EMAIL_DOMAIN}", role.value if role else "admin")
            for local, _name, role, _org in DEMO_ACCOUNTS]


def demo_exists(session: Session) -> bool:
    return session.scalar(sa.select(Site.id).where(Site.name == SITE_NAME)) is not None


def seed_demo(session: Session, *, today: date, password: str) -> bool:
    """Create the demo site unless it exists; returns whether anything was created."""
    if demo_exists(session):
        return False
    rng = random.Random(20260101)
    orgs = {
        key: site_service.save_organisation(session, None, name=name, kind=kind, active=True,
                                            actor_id=None)
        for key, name, kind in (
            ("corporatie", "Woonstichting Hofland", OrgKind.WONINGCORPORATIE),
            ("linde", "Zorggroep De Linde", OrgKind.ZORGAANBIEDER),
            ("anker", "Stichting Het Anker", OrgKind.ZORGAANBIEDER),
            ("gemeente", "Gemeente Rijnstad", OrgKind.GEMEENTE),
            ("welzijn", "Welzijn Rijnstad", OrgKind.WELZIJNSORGANISATIE),
            ("vereniging", "Bewonersvereniging Het Hofje", OrgKind.WOONVERENIGING))}
    start = today - relativedelta(years=2, months=2)
    site = site_service.save_site(session, None, site_service.SiteData(
        name=SITE_NAME, municipality="Rijnstad", project_start=start,
        corporation_id=orgs["corporatie"].id, association_id=orgs["vereniging"].id),
        actor_id=None)
    units = _units(session, site, rng)
    _residents(session, site, units, orgs, rng, start, today)
    _accounts(session, site, orgs, password)
    _imo(session, site, orgs, today)
    seed_hours(session, site, orgs, today=today, password=password, domain=EMAIL_DOMAIN)
    seed_governance(session, site, orgs, today=today, domain=EMAIL_DOMAIN)
    seed_rooms(session, site, today=today, domain=EMAIL_DOMAIN)
    seed_association(session, site, orgs, today=today, domain=EMAIL_DOMAIN)
    return True


def _units(session: Session, site: Site, rng: random.Random) -> list[Unit]:
    units = []
    for block in "ABC":
        part = site_service.add_part(session, site, f"Blok {block}", actor_id=None)
        for n in range(1, 25):
            unit_type = rng.choice(("studio", "studio", "1-kamer", "2-kamer", "2-kamer",
                                    "3-kamer"))
            units.append(site_service.save_unit(session, site, None, site_service.UnitData(
                number=f"{block}{n:02d}", unit_type=unit_type, part_id=part.id,
                shared=(block == "B" and n == 24)), actor_id=None))
    return units


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self, today: date) -> PersonalData:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                break
        local = name.lower().replace(" ", ".").replace("ë", "e")
        born = today - timedelta(days=self.rng.randint(20 * 365, 75 * 365))
        contributes = self.rng.random() < 0.6
        return PersonalData(
            name=name, email=f"{local}@{EMAIL_DOMAIN}",
            phone=f"06-{self.rng.randint(10000000, 99999999)}",
            date_of_birth=born if self.rng.random() < 0.7 else None,
            actively_contributes=contributes,
            talents=", ".join(self.rng.sample(TALENTS, 2)) if contributes else None)

    def support(self, orgs: dict, begeleid: bool) -> SupportData:
        if not begeleid:
            return SupportData(SupportStatus.ONBEGELEID)
        org = orgs["linde"] if self.rng.random() < 0.6 else orgs["anker"]
        return SupportData(SupportStatus.BEGELEID, org.id,
                           Decimal(self.rng.choice((3, 4, 4.5, 5, 6, 6, 8))).quantize(
                               Decimal("0.01")))


def _residents(session: Session, site: Site, units: list[Unit], orgs: dict,
               rng: random.Random, start: date, today: date) -> None:
    people = _People(rng)
    vacant_now = {"A07", "B15", "C21"}
    for i, unit in enumerate(units):
        residents_here = 2 if unit.shared else 1
        for _ in range(residents_here):
            begeleid = i % 3 == 0
            resident_service.add_resident(
                session, site_id=site.id, unit_id=unit.id,
                move_in=start + timedelta(days=rng.randint(0, 45)),
                person=people.person(today), support=people.support(orgs, begeleid),
                actor_id=None, today=today)
    current = {r.unit.number: r for r in session.scalars(
        sa.select(Resident).join(Unit).where(Unit.site_id == site.id, ~Unit.shared))}
    # move-outs over the two years; most units are let again a few weeks later
    movers = sorted(rng.sample(sorted(current), 12))
    for number in movers:
        resident = current[number]
        left = resident.move_in_date + timedelta(days=rng.randint(120, 680))
        left = min(left, today - timedelta(days=10))
        resident_service.record_move_out(session, resident, move_out=left,
                                         reason=rng.choice(("verhuisd", "overleden",
                                                            "doorgestroomd", "huur opgezegd")),
                                         actor_id=None)
    for number in movers + sorted(vacant_now - set(movers)):
        resident = current[number]
        if number in vacant_now:
            if resident.move_out_date is None:
                resident_service.record_move_out(
                    session, resident, move_out=today - timedelta(days=rng.randint(5, 40)),
                    reason="verhuisd", actor_id=None)
            continue
        resident_service.add_resident(
            session, site_id=site.id, unit_id=resident.unit_id,
            move_in=resident.move_out_date + timedelta(days=rng.randint(14, 60)),
            person=people.person(today),
            support=people.support(orgs, resident.unit.part.name == "Blok C" or rng.random() < 0.2),
            actor_id=None, today=today)
    # the mix shifts without anyone moving: support ends for some, starts for others
    stayers = [r for r in current.values() if r.move_out_date is None]
    supported = [r for r in stayers
                 if resident_service.current_status(r, today).status == SupportStatus.BEGELEID]
    unsupported = [r for r in stayers if r not in supported and r.unit.part.name == "Blok C"]
    for resident in rng.sample(supported, 3) + rng.sample(unsupported, 2):
        becomes_begeleid = resident in unsupported
        when = resident.move_in_date + timedelta(days=rng.randint(200, 600))
        resident_service.record_status_change(
            session, resident, valid_from=min(when, today - timedelta(days=3)),
            support=people.support(orgs, becomes_begeleid),
            note="drager werd vrager" if becomes_begeleid else "begeleiding afgesloten",
            actor_id=None)


def _accounts(session: Session, site: Site, orgs: dict, password: str) -> None:
    for local, name, role, org_key in DEMO_ACCOUNTS:
        user = accounts.save_user(session, None, email=f"{local}@{EMAIL_DOMAIN}", name=name,
                                  password=password, is_admin=role is None, active=True,
                                  actor_id=None, enforce_policy=False)  # documented one
        if role is not None:
            accounts.grant_role(session, user, site_id=site.id, role=role,
                                organisation_id=orgs[org_key].id if org_key else None,
                                actor_id=None)


CANDIDATES = (
    # name, route, org key, months on the list, motivation, facts (kind, months ago)
    ("Lisa Vermeulen", "selectie", None, 8, "Wil graag koken voor de buren en de moestuin "
     "opzetten.", (("informatieavond", 7),)),
    ("Joris Hofman", "zorgaanbieder", "linde", 5, "Zoekt rust en een vaste plek; wil "
     "meehelpen bij de koffieochtend.", (("kennismaking", 2),)),
    ("Samira Bouzid", "cooptatie", None, 2, "Voorgedragen door de woonvereniging; "
     "organiseert nu al de spelletjesavond mee.", (("activiteit", 1),)),
    ("Peter Claassen", "zorgaanbieder", "anker", 4, "Wil na de opvang zelfstandig wonen "
     "met een netwerk om zich heen.", ()),
    ("Ellen Mertens", "selectie", None, 1, "Werkt als verpleegkundige en wil haar buren "
     "leren kennen.", (("informatieavond", 0),)),
)


def _imo(session: Session, site: Site, orgs: dict, today: date) -> None:
    """A waiting list of five candidates and last month's IMO with one advice."""
    from services.access import SiteAccess
    from services.imo import candidates as candidate_service
    from services.imo import meetings as meeting_service

    candidate_service.ensure_default_reasons(session, site.id)
    access = SiteAccess(site.id, frozenset({Role.SOCIAAL_BEHEERDER}))
    created = []
    for name, route, org_key, months, motivation, facts in CANDIDATES:
        begeleid = org_key is not None
        candidate = candidate_service.register_candidate(session, access, candidate_service
                                                         .CandidateData(
            name=name, intake_route=route,
            support_status=SupportStatus.BEGELEID if begeleid else SupportStatus.ONBEGELEID,
            registered_on=today - relativedelta(months=months),
            email=f"{name.lower().replace(' ', '.')}@{EMAIL_DOMAIN}",
            care_organisation_id=orgs[org_key].id if begeleid else None,
            indicated_hours=Decimal(5) if begeleid else None, motivation=motivation,
            problem_severity="matig" if begeleid else None,
            accepts_support=True if begeleid else None,
            woonzorgovereenkomst=begeleid), actor_id=None, today=today)
        for kind, months_ago in facts:
            candidate_service.add_fact(session, candidate, kind=kind,
                                       on=today - relativedelta(months=months_ago, days=3),
                                       note=None, actor_id=None, today=today)
        created.append(candidate)
    # last month's IMO discussed the two who were waiting then
    held_on = (today - relativedelta(months=1)).replace(day=12)
    chair = accounts.find_user_by_email(session, f"sociaalbeheerder@{EMAIL_DOMAIN}")
    meeting = meeting_service.create_meeting(session, site, held_on=held_on,
                                             location="Ontmoetingsruimte", chair_id=chair.id,
                                             deputy_chair=None, actor_id=None)
    vacant = [u for u in session.scalars(sa.select(Unit).where(Unit.site_id == site.id,
                                                               Unit.number == "B15"))]
    advice = {"Lisa Vermeulen": ("positief", None, "Versterkt de groep actieve bewoners."),
              "Joris Hofman": ("positief_onder_voorwaarden",
                               "Vaste begeleider stelt zich voor aan de directe buren.",
                               "Past in blok A zodra daar een woning vrijkomt.")}
    for entry in meeting.candidates:
        verdict, conditions, reasoning = advice.get(entry.candidate.name, (None, None, None))
        if verdict:
            meeting_service.record_advice(
                session, entry, advice=verdict, conditions=conditions, reasoning=reasoning,
                unit_id=vacant[0].id if verdict == "positief" and vacant else None,
                actor_id=None)
    meeting.items[0].minutes = "Blok C loopt uit de band: bij de volgende woning in blok C " \
                               "voorrang voor een onbegeleide kandidaat."
    meeting_service.lock_minutes(session, meeting, actor_id=None,
                                 now=datetime.combine(held_on, time(21, 0), tzinfo=timezone.utc))
