"""Find what went wrong in a log, one chunk of complete lines at a time, in bounded memory.

Most of a training log is progress: INFO lines, loss values, tqdm bars.  So the scanner never visits
every line: one regular expression over the chunk with every first letter of its words made one
byte (so that the engine skips ahead as fast as `bytes.find`) and a few plain `bytes.find` for the
lowercase words find the candidate lines; only those are decoded and read.  A traceback switches to reading line by
line until it ends, each process's lines apart (`[rank0]:` and `[rank1]:` tracebacks interleave),
then back.  What it finds (`Finding`) goes to the caller as it is found; nothing of the log is kept
but the lines of a traceback still open, a few hundred at most.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledger_tool.ingest.collect import Collector, starts
from ledger_tool.ingest.findings import (
    LOWER_WORDS,
    MARKED_WORDS,
    MARKS,
    UPPER_WORDS,
    Finding,
    has_hit,
    status_in,
)
from ledger_tool.ingest.lines import MAX_LINE, clean, record, split_prefix
from ledger_tool.ingest.tracebacks import HEADER

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
_LONGEST = max(map(len, _SERVING))

_HEADER = HEADER.encode()
_BACK_LINES = 2000  # lines looked back for the time and phase a finding happened at


@dataclass
class Snapshot:
    """All a scanner knows between two chunks: with the bytes after, all it needs to go on."""

    lines: int
    year: int | None
    known: tuple[datetime | None, str]  # the time and phase the next chunk starts from
    ends_line: bool
    trained: bool
    serving: bool
    open: dict[str, Collector]  # tracebacks still open, by process


class Scanner:
    """Feed it a log's chunks in order (each ends at a line end, but the last may not); each
    finding goes to `found` as soon as it is complete.  `lines` counts the log's lines so far."""

    def __init__(self, found: Callable[[Finding], None]) -> None:
        self.found = found
        self.lines = 0  # lines before the current chunk
        self.year: int | None = None  # of the last full date read (for glog's yearless times)
        self._open: dict[str, Collector] = {}
        self._counted = 0  # offset in the chunk up to which `_count` has counted
        self._count = 0  # line number (0-based) at `_counted`
        # (offset of a line known to have a time, that time, its phase): the nearest time for
        # the lines below it; offsets are the chunk's (-1: carried from the chunk before)
        self._known: tuple[int, datetime | None, str] = (-1, None, "")
        self._ends_line = True  # the log so far ends with a line end
        self._trained: int | None = None  # offset in this chunk from which training had started
        self._serving: int | None = None

    def _marks(self, buf: bytes) -> None:
        """Where in this chunk training is first seen to have started, and a server (once
        seen, from the chunk's start on).  A server matters only where training has not
        started, so it is looked for only above the first training step."""
        if self._trained != -1:
            self._trained = _first(buf, _TRAINING, len(buf))
            if self._serving != -1:
                end = len(buf) if self._trained is None else self._trained + _LONGEST
                self._serving = _first(buf, _SERVING, end)

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
        hits = _Hits(buf)
        while (hit := hits.next(pos)) >= 0:
            start = buf.rfind(b"\n", 0, hit) + 1
            end = buf.find(b"\n", hit)
            end = len(buf) if end < 0 else end
            pos = self._line(buf, start, end)
        self.lines += self._count + buf.count(b"\n", self._counted)
        self._ends_line = buf.endswith(b"\n")
        self._carry(buf)
        self._trained = -1 if self._trained is not None else None  # seen: from the start on
        self._serving = -1 if self._serving is not None else None

    def snapshot(self) -> Snapshot:
        """What it knows now (between chunks; it goes on sharing the open tracebacks)."""
        return Snapshot(
            self.lines,
            self.year,
            self._known[1:],
            self._ends_line,
            self._trained is not None,
            self._serving is not None,
            dict(self._open),
        )

    @classmethod
    def resume(cls, snapshot: Snapshot, found: Callable[[Finding], None]) -> Scanner:
        """A scanner that goes on from `snapshot` as the one that took it would."""
        scanner = cls(found)
        scanner.lines, scanner.year = snapshot.lines, snapshot.year
        scanner._known = (-1, *snapshot.known)
        scanner._ends_line = snapshot.ends_line
        scanner._trained = -1 if snapshot.trained else None
        scanner._serving = -1 if snapshot.serving else None
        scanner._open = dict(snapshot.open)
        return scanner

    @property
    def line_count(self) -> int:
        """The log's lines, a last one without a line end included."""
        return self.lines + (0 if self._ends_line else 1)

    def close(self) -> None:
        """The log ended: whatever traceback is still open ends here (a log cut short)."""
        for key in list(self._open):
            self.found(self._open.pop(key).finding())

    def _line(self, buf: bytes, start: int, end: int) -> int:
        """Read the candidate line at `start`; return where reading goes on."""
        number = self._number(buf, start)
        stream, text = split_prefix(clean(buf[start:end]))
        opens = starts(text)
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
        self._open[stream] = Collector((number, text), kind == "fault", context)

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
                opens = starts(text)
                if opens:
                    self._start(buf, pos, number, stream, text, opens)
                elif has_hit(buf[pos:end]):
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
            self._known = (start, rec.time, rec.phase)
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
        """The time and phase of the nearest record above `start` (a traceback's own lines,
        and many error lines, carry neither): looked for line by line, back to the nearest line
        already known to have one (so each line is read once), to the chunk's start (then the
        previous chunk's last one), or `_BACK_LINES` up (then the last time known, no phase)."""
        known_at, known_time, known_phase = self._known
        end = start
        for _ in range(_BACK_LINES):
            begin = buf.rfind(b"\n", 0, end - 1) + 1 if end > 0 else -1
            if begin <= known_at:  # a line known before (or the chunk's start: what the last
                self._known = (start, known_time, known_phase)  # chunk ended with), none between
                return known_time, known_phase
            found = self._stamp(buf, begin, end)
            if found is not None:
                self._known = (begin, *found)
                return found
            end = begin
        self._known = (start, known_time, "")  # none near: the lines up to here are read
        return known_time, ""

    def _stamp(self, buf: bytes, begin: int, end: int) -> tuple[datetime, str] | None:
        """The time and phase of the record on the line [begin, end), if it has a time."""
        _, text = split_prefix(clean(buf[begin : max(begin, end - 1)]))
        head = text[:1]
        if head == "[" or head.isdigit() or head == "{" or head.isupper():
            rec = record(text, self.year)
            if rec.time is not None:
                self.year = rec.time.year
                return rec.time, rec.phase
        return None

    def _carry(self, buf: bytes) -> None:
        """What the next chunk starts from: the last time and phase of this one (looked for
        in its last lines, else the last known)."""
        end = len(buf)
        for _ in range(_CARRY_LINES):
            if end <= 0 or end <= self._known[0]:
                break
            begin = buf.rfind(b"\n", 0, max(0, end - 1)) + 1
            found = self._stamp(buf, begin, end)
            if found is not None:
                self._known = (begin, *found)
                break
            end = begin
        self._known = (-1, self._known[1], self._known[2])


def marks(buf: bytes, trained: bool, serving: bool) -> tuple[bool, bool]:
    """Whether training had started and whether a server had, after `buf` read as one chunk,
    given what was known before it (as `Scanner._marks` sees them)."""
    if not trained:
        at = _first(buf, _TRAINING, len(buf))
        if not serving:
            serving = _first(buf, _SERVING, len(buf) if at is None else at + _LONGEST) is not None
        trained = at is not None
    return trained, serving


def _first(buf: bytes, words: tuple[bytes, ...], end: int) -> int | None:
    """The offset of the first of `words` in `buf[:end]` (None: none is)."""
    first = None
    for word in words:
        at = buf.find(word, 0, end if first is None else first + len(word))
        if at >= 0 and (first is None or at < first):
            first = at  # the next words are looked for only above it
    return first


_CARRY_LINES = 40  # lines looked back from a chunk's end for the time the next one starts at


class _Hits:
    """Where the candidate words are in a chunk, each searcher scanning it once in all: each
    remembers where it last found one (-1: none further, -2: not searched yet)."""

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.marked = buf.translate(MARKS)  # where UPPER_WORDS may match (see `findings`)
        self.upper = -2  # UPPER_WORDS' next match
        self.lower = [-2] * len(LOWER_WORDS)  # each lowercase word's next
        self.lower_first = -2  # the first of those: most hits are the pattern's, so the
        # lowercase words are asked again only when their first is behind

    def next(self, at: int) -> int:
        """The offset of the first candidate word at or after `at` (-1: none)."""
        if 0 <= self.upper < at or self.upper == -2:
            self.upper = self._upper(at)
        if 0 <= self.lower_first < at or self.lower_first == -2:
            self.lower_first = self._lower(at)
        upper, lower = self.upper, self.lower_first
        return lower if upper < 0 or 0 <= lower < upper else upper

    def _upper(self, at: int) -> int:
        buf, marked, search, match = self.buf, self.marked, MARKED_WORDS.search, UPPER_WORDS.match
        while (found := search(marked, at)) is not None:
            at = found.start()
            if match(buf, at) is not None:
                return at
            at += 1
        return -1

    def _lower(self, at: int) -> int:
        first = -1
        for i, found in enumerate(self.lower):
            if 0 <= found < at or found == -2:
                found = self.lower[i] = self.buf.find(LOWER_WORDS[i], at)
            if found >= 0 and (first < 0 or found < first):
                first = found
        return first
