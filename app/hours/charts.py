"""Geometry of the server-rendered SVG chart of the coach hours against the taper band."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from services.hours.reports import CoachMonth

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 40, 12, 12, 40


@dataclass(frozen=True)
class CoachChart:
    width: int
    height: int
    left: int
    right_x: int
    band: str  # polygon points of the norm band
    line: str  # polyline points of the logged hours
    dots: list[tuple[float, float, date, float]]
    gridlines: list[tuple[float, int]]
    years: list[tuple[float, int]]  # x of the start of each project year, its number
    plot_bottom: int


def coach_chart(months: list[CoachMonth], project_start: date) -> CoachChart:
    """The norm as a band (step per month) and the logged hours per week as a line,
    with a vertical line at the start of each project year."""
    highest = max([float(m.band.high) for m in months if m.band] +
                  [float(m.actual) for m in months if m.actual is not None] + [4.0])
    top = max(4, int(highest * 1.15 / 4 + 1) * 4)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months), 1)

    def y(hours: float) -> float:
        return round(TOP + (1 - hours / top) * plot_h, 1)

    upper, lower = [], []
    for i, month in enumerate(months):
        if month.band is None:
            continue
        x0, x1 = round(LEFT + i * step, 1), round(LEFT + (i + 1) * step, 1)
        upper += [f"{x0},{y(float(month.band.high))}", f"{x1},{y(float(month.band.high))}"]
        lower += [f"{x0},{y(float(month.band.low))}", f"{x1},{y(float(month.band.low))}"]
    dots = [(round(LEFT + (i + 0.5) * step, 1), y(float(m.actual)), m.month, float(m.actual))
            for i, m in enumerate(months) if m.actual is not None]
    years, n = [], 1
    while project_start + relativedelta(years=n - 1) <= (months[-1].month if months else
                                                         project_start):
        start = project_start + relativedelta(years=n - 1)
        index = (start.year - months[0].month.year) * 12 + start.month - months[0].month.month
        years.append((round(LEFT + (index + (start.day - 1) / 31) * step, 1), n))
        n += 1
    return CoachChart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, " ".join(upper + lower[::-1]),
                      " ".join(f"{x},{yy}" for x, yy, _, _ in dots), dots,
                      [(y(v), v) for v in range(0, top + 1, max(top // 4, 1))],
                      years, HEIGHT - BOTTOM)


@dataclass(frozen=True)
class NormColumn:
    """One sub-period: a column of the logged hours and, when shown, its norm band."""

    x: float
    width: float
    top: float      # y of the top of the column
    band: tuple[float, float] | None  # y of the band's upper and lower edge
    label: str
    text: str       # the hours, for the label above the column and the text alternative
    norm_text: str  # the norm, likewise ("" when it is not shown)


@dataclass(frozen=True)
class NormChart:
    width: int
    height: int
    left: int
    right_x: int
    plot_bottom: int
    columns: list[NormColumn]
    gridlines: list[tuple[float, int]]


def norm_chart(rows, label, hours) -> NormChart:
    """The hours per sub-period of a report section (the 10% of a care organisation,
    intensive management) as columns against the norm band, like the coach's chart.
    ``label(period)`` names a column, ``hours(value)`` writes an amount; a row whose
    norm is withheld from this viewer gets no band (only what its table shows)."""
    highest = max([float(r.norm.high) for r in rows if r.norm is not None] +
                  [float(r.actual) for r in rows] + [4.0])
    top = max(4, int(highest * 1.15 / 4 + 1) * 4)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(rows), 1)

    def y(value: float) -> float:
        return round(TOP + (1 - value / top) * plot_h, 1)

    columns = []
    for i, row in enumerate(rows):
        band = (y(float(row.norm.high)), y(float(row.norm.low))) if row.norm else None
        norm_text = "" if row.norm is None else (
            hours(row.norm.low) if row.norm.low == row.norm.high
            else f"{hours(row.norm.low)} – {hours(row.norm.high)}")
        columns.append(NormColumn(round(LEFT + i * step + step * 0.2, 1), round(step * 0.6, 1),
                                  y(float(row.actual)), band, label(row.period),
                                  hours(row.actual), norm_text))
    return NormChart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, columns,
                     [(y(v), v) for v in range(0, top + 1, max(top // 4, 1))])
