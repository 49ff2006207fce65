"""`ledger check`: the rules the three files must follow together, each with a stable code.

The checks read texts and return problems; they never print and never change a file.  Every code is
documented, with an example, in docs/checks.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from hashlib import blake2b
from itertools import pairwise
from typing import NamedTuple

from ledger_tool.config import Config
from ledger_tool.exceptions import ParseError
from ledger_tool.files.errors_md import ID_RE, ErrorsFile
from ledger_tool.files.journal_md import ERROR_REF
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.files.wording import UNSHALLOW
from ledger_tool.markdown.outline import Outline, hidden_only, opener_name
from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model import history
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.model.trailers import words as trailer_words

# Only `TASK-ERR-...` tasks are the tool's; a user's own `TASK-2025-07-22-012` is theirs.
_TASK_LINE = re.compile(
    r"\n\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$"
    r"(?P<rest>(?:\n(?![ \t]*\r?$)[^\n]*)*)",
    re.M,
)
_TASK_STATUS = re.compile(r"\n\*\*Status\*\*:[ \t]*(\S*)")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    code: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {'warning: ' if self.warning else ''}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "message": self.message,
            "severity": "warning" if self.warning else "error",
        }


@dataclass(frozen=True)
class Sources:
    """The texts to check, each with the path it is reported under (None: the file is missing)."""

    errors: tuple[str, str]
    journal: tuple[str, str] | None
    tasks: tuple[str, str] | None
    archive: str = ""  # the journal archive, where old `|ERROR:...|` references still count


# Given fix-commit SHAs, the ones the repository does not have; None when there is no git to ask.
MissingCommits = Callable[[list[str]], set[str] | None]


# What checking one block found, kept between runs (keyed by the block's bytes and section):
# the facts the cross-file checks need, and the block's own problems with lines counted from 1 at
# its heading.
Summary = tuple[str, str, str, str, str, str | None]
BlockResult = tuple[Summary | None, tuple[tuple[int, str, str, bool], ...]]
CACHE_VERSION = "checks-3"


class Facts(NamedTuple):
    """What the checks across files need to know of an error (times in the file's form)."""

    id: str
    status: str
    severity: str
    area: str
    first_seen: str
    resolved: str
    fix_commit: str | None


def facts_of(entry: Entry) -> Facts:
    def stamp(when: datetime | None) -> str:
        return format_time(when) if when else ""

    return Facts(
        entry.id, entry.status, entry.severity, entry.area, stamp(entry.first_seen),
        stamp(entry.resolved), entry.fix_commit,
    )  # fmt: skip


def check(
    sources: Sources,
    config: Config,
    tz: tzinfo,
    missing: MissingCommits,
    shallow: Callable[[], bool] = lambda: False,
    cache: dict[bytes, BlockResult] | None = None,
) -> list[Problem]:
    """Every problem in the three files, sorted by file and line.

    `cache` (results of earlier runs, updated in place) spares re-reading unchanged blocks.
    """
    path, text = sources.errors
    try:
        doc = ErrorsFile(path, text, strict=False)
    except ParseError as exc:
        return [Problem(exc.path, exc.line, exc.code, exc.message + _adopt_hint(text))]
    problems = [
        Problem(p.path, p.line, p.code, p.message + (ADOPT_HINT if p.code == "LDG101" else ""))
        for p in doc.problems
    ]
    salt = f"{CACHE_VERSION}\0{config.timezone}\0{config.areas!r}\0".encode()
    fresh: dict[bytes, BlockResult] = {}
    entries: dict[str, Facts] = {}
    for error_id, ref in doc.blocks.items():
        digest = blake2b(
            salt + ref.section.encode() + text[ref.start : ref.stop].encode(), digest_size=16
        ).digest()
        result = cache.get(digest) if cache is not None else None
        if result is None:
            result = _block_result(doc, error_id, config, tz)
        fresh[digest] = result
        summary, found = result
        if found:
            first = doc.line_of(error_id) - 1
            problems += [
                Problem(path, first + line, code, msg, warn) for line, code, msg, warn in found
            ]
        if summary is not None:
            entries[error_id] = Facts(error_id, *summary)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    problems += _fix_commits(doc, entries, missing, shallow)
    problems += _table_problems(doc, entries)
    problems += _order_problems(doc, entries)
    problems += _journal_problems(doc, entries, sources)
    problems += _task_problems(doc, entries, sources)
    return sorted(problems)


ADOPT_HINT = " (written by hand? `ledger adopt --dry-run` shows how it would be brought in)"
_ADOPT_FILE_HINT = "; it holds entries written by hand: `ledger adopt --dry-run` shows how they would be brought in"
# A label with the colon inside the bold (`**Status:** Active`), as people write fields by hand.
_HAND_LABEL = re.compile(r"^\*\*[^*\n]+:\*\*", re.M)


def _adopt_hint(text: str) -> str:
    """Names `ledger adopt` when a file the ledger cannot read holds hand-written entries."""
    from ledger_tool.lifecycle.adopt_hand import find_entries
    from ledger_tool.markdown.outline import scan

    return _ADOPT_FILE_HINT if find_entries(scan(text), set()) else ""


def _block_result(doc: ErrorsFile, error_id: str, config: Config, tz: tzinfo) -> BlockResult:
    try:
        entry = read_entry(error_id, doc.block(error_id), tz, doc.path, 1, free_text=False)
    except ParseError as exc:
        hint = ADOPT_HINT if _HAND_LABEL.search(doc.block(error_id).text()) else ""
        return None, ((exc.line, exc.code, exc.message + hint, False),)
    found = tuple(
        (p.line, p.code, p.message, p.warning) for p in _entry_problems(doc, entry, config)
    )

    summary: Summary = facts_of(entry)[1:]
    return summary, found


def _entry_problems(doc: ErrorsFile, entry: Entry, config: Config) -> Iterable[Problem]:
    """Problems of one block by itself, with lines counted from 1 at its heading."""
    block = doc.block(entry.id)
    heading_line = 1

    def at(field: str | None = None) -> int:
        return heading_line + ((block.line_of(field) or 0) if field else 0)

    def problem(code: str, field: str | None, message: str, warning: bool = False) -> Problem:
        return Problem(doc.path, at(field), code, message, warning)

    section = doc.blocks[entry.id].section
    marked = block.heading.rstrip().endswith("(RESOLVED)")
    if section != entry.status or marked != (entry.status == "resolved"):
        title = "Resolved Errors" if entry.status == "resolved" else "Active Errors"
        yield problem(
            "LDG103",
            None,
            f"{entry.id} has Status {entry.status.upper()}; its block belongs in '## {title}' "
            f"with heading '### {entry.id}{' (RESOLVED)' if entry.status == 'resolved' else ''}' "
            "(`ledger check --fix` moves it)",
        )
    for field, value in (("Area", entry.area), ("Description", entry.description)):
        if not value.strip():
            yield problem("LDG110", field, f"{entry.id} has no {field}; fill it in")
    if config.areas and entry.area and entry.area not in config.areas:
        yield problem(
            "LDG106",
            "Area",
            f"area {entry.area!r} of {entry.id} is not one of the configured areas: "
            f"{', '.join(config.areas)}",
        )
    first = entry.first_seen
    if first is not None and format_time(first)[:10] != entry.id[4:14]:
        yield problem(
            "LDG111",
            "First Seen",
            f"{entry.id} is dated {entry.id[4:14]} but was first seen {format_time(first)}; "
            "an ID carries the date of First Seen",
        )
    if first and entry.last_seen and entry.last_seen < first:
        yield problem("LDG107", "Last Seen", f"Last Seen of {entry.id} is before its First Seen")
    if first and entry.resolved and entry.resolved < first:
        yield problem("LDG107", "Resolved", f"{entry.id} is resolved before it was first seen")
    events = entry.history
    if events:
        times = [e.at for e in events]
        if times != sorted(times):
            yield problem("LDG107", "History", f"the History of {entry.id} is not in time order")
        counted = history.occurrences(events)
        if counted != entry.occurrences:
            yield problem(
                "LDG108",
                "Occurrences",
                f"Occurrences of {entry.id} is {entry.occurrences} but its History counts "
                f"{counted}; correct the number or the History",
            )
        states = [e.kind for e in events if e.kind != "seen" and e.kind != "linked"]
        expected = "resolved" if states and states[-1] == "resolved" else "active"
        if states and expected != entry.status:
            yield problem(
                "LDG109",
                "Status",
                f"{entry.id} is {entry.status.upper()} but its History ends "
                f"{'resolved' if expected == 'resolved' else 'open'}",
            )
    if entry.status == "resolved" and not entry.fix_commit:
        yield problem(
            "LDG501",
            "Resolved",
            f"{entry.id} is resolved without a fix commit; give one with "
            "`ledger resolve --commit` or a `Fixes:` trailer",
            warning=True,
        )


def _fix_commits(
    doc: ErrorsFile, entries: dict[str, Facts], missing: MissingCommits, shallow: Callable[[], bool]
) -> Iterable[Problem]:
    shas = sorted({e.fix_commit for e in entries.values() if e.fix_commit})
    absent = missing(shas) if shas else set()
    if not absent:
        return
    in_shallow_clone = shallow()
    for entry in entries.values():
        if entry.fix_commit in absent:
            block = doc.block(entry.id)
            line = doc.line_of(entry.id) + (block.line_of("Fix Commit") or 0)
            where = f" (a shallow clone: {UNSHALLOW} to check it)" if in_shallow_clone else ""
            yield Problem(
                doc.path,
                line,
                "LDG502",
                f"fix commit {entry.fix_commit} of {entry.id} is not in this repository{where}",
                warning=in_shallow_clone,
            )


def expected_row(facts: Facts, link: str) -> list[str]:
    """The table cells the tool writes for an error."""
    return [
        facts.id,
        facts.first_seen,
        facts.status.upper(),
        facts.severity,
        encode(facts.area),
        link,
    ]


def _table_problems(doc: ErrorsFile, entries: dict[str, Facts]) -> Iterable[Problem]:
    if doc.rows_at is None:
        return
    rows_at = doc.rows_at
    columns = ("ID", "First seen", "Status", "Severity", "Affected area", "Link to fix")
    for error_id, entry in entries.items():
        if error_id not in doc.rows:
            yield Problem(
                doc.path,
                doc.outline.line_number(rows_at) - 2,  # the header line
                "LDG201",
                f"the table has no row for {error_id} (`ledger check --fix` adds it)",
            )
            continue
        row_start, row_end = doc.rows[error_id]
        want = expected_row(entry, "")
        fix = entry.fix_commit if entry.status == "resolved" else None
        row = doc.text[row_start:row_end].rstrip("\r\n")
        prefix = "| " + " | ".join(want[:5]) + " | "
        if (
            row.startswith(prefix)
            and (  # the usual case, without splitting the row
                row == prefix + " |" if fix is None else fix[:7] in row[len(prefix) :]
            )
        ):
            continue
        cells = doc.row_cells(error_id)
        for index, name in enumerate(columns[:5]):
            have = cells[index] if index < len(cells) else ""
            if decode(have) != decode(want[index]):  # `gpu[0]` as older versions wrote it
                yield Problem(
                    doc.path,
                    doc.outline.line_number(row_start),
                    "LDG203",
                    f"the row of {error_id} says {name} {have!r} but its block says "
                    f"{want[index]!r} (`ledger check --fix` rewrites the row)",
                )
        link = cells[5] if len(cells) > 5 else ""
        if (fix is None and link) or (fix is not None and fix[:7] not in link):
            yield Problem(
                doc.path,
                doc.outline.line_number(row_start),
                "LDG203",
                f"the row of {error_id} links {link or 'nothing'!r} but its fix commit is "
                f"{fix or 'none'} (`ledger check --fix` rewrites the row)",
            )
    for error_id, (start, _) in doc.rows.items():
        if error_id not in doc.blocks:
            yield Problem(
                doc.path,
                doc.outline.line_number(start),
                "LDG202",
                f"the table has a row for {error_id} but there is no block for it",
            )


def _order_problems(doc: ErrorsFile, entries: dict[str, Facts]) -> Iterable[Problem]:
    def key(error_id: str, section: str) -> tuple[str, str]:
        facts = entries[error_id]
        return (facts.resolved if section == "resolved" else facts.first_seen, error_id)

    for section, ids in doc.order.items():
        known = [i for i in ids if i in entries and entries[i].status == section]
        for newer, older in pairwise(known):
            if key(newer, section) < key(older, section):
                yield Problem(
                    doc.path,
                    doc.line_of(older),
                    "LDG204",
                    f"{older} should come before {newer}: the section is newest first "
                    "(`ledger check --fix` reorders it)",
                )
                break
    rows = [i for i in doc.rows if i in entries]
    for newer, older in pairwise(rows):
        if key(newer, "active") < key(older, "active"):
            yield Problem(
                doc.path,
                doc.outline.line_number(doc.rows[older][0]),
                "LDG204",
                f"the row of {older} should come before {newer}: the table is newest first "
                "(`ledger check --fix` reorders it)",
            )
            break


def _journal_problems(
    doc: ErrorsFile, entries: dict[str, Facts], sources: Sources
) -> Iterable[Problem]:
    if sources.journal is None:
        return
    path, text = sources.journal
    outline = hidden_only(text)
    found: set[str] = set(ERROR_REF.findall(sources.archive))
    for m in ERROR_REF.finditer(text):
        if outline.is_hidden(m.start()):
            continue
        found.add(m.group(1))
        # only an entry's heading claims an error; a mention in prose is the user's
        line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if m.group(1) not in doc.blocks and line.lstrip(" ").startswith("#"):
            yield Problem(
                path,
                outline.line_number(m.start()),
                "LDG302",
                f"|ERROR:{m.group(1)}| names no error in {doc.path}; `ledger adopt` creates "
                "it from this journal entry (`ledger adopt --dry-run` shows what it would do)",
            )
    hidden = _hidden_claims(outline, ERROR_REF, entries.keys() - found, heading_only=True)
    yield from _hiding_problems(path, outline, hidden, "LDG303", "LDG301", "journal entry")
    for error_id in entries:
        if error_id not in found and error_id not in hidden:
            yield Problem(
                doc.path,
                doc.line_of(error_id),
                "LDG301",
                f"{error_id} has no journal entry (|ERROR:{error_id}|) in {path} "
                "(`ledger check --fix` adds one)",
            )


def _task_problems(
    doc: ErrorsFile, entries: dict[str, Facts], sources: Sources
) -> Iterable[Problem]:
    if sources.tasks is None:
        return
    path, text = sources.tasks
    outline = hidden_only(text)
    found: set[str] = set()
    for m in _TASK_LINE.finditer("\n" + text):
        at = m.start()
        if outline.is_hidden(at):
            continue
        error_id = m.group(1)
        found.add(error_id)
        if error_id not in doc.blocks:
            yield Problem(
                path,
                outline.line_number(at),
                "LDG402",
                f"task TASK-{error_id} names no error in {doc.path}",
            )
            continue
        entry = entries.get(error_id)
        status = _TASK_STATUS.search(m.group("rest"))
        want = "COMPLETE" if entry is not None and entry.status == "resolved" else "IN_PROGRESS"
        if entry is not None and status is not None and status.group(1) != want:
            yield Problem(
                path,
                outline.line_number(at),
                "LDG403",
                f"task TASK-{error_id} is {status.group(1)} but {error_id} is "
                f"{entry.status.upper()}; it should be {want} (`ledger check --fix` sets it)",
            )
    for error_id, at in TasksFile(path, text, strict=False).headless():
        yield Problem(
            path,
            outline.line_number(at),
            "LDG405",
            f"the task TASK-{error_id} has no `## ` heading of its own (deleted by hand?), so "
            f"commands cannot tell its lines from the task above; put `## TASK-{error_id}` back "
            "on the line above its Task ID",
        )
    hidden = _hidden_claims(outline, _TASK_ID, entries.keys() - found, heading_only=False)
    yield from _hiding_problems(path, outline, hidden, "LDG404", "LDG401", "task")
    for error_id in entries:
        if error_id not in found and error_id not in hidden:
            yield Problem(
                doc.path,
                doc.line_of(error_id),
                "LDG401",
                f"{error_id} has no task (TASK-{error_id}) in {path} (`ledger check --fix` adds one)",
            )


_TASK_ID = re.compile(r"^\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$", re.M)


def _hidden_claims(
    outline: Outline, pattern: re.Pattern[str], missing: Iterable[str], heading_only: bool
) -> dict[str, int]:
    """Where a fence or comment hides the entry (or task) of an error that has none in sight:
    the offset of each hidden claim, by error ID."""
    wanted = set(missing)
    text = outline.text
    found: dict[str, int] = {}
    if not wanted or not outline.hidden:
        return found
    for m in pattern.finditer(text):
        error_id = m.group(1)
        if error_id not in wanted or error_id in found or not outline.is_hidden(m.start()):
            continue
        line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if not heading_only or line.lstrip(" ").startswith("#"):
            found[error_id] = m.start()
    return found


def _hiding_problems(
    path: str, outline: Outline, hidden: dict[str, int], unclosed_code: str, code: str, what: str
) -> Iterable[Problem]:
    """A fence or comment never closed (it hides the rest of the file, and commands refuse to
    write below it), and each one that hides an error's only `what`, at the line that opens it."""
    text = outline.text
    if outline.unclosed is not None:
        start = outline.unclosed
        name = opener_name(text, start)
        ids = sorted(i for i, at in hidden.items() if at >= start)
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            hides = f"it hides the {what} of {shown}"
        else:
            hides = f"it hides the rest of the file, where a new {what} would go"
        yield Problem(
            path,
            outline.line_number(start),
            unclosed_code,
            f"the {name} opened here is never closed; {hides}; close it",
        )
    for error_id, at in sorted(hidden.items(), key=lambda item: item[1]):
        opener = outline.hider(at)
        if opener is None or opener == outline.unclosed:
            continue
        name = opener_name(text, opener)
        yield Problem(
            path,
            outline.line_number(opener),
            code,
            f"the {name} opened here hides the {what} of {error_id} "
            f"(line {outline.line_number(at)}); move it out of the {name}",
        )


def trailer_problems(
    doc: ErrorsFile | None, trailers: dict[str, list[str]]
) -> tuple[list[str], list[str], list[str]]:
    """For a commit message's `Fixes:`/`Refs:` trailer values: the `Key: ID` that name no error,
    the IDs a `Fixes:` names that are already resolved (allowed: amending a fix), and the IDs of
    the active errors (to list in the refusal).  `Fixes: #12` and the like are not the ledger's;
    an ERR-word that is no ID (`ERR-2026-11-20-001-typo`) names no error, as for sync."""
    known = doc.blocks if doc is not None else {}
    unknown: list[str] = []
    resolved: list[str] = []
    for key, values in trailers.items():
        for value in values:
            for token in trailer_words(value):
                if not ID_RE.fullmatch(token):
                    unknown.append(f"{key}: {token} (not an ID: ERR-YYYY-MM-DD-NNN)")
                elif token not in known:
                    unknown.append(f"{key}: {token}")
                elif key == "Fixes" and known[token].section == "resolved":
                    resolved.append(token)
    return unknown, resolved, doc.order["active"] if doc is not None else []
