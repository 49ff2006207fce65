"""How long a run may take under a git hook: a hook must never hold a commit up for long.

The hook scripts set LEDGER_HOOK.  Under it the lock is waited for a few seconds only, and the
whole run stops at a wall-clock bound (LEDGER_HOOK_TIMEOUT seconds, 0 for none).  Stopping at
any moment is safe: a write is atomic and the next `ledger` command finishes or undoes it.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from ledger_tool.errors import HookTimeout

HOOK_ENV = "LEDGER_HOOK"
TIMEOUT_ENV = "LEDGER_HOOK_TIMEOUT"
DEFAULT_HOOK_TIMEOUT = 10.0
HOOK_LOCK_WAIT = 3.0
LOCK_WAIT = 30.0


def in_hook() -> bool:
    return bool(os.environ.get(HOOK_ENV))


def lock_wait() -> float:
    """Seconds to wait for another ledger command's lock: a hook gives up soon."""
    return HOOK_LOCK_WAIT if in_hook() else LOCK_WAIT


def hook_timeout() -> float:
    """The bound on a run under a hook in seconds (0: none); a value that is not a number of
    seconds counts as unset, since a hook must not fail over it."""
    try:
        seconds = float(os.environ.get(TIMEOUT_ENV, DEFAULT_HOOK_TIMEOUT))
    except ValueError:
        return DEFAULT_HOOK_TIMEOUT
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_HOOK_TIMEOUT


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Under a hook, raise HookTimeout in the run once its bound has passed."""
    seconds = hook_timeout() if in_hook() else 0.0
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise HookTimeout(
            f"stopped after {seconds:g} s, the bound on a run under a git hook ({TIMEOUT_ENV}); "
            "a write it was making is finished or undone by the next ledger command"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
