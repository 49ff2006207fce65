"""What the read commands remember between runs, in `.git/ledger-cache/`, never in the work
tree.  Losing it only costs speed.

Each file starts with a stamp (FORMAT: the tool's version, the package layout, and a word for
each change of what a kept answer means, such as staged files read as strict UTF-8), read before
anything else and without importing a thing; a file of another stamp, such as the flat layout's
(0.1.0), is dropped whole rather than half understood.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger_tool import __version__, gitdirs
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.model.entry import Entry


FORMAT = f"ledger-cache {__version__} subpackages strict-staged"


class _StampOnly(pickle.Unpickler):
    """Reads the stamp, a plain string: a file that names any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not a stamp: {module}.{name}")


class Memory:
    """What earlier runs found, in `.git/ledger-cache/NAME.pickle`: per-block check results and
    the fix commits known to exist (`check`), the entries read from unchanged blocks
    (`entries`, for the read commands), or what ERRORS.md's History lines record (`recorded`,
    by the file's hash, for sync's look on every commit).

    Losing it only costs speed: a file that cannot be read or written is ignored.
    """

    def __init__(self, ws: Workspace, name: str) -> None:
        base = gitdirs.git_dir(ws.root)
        self.path = None if base is None else base / "ledger-cache" / f"{name}.pickle"
        loaded = read_stamped(self.path) if self.path is not None else None
        data: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        # checks.entry_rules.BlockResult values, typed there (checks is a later layer)
        self.blocks: dict[bytes, Any] = data.get("blocks", {})
        self.commits: set[str] = data.get("commits", set())
        self.entries: dict[bytes, Entry] = data.get("entries", {})
        # lifecycle.sync.Records values, typed there (lifecycle is a later layer)
        self.recorded: dict[bytes, Any] = data.get("recorded", {})
        # the inputs of `check`'s rules across blocks and files that found nothing (checks.run)
        self.clean: set[bytes] = data.get("clean", set())
        self._saved = self._keys()
        if self.path is not None and self.path.parent.is_dir():
            with contextlib.suppress(OSError):  # a read-only .git: nothing to tidy
                sweep(self.path.parent)

    def _keys(self) -> tuple[set[bytes] | set[str], ...]:
        return (
            set(self.blocks), set(self.commits), set(self.entries), set(self.recorded),
            set(self.clean),
        )  # fmt: skip

    def save(self) -> None:
        if self.path is None or self._saved == self._keys():
            return
        data = {
            "blocks": self.blocks,
            "commits": self.commits,
            "entries": self.entries,
            "recorded": self.recorded,
            "clean": self.clean,
        }
        write_stamped(self.path, {k: v for k, v in data.items() if v})


def read_stamped(path: Path, allowed: Mapping[tuple[str, str], type] | None = None) -> Any:
    """What a cache file of this version holds; None when there is none, it is damaged or of
    another version.  With `allowed`, a file that names any other class is refused."""
    try:
        with path.open("rb") as handle:
            if _StampOnly(handle).load() != FORMAT:
                return None
            if allowed is None:
                return pickle.load(handle)
            return _Only(handle, allowed).load()
    except Exception:  # none yet, or damaged: only a lost speed-up
        return None


def write_stamped(path: Path, data: object) -> None:
    """Write a cache file atomically (a temporary file `NAME.PID.XXXXXXXX.tmp`, new and only the
    user's, renamed over it); a file system that refuses only costs the next run its speed-up."""
    temp = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}{_TEMP}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(FORMAT, handle, pickle.HIGHEST_PROTOCOL)
            pickle.dump(data, handle, pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)  # a read-only .git or a full disk


class _Only(pickle.Unpickler):
    def __init__(self, handle: Any, allowed: Mapping[tuple[str, str], type]) -> None:
        super().__init__(handle)
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"not this cache's: {module}.{name}")
        return found


_TEMP = ".tmp"


def sweep(folder: Path) -> None:
    """Remove the temporary files of runs that were killed before they renamed theirs: each is
    named `NAME.pickle.PID.XXXX.tmp`, and one whose process is gone is stale."""
    for temp in folder.glob(f"*.pickle.*{_TEMP}"):
        pid = temp.name.split(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
