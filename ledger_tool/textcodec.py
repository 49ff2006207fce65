"""Store user text in one Markdown line so that it can never change the document's structure.

`encode` turns any text into a single line that renders as the same text on GitHub: characters that
open code spans, HTML, comments or table cells are backslash-escaped or written as entities, a newline
becomes `<br>`, control characters (ANSI escapes included) and edge whitespace become numeric
entities.  `decode` is its exact inverse, and also reads what a person typed by hand.
"""

from __future__ import annotations

import html
import re

_ESCAPED = {"\\": "\\\\", "`": "\\`", "|": "\\|"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "<br>"}
_TABLE = str.maketrans({**_ESCAPED, **_ENTITIES})
# C0/C1 controls, DEL, the separators editors treat as line breaks, BOM, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]|\r")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")  # editors and Markdown drop edge whitespace
_TOKEN = re.compile(
    r"\\([!-/:-@\[-`{-~])|<br\s*/?>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
)


def _entity(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(ch)};" for ch in match.group(0))


def encode(text: str) -> str:
    """Return `text` as one line of Markdown that shows, and decodes back to, exactly `text`."""
    out = _CONTROL.sub(_entity, text.translate(_TABLE))
    return _EDGE_SPACE.sub(_entity, out)


def _decode_token(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    token = match.group(0)
    if token.startswith("<"):
        return "\n"
    if token.startswith("&#"):
        # html.unescape drops or replaces control characters; a stored ANSI escape must come back.
        digits = token[2:-1]
        code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    return html.unescape(token)


def decode(stored: str) -> str:
    """Return the text a stored field value stands for (the inverse of `encode`)."""
    return _TOKEN.sub(_decode_token, stored)
