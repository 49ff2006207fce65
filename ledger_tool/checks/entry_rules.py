"""The rules one error block must follow by itself (LDG1xx, LDG501).

What they find depends on nothing but the block's bytes, its section and the configuration, so
`run` keeps it between runs in the per-block cache; lines are counted from 1 at the block's
heading, to stay right when the block moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import tzinfo
from itertools import chain

from ledger_tool.checks.facts import Summary, facts_of
from ledger_tool.config import Config
from ledger_tool.exceptions import ParseError
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.markdown.block import Block
from ledger_tool.model import history
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.model.vocabulary import RESOLVED_MARK, Status, error_heading

# What checking one block found, kept between runs (keyed by the block's bytes and section):
# the facts the cross-file checks need, and the block's own problems with lines counted from 1 at
# its heading.  Change CACHE_VERSION whenever a rule here, or this shape, changes.
BlockResult = tuple[Summary | None, tuple[tuple[int, str, str, bool], ...]]
CACHE_VERSION = "checks-3"

ADOPT_HINT = " (written by hand? `ledger adopt --dry-run` shows how it would be brought in)"
# A label with the colon inside the bold (`**Status:** Active`), as people write fields by hand.
_HAND_LABEL = re.compile(r"^\*\*[^*\n]+:\*\*", re.M)


def block_result(doc: ErrorsFile, error_id: str, config: Config, tz: tzinfo) -> BlockResult:
    """The facts and the own problems of one block (None and the parse error, if unreadable)."""
    return result_of(error_id, doc.block(error_id), doc.blocks[error_id].section, config, tz)


def result_of(error_id: str, block: Block, section: str, config: Config, tz: tzinfo) -> BlockResult:
    """`block_result` of an error's block, in `section`."""
    try:
        entry = read_entry(error_id, block, tz, "", 1, free_text=False)
    except ParseError as exc:
        hint = ADOPT_HINT if _HAND_LABEL.search(block.text()) else ""
        return None, ((exc.line, exc.code, exc.message + hint, False),)
    findings = chain(
        _placement(entry, section, block.heading),
        _fields(entry, config),
        _dates(entry),
        _history(entry),
        _fix_commit(entry),
    )
    found = tuple(
        (1 + ((block.line_of(field) or 0) if field else 0), code, message, warning)
        for code, field, message, warning in findings
    )
    summary: Summary = facts_of(entry)[1:]
    return summary, found


# What a rule found: its code, the field it is reported at (None: the heading), the message, and
# whether it is only a warning.
Finding = tuple[str, str | None, str, bool]


def _placement(entry: Entry, section: str, heading: str) -> Iterable[Finding]:
    """LDG103: the block sits in its Status's section, with the heading that Status calls for."""
    marked = heading.rstrip().endswith(RESOLVED_MARK.strip())
    if section != entry.status or marked != (entry.status == Status.RESOLVED):
        title = "Resolved Errors" if entry.status == Status.RESOLVED else "Active Errors"
        yield (
            "LDG103",
            None,
            f"{entry.id} has Status {entry.status.upper()}; its block belongs in '## {title}' "
            f"with heading '{error_heading(entry.id, entry.status == Status.RESOLVED)}' "
            "(`ledger check --fix` moves it)",
            False,
        )


def _fields(entry: Entry, config: Config) -> Iterable[Finding]:
    """LDG110 and LDG106: the fields a person fills in are filled, the Area a configured one."""
    for field, value in (("Area", entry.area), ("Description", entry.description)):
        if not value.strip():
            yield "LDG110", field, f"{entry.id} has no {field}; fill it in", False
    if config.areas and entry.area and entry.area not in config.areas:
        yield (
            "LDG106",
            "Area",
            f"area {entry.area!r} of {entry.id} is not one of the configured areas: "
            f"{', '.join(config.areas)}",
            False,
        )


def _dates(entry: Entry) -> Iterable[Finding]:
    """LDG111 and LDG107: the ID carries First Seen's date, and nothing comes before it."""
    first = entry.first_seen
    if first is not None and format_time(first)[:10] != entry.id[4:14]:
        yield (
            "LDG111",
            "First Seen",
            f"{entry.id} is dated {entry.id[4:14]} but was first seen {format_time(first)}; "
            "an ID carries the date of First Seen",
            False,
        )
    if first and entry.last_seen and entry.last_seen < first:
        yield "LDG107", "Last Seen", f"Last Seen of {entry.id} is before its First Seen", False
    if first and entry.resolved and entry.resolved < first:
        yield "LDG107", "Resolved", f"{entry.id} is resolved before it was first seen", False


def _history(entry: Entry) -> Iterable[Finding]:
    """LDG107, LDG108 and LDG109: the History is in time order, and Occurrences and Status
    agree with it."""
    events = entry.history
    if not events:
        return
    times = [e.at for e in events]
    if times != sorted(times):
        yield "LDG107", "History", f"the History of {entry.id} is not in time order", False
    counted = history.occurrences(events)
    if counted != entry.occurrences:
        yield (
            "LDG108",
            "Occurrences",
            f"Occurrences of {entry.id} is {entry.occurrences} but its History counts "
            f"{counted}; correct the number or the History",
            False,
        )
    states = [e.kind for e in events if e.kind != "seen" and e.kind != "linked"]
    expected = "resolved" if states and states[-1] == "resolved" else "active"
    if states and expected != entry.status:
        yield (
            "LDG109",
            "Status",
            f"{entry.id} is {entry.status.upper()} but its History ends "
            f"{'resolved' if expected == 'resolved' else 'open'}",
            False,
        )


def _fix_commit(entry: Entry) -> Iterable[Finding]:
    """LDG501 (a warning): a resolved error names the commit that fixed it."""
    if entry.status == Status.RESOLVED and not entry.fix_commit:
        yield (
            "LDG501",
            "Resolved",
            f"{entry.id} is resolved without a fix commit; give one with "
            "`ledger resolve --commit` or a `Fixes:` trailer",
            True,
        )
