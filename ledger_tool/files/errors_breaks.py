"""Error blocks in ERRORS.md and the `---` breaks between them.

Many hand-kept ledgers put a `---` line between error blocks.  A block that moves takes one
such separator with it and gets one where it lands, so that none is doubled, none is left
right under a section's lead or at its end, and a section without them gets none.  A break
with no block on one side (the seed's `---` that closes the Resolved section) stays.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from ledger_tool.files.errors_table import Section, line_end
from ledger_tool.markdown import splice
from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.splice import Edit


@dataclass
class BlockRef:
    id: str
    section: str  # "active" or "resolved"
    start: int
    stop: int  # the block ends before here: its end is found only when it is needed
    text: str = field(repr=False)

    @cached_property
    def end(self) -> int:
        """Offset just past the block's last non-blank line."""
        return splice.content_end(self.text, self.start, self.stop)


class BlockBreaks:
    """Where a block that moves takes its thematic break from, and where one goes (`ErrorsFile`)."""

    text: str
    outline: Outline
    sections: dict[str, Section]
    blocks: dict[str, BlockRef]
    order: dict[str, list[str]]

    def _rule_after(self, at: int, ceiling: int) -> int | None:
        """When the first non-blank line from `at` is a thematic break (before `ceiling`): the
        offset past it and the blank lines that follow it."""
        breaks = self.outline.breaks
        j = bisect_left(breaks, at)
        if j == len(breaks) or breaks[j] >= ceiling or self.text[at : breaks[j]].strip():
            return None
        after = line_end(self.text, breaks[j])
        rest = self.text[after:ceiling]
        skip = len(rest) - len(rest.lstrip())
        return ceiling if skip == len(rest) else splice.line_start(self.text, after + skip)

    def _rule_before(self, at: int, floor: int) -> int | None:
        """When the last non-blank line above `at` (from `floor`) is a thematic break: the offset
        where the blank lines above it begin."""
        breaks = self.outline.breaks
        j = bisect_left(breaks, at) - 1
        if j < 0 or breaks[j] < floor or self.text[line_end(self.text, breaks[j]) : at].strip():
            return None
        return splice.content_end(self.text, floor, breaks[j])

    def _separator(self, section: str) -> str | None:
        """The break line (as written) that separates two blocks of `section`; in a section of
        fewer than two blocks, one that separates blocks of the other section."""
        ids = self.order[section]
        if len(ids) < 2:
            other = "resolved" if section == "active" else "active"
            return self._separator(other) if len(self.order[other]) >= 2 else None
        sec = self.sections[section]
        breaks = self.outline.breaks
        for b in breaks[bisect_left(breaks, sec.heading_end) : bisect_left(breaks, sec.stop)]:
            i = bisect_right(ids, b, key=lambda error_id: self.blocks[error_id].start)
            if 0 < i < len(ids):
                above, below = self.blocks[ids[i - 1]], self.blocks[ids[i]]
                if self._rule_after(above.end, below.start) == below.start:
                    return self.text[b : line_end(self.text, b)].rstrip("\r\n")
        return None

    def _removal(self, ref: BlockRef) -> Edit:
        """Take a block out of its section, with the separator next to it when leaving that one
        would double a break or leave one under the section's lead or at its end."""
        ids = self.order[ref.section]
        k = ids.index(ref.id)
        above = self.blocks[ids[k - 1]] if k > 0 else None
        below = self.blocks[ids[k + 1]] if k + 1 < len(ids) else None
        if below is not None:
            if self._rule_after(ref.end, below.start) == below.start:
                return Edit(ref.start, below.start, "")
            return splice.removal(self.text, ref.start, ref.end)
        sec = self.sections[ref.section]
        start = self._rule_before(ref.start, above.end if above else sec.heading_end)
        closing = self._rule_after(ref.end, sec.stop) is not None
        if start is None or (above is None and not closing):
            return splice.removal(self.text, ref.start, ref.end)
        return splice.cut(self.text, start, ref.end)
