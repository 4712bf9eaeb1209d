"""Geometry of a server-rendered horizontal bar chart (SVG, no JavaScript): one bar per
item against its own track (a budget, the opening hours), with an optional mark (a
threshold). Each item's name and figures stand on a line above its bar, so the chart
keeps its width on a phone. Drawn by the ``hbar_chart`` macro of templates/_charts.html."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, PLOT, ROW, TEXT, BAR = 640, 600, 48, 16, 18


@dataclass(frozen=True)
class HBar:
    label: str
    y: int
    width: float
    track: float   # width of the item's own whole (its budget); 0: none
    over: bool     # the bar passes its track (spent more than budgeted)
    text: str      # the figures, beside the bar and in the text alternative


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    text_dy: int  # from a row's top to its line of text
    bar_dy: int   # and to its bar
    bar_height: int
    bars: list[HBar]
    mark_x: float | None


def hbars(items: list[tuple[str, float | None, float | None, str]], scale: float,
          mark: float | None = None) -> HBarChart:
    """``items`` as (label, value, track, text); ``scale`` is the value of the full plot
    width; a value or track above it is drawn to the edge."""
    scale = scale or 1.0

    def w(value: float | None) -> float:
        return round(min(max(value or 0.0, 0.0), scale) / scale * PLOT, 1)

    bars = [HBar(label, 4 + i * ROW, w(value), w(track),
                 track is not None and value is not None and value > track, text)
            for i, (label, value, track, text) in enumerate(items)]
    return HBarChart(WIDTH, 8 + len(items) * ROW, TEXT, TEXT + 6, BAR, bars,
                     None if mark is None else w(mark))
