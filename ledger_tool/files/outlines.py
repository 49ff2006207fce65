"""Outlines of big files remembered between runs, by the hash of the text they outline.

Reading a 10,000-entry ERRORS.md is mostly its outline (`markdown.outline.scan`: every heading,
break, fence and comment), about 70 ms; its hash and the remembered outline cost a tenth of that.
So a file at least `MIN_CHARS` long has its outline kept in `.git/ledger-cache/outlines/`, one
file per text (the last `KEEP`), named by a SHA-256 hash of its bytes and the heading depth.
A command that edits the file remembers the outline of the text it writes, carried across its
edits (`markdown.outline.spliced`), so the next command does not scan either.  A text that no
command wrote (edited by hand, pulled, checked out) is outlined from the newest outline kept:
the digests of its 64 KiB pieces, kept beside it, tell which start and end the two texts share,
and only the lines between are scanned.  Beside an outline, what is known of that text
(`KEY_FIELDS`: its key fields are well-formed) spares the next command looking again.  Losing
the folder only costs speed.
"""

from __future__ import annotations

import contextlib
import threading
from hashlib import sha256
from pathlib import Path
from typing import Any

from ledger_tool import gitdirs
from ledger_tool.files.cache import read_stamped, sweep, write_stamped
from ledger_tool.files.digests import CHUNK, chunk_digests
from ledger_tool.markdown.outline import Heading, Outline, crossing, scan, spliced
from ledger_tool.workspace import Workspace

MIN_CHARS = 256 * 1024
KEEP = 6  # outlines kept: the three files, and the versions the last command wrote
_FOLDER = "outlines"
KEY_FIELDS = "key fields"  # checked: every key field in scope is well-formed


class Hashed:
    """The SHA-256 of a text's bytes, taken in a thread while the caller decodes or writes them
    (a big one: hashlib lets go of the GIL over big data, so the two run side by side; an 11 MB
    ERRORS.md takes about 7 ms of each).  With `chunks`, the digests of its 64 KiB pieces too
    (`digests`: kept beside the outline of a text a command writes, whose writing lets go of the
    GIL; a text read has them taken only when its outline is not known)."""

    def __init__(self, data: bytes, chunks: bool = False) -> None:
        self.data = data
        self._key = sha256()
        self._hashed = False
        self._chunks: list[bytes] | None = None
        self._thread: threading.Thread | None = None
        if len(data) < MIN_CHARS:
            self._hash(chunks)
        else:
            self._thread = threading.Thread(target=self._hash, args=(chunks,), daemon=True)
            self._thread.start()

    def _hash(self, chunks: bool) -> None:
        self._key.update(self.data)
        self._hashed = True
        if chunks:
            self._chunks = chunk_digests(self.data)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def key(self) -> Any:
        """A hash object holding the bytes (a copy, which the caller may feed more)."""
        self._join()
        if not self._hashed:  # the thread failed (out of memory?): never key by half a hash
            self._key = sha256()
            self._hash(False)
        return self._key.copy()

    def known_chunks(self) -> list[bytes] | None:
        """The digests of the pieces, if they were taken."""
        self._join()
        return self._chunks

    def chunks(self) -> list[bytes]:
        """The digests of the bytes' 64 KiB pieces."""
        self._join()
        if self._chunks is None:
            self._chunks = chunk_digests(self.data)
        return self._chunks


def outline(ws: Workspace, text: str, levels: int, hashed: Hashed | None = None) -> Outline:
    """`scan(text, levels)`, remembered for a big text."""
    return recall(ws, text, levels, hashed)[0]


def recall(
    ws: Workspace, text: str, levels: int, hashed: Hashed | None = None
) -> tuple[Outline, frozenset[str]]:
    """`scan(text, levels)`, remembered for a big text, and what is known of the text.
    `hashed`, when the caller has it, is the hash of the text's bytes as read (else the text
    is encoded and hashed here)."""
    if len(text) < MIN_CHARS or gitdirs.git_dir(ws.root) is None:
        return scan(text, levels=levels), frozenset()
    if hashed is None:
        hashed = Hashed(text.encode("utf-8", "surrogatepass"))
    path = _path(ws, levels, hashed)
    assert path is not None
    kept = _read(path)
    if kept is not None:
        headings, breaks, hidden, unclosed, known = kept[:5]
        found = Outline(text, list(map(Heading._make, headings)), breaks, hidden, unclosed)
        return found, frozenset(k for k in known if isinstance(k, str))
    found = _from_newest(path, text, levels, hashed) or scan(text, levels=levels)
    _keep(path, found, frozenset(), hashed)
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
    if len(found.text) < MIN_CHARS:
        return
    if hashed is None:
        hashed = Hashed(found.text.encode("utf-8", "surrogatepass"))
    path = _path(ws, levels, hashed)
    if path is not None:
        _keep(path, found, known, hashed)


def _path(ws: Workspace, levels: int, hashed: Hashed) -> Path | None:
    base = gitdirs.git_dir(ws.root)
    if base is None:
        return None
    key = hashed.key()
    key.update(bytes([levels]))
    return base / "ledger-cache" / _FOLDER / f"{key.hexdigest()[:32]}-{levels}.pickle"


# What an outline file holds: the outline (headings as plain tuples, breaks, hidden spans, the
# unclosed opener), what is known of the text, its length in bytes and in characters, and the
# digests of its 64 KiB pieces.
Kept = tuple[
    list[Any], list[int], list[tuple[int, int]], int | None, list[str], int, int, list[bytes]
]


def _read(path: Path) -> Kept | None:
    kept = read_stamped(path, {})
    if not (isinstance(kept, tuple) and len(kept) == 8 and isinstance(kept[7], list)):
        return None  # none, or not an outline
    return kept


def _keep(path: Path, found: Outline, known: frozenset[str], hashed: Hashed) -> None:
    """Write `found` (plain tuples: fast to write and read, and nothing else to unpickle), and
    drop all but the newest `KEEP`."""
    headings = [tuple(h) for h in found.headings]
    size = (len(hashed.data), len(found.text))
    chunks = hashed.known_chunks()
    if chunks is None:  # what is known of a text read before: its pieces were kept then
        before = _read(path) if path.is_file() else None
        chunks = before[7] if before is not None else hashed.chunks()
    write_stamped(
        path, (headings, found.breaks, found.hidden, found.unclosed, sorted(known), *size, chunks)
    )
    with contextlib.suppress(OSError):
        kept = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
        sweep(path.parent)
        path.parent.with_name("outlines.pickle").unlink(
            missing_ok=True
        )  # earlier versions' one file


def _from_newest(path: Path, text: str, levels: int, hashed: Hashed) -> Outline | None:
    """The outline of `text`, carried from the newest outline kept (of another text) across
    what differs between the two: None when there is none, or when that must be scanned."""
    with contextlib.suppress(OSError):
        same_depth = path.parent.glob(f"*-{levels}.pickle")
        newest = max(same_depth, key=lambda p: p.stat().st_mtime_ns, default=None)
        kept = None if newest is None else _read(newest)
        if kept is not None:
            return differed(kept, text, levels, hashed.data, hashed.chunks())
    return None


def differed(
    kept: Kept, text: str, levels: int, data: bytes, chunks: list[bytes], size: int = CHUNK
) -> Outline | None:
    """The outline of `text` (`data` its bytes, `chunks` their pieces' digests, each of `size`
    bytes) from `kept`, the outline of an earlier text and its pieces' digests: the pieces both
    begin with and end with (the end's compared where the text moved them) stand, the lines
    between are scanned (`spliced`).  None when the two share nothing, or that must be scanned."""
    headings, breaks, hidden, unclosed, _, old_bytes, old_chars, old_chunks = kept
    same = 0  # bytes both begin with, in whole pieces
    while same < min(len(chunks), len(old_chunks)) and chunks[same] == old_chunks[same]:
        same += 1
    prefix = same * size
    shift = len(data) - old_bytes
    view = memoryview(data)
    suffix = old_bytes  # where, in the old bytes, the end both share begins
    for k in range(len(old_chunks) - 1, -1, -1):
        at = k * size
        if at < prefix or at + shift < prefix:
            break
        end = min(at + size, old_bytes)
        if sha256(view[at + shift : end + shift]).digest() != old_chunks[k]:
            break
        suffix = at
    if prefix == 0 and suffix == old_bytes:
        return None
    prefix, suffix = min(prefix, len(data)), suffix + shift
    while 0 < prefix < len(data) and data[prefix] & 0xC0 == 0x80:  # inside a character
        prefix -= 1
    while suffix < len(data) and data[suffix] & 0xC0 == 0x80:
        suffix += 1
    ascii_only = len(data) == len(text)
    head = prefix if ascii_only else len(data[:prefix].decode("utf-8", "surrogatepass"))
    tail = len(data) - suffix if ascii_only else len(data[suffix:].decode("utf-8", "surrogatepass"))
    moved = len(text) - old_chars  # characters the end moved by
    start = text.rfind("\n", 0, head) + 1  # whole lines: from the line `head` is on
    newline = text.find("\n", len(text) - tail)
    stop = len(text) if newline < 0 else newline + 1
    while (span := crossing(hidden, start, stop - moved)) is not None:
        if span[0] < start:  # take in the whole fence or comment the edge cuts: it is shared
            start = span[0]
        else:
            stop = span[1] + moved
    old = Outline("", headings, breaks, hidden, unclosed)  # headings as kept: plain tuples
    shared = _Shared(text, head, len(text) - tail, moved, old_chars)
    return spliced(old, [(start, stop - moved, text[start:stop])], text, levels, shared)


class _Shared:
    """The earlier text, as far as `spliced` reads it: its length, and its characters in the
    start and the end it shares with `text`."""

    def __init__(self, text: str, head: int, tail_at: int, moved: int, length: int) -> None:
        self.text, self.head, self.tail_at, self.moved, self.length = (
            text,
            head,
            tail_at,
            moved,
            length,
        )

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int, /) -> str:
        if index < self.head:
            return self.text[index]
        if index + self.moved >= self.tail_at:
            return self.text[index + self.moved]
        raise IndexError(index)  # between: the part that changed, which spliced never reads
