"""The weekly report (DESIGN.md section 6) as values: the week's figures, the change against the
previous week, the errors opened, resolved and regressed, the top areas and the open backlog.

Pure: the caller passes the entries, the week, the time it is now and where links point; nothing
here reads the clock or a file (pages.py does).  The tables are values (cells.py); each page lays
them out in its own language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ledger_tool.figures.catalogue import BY_SEVERITY, COMPARED, MARK, UPTIME, number
from ledger_tool.figures.cells import Cell, Table, summary
from ledger_tool.figures.happened import happened_tables
from ledger_tool.figures.metrics import TOO_LITTLE, figures
from ledger_tool.figures.weeks import (
    WeekCount,
    week_bounds,
    week_label,
    week_window,
    weekly_failures,
)
from ledger_tool.model.entry import Entry
from ledger_tool.model.timefmt import format_duration, format_time
from ledger_tool.model.vocabulary import SEVERITIES

MAX_ROWS = 20  # of the open backlog, the oldest
TOP_AREAS = 5


@dataclass(frozen=True)
class Report:
    week: str  # 2026-W47
    previous_week: str
    since: datetime
    until: datetime
    complete: bool  # False for the week in progress: its window ends now
    figures: dict[str, Any]  # `ledger metrics --json` for [since, until): the front matter
    previous_source: str  # the report the previous week's figures were read from, or ""
    tables: dict[str, Table]
    notes: dict[str, str]  # "too little data" sentences, "" when there is enough
    weeks: list[WeekCount]  # failures per week for the chart, ending with this one

    @property
    def period(self) -> str:
        zone = self.figures["window"]["timezone"]
        return f"{format_time(self.since)} to {format_time(self.until)} ({zone})"


def _figures_table(data: dict[str, Any]) -> tuple[Table, str]:
    groups = [data] + [data["by_severity"][s] for s in SEVERITIES]
    rows: list[tuple[Cell, ...]] = []
    marked = False
    for figure in BY_SEVERITY:
        # the terminal table indents the parts of time to resolve; a table cell cannot
        label = figure.label
        cells = [Cell(f"time to resolve: {label.strip()}" if label[0] == " " else label)]
        for group in groups:
            text = figure.text(group)
            little = figure.too_little(group) and text != "-"
            marked |= little
            cells.append(Cell(text + MARK * little))
        rows.append(tuple(cells))
    rows.append((Cell(f"{UPTIME.label}, %"), Cell(UPTIME.text(data)), Cell(""), Cell("")))
    note = (
        f"{MARK} too little data (fewer than 5 cases): an anecdote, not a trend." if marked else ""
    )
    return Table(("", "all", *SEVERITIES), rows, "lrrr", ""), note


def _change(now: float | None, before: float | None, better: int, digits: int) -> str:
    if now is None or before is None:
        return "-"
    delta = round(now - before, digits)
    if delta == 0:
        return "no change"
    verdict = "" if better == 0 else (" (better)" if delta * better > 0 else " (worse)")
    return f"{delta:+.{digits}f}{verdict}"


def _change_table(this: dict[str, Any], before: dict[str, Any], labels: tuple[str, str]) -> Table:
    rows = []
    for figure in COMPARED:
        now, then = figure.read(this), figure.read(before)
        little = figure.too_little(this) or figure.too_little(before)
        change = (
            "too little data"
            if little and None not in (now, then)
            else _change(now, then, figure.better, figure.digits)
        )
        rows.append(
            (
                Cell(figure.change),
                Cell(number(then, figure.digits)),
                Cell(number(now, figure.digits)),
                Cell(change),
            )
        )
    return Table(("", *labels, "change"), rows, "lrrr", "")


def _areas_table(data: dict[str, Any]) -> Table:
    dist = data["distribution"]
    total = data["failures"]
    rows = [
        (
            Cell(area),
            Cell(str(count)),
            Cell(f"{100 * count / total:.0f}%"),
            Cell(number(dist["ttr_p50_hours_by_area"].get(area), 2)),
        )
        for area, count in list(dist["by_area"].items())[:TOP_AREAS]
    ]
    header = ("Area", "Failures", "Share", "p50 time to resolve (h)")
    return Table(header, rows, "lrrr", "No failures this week.")


def _open_table(
    data: dict[str, Any], known: Mapping[str, Entry], anchors: Mapping[str, str]
) -> Table:
    rows = [
        (
            Cell(item["id"], anchors.get(item["id"], "")),
            Cell(item["severity"]),
            Cell(item["area"]),
            Cell(format_duration(timedelta(hours=item["age_hours"]))),
            Cell(summary(known[item["id"]].description) if item["id"] in known else ""),
        )
        for item in data["open"][:MAX_ROWS]
    ]
    more = len(data["open"]) - len(rows)
    if more:
        rows.append((Cell(f"… and {more} more, younger"), Cell(""), Cell(""), Cell(""), Cell("")))
    header = ("ID", "Severity", "Area", "Open for", "Description")
    return Table(header, rows, "lllrw", "No error was open at the end.")


def _notes(this: dict[str, Any], before: dict[str, Any], weeks: list[WeekCount]) -> dict[str, str]:
    little = any(v for week in (this, before) for v in week["too_little_data"].values())
    trend = (
        "Too little data for a trend: where a figure rests on fewer than 5 cases in either week, "
        'its change says "too little data".'
        if little
        else ""
    )
    charted = sum(w.total for w in weeks)
    chart = (
        f"Too little data for a trend: {charted} failure{'' if charted == 1 else 's'} in these "
        f"{len(weeks)} weeks (fewer than 5)."
        if charted < TOO_LITTLE
        else ""
    )
    return {"trend": trend, "chart": chart}


def build(
    entries: list[Entry],
    monday: date,
    now: datetime,
    recurrence_days: int,
    previous: tuple[dict[str, Any], str] | None,
    anchors: Mapping[str, str],
    commit_url: str,
) -> Report:
    """The report of the ISO week starting `monday`, in the zone of `now`.

    `previous` is the previous week's figures read back from its report, and that report's path;
    without it they are computed from `entries`.  `anchors` gives each ID's link to its heading in
    ERRORS.md; `commit_url` the commit page pattern (`...{sha}`), "" for none.
    """
    tz = now.tzinfo
    assert tz is not None
    since, until = week_window(monday, tz, now)
    data = figures(entries, since, until, recurrence_days)
    last_monday = monday - timedelta(weeks=1)
    before, source = previous or (
        figures(entries, *week_bounds(last_monday, tz), recurrence_days),
        "",
    )
    labels = (week_label(last_monday), week_label(monday))
    table, figures_note = _figures_table(data)
    tables = {
        "figures": table,
        "change": _change_table(data, before, labels),
        "areas": _areas_table(data),
        "open": _open_table(data, {e.id: e for e in entries}, anchors),
        **happened_tables(entries, since, until, anchors, commit_url),
    }
    weeks = weekly_failures(entries, monday, until)
    notes = {"figures": figures_note, **_notes(data, before, weeks)}
    complete = until == week_bounds(monday, tz)[1]
    return Report(labels[1], labels[0], since, until, complete, data, source, tables, notes, weeks)
