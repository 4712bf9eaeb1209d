"""The room agenda against a real database: series stored one row per occurrence,
collisions on every occurrence with the skip choice, re-adding, moving and cancelling one
date or the rest, the Btiv refusal, approval of external requests, tariffs,
participation and usage against hand computations, and the monitoring rules."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from models import (ActivityAttendance, Booking, BookingRecordError, BookingStatus, RoomRequest,
                    RoomSettings, Signal)
from services.errors import RuleViolation
from services.governance.localtime import local_day, local_instant
from services.monitoring.sweep import sweep
from services.rooms import activities, bookings, requests as request_service
from services.rooms import rooms as room_service
from services.rooms.bookings import SKIP, Activity, BookingData, Collisions
from services.rooms.monitoring import room_evaluations
from services.rooms.recurrence import Rule
from services.rooms.usage import room_usage
from tests.conftest import TODAY, build_world
from tests.rooms_fixtures import NOW, THURSDAY, book, make_room, requester, user

UTC = timezone.utc
WEEKLY8 = Rule("weekly", count=8)


@pytest.fixture
def w(session):
    return build_world(session)


@pytest.fixture
def room(session, w):
    return make_room(session, w.site)


def statuses(series) -> list[str]:
    return [b.status for b in series.occurrences]


def booked_count(session, room) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.room_id == room.id, Booking.status == BookingStatus.BOOKED))


# --- booking ---------------------------------------------------------------------------


def test_a_series_is_stored_one_row_per_occurrence_in_utc(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21), Rule("weekly", until=date(2026, 11, 5)),
                  title="Spelletjesavond", by=user(session, "bestuur"))
    assert len(series.occurrences) == 21 and set(statuses(series)) == {"booked"}
    by_day = {b.starts_at.date(): b for b in series.occurrences}
    assert by_day[date(2026, 10, 22)].starts_at == datetime(2026, 10, 22, 17, tzinfo=UTC)
    assert by_day[date(2026, 10, 29)].starts_at == datetime(2026, 10, 29, 18, tzinfo=UTC)


def test_collisions_are_found_on_every_occurrence_and_nothing_is_saved(session, w, room):
    book(session, room, date(2026, 7, 2), time(20), time(22), title="Bestuur")
    book(session, room, date(2026, 7, 30), time(18), time(19, 30), title="Buurtoverleg")
    before = booked_count(session, room)
    with pytest.raises(Collisions) as caught:
        book(session, room, THURSDAY, time(19), time(21), WEEKLY8, title="Spelletjesavond")
    checks = caught.value.checks
    assert len(checks) == 8
    assert caught.value.dates == {date(2026, 7, 2), date(2026, 7, 30)}
    assert [c.clashes[0].label for c in checks if not c.free] == ["Bestuur", "Buurtoverleg"]
    assert booked_count(session, room) == before


def test_skip_books_the_rest_and_marks_exactly_the_shown_dates(session, w, room):
    book(session, room, date(2026, 7, 2), time(20), time(22), title="Bestuur")
    clashing = frozenset({date(2026, 7, 2)})
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8, on_conflict=SKIP,
                  seen=clashing)
    assert statuses(series) == ["booked", "booked", "skipped"] + ["booked"] * 5


def test_skip_is_refused_when_the_collisions_changed_since_they_were_shown(session, w, room):
    book(session, room, date(2026, 7, 2), time(20), time(22), title="Bestuur")
    book(session, room, date(2026, 7, 9), time(19), time(20), title="Nieuw")  # came in between
    with pytest.raises(Collisions) as caught:
        book(session, room, THURSDAY, time(19), time(21), WEEKLY8, on_conflict=SKIP,
             seen=frozenset({date(2026, 7, 2)}))
    assert caught.value.dates == {date(2026, 7, 2), date(2026, 7, 9)}


def test_a_series_without_a_single_free_date_books_nothing(session, w, room):
    book(session, room, THURSDAY, time(18), time(22), Rule("weekly", count=2), title="Groot")
    with pytest.raises(Collisions) as caught:
        book(session, room, THURSDAY, time(19), time(21), Rule("weekly", count=2),
             on_conflict=SKIP, seen=frozenset({THURSDAY, date(2026, 6, 25)}))
    assert caught.value.field == "first_day" and "Geen van de datums" in caught.value.message


def test_a_skipped_date_is_readded_when_it_is_free(session, w, room):
    other = book(session, room, date(2026, 7, 2), time(20), time(22), title="Bestuur")
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8, on_conflict=SKIP,
                  seen=frozenset({date(2026, 7, 2)}))
    skipped = series.occurrences[2]
    with pytest.raises(Collisions):
        bookings.readd(session, skipped, actor_id=None, today=TODAY, now=NOW)
    bookings.cancel(session, other.occurrences[0], scope="one", actor_id=None, now=NOW)
    bookings.readd(session, skipped, actor_id=None, today=TODAY, now=NOW)
    assert skipped.status == "booked" and set(statuses(series)) == {"booked"}


@pytest.mark.parametrize("first, start, end, rule, field", [
    (date(2026, 6, 14), time(10), time(11), Rule(), "first_day"),           # yesterday
    (THURSDAY, time(12), time(11), Rule(), "end_time"),
    (THURSDAY, time(9), time(14), Rule(), "end_time"),                       # > 4 hours
    (THURSDAY, time(10), time(11), Rule("weekly"), "until"),                 # no end
    (THURSDAY, time(10), time(11), Rule("weekly", count=1), "count"),
    (THURSDAY, time(10), time(11), Rule("weekly", interval=9, count=3), "interval"),
    (THURSDAY, time(10), time(11), Rule("weekly", until=date(2026, 6, 1)), "until"),
    (THURSDAY, time(10), time(11), Rule("weekly", until=date(2030, 1, 1)), "until"),
])
def test_booking_rules_name_their_field(session, w, room, first, start, end, rule, field):
    with pytest.raises(RuleViolation) as caught:
        book(session, room, first, start, end, rule)
    assert caught.value.field == field


def test_opening_hours_blocks_and_horizon_are_checked_per_date(session, w, room):
    room_service.set_opening_hours(session, room, {3: (time(9), time(17))}, actor_id=None)
    room_service.add_block(session, room, starts_at=local_instant(date(2026, 6, 25), time(0)),
                           ends_at=local_instant(date(2026, 6, 26), time(0)), reason="vakantie",
                           note=None, actor_id=None, now=NOW)
    with pytest.raises(Collisions) as caught:
        book(session, room, THURSDAY, time(16), time(18), Rule("weekly", count=2))
    kinds = [[x.kind for x in c.clashes] for c in caught.value.checks]
    assert kinds == [["closed"], ["closed", "blocked"]]
    with pytest.raises(Collisions) as caught:
        book(session, room, date(2027, 1, 7), time(10), time(11))
    assert [x.kind for x in caught.value.checks[0].clashes] == ["too_far"]


def test_an_activity_keeps_its_details_and_price_stays_small(session, w, room):
    series = book(session, room, THURSDAY, time(12), time(14), title="Weeklunch",
                  activity=Activity("woonvereniging", True, Decimal("3.50")))
    assert (series.is_activity, series.organiser_kind, series.open_to_neighbourhood,
            series.price) == (True, "woonvereniging", True, Decimal("3.50"))
    with pytest.raises(RuleViolation) as caught:
        book(session, room, THURSDAY, time(15), time(16), activity=Activity("bewoner", False,
                                                                           Decimal("30")))
    assert caught.value.field == "price"


# --- one occurrence or the rest --------------------------------------------------------


def test_cancel_one_date_or_the_rest_of_a_series(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8)
    bookings.cancel(session, series.occurrences[1], scope="one", actor_id=None, now=NOW)
    assert statuses(series) == ["booked", "cancelled"] + ["booked"] * 6
    bookings.cancel(session, series.occurrences[5], scope="rest", actor_id=None, now=NOW)
    assert statuses(series) == ["booked", "cancelled", "booked", "booked", "booked"] + \
        ["cancelled"] * 3
    with pytest.raises(RuleViolation):
        bookings.cancel(session, series.occurrences[1], scope="one", actor_id=None, now=NOW)
    # the cancelled slot is free for someone else
    book(session, room, date(2026, 6, 25), time(19), time(21), title="Ander")


def test_move_one_date_keeps_the_rest(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8)
    second = series.occurrences[1]
    bookings.move(session, second, new_day=date(2026, 6, 26), start_time=time(19, 30),
                  end_time=time(21, 30), scope="one", actor_id=None, today=TODAY, now=NOW)
    assert second.starts_at == local_instant(date(2026, 6, 26), time(19, 30)) and second.moved
    assert series.occurrences[2].starts_at == local_instant(date(2026, 7, 2), time(19))


def test_move_the_rest_shifts_later_dates_and_checks_them(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8)
    book(session, room, date(2026, 7, 17), time(20), time(21), title="Vrijdagoverleg")
    third = series.occurrences[2]  # 2 July
    with pytest.raises(Collisions) as caught:
        bookings.move(session, third, new_day=date(2026, 7, 3), start_time=time(19),
                      end_time=time(21), scope="rest", actor_id=None, today=TODAY, now=NOW)
    assert caught.value.dates == {date(2026, 7, 17)}
    assert third.starts_at == local_instant(date(2026, 7, 2), time(19))  # unchanged
    moved = bookings.move(session, third, new_day=date(2026, 7, 3), start_time=time(19),
                          end_time=time(21), scope="rest", on_conflict=SKIP,
                          seen=frozenset({date(2026, 7, 17)}), actor_id=None, today=TODAY,
                          now=NOW)
    assert len(moved) == 6
    assert [local_day(b.starts_at) for b in series.occurrences] == [
        date(2026, 6, 18), date(2026, 6, 25), date(2026, 7, 3), date(2026, 7, 10),
        date(2026, 7, 17), date(2026, 7, 24), date(2026, 7, 31), date(2026, 8, 7)]
    assert statuses(series) == ["booked"] * 4 + ["skipped"] + ["booked"] * 3


def test_moving_onto_its_own_old_slot_is_no_collision(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21), WEEKLY8)
    bookings.move(session, series.occurrences[0], new_day=THURSDAY, start_time=time(19, 30),
                  end_time=time(21, 30), scope="rest", actor_id=None, today=TODAY, now=NOW)
    assert set(statuses(series)) == {"booked"}


def test_bookings_are_never_deleted(session, w, room):
    series = book(session, room, THURSDAY, time(19), time(21))
    session.delete(series.occurrences[0])
    with pytest.raises(BookingRecordError):
        session.flush()


# --- external requests, Btiv, tariffs --------------------------------------------------


def external(**changes) -> BookingData:
    values = dict(title="Energieavond", first_day=date(2026, 6, 24), start_time=time(19),
                  end_time=time(21), rule=Rule())
    values.update(changes)
    return BookingData(**values)


@pytest.mark.parametrize("changes, field", [
    ({"kind": "commercieel"}, "requester_kind"),
    ({"commercial": True}, "commercial"),
])
def test_commercial_use_is_refused_and_nothing_is_stored(session, w, room, changes, field):
    with pytest.raises(RuleViolation) as caught:
        request_service.submit(session, room, requester(**changes), external(), today=TODAY,
                               now=NOW)
    assert caught.value.field == field and "Btiv" in caught.value.message
    assert session.scalar(sa.select(sa.func.count()).select_from(RoomRequest)) == 0


def test_a_request_waits_without_blocking_and_is_approved(session, w, room):
    request = request_service.submit(session, room, requester(), external(
        rule=Rule("weekly", count=3)), today=TODAY, now=NOW)
    assert request.status == "pending" and set(statuses(request.series)) == {"requested"}
    assert request.tariff_amount == Decimal("45.00")  # 3 x 2 hours x 7.50
    # a resident books one of the dates in the meantime: allowed, a request does not block
    book(session, room, date(2026, 7, 1), time(20), time(22), title="Bestuur")
    with pytest.raises(Collisions) as caught:
        request_service.approve(session, request, actor_id=user(session, "bestuur").id,
                                today=TODAY, now=NOW)
    assert caught.value.dates == {date(2026, 7, 1)}
    request_service.approve(session, request, on_conflict=SKIP,
                            seen=frozenset({date(2026, 7, 1)}),
                            actor_id=user(session, "bestuur").id, today=TODAY, now=NOW)
    assert request.status == "approved" and request.decided_at == NOW
    assert statuses(request.series) == ["booked", "skipped", "booked"]
    with pytest.raises(RuleViolation):
        request_service.decline(session, request, note="te laat", actor_id=1, now=NOW)


def test_a_declined_request_needs_a_reason(session, w, room):
    request = request_service.submit(session, room, requester(), external(), today=TODAY,
                                     now=NOW)
    with pytest.raises(RuleViolation) as caught:
        request_service.decline(session, request, note=" ", actor_id=None, now=NOW)
    assert caught.value.field == "note"
    request_service.decline(session, request, note="De ruimte is die avond nodig.",
                            actor_id=None, now=NOW)
    assert request.status == "declined" and statuses(request.series) == ["declined"]


def test_a_request_for_a_taken_time_is_refused_with_the_dates(session, w, room):
    book(session, room, date(2026, 6, 24), time(20), time(21), title="Bestuur")
    with pytest.raises(Collisions) as caught:
        request_service.submit(session, room, requester(), external(), today=TODAY, now=NOW)
    assert caught.value.field == "first_day"


@pytest.mark.parametrize("kind, minutes, dates, per_date, total", [
    ("vereniging_stichting", 120, 1, Decimal("15.00"), Decimal("15.00")),   # 2 h x 7.50
    ("vereniging_stichting", 135, 2, Decimal("16.88"), Decimal("33.76")),   # 2.25 h x 7.50
    ("buurtgroep", 120, 1, Decimal("10.00"), Decimal("10.00")),             # 1 dagdeel
    ("buurtgroep", 270, 3, Decimal("20.00"), Decimal("60.00")),             # 4.5 h: 2 dagdelen
])
def test_the_applicable_tariff(session, w, room, kind, minutes, dates, per_date, total):
    quote = request_service.quote(room, kind, minutes, dates)
    assert (quote.per_date, quote.total) == (per_date, total)


def test_no_tariff_for_a_kind_without_one(session, w, room):
    assert request_service.quote(room, "persoon", 120, 1) is None


# --- attendance and participation ------------------------------------------------------


def test_attendance_is_recorded_after_the_start_only(session, w, room):
    series = book(session, room, THURSDAY, time(12), time(14), activity=Activity("bewoner"))
    lunch = series.occurrences[0]
    with pytest.raises(RuleViolation):
        activities.record_attendance(session, lunch, begeleid=2, onbegeleid=5, neighbours=1,
                                     actor_id=None, now=NOW)
    later = local_instant(THURSDAY, time(14))
    record = activities.record_attendance(session, lunch, begeleid=2, onbegeleid=5,
                                          neighbours=1, actor_id=None, now=later)
    assert (record.begeleid, record.onbegeleid, record.neighbours) == (2, 5, 1)
    activities.record_attendance(session, lunch, begeleid=3, onbegeleid=5, neighbours=0,
                                 actor_id=None, now=later)  # a correction
    assert session.scalar(sa.select(sa.func.count()).select_from(ActivityAttendance)) == 1
    with pytest.raises(RuleViolation) as caught:
        activities.record_attendance(session, lunch, begeleid=-1, onbegeleid=0, neighbours=0,
                                     actor_id=None, now=later)
    assert caught.value.field == "begeleid"


def test_participation_against_a_hand_computation(session, w, room):
    # three lunches in May 2026 (booked back then), two with attendance, plus a
    # non-activity meeting that never counts
    may = [date(2026, 5, 7), date(2026, 5, 14), date(2026, 5, 21)]
    back_then = dict(today=date(2026, 5, 1), now=local_instant(date(2026, 5, 1), time(8)))
    series = book(session, room, may[0], time(12), time(14), Rule("weekly", count=3),
                  activity=Activity("coach", True), **back_then)
    book(session, room, date(2026, 5, 8), time(19), time(21), title="Bestuur", **back_then)
    for occurrence, counts in zip(series.occurrences, [(1, 5, 2), (3, 3, 0)]):
        activities.record_attendance(session, occurrence, begeleid=counts[0],
                                     onbegeleid=counts[1], neighbours=counts[2], actor_id=None,
                                     now=NOW)
    result = activities.participation(session, w.site, TODAY)
    may_row = next(m for m in result.months if m.start == date(2026, 5, 1))
    # by hand: 3 activities, 2 recorded; residents 4 begeleid + 8 onbegeleid, 2 neighbours
    assert (may_row.activities, may_row.recorded, may_row.begeleid, may_row.onbegeleid,
            may_row.neighbours) == (3, 2, 4, 8, 2)
    assert may_row.begeleid_share == Fraction(4, 12)
    assert may_row.per_activity == Fraction(14, 2)
    # the world: 4 residents since March 2024, two of them begeleid
    assert may_row.site_share == Fraction(1, 2)
    weeks = {p.start: p.activities for p in result.weeks}
    assert weeks[date(2026, 5, 4)] == 1 and weeks[date(2026, 5, 11)] == 1
    assert result.total.activities == 3 and result.total.participants == 14


# --- usage -----------------------------------------------------------------------------


def test_usage_against_a_hand_computation(session, w, room):
    # open Mon-Fri 09:00-17:00 = 40 hours a week; week of 8 June: a 2-hour lunch on
    # Tuesday and a 3-hour meeting on Thursday, Friday morning (4 h) blocked for cleaning
    room_service.set_opening_hours(session, room, {d: (time(9), time(17)) for d in range(5)},
                                   actor_id=None)
    back_then = dict(today=date(2026, 6, 1), now=local_instant(date(2026, 6, 1), time(8)))
    book(session, room, date(2026, 6, 9), time(12), time(14), activity=Activity("bewoner"),
         **back_then)
    book(session, room, date(2026, 6, 11), time(13), time(16), title="Overleg", **back_then)
    room_service.add_block(session, room, starts_at=local_instant(date(2026, 6, 12), time(9)),
                           ends_at=local_instant(date(2026, 6, 12), time(13)),
                           reason="schoonmaak", note=None, actor_id=None,
                           now=back_then["now"])
    settings = room_service.settings_of(session, w.site.id)
    usage = room_usage(session, room, settings, TODAY)
    week = next(u for u in usage.weeks if u.start == date(2026, 6, 8))
    assert (week.open_minutes, week.booked_minutes, week.activities) == (36 * 60, 5 * 60, 1)
    assert week.share == Fraction(5, 36)
    # the last 8 complete weeks: only these 5 hours against 8 x 40 - 4 hours
    assert usage.recent.share == Fraction(5 * 60, (8 * 40 - 4) * 60)
    assert usage.hardly_used  # 1.6% < 10%
    settings = RoomSettings(site_id=w.site.id, hardly_used_percent=1, usage_weeks=8,
                            request_wait_days=5)
    assert room_usage(session, room, settings, TODAY).hardly_used is False


def test_a_block_over_a_booking_is_refused(session, w, room):
    book(session, room, THURSDAY, time(10), time(12))
    with pytest.raises(RuleViolation) as caught:
        room_service.add_block(session, room, starts_at=local_instant(THURSDAY, time(0)),
                               ends_at=local_instant(THURSDAY + timedelta(days=1), time(0)),
                               reason="onderhoud", note=None, actor_id=None, now=NOW)
    assert caught.value.field == "starts_on"


def test_opening_hours_need_both_times(session, w, room):
    with pytest.raises(RuleViolation) as caught:
        room_service.set_opening_hours(session, room, {2: (time(9), None)}, actor_id=None)
    assert caught.value.field == "opens_2"


# --- monitoring ------------------------------------------------------------------------


def test_monitoring_finds_a_hardly_used_room_and_late_requests(session, w, room):
    room.created_at = datetime(2026, 1, 1, tzinfo=UTC)
    request = request_service.submit(session, room, requester(), external(), today=TODAY,
                                     now=NOW - timedelta(days=9))
    request.submitted_at = NOW - timedelta(days=9)
    found = {e.rule: e.findings for e in room_evaluations(session, w.site, TODAY)}
    assert [f.subject for f in found["room_hardly_used"]] == [f"room:{room.id}"]
    assert found["room_hardly_used"][0].link.endswith("/ruimte/gebruik")
    assert [f.figures["waiting"] for f in found["room_requests_waiting"]] == [1]
    sweep(session, TODAY, NOW)
    rules = set(session.scalars(sa.select(Signal.rule)))
    assert {"room_hardly_used", "room_requests_waiting"} <= rules


def test_a_new_room_is_not_judged_yet(session, w, room):
    room.created_at = NOW
    found = {e.rule: e.findings for e in room_evaluations(session, w.site, TODAY)}
    assert found["room_hardly_used"] == ()


# --- the last line of defence per database ----------------------------------------------


def test_an_overlapping_row_is_refused_below_the_booking_checks(session, w, room):
    """PostgreSQL: the exclusion constraint refuses a row the service never checked.
    SQLite has no such constraint; there the check runs under the write lock (the
    parallel test in tests/web/test_rooms_concurrency.py covers both)."""
    first = book(session, room, THURSDAY, time(19), time(21))
    if session.get_bind().dialect.name == "postgresql":
        session.add(Booking(series_id=first.id, room_id=room.id,
                            starts_at=local_instant(THURSDAY, time(20)),
                            ends_at=local_instant(THURSDAY, time(22)), status="booked"))
        with pytest.raises(RuleViolation) as caught:
            bookings.flush_bookings(session)
        assert caught.value.message == bookings.SLOT_TAKEN
    else:
        with pytest.raises(Collisions):
            book(session, room, THURSDAY, time(20), time(22))
