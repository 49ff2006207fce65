"""The number a new error takes: past every number of its day that is in use or claimed.

In use: an `ERR-<day>-NNN` that heads a block or a table row of ERRORS.md.  Claimed: one that a
journal entry or a task names as theirs, though ERRORS.md lacks it (recorded by a person), or one
found on another branch (the caller asks git).  A mere mention in some text claims nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ledger_tool.files import store
from ledger_tool.files.ledger import Ledger
from ledger_tool.model.vocabulary import past

_NUMBER = re.compile(r"\d{3,}")


def next_id(ledger: Ledger, day: str, taken: Iterable[int] = ()) -> str:
    """The ID a new error of `day` (YYYY-MM-DD) takes; `taken` are numbers in use elsewhere."""
    used = set(taken) | _numbers_used(ledger.errors.text, day) | numbers_named(ledger, day)
    return past(day, used)


def numbers_named(ledger: Ledger, day: str) -> set[int]:
    """Numbers of `day` that journal entries (`|ERROR:ID|`, also in the archive) or tasks
    (`**Task ID**: TASK-ID`, `**Error ID**: ID`) already claim, in either spelling
    (`ERR-2025-07-21-001`, `ERR-20250721-001`): a person may have recorded an error there
    that ERRORS.md does not have yet, and a new error must not take its ID.  A mere
    mention in some text claims nothing."""
    spelled = rf"ERR-{day[:4]}-?{day[5:7]}-?{day[8:10]}-(\d{{3,}})"
    in_journal = re.compile(rf"(?<!\\)\|ERROR:{spelled}(?<!\\)\|")
    in_tasks = re.compile(
        rf"^(?:[-*] )?\*\*(?:Task ID\*\*:[ \t]*TASK-|Error ID\*\*:[ \t]*){spelled}", re.M
    )
    journals = [ledger.journal.text]  # an entry is archived in its month or later
    journals += [store.read_text(p, str(p)) for p in ledger.ws.archive_files() if p.stem >= day[:7]]
    spellings = (f"ERR-{day}-", f"ERR-{day.replace('-', '')}-")
    found = {n for text in journals for n in _on_lines(text, spellings, in_journal)}
    return {int(n) for n in found | _on_lines(ledger.tasks.text, spellings, in_tasks)}


def _on_lines(text: str, spellings: tuple[str, ...], pattern: re.Pattern[str]) -> set[str]:
    """What `pattern` finds on the lines that hold one of `spellings` (a day's IDs are few:
    finding them first spares running the pattern over a big file)."""
    found: set[str] = set()
    for spelled in spellings:
        at = text.find(spelled)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            found.update(pattern.findall(text, start, end))
            at = text.find(spelled, end)
    return found


def _numbers_used(text: str, day: str) -> set[int]:
    """Numbers of `ERR-<day>-NNN` IDs that head a block or a table row (a mention inside some
    text takes no number)."""
    prefix = f"ERR-{day}-"
    used: set[int] = set()
    pos = text.find(prefix)
    while pos >= 0:
        line = text.rfind("\n", 0, pos) + 1
        number = _NUMBER.match(text, pos + len(prefix))
        if number is not None and text[line:pos] in ("### ", "| "):
            used.add(int(number.group(0)))
        pos = text.find(prefix, pos + 1)
    return used
