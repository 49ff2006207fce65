"""`ledger sync`: record what commits say.  `Fixes: ID` resolves an active error with that commit,
`Refs: ID` links it, and a `git revert` of a recorded fix reopens its error.

Idempotent per error and trailer: a fix commit that was amended or rebased (no branch holds it any
more) is followed to its new SHA, not recorded twice.  Git is asked through `GitFacts` only for
the commits a change needs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from hashlib import sha256
from typing import NamedTuple

from ledger_tool.exceptions import ParseError
from ledger_tool.files import store
from ledger_tool.files.cache import Memory
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle.fixes import attach_fix, move_fix
from ledger_tool.lifecycle.transitions import reopen, resolve, template_of
from ledger_tool.model import history
from ledger_tool.model.commits import Fix, GitFacts, TrailerCommit
from ledger_tool.model.entry import events_of
from ledger_tool.model.history import Event
from ledger_tool.model.vocabulary import Status
from ledger_tool.workspace import Workspace

# A History line that records a commit (`resolved by SHA`, `linked by SHA`) or a reopening's
# reason (`reopened: fix reverted by SHA`): what the line says, as (kind, SHA or reason).
_RECORDED = re.compile(
    r"\n- \d{4}-\d\d-\d\d \d\d:\d\d (?:(resolved|linked) by ([0-9a-f]{7,64})|(reopened): ([^\r\n]*))"
)
_EVENT_LINE = re.compile(r"[ \t]*- \d{4}-\d\d-\d\d \d\d:\d\d ")
_HISTORY_LABEL = re.compile(r"(?:[-*] )?\*\*[ \t]*history[ \t]*\*\*:", re.I)
# (error ID, `resolved`, `linked` or `reopened`, the SHA or the reopening's reason)
Recorded = set[tuple[str, str, str]]

Step = Callable[[datetime], list[str]]


def revert_reason(sha: str) -> str:
    """The reason a reopening by a revert records (as `ledger reopen --reason` writes it)."""
    return f"fix reverted by {sha[:7]}"


class Records(NamedTuple):
    """What ERRORS.md's blocks record, read once per version of the file: the IDs that head a
    block, and each History line's record (`Recorded`)."""

    ids: frozenset[str]
    lines: frozenset[tuple[str, str, str]]


def all_recorded(ws: Workspace, commits: Sequence[TrailerCommit]) -> bool:
    """True when every error a commit's trailers name already records that commit in the
    History of its own block, and every revert of a recorded fix its reopening: the usual
    post-commit run, which then reads no entry (and the file once per version of it); anything
    else goes through `sync`.  An ID with no block is left to `sync`, which ignores it too; the
    same words in a person's prose or a fenced example record nothing."""
    path = ws.path("errors")
    if not path.is_file():
        return False
    text = store.read_text(path, ws.display("errors"))
    memory = Memory(ws, "sync")  # the file changes far less often than commits are made
    key = sha256(b"records-1\0" + text.encode()).digest()[:16]
    records = memory.recorded.get(key)
    if not isinstance(records, Records):
        try:
            errors = ErrorsFile(ws.display("errors"), text, strict=False)
        except ParseError:
            return False  # sync says what is wrong
        records = Records(frozenset(errors.blocks), frozenset(recorded_commits(errors)))
        memory.recorded = {key: records}
        memory.save()
    return _covers(commits, records)


def _covers(commits: Sequence[TrailerCommit], records: Records) -> bool:
    by_error: dict[str, set[str]] = {}
    reasons = set()
    for error_id, kind, value in records.lines:
        if kind == "reopened":
            reasons.add(value)
        else:
            by_error.setdefault(error_id, set()).add(value)
    named = set().union(*by_error.values())
    return all(
        all(
            error_id not in records.ids or commit.sha in by_error.get(error_id, ())
            for error_id in (*commit.fixes, *commit.refs)
        )
        and all(f not in named or revert_reason(commit.sha) in reasons for f in commit.reverts)
        for commit in commits
    )


@dataclass
class Synced:
    """What `sync` did, and what git could not tell it."""

    changes: list[str] = field(default_factory=list)  # one line per change
    # fix commits recorded without the files they changed (a shallow clone lacks their parent)
    without_files: list[str] = field(default_factory=list)
    # recorded fix commits a shallow clone lacks: whether they were rewritten is not known, so
    # their record is kept
    unverified: list[str] = field(default_factory=list)


def sync(ledger: Ledger, commits: Sequence[TrailerCommit], facts: GitFacts) -> Synced:
    """Record what `commits` (oldest first) say in the ledger."""
    return _Sync(ledger, facts).run(commits)


class _Sync:
    """One run of `sync`: the ledger it changes, the git it asks, what it did so far."""

    def __init__(self, ledger: Ledger, facts: GitFacts) -> None:
        self.ledger = ledger
        self.facts = facts
        self.done = Synced()

    def run(self, commits: Sequence[TrailerCommit]) -> Synced:
        recorded = recorded_commits(self.ledger.errors)
        changed = False  # settled lazily: a last (or only) change costs no parse
        for commit in commits:
            at = commit.when.astimezone(self.ledger.ws.tz).replace(second=0, microsecond=0)
            if changed:
                self.ledger.settle()  # the next step reads what the last one wrote
                changed = False
            for step in self._steps(commit, recorded):
                if changed:
                    self.ledger.settle()
                done = step(at)
                self.done.changes += done
                changed = bool(done)
        return self.done

    def _steps(self, commit: TrailerCommit, recorded: Recorded) -> list[Step]:
        """What one commit may change, in order: each step changes one error (or nothing)."""
        sha = commit.sha
        blocks = self.ledger.errors.blocks
        steps: list[Step] = []
        for error_id in dict.fromkeys(commit.fixes):
            if error_id in blocks and (error_id, "resolved", sha) not in recorded:
                steps.append(partial(self._fix, error_id, sha))
        for error_id in dict.fromkeys(commit.refs):
            if error_id in blocks and (error_id, "linked", sha) not in recorded:
                steps.append(partial(self._ref, error_id, sha))
        for fix in commit.reverts:
            steps.append(partial(self._revert, fix, sha))
        return steps

    def _fix_of(self, sha: str) -> Fix:
        fix = self.facts.fix(sha)
        if fix.files is None:
            self.done.without_files.append(fix.sha)
        return fix

    def _orphaned(self, sha: str) -> bool:
        found = self.facts.orphaned(sha)
        if found is None:  # a shallow clone may just lack it: keep the record as it is
            self.done.unverified.append(sha)
        return bool(found)

    def _fix(self, error_id: str, sha: str, at: datetime) -> list[str]:
        entry = self.ledger.entry(error_id)
        events = events_of(entry)
        resolutions = [e for e in events if e.kind == "resolved"]
        if any(e.commit == sha for e in resolutions):
            return []
        if entry.status == Status.ACTIVE:
            start = history.episode_start(events)
            if start is not None and at < start:
                return []  # a fix from before the error came back
            resolve(self.ledger, error_id, at, self._fix_of(sha))
            return [f"{error_id}: resolved by {sha[:7]}"]
        if not entry.fix_commit and not any(e.commit for e in resolutions):
            attach_fix(self.ledger, entry, self._fix_of(sha))  # resolved by hand (or adopted)
            return [f"{error_id}: fix commit {sha[:7]} recorded"]
        last = resolutions[-1] if resolutions else None
        if last is None or last.commit is None or not self._orphaned(last.commit):
            return []
        move_fix(self.ledger, entry, events, last, self._fix_of(sha))
        return [f"{error_id}: fix commit {last.commit[:7]} was rewritten; now {sha[:7]}"]

    def _revert(self, fix: str, sha: str, at: datetime) -> list[str]:
        """A revert of commit `fix` (git's "This reverts commit ..." line) reopens each error
        that `fix` resolved and still stands as its fix, once: the reason names the revert."""
        reason = revert_reason(sha)
        changes: list[str] = []
        recorded = recorded_commits(self.ledger.errors)
        fixed = sorted({e for e, kind, c in recorded if (kind, c) == ("resolved", fix)})
        for error_id in fixed:
            if changes:
                self.ledger.settle()  # the next reopen reads what the last one wrote
            entry = self.ledger.entry(error_id)
            if entry.status != Status.RESOLVED or entry.fix_commit != fix:
                continue
            if any(e.kind == "reopened" and e.note == reason for e in events_of(entry)):
                continue  # this revert reopened it already (and it was resolved again by hand)
            reopen(self.ledger, error_id, max(filter(None, [at, entry.resolved])), reason)
            changes.append(f"{error_id}: reopened, its fix {fix[:7]} was reverted by {sha[:7]}")
        return changes

    def _ref(self, error_id: str, sha: str, at: datetime) -> list[str]:
        ledger = self.ledger
        entry = ledger.entry(error_id)
        events = events_of(entry)
        links = [e for e in events if e.kind == "linked"]
        if any(e.commit == sha for e in links):
            return []
        stale = next((e for e in links if e.commit and self._orphaned(e.commit)), None)
        if stale is not None:
            events = [replace(e, commit=sha) if e is stale else e for e in events]
        else:
            events = history.add(events, Event(at, "linked", commit=sha))
        block = ledger.errors.block(error_id)
        values = {"History": history.render_events(events)}
        ledger.shape(block, template_of(entry), values, complete=False)
        ledger.errors.put(error_id, block, entry.status, ledger.sort_key(entry))
        return [f"{error_id}: linked {sha[:7]}"]


def recorded_commits(errors: ErrorsFile) -> Recorded:
    """What the History lines of the blocks record: (error ID, `resolved` or `linked`, SHA) of
    each commit, (error ID, `reopened`, reason) of each reopening with a reason.  One pass over
    the file, so that sync reads no block it has nothing to do with; a line that only looks like
    one (in a fence, a comment, a person's notes after the History) records nothing."""
    text = errors.text
    refs = sorted(errors.blocks.values(), key=lambda ref: ref.start)
    starts = [ref.start for ref in refs]
    found: Recorded = set()
    for m in _RECORDED.finditer(text):
        line = m.start() + 1
        i = bisect_right(starts, line) - 1
        if i < 0 or errors.outline.is_hidden(line):
            continue
        ref = refs[i]
        if line < ref.end and _in_history(text, line, ref.start):
            found.add((ref.id, m[1] or m[3], m[2] or m[4]))
    return found


def _in_history(text: str, line: int, floor: int) -> bool:
    """Whether the line at `line` continues a History field: only event lines lie between it
    and the field's label (above `floor`, its block's heading)."""
    at = line
    while True:
        start = text.rfind("\n", 0, at - 1) + 1
        if start <= floor:
            return False
        previous = text[start : at - 1]
        if _HISTORY_LABEL.match(previous):
            return True
        if not _EVENT_LINE.match(previous):
            return False
        at = start
