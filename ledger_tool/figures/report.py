"""The weekly report (DESIGN.md section 6) as values: the week's figures, the change against the
previous week, the errors opened, resolved and regressed, the top areas and the open backlog.

Pure: the caller passes the entries, the week, the time it is now and where links point; nothing
here reads the clock or a file (pages.py does).  Tables hold plain text; each template lays
them out in its own language (`markdown_table` here for Markdown, autoescaped loops for HTML).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from ledger_tool.exceptions import LedgerError
from ledger_tool.figures.chart import WeekCount, monday_of, weekly_failures
from ledger_tool.figures.metrics import SEVERITIES, TOO_LITTLE, episodes, figures
from ledger_tool.figures.table import MARK, ROWS
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.entry import Entry, events_of
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, format_time

MAX_ROWS = 20  # of the open backlog, the oldest
TOP_AREAS = 5
SUMMARY_CHARS = 80
_WEEK = re.compile(r"(\d{4})-?W(\d\d)", re.IGNORECASE)
_SAFE_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Cell:
    """One table cell: plain text, and the address it links to ("" for none)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    columns: str  # per column: l short text, r number (right-aligned), w text that may wrap
    empty: str  # said instead of a table without rows


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


# -- weeks -------------------------------------------------------------------------------------


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str, today: date) -> date:
    """The Monday of `text`: an ISO week `YYYY-Www`, `this` (the week of `today`) or `last`."""
    word = text.strip().lower()
    if word in ("this", "last"):
        return monday_of(today) - timedelta(weeks=1 if word == "last" else 0)
    m = _WEEK.fullmatch(word)
    if m is not None:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise LedgerError(f"{m.group(1)} has no ISO week {m.group(2)}") from None
    raise LedgerError(
        f"cannot read week {text!r}; use an ISO week such as {week_label(monday_of(today))}, "
        "`this` or `last`"
    )


def week_bounds(monday: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in `tz`."""
    return (
        datetime.combine(monday, time(), tzinfo=tz),
        datetime.combine(monday + timedelta(weeks=1), time(), tzinfo=tz),
    )


def week_window(monday: date, tz: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """The week's bounds, cut at `now` while the week is running."""
    since, end = week_bounds(monday, tz)
    if now <= since:
        raise LedgerError(
            f"week {week_label(monday)} has not begun yet (it starts {since:%Y-%m-%d})"
        )
    return since, min(end, now)


def heading_anchor(title: str) -> str:
    """The anchor GitHub gives a heading (`ERR-2026-11-20-001 (RESOLVED)` ->
    `err-2026-11-20-001-resolved`)."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


# -- what happened to which error ---------------------------------------------------------------


def _summary(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


def safe_href(url: str) -> str:
    """`url` if it is a plain http(s) address, else "" (a hand-set `javascript:` pattern links
    nowhere)."""
    return url if _SAFE_URL.fullmatch(url) else ""


def _fix_cell(event: Event, commit_url: str) -> Cell:
    if not event.commit:
        return Cell("-")
    return Cell(event.commit[:7], safe_href(commit_url.replace("{sha}", event.commit)))


def _event_rows(
    entries: Iterable[Entry], since: datetime, until: datetime, anchors: Mapping[str, str], url: str
) -> dict[str, list[tuple[datetime, tuple[Cell, ...]]]]:
    rows: dict[str, list[tuple[datetime, tuple[Cell, ...]]]] = {
        "opened": [],
        "resolved": [],
        "regressed": [],
    }
    for entry in entries:
        events = events_of(entry)
        took = {ep.end: elapsed(ep.start, ep.end) for ep in episodes(entry, events) if ep.end}
        head = (Cell(entry.id, anchors.get(entry.id, "")),)
        about = (Cell(entry.severity), Cell(entry.area), Cell(_summary(entry.description)))
        for event in events:
            if not since <= event.at < until:
                continue
            when = Cell(format_time(event.at))
            if event.kind == "opened":
                rows["opened"].append((event.at, (*head, when, *about)))
            elif event.kind == "resolved" and event.at in took:
                spent = Cell(format_duration(took[event.at]))
                rows["resolved"].append(
                    (event.at, (*head, when, spent, _fix_cell(event, url), *about))
                )
            elif event.kind in ("reopened", "regressed"):
                how = event.kind + (f": {event.note}" if event.note else "")
                if event.kind == "regressed" and event.commit:
                    how += f" at {event.commit[:7]}"
                rows["regressed"].append((event.at, (*head, when, Cell(how), *about)))
    return rows


_ABOUT = ("Severity", "Area", "Description")
_HAPPENED = {
    "opened": (("ID", "Opened", *_ABOUT), "llllw", "No error was opened this week."),
    "resolved": (
        ("ID", "Resolved", "Time to resolve", "Fix", *_ABOUT),
        "llrlllw",
        "No error was resolved this week.",
    ),
    "regressed": (
        ("ID", "When", "What", *_ABOUT),
        "llwllw",
        "No error regressed or was reopened this week.",
    ),
}


def _happened_tables(
    entries: list[Entry], since: datetime, until: datetime, anchors: Mapping[str, str], url: str
) -> dict[str, Table]:
    found = _event_rows(entries, since, until, anchors, url)
    return {
        kind: Table(
            header,
            [cells for _, cells in sorted(found[kind], key=lambda row: (row[0], row[1][0].text))],
            columns,
            empty,
        )
        for kind, (header, columns, empty) in _HAPPENED.items()
    }


# -- the figures and their change ---------------------------------------------------------------


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figures_table(data: dict[str, Any]) -> tuple[Table, str]:
    groups = [data] + [data["by_severity"][s] for s in SEVERITIES]
    rows: list[tuple[Cell, ...]] = []
    marked = False
    for label, flag, show in ROWS:
        # the terminal table indents the parts of time to resolve; a table cell cannot
        cells = [Cell(f"time to resolve: {label.strip()}" if label[0] == " " else label)]
        for group in groups:
            text = show(group)
            little = flag is not None and group["too_little_data"][flag] and text != "-"
            marked |= little
            cells.append(Cell(text + MARK * little))
        rows.append(tuple(cells))
    rows.append(
        (Cell("uptime (no P0 episode), %"), Cell(f"{data['uptime_pct']:.2f}"), Cell(""), Cell(""))
    )
    note = (
        f"{MARK} too little data (fewer than 5 cases): an anecdote, not a trend." if marked else ""
    )
    return Table(("", "all", *SEVERITIES), rows, "lrrr", ""), note


Reading = Callable[[dict[str, Any]], float | None]
# (label, the figure, its "too little data" flag (counts are exact: none), +1 if more is better,
# -1 if less is, 0 if neither, decimals)
CHANGES: list[tuple[str, Reading, str | None, int, int]] = [
    ("failures", lambda g: g["failures"], None, -1, 0),
    ("failures per day", lambda g: g["daily_rate"], "failures", -1, 3),
    ("time to resolve: n", lambda g: g["ttr"]["n"], None, 0, 0),
    ("time to resolve p50 (h)", lambda g: g["ttr"]["p50_hours"], "ttr", -1, 2),
    ("time to resolve p90 (h)", lambda g: g["ttr"]["p90_hours"], "ttr", -1, 2),
    ("MTTR (h)", lambda g: g["ttr"]["mean_hours"], "ttr", -1, 2),
    ("MTBF (h)", lambda g: g["mtbf_hours"], "failures", 1, 2),
    ("recurrence rate", lambda g: g["recurrence"]["rate"], "recurrence", -1, 3),
    ("reopen/regression events", lambda g: g["recurrence"]["reopen_events"], None, -1, 0),
    ("uptime (%)", lambda g: g["uptime_pct"], None, 1, 2),
    ("open at the end", lambda g: len(g["open"]), None, -1, 0),
]


def _value(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


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
    for label, read, flag, better, digits in CHANGES:
        now, then = read(this), read(before)
        little = flag is not None and (
            this["too_little_data"][flag] or before["too_little_data"][flag]
        )
        change = (
            "too little data"
            if little and None not in (now, then)
            else _change(now, then, better, digits)
        )
        rows.append(
            (Cell(label), Cell(_value(then, digits)), Cell(_value(now, digits)), Cell(change))
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
            Cell(_hours(dist["ttr_p50_hours_by_area"].get(area))),
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
            Cell(_summary(known[item["id"]].description) if item["id"] in known else ""),
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


def usable(data: object) -> bool:
    """True when `data` (read back from a report) has every figure the change table compares."""
    if not isinstance(data, dict):
        return False
    try:
        values = [read(data) for _, read, _, _, _ in CHANGES]
        flags = [data["too_little_data"][flag] for _, _, flag, _, _ in CHANGES if flag]
    except (KeyError, TypeError):
        return False
    return all(v is None or isinstance(v, int | float) for v in values) and all(
        isinstance(f, bool) for f in flags
    )


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
        **_happened_tables(entries, since, until, anchors, commit_url),
    }
    weeks = weekly_failures(entries, monday, until)
    notes = {"figures": figures_note, **_notes(data, before, weeks)}
    complete = until == week_bounds(monday, tz)[1]
    return Report(labels[1], labels[0], since, until, complete, data, source, tables, notes, weeks)


# -- Markdown ---------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([*_~])")  # `encode` escapes the brackets already


def markdown_text(text: str) -> str:
    """Any text as one line of Markdown that shows exactly that text (also in a table cell)."""
    return _MD_INLINE.sub(r"\\\1", encode(text))


def markdown_cell(cell: Cell) -> str:
    """A cell as Markdown: escaped text, as a link when it has an address."""
    if not cell.href:
        return markdown_text(cell.text)
    href = cell.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{markdown_text(cell.text)}]({href})"


def markdown_table(table: Table) -> str:
    """A GitHub table of `table` (or its `empty` sentence), every cell escaped."""
    if not table.rows:
        return table.empty
    rule = "|" + "|".join("---:" if kind == "r" else "---" for kind in table.columns) + "|"
    lines = ["| " + " | ".join(markdown_text(h) for h in table.header) + " |", rule]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)
