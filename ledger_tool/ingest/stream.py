"""A log read as chunks of whole lines, in bounded memory, whatever its size.

A path, a gzip file (found by its first bytes, whatever its name) or standard input; each chunk is
about `CHUNK` bytes and ends at a `\\n` (only the last may not).  The SHA-256 of what was read (the
decompressed text for a gzip file) names the log: ingesting the same log twice is then seen.  It is
computed beside the reader, in a thread (hashlib lets go of the GIL on big buffers), so that on a
machine with a second core it costs the scan nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ledger_tool.exceptions import LedgerError

CHUNK = 8 << 20
MAX_TAIL = 1 << 20  # at most this much is read past a chunk's end to end it with its line


@dataclass
class Log:
    """One log being read: its name for messages, its size on disk when known, its digest."""

    name: str
    handle: BinaryIO
    size: int | None  # bytes on disk (compressed, for a gzip file); None for a pipe
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    read: int = 0  # bytes of the file consumed so far (what a progress bar shows)
    _raw: BinaryIO | None = None  # the file under a gzip reader
    chunk: int = CHUNK  # bytes read at a time (then the rest of the last line)

    @property
    def compressed(self) -> bool:
        return self._raw is not None

    def chunks(self, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """The log's bytes in chunks that end at a line end (but for a line longer than
        `MAX_TAIL` there: it goes on in the next chunk)."""
        hashing: threading.Thread | None = None
        try:
            while True:
                try:
                    data = read_chunk(self.handle, self.chunk)
                except (OSError, EOFError, zlib.error) as exc:
                    raise LedgerError(
                        f"{self.name}: cannot be read to its end ({exc}); it may be cut short or "
                        "corrupt: ingest what is readable with `zcat -f LOG | ledger ingest -`"
                    ) from exc
                if not data:
                    break
                if hashing is not None:
                    hashing.join()  # the digest takes the chunks in order
                hashing = threading.Thread(target=self.digest.update, args=(data,), daemon=True)
                hashing.start()
                self._advance(progress)
                yield data
        finally:
            if hashing is not None:
                hashing.join()  # `digest` is whole once the chunks are read (or given up)

    def restart(self) -> None:
        """Read it again from its start (a file only), its digest anew."""
        self.handle.seek(0)
        self.digest, self.read = hashlib.sha256(), 0

    def _advance(self, progress: Callable[[int], None] | None) -> None:
        raw = self._raw or self.handle
        try:
            at = raw.tell()
        except (OSError, ValueError):
            return
        if progress is not None and at > self.read:
            progress(at - self.read)
        self.read = at

    def close(self) -> None:
        self.handle.close()
        if self._raw is not None:
            self._raw.close()


def read_chunk(handle: BinaryIO, size: int = CHUNK) -> bytes:
    """The next `size` bytes of `handle` and the rest of their last line, up to `MAX_TAIL` more
    (b"": its end)."""
    data = handle.read(size)
    if data and not data.endswith(b"\n"):
        data += handle.readline(MAX_TAIL)
    return data


def open_log(path: str, stdin: BinaryIO | None = None) -> Log:
    """The log at `path` (`-` is `stdin`), read through gzip when it is compressed."""
    if path == "-":
        if stdin is None:
            raise LedgerError("`-` reads a log from standard input, but there is none")
        return _maybe_gzip("standard input", stdin, None)
    file = Path(path)
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise LedgerError(
            f"no log file {path}; give the path of a job's log, or - for stdin"
        ) from None
    except IsADirectoryError:
        raise LedgerError(
            f"{path} is a folder; give the log files in it, e.g. {path}/*.log"
        ) from None
    except PermissionError:
        raise LedgerError(f"{path}: permission denied; the log must be readable by you") from None
    size = os.fstat(handle.fileno()).st_size
    return _maybe_gzip(path, handle, size)


def _maybe_gzip(name: str, handle: BinaryIO, size: int | None) -> Log:
    peek = getattr(handle, "peek", None)
    head = peek(2)[:2] if peek is not None else b""
    if head == b"\x1f\x8b":
        return Log(name, gzip.GzipFile(fileobj=handle, mode="rb"), size, _raw=handle)  # type: ignore[arg-type]
    return Log(name, handle, size)
