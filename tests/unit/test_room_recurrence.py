"""Recurring bookings: expansion with dateutil in Europe/Amsterdam, across both clock
changes of 2026 (summer time starts 29 March, ends 25 October), monthly on the nth
weekday, until a date or n times; and the per-date conflict rules."""
from datetime import date, datetime, time, timezone

import pytest

from services.rooms.conflicts import Busy, Problem, Rules, check_slots, within_opening
from services.rooms.recurrence import (AMSTERDAM, Rule, expand, is_last_of_month, local_slot,
                                       nth_of, slots)

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_thursday_keeps_local_time_across_spring_forward():
    found = slots(date(2026, 3, 19), time(19), time(21), Rule("weekly", count=3))
    assert [s.day for s in found] == [date(2026, 3, 19), date(2026, 3, 26), date(2026, 4, 2)]
    assert [(s.local_start.time(), s.local_end.time()) for s in found] == [(time(19), time(21))] * 3
    # 19:00 CET is 18:00 UTC; 19:00 CEST (from 29 March) is 17:00 UTC
    assert [s.starts_at for s in found] == [utc(2026, 3, 19, 18), utc(2026, 3, 26, 18),
                                            utc(2026, 4, 2, 17)]
    assert [s.ends_at for s in found] == [utc(2026, 3, 19, 20), utc(2026, 3, 26, 20),
                                          utc(2026, 4, 2, 19)]


def test_weekly_thursday_keeps_local_time_across_fall_back():
    found = slots(date(2026, 10, 15), time(19), time(21), Rule("weekly", until=date(2026, 10, 29)))
    assert [s.day for s in found] == [date(2026, 10, 15), date(2026, 10, 22), date(2026, 10, 29)]
    assert all(s.local_start.time() == time(19) and s.local_end.time() == time(21) for s in found)
    assert [s.starts_at for s in found] == [utc(2026, 10, 15, 17), utc(2026, 10, 22, 17),
                                            utc(2026, 10, 29, 18)]


def test_a_slot_on_the_day_of_the_change_itself():
    # Sunday 29 March 2026: 02:00 local jumps to 03:00. A 10:00-12:00 booking is CEST.
    assert local_slot(date(2026, 3, 29), time(10), time(12)).starts_at == utc(2026, 3, 29, 8)
    # Sunday 25 October 2026: 03:00 local falls back to 02:00. A 10:00 booking is CET.
    assert local_slot(date(2026, 10, 25), time(10), time(12)).starts_at == utc(2026, 10, 25, 9)
    # a booking across the doubled hour lasts an hour longer in real time
    long = local_slot(date(2026, 10, 25), time(1), time(4))
    assert (long.ends_at - long.starts_at).total_seconds() == 4 * 3600


def test_a_time_inside_the_skipped_hour_is_refused():
    with pytest.raises(ValueError):
        local_slot(date(2026, 3, 29), time(2, 30), time(4))


def test_every_two_weeks_n_times():
    assert expand(date(2026, 6, 18), Rule("weekly", interval=2, count=4)) == [
        date(2026, 6, 18), date(2026, 7, 2), date(2026, 7, 16), date(2026, 7, 30)]


def test_until_is_inclusive():
    assert expand(date(2026, 6, 1), Rule("weekly", until=date(2026, 6, 15))) == [
        date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]


@pytest.mark.parametrize("first, nth, expected", [
    # the 3rd Thursday of each month
    (date(2026, 6, 18), None, [date(2026, 6, 18), date(2026, 7, 16), date(2026, 8, 20),
                               date(2026, 9, 17), date(2026, 10, 15), date(2026, 11, 19)]),
    # the 1st Monday
    (date(2026, 6, 1), None, [date(2026, 6, 1), date(2026, 7, 6), date(2026, 8, 3),
                              date(2026, 9, 7), date(2026, 10, 5), date(2026, 11, 2)]),
    # the last Friday (June 26 is also the 4th; asked as "last")
    (date(2026, 6, 26), -1, [date(2026, 6, 26), date(2026, 7, 31), date(2026, 8, 28),
                             date(2026, 9, 25), date(2026, 10, 30), date(2026, 11, 27)]),
    # a 5th Monday is taken as the last Monday
    (date(2026, 6, 29), None, [date(2026, 6, 29), date(2026, 7, 27), date(2026, 8, 31),
                               date(2026, 9, 28), date(2026, 10, 26), date(2026, 11, 30)]),
])
def test_monthly_on_the_nth_weekday(first, nth, expected):
    assert expand(first, Rule("monthly", nth=nth, count=6)) == expected


def test_monthly_game_night_across_both_clock_changes():
    found = slots(date(2026, 1, 16), time(19, 30), time(22), Rule("monthly", count=12))
    assert [s.day.month for s in found] == list(range(1, 13))
    assert all(s.day.weekday() == 4 and s.local_start.time() == time(19, 30) for s in found)
    offsets = {s.day.month: s.local_start.utcoffset().total_seconds() / 3600 for s in found}
    assert offsets[3] == 1 and offsets[4] == 2 and offsets[10] == 2 and offsets[11] == 1


def test_nth_of_and_last_of_month():
    assert nth_of(date(2026, 6, 18)) == 3
    assert nth_of(date(2026, 6, 29)) == -1
    assert is_last_of_month(date(2026, 6, 26)) and not is_last_of_month(date(2026, 6, 19))


def test_expansion_stops_after_the_limit():
    assert len(expand(date(2026, 1, 1), Rule("weekly", until=date(2030, 1, 1)), limit=10)) == 11


OPEN = {3: (time(9), time(22))}  # Thursdays only


def rules(now=utc(2026, 6, 1), last=date(2026, 12, 31)) -> Rules:
    return Rules(OPEN, last, now)


def test_every_occurrence_is_checked_on_its_own():
    series = slots(date(2026, 6, 18), time(19), time(21), Rule("weekly", count=4))
    taken = Busy(utc(2026, 6, 25, 18), utc(2026, 6, 25, 19), "Bestuur")       # 20:00-21:00
    blocked = Busy(utc(2026, 7, 2, 6), utc(2026, 7, 2, 20), "schoonmaak")
    checks = check_slots(series, rules(last=date(2026, 7, 5)), [taken], [blocked])
    assert [c.free for c in checks] == [True, False, False, False]
    assert [x.kind for x in checks[1].clashes] == [Problem.TAKEN]
    assert checks[1].clashes[0].label == "Bestuur"
    assert [x.kind for x in checks[2].clashes] == [Problem.BLOCKED]
    assert [x.kind for x in checks[3].clashes] == [Problem.TOO_FAR]


def test_touching_bookings_do_not_collide():
    slot = local_slot(date(2026, 6, 18), time(19), time(21))
    before = Busy(utc(2026, 6, 18, 15), utc(2026, 6, 18, 17), "Lunch")  # ends 19:00 local
    assert check_slots([slot], rules(), [before], [])[0].free


def test_opening_hours_and_the_past():
    assert not within_opening(local_slot(date(2026, 6, 19), time(19), time(21)), OPEN)  # Friday
    assert not within_opening(local_slot(date(2026, 6, 18), time(8), time(10)), OPEN)
    assert within_opening(local_slot(date(2026, 6, 18), time(9), time(22)), OPEN)
    past = check_slots([local_slot(date(2026, 6, 18), time(10), time(11))],
                       rules(now=utc(2026, 6, 18, 12)), [], [])[0]
    assert [x.kind for x in past.clashes] == [Problem.PAST]


def test_local_slot_keeps_amsterdam():
    assert local_slot(date(2026, 6, 18), time(19), time(21)).local_start.tzinfo == AMSTERDAM
