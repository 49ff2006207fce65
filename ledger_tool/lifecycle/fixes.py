"""A resolution's fix commit given or changed after the fact: a resolved error without one gets
it (`resolve --commit`, or a `Fixes:` commit sync finds), and a fix commit that was amended or
rebased away is followed to its new SHA (sync)."""

from __future__ import annotations

from dataclasses import replace

from ledger_tool.files import wording
from ledger_tool.files.ledger import Ledger
from ledger_tool.markdown.textcodec import markdown_link
from ledger_tool.model import history
from ledger_tool.model.commits import Fix
from ledger_tool.model.entry import Entry, events_of
from ledger_tool.model.history import Event


def attach_fix(ledger: Ledger, entry: Entry, fix: Fix) -> Entry:
    """Give a resolved error that has no fix commit its fix; its resolution keeps its time."""
    events = events_of(entry)
    last = next((e for e in reversed(events) if e.kind == "resolved"), None)
    if last is None:
        at = entry.resolved or entry.last_seen or entry.first_seen
        last = Event(at, "resolved") if at else None
        events = history.add(events, last) if last else events
    return move_fix(ledger, entry, events, last, fix)


def move_fix(
    ledger: Ledger, entry: Entry, events: list[Event], old: Event | None, fix: Fix
) -> Entry:
    """Point a resolution at the commit of its fix (rewritten, or given only now)."""
    events = [replace(e, commit=fix.sha) if e is old else e for e in events]
    block = ledger.errors.block(entry.id)
    values = {"History": history.render_events(events)}
    if not entry.fix_commit or entry.fix_commit == (old.commit if old else None):
        values |= {"Fix Commit": fix.sha, "Code Changes": wording.code_changes(fix.files)}
    ledger.shape(block, "error_resolved.md.j2", values, complete=False)
    moved = ledger.entry_from(entry.id, block)
    ledger.errors.put(entry.id, block, entry.status, ledger.sort_key(moved))
    ledger.put_row(moved, markdown_link(fix.sha[:7], fix.url))
    return moved
