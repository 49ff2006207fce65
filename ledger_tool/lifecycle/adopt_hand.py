"""Hand-written error entries: found in any spelling and turned into the tool's blocks.

People and agents keep ledgers by hand in many shapes: `### ERR-20251120-001: title`,
`## [ERR-20260307-001] title`, `**Status:** 🔴 Active` (the colon inside the bold, which GitHub shows
the same), `**Severity:** High`, `**Component:**` for the area, `**Logged**` for the time.  This
module reads such an entry and writes the block the tool keeps, with every word of the person's
kept: their lines go into the block as they were (labels written `**Name**:`, headings moved below
the block's own level), and the fields that became the block's key fields are recorded verbatim in
an `Adopted From` field.  What cannot be mapped is returned as a problem; nothing is guessed.
The rules are stated in docs/adopt.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.splice import content_end
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.entry import KEY_FIELDS
from ledger_tool.model.timefmt import format_time

_HEADING_ID = re.compile(
    r"\[?ERR-(?P<y>\d{4})-?(?P<m>\d\d)-?(?P<d>\d\d)-(?P<n>\d{3,})\]?(?![\w-])(?P<rest>.*)"
)
_RESOLVED_MARK = re.compile(r"[ \t]*\(RESOLVED\)[ \t]*$", re.I)
# A field label at the start of a line, the colon inside or outside the bold.
_LABEL = re.compile(
    r"^(?P<bullet>[-*] )?\*\*(?P<name>[^*\n:]+?)[ \t]*(?::\*\*|\*\*:)[ \t]*(?P<value>.*?)[ \t]*$"
)
_LINE_HEADING = re.compile(r"^(?P<indent> {0,3})(?P<hashes>#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_WHEN = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d)(?:[ T](?P<time>\d\d:\d\d)(?::\d\d(?:\.\d+)?)?)?"
    r"[ \t]*(?P<zone>Z|[+-]\d\d:?\d\d|UTC)?",
    re.I,
)

# Field names people use, by the block field they stand for.
ALIASES = {
    "Status": ("status", "state"),
    "Severity": ("severity", "priority", "sev"),
    "Area": ("area", "component", "affected area", "affected component", "module", "service"),
    "First Seen": ("first seen", "date", "logged", "detected", "reported", "opened", "created"),
    "Last Seen": ("last seen",),
    "Occurrences": ("occurrences", "count"),
    "Resolved": ("resolved", "resolved at", "resolved on", "date resolved", "fixed on", "closed"),
    "Description": ("description",),
    "Fix Commit": ("fix commit", "commit"),
}
_FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# Statuses by the words people write (emoji and punctuation stripped, lower case).
ACTIVE_WORDS = frozenset(
    [
        "active",
        "open",
        "opened",
        "new",
        "pending",
        "ongoing",
        "investigating",
        "blocked",
        "deferred",
        "todo",
        "unresolved",
        "reopened",
        "regressed",
        "wip",
        "triage",
        "triaged",
        "acknowledged",
    ]
) | {"in progress"}
RESOLVED_WORDS = frozenset(
    ["resolved", "fixed", "closed", "done", "complete", "completed", "monitoring"]
)
# Severities: the ledger tracks P0 and P1 only (seed 000).
P0_WORDS = frozenset(["p0", "critical", "blocker", "urgent", "sev0", "sev1"])
P1_WORDS = frozenset(["p1", "high", "major", "sev2"])
UNTRACKED_WORDS = frozenset(
    [
        "p2",
        "p3",
        "p4",
        "medium",
        "moderate",
        "normal",
        "low",
        "minor",
        "trivial",
        "cosmetic",
        "sev3",
        "sev4",
    ]
)
# Areas guessed from the words of a title when an entry names none (first match wins).
AREA_WORDS = (
    ("container", ("docker", "container", "dockerfile", "kubernetes", "k8s", "runpod")),
    ("gpu", ("cuda", "gpu", "nccl", "out of memory", "oom")),
    ("model-loading", ("model load", "checkpoint", "weights", "hugging face", "huggingface")),
    ("training", ("training", "train ", "epoch", "optimizer")),
    ("inference", ("inference", "gradio", "serving", "predict")),
    ("data", ("dataset", "dataloader", "tokenizer")),
    ("network", ("network", "timeout", "connection", "proxy", "download", "http", "api")),
    ("build", ("build", "dependenc", "npm", "pip ", "compile", "install")),
    ("frontend", ("react", "frontend", "css", "vite", " ui")),
)
UNASSIGNED_AREA = "unassigned"
DASHES = "\u2013\u2014"  # the en and em dashes people put between an ID and its title
# Labels never rewritten to a field: the block has its own field of that name.
_KEY_NAMES = frozenset(name.lower() for name in KEY_FIELDS) | frozenset(_FIELD_OF)
# Reports a problem: (the header field it is about, or None for the heading; the message).
Problem = Callable[[str | None, str], None]


@dataclass(frozen=True)
class HandEntry:
    """An entry a person wrote: where it is and what its heading says."""

    start: int  # offset of its heading line
    end: int  # offset just past its last line
    level: int
    heading: str  # the heading's text after the hashes
    id: str  # the ID in the tool's spelling ERR-YYYY-MM-DD-NNN
    title: str  # the heading's text after the ID
    section: str  # the title of the `#`/`##` section it sits in ("" when none)


@dataclass(frozen=True)
class Converted:
    """A hand-written entry as the tool's block, or the reasons it cannot be one."""

    entry: HandEntry
    status: str  # "active" or "resolved"
    values: dict[str, str]  # key fields in stored form, as the block will carry them
    body: list[str]  # the person's remaining lines, as the block will carry them
    adopted_from: str  # the heading and the mapped fields, verbatim (stored form)
    problems: list[tuple[int, str]]  # (offset, message)


def find_entries(outline: Outline, tool_blocks: set[int]) -> list[HandEntry]:
    """Every heading (outside fences and comments) that starts with an error ID in any
    spelling, except the blocks the tool can already read (their offsets in `tool_blocks`)."""
    text = outline.text
    found: list[HandEntry] = []
    headings = outline.headings
    section = ""
    for i, h in enumerate(headings):
        m = _HEADING_ID.match(h.title)
        if h.level <= 2 and m is None:
            section = h.title
        if m is None or h.start in tool_blocks:
            continue
        stop = next((g.start for g in headings[i + 1 :] if g.level <= max(h.level, 2)), len(text))
        stop = min([stop, *(b for b in outline.breaks if b > h.start)])
        end = content_end(text, h.start, stop)
        error_id = f"ERR-{m['y']}-{m['m']}-{m['d']}-{m['n']}"
        title = _RESOLVED_MARK.sub("", m["rest"]).strip(" \t:-" + DASHES).strip()
        found.append(HandEntry(h.start, end, h.level, h.title, error_id, title, section))
    return found


def convert(text: str, entry: HandEntry, tz: tzinfo) -> Converted:
    """Read one hand-written entry into the tool's key fields and the person's other lines."""
    lines = [line.rstrip("\r") for line in text[entry.start : entry.end].split("\n")[1:]]
    if lines and lines[-1] == "":
        lines.pop()
    header, body = _split_header(lines)
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
    mapped = "; ".join(f"{label}: {value}" for value, label in _labels(header))
    adopted = f"{entry.heading}" + (f" ({mapped})" if mapped else "")
    return Converted(
        entry, status, values, _tool_body(body, entry.level), encode(adopted), problems
    )


def _split_header(lines: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The key fields a person wrote at the top level of an entry (the first of each name), and
    the entry's other lines.  Header values are (value, the line as written)."""
    header: dict[str, tuple[str, str]] = {}
    body: list[str] = []
    for line, plain in zip(lines, _plain_lines(lines), strict=True):
        label = _LABEL.match(line) if plain else None
        name = _FIELD_OF.get(label["name"].strip().lower()) if label else None
        if label is not None and name is not None and not label["bullet"] and name not in header:
            header[name] = (_strip_marks(label["value"]), line)
            continue
        body.append(line)
    return header, body


def _strip_marks(value: str) -> str:
    """A value without the Markdown a person wraps it in (`**`, backticks, a trailing `  `)."""
    return value.strip().strip("*`").strip()


def _labels(header: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """The header lines as `(value, label)`, label as the person spelled it."""
    out = []
    for _, line in header.values():
        m = _LABEL.match(line)
        assert m is not None
        out.append((m["value"], m["name"].strip()))
    return out


def _words(value: str) -> str:
    """Letters, digits and single spaces, lower case: `🔴 Active` -> `active`."""
    return " ".join(re.sub(r"[\W_]+", " ", value.lower()).split())


def _status(header: dict[str, tuple[str, str]], entry: HandEntry, problem: Problem) -> str:
    """ACTIVE or RESOLVED from the words people use; without a Status, from the section (an
    entry under a heading that says resolved, fixed or closed is resolved)."""
    if "Status" not in header:
        heading = _words(entry.section + " " + entry.heading)
        done = any(w in heading.split() for w in ("resolved", "fixed", "closed"))
        return "resolved" if done else "active"
    words = _words(header["Status"][0])
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


def _severity(header: dict[str, tuple[str, str]], entry: HandEntry, problem: Problem) -> str:
    """P0 or P1: Critical (also blocker, urgent, SEV1) is P0, High (also major, SEV2) is P1."""
    if "Severity" not in header:
        problem(None, f"{entry.id} has no Severity; add `**Severity:** P0` or `P1` to it")
        return ""
    words = _words(header["Severity"][0])
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
    header: dict[str, tuple[str, str]], name: str, entry: HandEntry, tz: tzinfo, problem: Problem
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
    header: dict[str, tuple[str, str]],
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
        label = _LABEL.match(line)
        if label and _FIELD_OF.get(label["name"].strip().lower()) == "Resolved":
            when = _read_when(label["value"], tz)
            if when is not None:
                return when
    problem(
        None,
        f"{entry.id} is resolved but says not when; add `**Resolved:** YYYY-MM-DD HH:MM` to it",
    )
    return None


def guess_area(*texts: str) -> str:
    """An area from the words of a title or description (AREA_WORDS), else `unassigned`."""
    for text in texts:
        lowered = f" {text.lower()} "
        for area, words in AREA_WORDS:
            if any(word in lowered for word in words):
                return area
    return UNASSIGNED_AREA


def _tool_body(lines: list[str], level: int) -> list[str]:
    """The person's lines as they sit in a block: labels written `**Name**:` so the tool reads
    them as fields, headings moved below the block's own `###`, outer blank lines dropped."""
    plain = _plain_lines(lines)
    levels = [_heading_level(line) or 9 for line, p in zip(lines, plain, strict=True) if p]
    shift = max(0, 4 - min([*levels, level + 1]))
    out: list[str] = []
    for line, is_plain in zip(lines, plain, strict=True):
        if not is_plain:
            pass
        elif (heading := _LINE_HEADING.match(line)) is not None:
            hashes = "#" * min(6, len(heading["hashes"]) + shift)
            line = heading["indent"] + hashes + line[heading.end() :]
        elif (label := _LABEL.match(line)) is not None and (
            label["bullet"] or label["name"].strip().lower() not in _KEY_NAMES
        ):  # a key field's name stays as written: the block has that field already
            bullet = label["bullet"] or ""
            value = f" {label['value']}" if label["value"] else ""
            line = f"{bullet}**{label['name'].strip()}**:{value}"
        out.append(line)
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def _plain_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is Markdown structure (False inside a fenced code block and
    for the fence lines themselves)."""
    plain: list[bool] = []
    fence: str | None = None
    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            plain.append(False)
        elif (opening := _FENCE.match(line)) is not None:
            fence = opening.group(1)
            plain.append(False)
        else:
            plain.append(True)
    return plain


def _heading_level(line: str) -> int | None:
    m = _LINE_HEADING.match(line)
    return len(m["hashes"]) if m else None
