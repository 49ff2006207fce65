"""The report's chart: failures per ISO week over the last weeks, as a Mermaid `xychart-beta`
block (which GitHub draws) and as SVG geometry for the HTML page (computed here, drawn by the
template).  Pure; weeks.py counts the series it draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ledger_tool.figures.weeks import WeekCount

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 48, WIDTH - 16, 40, HEIGHT - 44  # the plot area
BAR_SHARE = 0.6  # of each week's slot
COLOURS = {"P0": "#c0392b", "P1": "#e8a33d"}  # as report.html.j2 has them


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    severity: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Svg:
    width: int
    height: int
    left: int
    right: int
    baseline: int
    bars: list[Bar]
    totals: list[Label]  # above each bar
    weeks: list[Label]  # under each bar
    days: list[Label]  # the week's Monday, under its label
    ticks: list[Label]  # y axis: the value, at the height of its grid line


def axis_top(peak: int) -> tuple[int, int]:
    """The top of the y axis and its tick step: 1, 2 or 5 times a power of ten, at most 5 steps."""
    step = 1
    while math.ceil(peak / step) > 5:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return max(step, step * math.ceil(peak / step)), step


def mermaid(weeks: list[WeekCount]) -> str:
    """An `xychart-beta` bar chart of the failures per week (the inside of a ```mermaid block),
    P0 and P1 as two series: Mermaid draws bars of one week over each other, so the P0 bars,
    drawn last, cover the foot of the bars of all failures and the two read as stacked, in the
    colours of the HTML chart."""
    top, _ = axis_top(max(w.total for w in weeks))
    labels = ", ".join(f'"{w.label}"' for w in weeks)
    palette = f"{COLOURS['P1']}, {COLOURS['P0']}"
    return "\n".join(
        [
            f'%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "{palette}"}}}}}}}}%%',
            "xychart-beta",
            f'    title "Failures per week, {weeks[0].label} to {weeks[-1].label}: P0 red, P1 amber"',
            f"    x-axis [{labels}]",
            f'    y-axis "Failures" 0 --> {top}',
            f"    bar [{', '.join(str(w.total) for w in weeks)}]",
            f"    bar [{', '.join(str(w.p0) for w in weeks)}]",
        ]
    )


def svg(weeks: list[WeekCount]) -> Svg:
    """Stacked bars (P0 below P1) of the failures per week, in a WIDTH x HEIGHT picture."""
    top, step = axis_top(max(w.total for w in weeks))
    scale = (BOTTOM - TOP) / top
    slot = (RIGHT - LEFT) / len(weeks)
    width = round(slot * BAR_SHARE, 1)
    bars: list[Bar] = []
    totals, labels, days = [], [], []
    for i, week in enumerate(weeks):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        middle = round(LEFT + (i + 0.5) * slot, 1)
        y = float(BOTTOM)
        for severity, count in (("P0", week.p0), ("P1", week.p1)):
            if count:
                height = round(count * scale, 1)
                y = round(y - height, 1)
                bars.append(Bar(x, y, width, height, severity))
        totals.append(Label(middle, round(y - 6, 1), str(week.total)))
        labels.append(Label(middle, BOTTOM + 18, week.label))
        days.append(Label(middle, BOTTOM + 33, f"{week.monday:%m-%d}"))
    ticks = [Label(LEFT - 8, round(BOTTOM - v * scale, 1), str(v)) for v in range(0, top + 1, step)]
    return Svg(WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, bars, totals, labels, days, ticks)
