"""The Markdown outline the tool needs (headings, breaks, fences, comments) without a full parse.

One regular-expression pass finds the lines that can matter; Python only looks at those.  Headings,
thematic breaks and fields inside fenced code or HTML comment blocks are not structure, exactly as in
CommonMark, so the seed's fenced `### ERR-YYYY-MM-DD-NNN` examples are never taken for entries.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from typing import NamedTuple, Protocol

from ledger_tool.exceptions import ParseError

# Patterns start at the newline before a line (the first line gets one prepended): anchoring on a
# literal lets the regex engine skip ahead between lines, which `^` does not.
_OPENER = re.compile(r"\n {0,3}(?:(?P<fence>`{3,}|~{3,})(?P<info>.*)$|<!--)", re.M)
_HEADING = r"\n {{0,3}}(?P<hashes>#{{1,{levels}}})(?:[ \t](?P<title>.*))?\r?$"
# Three or more of one of - * _ with only spaces between: no backreference, which is faster.
_RULE = (
    r"\n {0,3}(?P<rule>-[ \t]*-[ \t]*-[- \t]*|\*[ \t]*\*[ \t]*\*[* \t]*|_[ \t]*_[ \t]*_[_ \t]*)"
    r"\r?$"
)
# A cheap first look: most files have no thematic break at all, or very few.
_MAYBE_RULE = re.compile(r"\n {0,3}(?:-[ \t]*-|\*[ \t]*\*[ \t]*\*|_[ \t]*_)")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


@cache
def _structure(levels: int, rules: bool) -> re.Pattern[str]:
    heading = _HEADING.format(levels=levels)
    return re.compile(f"{heading}|{_RULE}" if rules else heading, re.M)


class Heading(NamedTuple):
    level: int
    title: str
    start: int  # offset of the line's first character
    end: int  # offset just past the line's newline


@dataclass
class Outline:
    """Structure of one text: headings, breaks and the spans that hide structure."""

    text: str
    headings: list[Heading] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # line-start offsets of thematic breaks
    hidden: list[tuple[int, int]] = field(default_factory=list)  # fences and comment blocks
    unclosed: int | None = None  # start of a fence or comment that runs to the end of the text
    _newlines: list[int] | None = field(default=None, repr=False)

    def is_hidden(self, offset: int) -> bool:
        """True when `offset` lies inside a fenced code block or an HTML comment block."""
        i = bisect_right(self.hidden, (offset, len(self.text) + 1)) - 1
        return i >= 0 and self.hidden[i][0] <= offset < self.hidden[i][1]

    def hider(self, offset: int) -> int | None:
        """The start of the fenced code block or HTML comment block that hides `offset`."""
        i = bisect_right(self.hidden, (offset, len(self.text) + 1)) - 1
        found = i >= 0 and self.hidden[i][0] <= offset < self.hidden[i][1]
        return self.hidden[i][0] if found else None

    def line_number(self, offset: int) -> int:
        if self._newlines is None:  # offsets of every newline, from the lengths of the lines
            ends = accumulate(len(line) + 1 for line in self.text.split("\n"))
            self._newlines = [end - 1 for end in ends]
        return bisect_right(self._newlines, offset - 1) + 1


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


def _fence_end(text: str, start: int, marker: str) -> int | None:
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*\r?$", re.M)
    found = closing.search(text, _line_end(text, start))
    return None if found is None else _line_end(text, found.start())


def _hidden_spans(outline: Outline, padded: str) -> None:
    """Fenced code blocks and HTML comment blocks, in order (an opener inside one is text)."""
    text = outline.text
    pos = 0
    while (m := _OPENER.search(padded, pos)) is not None:
        start = m.start()  # offset of the line in `text`
        fence = m.group("fence")
        if fence is not None:
            if fence[0] == "`" and "`" in m.group("info"):
                pos = m.end()  # an inline code span, not a fence
                continue
            end = _fence_end(text, start, fence)
        else:
            close = text.find("-->", start + 4)
            end = None if close < 0 else _line_end(text, close)
        if end is None:
            outline.unclosed, end = start, len(text)
        outline.hidden.append((start, end))
        pos = end  # the newline before the next line sits at `end` in `padded`


def opener_name(text: str, start: int) -> str:
    """What opens the hidden span that starts at `start`: "HTML comment" or "code fence"."""
    return "HTML comment" if text[start:].lstrip().startswith("<!--") else "code fence"


def refuse_unclosed(outline: Outline, path: str, what: str) -> None:
    """Refuse a file whose last code fence or HTML comment is never closed, at its opener's line:
    everything below it is hidden, so a new `what` written there would be invisible."""
    if outline.unclosed is None:
        return
    name = opener_name(outline.text, outline.unclosed)
    closer = "-->" if name == "HTML comment" else "a line with the same fence"
    raise ParseError(
        path,
        outline.line_number(outline.unclosed),
        f"this {name} is never closed and hides the rest of the file, so a new {what} would "
        f"not show; close it ({closer}) and run the command again",
    )


def hidden_only(text: str) -> Outline:
    """The outline of `text` without its headings and breaks: only what hides structure."""
    outline = Outline(text)
    _hidden_spans(outline, "\n" + text)
    return outline


def scan(text: str, levels: int = 6) -> Outline:
    """Return the outline of `text`, with headings down to level `levels`."""
    outline = Outline(text)
    padded = "\n" + text  # offsets in `padded` of a line's newline equal the line's offset in text
    _hidden_spans(outline, padded)
    hidden = outline.hidden
    rules = _MAYBE_RULE.search(padded) is not None
    for m in _structure(levels, rules).finditer(padded):
        start = m.start()
        if hidden and outline.is_hidden(start):
            continue
        if rules and m.group("rule"):
            outline.breaks.append(start)
            continue
        title = (m.group("title") or "").rstrip("\r")
        title = (_CLOSING_HASHES.sub("", title) if title.endswith("#") else title).strip()
        end = min(m.end(), len(text))  # in `padded`, the match ends just past the line's newline
        outline.headings.append(Heading(len(m.group("hashes")), title, start, end))
    return outline


class Source(Protocol):
    """What `spliced` reads of the old text: its length, and a character at an edit's edge."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> str: ...


def spliced(
    old: Outline,
    edits: list[tuple[int, int, str]],
    text: str,
    levels: int,
    source: Source | None = None,
) -> Outline | None:
    """The outline of `text`, the text of `old` with `edits` (start, end, new text; sorted, not
    overlapping) applied, without scanning all of it: what lies between the edits moves, each new
    piece is scanned alone.  That is `scan(text, levels)` exactly when every edit replaces whole
    lines with whole lines and no fence or comment crosses an edit's edge (the text around
    cannot change what a piece is, nor a piece what follows it; one wholly inside an edit goes
    with the text it hid); otherwise None (then: scan).
    `source` stands in for the old text when the caller no longer has it (`old.text` unread)."""
    if source is None:
        source = old.text
    if old.unclosed is not None:
        return None
    heads, opens = [h[2] for h in old.headings], [a for a, _ in old.hidden]  # (plain tuples too)
    pieces: list[tuple[int, int, Outline]] = []
    for start, end, new in edits:
        whole = (start == 0 or source[start - 1] == "\n") and (
            end == len(source) or source[end - 1] == "\n"
        )
        if not whole or (new and not new.endswith("\n") and end != len(source)):
            return None
        if crossing(old.hidden, start, end) is not None:
            return None  # a fence or comment starts before the edit or inside it, ends after
        piece = scan(new, levels=levels)
        if piece.unclosed is not None:
            return None
        pieces.append((start, end, piece))
    if len(text) != len(source) + sum(len(p.text) - (e - s) for s, e, p in pieces):
        return None  # not these edits' text
    out = Outline(text)

    def keep(begin: int, stop: int, shift: int) -> None:
        """What starts in [begin, stop) of the old text, moved by `shift`."""
        i, j = bisect_left(heads, begin), bisect_left(heads, stop)
        out.headings += [
            Heading(level, title, a + shift, b + shift)  # inline: 10,000 headings move
            for level, title, a, b in old.headings[i:j]
        ]
        i, j = bisect_left(old.breaks, begin), bisect_left(old.breaks, stop)
        out.breaks += [b + shift for b in old.breaks[i:j]]
        i, j = bisect_left(opens, begin), bisect_left(opens, stop)
        out.hidden += [(a + shift, b + shift) for a, b in old.hidden[i:j]]

    shift, pos = 0, 0
    for start, end, piece in pieces:
        keep(pos, start, shift)
        at = start + shift
        out.headings += [_moved(h, at) for h in piece.headings]
        out.breaks += [b + at for b in piece.breaks]
        out.hidden += [(a + at, b + at) for a, b in piece.hidden]
        shift += len(piece.text) - (end - start)
        pos = end
    keep(pos, len(source) + 1, shift)
    return out


def crossing(hidden: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """A span of `hidden` (sorted, apart) that crosses an edge of [start, end): one that begins
    before `start` and ends after it, or begins in the range and ends after `end`."""
    k = bisect_right(hidden, (start, math.inf)) - 1
    if k >= 0 and hidden[k][0] < start < hidden[k][1]:
        return hidden[k]
    k = bisect_left(hidden, (end, -1)) - 1  # the last that begins before `end`
    if k >= 0 and start <= hidden[k][0] and hidden[k][1] > end:
        return hidden[k]
    return None


def _moved(heading: Heading, by: int) -> Heading:
    return Heading(heading.level, heading.title, heading.start + by, heading.end + by)
