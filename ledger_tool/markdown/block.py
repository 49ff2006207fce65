"""One entry's lines (an error block, a journal entry, a task) read and edited field by field.

A field is a line `**Name**: value` or `- **Name**: value`, plus the lines that continue it (until a
blank line, a heading or the next field; a fenced code block that starts inside a field belongs to it).
Edits replace a field's lines or insert a missing field where the template would put it; every other
line of the block, including what a person added, stays exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_FIELD = re.compile(r"(?P<bullet>[-*] )?\*\*(?P<name>[^*\n]+?)\*\*:(?P<value>.*)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|\r?$)")


class FieldSpan(NamedTuple):
    """Where a field sits in its block: lines `first` to `stop` (exclusive).  (A named tuple:
    reading 10,000 blocks makes 200,000 of them.)"""

    name: str
    bullet: bool
    first: int
    stop: int
    value: str = ""  # what its first line says after `**Name**:`


@dataclass(frozen=True)
class Slot:
    """A field's place in a template: its name, list form, and whether a paragraph starts there."""

    name: str
    bullet: bool
    new_paragraph: bool


def _strip_cr(line: str) -> str:
    return line[:-1] if line.endswith("\r") else line


class Block:
    """The lines of one entry; `lines[0]` is its heading."""

    def __init__(self, text: str) -> None:
        self.ends_with_newline = text.endswith("\n")
        body = text[:-1] if self.ends_with_newline else text
        self.lines = body.split("\n")
        self.cr = self.lines[0].endswith("\r")
        self._spans: dict[str, FieldSpan] | None = None

    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.ends_with_newline else "")

    @property
    def heading(self) -> str:
        return _strip_cr(self.lines[0])

    def set_heading(self, heading: str) -> None:
        self.lines[0] = heading + ("\r" if self.cr else "")

    def spans(self) -> dict[str, FieldSpan]:
        """Fields by lower-cased name (the first one wins when a name repeats)."""
        if self._spans is None:
            self._spans = _find_fields(self.lines)
        return self._spans

    def line_of(self, name: str) -> int | None:
        """Index of the field's first line, or None."""
        span = self.spans().get(name.lower())
        return None if span is None else span.first

    def get(self, name: str) -> str | None:
        """The stored (raw) value: the first line's text after `: `, continuation lines joined."""
        span = self.spans().get(name.lower())
        if span is None:
            return None
        value = _strip_cr(span.value)
        value = (value[1:] if value.startswith(" ") else value).rstrip(" \t")
        if span.stop == span.first + 1:
            return value
        rest = [_strip_cr(line) for line in self.lines[span.first + 1 : span.stop]]
        return "\n".join([value, *rest])

    def _field_lines(self, span_name: str, bullet: bool, raw: str) -> list[str]:
        first, *rest = raw.split("\n")
        head = f"{'- ' if bullet else ''}**{span_name}**:{' ' + first if first else ''}"
        end = "\r" if self.cr else ""
        return [line + end for line in (head, *rest)]

    def replace(self, name: str, raw: str) -> bool:
        """Give an existing field the stored value `raw`; False when the block has no such field."""
        span = self.spans().get(name.lower())
        if span is None:
            return False
        self.lines[span.first : span.stop] = self._field_lines(span.name, span.bullet, raw)
        self._spans = None
        return True

    def remove(self, name: str) -> None:
        """Drop a field and its continuation lines, leaving no doubled blank line behind."""
        span = self.spans().get(name.lower())
        if span is None:
            return
        del self.lines[span.first : span.stop]
        i = span.first
        if 0 < i < len(self.lines) and not self.lines[i].strip() and not self.lines[i - 1].strip():
            del self.lines[i]
        while len(self.lines) > 1 and not self.lines[-1].strip():
            self.lines.pop()
        self._spans = None

    def insert(self, name: str, raw: str, layout: list[Slot]) -> None:
        """Add a missing field where `layout` (a template's field order) puts it.

        A field the layout does not know becomes its own paragraph just above the History.
        """
        names = [slot.name.lower() for slot in layout]
        spans = self.spans()
        index = names.index(name.lower()) if name.lower() in names else -1
        after_list = False
        if index >= 0:
            slot = layout[index]
            at, new_paragraph = 1, slot.new_paragraph
            for back in range(index - 1, -1, -1):
                if names[back] in spans:
                    at = spans[names[back]].stop
                    new_paragraph = any(s.new_paragraph for s in layout[back + 1 : index + 1])
                    after_list = _ends_in_list(self.lines[spans[names[back]].first : at])
                    break
        else:
            slot = Slot(name, False, True)
            history = spans.get("history")
            at, new_paragraph = (history.first if history else len(self.lines)), True
        blank = "\r" if self.cr else ""
        new = self._field_lines(slot.name, slot.bullet, raw)
        # a `**Field**:` line right under a list item would render inside it (a lazy continuation)
        apart = new_paragraph or (after_list and not slot.bullet)
        if apart and at > 1 and self.lines[at - 1].strip():
            new.insert(0, blank)
        if at < len(self.lines) and self.lines[at].strip():
            # the field that follows stays in our paragraph only if the template says so
            after = next((s for s in spans.values() if s.first == at), None)
            later = names.index(after.name.lower()) if after and after.name.lower() in names else -1
            if later > index >= 0:
                new_paragraph = any(s.new_paragraph for s in layout[index + 1 : later + 1])
            if new_paragraph:
                new.append(blank)
        self.lines[at:at] = new
        self._spans = None


def _ends_in_list(lines: list[str]) -> bool:
    """True when the last of `lines` (a field's lines) is inside a list item, so that a
    paragraph line written right under it would continue the item instead of starting anew."""
    indent = -1  # the content indent of the open list item; -1 when none is open
    fence: str | None = None
    for line in lines:
        if fence is not None:
            bare = line.strip()
            if bare.startswith(fence) and not bare.strip(fence[0]):
                fence = None
            continue
        item = _LIST_ITEM.match(line)
        if item is not None:
            indent = item.end()
            continue
        opening = _FENCE.match(line.lstrip(" "))  # a fence in an item may be indented further
        if opening is not None:
            fence = opening.group(1)
            if len(line) - len(line.lstrip(" ")) < indent:
                indent = -1  # a fence outside the item ends the list
    return indent >= 0 and fence is None


def _find_fields(lines: list[str]) -> dict[str, FieldSpan]:
    # The hot loop of reading a ledger (400,000 lines at 10,000 entries): a test of the first
    # character before any regex or copy.
    spans: dict[str, FieldSpan] = {}
    name, bullet, first, value = "", False, -1, ""  # the open field, if first >= 0
    fence: str | None = None
    match = _FIELD.match
    for i in range(1, len(lines)):
        line = lines[i]
        if fence is not None:
            bare = line.strip()
            if bare.startswith(fence) and not bare.strip(fence[0]):
                fence = None
            continue
        head = line[:1]
        if head == " ":
            head = line.lstrip(" ")[:1]
        if head == "*" or head == "-":
            field = match(line)
            if field is not None:
                if first >= 0 and name.lower() not in spans:
                    spans[name.lower()] = FieldSpan(name, bullet, first, i, value)
                dash, name, value = field.groups()
                name, bullet, first = name.strip(), dash is not None, i
                continue
        elif head == "`" or head == "~":
            opening = _FENCE.match(line)
            if opening is not None:
                fence = opening.group(1)  # a fence inside a field belongs to it
                continue
        elif head == "#" and _HEADING.match(line) is not None:
            head = ""
        if first >= 0 and (not head or not line.strip()):
            if name.lower() not in spans:
                spans[name.lower()] = FieldSpan(name, bullet, first, i, value)
            first = -1
    if first >= 0 and name.lower() not in spans:
        spans[name.lower()] = FieldSpan(name, bullet, first, len(lines), value)
    return spans


def layout_of(rendered: str) -> list[Slot]:
    """The field order of a rendered template: names, list form, and paragraph starts."""
    slots: list[Slot] = []
    blank = False
    for line in rendered.split("\n")[1:]:
        field = _FIELD.fullmatch(line.rstrip("\r"))
        if field:
            slots.append(
                Slot(field.group("name").strip(), field.group("bullet") is not None, blank)
            )
            blank = False
        elif not line.strip() or _HEADING.match(line):
            blank = True
    return slots
