"""An error as the commands and `--json` see it, read from its block in ERRORS.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from ledger_tool.exceptions import ParseError
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.textcodec import decode
from ledger_tool.model.history import Event, parse_events
from ledger_tool.model.timefmt import parse_file_time
from ledger_tool.model.vocabulary import SEVERITIES, Severity, Status

_SHA = re.compile(r"\b[0-9a-f]{7,64}\b")
# Fields with a meaning of their own; every other field is free text, kept under `fields`.
KEY_FIELDS = (
    "Status", "Severity", "Area", "First Seen", "Last Seen", "Occurrences", "Description",
    "Resolved", "Fix Commit", "Fingerprint", "History",
)  # fmt: skip
_KEY_NAMES = frozenset(name.lower() for name in KEY_FIELDS)


@dataclass
class Entry:
    id: str
    status: Status
    severity: Severity
    area: str
    description: str
    first_seen: datetime | None
    last_seen: datetime | None
    occurrences: int
    resolved: datetime | None
    fix_commit: str | None
    fingerprint: str | None
    history: list[Event]
    fields: dict[str, str] = field(default_factory=dict)
    line: int = 0

    def as_json(self) -> dict[str, object]:
        def iso(when: datetime | None) -> str | None:
            return None if when is None else when.isoformat()

        return {
            "id": self.id,
            "status": self.status,
            "severity": self.severity,
            "area": self.area,
            "description": self.description,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "occurrences": self.occurrences,
            "resolved": iso(self.resolved),
            "fix_commit": self.fix_commit,
            "fingerprint": self.fingerprint,
            "history": [e.as_json() for e in self.history],
            "fields": self.fields,
        }


def read_entry(
    error_id: str, block: Block, tz: tzinfo, path: str, line: int = 1, free_text: bool = True
) -> Entry:
    """The entry a block describes; a malformed key field is a ParseError at its line (counted
    from `line`, the line of the block's heading).  Without `free_text`, the free-text fields
    are not decoded (`fields` stays empty), which is all `ledger check` needs."""

    def fail(name: str, message: str, code: str = "LDG104") -> ParseError:
        index = block.line_of(name)
        return ParseError(path, line + (index or 0), message, code)

    def text(name: str) -> str:
        raw = block.get(name) or ""
        # a value written by hand may start on the line after its label
        return decode(raw[1:] if raw.startswith("\n") else raw)

    def time(name: str, required: bool) -> datetime | None:
        raw = block.get(name)
        if raw is None or not raw.strip():
            if required:
                raise fail(name, f"{error_id} has no {name}; add `**{name}**: YYYY-MM-DD HH:MM`")
            if raw is not None:  # the label without its value: the commands refuse it too
                raise fail(name, f"{name} of {error_id} is empty; write it as YYYY-MM-DD HH:MM")
            return None
        when = parse_file_time(raw, tz)
        if when is None:
            raise fail(name, f"{name} of {error_id} is {raw!r}; write it as YYYY-MM-DD HH:MM")
        return when

    status = (block.get("Status") or "").strip().upper()
    if status not in (Status.ACTIVE.word, Status.RESOLVED.word):
        raise fail("Status", f"Status of {error_id} must be ACTIVE or RESOLVED, not {status!r}")
    severity = (block.get("Severity") or "").strip()
    if severity not in SEVERITIES:
        raise fail(
            "Severity", f"Severity of {error_id} must be P0 or P1, not {severity!r}", "LDG105"
        )
    occurrences_raw = block.get("Occurrences")
    occurrences_raw = "1" if occurrences_raw is None else occurrences_raw.strip()
    if not occurrences_raw.isdigit():
        raise fail("Occurrences", f"Occurrences of {error_id} must be a whole number")
    history_raw = block.get("History") or ""
    events = parse_events(history_raw, tz)
    if isinstance(events, int):
        index = (block.line_of("History") or 0) + events
        raise ParseError(
            path,
            line + index,
            f"History of {error_id} has a line that is not an event "
            "(`- YYYY-MM-DD HH:MM opened|seen N|resolved|reopened|regressed ...`); fix it, or "
            "move your note after a blank line",
            "LDG109",
        )
    fix = _SHA.search(text("Fix Commit"))
    others = (
        {span.name: text(span.name) for key, span in block.spans().items() if key not in _KEY_NAMES}
        if free_text
        else {}
    )
    return Entry(
        id=error_id,
        status=Status(status.lower()),
        severity=Severity(severity),
        area=text("Area"),
        description=text("Description"),
        first_seen=time("First Seen", required=True),
        last_seen=time("Last Seen", required=False),
        occurrences=int(occurrences_raw),
        resolved=time("Resolved", required=False) if status == Status.RESOLVED.word else None,
        fix_commit=fix.group(0) if fix else None,
        fingerprint=text("Fingerprint") or None,
        history=events,
        fields=others,
        line=line,
    )


def events_of(entry: Entry) -> list[Event]:
    """The entry's events in time order.  Without an `opened` event the error counts as opened
    at First Seen; a block without History reads as Ledger builds one (opened at First Seen,
    Occurrences - 1 sightings at Last Seen, resolved at Resolved)."""
    events = list(entry.history)
    first = entry.first_seen
    if not events and first is not None:
        if entry.occurrences > 1:
            events.append(Event(entry.last_seen or first, "seen", entry.occurrences - 1))
        if entry.status == Status.RESOLVED and entry.resolved is not None:
            events.append(Event(entry.resolved, "resolved", commit=entry.fix_commit))
    if first is not None and not any(e.kind == "opened" for e in events):
        events.insert(0, Event(first, "opened"))
    return sorted(events, key=lambda e: e.at)  # stable: same-minute events keep their order
