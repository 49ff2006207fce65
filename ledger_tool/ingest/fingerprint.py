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

# One pass over the message finds the candidates: quoted values, paths, tokens that start with a
# digit, and runs of hex digits that start with a letter; `_token` says what each one is.  Every
# alternative starts with a character from a small set, which the regex engine skips to.
_MASK = re.compile(
    r"'[^'\n]{0,300}'|\"[^\"\n]{0,300}\"|`[^`\n]{0,300}`"
    r"|(?:~?/|\.{1,2}/|\\\\)[^\s'\"(),;<>]{0,500}"
    r"|[0-9][0-9A-Za-z.+-]{0,200}"
    r"|\b[a-fA-F][0-9a-fA-F-]{6,63}\b"
)
_WINDOWS_PATH = re.compile(r"(?<![A-Za-z])[A-Za-z]:\\[^\s'\"(),;<>]{0,500}")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = frozenset("0123456789abcdefABCDEF")
_UNITS = ("KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB", "bytes")


def _token(match: re.Match[str]) -> str:
    token = match.group()
    if token.isdigit():  # the common case first: a plain number, or a size (`512 MiB`)
        after = match.string[match.end() : match.end() + 7].lstrip(" ")
        return "<size>" if after.startswith(_UNITS) else "<n>"
    head = token[0]
    if head in "'\"`":
        return "<q>"
    if head in "/~.\\":
        return "<path>"
    if _UUID.fullmatch(token):
        return "<uuid>"
    if not head.isdigit():  # letters and digits of a hash (a word of hex letters only stays)
        hexdigits = set(token) - {"-"} <= _HEX and any(c.isdigit() for c in token)
        return "<hex>" if hexdigits else token
    if token[:2] in ("0x", "0X") and set(token[2:]) <= _HEX:
        return "<hex>"
    number = _NUMBER.match(token)
    end = number.end() if number is not None else len(token)
    rest = token[end:]
    if not rest:  # a number; a size when a unit follows (`2.00 GiB`)
        after = match.string[match.end() : match.end() + 7].lstrip(" ")
        return "<size>" if after.startswith(_UNITS) else "<n>"
    if rest.startswith(_UNITS):
        return "<size>" + rest[next(len(u) for u in _UNITS if rest.startswith(u)) :]
    if len(token) >= 7 and set(token) <= _HEX:
        return "<hex>"
    return "<n>" + _NUMBER.sub("<n>", rest)


def mask(message: str) -> str:
    """`message`'s first line with its changing parts masked (`<q>`, `<uuid>`, `<hex>`,
    `<path>`, `<size>`, `<n>`) and its spaces squeezed."""
    text = message.split("\n", 1)[0][:2000]
    if ":\\" in text:  # a Windows path (its letter would slow the pattern for every message)
        text = _WINDOWS_PATH.sub("<path>", text)
    text = _MASK.sub(_token, text)
    return " ".join(text.split())[:MAX_MESSAGE]


def key(category: str, phase: str, exc_type: str, masked: str) -> str:
    return "\x1f".join((category, phase, exc_type, masked))


def fingerprint(category: str, phase: str, exc_type: str, masked: str) -> str:
    """`v1:` and 16 hex digits: the same for every occurrence of the same failure (`masked` is
    the message as `mask` gives it)."""
    digest = blake2b(key(category, phase, exc_type, masked).encode(), digest_size=8)
    return f"{VERSION}:{digest.hexdigest()}"
