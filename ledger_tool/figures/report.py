"""The weekly report (DESIGN.md section 6) as values: a summary in sentences, the week's figures
(each degenerate one explained), the change against the previous week, time to resolve over the
last weeks, the errors opened, resolved and regressed, the noisiest ones, the areas and the open
backlog with its next steps.

Pure: the caller passes the entries, the week, the time it is now and where links point; nothing
here reads the clock or a file (pages.py does).  The tables are values (cells.py); each page lays
them out in its own language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ledger_tool.figures.catalogue import BY_SEVERITY, COMPARED, MARK, UPTIME, Figure
from ledger_tool.figures.cells import Cell, Lookup, Table, field_cell, summary
from ledger_tool.figures.happened import Tally, happened_tables, tally
from ledger_tool.figures.metrics import TOO_LITTLE, figures, percentile
from ledger_tool.figures.summary import DEGENERATE, Week, explanations, sentences
from ledger_tool.figures.weeks import (
    WeekCount,
    week_bounds,
    week_label,
    week_window,
    weekly_failures,
)
from ledger_tool.model.entry import Entry
from ledger_tool.model.timefmt import format_time, human_duration
from ledger_tool.model.vocabulary import SEVERITIES

MAX_ROWS = 20  # of the open backlog, the oldest
MAX_AREAS = 12
NOISIEST = 5
# what the Markdown report's front matter keeps of `ledger metrics --json`: the week's figures,
# which later reports read back; the lists (per day, per area, the backlog) are in the body
FRONT_MATTER = (
    "window", "failures", "daily_rate", "ttr", "mtbf_hours", "mtbsi_hours", "recurrence",
    "sightings", "uptime_pct", "open_count", "too_little_data",
)  # fmt: skip


@dataclass(frozen=True)
class Report:
    week: str  # 2026-W47
    previous_week: str
    since: datetime
    until: datetime
    complete: bool  # False for the week in progress: its window ends now
    figures: dict[str, Any]  # `ledger metrics --json` for [since, until)
    previous_source: str  # the report the previous week's figures were read from, or ""
    tables: dict[str, Table]
    notes: dict[str, str]  # "too little data" sentences, "" when there is enough
    weeks: list[WeekCount]  # failures per week for the chart, ending with this one
    summary: list[str]  # the sentences at the top
    explained: list[str]  # why each degenerate figure reads as it does

    @property
    def front_matter(self) -> dict[str, Any]:
        """The week's figures, as the Markdown report's front matter keeps them."""
        return {key: self.figures[key] for key in FRONT_MATTER}

    @property
    def period(self) -> str:
        zone = self.figures["window"]["timezone"]
        return f"{format_time(self.since)} to {format_time(self.until)} ({zone})"


def _label(figure: Figure) -> str:
    """A figure's label in the report's figures table (a table cell cannot indent the parts of
    time to resolve; durations are in human units, not hours)."""
    label = figure.label.strip().removesuffix(" (h)")
    return f"time to resolve: {label}" if figure.label[0] == " " else label


def _figures_table(data: dict[str, Any], explained: dict[str, str]) -> tuple[Table, str]:
    groups = [data] + [data["by_severity"][s] for s in SEVERITIES]
    rows: list[tuple[Cell, ...]] = []
    marked = False
    for figure in BY_SEVERITY:
        cells = [Cell(_label(figure))]
        for i, group in enumerate(groups):
            text = figure.words(group)
            little = figure.too_little(group) and text != "-"
            marked |= little
            odd = i == 0 and figure.change in explained
            cells.append(Cell(text + MARK * little + DEGENERATE * odd))
        rows.append(tuple(cells))
    mark = DEGENERATE * (UPTIME.change in explained)
    rows.append((Cell(f"{UPTIME.label}, %"), Cell(UPTIME.text(data) + mark), Cell(""), Cell("")))
    note = (
        f"{MARK} too little data (fewer than 5 cases): an anecdote, not a trend." if marked else ""
    )
    return Table(("", "all", *SEVERITIES), rows, "lrrr", ""), note


def _difference(figure: Figure, delta: float) -> str:
    if figure.hours:
        return ("+" if delta > 0 else "-") + human_duration(abs(delta))
    if figure.share:  # percentage points
        points = delta * 100
        text = f"{points:+.0f}" if abs(points) >= 1 else f"{points:+.1f}"
        return f"{text} {'pt' if text in ('+1', '-1') else 'pts'}"
    return f"{delta:+.{figure.digits}f}"


def _change(figure: Figure, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "-"
    delta = round(now - before, figure.digits)
    if delta == 0:
        return "no change"
    better = figure.better
    verdict = "" if better == 0 else (" (better)" if delta * better > 0 else " (worse)")
    return _difference(figure, delta) + verdict


def _change_table(this: dict[str, Any], before: dict[str, Any], labels: tuple[str, str]) -> Table:
    rows = []
    for figure in COMPARED:
        now, then = figure.read(this), figure.read(before)
        little = figure.too_little(this) or figure.too_little(before)
        change = (
            "too little data" if little and None not in (now, then) else _change(figure, now, then)
        )
        rows.append(
            (
                Cell(figure.change),
                Cell(figure.words(before)),
                Cell(figure.words(this)),
                Cell(change),
            )
        )
    return Table(("", *labels, "change"), rows, "lrrr", "")


def _trend_table(weeks: list[WeekCount]) -> Table:
    """Time to resolve per week over the chart's weeks: how many were resolved, p50 and MTTR."""
    rows = []
    for week in weeks:
        took = week.resolved
        p50 = percentile(took, 50)
        mean = sum(took) / len(took) if took else None
        little = MARK if 0 < len(took) < TOO_LITTLE else ""
        rows.append(
            (
                Cell(f"{week.label} ({week.monday:%m-%d})"),
                Cell(str(week.total)),
                Cell(str(len(took))),
                Cell("-" if p50 is None else human_duration(p50) + little),
                Cell("-" if mean is None else human_duration(mean) + little),
            )
        )
    header = ("Week", "Failures", "Resolved", "p50 time to resolve", "MTTR")
    return Table(header, rows, "lrrrr", "")


def _noisiest_table(counts: Tally, entries: Mapping[str, Entry], look: Lookup) -> Table:
    rows = [
        (
            look.cell(error_id),
            Cell(str(seen)),
            Cell(str(entries[error_id].occurrences)),
            Cell(entries[error_id].severity),
            Cell(entries[error_id].area),
            Cell(summary(entries[error_id].description)),
        )
        for error_id, seen in counts.noisiest()[:NOISIEST]
    ]
    header = ("ID", "Sightings this week", "Occurrences in all", "Severity", "Area", "Description")
    return Table(header, rows, "lrrllw", "No error was seen more than once this week.")


def _areas_table(data: dict[str, Any], counts: Tally) -> Table:
    """A row per area with anything this week: failures, share, resolved, open at the end,
    sightings and p50 time to resolve; the busiest first."""
    dist = data["distribution"]
    resolved, seen = counts.resolved_in_area, counts.seen_in_area
    backlog = Counter(item["area"] for item in data["open"])
    failed = Counter(dist["by_area"])
    areas = sorted(
        {a for column in (failed, resolved, backlog, seen) for a, n in column.items() if n},
        key=lambda a: (-failed[a], -backlog[a], -seen[a], a),
    )
    total = data["failures"]
    rows: list[tuple[Cell, ...]] = [
        (
            Cell(area),
            Cell(str(failed[area])),
            Cell(f"{100 * failed[area] / total:.0f}%" if total else "-"),
            Cell(str(resolved[area])),
            Cell(str(backlog[area])),
            Cell(str(seen[area])),
            Cell(_hours(dist["ttr_p50_hours_by_area"].get(area))),
        )
        for area in areas[:MAX_AREAS]
    ]
    more = len(areas) - len(rows)
    if more:
        rows.append((Cell(f"… and {more:,} more, quieter"), *(Cell("") for _ in range(6))))
    header = ("Area", "Failures", "Share", "Resolved", "Open", "Sightings", "p50 time to resolve")
    return Table(header, rows, "lrrrrrr", "Nothing happened in any area this week.")


def _hours(value: float | None) -> str:
    return "-" if value is None else human_duration(value)


def _open_table(data: dict[str, Any], known: Mapping[str, Entry], look: Lookup) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (
            look.cell(item["id"]),
            Cell(item["severity"]),
            Cell(item["area"]),
            Cell(human_duration(item["age_hours"])),
            Cell(summary(known[item["id"]].description) if item["id"] in known else ""),
            field_cell(look.fields(item["id"]), "Next Steps"),
        )
        for item in data["open"][:MAX_ROWS]
    ]
    more = len(data["open"]) - len(rows)
    if more:
        rows.append((Cell(f"… and {more:,} more, younger"), *(Cell("") for _ in range(5))))
    header = ("ID", "Severity", "Area", "Open for", "Description", "Next steps")
    return Table(header, rows, "lllrww", "No error was open at the end.")


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
    look: Lookup,
) -> Report:
    """The report of the ISO week starting `monday`, in the zone of `now`.

    `previous` is the previous week's figures read back from its report, and that report's path;
    without it they are computed from `entries`.  `look` says where each error's row links to,
    and what its free-text fields say.
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
    explained = explanations(data)
    table, figures_note = _figures_table(data, explained)
    weeks = weekly_failures(entries, monday, until)
    counts = tally(entries, since, until)
    by_id = {e.id: e for e in entries}
    tables = {
        "figures": table,
        "change": _change_table(data, before, labels),
        "trend": _trend_table(weeks),
        "noisiest": _noisiest_table(counts, by_id, look),
        "areas": _areas_table(data, counts),
        "open": _open_table(data, by_id, look),
        **happened_tables(entries, since, until, look),
    }
    notes = {"figures": figures_note, **_notes(data, before, weeks)}
    complete = until == week_bounds(monday, tz)[1]
    noisiest = counts.noisiest()
    opened = {str(s): counts.opened[s] for s in SEVERITIES}
    week = Week(
        labels[1],
        labels[0],
        complete,
        opened,
        data["recurrence"]["reopen_events"],
        noisiest[0] if noisiest else None,
    )
    return Report(
        labels[1],
        labels[0],
        since,
        until,
        complete,
        data,
        source,
        tables,
        notes,
        weeks,
        sentences(data, before, week),
        [f"{DEGENERATE} {sentence}" for sentence in explained.values()],
    )
