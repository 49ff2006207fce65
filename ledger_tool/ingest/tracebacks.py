"""A Python traceback as printed, read back into its parts.

`parse` takes the lines of one printed chain (numbered, launcher prefixes already removed) and gives
its links in printed order, the cause first and the exception that ended it last: each with its
frames (`File "...", line N, in f` and the source line under it), its type and message (notes and
continuation lines included), and for an exception group (Python 3.11's `+-+---- 1 ----` boxes,
nested to any depth) its member exceptions.  `parse_fault` reads a faulthandler dump (`Fatal Python
error:` with each thread's `File "...", line N in f` frames), whose frames are those of the
`Current thread`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER = "Traceback (most recent call last):"
GROUP_HEADER = "Exception Group Traceback (most recent call last):"
SEPARATORS = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
# `in f` is required: a SyntaxError's location line and a frame cut mid-line are no frames
_FRAME = re.compile(r'[ \t]*File "([^"\n]{0,2000})", line (\d{1,9}),? in (.{1,500})')
_EXCEPTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]{0,200})(?::[ ]?(.*))?")
_FAULT_THREAD = re.compile(
    r"(?:Current thread|Thread) 0x[0-9a-fA-F]{1,16} \(most recent call first\):"
)

Line = tuple[int, str]  # (1-based line number in the log, text)


@dataclass(slots=True)
class Frame:
    file: str
    line: int
    function: str
    code: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "function": self.function, "code": self.code}


@dataclass(slots=True)
class Exc:
    """One exception of a chain or a group: what Python printed for it."""

    type: str | None = None  # None when the log was cut before its `Type: message` line
    message: str = ""  # the whole message, continuation lines and notes included
    line: int | None = None  # where its `Type: message` line is in the log
    frames: list[Frame] = field(default_factory=list)
    members: list[Exc] = field(default_factory=list)  # of an exception group

    @property
    def first_line(self) -> str:
        return self.message.split("\n", 1)[0]

    def leaves(self) -> list[Exc]:
        """The exceptions of a group that are not groups themselves, nested ones included."""
        if not self.members:
            return []
        found: list[Exc] = []
        for member in self.members:
            found.extend(member.leaves() or [member])
        return found

    def texts(self) -> list[str]:
        """Its type and message, then those of its members (what classification reads)."""
        out = [f"{self.type or ''}: {self.message}"]
        for member in self.members:
            out.extend(member.texts())
        return out


def is_exception_line(text: str) -> bool:
    """A line that can be an exception's `Type: message` (or a bare `Type`)."""
    return _EXCEPTION.fullmatch(text.rstrip()) is not None


def is_separator(text: str) -> bool:
    return text.strip() in SEPARATORS


def parse(lines: list[Line]) -> list[Exc]:
    """The links of one printed chain, cause first."""
    links: list[list[Line]] = [[]]
    for number, text in lines:
        if "above exception" in text and is_separator(text):  # each separator says it
            links.append([])
        else:
            links[-1].append((number, text))
    return [_link(part) for part in links if any(t.strip() for _, t in part)]


def _link(lines: list[Line]) -> Exc:
    while lines and not lines[0][1].strip():
        lines = lines[1:]
    if lines and lines[0][1].strip().endswith(GROUP_HEADER):
        column = lines[0][1].find("+")
        return _group(lines, column)
    if lines and lines[0][1].strip().endswith(HEADER):
        lines = lines[1:]
    return _plain(lines)


def _plain(lines: list[Line]) -> Exc:
    exc = Exc()
    frames = exc.frames
    for at, (number, text) in enumerate(lines):
        if text[:1] in (" ", "\t"):
            frame = _FRAME.fullmatch(text.rstrip()) if text.lstrip(" \t")[:6] == 'File "' else None
            if frame is not None:
                frames.append(_frame(frame))
            elif frames and frames[-1].code is None and _is_code(text):
                frames[-1].code = text.strip()
            continue
        if not text.strip():
            continue
        found = _EXCEPTION.fullmatch(text.rstrip())
        if found is not None:  # its `Type: message` line; the lines below continue the message
            exc.type, exc.line = found.group(1), number
            message = [found.group(2) or "", *(t for _, t in lines[at + 1 :])]
            exc.message = "\n".join(message).rstrip()
            break
    return exc


def _frame(match: re.Match[str]) -> Frame:
    return Frame(match.group(1), int(match.group(2)), match.group(3) or "")


def _is_code(text: str) -> bool:
    bare = text.strip()
    return bool(bare.strip("^~ ")) and not bare.startswith("[Previous line repeated")


def _group(lines: list[Line], column: int) -> Exc:
    """An exception group whose box has its `|` at `column` (`lines[0]` is its header): its own
    traceback on the `|` lines there, its members in the boxes two columns in, after the `+-+`
    line that opens them; a member's own `+-+` opens a nested group's members."""
    own: list[Line] = []
    members: list[list[Line]] = []
    current: list[Line] | None = None
    inner = column + 2
    for number, text in lines[1:]:
        if current is None:
            if text[column : column + 3] == "+-+":
                current = []
            elif text[column : column + 1] == "|":
                own.append((number, text[column + 2 :]))
            continue
        if text[inner : inner + 2] == "+-" and text[inner : inner + 3] != "+-+":
            members.append(current)  # the line between two members, or the box's end
            current = []
        else:
            current.append((number, text))
    if current:
        members.append(current)
    exc = _plain(own)
    exc.members = [_member(member, inner) for member in members if member]
    return exc


def _member(lines: list[Line], column: int) -> Exc:
    """One member of a group, its box's `|` at `column`: a nested group, or a chain."""
    if lines[0][1][column + 2 :].strip().endswith(GROUP_HEADER):
        return _group(lines, column)
    if any(t[column : column + 3] == "+-+" for _, t in lines):  # a group never raised: no header
        return _group([(lines[0][0], ""), *lines], column)
    links = parse([(n, t[column + 2 :]) for n, t in lines if t[column : column + 1] == "|"])
    return links[-1] if links else Exc()


def parse_fault(lines: list[Line]) -> Exc:
    """A faulthandler dump: `Fatal Python error: X` (X becomes the message), each thread's frames;
    the frames kept are those of the current thread (else of the first thread listed)."""
    exc = Exc()
    threads: list[tuple[bool, list[Frame]]] = []
    for number, text in lines:
        bare = text.strip()
        if bare.startswith("Fatal Python error:"):
            exc.message, exc.line = bare.split(":", 1)[1].strip(), number
        elif _FAULT_THREAD.fullmatch(bare):
            threads.append((bare.startswith("Current"), []))
        elif threads:
            frame = _FRAME.fullmatch(text.rstrip())
            if frame is not None:
                threads[-1][1].append(_frame(frame))
    current = [frames for is_current, frames in threads if is_current]
    exc.frames = current[0] if current else (threads[0][1] if threads else [])
    return exc
