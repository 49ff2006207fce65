"""Find what went wrong in a log, one chunk of complete lines at a time, in bounded memory.

Most of a training log is progress: INFO lines, loss values, tqdm bars.  So the scanner never visits
every line: one regular expression whose alternatives all begin with an uppercase letter (so that
the engine skips ahead on a character set) and a few plain `bytes.find` for the lowercase words
find the candidate lines; only those are decoded and read.  A traceback switches to reading line by
line until it ends, each process's lines apart (`[rank0]:` and `[rank1]:` tracebacks interleave),
then back.  What it finds (`Finding`) goes to the caller as it is found; nothing of the log is kept
but the lines of a traceback still open, a few hundred at most.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ledger_tool.ingest import tracebacks
from ledger_tool.ingest.lines import MAX_LINE, clean, record, split_prefix
from ledger_tool.ingest.tracebacks import GROUP_HEADER, HEADER, Exc, Line

# Candidate lines: the words a failure is told with.  Uppercase-first alternatives in one pattern,
# the lowercase ones as plain finds (a lowercase first letter would make the pattern try everywhere).
_UPPER = re.compile(
    rb"Traceback|ERROR|Exception|EXCEPTION|WARN|Warning|Killed|Segmentation|Aborted|FATAL|Fatal|"
    rb"CRITICAL|CANCELLED|Watchdog|Timeout|Assertion|Permission|E[01]\d[0-3]\d [0-2]\d:|xit"
)  # `xit` (exit, Exit, exitcode) is the one lowercase start: `x` is rare in logs
_LOWER = (b"rror", b"not found", b"denied")  # error, Error, a C++ `what():`; `command not found`
_WARNING_ONLY = re.compile(r"(?i)warn")
# Words that show training had started, or that the process is a server; looked for until found.
_TRAINING = (b"loss=", b"'loss'", b"loss:", b"loss ", b"Loss", b"train_loss")
_SERVING = (
    b"listening on",
    b"Uvicorn running",
    b"Application startup complete",
    b"Started server",
    b"API server",
    b"serving on",
)

_HEADER = HEADER.encode()
MAX_TRACEBACK_LINES = 5000  # lines of one traceback kept (a deeper one keeps its first ones)
MAX_MESSAGE_LINES = 80  # lines after an exception's `Type: message` line read as its message
RAW_HEAD, RAW_TAIL = 40, 160  # lines of a long traceback kept for the ledger and --json
_BACK_LINES = 40  # lines looked back from a traceback for the time and phase it happened at

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


@dataclass
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


class _Collector:
    """The lines of one process's traceback, read until it ends."""

    def __init__(
        self, first: Line, fault: bool, context: tuple[datetime | None, str, bool, bool]
    ) -> None:
        self.lines: list[Line] = [first]
        self.context = context
        self.fault = fault
        group = first[1].strip().endswith(GROUP_HEADER)
        self.state = "fault" if fault else ("group" if group else "frames")
        self.pending: list[Line] = []  # blank lines that may lead to a chained traceback
        self.message_lines = 0
        self.quoted = False
        self.idle = 0  # lines of other processes since its last one

    def _keep(self, line: Line) -> None:
        if len(self.lines) < MAX_TRACEBACK_LINES:
            self.lines.append(line)

    def accept(self, line: Line) -> bool:
        """Take `line` if it continues this traceback; False ends it (the line is not its)."""
        text = line[1]
        bare = text.strip()
        state = self.state
        if state == "fault":
            if not bare or bare.startswith(("File ", "Thread 0x", "Current thread", "<no Python")):
                self._keep(line)
                return True
            if bare.startswith(("Extension modules:", "Python runtime state")):
                self._keep(line)
                return True
            return False
        if state in ("frames", "group"):
            if state == "group" and bare[:1] in ("|", "+"):
                self._keep(line)
                return True
            if state == "frames" and text[:1] in (" ", "\t") and bare:
                self._keep(line)
                return True
            if not bare:
                self.pending.append(line)
                self.state = "blank"
                return True
            if state == "group":
                return self._after_message(line)
            if tracebacks.is_exception_line(text):
                self._keep(line)
                self.state, self.message_lines = "message", 0
                return True
            # another writer's line amid the frames (stdout and stderr in one log): a record
            # means the log went on without the exception line; a plain print is skipped
            return not _is_record(text)
        if state == "message":
            if bare == '"""':
                self.quoted = not self.quoted
            elif not self.quoted:
                if not bare:
                    self.pending.append(line)
                    self.state = "blank"
                    return True
                if bare.endswith((HEADER, GROUP_HEADER)) or _is_record(text):
                    return False
            self.message_lines += 1
            if self.message_lines > MAX_MESSAGE_LINES:
                return False
            self._keep(line)
            return True
        if state == "blank":
            return self._after_message(line)
        # state == "separator": blank lines, then the next link's header
        if not bare:
            return True
        if bare.endswith(HEADER) or bare.endswith(GROUP_HEADER):
            self._keep(line)
            self.state = "group" if bare.endswith(GROUP_HEADER) else "frames"
            return True
        return False

    def _after_message(self, line: Line) -> bool:
        bare = line[1].strip()
        if not bare:
            self.pending.append(line)
            self.state = "blank"
            return True
        if tracebacks.is_separator(bare):
            self.pending.clear()
            self._keep(line)
            self.state = "separator"
            return True
        self.pending.clear()
        return False

    def finding(self) -> Finding:
        if self.fault:
            exc = tracebacks.parse_fault(self.lines)
            chain = [exc]
            text = f"Fatal Python error: {exc.message}"
            level = "error"
        else:
            chain = tracebacks.parse(self.lines)
            exc = chain[-1] if chain else Exc()
            text = f"{exc.type}: {exc.first_line}".rstrip(": ") if exc.type else ""
            level = "error"
        status = None
        for link in chain:
            for msg_line in link.message.split("\n")[:MAX_MESSAGE_LINES]:
                status = status_in(msg_line) if status is None else status
        texts = [t for _, t in self.lines]
        if len(texts) > RAW_HEAD + RAW_TAIL:
            cut = len(texts) - RAW_HEAD - RAW_TAIL
            texts = [*texts[:RAW_HEAD], f"[... {cut} lines not kept ...]", *texts[-RAW_TAIL:]]
        time, phase, trained, serving = self.context
        return Finding(
            "fault" if self.fault else "traceback",
            exc.line or self.lines[-1][0],
            level,
            text,
            time,
            phase,
            chain,
            "\n".join(texts),
            status,
            trained,
            serving,
        )


def _is_record(text: str) -> bool:
    """A line that is a log record of its own (then a message above it has ended)."""
    head = text[:1]
    if not (head == "[" or head.isdigit() or head == "{" or head.isupper()):
        return False
    rec = record(text)
    return rec.time is not None or (rec.level != "" and rec.message != text)


def _opens(text: str) -> str:
    """ "traceback" or "fault" when `text` (prefix removed) starts one, else ""."""
    if "Traceback (most recent call last):" in text and text.rstrip().endswith(
        (HEADER, GROUP_HEADER)
    ):
        return "traceback"
    if text.startswith("Fatal Python error:"):
        return "fault"
    return ""


class Scanner:
    """Feed it a log's chunks in order (each ends at a line end, but the last may not); each
    finding goes to `found` as soon as it is complete.  `lines` counts the log's lines so far."""

    def __init__(self, found: Callable[[Finding], None]) -> None:
        self.found = found
        self.lines = 0  # lines before the current chunk
        self.year: int | None = None  # of the last full date read (for glog's yearless times)
        self._open: dict[str, _Collector] = {}
        self._counted = 0  # offset in the chunk up to which `_count` has counted
        self._count = 0  # line number (0-based) at `_counted`
        self._trained: int | None = None  # offset in this chunk from which training had started
        self._serving: int | None = None

    def _marks(self, buf: bytes) -> None:
        """Where in this chunk training is first seen to have started, and a server (once
        seen, from the chunk's start on)."""
        for attr, words in (("_trained", _TRAINING), ("_serving", _SERVING)):
            if getattr(self, attr) == -1 or self._trained == -1:
                continue  # seen already; or training was, and then a server does not matter
            found = [at for at in (buf.find(w) for w in words) if at >= 0]
            setattr(self, attr, min(found) if found else None)

    def _after(self, start: int) -> tuple[bool, bool]:
        return (
            self._trained is not None and start > self._trained,
            self._serving is not None and start > self._serving,
        )

    # -- line numbers --------------------------------------------------------------------
    def _number(self, buf: bytes, start: int) -> int:
        """The 1-based number of the line that starts at offset `start` of `buf`."""
        self._count += buf.count(b"\n", self._counted, start)
        self._counted = start
        return self.lines + self._count + 1

    # -- the chunk -------------------------------------------------------------------------
    def feed(self, buf: bytes) -> None:
        self._counted, self._count = 0, 0
        self._marks(buf)
        pos = self._slow(buf, 0) if self._open else 0
        ahead = [-2] * (1 + len(_LOWER))
        while (hit := _next_hit(buf, pos, ahead)) >= 0:
            start = buf.rfind(b"\n", 0, hit) + 1
            end = buf.find(b"\n", hit)
            end = len(buf) if end < 0 else end
            pos = self._line(buf, start, end)
        self.lines += self._count + buf.count(b"\n", self._counted)
        self._trained = -1 if self._trained is not None else None  # seen: from the start on
        self._serving = -1 if self._serving is not None else None

    def close(self) -> None:
        """The log ended: whatever traceback is still open ends here (a log cut short)."""
        for key in list(self._open):
            self.found(self._open.pop(key).finding())

    def _line(self, buf: bytes, start: int, end: int) -> int:
        """Read the candidate line at `start`; return where reading goes on."""
        number = self._number(buf, start)
        stream, text = split_prefix(clean(buf[start:end]))
        opens = _opens(text)
        if not opens and end - start > MAX_LINE and buf[start:end].rstrip().endswith(_HEADER):
            opens, text = "traceback", HEADER  # glued behind a long progress bar, past MAX_LINE
        if opens:
            self._start(buf, start, number, stream, text, opens)
            return self._slow(buf, end + 1)
        self._plain(buf, start, number, text)
        return end + 1

    def _start(
        self, buf: bytes, start: int, number: int, stream: str, text: str, kind: str
    ) -> None:
        if stream in self._open:
            self.found(self._open.pop(stream).finding())
        if kind == "traceback":  # a header glued behind a progress bar's last redraw
            at = text.find("Traceback (most recent call last):")
            if "Exception Group" not in text and at > 0:
                text = text[at:]
        time, phase = self._context(buf, start)
        context = (time, phase, *self._after(start))
        self._open[stream] = _Collector((number, text), kind == "fault", context)

    def _slow(self, buf: bytes, pos: int) -> int:
        """Read line by line from `pos` while a traceback is open; return where that stopped."""
        size = len(buf)
        while self._open and pos < size:
            end = buf.find(b"\n", pos)
            end = size if end < 0 else end
            number = self._number(buf, pos)
            stream, text = split_prefix(clean(buf[pos:end]))
            collector = self._open.get(stream)
            if collector is not None and collector.accept((number, text)):
                collector.idle = 0
            else:
                if collector is not None:
                    self.found(self._open.pop(stream).finding())
                opens = _opens(text)
                if opens:
                    self._start(buf, pos, number, stream, text, opens)
                elif _has_hit(buf[pos:end]):
                    self._plain(buf, pos, number, text)
                for key, other in list(self._open.items()):
                    if key != stream:
                        other.idle += 1
                        if other.idle > 200:
                            self.found(self._open.pop(key).finding())
            pos = end + 1
        return pos

    def _plain(self, buf: bytes, start: int, number: int, text: str) -> None:
        """A candidate line outside a traceback: an error or warning record, an error a tool
        printed, or an exit status."""
        rec = record(text, self.year)
        if rec.time is not None:
            self.year = rec.time.year
        status = status_in(text)
        level = rec.level
        if level == "info" and status is None:
            return
        if level == "":
            level = "warning" if _WARNING_ONLY.search(text) and "rror" not in text else "error"
        if level == "info":
            level = ""
        time = rec.time or self._context(buf, start)[0]
        trained, serving = self._after(start)
        message = rec.message.strip()
        self.found(
            Finding(
                "line", number, level, message, time, rec.phase, [], "", status, trained, serving
            )
        )

    def _context(self, buf: bytes, start: int) -> tuple[datetime | None, str]:
        """The time and phase of the nearest record at or above `start` (a traceback's own
        lines carry neither)."""
        end = start
        for _ in range(_BACK_LINES):
            if end <= 0:
                break
            begin = buf.rfind(b"\n", 0, end - 1) + 1
            _, text = split_prefix(clean(buf[begin : max(begin, end - 1)]))
            head = text[:1]
            if head == "[" or head.isdigit() or head == "{" or head.isupper():
                rec = record(text, self.year)
                if rec.time is not None:
                    self.year = rec.time.year
                    return rec.time, rec.phase
            end = begin
        return None, ""


def _next_hit(buf: bytes, at: int, ahead: list[int]) -> int:
    """The offset of the first candidate word at or after `at` (-1: none).  `ahead` holds where
    each searcher last found one, so that each scans the chunk once in all."""
    best = -1
    for i, found in enumerate(ahead):
        if 0 <= found < at or found == -2:  # behind us, or not yet searched
            if i == 0:
                match = _UPPER.search(buf, at)
                found = match.start() if match is not None else -1
            else:
                found = buf.find(_LOWER[i - 1], at)
            ahead[i] = found
        if found >= 0 and (best < 0 or found < best):
            best = found
    return best


def _has_hit(line: bytes) -> bool:
    return _UPPER.search(line) is not None or any(word in line for word in _LOWER)
