"""Geometry for the server-rendered SVG charts of the mix (no JavaScript needed)."""
from __future__ import annotations

from dataclasses import dataclass

from services.registry.mix import HistoryPoint
from services.registry.mix_rules import MixBand

WIDTH, HEIGHT, PAD = 640, 240, 36


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str
    dots: list[tuple[float, float, str, str]]
    band_top: float
    band_height: float
    target_y: float
    gridlines: list[tuple[float, int]]
    xlabels: list[tuple[float, object]]


def _y(share: float) -> float:
    return PAD / 2 + (1 - share) * (HEIGHT - 1.5 * PAD)


def history_chart(history: list[HistoryPoint], band: MixBand, labels) -> LineChart:
    """A line of the begeleid share over time, with the ok band shaded; the x axis is
    labelled every six months."""
    step = (WIDTH - 2 * PAD) / max(len(history) - 1, 1)
    dots = []
    for i, point in enumerate(history):
        if point.assessment.share is None:
            continue
        x = PAD + i * step
        dots.append((round(x, 1), round(_y(float(point.assessment.share)), 1),
                     point.assessment.status.value, labels(point)))
    upper = min(float(band.target + band.tolerance), 1.0)
    lower = max(float(band.target - band.tolerance), 0.0)
    return LineChart(
        WIDTH, HEIGHT, " ".join(f"{x},{y}" for x, y, _, _ in dots), dots,
        round(_y(upper), 1), round(_y(lower) - _y(upper), 1), round(_y(float(band.target)), 1),
        [(round(_y(v / 100), 1), v) for v in (0, 25, 50, 75, 100)],
        [(round(PAD + i * step, 1), point.on) for i, point in enumerate(history)
         if point.on.day == 1 and point.on.month in (1, 7)])


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float
    status: str
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    band_x: float
    band_width: float
    target_x: float


def parts_chart(rows, band: MixBand) -> BarChart:
    """Horizontal bars of the begeleid share per part (and the site), band shaded."""
    label_width, plot = 120, 480
    bars = []
    for i, row in enumerate(rows):
        share = row.assessment.share
        bars.append(Bar(row.name, 10 + i * 34, round(float(share or 0) * plot, 1),
                        row.assessment.status.value,
                        "–" if share is None else f"{float(share) * 100:.0f}%"))
    lower = max(float(band.target - band.tolerance), 0.0)
    upper = min(float(band.target + band.tolerance), 1.0)
    return BarChart(label_width + plot + 60, 20 + len(rows) * 34, label_width, bars,
                    round(label_width + lower * plot, 1), round((upper - lower) * plot, 1),
                    round(label_width + float(band.target) * plot, 1))
