"""The report's tables as values, and as Markdown.

A table holds plain text (and an address per cell); each page lays it out in its own language:
`markdown_table` here for the Markdown report, an autoescaped loop in report.html.j2 for HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ledger_tool.markdown.textcodec import encode

SUMMARY_CHARS = 80
_SAFE_URL = re.compile(r"https?://[^\s<>\"']+")
_MD_INLINE = re.compile(r"([*_~])")  # `encode` escapes the brackets already


@dataclass(frozen=True)
class Cell:
    """One table cell: plain text, and the address it links to ("" for none)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Table:
    """A table of the report, or the sentence said when it has no rows."""

    header: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    columns: str  # per column: l short text, r number (right-aligned), w text that may wrap
    empty: str  # said instead of a table without rows


def summary(text: str) -> str:
    """The first line of a description, cut to fit a table cell."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


@dataclass(frozen=True)
class Lookup:
    """What the report's rows link to and quote, by error ID: `anchors` links each ID to its
    heading in ERRORS.md, `commit_url` is the commit page pattern (`...{sha}`, "" for none), and
    `fields` gives an error's free-text fields (the figures read entries without them: they are
    slow to decode, and the report quotes a few errors only)."""

    anchors: Mapping[str, str]
    commit_url: str
    fields: Callable[[str], Mapping[str, str]]

    def cell(self, error_id: str) -> Cell:
        """The error's ID, linked to its entry."""
        return Cell(error_id, self.anchors.get(error_id, ""))


def field_cell(fields: Mapping[str, str], name: str) -> Cell:
    """The first line of a free-text field, "-" when it is empty."""
    return Cell(summary(fields.get(name, "")) or "-")


def safe_href(url: str) -> str:
    """`url` if it is a plain http(s) address, else "" (a hand-set `javascript:` pattern links
    nowhere)."""
    return url if _SAFE_URL.fullmatch(url) else ""


def markdown_text(text: str) -> str:
    """Any text as one line of Markdown that shows exactly that text (also in a table cell)."""
    return _MD_INLINE.sub(r"\\\1", encode(text))


def markdown_cell(cell: Cell) -> str:
    """A cell as Markdown: escaped text, as a link when it has an address."""
    if not cell.href:
        return markdown_text(cell.text)
    href = cell.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{markdown_text(cell.text)}]({href})"


def markdown_table(table: Table) -> str:
    """A GitHub table of `table` (or its `empty` sentence), every cell escaped."""
    if not table.rows:
        return table.empty
    rule = "|" + "|".join("---:" if kind == "r" else "---" for kind in table.columns) + "|"
    lines = ["| " + " | ".join(markdown_text(h) for h in table.header) + " |", rule]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)
