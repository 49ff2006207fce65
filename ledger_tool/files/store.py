"""Reading and writing the ledger's files so that no update is ever lost or half-written.

A mutating command holds an exclusive lock on the repository for its whole read-change-write cycle.
It writes every new file content to a temporary file, reads it back, and records the set of
renames in a manifest before making any of them; a crash before the manifest leaves all files old,
a crash after it is rolled forward by the next `ledger` command.  Temporary files live inside
`.git/ledger/`, so the working tree never shows them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from ledger_tool import bound
from ledger_tool.exceptions import HookTimeout, LedgerError
from ledger_tool.gitdirs import work_dir


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the repository's ledger lock (an advisory lock on the work tree's top folder)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        _wait_for_lock(fd)
        recover(root)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _wait_for_lock(fd: int) -> None:
    wait = bound.lock_wait()
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
    if bound.in_hook():  # the hook lets the commit go on; the command can run later
        raise HookTimeout(f"another ledger command held the lock for {wait:g} s; nothing written")
    raise LedgerError(
        f"another ledger command has held the lock for {wait:g} s; wait for it to "
        "finish (or stop it) and run this command again"
    )


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _manifest(root: Path) -> Path:
    return work_dir(root) / "manifest.json"


def interrupted(root: Path) -> bool:
    """True when a write left something behind (a crash, or a writer at work right now)."""
    folder = work_dir(root)
    return folder.is_dir() and any(folder.iterdir())


def recover(root: Path) -> None:
    """Finish a write a crash interrupted after its commit point, and clear leftover temp files."""
    folder = work_dir(root)
    if not folder.is_dir():
        return
    manifest = _manifest(root)
    if manifest.exists():
        try:
            pairs = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            pairs = []  # the manifest itself was cut short: nothing was renamed yet
        for temp, target in pairs:
            if os.path.exists(temp):
                os.replace(temp, target)
                _fsync_dir(Path(target).parent)
        manifest.unlink()
    for leftover in folder.glob("*.new"):
        leftover.unlink()
    for leftover in folder.glob("*.tmp"):
        leftover.unlink()


def finish_interrupted(root: Path) -> None:
    """Finish or discard a write that a crash interrupted, before a command reads the files:
    taking the lock does it, and the usual case (nothing left behind) takes no lock."""
    if interrupted(root):
        with locked(root):
            pass


def read_text(path: Path, display: str) -> str:
    """A ledger file's text; undecodable bytes are reported with their line, never guessed at."""
    return decode(path.read_bytes(), display)


def decode(data: bytes, display: str) -> str:
    """The text of a ledger file's bytes (`display` names it in the message if they are not
    UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        from ledger_tool.exceptions import ParseError

        raise ParseError(display, line, "not valid UTF-8; save the file as UTF-8") from exc


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_files(root: Path, contents: Mapping[Path, str | bytes]) -> dict[Path, os.stat_result]:
    """Replace every file in `contents` with its new text (or its UTF-8 bytes): all of them, or
    (after a crash) none; the stat of each file as written (seen under the lock, before another
    command may change it).

    Must be called while holding `locked(root)`.  Whatever fails before the commit point (a
    read-only or full file system, a folder in a file's place) leaves no file changed and no
    temporary file behind.
    """
    if not contents:
        return {}
    folder = work_dir(root)
    pairs: list[tuple[str, str]] = []
    staged = _manifest(root).with_suffix(".tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for index, (target, text) in enumerate(contents.items()):
            pairs.append(_stage(folder, index, Path(os.path.realpath(target)), text))
        _write_synced(staged, json.dumps(pairs).encode("utf-8"))
    except BaseException as exc:
        for leftover in [*(Path(temp) for temp, _ in pairs), staged]:
            with contextlib.suppress(OSError):  # a read-only file system refuses even this
                leftover.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise LedgerError(f"{os_problem(exc)}; nothing was written") from exc
        raise
    os.replace(staged, _manifest(root))  # the commit point
    _fsync_dir(folder)
    written = {}
    for (temp_name, target_name), target in zip(pairs, contents, strict=True):
        os.replace(temp_name, target_name)
        written[target] = os.stat(target_name)
    for parent in {Path(target_name).parent for _, target_name in pairs}:
        _fsync_dir(parent)
    _manifest(root).unlink()
    return written


def _stage(folder: Path, index: int, target: Path, text: str | bytes) -> tuple[str, str]:
    """Write `text` to a temporary file that will replace `target`, checked to take the rename
    (once the manifest is written, the renames must not fail); on failure none is left."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_for(folder, target, f"{index}-{target.name}.new")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        _write_synced(temp, data)
        if not _reads_back(temp, data):
            raise LedgerError(f"writing {target.name} did not read back the same; nothing changed")
        if not os.access(target.parent, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target.parent))
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    return str(temp), str(target)


def _reads_back(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds `data`, read back a piece at a time (one more buffer of
    a big file's size costs a write its page faults: ~4 ms for an 11 MB ERRORS.md)."""
    view = memoryview(data)
    piece = bytearray(_PIECE)
    at = 0
    with path.open("rb", buffering=0) as handle:
        while n := handle.readinto(piece):
            if piece[:n] != view[at : at + n]:
                return False
            at += n
    return at == len(data)


_PIECE = 1 << 20


def _temp_for(folder: Path, target: Path, name: str) -> Path:
    """Where the temporary file that replaces `target` goes: `folder` (never the work tree),
    unless that is on another file system, where a rename could not be atomic."""
    if os.stat(folder).st_dev != os.stat(target.parent).st_dev:
        return target.parent / f".{target.name}.ledger.new"
    return folder / name


def replace_file(root: Path, target: Path, text: str) -> None:
    """Replace one file by a single atomic rename, with no manifest: for a file that a later
    command must not bring back (the merge driver's result, which git deletes once read).  A
    temporary file left by a kill is cleared by the next command.  Hold `locked(root)`."""
    folder = work_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    target = Path(os.path.realpath(target))
    temp = _temp_for(folder, target, f"one-{os.getpid()}-{target.name}.new")
    _write_synced(temp, text.encode("utf-8"))
    os.chmod(temp, target.stat().st_mode & 0o7777)
    os.replace(temp, target)
    _fsync_dir(target.parent)


_ADVICE = {
    errno.EACCES: "check its owner and mode (`ls -l`) and run ledger as a user who may use it",
    errno.EROFS: "the file system is mounted read-only; run ledger where the repository is writable",
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up; free some space and run the command again",
    errno.EFBIG: "the file size limit (`ulimit -f`) is too small; raise it and run it again",
    errno.EISDIR: "a folder is where a file should be; move it away or rename it",
    errno.ENOTDIR: "a file is where a folder should be; move it away or rename it",
    errno.ELOOP: "a symbolic link points to itself; replace it with the file",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one in the configuration",
    errno.EIO: "the device reports an input/output error; check the disk",
}
_ADVICE[errno.EPERM] = _ADVICE[errno.EACCES]


def os_problem(exc: OSError) -> str:
    """A file-system error as one line: which file, what went wrong, and what to do."""
    where = exc.filename if exc.filename is not None else "a ledger file"
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or 0, "fix that and run the command again")
    return f"{where}: {reason}; {advice}"
