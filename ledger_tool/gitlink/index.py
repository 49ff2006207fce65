"""What the commit being made holds, asked with plain `git` subprocesses (the pre-commit hook's
path: importing gitpython alone costs more than the whole check of an unchanged ledger).

They run in the repository with the environment git gave the hook, so a `git commit -a`'s
temporary index (GIT_INDEX_FILE) is the one read.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from ledger_tool.exceptions import GitMissing, LedgerError


def _git(root: Path, *args: str, given: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, input=given, capture_output=True)
    except FileNotFoundError:
        raise GitMissing(
            "git is not on PATH and `ledger check --staged` reads the index; install git"
        ) from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip()
        raise LedgerError(f"git {args[0]} failed: {said}; run `git status` to see why")
    return done.stdout


def staged_blobs(root: Path, paths: list[str]) -> dict[str, str]:
    """The blob of each of `paths` the index holds (a path it does not hold is left out)."""
    out = _git(root, "ls-files", "--stage", "-z", "--", *paths)
    blobs: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        _mode, sha, stage = meta.split(b" ")
        if stage == b"0":
            blobs[name.decode("utf-8", "surrogateescape")] = sha.decode()
    return blobs


def staged_changes(root: Path, paths: list[str]) -> list[str]:
    """Which of `paths` the commit being made changes, against HEAD (all it holds on a first
    commit: git compares an unborn HEAD as empty).  A file only intended to be added (`git add
    -N`) is not in the commit, so it is no change."""
    out = _git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "--", *paths)
    return [name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name]


def read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The contents of blobs, read by one `git cat-file --batch`."""
    if not shas:
        return {}
    out = _git(root, "cat-file", "--batch", given="".join(f"{sha}\n" for sha in shas).encode())
    found: dict[str, bytes] = {}
    at = 0
    for sha in shas:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if len(header) != 3:  # `<sha> missing`
            raise LedgerError(f"the index names blob {sha}, which git cannot read; run `git fsck`")
        size = int(header[2])
        found[sha] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


def read_staged(root: Path, blobs: dict[str, str]) -> dict[str, bytes]:
    """The contents of the staged blobs (`blobs`: path -> blob id, as `staged_blobs` gives
    them), by blob id.  A working-tree file whose bytes are its staged blob (the usual `git add`
    then commit: git's own hash of them is that blob's id) is read from the disk; the others
    from git, by one `git cat-file` (a file changed since, or one a filter rewrites)."""
    found: dict[str, bytes] = {}
    for path, sha in blobs.items():
        if sha not in found:
            data = _as_staged(root / path, sha)
            if data is not None:
                found[sha] = data
    found.update(read_blobs(root, sorted({s for s in blobs.values() if s not in found})))
    return found


def held_by_worktree(
    root: Path, blobs: dict[str, str], digest: Callable[[bytes], bytes]
) -> dict[Path, bytes] | None:
    """`digest` of the bytes of the working-tree file of each of `blobs` (path -> blob id, as
    `staged_blobs` gives them), when every one of them is its staged blob; else None.  A big
    file's `digest` is taken in a thread beside git's hash of it (hashlib lets go of the GIL)."""
    found: dict[Path, bytes] = {}
    for path, sha in blobs.items():
        data = _regular_bytes(root / path)
        if data is None:
            return None
        if len(data) < 1 << 20:
            if not is_blob(data, sha):
                return None
            found[root / path] = digest(data)
            continue
        taken: list[bytes] = []
        beside = threading.Thread(target=_append, args=(taken, digest, data), daemon=True)
        beside.start()
        held = is_blob(data, sha)
        beside.join()
        if not held:
            return None
        found[root / path] = taken[0] if taken else digest(data)  # (the thread failed: again)
    return found


def _append(into: list[bytes], digest: Callable[[bytes], bytes], data: bytes) -> None:
    into.append(digest(data))


def _as_staged(path: Path, sha: str) -> bytes | None:
    """The bytes of the regular file at `path` if they are the blob `sha`."""
    data = _regular_bytes(path)
    return data if data is not None and is_blob(data, sha) else None


def _regular_bytes(path: Path) -> bytes | None:
    """The bytes of the regular file at `path` (a FIFO or device in its place is not read: it
    could block the hook)."""
    try:
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None
            return file.read()
    except OSError:
        return None


def is_blob(data: bytes, sha: str) -> bool:
    """Whether git's hash of `data` as a blob is `sha`."""
    digest = hashlib.sha1 if len(sha) == 40 else hashlib.sha256  # a SHA-256 repository's ids
    named = digest(b"blob %d\0" % len(data))
    named.update(data)
    return named.hexdigest() == sha
