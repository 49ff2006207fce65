"""ERRORS.md: the summary table, the Active and Resolved sections, and the error blocks in them.

The tool owns the table's rows and the `### ERR-...` blocks inside `## Active Errors` and
`## Resolved Errors`; everything else in the file is the user's and is written back untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger_tool import splice
from ledger_tool.block import Block
from ledger_tool.errors import ParseError
from ledger_tool.scan import Outline, find_lines, scan
from ledger_tool.splice import Edit

ID_PATTERN = r"ERR-\d{4}-\d\d-\d\d-\d{3,}"
ID_RE = re.compile(ID_PATTERN)
_ID_TITLE = re.compile(rf"(?P<id>{ID_PATTERN})(?P<resolved>[ \t]+\(RESOLVED\))?")
_KEY_FIELD = re.compile(
    r"^\*\*(?P<name>Status|Severity|First Seen|Last Seen|Occurrences|Resolved)\*\*:[ \t]*"
    r"(?P<value>.*?)[ \t]*\r?$",
    re.M,
)
_KEY_VALUE = {
    "Status": re.compile(r"ACTIVE|RESOLVED"),
    "Severity": re.compile(r"P[01]"),
    "First Seen": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    "Last Seen": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    "Resolved": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    "Occurrences": re.compile(r"\d+"),
}
_KEY_HINT = {
    "Status": "ACTIVE or RESOLVED",
    "Severity": "P0 or P1",
    "Occurrences": "a whole number",
}
SECTIONS = {"active errors": "active", "resolved errors": "resolved", "schema": "schema"}
TABLE_HEADER = "| ID | First seen | Status | Severity | Affected area | Link to fix |"
TABLE_RULE = "|----|------------|--------|----------|---------------|-------------|"
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_TABLE_RULE = re.compile(r"\|? *:?-+:? *\|")


def _lines(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the lines in text[start:stop], each end past its newline."""
    out = []
    while start < stop:
        end = text.find("\n", start, stop)
        end = stop if end < 0 else end + 1
        out.append((start, end))
        start = end
    return out


@dataclass(frozen=True)
class BlockRef:
    id: str
    section: str  # "active" or "resolved"
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Section:
    start: int
    heading_end: int
    stop: int


class ErrorsFile:
    """A parsed ERRORS.md; changes are collected as edits and applied by `render`."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        self.outline: Outline = scan(text)
        self.sections: dict[str, Section] = {}
        self.blocks: dict[str, BlockRef] = {}
        self.order: dict[str, list[str]] = {"active": [], "resolved": []}
        self.rows: dict[str, tuple[int, int]] = {}
        self.row_order: list[str] = []
        self.rows_at: int | None = None  # where rows go when the table has none yet
        self._edits: list[Edit] = []
        self._read_sections()
        self._read_blocks()
        self._read_table()

    def error(self, offset: int, message: str) -> ParseError:
        return ParseError(self.path, self.outline.line_number(offset), message)

    def _read_sections(self) -> None:
        headings = self.outline.headings
        bounds = [h.start for h in headings if h.level <= 2]
        for h in headings:
            name = SECTIONS.get(h.title.lower()) if h.level == 2 else None
            if name is None:
                continue
            if name in self.sections:
                raise self.error(h.start, f"second '## {h.title}' heading; keep one and merge them")
            stop = next((b for b in bounds if b > h.start), len(self.text))
            self.sections[name] = Section(h.start, h.end, stop)
        for name, title in (("active", "Active Errors"), ("resolved", "Resolved Errors")):
            if name not in self.sections:
                unclosed = self.outline.unclosed
                if unclosed is not None:
                    opener = self.text[unclosed:].lstrip()[:3]
                    what = "HTML comment" if opener == "<!-" else "code fence"
                    raise self.error(
                        unclosed,
                        f"this {what} is never closed and hides the rest of the file, "
                        f"'## {title}' included; close it",
                    )
                raise ParseError(
                    self.path,
                    1,
                    f"no '## {title}' section (outside code fences and comments); add the heading "
                    "back, or move the file away and run `ledger init` to start a new one",
                )

    def _read_blocks(self) -> None:
        headings = self.outline.headings
        for index, h in enumerate(headings):
            if h.level != 3 or not h.title.startswith("ERR-"):
                continue
            section = self._section_at(h.start)
            if section is None:
                continue
            m = _ID_TITLE.fullmatch(h.title)
            if m is None:
                raise self.error(
                    h.start, f"heading '### {h.title}' is not an error ID ERR-YYYY-MM-DD-NNN"
                )
            error_id = m.group("id")
            if error_id in self.blocks:
                first = self.blocks[error_id].line
                raise self.error(
                    h.start,
                    f"duplicate ID {error_id} (also at line {first}); renumber one of them",
                )
            stop = self.sections[section].stop
            for later in headings[index + 1 :]:
                if later.level <= 3:
                    stop = min(stop, later.start)
                    break
            stop = min([stop, *(b for b in self.outline.breaks if b > h.start)])
            end = splice.content_end(self.text, h.start, stop)
            line = self.outline.line_number(h.start)
            self.blocks[error_id] = BlockRef(error_id, section, h.start, end, line)
            self.order[section].append(error_id)

    def _section_at(self, offset: int) -> str | None:
        for name in ("active", "resolved"):
            sec = self.sections[name]
            if sec.heading_end <= offset < sec.stop:
                return name
        return None

    def _read_table(self) -> None:
        schema = self.sections.get("schema")
        if schema is None:
            return
        lines = _lines(self.text, schema.heading_end, schema.stop)
        header = next((i for i, (a, b) in enumerate(lines) if self.text[a:b].startswith("|")), None)
        if header is None:
            return
        if header + 1 >= len(lines) or not _TABLE_RULE.match(self.text, lines[header + 1][0]):
            raise self.error(
                lines[header][0], "the summary table needs a |---| line under its header"
            )
        self.rows_at = lines[header + 1][1]
        for start, end in lines[header + 2 :]:
            if not self.text.startswith("|", start):
                break
            m = ID_RE.search(self.text, start, end)
            if m is not None and m.group(0) not in self.rows:
                self.rows[m.group(0)] = (start, end)
                self.row_order.append(m.group(0))
            self.rows_at = end

    # -- reading ----------------------------------------------------------------------------

    def block(self, error_id: str) -> Block:
        ref = self.blocks[error_id]
        return Block(self.text[ref.start : ref.end])

    def check_key_fields(self) -> None:
        """Refuse a file whose key fields are malformed: a fast pass over the whole text."""
        for m in find_lines(self.outline, _KEY_FIELD):
            if self._section_at(m.start()) is None:
                continue
            name, value = m.group("name"), m.group("value")
            if not _KEY_VALUE[name].fullmatch(value):
                want = _KEY_HINT.get(name, "a time YYYY-MM-DD HH:MM")
                raise self.error(m.start(), f"{name} is {value!r}; it must be {want}")

    def row_cells(self, error_id: str) -> list[str]:
        start, end = self.rows[error_id]
        line = self.text[start:end].strip()
        return [c.strip() for c in _CELL_SPLIT.split(line.strip("|"))]

    # -- changing ---------------------------------------------------------------------------

    def _sort_value(self, error_id: str, section: str) -> tuple[str, str]:
        ref = self.blocks[error_id]
        name = "First Seen" if section == "active" else "Resolved"
        pattern = re.compile(rf"^\*\*{name}\*\*:[ \t]*(.*?)[ \t]*\r?$", re.M)
        m = pattern.search(self.text, ref.start, ref.end)
        return (m.group(1) if m else "", error_id)

    def put(self, error_id: str, block: Block, section: str, key: tuple[str, str]) -> None:
        """Write a block into `section`, in place if it stays there, else in its sorted position.

        `key` is (First Seen for active, Resolved for resolved, error ID): newest first.
        """
        text = splice.to_newline(block.text(), self.newline)
        ref = self.blocks.get(error_id)
        if ref is not None and ref.section == section:
            if ref.end == len(self.text) and not self.text.endswith("\n"):
                text = text.rstrip("\r\n")
            self._edits.append(Edit(ref.start, ref.end, text))
            return
        if ref is not None:
            self._edits.append(splice.removal(self.text, ref.start, ref.end))
        others = [i for i in self.order[section] if i != error_id]
        lo, hi = 0, len(others)
        while lo < hi:  # sections are newest first: find the first block older than this one
            mid = (lo + hi) // 2
            if self._sort_value(others[mid], section) > key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(others):
            at = self.blocks[others[lo]].start
            self._edits.append(splice.insert_before(at, text, self.newline))
        else:
            sec = self.sections[section]
            last: int | None = self.blocks[others[-1]].end if others else None
            if last is None:  # an empty section: after its lead, above a closing `---`
                breaks = [b for b in self.outline.breaks if sec.start < b < sec.stop]
                last = splice.content_end(self.text, sec.start, min([sec.stop, *breaks]))
            at = last
            self._edits.append(splice.insert_after(self.text, at, text, self.newline))

    def put_row(self, error_id: str, cells: list[str], first_seen: str) -> None:
        """Write the table row for an error (kept in place, or inserted newest first)."""
        if self.rows_at is None:
            return
        row = "| " + " | ".join(cells) + " |" + self.newline
        if error_id in self.rows:
            start, end = self.rows[error_id]
            if not self.text[start:end].endswith("\n"):
                row = row.rstrip("\r\n")
            self._edits.append(Edit(start, end, row))
            return
        at = self.rows_at
        for other in self.row_order:
            cells_other = self.row_cells(other)
            seen = cells_other[1] if len(cells_other) > 1 else ""
            if (seen, other) < (first_seen, error_id):
                at = self.rows[other][0]
                break
        if at == len(self.text) and not self.text.endswith("\n"):
            row = self.newline + row.rstrip("\r\n")
        self._edits.append(Edit(at, at, row))

    def render(self) -> str:
        return splice.apply(self.text, self._edits)
