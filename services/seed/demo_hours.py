"""Community-team hours for the demo site, deterministic, over the whole project history.

* the coach (paid via Welzijn Rijnstad) follows the taper: about the table's hours per
  week, a little under or over, with a few holiday weeks;
* Zorggroep De Linde's begeleider logs about its 10% (within the norm); a second
  begeleider account, for Stichting Het Anker, logs only about half of its 10%, so its
  report shows "under";
* the sociaal beheerder logs social and physical management within the fte band;
* every month up to the one before last is closed, and one closed entry is corrected.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HourEntry, Role, Site, User
from services import accounts
from services.accounts import site_access
from services.hours import entries as entry_service
from services.hours.calendar import load_norm_inputs
from services.hours.norms import care_contribution_by_organisation, coach_norm
from services.hours.periods import month_start, next_month

ANKER_BEGELEIDER = ("begeleider.anker", "Anouk Begeleider (Het Anker)")
NOTES = {
    "outreach": ("huisbezoek nieuwe bewoner", "langs de deuren in Blok C", "nazorg na verhuizing"),
    "activiteit": ("koffieochtend", "kooklessen", "moestuin", "spelletjesavond"),
    "overleg": ("IMO", "communityteam", "kerngroep voorbereiden"),
    "woonvereniging": ("bestuursoverleg woonvereniging", "ALV voorbereiden"),
    "signalering": ("signaal overlast besproken", "zorgen om buurman gedeeld"),
    "buurt": ("buurtlunch", "kennismaking buurthuis"),
    "beheer": ("rondgang gebouw", "sleutelbeheer ontmoetingsruimte", "brandoefening"),
}
WORKERS = (  # email local part, category, organisation key, activity types, share of norm
    ("coach", "communitycoach", "welzijn",
     ("outreach", "activiteit", "overleg", "woonvereniging", "signalering", "buurt"), None),
    ("begeleider", "begeleider", "linde", ("activiteit", "outreach", "overleg"), (1.0, 1.15)),
    (ANKER_BEGELEIDER[0], "begeleider", "anker", ("activiteit", "overleg"), (0.4, 0.6)),
)


def _user(session: Session, local: str, domain: str) -> User:
    return session.scalar(sa.select(User).where(User.email == f"{local}@{domain}"))


def _split(rng: random.Random, quarters: int, days: int) -> list[int]:
    """Spread a week's quarters over ``days`` working days, at least an hour each."""
    days = max(1, min(days, quarters // 4))
    parts = [4] * days
    for _ in range(quarters - 4 * days):
        parts[rng.randrange(days)] += 1
    return parts


def _week_entries(rng, site: Site, person: User, category: str, org_id: int,
                  activities, monday: date, quarters: int, last_day: date) -> list[HourEntry]:
    entries = []
    workdays = [monday + timedelta(days=n) for n in range(5)]
    workdays = [d for d in workdays if site.project_start <= d <= last_day]
    if not workdays or quarters <= 0:
        return entries
    for day, part in zip(sorted(rng.sample(workdays, min(len(workdays), 3))),
                         _split(rng, quarters, min(len(workdays), 3))):
        activity = rng.choice(activities)
        entries.append(HourEntry(site_id=site.id, person_id=person.id, created_by_id=person.id,
                                 organisation_id=org_id, category=category,
                                 activity_type=activity, work_date=day, quarters=part,
                                 note=rng.choice(NOTES[activity])))
    return entries


def seed_hours(session: Session, site: Site, orgs: dict, *, today: date, password: str,
               domain: str) -> None:
    """Log the demo's hours from the project start up to yesterday, close the months."""
    rng = random.Random(20260401)
    anker = accounts.save_user(session, None, email=f"{ANKER_BEGELEIDER[0]}@{domain}",
                               name=ANKER_BEGELEIDER[1], password=password, is_admin=False,
                               active=True, actor_id=None, enforce_policy=False)
    accounts.grant_role(session, anker, site_id=site.id, role=Role.BEGELEIDER,
                        organisation_id=orgs["anker"].id, actor_id=None)
    inputs = load_norm_inputs(session, site)
    manager = _user(session, "sociaalbeheerder", domain)
    last_day = today - timedelta(days=1)
    monday = site.project_start - timedelta(days=site.project_start.weekday())
    entries: list[HourEntry] = []
    while monday <= last_day:
        wednesday = monday + timedelta(days=2)
        holiday = rng.random() < 0.06
        care = care_contribution_by_organisation(inputs.occupancies, wednesday)
        for local, category, org_key, activities, share in WORKERS:
            if share is None:
                norm = coach_norm(inputs.units, site.project_start, wednesday).per_week
                weekly = Fraction(0) if norm is None else (norm.low + norm.high) / 2
                share = (0.95, 1.15)
            else:
                weekly = care.get(orgs[org_key].id, Fraction(0))
            quarters = 0 if holiday else round(float(weekly) * rng.uniform(*share) * 4)
            entries += _week_entries(rng, site, _user(session, local, domain), category,
                                     orgs[org_key].id, activities, monday, quarters, last_day)
        if not holiday:
            for category, activities, hours in (("sociaal_beheer", ("overleg", "signalering",
                                                                     "outreach"), (6, 9)),
                                                ("fysiek_beheer", ("beheer",), (3, 5))):
                entries += _week_entries(rng, site, manager, category, orgs["corporatie"].id,
                                         activities, monday,
                                         round(rng.uniform(*hours) * 4), last_day)
        monday += timedelta(days=7)
    session.add_all(entries)
    session.flush()
    _close_and_correct(session, site, today, manager)


def _close_and_correct(session: Session, site: Site, today: date, manager: User) -> None:
    """Close every month up to the one before last; correct one entry of the last closed
    month (the coach had logged an hour too many)."""
    month, last_open = month_start(site.project_start), month_start(
        month_start(today) - timedelta(days=1))
    closed = None
    while month < last_open:
        entry_service.close_month(session, site, month, actor_id=manager.id, today=today)
        closed, month = month, next_month(month)
    if closed is None:
        return
    coach = _user(session, "coach", manager.email.split("@")[1])
    entry = session.scalar(sa.select(HourEntry).where(
        HourEntry.site_id == site.id, HourEntry.person_id == coach.id,
        HourEntry.work_date >= closed, HourEntry.work_date < next_month(closed),
        HourEntry.quarters > 4).order_by(HourEntry.work_date, HourEntry.id).limit(1))
    if entry is not None:
        entry_service.correct_entry(
            session, site, site_access(coach, site.id), entry,
            data=entry_service.EntryData(entry.work_date, entry.quarters - 4, entry.category,
                                         entry.activity_type, entry.organisation_id,
                                         entry.note),
            reason="een uur dubbel geschreven", actor_id=coach.id, today=today)
