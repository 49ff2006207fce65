"""Store user text in one Markdown line so that it can never change the document's structure.

`encode` turns any text into a single line that renders as the same text on GitHub: characters that
open code spans, links, images, HTML, comments or table cells are backslash-escaped or written as
entities, a newline becomes `<br>`, control characters (ANSI escapes included) and edge whitespace
become numeric entities.  `decode` is its exact inverse, and also reads what a person typed by hand.

Two neighbours live here too, for the other places text goes: `web_url` (an address that may stand
in a Markdown link) and `printable` (text fit for a terminal).
"""

from __future__ import annotations

import re

_ESCAPED = {"\\": "\\\\", "`": "\\`", "|": "\\|", "[": "\\[", "]": "\\]"}
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
    # with `[` escaped no link or image can open; `!\[` is escaped too so that none seems to
    out = _CONTROL.sub(_entity, text.translate(_TABLE).replace("!\\[", "\\!\\["))
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
    import html  # a named entity: rare, and html costs every command 1.5 ms to import

    return html.unescape(token)


def decode(stored: str) -> str:
    """Return the text a stored field value stands for (the inverse of `encode`)."""
    return _TOKEN.sub(_decode_token, stored)


# -- addresses -----------------------------------------------------------------------------------

_WEB = re.compile(r"https?://[A-Za-z0-9]", re.I)
# What may stay as it is in a link destination; anything else (space, `(`, `)`, `|`, `<`, `>`,
# backslash, backtick, brackets, quotes, controls, non-ASCII) is percent-encoded.
_URL_KEPT = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'*+,;=%"
)


def web_url(url: str) -> str:
    """`url` fit to stand in `[text](url)` in a table cell: "" unless it is an http(s) address,
    every character that could end the link, the cell or the line percent-encoded."""
    if not _WEB.match(url):
        return ""
    return "".join(ch if ch in _URL_KEPT else _percent(ch) for ch in url)


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", errors="surrogatepass"))


def markdown_link(text: str, url: str) -> str:
    """`[text](url)` when `url` is an http(s) address, else `text` alone (inert); `text` is
    already Markdown."""
    href = web_url(url)
    return f"[{text}]({href})" if href else text


# -- terminals -----------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 (ESC and CSI start escape sequences, OSC 8 links, BEL,
# backspace and CR overwrite what was shown), the bidi controls that reorder a line (U+202E), the
# line separators and lone surrogates (which no terminal encoding can write).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ud800-\udfff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` as a terminal may show it: every control or escape character written visibly
    (`\\x1b`, `\\u202e`), so that stored text or an argument cannot colour, move, hide, link or
    reorder what the tool prints.  Newlines and tabs stay."""
    return _UNPRINTABLE.sub(_visible, text)


def heading_anchor(title: str) -> str:
    """The anchor GitHub gives a heading (`ERR-2026-11-20-001 (RESOLVED)` ->
    `err-2026-11-20-001-resolved`): the one place links into the files spell it."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
