"""The fingerprint of a failure: what stays the same each time the same failure happens again.

The key is (category, phase, exception type, message), the message's first line with what changes
from one occurrence to the next masked: quoted values, UUIDs, hex addresses and hashes, paths, sizes
and numbers.  The fingerprint is `VERSION` and 16 hex digits of a BLAKE2b hash of that key.  Changing
how a key is made would give every known failure a new fingerprint (each would open a new entry
instead of counting on its old one), so any change to this module is a new `VERSION`.
"""

from __future__ import annotations

import re
from hashlib import blake2b

VERSION = "v1"
MAX_MESSAGE = 200  # characters of the masked message that count

# Order matters: quoted values first (they may hold anything), numbers last.
_MASKS = (
    (re.compile(r"'[^'\n]{0,300}'|\"[^\"\n]{0,300}\"|`[^`\n]{0,300}`"), "<q>"),
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
    ),
    (re.compile(r"\b0x[0-9a-fA-F]{1,64}\b"), "<hex>"),
    (re.compile(r"\b(?=[0-9a-f]{0,63}[a-f])(?=[0-9a-f]{0,63}[0-9])[0-9a-f]{7,64}\b"), "<hex>"),
    (re.compile(r"(?:[A-Za-z]:\\|\\\\|~?/|\.{1,2}/)[^\s'\"(),;<>]{0,500}"), "<path>"),
    (re.compile(r"\b\d+(?:\.\d+)? ?(?:[KMGTP]i?B|bytes|[KMGT]B)\b", re.I), "<size>"),
    (re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"), "<n>"),
)


def mask(message: str) -> str:
    """`message`'s first line with its changing parts masked (`<q>`, `<uuid>`, `<hex>`,
    `<path>`, `<size>`, `<n>`) and its spaces squeezed."""
    text = message.split("\n", 1)[0][:2000]
    for pattern, token in _MASKS:
        text = pattern.sub(token, text)
    return " ".join(text.split())[:MAX_MESSAGE]


def key(category: str, phase: str, exc_type: str, message: str) -> str:
    return "\x1f".join((category, phase, exc_type, mask(message)))


def fingerprint(category: str, phase: str, exc_type: str, message: str) -> str:
    """`v1:` and 16 hex digits: the same for every occurrence of the same failure."""
    digest = blake2b(key(category, phase, exc_type, message).encode(), digest_size=8)
    return f"{VERSION}:{digest.hexdigest()}"
