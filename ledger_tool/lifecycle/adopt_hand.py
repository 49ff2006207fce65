"""Hand-written error entries: found in any spelling and split into their parts.

People and agents keep ledgers by hand in many shapes: `### ERR-20251120-001: title`,
`## [ERR-20260307-001] title`, `**Status:** 🔴 Active` (the colon inside the bold, which GitHub shows
the same).  This module finds such entries outside fences and comments, splits each into the key
fields written at its top (adopt_fields maps them) and the person's other lines, and gives those
lines back as the tool's block carries them: labels written `**Name**:`, headings moved below the
block's own level, every word kept.  The rules are stated in docs/adopt.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger_tool.lifecycle.adopt_words import DASHES, FIELD_OF
from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.splice import content_end
from ledger_tool.model.entry import KEY_FIELDS

_HEADING_ID = re.compile(
    r"\[?ERR-(?P<y>\d{4})-?(?P<m>\d\d)-?(?P<d>\d\d)-(?P<n>\d{3,})\]?(?![\w-])(?P<rest>.*)"
)
_RESOLVED_MARK = re.compile(r"[ \t]*\(RESOLVED\)[ \t]*$", re.I)
# A field label at the start of a line, the colon inside or outside the bold.
LABEL = re.compile(
    r"^(?P<bullet>[-*] )?\*\*(?P<name>[^*\n:]+?)[ \t]*(?::\*\*|\*\*:)[ \t]*(?P<value>.*?)[ \t]*$"
)
_LINE_HEADING = re.compile(r"^(?P<indent> {0,3})(?P<hashes>#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

# Labels never rewritten to a field: the block has its own field of that name.
_KEY_NAMES = frozenset(name.lower() for name in KEY_FIELDS) | frozenset(FIELD_OF)
# The key fields written at an entry's top: by field name, (value, the line as written).
Header = dict[str, tuple[str, str]]


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


def split_header(lines: list[str]) -> tuple[Header, list[str]]:
    """The key fields a person wrote at the top level of an entry (the first of each name), and
    the entry's other lines."""
    header: Header = {}
    body: list[str] = []
    for line, plain in zip(lines, _plain_lines(lines), strict=True):
        label = LABEL.match(line) if plain else None
        name = FIELD_OF.get(label["name"].strip().lower()) if label else None
        if label is not None and name is not None and not label["bullet"] and name not in header:
            header[name] = (_strip_marks(label["value"]), line)
            continue
        body.append(line)
    return header, body


def _strip_marks(value: str) -> str:
    """A value without the Markdown a person wraps it in (`**`, backticks, a trailing `  `)."""
    return value.strip().strip("*`").strip()


def header_labels(header: Header) -> list[tuple[str, str]]:
    """The header lines as `(value, label)`, label as the person spelled it."""
    out = []
    for _, line in header.values():
        m = LABEL.match(line)
        assert m is not None
        out.append((m["value"], m["name"].strip()))
    return out


def tool_body(lines: list[str], level: int) -> list[str]:
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
        elif (label := LABEL.match(line)) is not None and (
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
