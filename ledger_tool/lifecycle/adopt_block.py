"""The tool's block of a hand-written entry: its key fields, the person's own lines, where it
came from (`Adopted From`, verbatim) and a History that says what the fields say, under the
entry's ID or the next free one of its day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ledger_tool.files.ledger import Ledger
from ledger_tool.files.shapes import field_line
from ledger_tool.lifecycle.adopt_fields import Converted
from ledger_tool.lifecycle.numbering import numbers_named
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.textcodec import decode
from ledger_tool.model import history
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, parse_file_time
from ledger_tool.model.vocabulary import Status, error_heading, past


@dataclass(frozen=True)
class Adopted:
    """An entry adopting writes into ERRORS.md, and what its action line says of its origin."""

    entry: Entry
    block: Block
    link: str  # the fix its table row links ("" for none)
    said: str  # `PATH:LINE: adopted ...`; the action line goes on with the entry's summary


def free_id(ledger: Ledger, error_id: str, taken: set[str]) -> str:
    """`error_id`, or the next free number of its day when the ledger or an entry adopted
    before it already has it (one ID written twice for two errors)."""
    if error_id not in ledger.errors.blocks and error_id not in taken:
        return error_id
    day = error_id[4:14]
    used = {int(i[15:]) for i in {*ledger.errors.blocks, *taken} if i[4:14] == day}
    used |= numbers_named(ledger, day)
    return past(day, used)


def from_hand(
    ledger: Ledger,
    item: Converted,
    error_id: str,
    outline: Outline,
    has_commit: Callable[[str], bool],
) -> Adopted:
    """One converted hand-written entry as the tool's block under `error_id`; a ParseError when
    the block would not read."""
    values = dict(item.values)
    sha = re.search(r"\b[0-9a-f]{7,40}\b", decode(values.pop("Fix Commit", "")))
    # a commit this repository does not have stays only in Adopted From, as the person wrote it
    fix = sha.group(0) if sha and has_commit(sha.group(0)) else ""
    block = Block(_hand_block(error_id, item, values, fix, ledger.ws.tz))
    where = f"{ledger.errors.path}:{outline.line_number(item.entry.start)}"
    entry = read_entry(error_id, block, ledger.ws.tz, where, 1)
    renamed = f" ({item.entry.id} is taken)" if error_id != item.entry.id else ""
    return Adopted(
        entry, block, fix[:7], f"{where}: adopted {item.entry.heading!r} as {error_id}{renamed}"
    )


def _hand_block(
    error_id: str, item: Converted, values: dict[str, str], fix: str, tz: tzinfo
) -> str:
    """The tool's block for a hand-written entry: key fields, the person's lines, where it came
    from, and a History that says what the fields say."""
    resolved = item.status == Status.RESOLVED
    lines = [error_heading(error_id, resolved)]
    names = ["Status", "Severity", "Area", "First Seen"]
    if resolved:
        first, end = (_at(values[n], tz) for n in ("First Seen", "Resolved"))
        values["Resolution Time"] = format_duration(elapsed(first, end))
        names += ["Resolved", "Resolution Time"]
    lines += [field_line(n, values[n]) for n in (*names, "Last Seen", "Occurrences")]
    lines += ["", field_line("Description", values["Description"])]
    if item.body:
        lines += ["", *item.body]
    if fix:
        lines += ["", "**Links**:", field_line("Fix Commit", fix, bullet=True)]
    lines += ["", field_line("Adopted From", item.adopted_from)]
    lines += ["", field_line("History", history.render_events(_hand_events(values, fix, tz)))]
    return "\n".join(lines) + "\n"


def _at(stamp: str, tz: tzinfo) -> datetime:
    when = parse_file_time(stamp, tz)
    assert when is not None  # adopt_fields wrote it
    return when


def _hand_events(values: dict[str, str], fix: str, tz: tzinfo) -> list[Event]:
    """Opened at First Seen, the further sightings at Last Seen, resolved at Resolved."""

    def when(name: str) -> datetime:
        return _at(values[name], tz)

    events = [Event(when("First Seen"), "opened")]
    if int(values["Occurrences"]) > 1:
        events.append(Event(when("Last Seen"), "seen", int(values["Occurrences"]) - 1))
    if "Resolved" in values:
        events.append(Event(when("Resolved"), "resolved", commit=fix or None))
    return sorted(events, key=lambda e: e.at)
