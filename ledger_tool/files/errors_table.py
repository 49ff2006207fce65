"""The summary table of ERRORS.md: the one place that knows a row's cells and how one is written.

`| ID | First seen | Status | Severity | Affected area | Link to fix |`, one row per error, newest
first.  `cells` says what the tool writes for an error; `SummaryTable` finds the rows of a parsed
ERRORS.md and edits them (`ErrorsFile` is one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ledger_tool.exceptions import ParseError
from ledger_tool.markdown.splice import Edit
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.vocabulary import ID_PATTERN

COLUMNS = ("ID", "First seen", "Status", "Severity", "Affected area", "Link to fix")

_TABLE_LINE = re.compile(r"\n\|[^\n]*")
_TABLE_ROWS = re.compile(r"(?:\|[^\n]*(?:\n|\Z))*")
_ROW = re.compile(rf"^\|[ \t]*({ID_PATTERN})[ \t]*\|[^\n]*(?:\n|\Z)", re.M)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_TABLE_RULE = re.compile(r"\|? *:?-+:? *\|")


def cells(
    error_id: str, first_seen: str, status: str, severity: str, area: str, link: str
) -> list[str]:
    """The cells the tool writes for an error: `area` as the user gave it (it is encoded here),
    `first_seen` in the file's time form, `link` the Link to fix cell as written."""
    return [error_id, first_seen, status.upper(), severity, encode(area), link]


def split_row(line: str) -> list[str]:
    """A row's cells, stripped (a `\\|` inside a cell is text, not a border)."""
    return [c.strip() for c in _CELL_SPLIT.split(line.strip().strip("|"))]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every row that names an ID, wherever it is in `text`, without parsing the
    file (shell completion reads this)."""
    return [split_row(m.group()) for m in _ROW.finditer(text)]


def row_prefix(error_id: str, first_seen: str, status: str, severity: str, area: str) -> str:
    """The start of the row `cells` gives, up to its Link to fix cell (`area` encoded)."""
    return f"| {error_id} | {first_seen} | {status.upper()} | {severity} | {area} | "


def line(row: list[str]) -> str:
    """A row's line, without its newline."""
    return "| " + " | ".join(row) + " |"


def line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


@dataclass(frozen=True)
class Section:
    """Where a `## ` section of ERRORS.md is: its heading, and where the next one starts."""

    start: int
    heading_end: int
    stop: int


class SummaryTable:
    """The table rows of a parsed ERRORS.md, read and edited in place."""

    text: str
    newline: str
    sections: dict[str, Section]
    rows_at: int | None  # where the rows start (the line after |---|)
    rows_end: int
    _edits: list[Edit]

    def error(self, offset: int, message: str, code: str = "LDG001") -> ParseError:
        """The problem at `offset`, located as `PATH:LINE` (the file that holds the table says)."""
        raise NotImplementedError

    def _read_table(self) -> None:
        schema = self.sections.get("schema")
        if schema is None:
            return
        header = _TABLE_LINE.search(self.text, schema.heading_end - 1, schema.stop)
        if header is None:
            return
        rule = header.end() + 1
        if not _TABLE_RULE.match(self.text, rule):
            raise self.error(
                header.start() + 1, "the summary table needs a |---| line under its header"
            )
        self.rows_at = self.rows_end = line_end(self.text, rule)
        rows = _TABLE_ROWS.match(self.text, self.rows_at, schema.stop)
        if rows is not None:
            self.rows_end = rows.end()

    @cached_property
    def rows(self) -> dict[str, tuple[int, int]]:
        """Table rows by ID: (start, end) offsets of each row's line."""
        if self.rows_at is None:
            return {}
        found: dict[str, tuple[int, int]] = {}
        for m in _ROW.finditer(self.text, self.rows_at, self.rows_end):
            found.setdefault(m.group(1), (m.start(), m.end()))
        return found

    def rows_of(self, error_id: str) -> list[tuple[int, int]]:
        """Every table row of an ID, in file order (`rows` keeps only the first)."""
        if self.rows_at is None:
            return []
        found = _ROW.finditer(self.text, self.rows_at, self.rows_end)
        return [(m.start(), m.end()) for m in found if m.group(1) == error_id]

    def _row_span(self, error_id: str) -> tuple[int, int] | None:
        """The (first) row of an ID, as in `rows`, found without reading every row."""
        if "rows" in self.__dict__ or self.rows_at is None:
            return self.rows.get(error_id)
        own = re.compile(rf"^\|[ \t]*{re.escape(error_id)}[ \t]*\|[^\n]*(?:\n|\Z)", re.M)
        m = own.search(self.text, self.rows_at, self.rows_end)
        return None if m is None else (m.start(), m.end())

    def row_cells(self, error_id: str) -> list[str]:
        start, end = self.rows[error_id]
        return split_row(self.text[start:end])

    def put_rows(self, rows: list[list[str]]) -> None:
        """Replace every table row with `rows` (already in order)."""
        if self.rows_at is None:
            return
        text = "".join(line(row) + self.newline for row in rows)
        if self.rows_end == len(self.text) and not self.text.endswith("\n"):
            text = text.rstrip("\r\n")
        self._edits.append(Edit(self.rows_at, self.rows_end, text))

    def put_row(self, error_id: str, cells: list[str], first_seen: str) -> None:
        """Write the table row for an error (kept in place, or inserted newest first)."""
        if self.rows_at is None:
            return
        row = line(cells) + self.newline
        span = self._row_span(error_id)
        if span is not None:
            start, end = span
            if not self.text[start:end].endswith("\n"):
                row = row.rstrip("\r\n")
            self._edits.append(Edit(start, end, row))
            return
        at = self.rows_end
        others: set[str] = set()
        for m in _ROW.finditer(self.text, self.rows_at, self.rows_end):  # rows are newest first
            other = m.group(1)
            if other in others:
                continue  # a repeated row: the first one stands for its ID
            others.add(other)
            cells_other = split_row(m.group(0))
            seen = cells_other[1] if len(cells_other) > 1 else ""
            if (seen, other) < (first_seen, error_id):
                at = m.start()
                break
        if at == len(self.text) and not self.text.endswith("\n"):
            row = self.newline + row.rstrip("\r\n")
        self._edits.append(Edit(at, at, row))
