"""Helpers for the room-agenda tests (imported by them; tests/conftest.py stays untouched).

TODAY is Monday 15 June 2026; the pages take "now" as noon of that day. The room of
:func:`make_room` is open every day 09:00-22:00 and may be booked 200 days ahead for at
most four hours.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa

from models import RequesterKind, Room, Site, User
from services.governance.localtime import local_instant
from services.rooms import bookings, requests as request_service, rooms as room_service
from services.rooms.bookings import Activity, BookingData
from services.rooms.recurrence import Rule
from tests.conftest import ROLE_EMAILS, TODAY

NOW = local_instant(TODAY, time(12, 0))
THURSDAY = date(2026, 6, 18)


def user(session, role: str) -> User:
    return session.scalar(sa.select(User).where(User.email == ROLE_EMAILS[role]))


def make_room(session, site: Site, name: str = "Ontmoetingsruimte", **opening) -> Room:
    room = room_service.save_room(session, site, None, room_service.RoomData(
        name, "multifunctioneel", 40, frozenset({"has_kitchen", "accessible"}),
        house_rules="Laat de ruimte schoon achter.", contact="Bea, 06-12345678",
        max_days_ahead=200, max_duration_minutes=240), actor_id=None)
    hours = opening or {d: (time(9), time(22)) for d in range(7)}
    room_service.set_opening_hours(session, room, hours, actor_id=None)
    room_service.set_tariffs(session, room, {
        RequesterKind.BUURTGROEP.value: ("dagdeel", Decimal("10.00")),
        RequesterKind.VERENIGING_STICHTING.value: ("uur", Decimal("7.50")),
        RequesterKind.OVERHEID.value: ("uur", Decimal("15.00")),
        RequesterKind.PERSOON.value: (None, None)}, actor_id=None)
    return room


def book(session, room: Room, first: date, start: time, end: time, rule: Rule = Rule(),
         title: str = "Koffieochtend", by: User | None = None, activity: Activity | None = None,
         on_conflict=None, seen=frozenset(), now: datetime = NOW, today: date = TODAY):
    return bookings.book(session, room, BookingData(title, first, start, end, rule, activity),
                         booked_by_id=by.id if by else None, on_conflict=on_conflict,
                         seen=seen, today=today, now=now)


def requester(**changes) -> request_service.Requester:
    values = dict(kind="vereniging_stichting", organisation="Stichting Buurtkracht",
                  contact_name="Karel Kracht", email="karel@buurtkracht.example",
                  purpose="Informatieavond over energie besparen voor de buurt",
                  expected_people=20)
    values.update(changes)
    return request_service.Requester(**values)


def rooms_world(app, world) -> SimpleNamespace:
    """On the world: a room with a weekly coffee morning booked by the bestuur (Thursday
    10:00-12:00 from 18 June, 8 times), a past activity on 11 June with no attendance
    yet, a weekly game night whose second date was skipped (and is free again), a pending
    external request, a key holder and a block. Returns plain ids."""
    from models import db

    with app.app_context():
        session = db.session
        site = session.get(Site, world.site)
        room = make_room(session, site)
        coffee = book(session, room, THURSDAY, time(10), time(12),
                      Rule("weekly", count=8), title="Koffieochtend",
                      by=user(session, "bestuur"), activity=Activity("bewoner"))
        past = book(session, room, date(2026, 6, 11), time(12), time(14), title="Weeklunch",
                    by=user(session, "communitycoach"), activity=Activity("coach", True),
                    today=date(2026, 6, 1), now=local_instant(date(2026, 6, 1), time(9)))
        external = request_service.submit(
            session, room, requester(), BookingData("Energieavond", date(2026, 6, 24),
                                                    time(19), time(21)),
            today=TODAY, now=NOW)
        overleg = book(session, room, date(2026, 6, 25), time(19), time(20), title="Overleg",
                       by=user(session, "sociaal_beheerder"))
        games = book(session, room, THURSDAY, time(19), time(21), Rule("weekly", count=3),
                     title="Spelletjesavond", by=user(session, "bestuur"), on_conflict="skip",
                     seen=frozenset({date(2026, 6, 25)}))
        bookings.cancel(session, overleg.occurrences[0], scope="one", actor_id=None, now=NOW)
        key = room_service.add_key_holder(session, room, holder_name="Bea Bestuur",
                                          key_label="voordeur", since=date(2026, 1, 1),
                                          user_id=None, actor_id=None, today=TODAY)
        block = room_service.add_block(
            session, room, starts_at=local_instant(date(2026, 6, 22), time(9)),
            ends_at=local_instant(date(2026, 6, 22), time(12)), reason="schoonmaak", note=None,
            actor_id=None, now=NOW)
        other = make_room(session, session.get(Site, world.other_site), "Buurtkamer")
        db.session.commit()
        ids = SimpleNamespace(
            room=room.id, other_room=other.id, coffee=coffee.occurrences[0].id,
            coffee_series=coffee.id, coffee_second=coffee.occurrences[1].id,
            past=past.occurrences[0].id, request=external.id, key=key.id, block=block.id,
            skipped=games.occurrences[1].id)
        db.session.remove()
    return ids
