"""Mapping a hand-written entry's fields to the tool's: its status, severity and times read
from the words people write (`**Status:** 🔴 Active`, `**Severity:** High`, `**Logged**` for the
time), its area named or guessed, and the lines that are left as the block's body.  What cannot be
mapped is returned as a problem with its place; nothing is guessed but the area.  The rules are
stated in docs/adopt.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ledger_tool.lifecycle.adopt_hand import (
    LABEL,
    HandEntry,
    Header,
    header_labels,
    split_header,
    tool_body,
)
from ledger_tool.lifecycle.adopt_words import (
    ACTIVE_WORDS,
    FIELD_OF,
    P0_WORDS,
    P1_WORDS,
    RESOLVED_WORDS,
    UNTRACKED_WORDS,
    guess_area,
    plain_words,
)
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.timefmt import format_time

_WHEN = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d)(?:[ T](?P<time>\d\d:\d\d)(?::\d\d(?:\.\d+)?)?)?"
    r"[ \t]*(?P<zone>Z|[+-]\d\d:?\d\d|UTC)?",
    re.I,
)
# Reports a problem: (the header field it is about, or None for the heading; the message).
Problem = Callable[[str | None, str], None]


@dataclass(frozen=True)
class Converted:
    """A hand-written entry as the tool's block, or the reasons it cannot be one."""

    entry: HandEntry
    status: str  # "active" or "resolved"
    values: dict[str, str]  # key fields in stored form, as the block will carry them
    body: list[str]  # the person's remaining lines, as the block will carry them
    adopted_from: str  # the heading and the mapped fields, verbatim (stored form)
    problems: list[tuple[int, str]]  # (offset, message)


def convert(text: str, entry: HandEntry, tz: tzinfo) -> Converted:
    """Read one hand-written entry into the tool's key fields and the person's other lines."""
    lines = [line.rstrip("\r") for line in text[entry.start : entry.end].split("\n")[1:]]
    if lines and lines[-1] == "":
        lines.pop()
    header, body = split_header(lines)
    problems: list[tuple[int, str]] = []

    def problem(name: str | None, message: str) -> None:
        offset = entry.start
        if name is not None and name in header:
            offset = text.find(header[name][1], entry.start)
        problems.append((max(offset, entry.start), message))

    status = _status(header, entry, problem)
    severity = _severity(header, entry, problem)
    if "First Seen" in header:
        first_seen = _time(header, "First Seen", entry, tz, problem)
    else:
        first_seen = _day_of(entry, tz, problem)
    resolved = _resolution(header, lines, entry, tz, problem) if status == "resolved" else None
    if first_seen is not None and resolved is not None and resolved < first_seen:
        problem("Resolved", f"{entry.id} is resolved before it was first seen; correct the dates")
    last_seen = _time(header, "Last Seen", entry, tz, problem) or first_seen
    occurrences = header["Occurrences"][0] if "Occurrences" in header else "1"
    if not occurrences.isdigit():
        problem("Occurrences", f"Occurrences of {entry.id} is {occurrences!r}; write a number")
    description = header["Description"][0] if "Description" in header else entry.title
    if not description.strip():
        problem(None, f"{entry.id} has no title or Description; add one after the ID")
    area = header["Area"][0] if "Area" in header else guess_area(entry.title, description)
    values = {
        "Status": status.upper(),
        "Severity": severity,
        "Area": encode(area),
        "First Seen": format_time(first_seen) if first_seen else "",
        "Last Seen": format_time(max(filter(None, [last_seen, resolved]))) if last_seen else "",
        "Occurrences": occurrences,
        "Description": encode(description),
    }
    if resolved is not None:
        values["Resolved"] = format_time(resolved)
    if "Fix Commit" in header:
        values["Fix Commit"] = encode(header["Fix Commit"][0])
    mapped = "; ".join(f"{label}: {value}" for value, label in header_labels(header))
    adopted = f"{entry.heading}" + (f" ({mapped})" if mapped else "")
    return Converted(entry, status, values, tool_body(body, entry.level), encode(adopted), problems)


def _status(header: Header, entry: HandEntry, problem: Problem) -> str:
    """ACTIVE or RESOLVED from the words people use; without a Status, from the section (an
    entry under a heading that says resolved, fixed or closed is resolved)."""
    if "Status" not in header:
        heading = plain_words(entry.section + " " + entry.heading)
        done = any(w in heading.split() for w in ("resolved", "fixed", "closed"))
        return "resolved" if done else "active"
    words = plain_words(header["Status"][0])
    for candidate in (words, " ".join(words.split()[:2]), " ".join(words.split()[:1])):
        if candidate in ACTIVE_WORDS:
            return "active"
        if candidate in RESOLVED_WORDS:
            return "resolved"
    problem(
        "Status",
        f"Status of {entry.id} is {header['Status'][0]!r}; the ledger knows Active (also open, "
        "in progress, deferred, ...) and Resolved (also fixed, closed, done, monitoring): "
        "write one of them",
    )
    return "active"


def _severity(header: Header, entry: HandEntry, problem: Problem) -> str:
    """P0 or P1: Critical (also blocker, urgent, SEV1) is P0, High (also major, SEV2) is P1."""
    if "Severity" not in header:
        problem(None, f"{entry.id} has no Severity; add `**Severity:** P0` or `P1` to it")
        return ""
    words = plain_words(header["Severity"][0])
    first = words.split()[0] if words else ""
    for candidate in (words.replace(" ", ""), first):
        if candidate in P0_WORDS:
            return "P0"
        if candidate in P1_WORDS:
            return "P1"
        if candidate in UNTRACKED_WORDS:
            problem(
                "Severity",
                f"{entry.id} has Severity {header['Severity'][0]!r}: the ledger tracks only "
                "critical errors (P0 = Critical, P1 = High); raise it to P0/P1 if it is one, "
                "or move the entry out of this file (P2/P3 are not tracked here)",
            )
            return ""
    problem(
        "Severity",
        f"Severity of {entry.id} is {header['Severity'][0]!r}; write P0 (Critical) or P1 (High)",
    )
    return ""


def _read_when(value: str, tz: tzinfo) -> datetime | None:
    """A time as people write it: a date, a date and time, ISO 8601 with an offset."""
    m = _WHEN.search(value)
    if m is None:
        return None
    try:
        when = datetime.fromisoformat(f"{m['date']} {m['time'] or '00:00'}")
    except ValueError:
        return None
    zone = (m["zone"] or "").upper()
    if not zone:
        return when.replace(tzinfo=tz)
    offset = "+00:00" if zone in ("Z", "UTC") else zone
    if ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    return datetime.fromisoformat(f"{when:%Y-%m-%dT%H:%M}{offset}").astimezone(tz)


def _time(
    header: Header, name: str, entry: HandEntry, tz: tzinfo, problem: Problem
) -> datetime | None:
    if name not in header:
        return None
    value = header[name][0]
    when = _read_when(value, tz)
    if when is None:
        problem(name, f"{name} of {entry.id} is {value!r}; write it as YYYY-MM-DD HH:MM")
        return None
    if name == "First Seen" and when.date() != _id_date(entry):
        problem(
            name,
            f"{entry.id} is dated {_id_date(entry)} but {value!r} is {format_time(when)} in the "
            f"configured zone; set `timezone` in .ledger.toml to the zone it was written in",
        )
        return None
    return when


def _id_date(entry: HandEntry) -> date | None:
    try:
        return date.fromisoformat(entry.id[4:14])
    except ValueError:
        return None


def _day_of(entry: HandEntry, tz: tzinfo, problem: Problem) -> datetime | None:
    """First Seen when an entry gives none: 00:00 of its ID's day (an ID carries that date)."""
    day = _id_date(entry)
    if day is None:
        problem(None, f"{entry.id} is not a real date; correct the ID")
        return None
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _resolution(
    header: Header,
    lines: list[str],
    entry: HandEntry,
    tz: tzinfo,
    problem: Problem,
) -> datetime | None:
    """When a resolved entry was resolved: its Resolved field, at the top or in a list below
    (`### Resolution` / `- **Resolved**: 2026-09-10`)."""
    if "Resolved" in header:
        return _time(header, "Resolved", entry, tz, problem)
    for line in lines:
        label = LABEL.match(line)
        if label and FIELD_OF.get(label["name"].strip().lower()) == "Resolved":
            when = _read_when(label["value"], tz)
            if when is not None:
                return when
    problem(
        None,
        f"{entry.id} is resolved but says not when; add `**Resolved:** YYYY-MM-DD HH:MM` to it",
    )
    return None
