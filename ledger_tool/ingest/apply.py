"""What a log's failures do to the ledger: count on the entry that knows them, or open one.

For each group that goes into the ledger (the failure that ended the job, and whatever a
repository's rule gives a severity), the entry with its fingerprint is found: an active one counts
the sightings (with the log's own times); a resolved one reopens as a regression only when REV
contains its fix (the rule of `ledger seen`); with none, a new entry opens, with the traceback in a
fenced block, the category's suggested actions as its Next Steps, and its journal entry and task.
Each entry records the logs it counted (`**Ingested**: sha256:...`), so the same log ingested again
changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ledger_tool.exceptions import LedgerError
from ledger_tool.files.ledger import Ledger
from ledger_tool.ingest import rules
from ledger_tool.ingest.analysis import Group, Reading
from ledger_tool.lifecycle.transitions import note, open_error, see, template_of
from ledger_tool.model.commits import GitFacts
from ledger_tool.model.entry import Entry
from ledger_tool.model.vocabulary import Status

MAX_TRACE_LINES, TRACE_HEAD = 120, 20  # lines of a traceback written into the ledger
MAX_TRACE_WIDTH = 300  # characters of each
_BACKTICKS = re.compile(r"`+")
_INGESTED = re.compile(r"sha256:[0-9a-f]{16}")


@dataclass(frozen=True)
class Applied:
    """What one group did: `opened`, `seen` (counted), `regressed` (reopened), or `unchanged`
    (this log was counted before)."""

    action: str
    id: str
    fingerprint: str
    count: int
    category: str

    def as_json(self) -> dict[str, object]:
        return {
            "action": self.action,
            "id": self.id,
            "fingerprint": self.fingerprint,
            "count": self.count,
            "category": self.category,
        }


@dataclass(frozen=True)
class Options:
    rev: str
    git: Callable[[], GitFacts | None]
    now: datetime  # for a log that prints no time
    taken: Callable[[date], set[int]]  # numbers other branches hold on a day
    area: str = ""  # overrides the category's area


def apply(ledger: Ledger, reading: Reading, options: Options) -> list[Applied]:
    """Put what `reading` found into `ledger` (not written: the caller's `changing` does that)."""
    return [_one(ledger, reading, group, options) for group in reading.outcome.tracked]


def local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """A log's time in the ledger's zone, to the minute (a time without an offset is taken to be
    in that zone already)."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    return moment.replace(second=0, microsecond=0)


def _one(ledger: Ledger, reading: Reading, group: Group, options: Options) -> Applied:
    tz = ledger.ws.tz
    first = local(group.first, tz) or options.now
    last = max(first, local(group.last, tz) or first)
    known = _known(ledger, group.fingerprint)
    if known is not None:
        ingested = ledger.errors.block(known.id).get("Ingested") or ""
        if reading.tag in _INGESTED.findall(ingested):
            return Applied("unchanged", known.id, group.fingerprint, group.count, group.category)
        at = max(last, known.first_seen) if known.first_seen else last
        sighting = see(ledger, known.id, at, group.count, options.rev, options.git)
        ledger.settle()  # edits are offsets into one parse: fold each in before the next
        _record(ledger, sighting.entry, {"Ingested": _joined(ingested, reading.tag)})
        action = "regressed" if sighting.regressed else "seen"
        return Applied(action, known.id, group.fingerprint, group.count, group.category)
    category = rules.category(group.category)
    rule = group.rule
    severity = (rule.severity if rule is not None else "") or category.severity
    area = options.area or (rule.area if rule is not None else "") or category.area
    allowed = ledger.ws.config.areas
    if allowed and area not in allowed:
        raise LedgerError(
            f"a new {category.name} entry would have area {area!r}, which is not one of the "
            f"configured areas ({', '.join(allowed)}); pass --area AREA, or give an "
            "`ingest_rules` rule for it an area"
        )
    entry = open_error(
        ledger,
        severity,
        area,
        _description(category.title, group),
        first,
        symptoms=_symptoms(reading, group),
        impact=_impact(reading, group),
        fingerprint=group.fingerprint,
        taken=options.taken(first.date()),
    )
    ledger.settle()  # edits are offsets into one parse: fold each in before the next
    if group.count > 1:
        see(ledger, entry.id, last, group.count - 1, options.rev, options.git)
        ledger.settle()
    note(ledger, entry.id, {"next_steps": "\n".join(f"- {s}" for s in category.suggestions)})
    ledger.settle()
    values = {"Ingested": reading.tag}
    decisive = reading.outcome.decisive
    raw = (
        decisive.finding.raw
        if decisive is not None and decisive.fingerprint == group.fingerprint
        else ""
    )
    if raw:
        values["Traceback"] = fenced(raw)
    _record(ledger, ledger.entry(entry.id), values)
    return Applied("opened", entry.id, group.fingerprint, group.count, group.category)


def _known(ledger: Ledger, fingerprint: str) -> Entry | None:
    """The entry that has this fingerprint: the active one, else the one resolved last."""
    errors = ledger.errors
    text = errors.text
    found: set[str] = set()
    at = text.find(fingerprint)
    while at >= 0:  # only the blocks that name it are read
        found.update(i for i, ref in errors.blocks.items() if ref.start <= at < ref.end)
        at = text.find(fingerprint, at + 1)
    same = [e for e in map(ledger.entry, sorted(found)) if e.fingerprint == fingerprint]
    active = [e for e in same if e.status == Status.ACTIVE]
    return max(active or same, key=_latest, default=None)


def _latest(entry: Entry) -> tuple[str, str]:
    moment = entry.resolved if entry.status == Status.RESOLVED else entry.first_seen
    return (moment.isoformat() if moment else "", entry.id)


def _record(ledger: Ledger, entry: Entry, values: dict[str, str]) -> None:
    block = ledger.errors.block(entry.id)
    ledger.shape(block, template_of(entry), values, complete=False)
    ledger.errors.put(entry.id, block, entry.status, ledger.sort_key(entry))
    ledger.settle()


def _joined(old: str, tag: str) -> str:
    tags = _INGESTED.findall(old)
    return ", ".join([*tags, tag])


def _description(title: str, group: Group) -> str:
    said = group.message  # a traceback's says its type already: `Type: message`
    if group.exc_type and not said.startswith(group.exc_type):
        said = f"{group.exc_type}: {said}"
    said = said.split("\n", 1)[0].strip()
    if len(said) > 160:
        said = said[:157].rstrip() + "..."
    return f"{title}: {said}" if said else title


def _symptoms(reading: Reading, group: Group) -> str:
    line = f"line {group.first_line}" + (f" and {group.count - 1} more" if group.count > 1 else "")
    return f"{group.message.split(chr(10), 1)[0][:300]} ({reading.name}, {line})"


def _impact(reading: Reading, group: Group) -> str:
    outcome = reading.outcome
    decisive = outcome.decisive
    if decisive is None or decisive.fingerprint != group.fingerprint:
        return f"seen in job {reading.job_id}"
    status = outcome.exit_code
    if status is None:
        return f"job {reading.job_id} failed"
    name = rules.signal_name(status)
    return f"job {reading.job_id} failed with exit status {status}" + (f" ({name})" if name else "")


def fenced(raw: str) -> str:
    """`raw` as a fenced code block that no line of it can close (its fence is longer than any
    run of backticks inside), cut to `MAX_TRACE_LINES` lines of `MAX_TRACE_WIDTH` characters."""
    lines = [line[:MAX_TRACE_WIDTH].rstrip() for line in raw.split("\n")]
    if len(lines) > MAX_TRACE_LINES:
        cut = len(lines) - MAX_TRACE_LINES
        tail = lines[-(MAX_TRACE_LINES - TRACE_HEAD) :]
        lines = [*lines[:TRACE_HEAD], f"[... {cut} lines not kept ...]", *tail]
    longest = max((len(run) for run in _BACKTICKS.findall("\n".join(lines))), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(lines)
    return f"\n{fence}text\n{body}\n{fence}"
