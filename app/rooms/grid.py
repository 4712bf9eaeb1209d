"""Geometry of a room's week as a time grid (a table with a row per half hour and a
column per day; a booking spans its rows), server-rendered so it needs no JavaScript and
no inline style under the strict CSP. The free time itself comes from
:func:`services.rooms.agenda.day_spans`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from services.rooms.agenda import Day, Span, day_spans

STEP = 30  # minutes per row
DEFAULT_HOURS = (9 * 60, 17 * 60)  # a week with nothing open and nothing booked


@dataclass(frozen=True)
class Cell:
    """One cell of a day's column: ``rows`` rows from ``start`` (minutes), of ``kind``
    free, booked, blocked or closed; a busy cell carries its span."""

    kind: str
    start: int
    end: int
    rows: int
    span: Span | None = None


@dataclass
class Column:
    day: Day
    spans: list[Span]
    cells: dict[int, Cell] = field(default_factory=dict)  # first row -> cell


@dataclass(frozen=True)
class Grid:
    times: list[int]  # the first minute of each row
    columns: list[Column]


def as_time(minutes: int) -> time:
    return time(23, 59) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def _bounds(columns: list[Column]) -> tuple[int, int]:
    starts = [s.start for c in columns for s in c.spans]
    ends = [s.end for c in columns for s in c.spans]
    if not starts:
        return DEFAULT_HOURS
    return min(starts) // STEP * STEP, -(-max(ends) // STEP) * STEP


def _open_at(day: Day, start: int, end: int) -> bool:
    if day.opening is None:
        return False
    opens = day.opening[0].hour * 60 + day.opening[0].minute
    closes = day.opening[1].hour * 60 + day.opening[1].minute
    return opens <= start and end <= closes


def _fill(column: Column, first: int, rows: int) -> None:
    """Busy spans take their rows (a start or end between two rows takes the whole row);
    the rows left over are free where the room is open, closed elsewhere."""
    taken: dict[int, Cell] = {}
    pointer = 0
    for span in (s for s in column.spans if s.kind != "free"):
        top = max((span.start - first) // STEP, pointer)
        bottom = -(-(span.end - first) // STEP)
        if bottom <= top and taken:  # rounded into the row of the one before: join it
            row, cell = max(taken.items())
            merged = Span(cell.span.start, span.end, cell.kind, cell.span.entries + span.entries,
                          cell.span.blocks + span.blocks)
            taken[row] = Cell(cell.kind, cell.start, span.end, cell.rows, merged)
            continue
        taken[top] = Cell(span.kind, span.start, span.end, bottom - top, span)
        pointer = bottom
    row = 0
    while row < rows:
        if row in taken:
            column.cells[row] = taken[row]
            row += taken[row].rows
            continue
        start = first + row * STEP
        kind = "free" if _open_at(column.day, start, start + STEP) else "closed"
        end_row = row
        while (end_row < rows and end_row not in taken and
               ("free" if _open_at(column.day, first + end_row * STEP,
                                   first + (end_row + 1) * STEP) else "closed") == kind):
            end_row += 1
        column.cells[row] = Cell(kind, start, first + end_row * STEP, end_row - row)
        row = end_row


def week_grid(days: list[Day]) -> Grid:
    """The week of one room as a grid of half-hour rows from the earliest opening (or
    booking) to the latest closing."""
    columns = [Column(d, day_spans(d)) for d in days]
    first, last = _bounds(columns)
    rows = (last - first) // STEP
    for column in columns:
        _fill(column, first, rows)
    return Grid([first + i * STEP for i in range(rows)], columns)
