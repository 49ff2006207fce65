"""What the scanner reports: a `Finding` (a traceback, a faulthandler dump, or a line), and the
exit status a line states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ledger_tool.ingest.tracebacks import Exc

# Candidate lines: the words a failure is told with.  Uppercase-first alternatives in one pattern,
# the lowercase ones as plain finds (a lowercase first letter would make the pattern try everywhere).
_UPPER = (
    "Traceback", "ERROR", "Exception", "EXCEPTION", "WARN", "Warning", "Killed", "Segmentation",
    "Aborted", "FATAL", "Fatal", "CRITICAL", "CANCELLED", "Watchdog", "Timeout", "Assertion",
    "Permission", "xit",
)  # fmt: skip
# `xit` (exit, Exit, exitcode) is the one lowercase start: `x` is rare in logs
_GLOG_ERROR = rb"[01]\d[0-3]\d [0-2]\d:"  # after glog's `E`: `E1210 04:12:35`
UPPER_WORDS = re.compile(b"|".join([*(re.escape(w.encode()) for w in _UPPER), b"E" + _GLOG_ERROR]))
LOWER_WORDS = (
    b"rror",
    b"not found",
    b"denied",
)  # error, Error, a C++ `what():`; `command not found`

# The engine skips to a pattern's first byte fast only when that is one literal byte: given a set
# of bytes (the words' first letters) it tests each byte in turn, at a quarter of the speed.  So a
# chunk is searched as `MARKS` translates it, every first letter one byte (`\0`, and a NUL of the
# log `\1`), with `MARKED_WORDS`, the words translated alike: a superset of UPPER_WORDS' matches
# at the same offsets, each then checked on the chunk itself.
_FIRSTS = bytes(sorted({w.encode()[0] for w in _UPPER} | {ord("E")}))
MARKS = bytes.maketrans(b"\0" + _FIRSTS, b"\1" + b"\0" * len(_FIRSTS))
MARKED_WORDS = re.compile(
    b"|".join([*(re.escape(w.encode().translate(MARKS)) for w in _UPPER), b"\0" + _GLOG_ERROR])
)


def has_hit(line: bytes) -> bool:
    """Whether `line` holds a word a failure is told with."""
    return UPPER_WORDS.search(line) is not None or any(word in line for word in LOWER_WORDS)


_STATUS = re.compile(
    r"exit(?:ed|ing)?(?: with)?(?: exit)? (?:code|status)[ \t:=]{0,12}(-?\d{1,3})(?!\d)"
    r"|exitcode[ \t:=]{0,12}(-?\d{1,3})(?!\d)"
    r"|return code[ \t:=]{0,12}(-?\d{1,3})(?!\d)"
    r"|non-zero exit status (\d{1,3})(?!\d)"
    r"|\] error (\d{1,3})(?!\d)"
)


def status_in(text: str) -> int | None:
    """The exit status a line states (`exit code 137`, `exitcode: -9`, make's `Error 127`)."""
    if "xit" not in text and "return code" not in text and "] Error" not in text:
        return None
    lowered = text.lower()
    match = _STATUS.search(lowered)
    if match is None or "stdout" in lowered[match.end() :] or "stderr" in lowered[match.end() :]:
        return None  # none, or a runtime's hook's status quoted before its output
    return int(next(g for g in match.groups() if g is not None))


@dataclass(slots=True)
class Finding:
    """One thing the log says went wrong: a traceback, a faulthandler dump, or a line."""

    kind: str  # "traceback", "fault" or "line"
    line: int  # the line that states it: an exception's `Type: message` line, or the line itself
    level: str  # "error", "warning" or "" (no level printed)
    text: str  # what it says, as one line: `Type: message`, or the line's message
    time: datetime | None
    phase: str  # the phase its log record names (seed 001's `[PHASE]`), or ""
    chain: list[Exc] = field(default_factory=list)  # a traceback's links, cause first
    raw: str = ""  # the printed lines of a traceback (a long one cut in the middle)
    status: int | None = None  # an exit status it states
    trained: bool = False  # training steps were logged before it
    serving: bool = False  # a server started before it (and no training did)

    @property
    def final(self) -> Exc | None:
        return self.chain[-1] if self.chain else None
