"""`ledger check`'s last answers, kept so that a ledger nobody changed is not checked again.

An answer is kept in `.git/ledger-cache/verdict.pickle` with what it was the answer for: each
file it read (the three files, the journal archive, the configuration and template overrides),
by its size, modification and change times and inode, and by a hash of its bytes.  A file whose
stat is the same and older than the answer by more than `RACY_NS` is taken as unchanged without
being read; a younger one (it may have changed again within the file system's clock tick, as
git's "racy" files) is read and compared by its hash, and once it is old enough the answer is
written again so that the next run need not read it.  Any difference, a file added or gone,
another version of the tool: no answer, and `ledger check` checks everything (then keeps the new
answer).  The last `KEEP` answers are kept, the one used last first, so that going back to
another branch's ledger finds its answer too.

Only answers that git had no say in are kept (no LDG502: a fix commit the repository lacks may be
fetched at any time), so the answer depends on the files alone.  A command that changed ERRORS.md
in a way that cannot change the answer (`checks.carry`) keeps the answer for the new file too.
This module imports nothing of the checks themselves: it is the whole of a warm `ledger check`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.checks.problem import Problem
from ledger_tool.files.cache import read_stamped, write_stamped
from ledger_tool.workspace import Workspace

RACY_NS = 2_000_000_000
KEEP = 4
_NAME = "verdict.pickle"
_STAGED = "verdict-staged.pickle"  # the pre-commit hook's answers: for the index's blobs
Stat = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns (no one sets it), inode, device
Snapshot = list[tuple[str, Stat | None, bytes | None]]
# When it was taken (the time on the kept file's clock; None: the file's own mtime, for the
# answer written last), the index's blobs it is for (None: the working tree's), the files it
# read, and the problems found.
Answer = tuple[int | None, list[tuple[str, str]] | None, Snapshot, list[Problem]]


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
        return _as_stat(os.stat(path))
    except OSError:
        return None


def _as_stat(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def digest_of(data: bytes) -> bytes:
    """How an answer keeps a file's bytes (SHA-256: CPUs speed it up, 2x BLAKE2b)."""
    return kept_digest(sha256(data).digest())


def kept_digest(sha256_digest: bytes) -> bytes:
    """`digest_of` the bytes whose whole SHA-256 digest is `sha256_digest`."""
    return sha256_digest[:16]


def _digest(path: Path, digests: dict[Path, bytes]) -> bytes | None:
    if path in digests:
        return digests[path]
    try:
        return digest_of(path.read_bytes())
    except OSError:
        return None


def _where(ws: Workspace, staged: bool) -> Path | None:
    base = gitdirs.git_dir(ws.root)
    name = _STAGED if staged else _NAME
    return None if base is None else base / "ledger-cache" / name


def _answers(ws: Workspace, staged: bool) -> list[tuple[int, Answer]]:
    """The answers kept, each with when it was taken (none: there are none, or unreadable)."""
    path = _where(ws, staged)
    if path is None:
        return []
    try:
        written = path.stat().st_mtime_ns  # before it is read: a newer file only looks younger
    except OSError:
        return []
    data = read_stamped(path, _ALLOWED)
    if not isinstance(data, list):
        return []
    found = []
    for answer in data:
        if not (isinstance(answer, tuple) and len(answer) == 4 and isinstance(answer[2], list)):
            return []
        if not all(isinstance(f, tuple) and len(f) == 3 for f in answer[2]):
            return []
        taken = answer[0] if isinstance(answer[0], int) else written
        found.append((taken, answer))
    return found


def _keep(ws: Workspace, staged: bool, newest: Answer, others: list[tuple[int, Answer]]) -> None:
    """Write `newest` first (taken now: the file's own time), then the `others` that are not
    for the same files, up to `KEEP` in all."""
    path = _where(ws, staged)
    if path is None:
        return
    kept = [newest]
    for taken, (_, indexed, files, problems) in others:
        same = indexed == newest[1] and [(n, d) for n, _, d in files] == [
            (n, d) for n, _, d in newest[2]
        ]
        if not same and len(kept) < KEEP:
            kept.append((taken, indexed, files, problems))
    write_stamped(path, kept)


def _settled(now: Stat | None, then: Stat | None, written: int) -> bool:
    """A file whose stat is what an answer written at `written` saw, and older than it by more
    than `RACY_NS`, is taken as unchanged without being read."""
    return now is not None and now == then and now[1] < written - RACY_NS


def _current(
    ws: Workspace,
    blobs: dict[str, str] | None,
    taken: int,
    files: Snapshot,
    digests: dict[Path, bytes],
    but: Path | None = None,
) -> Snapshot | None:
    """The files an answer taken at `taken` read (`but` aside), as they are now, if each is
    what it was: by its stat when that is settled, else by its hash; None when one is not."""
    current = inputs(ws, blobs)
    if [str(p) for p in current] != [name for name, _, _ in files]:
        return None
    found: Snapshot = []
    for file, (name, stat, digest) in zip(current, files, strict=True):
        now = _stat(file)
        if file != but:
            if (now is None) != (stat is None):
                return None
            unsettled = now is not None and not _settled(now, stat, taken)
            if unsettled and _digest(file, digests) != digest:
                return None
        found.append((name, now, digest))
    return found


def recall(ws: Workspace, blobs: dict[str, str] | None = None) -> list[Problem] | None:
    """The problems `ledger check` found for the files as they are, if it checked them before
    (with `blobs`, for the same blobs in the index); else None."""
    found = _recall(ws, blobs, {})
    return None if found is None else found[1]


def _recall(
    ws: Workspace,
    blobs: dict[str, str] | None,
    digests: dict[Path, bytes],
    answers: list[tuple[int, Answer]] | None = None,
) -> tuple[Snapshot, list[Problem]] | None:
    """`recall` (`digests`: of some files, `digest_of` their bytes as the caller read them;
    `answers`: those kept, when the caller read them), and the files as the answer found them
    now."""
    if answers is None:
        answers = _answers(ws, blobs is not None)
    for k, (taken, answer) in enumerate(answers):
        _, indexed, files, problems = answer
        if indexed != _indexed(blobs):
            continue
        found = _current(ws, blobs, taken, files, digests)
        if found is None:
            continue
        # read by their hash this time, and old enough now to be taken by their stat next time
        racy = [
            now[1]
            for (_, now, _), (_, then, _) in zip(found, files, strict=True)
            if now is not None and not _settled(now, then, taken)
        ]
        if k or any(mtime < time.time_ns() - RACY_NS for mtime in racy):
            _keep(ws, blobs is not None, (None, indexed, found, problems), answers)
        return found, list(problems)
    return None


def recall_from_worktree(
    ws: Workspace,
    blobs: dict[str, str],
    held: Callable[[Callable[[bytes], bytes]], dict[Path, bytes] | None],
) -> list[Problem] | None:
    """`recall(ws, blobs)` by the working tree's answer, when the index holds what the working
    tree does: `held(digest_of)` gives `digest_of` the bytes of each working-tree file the
    index holds when every one is its staged blob (None: one is not).  It is asked only when
    an answer was kept for those files as they stand (same stat), which a command's kept
    answer is (`carry`) and a file edited since is not.  The answer is then kept for the
    index's blobs too."""
    names = {str(ws.root / path) for path in blobs}
    stats = {name: _stat(Path(name)) for name in names}
    answers = _answers(ws, False)
    if not any(
        {n: s for n, s, _ in files if n in names} == stats for _, (_, _, files, _) in answers
    ):
        return None
    digests = held(digest_of)
    found = _recall(ws, None, digests, answers) if digests is not None else None
    if found is None:
        return None
    files, problems = found
    kept = {str(p) for p in inputs(ws, blobs)}
    staged = [(n, s, d) for n, s, d in files if n in kept]
    if [n for n, _, _ in staged] == [str(p) for p in inputs(ws, blobs)]:
        _keep(ws, True, (None, _indexed(blobs), staged, problems), _answers(ws, True))
    return problems


def _indexed(blobs: dict[str, str] | None) -> list[tuple[str, str]] | None:
    return None if blobs is None else sorted(blobs.items())


def snapshot(ws: Workspace, blobs: dict[str, str] | None = None) -> Snapshot:
    """The files `ledger check` is about to read, as they are before it reads them (a file an
    answer saw, unchanged as `recall` tells it, keeps the hash it had then)."""
    kept: dict[str, list[tuple[int, Stat | None, bytes | None]]] = {}
    for taken, (_, _, files, _) in _answers(ws, blobs is not None):
        for name, stat, digest in files:
            kept.setdefault(name, []).append((taken, stat, digest))
    found = []
    for file in inputs(ws, blobs):
        stat = _stat(file)
        seen = kept.get(str(file), [])
        digest = next((d for taken, then, d in seen if _settled(stat, then, taken)), None)
        if digest is None and stat is not None:
            digest = _digest(file, {})
        found.append((str(file), stat, digest))
    return found


def remember(
    ws: Workspace, before: Snapshot, problems: list[Problem], blobs: dict[str, str] | None = None
) -> None:
    """Keep `problems` as the answer for the files as `before` saw them (and the index's `blobs`),
    unless one changed while they were checked, or git had a say (LDG502)."""
    if any(p.code == "LDG502" for p in problems):
        return
    if [(name, _stat(Path(name))) for name, _, _ in before] != [(n, s) for n, s, _ in before]:
        return
    staged = blobs is not None
    _keep(ws, staged, (None, _indexed(blobs), before, problems), _answers(ws, staged))


def carry(
    ws: Workspace, path: Path, written: os.stat_result, read: bytes, before: bytes, after: bytes
) -> bool:
    """After a command rewrote the ledger file `path` from `read` (bytes of digest `before`) to
    bytes of digest `after` (`written`: its stat then), in a way that cannot change what `ledger
    check` finds (`checks.carry` decides): keep the working tree's answer for the files as they
    are now, if one was kept that found nothing, for them with `path` as it was before: the
    working tree's, or the index's when it held the working tree's files (the last commit's
    hook).  True when one was.  Nothing is kept when `path` is not as written any more, or was
    written too long ago for its stat to stay untrusted: the answer kept is then always checked
    against the file's hash until a check finds it old enough (`recall`)."""
    now = _stat(path)
    if now is None or now != _as_stat(written) or now[1] < time.time_ns() - RACY_NS // 2:
        return False
    answers = _answers(ws, False)
    for k, (taken, (_, _, files, problems)) in enumerate(answers):
        if problems or (str(path), before) not in [(n, d) for n, _, d in files]:
            continue
        found = _current(ws, None, taken, files, {}, but=path)
        if found is None:
            continue
        kept = [
            (n, now if n == str(path) else s, after if n == str(path) else d) for n, s, d in found
        ]
        used_last = [answers[k], *answers[:k], *answers[k + 1 :]]  # kept next to the new one
        _keep(ws, False, (None, None, kept, []), used_last)
        return True
    for taken, (_, indexed, files, problems) in _answers(ws, True):
        if problems or indexed is None:
            continue
        held = _as_worktree(ws, path, read, indexed)
        found = None if held is None else _current(ws, dict(indexed), taken, files, {})
        if held is None or found is None:
            continue
        held[str(path)] = (now, after)
        held.update({name: (stat, digest) for name, stat, digest in found})
        if all(str(p) in held for p in inputs(ws)):
            _keep(
                ws, False, (None, None, [(str(p), *held[str(p)]) for p in inputs(ws)], []), answers
            )
            return True
    return False


def _as_worktree(
    ws: Workspace, path: Path, read: bytes, indexed: list[tuple[str, str]]
) -> dict[str, tuple[Stat | None, bytes | None]] | None:
    """When the index's blobs an answer was for are the working tree's files (`path` as the
    bytes `read` before the command rewrote it): the others, by stat and digest as they are."""
    from ledger_tool.gitlink.index import is_blob

    found: dict[str, tuple[Stat | None, bytes | None]] = {}
    for name, sha in indexed:
        file = ws.root / name
        if file == path:
            if not is_blob(read, sha):
                return None
            continue
        stat = _stat(file)
        try:
            data = file.read_bytes()
        except OSError:
            return None
        if stat is None or _stat(file) != stat or not is_blob(data, sha):
            return None  # (changed while it was read)
        found[str(file)] = (stat, digest_of(data))
    return found if str(path) in {str(ws.root / name) for name, _ in indexed} else None
