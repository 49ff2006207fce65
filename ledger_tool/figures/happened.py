"""What happened to which error in the report's week: the tables of the errors opened, resolved
(with the time it took and the fix) and regressed or reopened, each row linked to its entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ledger_tool.figures.cells import Cell, Lookup, Table, field_cell, safe_href, summary
from ledger_tool.figures.metrics import episodes, hours_between
from ledger_tool.model.entry import Entry, events_of
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import format_time, human_duration

_ABOUT = ("Severity", "Area", "Description")
# by kind of event: the table's header, its columns (as Table has them), its empty sentence
_HAPPENED = {
    "opened": (("ID", "Opened", *_ABOUT), "llllw", "No error was opened this week."),
    "resolved": (
        ("ID", "Resolved", "Time to resolve", "Fix", *_ABOUT, "Root cause", "Solution"),
        "llrlllwww",
        "No error was resolved this week.",
    ),
    "regressed": (
        ("ID", "When", "What", *_ABOUT),
        "llwllw",
        "No error regressed or was reopened this week.",
    ),
}
SEEN = ("opened", "seen")  # the events that count sightings, as metrics.py counts them
Rows = dict[str, list[tuple[datetime, tuple[Cell, ...]]]]


def _fix_cell(event: Event, commit_url: str) -> Cell:
    if not event.commit:
        return Cell("-")
    return Cell(event.commit[:7], safe_href(commit_url.replace("{sha}", event.commit)))


def _event_rows(entries: Iterable[Entry], since: datetime, until: datetime, look: Lookup) -> Rows:
    rows: Rows = {kind: [] for kind in _HAPPENED}
    for entry in entries:
        events = events_of(entry)
        took = {ep.end: hours_between(ep.start, ep.end) for ep in episodes(entry, events) if ep.end}
        head = (look.cell(entry.id),)
        about = (Cell(entry.severity), Cell(entry.area), Cell(summary(entry.description)))
        for event in events:
            if not since <= event.at < until:
                continue
            when = Cell(format_time(event.at))
            if event.kind == "opened":
                rows["opened"].append((event.at, (*head, when, *about)))
            elif event.kind == "resolved" and event.at in took:
                spent = Cell(human_duration(took[event.at]))
                told = look.fields(entry.id)
                why = (field_cell(told, "Root Cause"), field_cell(told, "Solution"))
                rows["resolved"].append(
                    (
                        event.at,
                        (*head, when, spent, _fix_cell(event, look.commit_url), *about, *why),
                    )
                )
            elif event.kind in ("reopened", "regressed"):
                how = event.kind + (f": {event.note}" if event.note else "")
                if event.kind == "regressed" and event.commit:
                    how += f" at {event.commit[:7]}"
                rows["regressed"].append((event.at, (*head, when, Cell(how), *about)))
    return rows


def happened_tables(
    entries: list[Entry], since: datetime, until: datetime, look: Lookup
) -> dict[str, Table]:
    """The opened, resolved and regressed tables of [since, until), in time order."""
    found = _event_rows(entries, since, until, look)
    return {
        kind: Table(
            header,
            [cells for _, cells in sorted(found[kind], key=lambda row: (row[0], row[1][0].text))],
            columns,
            empty,
        )
        for kind, (header, columns, empty) in _HAPPENED.items()
    }


@dataclass
class Tally:
    """What happened in a window, counted in one pass over the events: sightings by error and
    by area (its opening and its `seen` counts), resolutions by area, openings by severity."""

    sightings: Counter[str] = field(default_factory=Counter)
    seen_in_area: Counter[str] = field(default_factory=Counter)
    resolved_in_area: Counter[str] = field(default_factory=Counter)
    opened: Counter[str] = field(default_factory=Counter)

    def noisiest(self) -> list[tuple[str, int]]:
        """The errors seen more than once, most first, as (ID, sightings)."""
        many = [(error_id, n) for error_id, n in self.sightings.items() if n > 1]
        return sorted(many, key=lambda item: (-item[1], item[0]))


def tally(entries: Iterable[Entry], since: datetime, until: datetime) -> Tally:
    counts = Tally()
    for entry in entries:
        events = events_of(entry)
        for event in events:
            if since <= event.at < until:
                if event.kind in SEEN:
                    counts.sightings[entry.id] += event.count
                    counts.seen_in_area[entry.area] += event.count
                if event.kind == "opened":
                    counts.opened[entry.severity] += 1
        for ep in episodes(entry, events):
            if ep.end is not None and since <= ep.end < until:
                counts.resolved_in_area[entry.area] += 1
    return counts
