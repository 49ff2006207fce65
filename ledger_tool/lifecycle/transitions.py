"""An error's life: open, see, note, resolve, reopen, and a fix commit given to a resolution later.

Each transition edits one error's block and row in a `Ledger` (the command line writes them with
`changing`), and its journal entry and task (`journal_tasks`).  They take plain values: times
already in the configured zone, the fix commit already read (`Fix`); `see` asks git through
`GitFacts` only when it has to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledger_tool.exceptions import LedgerError
from ledger_tool.files import wording
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle import fixes, journal_tasks
from ledger_tool.lifecycle.numbering import next_id
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.textcodec import encode, markdown_link
from ledger_tool.model import history
from ledger_tool.model.commits import Fix, GitFacts
from ledger_tool.model.entry import Entry, events_of
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, format_time
from ledger_tool.model.vocabulary import NOTE_FIELDS, SEVERITIES, Severity, Status, error_heading


def open_error(
    ledger: Ledger,
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
    level, area = _checked(ledger, severity, area, description)
    error_id = next_id(ledger, at.strftime("%Y-%m-%d"), taken or ())
    stamp = format_time(at)
    values = {
        "Status": Status.ACTIVE.word,
        "Severity": level,
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
    block = Block(ledger.render("error_active.md.j2", values, id=error_id))
    ledger.errors.put(error_id, block, Status.ACTIVE, (stamp, error_id))
    entry = ledger.entry_from(error_id, block)
    ledger.put_row(entry, "")
    journal_tasks.journal_investigation(ledger, entry, at)
    journal_tasks.new_task(ledger, error_id, description, level, impact)
    return entry


def _checked(ledger: Ledger, severity: str, area: str, description: str) -> tuple[Severity, str]:
    """The severity and area of a new error as the ledger keeps them, or why it refuses them."""
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
    allowed = ledger.ws.config.areas
    if allowed and area not in allowed:
        raise LedgerError(f"area {area!r} is not one of the configured areas: {', '.join(allowed)}")
    if not description.strip():
        raise LedgerError("the description is empty; say in a few words what failed")
    return Severity(severity), area


@dataclass(frozen=True)
class Sighting:
    """What `see` made of a sighting."""

    entry: Entry
    regressed: bool  # the error was resolved and the code seen holds its fix: active again
    undecided: bool  # a shallow clone could not tell whether the code seen holds the fix


def see(
    ledger: Ledger,
    error_id: str,
    at: datetime,
    count: int,
    rev: str,
    git: Callable[[], GitFacts | None],
) -> Sighting:
    """Record `count` sightings at `at` in the code at `rev`.  On a resolved error this is a
    regression (the error reopens) only when that code contains the fix.  `git()` gives the
    repository's answers (None outside git); it is called only for a resolved error, so that
    the usual sighting never loads git."""
    if count < 1:
        raise LedgerError("--count must be at least 1")
    entry = ledger.entry(error_id)
    if entry.first_seen and at < entry.first_seen:
        raise LedgerError(
            f"{error_id} was first seen {format_time(entry.first_seen)}; a sighting cannot "
            "come before that (check --at)"
        )
    block = ledger.errors.block(error_id)
    events = events_of(entry)
    # a sighting dated inside the last episode is just a sighting, not a regression
    after_fix = entry.status == Status.RESOLVED and (entry.resolved is None or at >= entry.resolved)
    code, undecided = _code_seen(git, rev, entry.fix_commit) if after_fix else (None, False)
    if code is not None:
        events = history.add(events, Event(at, "regressed", commit=code or None))
    events = history.add(events, Event(at, "seen", count))
    last = max(filter(None, [entry.last_seen, at]))
    values = {
        "Last Seen": format_time(last),
        "Occurrences": str(entry.occurrences + count),
        "History": history.render_events(events),
    }
    if code is not None:
        return Sighting(_reactivate(ledger, entry, block, values, at, "regressed"), True, False)
    ledger.shape(block, template_of(entry), values, complete=False)
    ledger.errors.put(error_id, block, entry.status, ledger.sort_key(entry))
    return Sighting(ledger.entry_from(error_id, block), False, undecided)


def _code_seen(
    git: Callable[[], GitFacts | None], rev: str, fix: str | None
) -> tuple[str | None, bool]:
    """The SHA of the code seen when it contains `fix` (None when it lacks it; "" when there is
    no git to ask: a sighting after the fix then counts as a regression), and whether a shallow
    clone could not tell (then it lacks it, as far as the ledger goes)."""
    facts = git()
    if facts is None:
        return "", False
    sha = facts.sha(rev)
    found = True if fix is None else facts.contains(rev, fix)
    return (sha if found else None), found is None


def template_of(entry: Entry) -> str:
    """The template of the block of an error in its status."""
    return "error_resolved.md.j2" if entry.status == Status.RESOLVED else "error_active.md.j2"


def note(ledger: Ledger, error_id: str, notes: dict[str, str], append: bool = False) -> Entry:
    """Fill investigation fields (keys of NOTE_FIELDS); with `append`, add to what is there."""
    entry = ledger.entry(error_id)
    block = ledger.errors.block(error_id)
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
    ledger.shape(block, template_of(entry), values, complete=False)
    ledger.errors.put(error_id, block, entry.status, ledger.sort_key(entry))
    journal_tasks.mirror_task(ledger, error_id, values)
    return ledger.entry_from(error_id, block)


def resolve(
    ledger: Ledger,
    error_id: str,
    at: datetime,
    fix: Fix | None = None,
    root_cause: str = "",
    solution: str = "",
) -> Entry:
    """Move an active error to Resolved with its fix, complete its task, journal the result.
    A resolved error without a fix commit takes `fix` instead, keeping its resolution's time."""
    entry = ledger.entry(error_id)
    if entry.status == Status.RESOLVED and fix is not None and not entry.fix_commit:
        return fixes.attach_fix(ledger, entry, fix)
    if entry.status == Status.RESOLVED:
        when = format_time(entry.resolved) if entry.resolved else "earlier"
        raise LedgerError(
            f"{error_id} is already resolved ({when}); `ledger reopen {error_id}` first "
            "if it came back"
        )
    events = events_of(entry)
    start = history.episode_start(events) or entry.first_seen or at
    if at < start:
        raise LedgerError(
            f"{error_id} cannot be resolved at {format_time(at)}, before its episode began "
            f"({format_time(start)}); check --at"
        )
    events = history.add(events, Event(at, "resolved", commit=fix.sha if fix else None))
    block = ledger.errors.block(error_id)
    values = {
        **_counts(entry, block),
        "Status": Status.RESOLVED.word,
        "Resolved": format_time(at),
        "Resolution Time": format_duration(elapsed(start, at)),
        "History": history.render_events(events),
        "Journal Entry": journal_tasks.journal_link(ledger, error_id),
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
    block.set_heading(error_heading(error_id, resolved=True))
    ledger.shape(block, "error_resolved.md.j2", values, complete=True)
    resolved = ledger.entry_from(error_id, block)
    ledger.errors.put(error_id, block, Status.RESOLVED, ledger.sort_key(resolved))
    ledger.put_row(resolved, link)
    task = {"Status": "COMPLETE"}
    if root_cause:
        task["Root Cause"] = encode(root_cause)
    journal_tasks.task_status(ledger, error_id, entry, task)
    result = f"Resolved {format_time(at)} after {format_duration(elapsed(start, at))}"
    if fix is not None:
        result += f" by commit {fix.sha[:7]} ({fix.subject})"
    if solution:
        result += f": {solution}"
    journal_tasks.journal_result(ledger, entry, at, encode(result))
    return resolved


def reopen(ledger: Ledger, error_id: str, at: datetime, reason: str = "") -> Entry:
    """Put a resolved error back to Active; it counts as a recurrence."""
    entry = ledger.entry(error_id)
    if entry.status != Status.RESOLVED:
        raise LedgerError(f"{error_id} is not resolved, so it cannot be reopened")
    if entry.resolved and at < entry.resolved:
        raise LedgerError(
            f"{error_id} was resolved at {format_time(entry.resolved)}; a reopening must come "
            "after that (check --at)"
        )
    events = history.add(events_of(entry), Event(at, "reopened", note=reason or None))
    values = {"History": history.render_events(events)}
    block = ledger.errors.block(error_id)
    return _reactivate(ledger, entry, block, values, at, "reopened", reason)


def _reactivate(
    ledger: Ledger,
    entry: Entry,
    block: Block,
    values: dict[str, str],
    at: datetime,
    kind: str,
    reason: str = "",
) -> Entry:
    values = {**_counts(entry, block), "Status": Status.ACTIVE.word, "Fix Commit": "", **values}
    block.set_heading(error_heading(entry.id, resolved=False))
    block.remove("Resolved")
    block.remove("Resolution Time")
    ledger.shape(block, "error_active.md.j2", values, complete=True)
    active = ledger.entry_from(entry.id, block)
    ledger.errors.put(entry.id, block, Status.ACTIVE, ledger.sort_key(active))
    ledger.put_row(active, "")
    journal_tasks.task_status(ledger, entry.id, entry, {"Status": "IN_PROGRESS"})
    journal_tasks.journal_comeback(ledger, entry, at, kind, reason)
    return active


def _counts(entry: Entry, block: Block) -> dict[str, str]:
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
