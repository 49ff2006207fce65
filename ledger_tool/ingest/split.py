"""A big log read in parts at once, by forked processes, with the outcome of reading it in order.

`analyse` is how a log is read.  Reading is bound by the CPU (an error-dense log reads at ~15 MB/s
on one core), so a regular file of at least `MIN_PART` bytes a part, on Linux with more than one
CPU to use (`plan`), is cut where reading it in order would end a chunk (`cuts`), and each part
after the first is read by a forked process while this one reads the first part and hashes the
rest (`in_parts`); anything else is read in order (`analysis.analyse`).

A part's process cannot know what reading in order knows where its part starts: the line number,
the year of the last full date, the time and phase of the last record, the tracebacks still open,
whether training (or a server) had started.  It counts the lines above, looks for training's words
there, and reads the `WARM_UP` bytes above its part with what it finds in them thrown away, which
brings it to that state in all but odd cases.  It sends back the state it assumed, its state at its
part's end, and what it found in its part (`Part`).  That is taken only if the state it assumed
equals, field by field, the one reading in order has at the part's start (and its part kept every
group); else this process reads the part itself.  So the outcome is always that of reading in
order, only sooner (tests hold the two equal over the corpus and fuzzed logs, cut in many ways).  A
file that changes while it is read (a job still writing it) is read again, in order.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import pickle
import selectors
import signal
import stat
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ledger_tool.ingest import analysis
from ledger_tool.ingest.analysis import Analyst, Outcome, Part
from ledger_tool.ingest.findings import Finding
from ledger_tool.ingest.rules import Rule
from ledger_tool.ingest.scan import Scanner, Snapshot, marks
from ledger_tool.ingest.stream import MAX_TAIL, Log, read_chunk

MIN_PART = 16 << 20  # bytes a part has at least: forking and merging cost a few ms
MAX_PARTS = 4  # each part's process counts the lines above it: more parts, more counting
WARM_UP = 1 << 20  # bytes above a part read to come to the state reading in order has there

Progress = Callable[[int], None]


def plan(log: Log, min_part: int | None = None) -> list[int] | None:
    """Where the parts of `log` start, and its end; None: read it in order (it is small, not a
    regular file, compressed, or this is not Linux with a second CPU and no thread running)."""
    min_part = min_part or MIN_PART
    if log.size is None or log.compressed or log.size < 2 * min_part or log.read:
        return None
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None  # a fork copies only the thread that forks: a lock another held stays held
    try:
        fd = log.handle.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        count = min(MAX_PARTS, len(os.sched_getaffinity(0)), log.size // min_part)
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
    return cuts(fd, log.size, log.chunk, count) if count >= 2 else None


def cuts(fd: int, size: int, chunk: int, count: int) -> list[int]:
    """Where `count` parts of about one size start, and `size`: each at the chunk end (by
    `read_chunk`'s rule, from 0) nearest to its share."""
    ends = [0]
    while ends[-1] < size:
        ends.append(_chunk_end(fd, ends[-1], size, chunk))
    starts = {min(ends, key=lambda end: abs(end - size * i // count)) for i in range(1, count)}
    return [0, *sorted(starts - {0, size}), size]


def _chunk_end(fd: int, pos: int, size: int, chunk: int) -> int:
    end = pos + chunk
    if end >= size:
        return size
    if os.pread(fd, 1, end - 1) == b"\n":
        return end
    limit = min(size, end + MAX_TAIL)
    while end < limit:  # the rest of the last line, as `readline(MAX_TAIL)` reads it
        piece = os.pread(fd, min(1 << 16, limit - end), end)
        if not piece:
            break
        found = piece.find(b"\n")
        if found >= 0:
            return end + found + 1
        end += len(piece)
    return end


def analyse(
    log: Log,
    extra: tuple[Rule, ...] = (),
    exit_code: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Read `log` to its end and say what it tells: in parts at once when `plan` says so, else
    (or when it changed while it was read) in order."""
    bar = _Bar(progress) if progress is not None else None
    starts = plan(log)
    if starts is not None:
        outcome = in_parts(log, starts, extra, exit_code, bar)
        if outcome is not None:
            return outcome
        log.restart()
        if bar is not None:
            bar.again()
    return analysis.analyse(log, extra, exit_code, bar)


class _Bar:
    """A progress bar's callback that, when the log is read again from its start, moves the bar
    only for the bytes beyond what it had shown (so it never runs past its end)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.read = self.shown = 0

    def __call__(self, size: int) -> None:
        self.read += size
        if self.read > self.shown:
            self.progress(self.read - self.shown)
            self.shown = self.read

    def again(self) -> None:
        self.read = 0


def in_parts(
    log: Log,
    starts: list[int],
    extra: tuple[Rule, ...] = (),
    exit_code: int | None = None,
    progress: Progress | None = None,
    warm_up: int = WARM_UP,
    taken: list[int] | None = None,
) -> Outcome | None:
    """What reading `log` in order would say, read in the parts `starts` gives (see the module);
    None when the file changed while it was read (then read it again, in order).  `taken` gets
    the parts whose process's reading was taken (the others were read here)."""
    fd = log.handle.fileno()
    before = _identity(fd)
    count = len(starts) - 1
    shared = mmap.mmap(-1, 8 * count)  # each part's bytes read so far, for the progress bar
    shown = _Shown(progress, shared, count)
    children: list[_Child] = []
    try:
        for part in range(1, count):
            children.append(_fork(fd, log.chunk, starts, part, extra, warm_up, shared, children))
        analyst = Analyst(extra)
        scanner = Scanner(analyst.add)
        offset = 0
        for data in log.chunks():  # the first part is read, the rest only hashed
            if offset < starts[1]:
                scanner.feed(data)
                shown.add(0, len(data))
            offset += len(data)
        results = _collect(children, shown)
        for part, result in enumerate(results, start=1):
            if result is not None:
                assumed, end, found = result
                if not found.dropped and pickle.loads(assumed) == scanner.snapshot():
                    analyst.merge(found)
                    scanner = Scanner.resume(end, analyst.add)
                    if taken is not None:
                        taken.append(part)
                    continue
            for data in _chunks(fd, starts[part], starts[part + 1], log.chunk):
                scanner.feed(data)
                shown.add(part, len(data))
        if offset != log.size or _identity(fd) != before:
            return None
        scanner.close()
        return analyst.outcome(scanner.line_count, exit_code)
    finally:
        for child in children:
            child.end()
        shared.close()


def _identity(fd: int) -> tuple[int, ...]:
    st = os.fstat(fd)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


# -- a part's process ---------------------------------------------------------------------------
@dataclass
class _Child:
    pid: int  # -1: it could not be forked
    pipe: int  # the end this process reads its answer from (-1: none, or closed)
    reaped: bool = False

    def end(self) -> None:
        """Make sure it is gone and its pipe closed (it is killed if it still reads)."""
        if not self.reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.reaped = True
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1


def _fork(
    fd: int,
    chunk: int,
    starts: list[int],
    part: int,
    extra: tuple[Rule, ...],
    warm_up: int,
    shared: mmap.mmap,
    siblings: list[_Child],
) -> _Child:
    parent = os.getpid()
    try:
        reading, writing = os.pipe()
    except OSError:  # out of file descriptors: the part is read here
        return _Child(-1, -1, reaped=True)
    try:
        pid = os.fork()
    except OSError:  # out of processes or memory: likewise
        os.close(reading)
        os.close(writing)
        return _Child(-1, -1, reaped=True)
    if pid == 0:  # the part's process: it answers through the pipe and never returns
        code = 1
        try:
            for pipe in [reading] + [sibling.pipe for sibling in siblings if sibling.pipe >= 0]:
                os.close(pipe)  # its siblings see their answers end when they end, not it

            def done(size: int) -> None:
                if os.getppid() != parent:  # nobody waits for the answer any more
                    raise SystemExit
                struct.pack_into("q", shared, 8 * part, size)

            answer = _read_part(fd, chunk, starts[part], starts[part + 1], extra, warm_up, done)
            with open(writing, "wb") as out:
                out.write(answer)
            code = 0
        except BaseException:  # Ctrl-C too: its part is then read by the parent
            pass
        finally:
            os._exit(code)
    os.close(writing)
    return _Child(pid, reading)


def _read_part(
    fd: int,
    chunk: int,
    start: int,
    end: int,
    extra: tuple[Rule, ...],
    warm_up: int,
    done: Progress,
) -> bytes:
    begin = max(0, start - warm_up)
    head = os.pread(fd, start - begin, begin)
    if begin > 0:  # from the first line start in it
        cut = head.find(b"\n")
        head = head[cut + 1 :] if cut >= 0 else b""
    lines, trained, serving = _above(fd, start - len(head), chunk)
    scanner = Scanner.resume(Snapshot(lines, None, (None, ""), True, trained, serving, {}), _drop)
    if head:
        scanner.feed(head)
    assumed = pickle.dumps(scanner.snapshot(), pickle.HIGHEST_PROTOCOL)  # a copy: it goes on
    analyst = Analyst(extra)
    scanner.found = analyst.add
    read = 0
    for data in _chunks(fd, start, end, chunk):
        scanner.feed(data)
        read += len(data)
        done(read)
    found = analyst.part()
    return pickle.dumps((assumed, scanner.snapshot(), found), pickle.HIGHEST_PROTOCOL)


def _above(fd: int, end: int, size: int) -> tuple[int, bool, bool]:
    """The lines of the file above `end`, and whether training and a server had started."""
    lines, trained, serving = 0, False, False
    for piece in _chunks(fd, 0, end, size):  # chunks as reading in order has them (words whole)
        lines += piece.count(b"\n")
        trained, serving = marks(piece, trained, serving)
    return lines, trained, serving


def _drop(finding: Finding) -> None:
    """What is found above a part: reading in order reports it there."""


def _chunks(fd: int, start: int, end: int, size: int) -> Iterator[bytes]:
    """The chunks of the file's bytes [start, end), as `Log.chunks` reads them from `start`."""
    handle = io.BufferedReader(_Window(fd, start, end))
    while data := read_chunk(handle, size):
        yield data


class _Window(io.RawIOBase):
    """Bytes [start, end) of an open file, read with `pread` (the file's offset is left as it is)."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd, self.pos, self.end = fd, start, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = os.pread(self.fd, min(len(buffer), self.end - self.pos), self.pos)
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


# -- answers ------------------------------------------------------------------------------------
def _collect(children: list[_Child], shown: _Shown) -> list[tuple[bytes, Snapshot, Part] | None]:
    """Each part's answer (None: its process failed), the progress bar moving meanwhile."""
    answers = {child.pipe: bytearray() for child in children if child.pipe >= 0}
    with selectors.DefaultSelector() as pending:  # epoll: any fd number, not select's < 1024
        for pipe in answers:
            pending.register(pipe, selectors.EVENT_READ)
        while pending.get_map():
            for key, _ in pending.select(0.2):
                data = os.read(key.fd, 1 << 20)
                if data:
                    answers[key.fd] += data
                else:
                    pending.unregister(key.fd)
            shown.update()
    results: list[tuple[bytes, Snapshot, Part] | None] = []
    for child in children:
        if child.pipe < 0:  # never forked
            results.append(None)
            continue
        _, status = os.waitpid(child.pid, 0)
        child.reaped = True
        try:
            ok = os.waitstatus_to_exitcode(status) == 0
            results.append(pickle.loads(answers[child.pipe]) if ok else None)
        except Exception:  # a torn answer: the part is read here
            results.append(None)
    return results


class _Shown:
    """What a progress bar shows: the bytes of each part read, here or by its process."""

    def __init__(self, progress: Progress | None, shared: mmap.mmap, count: int) -> None:
        self.progress, self.shared = progress, shared
        self.here = [0] * count
        self.shown = 0

    def add(self, part: int, size: int) -> None:
        self.here[part] += size
        self.update()

    def update(self) -> None:
        if self.progress is None:
            return
        there = struct.unpack_from(f"{len(self.here)}q", self.shared)
        done = sum(map(max, self.here, there))
        if done > self.shown:
            self.progress(done - self.shown)
            self.shown = done
