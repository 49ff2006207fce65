"""Outlines of big files remembered between runs, by the hash of the text they outline.

Reading a 10,000-entry ERRORS.md is mostly its outline (`markdown.outline.scan`: every heading,
break, fence and comment), about 70 ms; its hash and the remembered outline cost a tenth of that.
So a file at least `MIN_CHARS` long has its outline kept in `.git/ledger-cache/outlines/`, one
file per text (the last `KEEP`), named by a SHA-256 hash of the text and the heading depth; any
other text is scanned.  A command that edits the file remembers the outline of the text it
writes, carried across its edits (`markdown.outline.spliced`), so the next command does not scan
either.  Beside an outline, what is known of that text (`KEY_FIELDS`: its key fields are
well-formed) spares the next command looking again.  Losing the folder only costs speed.
"""

from __future__ import annotations

import contextlib
import threading
from hashlib import sha256
from pathlib import Path
from typing import Any

from ledger_tool import gitdirs
from ledger_tool.files.cache import read_stamped, sweep, write_stamped
from ledger_tool.markdown.outline import Heading, Outline, scan
from ledger_tool.workspace import Workspace

MIN_CHARS = 256 * 1024
KEEP = 6  # outlines kept: the three files, and the versions the last command wrote
_FOLDER = "outlines"
KEY_FIELDS = "key fields"  # checked: every key field in scope is well-formed


class Hashed:
    """The SHA-256 of a text's bytes, taken in a thread while the caller decodes or writes them
    (a big one: hashlib lets go of the GIL over big data, so the two run side by side; an 11 MB
    ERRORS.md takes about 7 ms of each)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._key = sha256()
        self._hashed = False
        self._thread: threading.Thread | None = None
        if len(data) < MIN_CHARS:
            self._hash()
        else:
            self._thread = threading.Thread(target=self._hash, daemon=True)
            self._thread.start()

    def _hash(self) -> None:
        self._key.update(self._data)
        self._hashed = True

    def key(self) -> Any:
        """A hash object holding the bytes (a copy, which the caller may feed more)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self._hashed:  # the thread failed (out of memory?): never key by half a hash
            self._key = sha256()
            self._hash()
        return self._key.copy()


def outline(ws: Workspace, text: str, levels: int, hashed: Hashed | None = None) -> Outline:
    """`scan(text, levels)`, remembered for a big text."""
    return recall(ws, text, levels, hashed)[0]


def recall(
    ws: Workspace, text: str, levels: int, hashed: Hashed | None = None
) -> tuple[Outline, frozenset[str]]:
    """`scan(text, levels)`, remembered for a big text, and what is known of the text.
    `hashed`, when the caller has it, is the hash of the text's bytes as read (else the text
    is encoded and hashed here)."""
    path = _path(ws, text, levels, hashed)
    if path is None:
        return scan(text, levels=levels), frozenset()
    try:
        headings, breaks, hidden, unclosed, known = read_stamped(path, {})
        found = Outline(text, list(map(Heading._make, headings)), breaks, hidden, unclosed)
        return found, frozenset(k for k in known if isinstance(k, str))
    except (TypeError, ValueError):  # none (None), or not an outline: scan
        pass
    found = scan(text, levels=levels)
    _keep(path, found, frozenset())
    return found, frozenset()


def remember(
    ws: Workspace,
    found: Outline,
    levels: int,
    known: frozenset[str] = frozenset(),
    hashed: Hashed | None = None,
) -> None:
    """Keep `found`, the outline of a text a command is writing or has read (`hashed`: the
    hash of its bytes, when the caller has it), for the next command, and what is `known` of
    the text."""
    path = _path(ws, found.text, levels, hashed)
    if path is not None:
        _keep(path, found, known)


def _path(ws: Workspace, text: str, levels: int, hashed: Hashed | None = None) -> Path | None:
    if len(text) < MIN_CHARS:
        return None
    base = gitdirs.git_dir(ws.root)
    if base is None:
        return None
    # SHA-256: twice BLAKE2b's speed on CPUs that speed it up
    key = sha256(text.encode("utf-8", "surrogatepass")) if hashed is None else hashed.key()
    key.update(bytes([levels]))
    return base / "ledger-cache" / _FOLDER / f"{key.hexdigest()[:32]}.pickle"


def _keep(path: Path, found: Outline, known: frozenset[str]) -> None:
    """Write `found` (plain tuples: fast to write and read, and nothing else to unpickle), and
    drop all but the newest `KEEP`."""
    headings = [tuple(h) for h in found.headings]
    write_stamped(path, (headings, found.breaks, found.hidden, found.unclosed, sorted(known)))
    with contextlib.suppress(OSError):
        kept = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
        sweep(path.parent)
        path.parent.with_name("outlines.pickle").unlink(
            missing_ok=True
        )  # earlier versions' one file
