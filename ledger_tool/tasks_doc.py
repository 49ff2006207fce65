"""TASKS.md: one `**Task ID**: TASK-ERR-...` task per error; the rest of the file is the user's.

A task is the level-2 section holding its Task ID line (the seed's format under any heading), so a
task written by hand in the seed's shape is found and kept up to date too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from ledger_tool import splice
from ledger_tool.block import Block
from ledger_tool.scan import hidden_only
from ledger_tool.splice import Edit

_TASK_ID_LINE = r"\n\*\*Task ID\*\*:[ \t]*TASK-({id})[ \t]*\r?$"
_SECTION = re.compile(r"\n {0,3}#{1,2}(?:[ \t]|\r?$)", re.M)  # a level-1 or -2 heading line
_STATUS = re.compile(r"^\*\*Status\*\*:[ \t]*(\S*)", re.M)
_FOOTER = re.compile(r"(?:^|\n) {0,3}-{3,}[ \t]*\r?\n(?:(?! {0,3}#)[^\n]*(?:\n|\Z)){1,3}\Z")
_ANY_TASK = re.compile(_TASK_ID_LINE.format(id=r"ERR-\d{4}-\d\d-\d\d-\d{3,}"), re.M)


class TasksFile:
    """A parsed TASKS.md; changes are collected as edits and applied by `render`.

    Tasks are found on demand, by their Task ID line, so a command touches only what it needs.
    """

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        self.outline = hidden_only(text)  # headings are looked up around a task, when needed
        self._padded = "\n" + text  # a line's newline sits at the line's offset in `text`
        self._edits: list[Edit] = []

    def _section_starts(self, start: int, stop: int) -> list[int]:
        return [
            m.start()
            for m in _SECTION.finditer(self._padded, start, stop + 1)
            if not self.outline.is_hidden(m.start())
        ]

    def _span(self, at: int) -> tuple[int, int]:
        """The task holding the Task ID line at `at`: its level-2 section, blank lines trimmed."""
        window = 4096
        while True:  # the nearest section heading above the task
            before = self._section_starts(max(0, at - window), at)
            if before or at - window <= 0:
                break
            window *= 4
        start = before[-1] if before else splice.line_start(self.text, at)
        stop = len(self.text)
        for m in _SECTION.finditer(self._padded, at + 1):
            if not self.outline.is_hidden(m.start()):
                stop = m.start()
                break
        return start, splice.content_end(self.text, start, stop)

    def all_spans(self) -> list[tuple[str, int, int]]:
        """Every task as (error ID, start, end) in file order, in one pass."""
        sections = self._section_starts(0, len(self.text))
        found = []
        for error_id, at in self._tasks(_ANY_TASK):
            i = bisect_right(sections, at)
            start = sections[i - 1] if i > 0 else at
            stop = sections[i] if i < len(sections) else len(self.text)
            found.append((error_id, start, splice.content_end(self.text, start, stop)))
        return found

    def _tasks(self, pattern: re.Pattern[str]) -> Iterator[tuple[str, int]]:
        for m in pattern.finditer(self.text):
            if not self.outline.is_hidden(m.start() + 1):
                yield m.group(1), m.start() + 1

    def task(self, error_id: str) -> tuple[Block, tuple[int, int]] | None:
        """The task of an error (its block and span), or None."""
        pattern = re.compile(_TASK_ID_LINE.format(id=re.escape(error_id)), re.M)
        for _, at in self._tasks(pattern):
            span = self._span(at)
            return Block(self.text[span[0] : span[1]]), span
        return None

    def statuses(self) -> dict[str, str]:
        """The Status of every error's task, by error ID (one pass over the file)."""
        found: dict[str, str] = {}
        for error_id, at in self._tasks(_ANY_TASK):
            m = _STATUS.search(self.text, at, self._span(at)[1])
            found.setdefault(error_id, m.group(1) if m else "")
        return found

    def replace(self, span: tuple[int, int], block: Block) -> None:
        self._edits.append(Edit(span[0], span[1], splice.to_newline(block.text(), self.newline)))

    def add(self, error_id: str, task: str) -> None:
        """Insert a new task above the newest existing error task, or at the end of the file."""
        task = splice.to_newline(task, self.newline)
        last = None
        for other, at in self._tasks(_ANY_TASK):  # tasks are newest first
            if other < error_id:
                self._edits.append(splice.insert_before(self._span(at)[0], task, self.newline))
                return
            last = at
        if last is None:
            end = self._footer_start()
            if end is not None:
                self._edits.append(splice.insert_before(end, task, self.newline))
                return
            end = splice.content_end(self.text, 0, len(self.text))
        else:
            end = self._span(last)[1]
        self._edits.append(splice.insert_after(self.text, end, task, self.newline))

    def _footer_start(self) -> int | None:
        """Where a closing footer starts: a last `---` line followed only by lines that are no
        heading (`---` then `*Task management powered by ...*`); a new task goes above it."""
        m = _FOOTER.search(self.text)
        if m is None or self.outline.is_hidden(m.start()):
            return None
        return m.start() + (self.text[m.start()] == "\n")

    def render(self) -> str:
        return splice.apply(self.text, self._edits)
