"""The terminal form of `ledger metrics`: the figures overall and per severity as plain-text tables.

Takes the object `metrics.figures` returns and gives back text; the CLI prints it.  A figure
resting on fewer than five cases carries a `*`, explained under the table as too little data.
The figures, their labels and decimals are catalogue.py's, which the report shares.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger_tool.figures.catalogue import BY_SEVERITY, MARK, UPTIME, Figure, number
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.vocabulary import SEVERITIES

MAX_OPEN_SHOWN = 20  # the oldest; the rest are counted


def _stamp(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")


def _grid(rows: list[list[str]], align: str) -> list[str]:
    """Columns two spaces apart, each left- (`l`) or right-aligned (`r`) as `align` says."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    return [
        "  ".join(
            cell.ljust(width) if how == "l" else cell.rjust(width)
            for cell, width, how in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in rows
    ]


def _cell(group: dict[str, Any], figure: Figure) -> str:
    text = figure.text(group)
    little = figure.too_little(group) and text != "-"
    return text + (MARK if little else " ")


def _figures(data: dict[str, Any]) -> list[str]:
    groups = [data] + [data["by_severity"][s] for s in SEVERITIES]
    rows = [["", "all ", *(f"{s} " for s in SEVERITIES)]]
    rows += [[figure.label] + [_cell(g, figure) for g in groups] for figure in BY_SEVERITY]
    marked = any(cell.endswith(MARK) for row in rows for cell in row)
    rows.append([UPTIME.label, UPTIME.text(data) + "% ", "", ""])
    note = (
        [f"{MARK} too little data (fewer than 5 cases): an anecdote, not a trend"] if marked else []
    )
    return _grid(rows, "lrrr") + note


def _areas(data: dict[str, Any]) -> list[str]:
    dist = data["distribution"]
    areas = list(dist["by_area"]) + [
        a for a in dist["ttr_p50_hours_by_area"] if a not in dist["by_area"]
    ]
    if not areas:
        return []
    rows = [["area", "failures", "p50 time to resolve (h)"]]
    rows += [
        [
            encode(area),  # user text: one line, no terminal escapes
            str(dist["by_area"].get(area, 0)),
            number(dist["ttr_p50_hours_by_area"].get(area), 2),
        ]
        for area in areas
    ]
    return ["", *_grid(rows, "lrr")]


def _days(data: dict[str, Any]) -> list[str]:
    rows = [["day", "failures", "sightings"]]
    rows += [[d["date"], str(d["failures"]), str(d["sightings"])] for d in data["daily_series"]]
    return ["", *_grid(rows, "lrr")]


def _backlog(data: dict[str, Any]) -> list[str]:
    until = _stamp(data["window"]["until"])
    if not data["open"]:
        return ["", f"open at {until}: none"]
    shown = data["open"][:MAX_OPEN_SHOWN]
    rows = [[f"open at {until}", "severity", "area", "age (h)"]]
    rows += [[o["id"], o["severity"], encode(o["area"]), number(o["age_hours"], 2)] for o in shown]
    more = len(data["open"]) - len(shown)
    tail = [f"... and {more} more, younger (--json lists them all)"] if more else []
    return ["", *_grid(rows, "lllr"), *tail]


def render_table(data: dict[str, Any]) -> str:
    """The figures as a terminal reads them."""
    window = data["window"]
    head = (
        f"Figures for {_stamp(window['since'])} to {_stamp(window['until'])} "
        f"({window['days']:g} day{'' if window['days'] == 1 else 's'}, {window['timezone']}), "
        "as of the window's end"
    )
    lines = [head, "", *_figures(data), *_areas(data), *_days(data), *_backlog(data)]
    return "\n".join(lines)
