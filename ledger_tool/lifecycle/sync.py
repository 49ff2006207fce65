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

from ledger_tool.files import store
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle.fixes import attach_fix, move_fix
from ledger_tool.lifecycle.transitions import reopen, resolve, template_of
from ledger_tool.model import history
from ledger_tool.model.commits import Fix, GitFacts, TrailerCommit
from ledger_tool.model.entry import events_of
from ledger_tool.model.history import Event
from ledger_tool.model.vocabulary import Status
from ledger_tool.workspace import Workspace

_RECORDED = re.compile(r"\n- \d{4}-\d\d-\d\d \d\d:\d\d (resolved|linked) by ([0-9a-f]{7,64})")

Step = Callable[[datetime], list[str]]


def revert_reason(sha: str) -> str:
    """The reason a reopening by a revert records (as `ledger reopen --reason` writes it)."""
    return f"fix reverted by {sha[:7]}"


def all_recorded(ws: Workspace, commits: Sequence[TrailerCommit]) -> bool:
    """True when every error a commit's trailers name already records that commit in its own
    block (a cheap look that spares parsing the ledger: the usual post-commit run; anything else
    goes through `sync`).  An ID with no block is left to `sync`, which ignores it too."""
    path = ws.path("errors")
    if not path.is_file():
        return False
    # History lines name them as `resolved by SHA` and `linked by SHA`
    text = store.read_text(path, ws.display("errors"))
    named = set(re.findall(r" by ([0-9a-f]{40})", text))
    return all(
        all(_names(text, error_id, commit.sha) for error_id in (*commit.fixes, *commit.refs))
        and all(f not in named or revert_reason(commit.sha) in text for f in commit.reverts)
        for commit in commits
    )


def _names(text: str, error_id: str, sha: str) -> bool:
    """True when the block of `error_id` names `sha` as `by SHA`, or when there is no such block
    (every `### ID` heading is looked at: one in a fenced example cannot hide the real one)."""
    heading = f"\n### {error_id}"
    found = False
    at = text.find(heading)
    while at >= 0:
        start = at + len(heading)
        if not text[start : start + 1].isdigit():  # not ERR-...-0012 for ERR-...-001
            found = True
            end = text.find("\n### ", start)
            if f" by {sha}" in text[start : len(text) if end < 0 else end]:
                return True
        at = text.find(heading, start)
    return not found


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
        recorded = _recorded_commits(self.ledger)
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

    def _steps(self, commit: TrailerCommit, recorded: set[tuple[str, str, str]]) -> list[Step]:
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
        recorded = _recorded_commits(self.ledger)
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


def _recorded_commits(ledger: Ledger) -> set[tuple[str, str, str]]:
    """(error ID, `resolved` or `linked`, SHA) of every commit the History lines already
    name: one pass over the file, so that sync reads no block it has nothing to do with."""
    blocks = ledger.errors.blocks
    refs = sorted((ref.start, error_id) for error_id, ref in blocks.items())
    starts = [start for start, _ in refs]
    found: set[tuple[str, str, str]] = set()
    for m in _RECORDED.finditer(ledger.errors.text):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0:
            found.add((refs[i][1], m.group(1), m.group(2)))
    return found
