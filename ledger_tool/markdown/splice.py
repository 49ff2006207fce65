"""Edits to a text by offset: the tool replaces only what it owns and writes the rest back as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (made against the same original text)."""
    out: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        out.append(text[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def newline_of(text: str) -> str:
    """The file's line ending, judged by its first line (LF for a one-line file)."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def content_end(text: str, start: int, stop: int) -> int:
    """Offset just past the last non-blank line in `text[start:stop]` (or `start` if none)."""
    k = len(text[start:stop].rstrip(" \t\r\n"))
    if k == 0:
        return start
    newline = text.find("\n", start + k, stop)
    return stop if newline < 0 else newline + 1


def cut(text: str, start: int, end: int) -> Edit:
    """Remove the lines at [start, end); at the end of a file that has no final newline, the
    newline before them goes too, so that the file still ends without one."""
    if end == len(text) and not text.endswith("\n") and start > 0 and text[start - 1] == "\n":
        start -= 2 if text[start - 2 : start] == "\r\n" else 1
    return Edit(start, end, "")


def removal(text: str, start: int, end: int) -> Edit:
    """Remove the entry at [start, end) together with one blank line that separated it."""
    if start > 0:
        previous = line_start(text, start - 1)
        if not text[previous:start].strip():
            return cut(text, previous, end)
    following = text.find("\n", end)
    if following >= 0 and not text[end:following].strip():
        return Edit(start, following + 1, "")
    return cut(text, start, end)


def insert_before(offset: int, entry: str, newline: str) -> Edit:
    """Put an entry (ending with a newline) in front of the entry starting at `offset`."""
    return Edit(offset, offset, entry + newline)


def insert_after(text: str, offset: int, entry: str, newline: str) -> Edit:
    """Put an entry after the content that ends at `offset`, one blank line between them.

    At the end of a file that has no final newline, the entry goes without one too.
    """
    if offset == len(text) and text and not text.endswith("\n"):
        return Edit(offset, offset, newline * 2 + entry.rstrip("\r\n"))
    return Edit(offset, offset, newline + entry)


_BARE_LF = re.compile(r"(?<!\r)\n")


def to_newline(text: str, newline: str) -> str:
    """Give generated lines the file's line ending (lines that already end in CRLF stay so)."""
    return text if newline == "\n" else _BARE_LF.sub("\r\n", text)
