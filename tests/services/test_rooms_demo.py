"""The demo's Ontmoetingsruimte: opening hours, key holders, the weekly lunch and coffee
morning, the monthly game night with attendance over past months, a request waiting for
an answer; deterministic, and every date booked through the services' checks."""
from datetime import time

import sqlalchemy as sa

from models import (ActivityAttendance, Booking, BookingSeries, RequestStatus, Room,
                    RoomRequest, Site)
from services.governance.localtime import AMSTERDAM
from services.rooms import activities
from services.rooms import rooms as room_service
from services.rooms.monitoring import room_evaluations
from services.seed import demo
from tests.conftest import PASSWORD, TODAY


def series(session, title: str) -> list[BookingSeries]:
    return list(session.scalars(sa.select(BookingSeries).where(BookingSeries.title == title)
                                .order_by(BookingSeries.first_day)))


def test_the_demo_room_agenda(session):
    demo.seed_demo(session, today=TODAY, password=PASSWORD)
    site = session.scalar(sa.select(Site).where(Site.name == demo.SITE_NAME))
    room = session.scalar(sa.select(Room).where(Room.site_id == site.id))
    assert room.name == "Ontmoetingsruimte" and room.typology == "multifunctioneel"
    assert sorted(room_service.opening_of(room)) == [0, 1, 2, 3, 4, 5]  # closed on Sunday
    holders = room_service.key_holders(session, room.id)
    assert len(holders) == 4 and sum(h.returned_on is not None for h in holders) == 1

    lunches = series(session, "Weeklunch")
    assert len(lunches) == 2 and all(s.organiser_kind == "woonvereniging" for s in lunches)
    starts = {b.starts_at.astimezone(AMSTERDAM).time() for s in lunches for b in s.occurrences}
    days = {b.starts_at.astimezone(AMSTERDAM).weekday() for s in lunches for b in s.occurrences}
    assert starts == {time(12)} and days == {2}  # Wednesday 12:00, summer and winter
    assert len(series(session, "Koffieochtend")) == 2

    games = series(session, "Spelletjesavond")
    dates = [b.starts_at.astimezone(AMSTERDAM).date() for s in games for b in s.occurrences]
    assert len(dates) == 12 and all(15 <= d.day <= 21 and d.weekday() == 4 for d in dates)
    recorded = session.scalar(sa.select(sa.func.count()).select_from(ActivityAttendance)
                              .join(Booking).where(Booking.series_id.in_([s.id for s in games])))
    assert recorded >= 5  # most of the eight past game nights

    waiting = session.scalars(sa.select(RoomRequest).where(
        RoomRequest.status == RequestStatus.PENDING)).all()
    assert [r.organisation for r in waiting] == ["Stichting Taalmaatjes Rijnstad"]
    found = {e.rule: e.findings for e in room_evaluations(session, site, TODAY)}
    assert found["room_hardly_used"] == ()
    assert [f.subject for f in found["room_requests_waiting"]] == ["requests"]
    total = activities.participation(session, site, TODAY).total  # deterministic
    assert (total.activities, total.recorded, total.begeleid, total.onbegeleid,
            total.neighbours) == FIGURES


FIGURES = (131, 105, 335, 863, 190)  # by the seeded random numbers, with TODAY
