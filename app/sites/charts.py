"""Geometry for the server-rendered SVG charts of the mix (no JavaScript needed)."""
from __future__ import annotations

from dataclasses import dataclass

from services.registry.mix import HistoryPoint
from services.registry.mix_rules import MixBand

WIDTH, HEIGHT, PAD = 640, 240, 36
#: the mix trend's y axis ends at 60% (the band lies around a third): room for the line;
#: a share above it stretches the axis to 100%
Y_TOP, Y_TOP_HIGH, Y_STEP = 0.6, 1.0, 20


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
    top: int  # the y axis' highest percentage


def history_chart(history: list[HistoryPoint], band: MixBand, labels) -> LineChart:
    """A line of the begeleid share over time, with the ok band shaded, on a y axis of 0
    to 60% (to 100% when a share lies above 60%); the x axis is labelled every six
    months. A withheld point (published figures) has no share and no dot."""
    shares = [float(p.assessment.share) for p in history if p.assessment.share is not None
              and not p.withheld]
    top = Y_TOP_HIGH if shares and max(shares) > Y_TOP else Y_TOP

    def y(share: float) -> float:
        return PAD / 2 + (1 - min(share, top) / top) * (HEIGHT - 1.5 * PAD)

    step = (WIDTH - 2 * PAD) / max(len(history) - 1, 1)
    dots = []
    for i, point in enumerate(history):
        if point.assessment.share is None or point.withheld:
            continue
        dots.append((round(PAD + i * step, 1), round(y(float(point.assessment.share)), 1),
                     point.assessment.status.value, labels(point)))
    upper = min(float(band.target + band.tolerance), top)
    lower = max(float(band.target - band.tolerance), 0.0)
    return LineChart(
        WIDTH, HEIGHT, " ".join(f"{x},{yy}" for x, yy, _, _ in dots), dots,
        round(y(upper), 1), round(y(lower) - y(upper), 1), round(y(float(band.target)), 1),
        [(round(y(v / 100), 1), v) for v in range(0, round(top * 100) + 1, Y_STEP)],
        [(round(PAD + i * step, 1), point.on) for i, point in enumerate(history)
         if point.on.day == 1 and point.on.month in (1, 7)], round(top * 100))


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
