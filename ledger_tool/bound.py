"""How long a run may take under a git hook: a hook must never hold a commit up for long.

The hook scripts set LEDGER_HOOK; the pre-commit framework sets PRE_COMMIT for the hooks it
runs.  Under either the lock is waited for a few seconds only, and the whole run stops at a
wall-clock bound (LEDGER_HOOK_TIMEOUT seconds, 0 for none).  In CI (CI set) nobody waits on a
commit, so a framework run there is not bounded.  Stopping at any moment is safe: a write is
atomic and the next `ledger` command finishes or undoes it.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

from ledger_tool.exceptions import HookTimeout

HOOK_ENV = "LEDGER_HOOK"
FRAMEWORK_ENV = "PRE_COMMIT"
TIMEOUT_ENV = "LEDGER_HOOK_TIMEOUT"
DEFAULT_HOOK_TIMEOUT = 10.0
HOOK_LOCK_WAIT = 3.0
LOCK_WAIT = 30.0


def in_hook() -> bool:
    """True when a git hook runs us and someone waits on the commit."""
    return bool(os.environ.get(HOOK_ENV)) or under_framework()


def under_framework() -> bool:
    """True when the pre-commit framework runs us as a hook outside CI.  Nothing then turns a
    stopped run into a warning for us, as our own hook scripts do."""
    env = os.environ
    return bool(env.get(FRAMEWORK_ENV)) and not env.get(HOOK_ENV) and not env.get("CI")


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
    if not seconds:
        yield
        return

    def stopped() -> HookTimeout:
        return HookTimeout(
            f"stopped after {seconds:g} s, the bound on a run under a git hook ({TIMEOUT_ENV}); "
            "a write it was making is finished or undone by the next ledger command"
        )

    with time_limit(seconds, stopped):
        yield


@contextlib.contextmanager
def time_limit(seconds: float, expired: Callable[[], BaseException]) -> Iterator[None]:
    """Raise `expired()` in the block once `seconds` have passed, inside any outer bound (the
    hook's, which keeps running: whichever comes first stops the run).  Outside the main thread
    there is no timer to set, and the block runs unbounded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer and outer <= seconds:  # the outer bound comes first anyway
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        if frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
            # Raised inside the import system (a module lock's weakref callback, say), it would
            # be printed and ignored, and the run would go on unbounded: ring again a moment later.
            signal.setitimer(signal.ITIMER_REAL, 0.001)
            return
        raise expired()

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # give the outer bound back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))
