"""JOURNAL.md: `## YYYY-MM-DD HH:MM` entries; the tool owns its `|ERROR:...|` entries.

Journals are kept oldest first or newest first, and the entries' own times say which: a new entry
goes where that order puts it, never below the user's closing sections (`## Keywords`, `## Archives`),
with the `---` line between entries if the journal separates them so.  The user's entries, preamble,
footers and anything else stay as written.  When the journal grows past the configured number of
lines, whole entries move out oldest first by time to `JOURNAL_ARCHIVE/YYYY-MM.md`, where
`|ERROR:...|` references can still be found.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple, TypeVar

from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import refuse_unclosed, scan
from ledger_tool.markdown.splice import Edit
from ledger_tool.model.vocabulary import ERROR_REF

_ENTRY_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")

_T = TypeVar("_T")


class _Addition(NamedTuple):
    """A new entry's text and where it goes (several may go to the same place)."""

    offset: int
    time: str
    text: str


class JournalFile:
    """A parsed JOURNAL.md; changes are collected as edits and applied by `render`.

    `entries` are the `(time, start, stop)` of the `## time` entries in file order, `stop` being the
    next heading of level 1 or 2 (another entry, or a section of the user's).  `error_blocks` are
    the spans of each error's `### ... |ERROR:...|` sub-entries, oldest first by time.
    """

    def __init__(self, path: str, text: str, strict: bool = True) -> None:
        """Parse `text`; with `strict`, refuse a journal whose end a fence or comment hides (a
        new entry would land inside it)."""
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        outline = scan(text, levels=3)
        if strict:
            refuse_unclosed(outline, path, "journal entry")
        self._breaks = outline.breaks  # thematic breaks outside fences and comments, in order
        self.entries: list[tuple[str, int, int]] = []
        found: list[tuple[str, str, int, int]] = []  # (entry time, error ID, start, end)
        headings = outline.headings
        time = ""
        for i, h in enumerate(headings):
            if h.level <= 2:
                time = h.title[:16] if h.level == 2 and _ENTRY_TIME.match(h.title) else ""
                if time:
                    stop = next((g.start for g in headings[i + 1 :] if g.level <= 2), len(text))
                    self.entries.append((time, h.start, stop))
            elif h.level == 3 and (m := ERROR_REF.search(h.title)):
                stop = next((g.start for g in headings[i + 1 :] if g.level <= 3), len(text))
                found.append((time, m.group(1), h.start, self._content_end(h.start, stop)))
        self.error_blocks: dict[str, list[tuple[int, int]]] = {}
        for _, error_id, start, end in self.in_time_order(found, lambda item: item[0]):
            self.error_blocks.setdefault(error_id, []).append((start, end))
        self._edits: list[Edit] = []
        self._added: list[_Addition] = []

    # -- reading ----------------------------------------------------------------------------

    @property
    def newest_first(self) -> bool:
        """True when the journal is kept newest first: its first entry is newer than its last."""
        return len(self.entries) > 1 and self.entries[0][0] > self.entries[-1][0]

    def in_time_order(self, items: list[_T], time: Callable[[_T], str]) -> list[_T]:
        """`items` (in file order) oldest first.  Those of the same minute keep the order they
        were written in: top down in an oldest-first journal, bottom up in a newest-first one."""
        return sorted(reversed(items) if self.newest_first else items, key=time)

    def _content_end(self, start: int, stop: int) -> int:
        """Offset just past the last line of `text[start:stop]` that is neither blank nor a
        thematic break: a `---` that closes an entry separates it from the next one."""
        end = splice.content_end(self.text, start, stop)
        while end > start:
            last = splice.line_start(self.text, end - 1)
            if not self._is_break(last):
                break
            end = splice.content_end(self.text, start, last)
        return end

    def _is_break(self, offset: int) -> bool:
        i = bisect_left(self._breaks, offset)
        return i < len(self._breaks) and self._breaks[i] == offset

    def _follows(self, i: int) -> bool:
        """True when entry `i + 1` comes right after entry `i`, no section of the user's between."""
        return 0 <= i < len(self.entries) - 1 and self.entries[i][2] == self.entries[i + 1][1]

    @cached_property
    def _separator(self) -> str:
        """The thematic break line the journal puts between its entries ("" when it does not).

        A journal separates its entries when at least half of the gaps between them hold one, so
        that a few entries written without (by hand, or by an older `ledger`) do not change it.
        """
        rules: list[int] = []
        gaps = 0
        for i in range(len(self.entries) - 1):
            if self._follows(i):
                gaps += 1
                _, start, stop = self.entries[i]
                k = bisect_left(self._breaks, self._content_end(start, stop))
                if k < len(self._breaks) and self._breaks[k] < stop:
                    rules.append(self._breaks[k])
        if not rules or 2 * len(rules) < gaps:
            return ""
        line = self.text[rules[0] : self.text.find("\n", rules[0])]
        return line.rstrip("\r")

    # -- writing ----------------------------------------------------------------------------

    def replace(self, span: tuple[int, int], block: Block) -> None:
        self._edits.append(Edit(span[0], span[1], splice.to_newline(block.text(), self.newline)))

    def add_entry(self, time: str, entry: str) -> None:
        """Insert a whole `## time` entry where the journal's order puts it.

        Newest first: before the first entry not newer than it (so above those of the same
        minute, which were recorded earlier).  Oldest first: before the first later entry.
        Otherwise right after the last entry, above any section of the user's that follows it.
        A journal without entries gets it at its end.
        """
        entry = splice.to_newline(entry, self.newline)
        nl, rule = self.newline, self._separator
        below, above = (f"{nl}{rule}{nl}", f"{rule}{nl}{nl}") if rule else ("", "")
        if self.newest_first:
            before = next((start for t, start, _ in self.entries if t <= time), None)
        else:
            before = next((start for t, start, _ in self.entries if t > time), None)
        if before is not None:
            edit = splice.insert_before(before, entry + below, nl)
        elif self.entries:
            _, start, stop = self.entries[-1]
            edit = splice.insert_after(self.text, self._content_end(start, stop), above + entry, nl)
        else:
            end = splice.content_end(self.text, 0, len(self.text))
            edit = splice.insert_after(self.text, end, entry, nl)
        self._added.append(_Addition(edit.start, time, edit.text))

    def render(self) -> str:
        """The text with every edit applied; new entries that land in the same place go in the
        journal's order (the later recorded of one minute below in an oldest-first journal, above
        in a newest-first one)."""
        added = sorted(self._added, key=lambda a: a.time)
        if self.newest_first:
            added.reverse()
        added.sort(key=lambda a: a.offset)
        return splice.apply(
            self.text, [*(Edit(a.offset, a.offset, a.text) for a in added), *self._edits]
        )

    # -- archiving --------------------------------------------------------------------------

    def oldest(self, excess: int) -> list[int]:
        """Indices of the entries to archive, oldest first by time, until about `excess` lines are
        gone; the newest entry always stays."""
        order = self.in_time_order(list(range(len(self.entries))), lambda i: self.entries[i][0])
        chosen: list[int] = []
        for i in order[:-1]:
            if excess <= 0:
                break
            chosen.append(i)
            _, start, stop = self.entries[i]
            excess -= self.text.count("\n", start, stop)
        return chosen

    def chunk(self, i: int) -> str:
        """Entry `i` as it moves to the archive: verbatim, without the separator after it."""
        _, start, stop = self.entries[i]
        return self.text[start : self._content_end(start, stop)].rstrip("\r\n") + self.newline

    def runs(self, chosen: list[int]) -> list[tuple[int, int]]:
        """`chosen` entry indices as runs `(first, last)` of entries that follow one another."""
        runs: list[tuple[int, int]] = []
        for i in sorted(chosen):
            if runs and runs[-1][1] == i - 1 and self._follows(i - 1):
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        return runs

    def removal(self, first: int, last: int) -> Edit:
        """Remove entries `first`..`last` (one after the other in the file) and one gap with them.

        The gap after them when an entry follows; else the gap before them, when they close a run
        of entries (a footer or the end of the file after them): then no `---` is left dangling
        or doubled.  A missing final newline stays missing.
        """
        _, start, _ = self.entries[first]
        _, last_start, stop = self.entries[last]
        if not self._follows(last) and self._follows(first - 1):
            _, previous, previous_stop = self.entries[first - 1]
            start = self._content_end(previous, previous_stop)
            stop = self._content_end(last_start, stop)
        if stop == len(self.text) and not self.text.endswith("\n"):
            start = len(self.text[:start].rstrip("\r\n"))
        return Edit(start, stop, "")


def archive(text: str, max_lines: int) -> tuple[str, dict[str, list[str]]]:
    """Move whole old entries out until the journal has at most about `max_lines` lines.

    Returns the new journal text and, per month `YYYY-MM`, the entries (oldest first) to append to
    that month's archive file.  Entries go by their time, whatever their place in the file; the
    newest entry always stays.
    """
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    if total <= max_lines:
        return text, {}
    journal = JournalFile("", text, strict=False)
    chosen = journal.oldest(total - max_lines)
    moved: dict[str, list[str]] = {}
    for i in chosen:
        moved.setdefault(journal.entries[i][0][:7], []).append(journal.chunk(i))
    edits = [journal.removal(first, last) for first, last in journal.runs(chosen)]
    return splice.apply(text, edits), moved


def archive_header(month: str) -> str:
    return f"# Journal archive {month}\n\nOlder entries moved here from JOURNAL.md by `ledger`.\n"


def merge_archive(old: str, chunks: list[str], newline: str, path: str = "") -> str:
    """An archive file (at `path`) with `chunks` (whole entries) added, every entry in time
    order."""
    archived = JournalFile(path, old)
    head = old[: archived.entries[0][1]] if archived.entries else old
    head = splice.to_newline(head, newline)  # a new file's header takes the journal's line ends
    entries = [(time, old[start:stop]) for time, start, stop in archived.entries]
    entries += [(chunk[3:19], chunk) for chunk in chunks]  # chunks start with "## YYYY-MM-DD HH:MM"
    entries.sort(key=lambda item: item[0])
    parts = [part.rstrip("\r\n") for part in (head, *(chunk for _, chunk in entries))]
    return (newline * 2).join(part for part in parts if part) + newline
