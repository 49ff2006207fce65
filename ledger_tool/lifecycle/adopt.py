"""`ledger adopt`: bring the history a repository already keeps into the ledger.

Two shapes come in.  Errors that only the journal records (`### Title |ERROR:ERR-...|` entries
under `## YYYY-MM-DD HH:MM`, as most claude-conductor users keep them) get their ERRORS.md entry
under that same ID, dated by the journal, with the journal entry linked and left as written.
Hand-written ledgers are rewritten into the tool's blocks with every word kept.
Then the derived parts follow as `check --fix` makes them: table rows, tasks, journal entries.
Nothing is written unless the whole result passes `ledger check`; what cannot be mapped comes
back as problems with file and line.  The rules are stated in docs/adopt.md.

This module runs the whole; its parts live beside it: adopt_hand finds hand-written entries,
adopt_words and adopt_fields map what people wrote to the tool's fields, adopt_block writes
their blocks, adopt_journal the entries of errors only the journal records, and adopt_skeleton
makes ERRORS.md ready for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ledger_tool.exceptions import ParseError
from ledger_tool.files import store
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle.adopt_block import Adopted, free_id, from_hand
from ledger_tool.lifecycle.adopt_fields import Converted, convert
from ledger_tool.lifecycle.adopt_hand import HandEntry, find_entries
from ledger_tool.lifecycle.adopt_journal import from_journal, journal_errors
from ledger_tool.lifecycle.adopt_skeleton import skeleton
from ledger_tool.lifecycle.repair import fix_derived
from ledger_tool.markdown.outline import Outline, scan
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.workspace import Workspace


@dataclass
class Adoption:
    """What adopting did or would do: new file texts, one line per change, and the problems that
    stop it (path, line, message)."""

    changes: dict[Path, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)


def adopt(ws: Workspace, has_commit: Callable[[str], bool]) -> Adoption:
    """Adopt what the repository's files hold; `has_commit(sha)` says whether a fix commit a
    person named exists here (one that does not is kept as their text, not linked)."""
    display = ws.display("errors")
    path = ws.path("errors")
    if path.is_file():
        text = store.read_text(path, display)
    else:
        from ledger_tool.files.shapes import read_packaged

        text = read_packaged("ERRORS.md")
    outline = scan(text)
    result = Adoption()
    entries = hand_written(ws, text)
    converted = [convert(text, entry, ws.tz) for entry in entries]
    for item in converted:
        for offset, message in item.problems:
            result.problems.append((display, outline.line_number(offset), message))
    try:
        ledger = Ledger(ws, skeleton(text, outline, entries))
    except ParseError as exc:
        result.problems.append((exc.path, exc.line, exc.message))
        return result
    if result.problems:
        return result
    taken: set[str] = set()
    new = _from_hand(ledger, converted, outline, has_commit, result, taken)
    new += [from_journal(ledger, i, s) for i, s in journal_errors(ledger, taken).items()]
    result.actions += [f"{a.said}: {_summary(a.entry)}" for a in new]
    if not new:
        return result
    # newest first, as sections and table keep them: inserts at one place land in call order
    for a in sorted(new, key=lambda a: ledger.sort_key(a.entry), reverse=True):
        ledger.errors.put(a.entry.id, a.block, a.entry.status, ledger.sort_key(a.entry))
        ledger.put_row(a.entry, a.link)
    ledger.errors = ErrorsFile(display, ledger.errors.render())
    result.actions += fix_derived(ledger)
    result.changes = ledger.changes()
    return result


def _from_hand(
    ledger: Ledger,
    converted: list[Converted],
    outline: Outline,
    has_commit: Callable[[str], bool],
    result: Adoption,
    taken: set[str],
) -> list[Adopted]:
    """The converted hand-written entries as the tool's blocks, each ID once (`taken` gets
    them); one that would not read is a problem instead."""
    new = []
    for item in converted:
        error_id = free_id(ledger, item.entry.id, taken)
        try:
            adopted = from_hand(ledger, item, error_id, outline, has_commit)
        except ParseError as exc:
            line = outline.line_number(item.entry.start)
            result.problems.append((ledger.errors.path, line, exc.message))
            continue
        taken.add(error_id)
        new.append(adopted)
    return new


def hand_written(ws: Workspace, text: str) -> list[HandEntry]:
    """The entries of an ERRORS.md text that the ledger cannot read as they are (written by
    hand in other spellings): what `ledger adopt` would rewrite."""
    return find_entries(scan(text), _readable_blocks(text, ws))


def journal_only(ws: Workspace) -> list[str]:
    """IDs the journal's entries name that ERRORS.md lacks (what `ledger adopt` would add)."""
    return sorted(journal_errors(Ledger(ws), set()))


def _readable_blocks(text: str, ws: Workspace) -> set[int]:
    """Offsets of the blocks the tool reads as they are (these are not adopted again)."""
    try:
        doc = ErrorsFile("", text, strict=False)
    except ParseError:
        return set()
    readable = set()
    for error_id, ref in doc.blocks.items():
        try:
            read_entry(error_id, doc.block(error_id), ws.tz, "", 1, free_text=False)
        except ParseError:
            continue
        readable.add(ref.start)
    return readable


def _summary(entry: Entry) -> str:
    """`P1 frontend, first seen 2025-11-20 00:00, active` (or `resolved ...`)."""
    state = f"resolved {format_time(entry.resolved)}" if entry.resolved else "active"
    first = format_time(entry.first_seen) if entry.first_seen else "-"
    return f"{entry.severity} {entry.area}, first seen {first}, {state}"
