"""TASKS.md: one `**Task ID**: TASK-ERR-...` task per error; the rest of the file is the user's.

A task is the level-2 section holding its Task ID line (the seed's format under any heading), so a
task written by hand in the seed's shape is found and kept up to date too.  A task ends at the next
level-1 or -2 heading or at the next Task ID line, whichever comes first: when a task's heading was
deleted by hand, its lines are never taken for the task above it, and a command that must edit the
heading-less task refuses, naming its line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from ledger_tool.exceptions import ParseError
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import hidden_only, refuse_unclosed
from ledger_tool.markdown.splice import Edit
from ledger_tool.model.vocabulary import ANY_TASK as _ANY_TASK
from ledger_tool.model.vocabulary import TASK_ID_LINE as _TASK_ID_LINE

_SECTION = re.compile(r"\n {0,3}#{1,2}(?:[ \t]|\r?$)", re.M)  # a level-1 or -2 heading line
_STATUS = re.compile(r"^\*\*Status\*\*:[ \t]*(\S*)", re.M)
_FOOTER = re.compile(r"(?:^|\n) {0,3}-{3,}[ \t]*\r?\n(?:(?! {0,3}#)[^\n]*(?:\n|\Z)){1,3}\Z")
_ANY_TASK_ID = re.compile(r"\n\*\*Task ID\*\*:", re.M)  # any task's, the user's own included


class TasksFile:
    """A parsed TASKS.md; changes are collected as edits and applied by `render`.

    Tasks are found on demand, by their Task ID line, so a command touches only what it needs.
    """

    def __init__(self, path: str, text: str, strict: bool = True) -> None:
        """Parse `text`; with `strict`, refuse a file whose end a fence or comment hides (a new
        task would land inside it)."""
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        self.outline = hidden_only(text)  # headings are looked up around a task, when needed
        if strict:
            refuse_unclosed(self.outline, path, "task")
        self._padded = "\n" + text  # a line's newline sits at the line's offset in `text`
        self._edits: list[Edit] = []

    def _section_starts(self, start: int, stop: int) -> list[int]:
        return [
            m.start()
            for m in _SECTION.finditer(self._padded, start, stop + 1)
            if not self.outline.is_hidden(m.start())
        ]

    def _next_task_id(self, start: int, stop: int) -> int | None:
        """The offset of the first visible Task ID line in `text[start:stop]`, if any."""
        for m in _ANY_TASK_ID.finditer(self._padded, start + 1, stop + 1):
            if not self.outline.is_hidden(m.start()):
                return m.start()
        return None

    def _bounds(self, at: int) -> tuple[int, int, bool]:
        """The task holding the Task ID line at `at`: (start, end, whether the heading above it
        is its own).  It starts at the nearest section heading above, or at its Task ID line when
        another task's Task ID line or no level-2 heading comes between; it ends at the next
        section heading or the next Task ID line, blank lines trimmed."""
        window = 4096
        while True:  # the nearest section heading above the task
            before = self._section_starts(max(0, at - window), at)
            if before or at - window <= 0:
                break
            window *= 4
        start = before[-1] if before else at
        level_2 = self.text[start : start + 6].lstrip(" ").startswith("##")
        own = bool(before) and level_2 and self._next_task_id(start, at) is None
        if not own:
            start = at
        stop = len(self.text)
        for m in _SECTION.finditer(self._padded, at + 1):
            if not self.outline.is_hidden(m.start()):
                stop = m.start()
                break
        following = self._next_task_id(at + 1, stop)
        if following is not None:
            stop = following
        return start, splice.content_end(self.text, start, stop), own

    def _span(self, at: int) -> tuple[int, int]:
        start, end, _ = self._bounds(at)
        return start, end

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

    def headless(self) -> list[tuple[str, int]]:
        """Error tasks without a `## ` heading of their own, as (error ID, offset), in one pass:
        a command that must edit one refuses, so `ledger check` names them."""
        sections = self._section_starts(0, len(self.text))
        ids = [
            m.start()
            for m in _ANY_TASK_ID.finditer(self._padded)
            if not self.outline.is_hidden(m.start())
        ]
        found = []
        for error_id, at in self._tasks(_ANY_TASK):
            i = bisect_right(sections, at)
            start = sections[i - 1] if i else None
            k = bisect_left(ids, at)
            previous = ids[k - 1] if k else -1
            level_2 = start is not None and self.text[start : start + 6].lstrip(" ").startswith(
                "##"
            )
            if start is None or not level_2 or previous >= start:
                found.append((error_id, at))
        return found

    def _tasks(self, pattern: re.Pattern[str]) -> Iterator[tuple[str, int]]:
        for m in pattern.finditer(self.text):
            if not self.outline.is_hidden(m.start() + 1):
                yield m.group(1), m.start() + 1

    def task(self, error_id: str) -> tuple[Block, tuple[int, int]] | None:
        """The task of an error (its block and span), or None."""
        pattern = re.compile(_TASK_ID_LINE.format(id=re.escape(error_id)), re.M)
        for _, at in self._tasks(pattern):
            start, end = self._own_span(error_id, at)
            return Block(self.text[start:end]), (start, end)
        return None

    def _own_span(self, error_id: str, at: int) -> tuple[int, int]:
        """The span of the task whose Task ID line is at `at`; a task without a heading of its
        own is refused, since its start cannot be told (edit it, or put a task above it, and the
        user's lines around it would be split)."""
        start, end, own = self._bounds(at)
        if not own:
            raise ParseError(
                self.path,
                self.outline.line_number(at),
                f"the task TASK-{error_id} has no `## ` heading of its own (deleted by hand?); "
                f"put `## TASK-{error_id}` back on the line above its Task ID and run the "
                "command again",
                "LDG405",
            )
        return start, end

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
                start = self._own_span(other, at)[0]
                self._edits.append(splice.insert_before(start, task, self.newline))
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
