"""The fingerprint of a failure: what stays the same each time the same failure happens again.

The key is (category, phase, exception type, message), the message's first line with what changes
from one occurrence to the next masked: quoted values, paths, and numbers of every kind (sizes,
dates, hex addresses, UUIDs, hashes).  The fingerprint is `VERSION` and 16 hex digits of a BLAKE2b
hash of that key.  Changing how a key is made would give every known failure a new fingerprint
(each would open a new entry instead of counting on its old one), so any change to this module
is a new `VERSION`.
"""

from __future__ import annotations

import re
from hashlib import blake2b

VERSION = "v1"
MAX_MESSAGE = 200  # characters of the masked message that count

# Three passes, each pattern starting with a character from a small set that the regex engine
# skips to, and a plain replacement (no Python call per match): quoted values first (they may
# hold anything), then paths, then every token that starts with a digit (numbers, sizes, dates,
# hex addresses, UUIDs, hashes) and every run of hex digits that starts with a letter and holds a
# digit (a hash: a word such as `deadbeef` stays).
_QUOTED = re.compile(r"'[^'\n]{0,300}'|\"[^\"\n]{0,300}\"|`[^`\n]{0,300}`")
_PATH = re.compile(r"(?:~?/|\.{1,2}/|\\\\)[^\s'\"(),;<>]{0,500}")
_WINDOWS_PATH = re.compile(r"(?<![A-Za-z])[A-Za-z]:\\[^\s'\"(),;<>]{0,500}")
_NUMBER = re.compile(
    r"[0-9][0-9A-Za-z.+-]{0,200}|\b[a-fA-F](?=[a-fA-F-]{0,62}[0-9])[0-9a-fA-F-]{6,63}\b"
)


def mask(message: str) -> str:
    """`message`'s first line with its changing parts masked (`<q>`, `<path>`, `<n>`) and its
    spaces squeezed."""
    text = message.split("\n", 1)[0][:2000]
    if "'" in text or '"' in text or "`" in text:
        text = _QUOTED.sub("<q>", text)
    if ":\\" in text:  # a Windows path (its letter would slow the pattern for every message)
        text = _WINDOWS_PATH.sub("<path>", text)
    text = _NUMBER.sub("<n>", _PATH.sub("<path>", text))
    return " ".join(text.split())[:MAX_MESSAGE]


def key(category: str, phase: str, exc_type: str, masked: str) -> str:
    return "\x1f".join((category, phase, exc_type, masked))


def fingerprint(category: str, phase: str, exc_type: str, masked: str) -> str:
    """`v1:` and 16 hex digits: the same for every occurrence of the same failure (`masked` is
    the message as `mask` gives it)."""
    digest = blake2b(key(category, phase, exc_type, masked).encode(), digest_size=8)
    return f"{VERSION}:{digest.hexdigest()}"
