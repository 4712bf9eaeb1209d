"""The demo site's ontmoetingsruimte, deterministic, booked through the services as the
people would have done it at the time:

* open Monday-Friday 09:00-22:00 and Saturday 10:00-17:00, closed on Sunday; house rules,
  a tariff list for external users, key holders (one key handed back);
* the weekly lunch on Wednesday (woonvereniging, open to the neighbourhood, EUR 3.50),
  the coffee morning on Tuesday (a resident, free) and four more weekly or fortnightly
  activities, booked half a year at a time, attendance recorded on most past dates;
* the monthly game night on the 3rd Friday (a resident, open to the neighbourhood), its
  attendance recorded over the past months, and the bestuur's monthly meeting;
* a pending request of a language café from outside, waiting longer than the site's
  five days, an approved one from the municipality, and the summer maintenance blocked.
"""
from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import Booking, Site
from services import accounts
from services.governance.localtime import local_instant
from services.rooms import activities, bookings, requests as request_service
from services.rooms import rooms as room_service
from services.rooms.bookings import Activity, BookingData
from services.rooms.recurrence import Rule

HOUSE_RULES = ("Iedereen is welkom; wie de ruimte boekt, is er verantwoordelijk voor.\n"
               "Laat de ruimte en de keuken schoon achter en zet de stoelen terug.\n"
               "Geen alcohol vóór 17:00. De sleutel terug bij de sleutelhouder.")


def _back_then(day: date) -> dict:
    """Book as if on the morning of ``day`` (so its dates were in the future then)."""
    return {"today": day, "now": local_instant(day, time(7))}


def _book(session: Session, room, title: str, first: date, start: time, end: time,
          rule: Rule, by, activity: Activity | None = None):
    return bookings.book(session, room, BookingData(title, first, start, end, rule, activity),
                         booked_by_id=by.id, **_back_then(first))


def _next(on: date, weekday: int) -> date:
    return on + timedelta(days=(weekday - on.weekday()) % 7)


def seed_rooms(session: Session, site: Site, *, today: date, domain: str) -> None:
    """Create the demo room agenda of ``site`` (see the module docstring)."""
    rng = random.Random(20260606)
    users = {local: accounts.find_user_by_email(session, f"{local}@{domain}")
             for local in ("bestuur", "coach", "sociaalbeheerder")}
    room = room_service.save_room(session, site, None, room_service.RoomData(
        "Ontmoetingsruimte", "multifunctioneel", 40,
        frozenset({"has_kitchen", "has_tv", "has_wifi", "accessible", "dementia_friendly"}),
        house_rules=HOUSE_RULES, contact="Bea Bestuur, 06-12345678", max_days_ahead=200,
        max_duration_minutes=300, evaluated_on=today - timedelta(days=200)), actor_id=None)
    hours = {d: (time(9), time(22)) for d in range(5)}
    hours[5] = (time(10), time(17))
    room_service.set_opening_hours(session, room, hours, actor_id=None)
    room_service.set_tariffs(session, room, {
        "buurtgroep": ("dagdeel", Decimal("5.00")), "vereniging_stichting": ("uur", Decimal("7.50")),
        "overheid": ("uur", Decimal("15.00")), "persoon": ("dagdeel", Decimal("5.00"))},
        actor_id=None)
    _keys(session, room, users, site.project_start, today)
    _programme(session, room, users, today, rng)
    _requests(session, room, users, today)
    _maintenance(session, room, users, today)


def _keys(session: Session, room, users: dict, start: date, today: date) -> None:
    for name, user, label, since in (
            ("Bea Bestuur", users["bestuur"], "voordeur", start + timedelta(days=30)),
            ("Chris Communitycoach", users["coach"], "voordeur", start + timedelta(days=14)),
            ("Sanne Sociaal Beheer", users["sociaalbeheerder"], "keukenkast",
             start + timedelta(days=14)),
            ("Gert Visser (oud-bestuurslid)", None, "voordeur", start + timedelta(days=30))):
        holder = room_service.add_key_holder(session, room, holder_name=name, key_label=label,
                                             since=since, user_id=user.id if user else None,
                                             actor_id=None, today=today)
        if user is None:
            room_service.return_key(session, holder, returned_on=today - timedelta(days=120),
                                    actor_id=None, today=today)


WEEKLY = (  # title, weekday, start, end, every n weeks, booked by, activity
    ("Weeklunch", 2, time(12), time(13, 30), 1, "bestuur",
     Activity("woonvereniging", True, Decimal("3.50"))),
    ("Koffieochtend", 1, time(10), time(11, 30), 1, "coach", Activity("bewoner")),
    ("Handwerkclub", 0, time(14), time(16, 30), 1, "bestuur", Activity("bewoner", True)),
    ("Bewegen voor 55+", 4, time(10), time(11), 1, "coach",
     Activity("partner", True, Decimal("1.00"))),
    ("Spreekuur begeleiding", 2, time(14), time(16), 1, "sociaalbeheerder", None),
    ("Kookclub", 3, time(17), time(19), 2, "bestuur", Activity("bewoner", False, Decimal("2.50"))),
)


def _programme(session: Session, room, users: dict, today: date, rng: random.Random) -> None:
    """The weekly activities in two half-year series each, the monthly game night in two
    series and the bestuur's monthly meeting, with attendance on past activity dates."""
    half_year = today - timedelta(weeks=26)
    made = []
    for first in (half_year, today):
        for title, weekday, start, end, every, by, activity in WEEKLY:
            made.append(_book(session, room, title, _next(first, weekday), start, end,
                              Rule("weekly", interval=every, count=26 // every), users[by],
                              activity))
    for months_back in (8, 2):
        month = date(today.year, today.month, 1) - relativedelta(months=months_back)
        made.append(_book(session, room, "Spelletjesavond",
                          _next(month, 4) + timedelta(weeks=2), time(19, 30), time(22),
                          Rule("monthly", count=6), users["bestuur"],
                          Activity("bewoner", True)))
    _book(session, room, "Bestuursoverleg woonvereniging", _next(today, 0), time(19, 30),
          time(21, 30), Rule("monthly", count=6), users["bestuur"])
    moment = local_instant(today, time(7))
    for series in made:
        for occurrence in series.occurrences:
            if series.is_activity and occurrence.ends_at < moment and rng.random() < 0.85:
                activities.record_attendance(
                    session, occurrence, begeleid=rng.randint(1, 5),
                    onbegeleid=rng.randint(4, 12),
                    neighbours=rng.randint(0, 6) if series.open_to_neighbourhood else 0,
                    actor_id=series.booked_by_id, now=occurrence.ends_at)


def _maintenance(session: Session, room, users: dict, today: date) -> None:
    """Two days of summer maintenance; the dates booked then are cancelled first."""
    first = _next(today + timedelta(weeks=9), 0)
    starts, ends = local_instant(first, time(0)), local_instant(first + timedelta(days=2), time(0))
    moment = local_instant(today, time(7))
    for occurrence in bookings.busy_between(session, room.id, starts, ends):
        booked = session.get(Booking, occurrence.booking_id)
        bookings.cancel(session, booked, scope="one", actor_id=users["bestuur"].id, now=moment)
    room_service.add_block(session, room, starts_at=starts, ends_at=ends, reason="onderhoud",
                           note="Schilderwerk en nieuwe vloer in de keuken",
                           actor_id=users["bestuur"].id, now=moment)


def _requests(session: Session, room, users: dict, today: date) -> None:
    sent = today - timedelta(days=8)
    request_service.submit(session, room, request_service.Requester(
        kind="vereniging_stichting", organisation="Stichting Taalmaatjes Rijnstad",
        contact_name="Yara El Amrani", email="yara@taalmaatjes.example",
        purpose="Taalcafé: buurtbewoners oefenen samen Nederlands bij een kop koffie.",
        expected_people=15), BookingData("Taalcafé", _next(today + timedelta(days=3), 3),
                                         time(19), time(21), Rule("weekly", count=6)),
        **_back_then(sent))
    approved = request_service.submit(session, room, request_service.Requester(
        kind="overheid", organisation="Gemeente Rijnstad", contact_name="M. de Jong",
        email="wijkteam@rijnstad.example",
        purpose="Inloopspreekuur van het wijkteam voor de buurt.", expected_people=10),
        BookingData("Spreekuur wijkteam", _next(today + timedelta(days=1), 4), time(14),
                    time(16)), **_back_then(sent - timedelta(days=6)))
    request_service.approve(session, approved, actor_id=users["bestuur"].id,
                            **_back_then(sent - timedelta(days=4)))
