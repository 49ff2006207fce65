"""`ledger check --fix`: regenerate what is derived from the error blocks.

Block placement and order, the summary table, missing journal entries and tasks, task statuses:
what the blocks say is kept, what follows from them is made to agree.  `adopt` ends with it too.
"""

from __future__ import annotations

from ledger_tool.files import errors_table, store
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle.journal_tasks import journal_investigation, task_status
from ledger_tool.markdown.block import Block
from ledger_tool.model.entry import Entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.model.vocabulary import ERROR_REF, RESOLVED_MARK, Status, error_heading


def fix_derived(ledger: Ledger) -> list[str]:
    """Regenerate what `ledger check --fix` may: block placement and order, the table,
    missing journal entries and tasks, task statuses.  Returns one line per change."""
    changes = _fix_placement(ledger)
    entries = ledger.entries()
    changes += _fix_table(ledger, entries)
    journal_refs = _journal_refs(ledger) | _archived_refs(ledger)
    statuses = ledger.tasks.statuses()
    for entry in sorted(entries, key=_key_first_seen):
        if entry.id not in journal_refs and entry.first_seen is not None:
            journal_investigation(ledger, entry, entry.first_seen)
            changes.append(f"{ledger.ws.display('journal')}: added the journal entry of {entry.id}")
        want = "COMPLETE" if entry.status == Status.RESOLVED else "IN_PROGRESS"
        status = statuses.get(entry.id)
        if status != want:
            task_status(ledger, entry.id, entry, {"Status": want})
            what = "added the task" if status is None else f"set the task status to {want}"
            changes.append(f"{ledger.ws.display('tasks')}: {what} of {entry.id}")
    return changes


def _journal_refs(ledger: Ledger) -> set[str]:
    """The errors JOURNAL.md refers to, as `ledger check` counts them: a `|ERROR:ID|` in a
    code fence or an HTML comment is no entry, so the error still gets one."""
    from ledger_tool.markdown.outline import hidden_only

    text = ledger.journal.text
    outline = hidden_only(text)
    return {m.group(1) for m in ERROR_REF.finditer(text) if not outline.is_hidden(m.start())}


def _archived_refs(ledger: Ledger) -> set[str]:
    refs: set[str] = set()
    for path in ledger.ws.archive_files():
        refs |= set(ERROR_REF.findall(store.read_text(path, str(path))))
    return refs


def _fix_placement(ledger: Ledger) -> list[str]:
    """Move blocks to the section their Status names, newest first, one move at a time."""
    changes: list[str] = []
    for _ in range(len(ledger.errors.blocks) + 1):
        move = _misplaced(ledger)
        if move is None:
            break
        entry, block = move
        block.set_heading(error_heading(entry.id, entry.status == Status.RESOLVED))
        ledger.errors.put(entry.id, block, entry.status, ledger.sort_key(entry), relocate=True)
        ledger.errors = ErrorsFile(ledger.errors.path, ledger.errors.render())
        changes.append(f"{ledger.errors.path}: moved {entry.id} to its place in {entry.status}")
    return changes


def _misplaced(ledger: Ledger) -> tuple[Entry, Block] | None:
    """The first block out of place (read from a few key lines; only that one is parsed)."""
    doc = ledger.errors
    for section, ids in doc.order.items():
        previous: tuple[str, str] | None = None
        for error_id in ids:
            ref = doc.blocks[error_id]
            status = doc.field_value(error_id, "Status").upper()
            resolved = status == Status.RESOLVED.word
            marked = (
                doc.text[ref.start : doc.text.find("\n", ref.start)]
                .rstrip()
                .endswith(RESOLVED_MARK.strip())
            )
            key = doc.field_value(error_id, "Resolved" if resolved else "First Seen"), error_id
            out_of_order = previous is not None and key > previous
            if status.lower() != section or marked != resolved or out_of_order:
                return ledger.entry(error_id), doc.block(error_id)
            previous = key
    return None


def _fix_table(ledger: Ledger, entries: list[Entry]) -> list[str]:
    errors = ledger.errors
    if errors.rows_at is None:
        return []
    rows = []
    for entry in sorted(entries, key=_key_first_seen, reverse=True):
        link = ""
        if entry.status == Status.RESOLVED and entry.fix_commit:
            old = errors.row_cells(entry.id) if entry.id in errors.rows else []
            link = old[5] if len(old) > 5 and entry.fix_commit[:7] in old[5] else ""
            link = link or entry.fix_commit[:7]
        first_seen = format_time(entry.first_seen) if entry.first_seen else ""
        rows.append(
            errors_table.cells(entry.id, first_seen, entry.status, entry.severity, entry.area, link)
        )
    before = errors.text[errors.rows_at : errors.rows_end]
    errors.put_rows(rows)
    after = "".join(errors_table.line(row) + errors.newline for row in rows)
    if before.rstrip("\r\n") == after.rstrip("\r\n"):
        return []
    return [f"{errors.path}: rewrote the summary table from the blocks"]


def _key_first_seen(entry: Entry) -> tuple[str, str]:
    return (format_time(entry.first_seen) if entry.first_seen else "", entry.id)
