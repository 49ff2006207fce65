"""One process's traceback, read line by line until it ends (`Collector`), and the lines that
start one or end one.

A traceback is its header, its frames (indented lines), the exception's `Type: message` line, and
the message's continuation (notes, a C++ `frame #N` block, a torchrun `ChildFailedError` box, a
quoted `RemoteTraceback`), up to a blank line that is not followed by a chain's separator, a log
record of its own, or `MAX_MESSAGE_LINES`.  An exception group is read by its `|` and `+` box
lines; a faulthandler dump by its thread headers and frames.
"""

from __future__ import annotations

from datetime import datetime

from ledger_tool.ingest import tracebacks
from ledger_tool.ingest.findings import Finding, has_hit, status_in
from ledger_tool.ingest.lines import record
from ledger_tool.ingest.tracebacks import GROUP_HEADER, HEADER, Exc, Line

MAX_TRACEBACK_LINES = 5000  # lines of one traceback kept (a deeper one keeps its first ones)
MAX_MESSAGE_LINES = 80  # lines after an exception's `Type: message` line read as its message
RAW_HEAD, RAW_TAIL = 40, 160  # lines of a long traceback kept for the ledger and --json


class Collector:
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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Collector) and vars(self) == vars(other)

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
            # another writer's line amid the frames (stdout and stderr in one log): a record,
            # or a line that tells a failure (a shell's `Segmentation fault`), means the log
            # went on without the exception line; a plain print is skipped
            return not is_record(text) and not has_hit(text.encode("utf-8", "replace"))
        if state == "message":
            if bare == '"""':
                self.quoted = not self.quoted
            elif not self.quoted:
                if not bare:
                    self.pending.append(line)
                    self.state = "blank"
                    return True
                if bare.endswith((HEADER, GROUP_HEADER)) or is_record(text):
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


def is_record(text: str) -> bool:
    """A line that is a log record of its own (then a message above it has ended)."""
    head = text[:1]
    if not (head == "[" or head.isdigit() or head == "{" or head.isupper()):
        return False
    rec = record(text)
    return rec.time is not None or (rec.level != "" and rec.message != text)


def starts(text: str) -> str:
    """ "traceback" or "fault" when `text` (prefix removed) starts one, else ""."""
    if "Traceback (most recent call last):" in text and text.rstrip().endswith(
        (HEADER, GROUP_HEADER)
    ):
        return "traceback"
    if text.startswith("Fatal Python error:"):
        return "fault"
    return ""
