"""TASKS.md: one `**Task ID**: TASK-ERR-...` task per error; the rest of the file is the user's.

A task is the level-2 section holding its Task ID line (the seed's format under any heading), so a
task written by hand in the seed's shape is found and kept up to date too.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from ledger_tool import splice
from ledger_tool.block import Block
from ledger_tool.scan import find_lines, scan
from ledger_tool.splice import Edit

TASK_ID_LINE = re.compile(
    r"^\*\*Task ID\*\*:[ \t]*TASK-(ERR-\d{4}-\d\d-\d\d-\d{3,})[ \t]*\r?$", re.M
)


class TasksFile:
    """A parsed TASKS.md; changes are collected as edits and applied by `render`."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.newline = splice.newline_of(text)
        outline = scan(text)
        self.tasks: dict[str, tuple[int, int]] = {}
        sections = [h.start for h in outline.headings if h.level <= 2]
        for m in find_lines(outline, TASK_ID_LINE):
            i = bisect_left(sections, m.start())
            start = sections[i - 1] if i > 0 else splice.line_start(text, m.start())
            stop = sections[i] if i < len(sections) else len(text)
            self.tasks.setdefault(m.group(1), (start, splice.content_end(text, start, stop)))
        self._edits: list[Edit] = []

    def task(self, error_id: str) -> tuple[Block, tuple[int, int]] | None:
        span = self.tasks.get(error_id)
        return None if span is None else (Block(self.text[span[0] : span[1]]), span)

    def replace(self, span: tuple[int, int], block: Block) -> None:
        self._edits.append(Edit(span[0], span[1], splice.to_newline(block.text(), self.newline)))

    def add(self, error_id: str, task: str) -> None:
        """Insert a new task above the newest existing error task, or at the end of the file."""
        task = splice.to_newline(task, self.newline)
        newer_first = sorted(self.tasks.items(), key=lambda item: item[1][0])
        older = [span for other, span in newer_first if other < error_id]
        if older:
            self._edits.append(splice.insert_before(older[0][0], task, self.newline))
        else:
            spans = [span for _, span in newer_first]
            end = spans[-1][1] if spans else splice.content_end(self.text, 0, len(self.text))
            self._edits.append(splice.insert_after(self.text, end, task, self.newline))

    def render(self) -> str:
        return splice.apply(self.text, self._edits)
