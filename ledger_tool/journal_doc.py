"""JOURNAL.md: chronological `## YYYY-MM-DD HH:MM` entries; the tool owns its `|ERROR:...|` entries.

New entries go in time order; the user's entries, preamble and anything else stay as written.  When
the journal grows past the configured number of lines, whole old entries move to
`JOURNAL_ARCHIVE/YYYY-MM.md`, where `|ERROR:...|` references can still be found.
"""

from __future__ import annotations

import re

from ledger_tool import splice
from ledger_tool.block import Block
from ledger_tool.scan import scan
from ledger_tool.splice import Edit

_ENTRY_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
ERROR_REF = re.compile(r"\|ERROR:(ERR-\d{4}-\d\d-\d\d-\d{3,})\|")


class JournalFile:
    """A parsed JOURNAL.md; changes are collected as edits and applied by `render`."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        outline = scan(text, levels=3)
        headings = outline.headings
        self.entries: list[tuple[str, int, int]] = []  # (time, start, stop) of `## time` entries
        self.error_blocks: dict[str, list[tuple[int, int]]] = {}
        for i, h in enumerate(headings):
            if h.level == 2 and _ENTRY_TIME.match(h.title):
                stop = next((g.start for g in headings[i + 1 :] if g.level <= 2), len(text))
                self.entries.append((h.title[:16], h.start, stop))
            elif h.level == 3 and (m := ERROR_REF.search(h.title)):
                stop = next((g.start for g in headings[i + 1 :] if g.level <= 3), len(text))
                end = splice.content_end(text, h.start, stop)
                self.error_blocks.setdefault(m.group(1), []).append((h.start, end))
        self._edits: list[Edit] = []

    def latest_block(self, error_id: str) -> tuple[Block, tuple[int, int]] | None:
        spans = self.error_blocks.get(error_id)
        if not spans:
            return None
        start, end = spans[-1]
        return Block(self.text[start:end]), (start, end)

    def replace(self, span: tuple[int, int], block: Block) -> None:
        self._edits.append(Edit(span[0], span[1], splice.to_newline(block.text(), self.newline)))

    def add_entry(self, time: str, entry: str) -> None:
        """Insert a whole `## time` entry before the first later entry, or at the end."""
        entry = splice.to_newline(entry, self.newline)
        later = next((start for t, start, _ in self.entries if t > time), None)
        if later is not None:
            self._edits.append(splice.insert_before(later, entry, self.newline))
        else:
            end = splice.content_end(self.text, 0, len(self.text))
            self._edits.append(splice.insert_after(self.text, end, entry, self.newline))

    def render(self) -> str:
        return splice.apply(self.text, self._edits)


def archive(text: str, max_lines: int) -> tuple[str, dict[str, list[str]]]:
    """Move whole old entries out until the journal has at most `max_lines` lines.

    Returns the new journal text and, per month `YYYY-MM`, the entries (oldest first) to append to
    that month's archive file.  The newest entry always stays.
    """
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    if total <= max_lines:
        return text, {}
    journal = JournalFile("", text)
    moved: dict[str, list[str]] = {}
    edits: list[Edit] = []
    for time, start, stop in journal.entries[:-1]:
        if total <= max_lines:
            break
        chunk = text[start:stop]
        moved.setdefault(time[:7], []).append(chunk.rstrip("\r\n") + journal.newline)
        edits.append(Edit(start, stop, ""))
        total -= chunk.count("\n")
    return splice.apply(text, edits), moved


def archive_header(month: str) -> str:
    return f"# Journal archive {month}\n\nOlder entries moved here from JOURNAL.md by `ledger`.\n"


def merge_archive(old: str, chunks: list[str], newline: str) -> str:
    """An archive file with `chunks` (whole entries) added, every entry in time order."""
    archived = JournalFile("", old)
    head = old[: archived.entries[0][1]] if archived.entries else old
    entries = [(time, old[start:stop]) for time, start, stop in archived.entries]
    entries += [(chunk[3:19], chunk) for chunk in chunks]  # chunks start with "## YYYY-MM-DD HH:MM"
    entries.sort(key=lambda item: item[0])
    parts = [part.rstrip("\r\n") for part in (head, *(chunk for _, chunk in entries))]
    return (newline * 2).join(part for part in parts if part) + newline
