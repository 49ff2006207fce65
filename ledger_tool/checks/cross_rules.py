"""The rules between ERRORS.md and what else names its errors: every error has a journal entry
(LDG3xx) and a task (LDG4xx), each of those names an error, no fence or comment hides them, and
each fix commit is in the repository (LDG502).

Only a journal entry's heading and a task's `**Task ID**` line claim an error; a mention in prose
is the user's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ledger_tool.checks.facts import Facts
from ledger_tool.checks.problem import Problem
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.files.wording import UNSHALLOW
from ledger_tool.markdown.outline import Outline, hidden_only, opener_name
from ledger_tool.model.vocabulary import ANY_TASK, ERROR_REF, ID_PATTERN, TASK_ID_LINE, Status

# Only `TASK-ERR-...` tasks are the tool's; a user's own `TASK-2025-07-22-012` is theirs.
_TASK_LINE = re.compile(
    r"\n\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$"
    r"(?P<rest>(?:\n(?![ \t]*\r?$)[^\n]*)*)",
    re.M,
)
_TASK_STATUS = re.compile(r"\n\*\*Status\*\*:[ \t]*(\S*)")
# _TASK_LINE and the first _TASK_STATUS of its paragraph at once, for `_claims_in_order`:
# (error ID, "\n**Status**:" if the paragraph has one, the status), found in C.
_TASK_AND_STATUS = re.compile(
    r"\n\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$"
    r"(?:\n(?![ \t]*\r?$)(?!\*\*Status\*\*:)[^\n]*)*"
    r"(?:(\n\*\*Status\*\*:)[ \t]*(\S*)[^\n]*)?(?:\n(?![ \t]*\r?$)[^\n]*)*",
    re.M,
)
# An error task's Task ID line right under a `## ` heading: a task with a heading of its own.
_OWN_HEADING_TASK = re.compile(
    r"\n {0,3}##(?:[ \t][^\n]*|\r?)" + TASK_ID_LINE.format(id=ID_PATTERN), re.M
)
_TASK_ID = re.compile(r"^\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$", re.M)

# Given fix-commit SHAs, the ones the repository does not have; None when there is no git to ask.
MissingCommits = Callable[[list[str]], set[str] | None]


class _Claim(NamedTuple):
    """How JOURNAL.md or TASKS.md claims an error, and the codes of an error it does not claim."""

    what: str  # the thing each error needs there
    form: str  # how it names the error
    pattern: re.Pattern[str]  # finds a claim, the error's ID in group 1
    heading_only: bool  # only a claim on a heading line counts
    code: str  # no claim in sight, or a closed fence or comment hides the only one
    unclosed_code: str  # a fence or comment never closed


_JOURNAL = _Claim("journal entry", "|ERROR:{}|", ERROR_REF, True, "LDG301", "LDG303")
_TASKS = _Claim("task", "TASK-{}", _TASK_ID, False, "LDG401", "LDG404")


def fix_commit_problems(
    doc: ErrorsFile, entries: dict[str, Facts], missing: MissingCommits, shallow: Callable[[], bool]
) -> Iterable[Problem]:
    """LDG502: a fix commit the repository does not have (only a warning in a shallow clone,
    which may just not reach it)."""
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


def journal_problems(
    doc: ErrorsFile, entries: dict[str, Facts], journal: tuple[str, str] | None, archive: str
) -> Iterable[Problem]:
    """LDG301-LDG303 for the journal (`path, text`; None: there is none); an entry in the
    archive counts too."""
    if journal is None:
        return
    path, text = journal
    outline = hidden_only(text)
    found: set[str] = set(ERROR_REF.findall(archive))
    for m in ERROR_REF.finditer(text):
        if outline.is_hidden(m.start()):
            continue
        found.add(m.group(1))
        if m.group(1) not in doc.blocks and _on_heading(text, m.start()):
            yield Problem(
                path,
                outline.line_number(m.start()),
                "LDG302",
                f"|ERROR:{m.group(1)}| names no error in {doc.path}; `ledger adopt` creates "
                "it from this journal entry (`ledger adopt --dry-run` shows what it would do)",
            )
    yield from _unclaimed(doc, entries, path, outline, found, _JOURNAL)


def task_problems(
    doc: ErrorsFile, entries: dict[str, Facts], tasks: tuple[str, str] | None
) -> Iterable[Problem]:
    """LDG401-LDG405 for the tasks (`path, text`; None: there are none)."""
    if tasks is None:
        return
    tasks_file = TasksFile(*tasks, strict=False)
    found = _claims_in_order(doc, entries, tasks_file)
    if found is None:
        yield from task_problems_one_by_one(doc, entries, tasks_file)
    else:
        yield from _unclaimed(doc, entries, tasks_file.path, tasks_file.outline, found, _TASKS)


def task_problems_one_by_one(
    doc: ErrorsFile, entries: dict[str, Facts], tasks: TasksFile
) -> Iterable[Problem]:
    """`task_problems`, task by task: how a file with a problem in it is read (and the
    reference that the usual file's quicker reading is tested against)."""
    path, outline = tasks.path, tasks.outline
    found: set[str] = set()
    for m in _TASK_LINE.finditer("\n" + tasks.text):
        if outline.is_hidden(m.start()):
            continue
        found.add(m.group(1))
        yield from _one_task(doc, entries, path, outline, m)
    for error_id, at in tasks.headless():
        yield Problem(
            path,
            outline.line_number(at),
            "LDG405",
            f"the task TASK-{error_id} has no `## ` heading of its own (deleted by hand?), so "
            f"commands cannot tell its lines from the task above; put `## TASK-{error_id}` back "
            "on the line above its Task ID",
        )
    yield from _unclaimed(doc, entries, path, outline, found, _TASKS)


def _claims_in_order(
    doc: ErrorsFile, entries: dict[str, Facts], tasks: TasksFile
) -> set[str] | None:
    """The errors TASKS.md claims, when nothing hides a task and no task breaks LDG402, LDG403
    or LDG405 (the usual file, read by three regex passes instead of a loop over its tasks);
    None when there may be a problem to report, for `task_problems_one_by_one` to find it."""
    if tasks.outline.hidden:
        return None
    text = tasks.text
    padded = "\n" + text
    if len(ANY_TASK.findall(padded)) != len(_OWN_HEADING_TASK.findall(padded)):
        return None  # a task without a heading of its own (LDG405)
    found: set[str] = set()
    for error_id, has_status, status in _TASK_AND_STATUS.findall(padded):
        if error_id not in doc.blocks:
            return None  # LDG402
        entry = entries.get(error_id)
        if entry is not None and has_status:
            want = "COMPLETE" if entry.status == Status.RESOLVED else "IN_PROGRESS"
            if status != want:
                return None  # LDG403
        found.add(error_id)
    return found


def _one_task(
    doc: ErrorsFile, entries: dict[str, Facts], path: str, outline: Outline, task: re.Match[str]
) -> Iterable[Problem]:
    """LDG402 and LDG403: a task names an error, and is COMPLETE exactly when it is resolved
    (`task` is a match of _TASK_LINE in the text after a newline)."""
    error_id = task.group(1)
    if error_id not in doc.blocks:
        yield Problem(
            path,
            outline.line_number(task.start()),
            "LDG402",
            f"task TASK-{error_id} names no error in {doc.path}",
        )
        return
    entry = entries.get(error_id)
    status = _TASK_STATUS.search(task.group("rest"))
    want = "COMPLETE" if entry is not None and entry.status == Status.RESOLVED else "IN_PROGRESS"
    if entry is not None and status is not None and status.group(1) != want:
        yield Problem(
            path,
            outline.line_number(task.start()),
            "LDG403",
            f"task TASK-{error_id} is {status.group(1)} but {error_id} is "
            f"{entry.status.upper()}; it should be {want} (`ledger check --fix` sets it)",
        )


def _unclaimed(
    doc: ErrorsFile,
    entries: dict[str, Facts],
    path: str,
    outline: Outline,
    found: set[str],
    claim: _Claim,
) -> Iterable[Problem]:
    """The errors the file does not claim in sight: where a fence or comment hides the claim,
    at the line that opens it; otherwise at the error's heading."""
    hidden = _hidden_claims(outline, claim, entries.keys() - found)
    yield from _hiding_problems(path, outline, hidden, claim)
    for error_id in entries:
        if error_id not in found and error_id not in hidden:
            yield Problem(
                doc.path,
                doc.line_of(error_id),
                claim.code,
                f"{error_id} has no {claim.what} ({claim.form.format(error_id)}) in {path} "
                "(`ledger check --fix` adds one)",
            )


def _on_heading(text: str, at: int) -> bool:
    """Whether the line `at` is on, up to `at`, opens a heading."""
    return text[text.rfind("\n", 0, at) + 1 : at].lstrip(" ").startswith("#")


def _hidden_claims(outline: Outline, claim: _Claim, missing: Iterable[str]) -> dict[str, int]:
    """Where a fence or comment hides the entry (or task) of an error that has none in sight:
    the offset of each hidden claim, by error ID."""
    wanted = set(missing)
    text = outline.text
    found: dict[str, int] = {}
    if not wanted or not outline.hidden:
        return found
    for m in claim.pattern.finditer(text):
        error_id = m.group(1)
        if error_id not in wanted or error_id in found or not outline.is_hidden(m.start()):
            continue
        if not claim.heading_only or _on_heading(text, m.start()):
            found[error_id] = m.start()
    return found


def _hiding_problems(
    path: str, outline: Outline, hidden: dict[str, int], claim: _Claim
) -> Iterable[Problem]:
    """A fence or comment never closed (it hides the rest of the file, and commands refuse to
    write below it), and each one that hides an error's only claim, at the line that opens it."""
    text = outline.text
    what = claim.what
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
            claim.unclosed_code,
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
            claim.code,
            f"the {name} opened here hides the {what} of {error_id} "
            f"(line {outline.line_number(at)}); move it out of the {name}",
        )
