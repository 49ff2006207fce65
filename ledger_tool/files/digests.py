"""How the tool hashes a file's bytes for its caches: SHA-256 of each 64 KiB piece, and of those
digests with the length.  One pass gives the file's key and, kept beside a big file's outline,
the pieces a later version of the file shares with it (`outlines`: a file edited by hand is
outlined again only where it changed).  Imports nothing but hashlib: the warm `ledger check`
uses it.
"""

from __future__ import annotations

from hashlib import sha256
from typing import Any

CHUNK = 1 << 16


def chunk_digests(data: bytes, size: int = CHUNK) -> list[bytes]:
    """The SHA-256 digest of each `size` bytes of `data` (SHA-256: CPUs speed it up)."""
    view = memoryview(data)
    return [sha256(view[at : at + size]).digest() for at in range(0, len(data), size)]


def content_key(chunks: list[bytes], length: int) -> Any:
    """The hash object of bytes of `length` whose pieces have the digests `chunks`."""
    key = sha256(b"".join(chunks))
    key.update(length.to_bytes(8, "little"))
    return key


def content_digest(data: bytes) -> bytes:
    """`content_key` of `data`, as bytes."""
    digest: bytes = content_key(chunk_digests(data), len(data)).digest()
    return digest
