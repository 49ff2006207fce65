"""One error block both branches changed: its History is the union of both sides' events, its
Occurrences the sum of what each added, its Last Seen the later one, and its Status what the
merged History ends in; every other field merges as any entry's does (`fields`).

The merged block must read back as an error (`read_entry`), or the merge stops on it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo

from ledger_tool.exceptions import ParseError
from ledger_tool.markdown.block import Block
from ledger_tool.merge.fields import Clash, merge_block, pick
from ledger_tool.model import history
from ledger_tool.model.entry import read_entry
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import parse_file_time
from ledger_tool.model.vocabulary import Status, error_heading

_EPISODE_EVENTS = (*history.STARTS, "resolved")


def _events(block: Block, tz: tzinfo) -> list[Event]:
    """A block's history; one without a History starts from its fields, as `ledger` does."""
    raw = block.get("History")
    if raw is not None:
        events = history.parse_events(raw, tz)
        if isinstance(events, int):
            raise Clash("its History has a line that is not an event")
        return events
    first = parse_file_time(block.get("First Seen") or "", tz)
    if first is None:
        return []
    out = [Event(first, "opened")]
    count = _count(block.get("Occurrences"))
    if count > 1:
        out.append(
            Event(parse_file_time(block.get("Last Seen") or "", tz) or first, "seen", count - 1)
        )
    resolved = parse_file_time(block.get("Resolved") or "", tz)
    if resolved and (block.get("Status") or "").strip().upper() == Status.RESOLVED.word:
        out.append(Event(resolved, "resolved"))
    return out


def _added(base: list[Event], side: list[Event]) -> list[Event]:
    """What one side added to the history: new events, and sightings added to a base line."""
    pending = list(base)
    out: list[Event] = []
    for event in side:
        if event in pending:
            pending.remove(event)
            continue
        if event.kind != "seen":
            out.append(event)
            continue
        last = event.last or event.at
        within = [
            b for b in pending if b.kind == "seen" and event.at <= b.at and (b.last or b.at) <= last
        ]
        grown = event.count - sum(b.count for b in within)
        if grown < 0:
            raise Clash("one branch lowered a sighting count in its History")
        for b in within:
            pending.remove(b)
        # when a base line grew later, the new sightings are the ones at its new end
        later = bool(within) and last > max(b.last or b.at for b in within)
        if grown:
            out.append(Event(last, "seen", grown) if later else replace(event, count=grown))
    if pending:
        raise Clash("one branch removed lines from its History")
    return out


def _union(sides: tuple[Block, Block, Block], tz: tzinfo) -> list[Event]:
    """Base's history plus what each side added; an event both added counts once (a sighting
    both recorded counts twice: they cannot be told apart from two sightings)."""
    base, ours, theirs = (_events(s, tz) for s in sides)
    new = _added(base, ours)
    new += [e for e in _added(base, theirs) if e.kind == "seen" or e not in new]
    events = base
    for event in sorted(new, key=lambda e: e.at):
        events = history.add(events, event)
    return events


def _count(raw: str | None) -> int:
    value = (raw or "1").strip()
    if not value.isdigit():
        raise Clash("Occurrences is not a whole number")
    return int(value)


def _error_fields(sides: tuple[Block, Block, Block], tz: tzinfo) -> dict[str, str | None]:
    """History, Occurrences, Last Seen and Status of an error both sides changed."""
    raws = {name: [s.get(name) for s in sides] for name in ("History", "Occurrences", "Last Seen")}
    out: dict[str, str | None] = {}
    for name, (b, o, t) in raws.items():
        try:
            out[name] = pick((b, o, t), name)
        except Clash:
            if name == "History":
                out[name] = history.render_events(_union(sides, tz))
            elif name == "Occurrences":
                out[name] = str(_count(o) + _count(t) - _count(b))
            elif o and t and parse_file_time(o, tz) and parse_file_time(t, tz):
                out[name] = max(o, t)
            else:
                raise
    events = history.parse_events(out["History"] or "", tz)
    if isinstance(events, int):
        raise Clash("its History has a line that is not an event")
    episode = [e.kind for e in events if e.kind in _EPISODE_EVENTS]
    if episode:  # the status follows the merged history's last opening, reopening or resolution
        out["Status"] = Status.RESOLVED.word if episode[-1] == "resolved" else Status.ACTIVE.word
    else:
        out["Status"] = pick([s.get("Status") for s in sides], "Status")
    return out


def merge_error(error_id: str, b: str, o: str, t: str, tz: tzinfo) -> str:
    """One error both sides changed: field by field, its History the union of both."""
    sides = (Block(b), Block(o), Block(t))
    decided = _error_fields(sides, tz)
    status = (decided["Status"] or "").strip().upper()
    heading = error_heading(error_id, status == Status.RESOLVED.word)
    text = merge_block(sides, decided, heading, status)
    try:
        read_entry(error_id, Block(text), tz, "merged")
    except ParseError as exc:
        raise Clash(f"the merged block would not read back ({exc.message})") from None
    return text
