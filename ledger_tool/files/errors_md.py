"""ERRORS.md: the summary table, the Active and Resolved sections, and the error blocks in them.

The tool owns the table's rows and the `### ERR-...` blocks inside `## Active Errors` and
`## Resolved Errors`; everything else in the file is the user's and is written back untouched.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ledger_tool.exceptions import ParseError
from ledger_tool.files.errors_breaks import BlockBreaks, BlockRef
from ledger_tool.files.errors_table import Section, SummaryTable
from ledger_tool.files.key_fields import bad_key_field, field_line
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import Outline, scan, spliced
from ledger_tool.markdown.splice import Edit
from ledger_tool.model.vocabulary import ID_PATTERN, RESOLVED_MARK

_ID_TITLE = re.compile(
    rf"(?P<id>{ID_PATTERN})(?P<resolved>[ \t]+{re.escape(RESOLVED_MARK.strip())})?"
)
SECTIONS = {"active errors": "active", "resolved errors": "resolved", "schema": "schema"}


class ErrorsFile(SummaryTable, BlockBreaks):
    """A parsed ERRORS.md; changes are collected as edits and applied by `render`."""

    def __init__(
        self, path: str, text: str, strict: bool = True, outline: Outline | None = None
    ) -> None:
        """Parse `text` (`outline`: its outline, when already known); a malformed block heading
        or a duplicate ID raises, or with `strict` off is recorded in `problems` (for `ledger
        check`) and the block is skipped."""
        self.path = path
        self.text = text
        self.strict = strict
        self.problems: list[ParseError] = []
        self.newline = splice.newline_of(text)
        self.outline: Outline = outline if outline is not None else scan(text, levels=3)
        self.sections: dict[str, Section] = {}
        self.blocks: dict[str, BlockRef] = {}
        self.order: dict[str, list[str]] = {"active": [], "resolved": []}
        # later blocks under an ID already taken (read only with `strict` off): `ledger renumber`
        self.duplicates: dict[str, list[BlockRef]] = {}
        self.rows_at: int | None = None  # where the rows start (the line after |---|)
        self.rows_end = 0
        self._edits: list[Edit] = []
        self._read_sections()
        self._read_blocks()
        self._read_table()

    def error(self, offset: int, message: str, code: str = "LDG001") -> ParseError:
        return ParseError(self.path, self.outline.line_number(offset), message, code)

    def _problem(self, problem: ParseError) -> None:
        if self.strict:
            raise problem
        self.problems.append(problem)

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
                self._explain_missing(title)
                raise ParseError(
                    self.path,
                    1,
                    f"no '## {title}' section (outside code fences and comments); add the heading "
                    "back, or move the file away and run `ledger init` to start a new one",
                )

    def _explain_missing(self, title: str) -> None:
        """Raise with the place to look when a fence or comment hides a required section."""
        hiding = re.search(rf"^ {{0,3}}## +{title}[ \t]*\r?$", self.text, re.M | re.I)
        hidden_by = None
        if hiding is not None and self.outline.is_hidden(hiding.start()):
            hidden_by = max(a for a, _ in self.outline.hidden if a <= hiding.start())
        start = self.outline.unclosed if self.outline.unclosed is not None else hidden_by
        if start is None:
            return
        what = "HTML comment" if self.text[start:].lstrip().startswith("<!--") else "code fence"
        if start == self.outline.unclosed:
            message = f"this {what} is never closed and hides the rest of the file"
            raise self.error(start, f"{message}, '## {title}' included; close it")
        assert hiding is not None
        where = self.outline.line_number(hiding.start())
        raise self.error(
            start, f"this {what} hides '## {title}' (line {where}); close it before that line"
        )

    def _read_blocks(self) -> None:
        """Every `### ERR-...` block of the two sections, ending at the next heading of level 3
        or less, the section's end or the next thematic break, whichever comes first (one pass
        from the end: a 10,000-entry file has as many headings)."""
        breaks = self.outline.breaks
        spans = [
            (name, sec.heading_end, sec.stop)
            for name in ("active", "resolved")
            if (sec := self.sections.get(name)) is not None
        ]
        found: list[tuple[str, int, int, str]] = []  # (title, start, stop, section), last first
        next_stop = len(self.text)
        for level, title, start, _ in reversed(self.outline.headings):
            if level == 3 and title.startswith("ERR-"):
                for name, low, high in spans:
                    if low <= start < high:
                        found.append((title, start, next_stop if next_stop < high else high, name))
                        break
            if level <= 3:
                next_stop = start
        for title, start, stop, section in reversed(found):
            m = _ID_TITLE.fullmatch(title)
            if m is None:
                message = f"heading '### {title}' is not an error ID ERR-YYYY-MM-DD-NNN"
                self._problem(self.error(start, message, "LDG101"))
                continue
            error_id = m.group("id")
            if breaks:  # a thematic break below the heading ends the block
                j = bisect_right(breaks, start)
                if j < len(breaks) and breaks[j] < stop:
                    stop = breaks[j]
            ref = BlockRef(error_id, section, start, stop, self.text)
            if error_id in self.blocks:
                first = self.line_of(error_id)
                message = (
                    f"duplicate ID {error_id} (also at line {first}); "
                    f"renumber one of them with `ledger renumber {error_id} NEW-ID`"
                )
                self._problem(self.error(start, message, "LDG102"))
                self.duplicates.setdefault(error_id, []).append(ref)
                continue
            self.blocks[error_id] = ref
            self.order[section].append(error_id)

    def line_of(self, error_id: str) -> int:
        """The line number of an error's heading."""
        return self.outline.line_number(self.blocks[error_id].start)

    def _section_at(self, offset: int) -> str | None:
        for name in ("active", "resolved"):
            sec = self.sections.get(name)
            if sec is None:
                continue
            if sec.heading_end <= offset < sec.stop:
                return name
        return None

    # -- reading ----------------------------------------------------------------------------

    def block(self, error_id: str) -> Block:
        ref = self.blocks[error_id]
        return Block(self.text[ref.start : ref.end])

    def check_key_fields(self) -> None:
        """Refuse a file whose key fields are malformed (one fast pass that finds bad values)."""
        bad = bad_key_field(self.outline, lambda at: self._section_at(at) is not None)
        if bad is not None:
            raise self.error(*bad, code="LDG104")

    # -- changing ---------------------------------------------------------------------------

    def field_value(self, error_id: str, name: str) -> str:
        """The raw value of a one-line field of a block, found without parsing the block."""
        ref = self.blocks[error_id]
        m = field_line(name).search(self.text, ref.start, ref.end)
        return m.group(1) if m else ""

    def _sort_value(self, error_id: str, section: str) -> tuple[str, str]:
        name = "First Seen" if section == "active" else "Resolved"
        return (self.field_value(error_id, name), error_id)

    def put(
        self,
        error_id: str,
        block: Block,
        section: str,
        key: tuple[str, str],
        relocate: bool = False,
    ) -> None:
        """Write a block into `section`, in place if it stays there, else in its sorted position.

        `key` is (First Seen for active, Resolved for resolved, error ID): newest first.  With
        `relocate`, the block moves to its sorted position even within its section.
        """
        text = splice.to_newline(block.text(), self.newline)
        ref = self.blocks.get(error_id)
        if ref is not None and ref.section == section and not relocate:
            if ref.end == len(self.text) and not self.text.endswith("\n"):
                text = text.rstrip("\r\n")
            self._edits.append(Edit(ref.start, ref.end, text))
            return
        if ref is not None:
            self._edits.append(self._removal(ref))
        if not text.endswith("\n"):  # it ended the file, which has no final newline
            text += self.newline
        others = [i for i in self.order[section] if i != error_id]
        lo, hi = 0, len(others)
        if relocate:  # the section may be out of order: take the first older block
            lo = next((i for i, o in enumerate(others) if self._sort_value(o, section) < key), hi)
        while lo < hi:  # sections are newest first: find the first block older than this one
            mid = (lo + hi) // 2
            if self._sort_value(others[mid], section) > key:
                lo = mid + 1
            else:
                hi = mid
        rule = self._separator(section) if others else None
        nl = self.newline
        if lo < len(others):
            at = self.blocks[others[lo]].start
            below = f"{nl}{rule}{nl}" if rule else ""
            self._edits.append(splice.insert_before(at, text + below, nl))
        elif others:
            above = f"{rule}{nl}{nl}" if rule else ""
            at = self.blocks[others[-1]].end
            self._edits.append(splice.insert_after(self.text, at, above + text, nl))
        else:  # an empty section: after its lead, above a closing `---`
            sec = self.sections[section]
            breaks = [b for b in self.outline.breaks if sec.start < b < sec.stop]
            at = splice.content_end(self.text, sec.start, min([sec.stop, *breaks]))
            self._edits.append(splice.insert_after(self.text, at, text, nl))

    def rewrite(self, start: int, end: int, text: str) -> None:
        """Replace `text[start:end]` (a block or a row the parse set aside) with `text`."""
        self._edits.append(Edit(start, end, text))

    def verify_edits(self) -> None:
        """Check what this command wrote before it reaches the disk: every new piece of text
        closes what it opens and has well-formed key fields (the rest of the file is unchanged)."""
        for edit in self._edits:
            outline = scan(edit.text, levels=3)
            bad = bad_key_field(outline, lambda at: True)
            if outline.unclosed is not None or bad is not None:
                raise RuntimeError(
                    f"refusing to write malformed text into {self.path}: {edit.text!r}"
                )

    def render(self) -> str:
        return splice.apply(self.text, self._edits)

    def outline_after(self, text: str) -> Outline | None:
        """The outline of `text` (what `render` gave), carried across this command's edits;
        None when it must be scanned."""
        edits = sorted((e.start, e.end, e.text) for e in self._edits)
        return spliced(self.outline, edits, text, 3)
