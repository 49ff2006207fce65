"""`ledger check`'s last answer, kept so that a ledger nobody changed is not checked again.

The answer is kept in `.git/ledger-cache/verdict.pickle` with what it was the answer for: each
file it read (the three files, the journal archive, the configuration and template overrides),
by its size, modification and change times and inode, and by a hash of its bytes.  A file whose stat is the
same and older than the answer by more than `RACY_NS` is taken as unchanged without being read;
a younger one (it may have changed again within the file system's clock tick, as git's "racy"
files) is read and compared by its hash.  Any difference, a file added or gone, another version of
the tool: no answer, and `ledger check` checks everything (then keeps the new answer).

Only answers that git had no say in are kept (no LDG502: a fix commit the repository lacks may be
fetched at any time), so the answer depends on the files alone.  This module imports nothing of the
checks themselves: it is the whole of a warm `ledger check`.
"""

from __future__ import annotations

import os
from hashlib import sha256
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.checks.problem import Problem
from ledger_tool.files.cache import read_stamped, write_stamped
from ledger_tool.workspace import Workspace

RACY_NS = 2_000_000_000
_NAME = "verdict.pickle"
_STAGED = "verdict-staged.pickle"  # the pre-commit hook's answer: for the index's blobs
Stat = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns (no one sets it), inode, device
Snapshot = list[tuple[str, Stat | None, bytes | None]]


_ALLOWED = {("ledger_tool.checks.problem", "Problem"): Problem}


def inputs(ws: Workspace, blobs: dict[str, str] | None = None) -> list[Path]:
    """Every file of the work tree the answer of `ledger check` depends on (with `blobs`, the
    ledger files the index holds are not among them: their blobs are)."""
    names = ("errors", "journal", "tasks")
    files = [ws.path(n) for n in names if blobs is None or ws.relative(n) not in blobs]
    files += ws.archive_files()
    files += [ws.root / ".ledger.toml", ws.root / "pyproject.toml"]
    templates = ws.root / ".ledger" / "templates"
    if templates.is_dir():
        files += sorted(p for p in templates.rglob("*") if p.is_file())
    return files


def _stat(path: Path) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _digest(path: Path) -> bytes | None:
    try:
        return sha256(path.read_bytes()).digest()[:16]  # SHA-256: CPUs speed it up, 2x BLAKE2b
    except OSError:
        return None


def _where(ws: Workspace, staged: bool) -> Path | None:
    base = gitdirs.git_dir(ws.root)
    name = _STAGED if staged else _NAME
    return None if base is None else base / "ledger-cache" / name


def _last(ws: Workspace, staged: bool) -> tuple[int, tuple[object, Snapshot, list[Problem]]]:
    """The last answer kept, with when it was written (0 and nothing: none, or unreadable)."""
    path = _where(ws, staged)
    if path is None:
        return 0, (None, [], [])
    try:
        written = path.stat().st_mtime_ns  # before it is read: a newer file only looks younger
    except OSError:
        return 0, (None, [], [])
    data = read_stamped(path, _ALLOWED)
    well_formed = isinstance(data, tuple) and len(data) == 3 and isinstance(data[1], list)
    if not well_formed or not all(isinstance(f, tuple) and len(f) == 3 for f in data[1]):
        return 0, (None, [], [])
    return written, data


def _settled(now: Stat | None, then: Stat | None, written: int) -> bool:
    """A file whose stat is what an answer written at `written` saw, and older than it by more
    than `RACY_NS`, is taken as unchanged without being read."""
    return now is not None and now == then and now[1] < written - RACY_NS


def recall(ws: Workspace, blobs: dict[str, str] | None = None) -> list[Problem] | None:
    """The problems `ledger check` found last, if no file it read has changed since (with
    `blobs`, for the same blobs in the index); else None."""
    written, (indexed, files, problems) = _last(ws, blobs is not None)
    if not written or indexed != _indexed(blobs):
        return None
    current = inputs(ws, blobs)
    if [str(p) for p in current] != [name for name, _, _ in files]:
        return None
    for file, (_, stat, digest) in zip(current, files, strict=True):
        now = _stat(file)
        if now is None and stat is None:
            continue
        if now is None or stat is None:
            return None
        if not _settled(now, stat, written) and _digest(file) != digest:
            return None
    return list(problems)


def _indexed(blobs: dict[str, str] | None) -> list[tuple[str, str]] | None:
    return None if blobs is None else sorted(blobs.items())


def snapshot(ws: Workspace, blobs: dict[str, str] | None = None) -> Snapshot:
    """The files `ledger check` is about to read, as they are before it reads them (a file the
    last answer saw, unchanged as `recall` tells it, keeps the hash it had then)."""
    written, (_, files, _) = _last(ws, blobs is not None)
    kept = {name: (stat, digest) for name, stat, digest in files}
    found = []
    for file in inputs(ws, blobs):
        stat = _stat(file)
        then, digest = kept.get(str(file), (None, None))
        if not _settled(stat, then, written):
            digest = None if stat is None else _digest(file)
        found.append((str(file), stat, digest))
    return found


def remember(
    ws: Workspace, before: Snapshot, problems: list[Problem], blobs: dict[str, str] | None = None
) -> None:
    """Keep `problems` as the answer for the files as `before` saw them (and the index's `blobs`),
    unless one changed while they were checked, or git had a say (LDG502)."""
    path = _where(ws, blobs is not None)
    if path is None or any(p.code == "LDG502" for p in problems):
        return
    if [(name, _stat(Path(name))) for name, _, _ in before] != [(n, s) for n, s, _ in before]:
        return
    write_stamped(path, (_indexed(blobs), before, problems))
