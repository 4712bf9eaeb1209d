"""A room's day as free, booked and blocked spans (services/rooms/agenda.py) and the week
as a grid of half-hour rows (app/rooms/grid.py), on plain values."""
from datetime import date, datetime, time
from types import SimpleNamespace

from app.rooms.grid import week_grid
from services.governance.localtime import AMSTERDAM
from services.rooms.agenda import Blocked, Day, Entry, day_spans

MONDAY = date(2026, 6, 22)


def entry(start, end, status="booked", title="x"):
    booking = SimpleNamespace(status=status, series=SimpleNamespace(title=title))
    return Entry(booking, None, start, end)


def block(day_from, t_from, day_to, t_to, reason="schoonmaak"):
    return Blocked(None, datetime.combine(day_from, t_from, tzinfo=AMSTERDAM),
                   datetime.combine(day_to, t_to, tzinfo=AMSTERDAM), reason, None)


def shape(spans):
    return [(s.start // 60, s.start % 60, s.end // 60, s.end % 60, s.kind) for s in spans]


def test_free_time_between_bookings():
    day = Day(MONDAY, [entry(time(10), time(12)), entry(time(14), time(15, 30))],
              opening=(time(9), time(22)))
    assert shape(day_spans(day)) == [(9, 0, 10, 0, "free"), (10, 0, 12, 0, "booked"),
                                     (12, 0, 14, 0, "free"), (14, 0, 15, 30, "booked"),
                                     (15, 30, 22, 0, "free")]


def test_cancelled_and_skipped_dates_leave_the_time_free():
    day = Day(MONDAY, [entry(time(10), time(12), "cancelled"),
                       entry(time(13), time(14), "skipped")], opening=(time(9), time(17)))
    assert shape(day_spans(day)) == [(9, 0, 17, 0, "free")]


def test_what_overlaps_is_one_busy_span_and_a_block_wins():
    day = Day(MONDAY, [entry(time(10), time(12))],
              [block(MONDAY, time(11), MONDAY, time(13), "onderhoud")], (time(9), time(17)))
    spans = day_spans(day)
    assert shape(spans) == [(9, 0, 10, 0, "free"), (10, 0, 13, 0, "blocked"),
                            (13, 0, 17, 0, "free")]
    assert len(spans[1].entries) == 1 and spans[1].blocks[0].reason == "onderhoud"


def test_a_block_over_several_days_fills_the_day_and_a_closed_day_has_no_free_time():
    whole = Day(MONDAY, blocks=[block(date(2026, 6, 21), time(18), date(2026, 6, 23), time(8))],
                opening=(time(9), time(22)))
    assert shape(day_spans(whole)) == [(0, 0, 24, 0, "blocked")]
    closed = Day(MONDAY, [entry(time(19), time(20))])
    assert shape(day_spans(closed)) == [(19, 0, 20, 0, "booked")]


def test_the_grid_rounds_a_quarter_to_its_row_and_fills_the_rest():
    days = [Day(MONDAY, [entry(time(10, 15), time(11))], opening=(time(9), time(12))),
            Day(date(2026, 6, 23))]  # Tuesday closed
    grid = week_grid(days)
    assert [f"{m // 60:02d}:{m % 60:02d}" for m in grid.times] == \
        ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    monday = {row: (c.kind, c.rows) for row, c in grid.columns[0].cells.items()}
    assert monday == {0: ("free", 2), 2: ("booked", 2), 4: ("free", 2)}
    assert {row: (c.kind, c.rows) for row, c in grid.columns[1].cells.items()} == \
        {0: ("closed", 6)}
