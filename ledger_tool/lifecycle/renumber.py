"""`ledger renumber OLD NEW`: give one error another ID in ERRORS.md, TASKS.md, JOURNAL.md and the
journal archive.

It is the fix for an ID two branches took for different errors: the merge driver stops on such a
collision and names the command, and `ledger check` reports the duplicate a plain git merge leaves
(LDG102).  The new ID keeps the old one's day and must be free here and on every other branch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ledger_tool.exceptions import LedgerError
from ledger_tool.files import store
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.journal_md import JournalFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.files.wording import task_title
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.textcodec import decode
from ledger_tool.model.vocabulary import ID_RE, journal_ref, next_free
from ledger_tool.workspace import Workspace


@dataclass
class Renumbered:
    """What `ledger renumber` did: the new texts, the line of the block it renumbered when the
    ID headed two blocks, and what it left for the user to do."""

    changes: dict[Path, str]
    line: int | None = None
    notes: list[str] = field(default_factory=list)


def ledger_reading_duplicates(ws: Workspace) -> Ledger:
    """The ledger as `renumber` reads it.  A duplicate ID (LDG102) is what renumber fixes, so
    instead of refusing it, the later block of each repeated ID is set aside
    (`ErrorsFile.duplicates`), as `ledger check` reads the file; any other problem is refused."""
    ledger = Ledger(ws, strict=False)
    refused = next((p for p in ledger.errors.problems if p.code != "LDG102"), None)
    if refused is not None:
        raise refused
    return ledger


def renumber(ledger: Ledger, old: str, new: str, taken: Iterable[int] = ()) -> Renumbered:
    """Give error `old` the ID `new` in all three files and the journal archive: its block
    heading and links, its table row, its task, its journal headings.

    When `old` heads two blocks (LDG102), the later one is renumbered (see `_renumber_later`).
    `taken` are the numbers of that day in use on other branches: `new` must be free there too.
    """
    errors = ledger.errors
    if old not in errors.blocks:
        raise ledger.unknown(old)
    _refuse_taken(ledger, old, new, taken)
    own = re.compile(rf"{re.escape(old)}(?!\d)|{re.escape(old.lower())}(?!\d)")

    def swap(m: re.Match[str]) -> str:
        return new if m.group(0) == old else new.lower()

    tasks = ledger.tasks if ledger.ws.path("tasks").is_file() else None
    if old in errors.duplicates:
        return _renumber_later(ledger, old, new, lambda text: own.sub(swap, text), tasks)
    ref = errors.blocks[old]
    errors.put(old, Block(own.sub(swap, errors.text[ref.start : ref.end])), ref.section, ("", old))
    if old in errors.rows:
        cells = errors.row_cells(old)
        errors.put_row(old, [new, *cells[1:]], cells[1] if len(cells) > 1 else "")
    if tasks is not None and (found := tasks.task(old)) is not None:
        tasks.replace(found[1], Block(own.sub(swap, found[0].text())))
    if ledger.ws.path("journal").is_file():
        _rename_journal(ledger.journal, old, new)
    changes = ledger.changes()
    for path, text in _archive_files(ledger, changes):
        archive = JournalFile(str(path), text)
        _rename_journal(archive, old, new)
        if (renamed := archive.render()) != text:
            changes[path] = renamed
    return Renumbered(changes)


def _refuse_taken(ledger: Ledger, old: str, new: str, taken: Iterable[int]) -> None:
    """Refuse a `new` that is no ID, has another day than `old`, or is used here or elsewhere."""
    errors = ledger.errors
    day = old[4:14]
    used = {*errors.blocks, *errors.rows, *(f"ERR-{day}-{n:03d}" for n in taken)}
    free = next_free(day, used)
    if not ID_RE.fullmatch(new):
        raise LedgerError(f"{new!r} is not an error ID ERR-YYYY-MM-DD-NNN; {free} is free")
    if new[4:14] != day:
        raise LedgerError(
            f"{new} has another date than {old}; an ID keeps the day the error was first seen: "
            f"{free} is free"
        )
    tasks = ledger.tasks if ledger.ws.path("tasks").is_file() else None
    journal = ledger.journal if ledger.ws.path("journal").is_file() else None
    where = _used_where(new, errors, tasks, journal) or ("on another branch" if new in used else "")
    if where:
        raise LedgerError(f"{new} is already used {where}; {free} is free")


def _archive_files(ledger: Ledger, changes: dict[Path, str]) -> Iterable[tuple[Path, str]]:
    """The journal archive's files and their texts (as this command is changing them)."""
    for path in ledger.ws.archive_files():
        yield path, changes.get(path) or store.read_text(path, str(path))


def _renumber_later(
    ledger: Ledger,
    old: str,
    new: str,
    rename: Callable[[str], str],
    tasks: TasksFile | None,
) -> Renumbered:
    """Renumber the later of two blocks under `old` (the one `ledger check` reports), with the
    table row and the task of `old` that go with it when there are two (`_belongs`).  Journal
    entries naming `old` cannot be told apart: they stay, and a note says so."""
    errors = ledger.errors
    later = errors.duplicates[old][0]
    errors.rewrite(later.start, later.end, rename(errors.text[later.start : later.end]))
    block = Block(errors.text[later.start : later.end])
    rows = errors.rows_of(old)
    if len(rows) > 1:
        seen = (block.get("First Seen") or "").strip()
        cells = [errors.text[start:end].split("|")[2].strip() for start, end in rows]
        start, end = _belongs(rows, [cell == seen for cell in cells])
        errors.rewrite(start, end, rename(errors.text[start:end]))
    spans = [(start, end) for i, start, end in tasks.all_spans() if i == old] if tasks else []
    if tasks is not None and len(spans) > 1:
        title = task_title(decode(block.get("Description") or ""))
        found = [Block(tasks.text[start:end]) for start, end in spans]
        start, end = _belongs(spans, [(task.get("Title") or "").strip() == title for task in found])
        tasks.replace((start, end), Block(rename(tasks.text[start:end])))
    line = errors.outline.line_number(later.start)
    notes = [
        f"{path}: no second {what} of {old}; `ledger check --fix` adds the {what} of {new}"
        for path, what, missing in (
            (errors.path, "table row", errors.rows_at is not None and len(rows) < 2),
            (tasks.path if tasks else "", "task", tasks is not None and len(spans) < 2),
        )
        if missing
    ]
    changes = ledger.changes()
    named = _journal_files_naming(ledger, changes, old)
    if named:
        notes.append(
            f"{', '.join(named)}: the journal entries of {old} are left as they are (which of "
            f"the two errors each one is about cannot be told); change those about the block "
            f"now {new} to |ERROR:{new}| by hand"
        )
    return Renumbered(changes, line, notes)


def _belongs(spans: list[tuple[int, int]], ours: list[bool]) -> tuple[int, int]:
    """Which of an ID's two rows or tasks goes with its later block: the one only it matches
    (by First Seen, by task title), else the second."""
    return spans[ours.index(True)] if ours.count(True) == 1 else spans[1]


def _journal_files_naming(ledger: Ledger, changes: dict[Path, str], error_id: str) -> list[str]:
    """The journal files (JOURNAL.md, then the archive's) with an entry `|ERROR:error_id|`."""
    found = []
    if ledger.ws.path("journal").is_file() and error_id in ledger.journal.error_blocks:
        found.append(ledger.journal.path)
    for path, text in _archive_files(ledger, changes):
        if error_id in JournalFile(str(path), text, strict=False).error_blocks:
            found.append(path.relative_to(ledger.ws.root).as_posix())
    return found


def _used_where(
    new: str, errors: ErrorsFile, tasks: TasksFile | None, journal: JournalFile | None
) -> str:
    """Which of the files already uses ID `new` ("" when none does)."""
    if new in errors.blocks or new in errors.rows:
        return f"in {errors.path}"
    if tasks is not None and tasks.task(new) is not None:
        return f"in {tasks.path}"
    if journal is not None and new in journal.error_blocks:
        return f"in {journal.path}"
    return ""


def _rename_journal(journal: JournalFile, old: str, new: str) -> None:
    """Point the journal's `|ERROR:old|` headings at `new`."""
    for span in journal.error_blocks.get(old, []):
        block = Block(journal.text[span[0] : span[1]])
        block.set_heading(block.heading.replace(journal_ref(old), journal_ref(new)))
        journal.replace(span, block)
