"""The append-only event history kept in each error block, one Markdown list item per event.

    - 2026-11-20 09:15 opened
    - 2026-11-20 09:40 seen 12 (last 17:05)
    - 2026-11-21 12:00 resolved by 3f2c9e1d...
    - 2026-11-22 08:00 regressed at 9b1e44aa...
    - 2026-11-23 10:00 reopened: flaky again on the nightly run

Sightings on one day with no other event between them share one line, so ten thousand sightings add
a handful of lines, and the per-day counts the figures need stay exact.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model.timefmt import format_time, parse_file_time

KINDS = ("opened", "seen", "resolved", "reopened", "regressed", "linked")
STARTS = ("opened", "reopened", "regressed")  # events that begin an episode
_LINE = re.compile(
    r"- (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d) (?P<kind>[a-z]+)"
    r"(?: (?P<count>\d+)(?: \(last (?P<last>\d\d:\d\d)\))?)?"
    r"(?: (?:by|at) (?P<commit>[0-9a-f]{7,64}))?"
    r"(?:: (?P<note>.*))?"
)


@dataclass(frozen=True)
class Event:
    """One thing that happened to an error, at a minute in the configured zone."""

    at: datetime
    kind: str
    count: int = 1
    last: datetime | None = None  # latest sighting in a merged `seen` line
    commit: str | None = None
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"at": self.at.isoformat(), "event": self.kind}
        if self.kind == "seen":
            data["count"] = self.count
            data["last"] = (self.last or self.at).isoformat()
        if self.commit:
            data["commit"] = self.commit
        if self.note is not None:
            data["note"] = self.note
        return data


def format_event(event: Event) -> str:
    parts = [f"- {format_time(event.at)} {event.kind}"]
    if event.kind == "seen":
        parts.append(f" {event.count}")
        if event.last is not None and event.last != event.at:
            parts.append(f" (last {event.last:%H:%M})")
    if event.commit:
        parts.append(f" {'at' if event.kind == 'regressed' else 'by'} {event.commit}")
    if event.note is not None:
        parts.append(f": {encode(event.note)}")
    return "".join(parts)


def parse_events(raw: str, tz: tzinfo) -> list[Event] | int:
    """Events from a History field's stored value, or the 0-based index of the first bad line."""
    events: list[Event] = []
    lines = raw.split("\n")
    for index, line in enumerate(lines):
        text = line.strip()
        if index == 0 and not text:
            continue
        m = _LINE.fullmatch(text)
        at = parse_file_time(m.group("at"), tz) if m else None
        if m is None or at is None or m.group("kind") not in KINDS:
            return index
        last = None
        if m.group("last"):
            last = parse_file_time(f"{at:%Y-%m-%d} {m.group('last')}", tz)
        note = m.group("note")
        events.append(
            Event(
                at=at,
                kind=m.group("kind"),
                count=int(m.group("count") or 1),
                last=last,
                commit=m.group("commit"),
                note=None if note is None else decode(note),
            )
        )
    return events


def render_events(events: list[Event]) -> str:
    """The stored value of a History field (its list starts on the line after the label)."""
    return "\n" + "\n".join(format_event(e) for e in events)


def add(events: list[Event], event: Event) -> list[Event]:
    """Insert `event` in time order; a sighting joins a same-day `seen` line next to it."""
    out = list(events)
    index = bisect_right([e.at for e in out], event.at)
    if event.kind == "seen":
        for near in (index - 1, index):
            if 0 <= near < len(out) and out[near].kind == "seen" and _same_day(out[near], event):
                out[near] = _merge(out[near], event)
                return out
    out.insert(index, event)
    return out


def _same_day(a: Event, b: Event) -> bool:
    return a.at.date() == b.at.date()


def _merge(a: Event, b: Event) -> Event:
    first = min(a.at, b.at)
    last = max(a.last or a.at, b.last or b.at)
    return replace(a, at=first, count=a.count + b.count, last=last if last != first else None)


def occurrences(events: list[Event]) -> int:
    """Sightings recorded: the opening counts once, each `seen` line its count."""
    return sum(e.count for e in events if e.kind == "seen") + sum(
        1 for e in events if e.kind == "opened"
    )


def last_seen(events: list[Event]) -> datetime | None:
    times = [e.last or e.at for e in events if e.kind in ("seen", "opened")]
    return max(times) if times else None


def episode_start(events: list[Event]) -> datetime | None:
    """When the current (or last) episode began: the latest opening, reopening or regression."""
    starts = [e.at for e in events if e.kind in STARTS]
    return max(starts) if starts else None
