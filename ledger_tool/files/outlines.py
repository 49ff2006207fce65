"""Outlines of big files remembered between runs, by the hash of the text they outline.

Reading a 10,000-entry ERRORS.md is mostly its outline (`markdown.outline.scan`: every heading,
break, fence and comment), about 70 ms; its hash and the remembered outline cost a quarter of that.
So a file at least `MIN_CHARS` long has its outline kept in `.git/ledger-cache/outlines.pickle`
(the last few texts: the ledger files as this and the previous commands read them), keyed by a
BLAKE2b hash of the text and the heading depth; any other text is scanned.  Losing the file only
costs speed.
"""

from __future__ import annotations

from hashlib import blake2b

from ledger_tool import gitdirs
from ledger_tool.files.cache import read_stamped, write_stamped
from ledger_tool.markdown.outline import Heading, Outline, scan
from ledger_tool.workspace import Workspace

MIN_CHARS = 256 * 1024
KEEP = 6  # outlines kept: the three files, and the versions the last command wrote
_NAME = "outlines.pickle"
State = tuple[list[Heading], list[int], list[tuple[int, int]], int | None]


_ALLOWED = {("ledger_tool.markdown.outline", "Heading"): Heading}


def outline(ws: Workspace, text: str, levels: int) -> Outline:
    """`scan(text, levels)`, remembered for a big text."""
    if len(text) < MIN_CHARS:
        return scan(text, levels=levels)
    base = gitdirs.git_dir(ws.root)
    if base is None:
        return scan(text, levels=levels)
    path = base / "ledger-cache" / _NAME
    key = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest() + bytes([levels])
    loaded = read_stamped(path, _ALLOWED)
    known: dict[bytes, State] = loaded if isinstance(loaded, dict) else {}
    state = known.get(key)
    if state is not None:
        headings, breaks, hidden, unclosed = state
        return Outline(text, headings, breaks, hidden, unclosed)
    found = scan(text, levels=levels)
    known.pop(key, None)
    known[key] = (found.headings, found.breaks, found.hidden, found.unclosed)
    while len(known) > KEEP:
        known.pop(next(iter(known)))
    write_stamped(path, known)
    return found
