"""The error lifecycle across the three files: open, see, note, resolve, reopen, and reading.

A `Ledger` is the three files as one command read them (under the lock, for a change).  Its methods
take plain values (times already in the configured zone, commit facts already read from git) and
collect edits; `changes()` returns the new texts to write.  Nothing here prints or reads the clock.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_tool.exceptions import LedgerError, ParseError
from ledger_tool.files import store, wording
from ledger_tool.files.errors_md import ID_RE, ErrorsFile
from ledger_tool.files.journal_md import (
    ERROR_REF,
    JournalFile,
    archive,
    archive_header,
    merge_archive,
)
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.markdown.block import Block, Slot, layout_of
from ledger_tool.markdown.textcodec import encode, markdown_link
from ledger_tool.model import history
from ledger_tool.model.entry import Entry, events_of, read_entry
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, format_time
from ledger_tool.model.vocabulary import NOTE_FIELDS
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.gitlink.gitio import TrailerCommit

SEVERITIES = ("P0", "P1")
# Error fields the task mirrors under the same name.
TASK_MIRROR = ("Impact", "Root Cause", "Dependencies", "Workarounds")
_NUMBER = re.compile(r"\d{3,}")
_JOURNAL_HEADING = re.compile(
    r"^ {0,3}### +(?P<title>[^\n]*?\|ERROR:(?P<id>ERR-\d{4}-\d\d-\d\d-\d{3,})\|)[ \t]*\r?$", re.M
)
_RECORDED = re.compile(r"\n- \d{4}-\d\d-\d\d \d\d:\d\d (resolved|linked) by ([0-9a-f]{7,64})")


@dataclass(frozen=True)
class Fix:
    """What `resolve` records about the fix commit (read from git by the caller)."""

    sha: str
    subject: str
    files: tuple[tuple[str, int, int], ...] | None  # (path, added, deleted); None: not known
    url: str  # commit page, or "" when the remote is not a known web host


class Ledger:
    """The three files as read for one command, and the edits it makes to them."""

    def __init__(self, ws: Workspace, errors_text: str | None = None, strict: bool = True) -> None:
        """Read the ledger; `errors_text` stands in for ERRORS.md as a command rewrites it
        (`ledger adopt`), the file on disk being what `changes()` compares with.  Without
        `strict`, a malformed heading or a repeated ID is set aside in `errors.problems` (as
        `ledger check` reads the file) instead of refused."""
        self.ws = ws
        path = ws.path("errors")
        if not path.is_file() and errors_text is None:
            raise LedgerError(
                f"no {ws.display('errors')} in {ws.root}; run `ledger init` to create the ledger"
            )
        on_disk = store.read_text(path, ws.display("errors")) if path.is_file() else ""
        text = on_disk if errors_text is None else errors_text
        self.errors = ErrorsFile(ws.display("errors"), text, strict)
        self._errors_on_disk = on_disk
        self._moved: list[tuple[Path, str]] = []  # journal entries this command archives
        self._journal: JournalFile | None = None
        self._tasks: TasksFile | None = None
        self._side_read: dict[str, str] = {}  # journal and tasks as first read, for `changes()`

    # -- reading ----------------------------------------------------------------------------

    def _side_text(self, name: str) -> str:
        path = self.ws.path(name)
        if path.is_file():
            return store.read_text(path, self.ws.display(name))
        from ledger_tool.files.templates import read_packaged

        return read_packaged(f"{name.upper()}.md")

    @property
    def journal(self) -> JournalFile:
        if self._journal is None:
            self._journal = JournalFile(self.ws.display("journal"), self._side_text("journal"))
            self._side_read["journal"] = self._journal.text
        return self._journal

    @property
    def tasks(self) -> TasksFile:
        if self._tasks is None:
            self._tasks = TasksFile(self.ws.display("tasks"), self._side_text("tasks"))
            self._side_read["tasks"] = self._tasks.text
        return self._tasks

    def unknown(self, error_id: str) -> LedgerError:
        day = error_id[4:14]
        same_day = [i for i in self.errors.blocks if i[4:14] == day]
        active = self.errors.order["active"]
        if same_day:
            hint = f"errors of {day}: {' '.join(same_day)}"
        elif active:
            hint = f"active errors: {' '.join(active[:10])}" + (" ..." if len(active) > 10 else "")
        else:
            hint = "the ledger has no active errors; `ledger list` shows them all"
        return LedgerError(f"no error {error_id}; {hint}")

    def entry(self, error_id: str, free_text: bool = True) -> Entry:
        """An error as its block says (without `free_text`, its free-text fields stay unread)."""
        if error_id not in self.errors.blocks:
            raise self.unknown(error_id.upper() if ID_RE.fullmatch(error_id.upper()) else error_id)
        try:
            block = self.errors.block(error_id)
            return read_entry(error_id, block, self.ws.tz, self.errors.path, 1, free_text)
        except ParseError as exc:  # its line counts from the block's heading
            line = self.errors.line_of(error_id) + exc.line - 1
            raise ParseError(exc.path, line, exc.message, exc.code) from None

    def entries(
        self, free_text: bool = True, cache: dict[bytes, Entry] | None = None
    ) -> list[Entry]:
        """Every error, in file order.  `cache` (entries read by earlier runs, keyed by their
        block's bytes; updated in place) spares reading the blocks that did not change."""
        if cache is None:
            return [self.entry(i, free_text) for i in self.errors.blocks]
        salt = f"entries-2\0{free_text}\0{self.ws.config.timezone}\0".encode()
        text = self.errors.text
        fresh: dict[bytes, Entry] = {}
        for error_id, ref in self.errors.blocks.items():
            data = salt + text[ref.start : ref.stop].encode()
            key = blake2b(data, digest_size=16).digest()
            fresh[key] = cache.get(key) or self.entry(error_id, free_text)
        cache.clear()
        cache.update(fresh)
        return list(fresh.values())

    # -- writing ----------------------------------------------------------------------------

    def changes(self) -> dict[Path, str]:
        """New texts of every file this command changed (verified to parse again)."""
        out: dict[Path, str] = {}
        if self._journal is not None:
            text = self._journal.render()
            if text != self._side_read["journal"] or not self.ws.path("journal").exists():
                out.update(self._archived(text))
        new_errors = self._relinked(self.errors.render())
        if new_errors != self._errors_on_disk:
            self.errors.verify_edits()
            out[self.ws.path("errors")] = new_errors
        if self._tasks is not None:
            text = self._tasks.render()
            if text != self._side_read["tasks"] or not self.ws.path("tasks").exists():
                out[self.ws.path("tasks")] = text
        return out

    def _settle(self) -> None:
        """Fold the edits made so far into fresh parses of the files.

        Edits are offsets into the text they were computed from, so a second change to one block
        computed against the same parse would read the block as it was and overlap the first
        edit.  A command that makes several changes (`sync`) settles between them: each change
        then reads what the previous one wrote."""
        self.errors.verify_edits()
        self.errors = ErrorsFile(self.errors.path, self.errors.render(), self.errors.strict)
        if self._journal is not None:
            self._journal = JournalFile(self._journal.path, self._journal.render())
        if self._tasks is not None:
            self._tasks = TasksFile(self._tasks.path, self._tasks.render())

    def _relinked(self, errors_text: str) -> str:
        """Point Journal Entry links at the archive file that journal entries just moved to."""
        for path, chunk in self._moved:
            for m in _JOURNAL_HEADING.finditer(chunk):
                old = self._link_to(self.ws.path("journal"), m.group("title"))
                if old in errors_text:
                    errors_text = errors_text.replace(old, self._link_to(path, m.group("title")))
        return errors_text

    def _archived(self, journal_text: str) -> dict[Path, str]:
        """The journal, and the monthly archive files that whole old entries move to."""
        kept, moved = archive(journal_text, self.ws.config.journal_max_lines)
        out = {self.ws.path("journal"): kept}
        newline = self.journal.newline
        for month, chunks in moved.items():
            path = self.ws.archive_dir / f"{month}.md"
            old = store.read_text(path, str(path)) if path.exists() else archive_header(month)
            out[path] = merge_archive(old, chunks, newline, str(path))
            self._moved += [(path, chunk) for chunk in chunks]
        return out

    def _render(self, template: str, values: dict[str, str], **context: str) -> str:
        from ledger_tool.files.templates import render

        return render(self.ws.root, template, values, **context)

    def _shape(self, block: Block, template: str, values: dict[str, str], complete: bool) -> None:
        """Set `values` in place; add missing fields where `template` puts them.

        With `complete`, every field of the template that the block lacks is added (empty), so a
        block that changes status takes the shape of its new template.
        """
        missing = [name for name, raw in values.items() if not block.replace(name, raw)]
        if not missing and not complete:
            return
        current = {span.name: block.get(span.name) or "" for span in block.spans().values()}
        heading_id = block.heading.lstrip("#").split()[0]
        context = {"id": heading_id, "task_id": heading_id, "time": "", "title": ""}
        slots: list[Slot] = layout_of(self._render(template, current | values, **context))
        for slot in slots:
            if block.get(slot.name) is None and (complete or slot.name in values):
                block.insert(slot.name, values.get(slot.name, ""), slots)
        for name in missing:
            if block.get(name) is None:
                block.insert(name, values[name], slots)

    def _row(self, entry: Entry, link: str) -> None:
        first_seen = format_time(entry.first_seen) if entry.first_seen else ""
        cells = [
            entry.id,
            first_seen,
            entry.status.upper(),
            entry.severity,
            encode(entry.area),
            link,
        ]
        self.errors.put_row(entry.id, cells, first_seen)

    def _events(self, entry: Entry) -> list[Event]:
        """The entry's history; a block adopted without one starts from its own fields."""
        return events_of(entry)

    def _journal_link(self, error_id: str) -> str:
        """A link to the error's journal entry: its first in JOURNAL.md, else in the archive,
        else the resolution entry this command adds."""
        found = self.journal.error_blocks.get(error_id)
        if found:
            heading = self.journal.text[found[0][0] : self.journal.text.find("\n", found[0][0])]
            return self._link_to(self.ws.path("journal"), heading.strip("#\r ").strip())
        for path in self.ws.archive_files():
            for m in _JOURNAL_HEADING.finditer(store.read_text(path, str(path))):
                if m.group("id") == error_id:
                    return self._link_to(path, m.group("title"))
        title = f"{wording.RESOLUTION} |ERROR:{error_id}|"
        return self._link_to(self.ws.path("journal"), title)

    def _link_to(self, path: Path, heading: str) -> str:
        """A Markdown link from ERRORS.md to a heading of `path` (GitHub's anchor for it)."""
        target = os.path.relpath(path, self.ws.path("errors").parent)
        anchor = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        return f"[{encode(target)}]({target.replace(' ', '%20')}#{anchor})"

    # -- git history --------------------------------------------------------------------------

    def sync(
        self,
        commits: Sequence[TrailerCommit],
        fix_of: Callable[[str], Fix],
        orphaned: Callable[[str], bool],
    ) -> list[str]:
        """Record what commits say: `Fixes: ID` resolves an active error with that commit,
        `Refs: ID` links it, and a `git revert` of a recorded fix reopens its error.  Idempotent
        per error and trailer: a fix commit that was amended or rebased (no branch holds it any
        more) is followed to its new SHA, not recorded twice.  Returns one line per change."""
        changes: list[str] = []
        recorded = self._recorded_commits()
        changed = False  # settled lazily: a last (or only) change costs no parse
        for commit in commits:  # oldest first
            at = commit.when.astimezone(self.ws.tz).replace(second=0, microsecond=0)
            if changed:
                self._settle()  # the next step reads what the last one wrote
                changed = False
            for step in self._sync_steps(commit, recorded, fix_of, orphaned):
                if changed:
                    self._settle()
                done = step(at)
                changes += done
                changed = bool(done)
        return changes

    def _sync_steps(
        self,
        commit: TrailerCommit,
        recorded: set[tuple[str, str, str]],
        fix_of: Callable[[str], Fix],
        orphaned: Callable[[str], bool],
    ) -> list[Callable[[datetime], list[str]]]:
        """What one commit may change, in order: each step changes one error (or nothing)."""
        sha = commit.sha
        steps: list[Callable[[datetime], list[str]]] = []
        for error_id in dict.fromkeys(commit.fixes):
            if error_id in self.errors.blocks and (error_id, "resolved", sha) not in recorded:
                steps.append(
                    partial(self._sync_fix, error_id, sha, fix_of=fix_of, orphaned=orphaned)
                )
        for error_id in dict.fromkeys(commit.refs):
            if error_id in self.errors.blocks and (error_id, "linked", sha) not in recorded:
                steps.append(partial(self._sync_ref, error_id, sha, orphaned=orphaned))
        for fix in commit.reverts:
            steps.append(partial(self._sync_revert, fix, sha))
        return steps

    def _recorded_commits(self) -> set[tuple[str, str, str]]:
        """(error ID, `resolved` or `linked`, SHA) of every commit the History lines already
        name: one pass over the file, so that sync reads no block it has nothing to do with."""
        refs = sorted((ref.start, error_id) for error_id, ref in self.errors.blocks.items())
        starts = [start for start, _ in refs]
        found: set[tuple[str, str, str]] = set()
        for m in _RECORDED.finditer(self.errors.text):
            i = bisect_right(starts, m.start()) - 1
            if i >= 0:
                found.add((refs[i][1], m.group(1), m.group(2)))
        return found

    def _sync_fix(
        self,
        error_id: str,
        sha: str,
        at: datetime,
        fix_of: Callable[[str], Fix],
        orphaned: Callable[[str], bool],
    ) -> list[str]:
        entry = self.entry(error_id)
        events = self._events(entry)
        resolutions = [e for e in events if e.kind == "resolved"]
        if any(e.commit == sha for e in resolutions):
            return []
        if entry.status == "active":
            start = history.episode_start(events)
            if start is not None and at < start:
                return []  # a fix from before the error came back
            self.resolve(error_id, at, fix_of(sha))
            return [f"{error_id}: resolved by {sha[:7]}"]
        if not entry.fix_commit and not any(e.commit for e in resolutions):
            self._attach_fix(entry, fix_of(sha))  # resolved by hand (or adopted) without one
            return [f"{error_id}: fix commit {sha[:7]} recorded"]
        last = resolutions[-1] if resolutions else None
        if last is None or last.commit is None or not orphaned(last.commit):
            return []
        self._move_fix(entry, events, last, fix_of(sha))
        return [f"{error_id}: fix commit {last.commit[:7]} was rewritten; now {sha[:7]}"]

    def _sync_revert(self, fix: str, sha: str, at: datetime) -> list[str]:
        """A revert of commit `fix` (git's "This reverts commit ..." line) reopens each error
        that `fix` resolved and still stands as its fix, once: the reason names the revert."""
        reason = revert_reason(sha)
        changes: list[str] = []
        fixed = sorted(
            {e for e, kind, c in self._recorded_commits() if (kind, c) == ("resolved", fix)}
        )
        for error_id in fixed:
            if changes:
                self._settle()  # the next reopen reads what the last one wrote
            entry = self.entry(error_id)
            if entry.status != "resolved" or entry.fix_commit != fix:
                continue
            if any(e.kind == "reopened" and e.note == reason for e in self._events(entry)):
                continue  # this revert reopened it already (and it was resolved again by hand)
            self.reopen(error_id, max(filter(None, [at, entry.resolved])), reason)
            changes.append(f"{error_id}: reopened, its fix {fix[:7]} was reverted by {sha[:7]}")
        return changes

    def _attach_fix(self, entry: Entry, fix: Fix) -> Entry:
        """Give a resolved error that has no fix commit its fix; its resolution keeps its time."""
        events = self._events(entry)
        last = next((e for e in reversed(events) if e.kind == "resolved"), None)
        if last is None:
            at = entry.resolved or entry.last_seen or entry.first_seen
            last = Event(at, "resolved") if at else None
            events = history.add(events, last) if last else events
        return self._move_fix(entry, events, last, fix)

    def _move_fix(self, entry: Entry, events: list[Event], old: Event | None, fix: Fix) -> Entry:
        """Point a resolution at the commit of its fix (rewritten, or given only now)."""
        events = [replace(e, commit=fix.sha) if e is old else e for e in events]
        block = self.errors.block(entry.id)
        values = {"History": history.render_events(events)}
        if not entry.fix_commit or entry.fix_commit == (old.commit if old else None):
            values |= {"Fix Commit": fix.sha, "Code Changes": wording.code_changes(fix.files)}
        self._shape(block, "error_resolved.md.j2", values, complete=False)
        moved = self.entry_from(entry.id, block)
        self.errors.put(entry.id, block, entry.status, self._key(moved))
        self._row(moved, markdown_link(fix.sha[:7], fix.url))
        return moved

    def _sync_ref(
        self, error_id: str, sha: str, at: datetime, orphaned: Callable[[str], bool]
    ) -> list[str]:
        entry = self.entry(error_id)
        events = self._events(entry)
        links = [e for e in events if e.kind == "linked"]
        if any(e.commit == sha for e in links):
            return []
        stale = next((e for e in links if e.commit and orphaned(e.commit)), None)
        if stale is not None:
            events = [replace(e, commit=sha) if e is stale else e for e in events]
        else:
            events = history.add(events, Event(at, "linked", commit=sha))
        block = self.errors.block(error_id)
        template = "error_resolved.md.j2" if entry.status == "resolved" else "error_active.md.j2"
        self._shape(block, template, {"History": history.render_events(events)}, complete=False)
        self.errors.put(error_id, block, entry.status, self._key(entry))
        return [f"{error_id}: linked {sha[:7]}"]

    # -- repair -------------------------------------------------------------------------------

    def fix_derived(self) -> list[str]:
        """Regenerate what `ledger check --fix` may: block placement and order, the table,
        missing journal entries and tasks, task statuses.  Returns one line per change."""
        changes = self._fix_placement()
        entries = self.entries()
        changes += self._fix_table(entries)
        journal_refs = self._journal_refs() | self._archived_refs()
        task_status = self.tasks.statuses()
        for entry in sorted(entries, key=self._key_first_seen):
            if entry.id not in journal_refs and entry.first_seen is not None:
                self._journal_investigation(entry, entry.first_seen)
                changes.append(
                    f"{self.ws.display('journal')}: added the journal entry of {entry.id}"
                )
            want = "COMPLETE" if entry.status == "resolved" else "IN_PROGRESS"
            status = task_status.get(entry.id)
            if status != want:
                self._task_status(entry.id, entry, {"Status": want})
                what = "added the task" if status is None else f"set the task status to {want}"
                changes.append(f"{self.ws.display('tasks')}: {what} of {entry.id}")
        return changes

    def _journal_investigation(self, entry: Entry, at: datetime) -> None:
        """The journal entry that opening an error writes."""
        journal = wording.investigation(entry.description, entry.severity, entry.area)
        stamp = format_time(at)
        title = wording.INVESTIGATION
        self.journal.add_entry(
            stamp,
            self._render("journal_entry.md.j2", journal, time=stamp, title=title, id=entry.id),
        )

    def _journal_refs(self) -> set[str]:
        """The errors JOURNAL.md refers to, as `ledger check` counts them: a `|ERROR:ID|` in a
        code fence or an HTML comment is no entry, so the error still gets one."""
        from ledger_tool.markdown.outline import hidden_only

        text = self.journal.text
        outline = hidden_only(text)
        return {m.group(1) for m in ERROR_REF.finditer(text) if not outline.is_hidden(m.start())}

    def _archived_refs(self) -> set[str]:
        refs: set[str] = set()
        for path in self.ws.archive_files():
            refs |= set(ERROR_REF.findall(store.read_text(path, str(path))))
        return refs

    def _fix_placement(self) -> list[str]:
        """Move blocks to the section their Status names, newest first, one move at a time."""
        changes: list[str] = []
        for _ in range(len(self.errors.blocks) + 1):
            move = self._misplaced()
            if move is None:
                break
            entry, block = move
            heading = f"### {entry.id}{' (RESOLVED)' if entry.status == 'resolved' else ''}"
            block.set_heading(heading)
            self.errors.put(entry.id, block, entry.status, self._key(entry), relocate=True)
            self.errors = ErrorsFile(self.errors.path, self.errors.render())
            changes.append(f"{self.errors.path}: moved {entry.id} to its place in {entry.status}")
        return changes

    def _misplaced(self) -> tuple[Entry, Block] | None:
        """The first block out of place (read from a few key lines; only that one is parsed)."""
        doc = self.errors
        for section, ids in doc.order.items():
            previous: tuple[str, str] | None = None
            for error_id in ids:
                ref = doc.blocks[error_id]
                status = doc.field_value(error_id, "Status").upper()
                resolved = status == "RESOLVED"
                marked = (
                    doc.text[ref.start : doc.text.find("\n", ref.start)]
                    .rstrip()
                    .endswith("(RESOLVED)")
                )
                key = doc.field_value(error_id, "Resolved" if resolved else "First Seen"), error_id
                out_of_order = previous is not None and key > previous
                if status.lower() != section or marked != resolved or out_of_order:
                    return self.entry(error_id), doc.block(error_id)
                previous = key
        return None

    def _fix_table(self, entries: list[Entry]) -> list[str]:
        from ledger_tool.checks.facts import expected_row, facts_of

        if self.errors.rows_at is None:
            return []
        rows = []
        for entry in sorted(entries, key=lambda e: self._key_first_seen(e), reverse=True):
            link = ""
            if entry.status == "resolved" and entry.fix_commit:
                old = self.errors.row_cells(entry.id) if entry.id in self.errors.rows else []
                link = old[5] if len(old) > 5 and entry.fix_commit[:7] in old[5] else ""
                link = link or entry.fix_commit[:7]
            rows.append(expected_row(facts_of(entry), link))
        before = self.errors.text[self.errors.rows_at : self.errors.rows_end]
        self.errors.put_rows(rows)
        after = "".join("| " + " | ".join(cells) + " |" + self.errors.newline for cells in rows)
        if before.rstrip("\r\n") == after.rstrip("\r\n"):
            return []
        return [f"{self.errors.path}: rewrote the summary table from the blocks"]

    def _key_first_seen(self, entry: Entry) -> tuple[str, str]:
        return (format_time(entry.first_seen) if entry.first_seen else "", entry.id)

    # -- the lifecycle ----------------------------------------------------------------------

    def open(
        self,
        severity: str,
        area: str,
        description: str,
        at: datetime,
        *,
        symptoms: str = "",
        impact: str = "",
        fingerprint: str = "",
        taken: set[int] | None = None,
    ) -> Entry:
        """Open a new error, numbered past every number in use that day here or in `taken` (the
        numbers found on other branches)."""
        severity = severity.strip().upper()
        if severity in ("P2", "P3"):
            raise LedgerError(
                f"{severity} errors are not tracked in the critical-error ledger (only P0 and P1); "
                "record it in your issue tracker instead"
            )
        if severity not in SEVERITIES:
            raise LedgerError(f"severity must be P0 or P1, not {severity!r}")
        area = area.strip()
        if not area:
            raise LedgerError("the affected area is empty; name the component, e.g. 'inference'")
        allowed = self.ws.config.areas
        if allowed and area not in allowed:
            raise LedgerError(
                f"area {area!r} is not one of the configured areas: {', '.join(allowed)}"
            )
        if not description.strip():
            raise LedgerError("the description is empty; say in a few words what failed")
        day = at.strftime("%Y-%m-%d")
        used = set(taken or ()) | _numbers_used(self.errors.text, day) | self._numbers_named(day)
        error_id = f"ERR-{day}-{max(used, default=0) + 1:03d}"
        stamp = format_time(at)
        values = {
            "Status": "ACTIVE",
            "Severity": severity,
            "Area": encode(area),
            "First Seen": stamp,
            "Last Seen": stamp,
            "Occurrences": "1",
            "Description": encode(description),
            "Symptoms": encode(symptoms),
            "Impact": encode(impact),
            "Fingerprint": encode(fingerprint),
            "History": history.render_events([Event(at, "opened")]),
        }
        block = Block(self._render("error_active.md.j2", values, id=error_id))
        self.errors.put(error_id, block, "active", (stamp, error_id))
        entry = read_entry(error_id, block, self.ws.tz, self.errors.path)
        self._row(entry, "")
        self._journal_investigation(entry, at)
        task = {
            "Task ID": f"TASK-{error_id}",
            "Title": wording.task_title(description),
            "Status": "IN_PROGRESS",
            "Priority": wording.PRIORITY[severity],
            "Error ID": error_id,
            "Impact": encode(impact),
        }
        self.tasks.add(error_id, self._render("task.md.j2", task, task_id=f"TASK-{error_id}"))
        return entry

    def see(
        self,
        error_id: str,
        at: datetime,
        count: int,
        seen_with_fix: Callable[[str | None], str | None],
    ) -> Entry:
        """Record `count` sightings at `at`.  On a resolved error this is a regression (the error
        reopens) only when the code that was seen contains the fix: `seen_with_fix(fix_sha)`
        returns the SHA of that code ("" when there is no git to ask), or None when it lacks the
        fix."""
        if count < 1:
            raise LedgerError("--count must be at least 1")
        entry = self.entry(error_id)
        if entry.first_seen and at < entry.first_seen:
            raise LedgerError(
                f"{error_id} was first seen {format_time(entry.first_seen)}; a sighting cannot "
                "come before that (check --at)"
            )
        block = self.errors.block(error_id)
        events = self._events(entry)
        # a sighting dated inside the last episode is just a sighting, not a regression
        after_fix = entry.status == "resolved" and (entry.resolved is None or at >= entry.resolved)
        rev = seen_with_fix(entry.fix_commit) if after_fix else None
        regressed = rev is not None
        if regressed:
            events = history.add(events, Event(at, "regressed", commit=rev or None))
        events = history.add(events, Event(at, "seen", count))
        last = max(filter(None, [entry.last_seen, at]))
        values = {
            "Last Seen": format_time(last),
            "Occurrences": str(entry.occurrences + count),
            "History": history.render_events(events),
        }
        if regressed:
            return self._reactivate(entry, block, values, at, "regressed")
        template = "error_resolved.md.j2" if entry.status == "resolved" else "error_active.md.j2"
        self._shape(block, template, values, complete=False)
        section = entry.status
        self.errors.put(error_id, block, section, self._key(entry))
        return self.entry_from(error_id, block)

    def _numbers_named(self, day: str) -> set[int]:
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
        journals = [self.journal.text]  # an entry is archived in its month or later
        journals += [
            store.read_text(p, str(p)) for p in self.ws.archive_files() if p.stem >= day[:7]
        ]
        found = {n for text in journals for n in in_journal.findall(text)}
        return {int(n) for n in found | set(in_tasks.findall(self.tasks.text))}

    def _key(self, entry: Entry) -> tuple[str, str]:
        when = entry.resolved if entry.status == "resolved" else entry.first_seen
        return (format_time(when) if when else "", entry.id)

    def entry_from(self, error_id: str, block: Block) -> Entry:
        return read_entry(error_id, block, self.ws.tz, self.errors.path)

    def note(self, error_id: str, notes: dict[str, str], append: bool = False) -> Entry:
        """Fill investigation fields (keys of NOTE_FIELDS); with `append`, add to what is there."""
        entry = self.entry(error_id)
        block = self.errors.block(error_id)
        values: dict[str, str] = {}
        for key, text in notes.items():
            name = NOTE_FIELDS[key]
            old = block.get(name)
            if key == "description" and not text.strip():
                raise LedgerError("the description cannot be empty")
            if append and old and old.strip():
                values[name] = old.rstrip() + "<br>" + encode(text)
            else:
                values[name] = encode(text)
        template = "error_resolved.md.j2" if entry.status == "resolved" else "error_active.md.j2"
        self._shape(block, template, values, complete=False)
        self.errors.put(error_id, block, entry.status, self._key(entry))
        self._mirror_task(error_id, {k: v for k, v in values.items() if k in TASK_MIRROR})
        return self.entry_from(error_id, block)

    def _mirror_task(self, error_id: str, values: dict[str, str]) -> None:
        found = self.tasks.task(error_id)
        if found is None or not values:
            return
        block, span = found
        self._shape(block, "task.md.j2", values, complete=False)
        self.tasks.replace(span, block)

    def resolve(
        self,
        error_id: str,
        at: datetime,
        fix: Fix | None = None,
        root_cause: str = "",
        solution: str = "",
    ) -> Entry:
        """Move an active error to Resolved with its fix, complete its task, journal the result."""
        entry = self.entry(error_id)
        if entry.status == "resolved" and fix is not None and not entry.fix_commit:
            return self._attach_fix(entry, fix)
        if entry.status == "resolved":
            when = format_time(entry.resolved) if entry.resolved else "earlier"
            raise LedgerError(
                f"{error_id} is already resolved ({when}); `ledger reopen {error_id}` first "
                "if it came back"
            )
        events = self._events(entry)
        start = history.episode_start(events) or entry.first_seen or at
        if at < start:
            raise LedgerError(
                f"{error_id} cannot be resolved at {format_time(at)}, before its episode began "
                f"({format_time(start)}); check --at"
            )
        events = history.add(events, Event(at, "resolved", commit=fix.sha if fix else None))
        block = self.errors.block(error_id)
        values = {
            **self._counts(entry, block),
            "Status": "RESOLVED",
            "Resolved": format_time(at),
            "Resolution Time": format_duration(elapsed(start, at)),
            "History": history.render_events(events),
            "Journal Entry": self._journal_link(error_id),
        }
        if root_cause:
            values["Root Cause"] = encode(root_cause)
        if solution:
            values["Solution"] = encode(solution)
        link = ""
        if fix is not None:
            values["Fix Commit"] = fix.sha
            values["Code Changes"] = wording.code_changes(fix.files)
            link = markdown_link(fix.sha[:7], fix.url)
        block.set_heading(f"### {error_id} (RESOLVED)")
        self._shape(block, "error_resolved.md.j2", values, complete=True)
        resolved = self.entry_from(error_id, block)
        self.errors.put(error_id, block, "resolved", self._key(resolved))
        self._row(resolved, link)
        task = {"Status": "COMPLETE"}
        if root_cause:
            task["Root Cause"] = encode(root_cause)
        self._task_status(error_id, entry, task)
        result = f"Resolved {format_time(at)} after {format_duration(elapsed(start, at))}"
        if fix is not None:
            result += f" by commit {fix.sha[:7]} ({fix.subject})"
        if solution:
            result += f": {solution}"
        self._journal_result(entry, at, encode(result))
        return resolved

    def reopen(self, error_id: str, at: datetime, reason: str = "") -> Entry:
        """Put a resolved error back to Active; it counts as a recurrence."""
        entry = self.entry(error_id)
        if entry.status != "resolved":
            raise LedgerError(f"{error_id} is not resolved, so it cannot be reopened")
        if entry.resolved and at < entry.resolved:
            raise LedgerError(
                f"{error_id} was resolved at {format_time(entry.resolved)}; a reopening must come "
                "after that (check --at)"
            )
        events = history.add(self._events(entry), Event(at, "reopened", note=reason or None))
        values = {"History": history.render_events(events)}
        return self._reactivate(entry, self.errors.block(error_id), values, at, "reopened", reason)

    def _reactivate(
        self,
        entry: Entry,
        block: Block,
        values: dict[str, str],
        at: datetime,
        kind: str,
        reason: str = "",
    ) -> Entry:
        values = {**self._counts(entry, block), "Status": "ACTIVE", "Fix Commit": "", **values}
        block.set_heading(f"### {entry.id}")
        block.remove("Resolved")
        block.remove("Resolution Time")
        self._shape(block, "error_active.md.j2", values, complete=True)
        active = self.entry_from(entry.id, block)
        self.errors.put(entry.id, block, "active", self._key(active))
        self._row(active, "")
        self._task_status(entry.id, entry, {"Status": "IN_PROGRESS"})
        stamp = format_time(at)
        title, journal = wording.comeback(
            kind, reason, entry.description, entry.severity, entry.area
        )
        self.journal.add_entry(
            stamp,
            self._render("journal_entry.md.j2", journal, time=stamp, title=title, id=entry.id),
        )
        return active

    def _counts(self, entry: Entry, block: Block) -> dict[str, str]:
        """Last Seen and Occurrences as the entry reads them, for a block written without them:
        a block that changes status takes every field of its new template, and these two must
        not be written empty."""
        values: dict[str, str] = {}
        last = entry.last_seen or entry.first_seen
        if block.get("Last Seen") is None and last is not None:
            values["Last Seen"] = format_time(last)
        if block.get("Occurrences") is None:
            values["Occurrences"] = str(entry.occurrences)
        return values

    def _task_status(self, error_id: str, entry: Entry, values: dict[str, str]) -> None:
        found = self.tasks.task(error_id)
        if found is None:  # the task was deleted or never made: make it again
            task = {
                "Task ID": f"TASK-{error_id}",
                "Title": wording.task_title(entry.description),
                "Priority": wording.PRIORITY.get(entry.severity, "HIGH"),
                "Error ID": error_id,
                **values,
            }
            self.tasks.add(error_id, self._render("task.md.j2", task, task_id=f"TASK-{error_id}"))
            return
        block, span = found
        self._shape(block, "task.md.j2", values, complete=False)
        self.tasks.replace(span, block)

    def _latest_own_journal_block(self, error_id: str) -> tuple[Block, tuple[int, int]] | None:
        """The newest journal entry of the error that the tool wrote (a person's own
        `### My fix |ERROR:...|` entry is theirs and is never edited)."""
        text = self.journal.text
        for start, end in reversed(self.journal.error_blocks.get(error_id, [])):
            title = text[start : text.find("\n", start)].lstrip("# ").split("|ERROR:")[0]
            if title.strip() in wording.OWN_TITLES:
                return Block(text[start:end]), (start, end)
        return None

    def _journal_result(self, entry: Entry, at: datetime, result: str) -> None:
        error_id = entry.id
        found = self._latest_own_journal_block(error_id)
        if found is not None:
            block, span = found
            old = block.get("Result")
            value = result if not old or not old.strip() else f"{old.rstrip()}<br>{result}"
            self._shape(block, "journal_entry.md.j2", {"Result": value}, complete=False)
            self.journal.replace(span, block)
            return
        stamp = format_time(at)
        self.journal.add_entry(
            stamp,
            self._render(
                "journal_entry.md.j2",
                wording.resolution(entry.description, entry.severity, entry.area, result),
                time=stamp,
                title=wording.RESOLUTION,
                id=error_id,
            ),
        )


def revert_reason(sha: str) -> str:
    """The reason a reopening by a revert records (as `ledger reopen --reason` writes it)."""
    return f"fix reverted by {sha[:7]}"


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
