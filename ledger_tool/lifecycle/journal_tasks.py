"""What a change to an error does to JOURNAL.md and TASKS.md: the journal entry that opening,
resolving or reopening writes, and the task that follows the error's status and fields.

A person's own journal entries (`### My fix |ERROR:...|`) are theirs: only entries the tool
wrote (`wording.OWN_TITLES`) are ever edited.
"""

from __future__ import annotations

from datetime import datetime

from ledger_tool.files import store, wording
from ledger_tool.files.ledger import JOURNAL_HEADING, Ledger
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.entry import Entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.model.vocabulary import Severity, task_id

# Error fields the task mirrors under the same name.
TASK_MIRROR = ("Impact", "Root Cause", "Dependencies", "Workarounds")


def journal_investigation(ledger: Ledger, entry: Entry, at: datetime) -> None:
    """The journal entry that opening an error writes."""
    journal = wording.investigation(entry.description, entry.severity, entry.area)
    stamp = format_time(at)
    title = wording.INVESTIGATION
    ledger.journal.add_entry(
        stamp,
        ledger.render("journal_entry.md.j2", journal, time=stamp, title=title, id=entry.id),
    )


def journal_comeback(ledger: Ledger, entry: Entry, at: datetime, kind: str, reason: str) -> None:
    """The journal entry of an error that came back (`reopened` or `regressed`)."""
    stamp = format_time(at)
    title, journal = wording.comeback(kind, reason, entry.description, entry.severity, entry.area)
    ledger.journal.add_entry(
        stamp,
        ledger.render("journal_entry.md.j2", journal, time=stamp, title=title, id=entry.id),
    )


def journal_result(ledger: Ledger, entry: Entry, at: datetime, result: str) -> None:
    """Add `result` to the Result of the error's newest entry the tool wrote, else write a
    resolution entry with it."""
    error_id = entry.id
    found = _latest_own_journal_block(ledger, error_id)
    if found is not None:
        block, span = found
        old = block.get("Result")
        value = result if not old or not old.strip() else f"{old.rstrip()}<br>{result}"
        ledger.shape(block, "journal_entry.md.j2", {"Result": value}, complete=False)
        ledger.journal.replace(span, block)
        return
    stamp = format_time(at)
    ledger.journal.add_entry(
        stamp,
        ledger.render(
            "journal_entry.md.j2",
            wording.resolution(entry.description, entry.severity, entry.area, result),
            time=stamp,
            title=wording.RESOLUTION,
            id=error_id,
        ),
    )


def _latest_own_journal_block(
    ledger: Ledger, error_id: str
) -> tuple[Block, tuple[int, int]] | None:
    """The newest journal entry of the error that the tool wrote (a person's own
    `### My fix |ERROR:...|` entry is theirs and is never edited)."""
    text = ledger.journal.text
    for start, end in reversed(ledger.journal.error_blocks.get(error_id, [])):
        title = text[start : text.find("\n", start)].lstrip("# ").split("|ERROR:")[0]
        if title.strip() in wording.OWN_TITLES:
            return Block(text[start:end]), (start, end)
    return None


def journal_link(ledger: Ledger, error_id: str) -> str:
    """A link to the error's journal entry: its first in JOURNAL.md, else in the archive,
    else the resolution entry this command adds."""
    journal = ledger.journal
    found = journal.error_blocks.get(error_id)
    if found:
        heading = journal.text[found[0][0] : journal.text.find("\n", found[0][0])]
        return ledger.link_to(ledger.ws.path("journal"), heading.strip("#\r ").strip())
    for path in ledger.ws.archive_files():
        for m in JOURNAL_HEADING.finditer(store.read_text(path, str(path))):
            if m.group("id") == error_id:
                return ledger.link_to(path, m.group("title"))
    title = f"{wording.RESOLUTION} |ERROR:{error_id}|"
    return ledger.link_to(ledger.ws.path("journal"), title)


def new_task(
    ledger: Ledger, error_id: str, description: str, severity: Severity, impact: str
) -> None:
    """The task that opening an error adds."""
    task = {
        "Task ID": task_id(error_id),
        "Title": wording.task_title(description),
        "Status": "IN_PROGRESS",
        "Priority": wording.PRIORITY[severity],
        "Error ID": error_id,
        "Impact": encode(impact),
    }
    ledger.tasks.add(error_id, ledger.render("task.md.j2", task, task_id=task_id(error_id)))


def task_status(ledger: Ledger, error_id: str, entry: Entry, values: dict[str, str]) -> None:
    """Set the task's `values` (its Status, and what goes with it); a task that was deleted or
    never made is made again."""
    found = ledger.tasks.task(error_id)
    if found is None:
        task = {
            "Task ID": task_id(error_id),
            "Title": wording.task_title(entry.description),
            "Priority": wording.PRIORITY.get(entry.severity, "HIGH"),
            "Error ID": error_id,
            **values,
        }
        ledger.tasks.add(error_id, ledger.render("task.md.j2", task, task_id=task_id(error_id)))
        return
    block, span = found
    ledger.shape(block, "task.md.j2", values, complete=False)
    ledger.tasks.replace(span, block)


def mirror_task(ledger: Ledger, error_id: str, values: dict[str, str]) -> None:
    """Copy the error fields among `values` that the task mirrors (`TASK_MIRROR`) to its
    task, if it has one."""
    found = ledger.tasks.task(error_id)
    values = {name: value for name, value in values.items() if name in TASK_MIRROR}
    if found is None or not values:
        return
    block, span = found
    ledger.shape(block, "task.md.j2", values, complete=False)
    ledger.tasks.replace(span, block)
