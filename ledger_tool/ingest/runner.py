"""`ledger run`'s job: a child process whose output passes through unchanged and is copied.

The child's stdout and stderr go, byte for byte and as soon as they come, to this process's own
stdout and stderr, and both into one copy file (what `ledger ingest` reads when the job fails).
SIGTERM and SIGHUP sent to this process are passed to the job; so is SIGINT, unless it came from
the terminal (which already sent it to the job: the job is in the terminal's foreground group too).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import BinaryIO, NoReturn

from ledger_tool.exceptions import LedgerError

_FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


@dataclass(frozen=True)
class Status:
    """How the job ended: `code` as a shell reports it (128+N when signal N killed it)."""

    code: int
    signal: int | None

    @property
    def said(self) -> str:
        if self.signal is not None:
            return f"was killed by {signal.Signals(self.signal).name} (exit status {self.code})"
        return f"failed with exit status {self.code}" if self.code else "succeeded"


_DRAIN_SECONDS = 2.0
_MAX_PENDING = 1 << 20  # a line longer than this goes to the copy in pieces


def _pump(source: BinaryIO, target: int, copy: BinaryIO, lock: threading.Lock) -> None:
    """Pass one stream through as it comes; copy it whole lines at a time, so that stdout's and
    stderr's lines interleave in the copy as on a terminal, never inside one another."""
    fd = source.fileno()
    pending = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        with contextlib.suppress(OSError):  # a reader that went away does not stop the job
            view = memoryview(data)
            while view:
                view = view[os.write(target, view) :]
        pending += data
        cut = pending.rfind(b"\n") + 1 if len(pending) < _MAX_PENDING else len(pending)
        if cut:
            _keep(copy, lock, pending[:cut])
            pending = pending[cut:]
    if pending:
        _keep(copy, lock, pending)


def _keep(copy: BinaryIO, lock: threading.Lock, data: bytes) -> None:
    with lock, contextlib.suppress(OSError, ValueError):  # closed: the job ended, a child goes on
        copy.write(data)
        copy.flush()


def _from_terminal() -> bool:
    """True when this process is in the terminal's foreground group (a Ctrl-C reached the job
    directly)."""
    try:  # the controlling terminal, whatever stdin is
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


def run(command: list[str], copy_path: Path) -> Status:
    """Run `command`, its output passed through and copied to `copy_path`; its status."""
    try:
        copy_path.parent.mkdir(parents=True, exist_ok=True)
        copy = copy_path.open("wb")
    except OSError as exc:
        raise LedgerError(
            f"cannot write the copy of the job's output to {copy_path}: {exc.strerror}; pass --log PATH"
        ) from exc
    with copy:
        try:
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            copy.write(f"ledger run: {command[0]}: command not found\n".encode())
            sys.stderr.write(f"ledger run: {command[0]}: command not found\n")
            return Status(127, None)
        except PermissionError:
            copy.write(f"ledger run: {command[0]}: Permission denied\n".encode())
            sys.stderr.write(f"ledger run: {command[0]}: Permission denied\n")
            return Status(126, None)

        def forward(number: int, _frame: FrameType | None) -> None:
            if number == signal.SIGINT and _from_terminal():
                return
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(number)

        previous = {s: signal.signal(s, forward) for s in _FORWARDED}
        lock = threading.Lock()
        assert child.stdout is not None and child.stderr is not None
        pumps = [
            threading.Thread(target=_pump, args=(child.stdout, 1, copy, lock), daemon=True),
            threading.Thread(target=_pump, args=(child.stderr, 2, copy, lock), daemon=True),
        ]
        try:
            for pump in pumps:
                pump.start()
            returncode = child.wait()
            # what the job still had to say; a process it left running may keep its pipes
            # open, so the pumps are not waited for longer than _DRAIN_SECONDS in all
            pumps[0].join(_DRAIN_SECONDS)
            pumps[1].join(0.01 if pumps[0].is_alive() else _DRAIN_SECONDS)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
    if returncode < 0:
        return Status(128 - returncode, -returncode)
    return Status(returncode, None)


def exit_like(status: Status) -> NoReturn:
    """End this process as the job ended: the same exit status, or the same signal."""
    sys.stdout.flush()
    sys.stderr.flush()
    if status.signal is not None:
        with contextlib.suppress(OSError, ValueError):  # SIGKILL and SIGSTOP keep theirs anyway
            signal.signal(status.signal, signal.SIG_DFL)
        os.kill(os.getpid(), status.signal)
    raise SystemExit(status.code)
