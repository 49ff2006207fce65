"""The Markdown outline the tool needs (headings, breaks, fences, comments) without a full parse.

One regular-expression pass finds the lines that can matter; Python only looks at those.  Headings,
thematic breaks and fields inside fenced code or HTML comment blocks are not structure, exactly as in
CommonMark, so the seed's fenced `### ERR-YYYY-MM-DD-NNN` examples are never taken for entries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

_LINE_BODY = (
    r" {{0,3}}(?:(?P<hashes>#{{1,{levels}}})(?:[ \t](?P<title>.*))?\r?$"
    r"|(?P<fence>`{{3,}}|~{{3,}})(?P<info>.*)$"
    r"|(?P<comment><!--)"
    r"|(?P<rule>[-*_])(?:[ \t]*(?P=rule)){{2,}}[ \t]*\r?$)"
)


@cache
def _patterns(levels: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Line patterns for the first line and, anchored on the newline before it (which lets the
    regex engine skip ahead between lines), for every other line."""
    body = _LINE_BODY.format(levels=levels)
    return re.compile(body, re.M), re.compile("\n" + body, re.M)


_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


@dataclass(frozen=True)
class Heading:
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

    def line_number(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self._newlines, offset - 1) + 1


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


def _fence_end(text: str, start: int, marker: str) -> int | None:
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*\r?$", re.M)
    found = closing.search(text, _line_end(text, start))
    return None if found is None else _line_end(text, found.start())


def scan(text: str, levels: int = 6) -> Outline:
    """Return the outline of `text`, with headings down to level `levels`."""
    first_line, next_line = _patterns(levels)
    outline = Outline(text)
    pos = 0
    m = first_line.match(text)
    while True:
        if m is None:
            m = next_line.search(text, max(pos - 1, 0))
            if m is None:
                break
            start = m.start() + 1
        else:
            start = 0
        end = m.end() + 1 if text.startswith("\n", m.end()) else _line_end(text, start)
        if m.group("hashes"):
            title = (m.group("title") or "").rstrip("\r")
            title = (_CLOSING_HASHES.sub("", title) if title.endswith("#") else title).strip()
            outline.headings.append(Heading(len(m.group("hashes")), title, start, end))
        elif m.group("fence") and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence_end = _fence_end(text, start, m.group("fence"))
            if fence_end is None:
                outline.unclosed, end = start, len(text)
            else:
                end = fence_end
            outline.hidden.append((start, end))
        elif m.group("comment"):
            close = text.find("-->", m.end())
            if close < 0:
                outline.unclosed, end = start, len(text)
            else:
                end = _line_end(text, close)
            outline.hidden.append((start, end))
        elif m.group("rule"):
            outline.breaks.append(start)
        pos, m = end, None
    return outline

