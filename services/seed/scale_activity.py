"""The scale seed's day-to-day activity: the community team's hours with every month up
to the one before last closed (its day norms frozen as the service would), and the
shared rooms with weekly series stored one row per occurrence."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from models import HourCategory
from models.hours import DEFAULT_FTE_HOURS
from services.governance.localtime import AMSTERDAM
from services.hours.calendar import NormInputs, freeze_month
from services.hours.norms import care_contribution_by_organisation, coach_norm
from services.hours.periods import month_start, next_month
from services.registry.mix import Occupancy
from services.seed.demo_hours import NOTES
from services.seed.scale import SiteInfo, World, Writer, at, feed_token

COACH_ACTIVITIES = ("outreach", "activiteit", "overleg", "woonvereniging", "signalering",
                    "buurt")
CARE_ACTIVITIES = ("activiteit", "outreach", "overleg")
MANAGEMENT = ((HourCategory.SOCIAAL_BEHEER, ("overleg", "signalering", "outreach"), (6, 9), 3),
              (HourCategory.FYSIEK_BEHEER, ("beheer",), (3, 5), 1))

#: the weekly grid of room slots (local times); a series holds one cell for a year
SLOT_TIMES = ((time(9), time(11)), (time(11), time(13)), (time(14), time(16)),
              (time(16), time(18)), (time(19), time(21)))
#: Sunday 19:00-21:00 stays free in every room: the benchmark books it
FREE_CELL = (6, 4)
SERIES_PER_ROOM_YEAR = 8
SERIES_AHEAD_DAYS = 150
TITLES = ("Koffieochtend", "Weeklunch", "Spelletjesmiddag", "Kookclub", "Taalcafé",
          "Breiclub", "Yoga", "Huiswerkklas", "Repair café", "Bewonersoverleg",
          "Filmavond", "Moestuinclub", "Bingo", "Muziekgroep")
ORGANISERS = ("bewoner", "woonvereniging", "coach", "partner")


def occupancies(site: SiteInfo) -> tuple[Occupancy, ...]:
    return tuple(Occupancy(rid, unit_id, part_id, move_in, move_out, statuses)
                 for rid, unit_id, part_id, move_in, move_out, statuses in site.stays)


# --- hours ---------------------------------------------------------------------------

def hours(w: Writer, world: World) -> None:
    """About ten entries a week per site, and the months up to the one before last
    closed with their frozen day norms."""
    for site in world.sites:
        logged = _site_hours(w, world, site)
        _close_months(w, world, site, logged)


def _entry(w: Writer, site: SiteInfo, person: int, org: int | None, category: str,
           activity: str, day: date, quarters: int, rng) -> None:
    w.add("hour_entries", site_id=site.id, person_id=person, organisation_id=org,
          category=category, activity_type=activity, work_date=day, quarters=quarters,
          note=rng.choice(NOTES[activity]), corrects_entry_id=None,
          created_at=at(day, 17), created_by_id=person, updated_at=None, withdrawn_at=None,
          withdrawn_by_id=None)


def _spread(w: Writer, site: SiteInfo, rng, monday: date, last_day: date, quarters: int,
            entries: int, person: int, org: int | None, category: str, activities,
            logged: dict) -> None:
    """Spread a week's quarters over ``entries`` working days (at least an hour each)."""
    days = [monday + timedelta(days=n) for n in range(5)]
    days = [d for d in days if site.project_start <= d <= last_day]
    entries = min(entries, len(days), quarters // 4)
    if entries < 1:
        return
    parts = [4] * entries
    for _ in range(quarters - 4 * entries):
        parts[rng.randrange(entries)] += 1
    for day, part in zip(sorted(rng.sample(days, entries)), parts):
        part = min(part, 96)
        _entry(w, site, person, org, category, rng.choice(activities), day, part, rng)
        logged[month_start(day)] += part


def _site_hours(w: Writer, world: World, site: SiteInfo) -> dict[date, int]:
    rng, units = world.rng, len(site.units)
    occ = occupancies(site)
    manager = world.user("sb")
    last_day = world.today - timedelta(days=1)
    monday = site.project_start - timedelta(days=site.project_start.weekday())
    logged: dict[date, int] = defaultdict(int)
    while monday <= last_day:
        wednesday = monday + timedelta(days=2)
        if rng.random() < 0.06:  # a holiday week
            monday += timedelta(days=7)
            continue
        norm = coach_norm(units, site.project_start, wednesday).per_week
        weekly = Fraction(0) if norm is None else (norm.low + norm.high) / 2
        _spread(w, site, rng, monday, last_day, round(float(weekly) * rng.uniform(0.9, 1.15) * 4),
                4, site.coach_id, world.welfare_id, HourCategory.COMMUNITYCOACH,
                COACH_ACTIVITIES, logged)
        care = care_contribution_by_organisation(occ, wednesday)
        for org, person in site.begeleiders.items():
            quarters = round(float(care.get(org, 0)) * rng.uniform(0.5, 1.2) * 4)
            _spread(w, site, rng, monday, last_day, quarters, rng.randint(1, 2), person, org,
                    HourCategory.BEGELEIDER, CARE_ACTIVITIES, logged)
        for category, activities, (low, high), entries in MANAGEMENT:
            _spread(w, site, rng, monday, last_day, round(rng.uniform(low, high) * 4),
                    entries, manager, world.corporation_id, category, activities, logged)
        monday += timedelta(days=7)
    return logged


def _close_months(w: Writer, world: World, site: SiteInfo, logged: dict[date, int]) -> None:
    inputs = NormInputs(site.project_start, len(site.units), DEFAULT_FTE_HOURS, (),
                        occupancies(site), {})
    month = month_start(site.project_start)
    last_open = month_start(month_start(world.today) - timedelta(days=1))
    while month < last_open:
        w.add("month_closures", site_id=site.id, month=month, closed_by_id=world.user("sb"),
              closed_at=at(next_month(month) + timedelta(days=4)),
              logged_quarters=logged.get(month, 0), day_norms=freeze_month(inputs, month))
        month = next_month(month)


# --- rooms ---------------------------------------------------------------------------

def rooms(w: Writer, world: World) -> None:
    """Two rooms per site, open every day 08:00-23:00, with weekly series in a grid of
    slots so that no two booked occurrences of a room ever overlap."""
    for site in world.sites:
        for name, typology, capacity in (("Ontmoetingsruimte", "multifunctioneel", 40),
                                         ("Koffiehoek", "koffiehoek", 12)):
            room_id = _room(w, world, site, name, typology, capacity)
            site.rooms.append(room_id)
            _series(w, world, site, room_id)


def _room(w: Writer, world: World, site: SiteInfo, name: str, typology: str,
          capacity: int) -> int:
    start = site.project_start
    room_id = w.add("rooms", site_id=site.id, name=name, typology=typology, capacity=capacity,
                    has_kitchen=True, has_tv=typology != "koffiehoek", has_wifi=True,
                    accessible=True, dementia_friendly=False, outdoor_space=False,
                    house_rules="Laat de ruimte schoon achter.", contact="Bea Bestuur",
                    max_days_ahead=400, max_duration_minutes=240, accepts_requests=True,
                    active=True, evaluated_on=None, created_at=at(start))
    for weekday in range(7):
        w.add("room_opening_hours", room_id=room_id, weekday=weekday, opens=time(8),
              closes=time(23))
    w.add("room_key_holders", room_id=room_id, holder_name="Bea Bestuur",
          user_id=world.user("bestuur"), key_label="voordeur", since=start, returned_on=None,
          recorded_by_id=world.user("sb"))
    token = feed_token(world.seed, room_id)
    w.add("room_feed_tokens", site_id=site.id, room_id=room_id,
          token_hash=hashlib.sha256(token.encode()).hexdigest(), label=f"Feed {name}",
          created_by_id=world.user("sb"), created_at=at(start), revoked_at=None,
          revoked_by_id=None)
    return room_id


def _utc(day: date, local: time) -> datetime:
    return datetime.combine(day, local, tzinfo=AMSTERDAM).astimezone(timezone.utc)


def _series(w: Writer, world: World, site: SiteInfo, room_id: int) -> None:
    rng, today = world.rng, world.today
    cells = [(d, s) for d in range(7) for s in range(len(SLOT_TIMES)) if (d, s) != FREE_CELL]
    for year in range(site.project_start.year, today.year + 1):
        first = max(date(year, 1, 1), site.project_start)
        until = date(year, 12, 31) if year < today.year else \
            today + timedelta(days=SERIES_AHEAD_DAYS)
        for weekday, slot in rng.sample(cells, SERIES_PER_ROOM_YEAR):
            start, end = SLOT_TIMES[slot]
            day = first + timedelta(days=(weekday - first.weekday()) % 7)
            activity = rng.random() < 0.6
            booker = rng.choice((world.user("bestuur"), site.coach_id, world.user("sb")))
            series_id = w.add(
                "room_booking_series", room_id=room_id, title=rng.choice(TITLES),
                recurrence="weekly", interval=1, monthly_nth=None, first_day=day,
                start_time=start, end_time=end, until=until, occurrence_count=None,
                is_activity=activity,
                organiser_kind=rng.choice(ORGANISERS) if activity else None,
                open_to_neighbourhood=activity and rng.random() < 0.5,
                price=Decimal("2.50") if activity and rng.random() < 0.3 else None,
                booked_by_id=booker, created_at=at(day - timedelta(days=14)))
            while day <= until:
                _occurrence(w, world, series_id, room_id, day, start, end, activity, booker)
                day += timedelta(days=7)


def _occurrence(w: Writer, world: World, series_id: int, room_id: int, day: date,
                start: time, end: time, activity: bool, booker: int) -> None:
    rng = world.rng
    cancelled = rng.random() < 0.02
    booking_id = w.add("room_bookings", series_id=series_id, room_id=room_id,
                       starts_at=_utc(day, start), ends_at=_utc(day, end),
                       status="cancelled" if cancelled else "booked", moved=False,
                       changed_at=at(day - timedelta(days=3)) if cancelled else None,
                       changed_by_id=booker if cancelled else None)
    if activity and not cancelled and day < world.today and rng.random() < 0.1:
        w.add("room_attendance", booking_id=booking_id, begeleid=rng.randint(0, 6),
              onbegeleid=rng.randint(2, 14), neighbours=rng.randint(0, 5),
              recorded_by_id=booker, recorded_at=at(day, 21))
