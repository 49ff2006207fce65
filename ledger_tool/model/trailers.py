"""What a `Fixes:`/`Refs:` trailer names: the one reading shared by the commit-msg check and sync.

Git decides which lines are trailers (its trailer block: the message's last paragraph); this module
decides which errors a trailer's value names, so that a value the commit-msg hook refuses is a value
`ledger sync` records nothing for, and the other way round.
"""

from __future__ import annotations

import re

from ledger_tool.model.vocabulary import ID_RE

KEYS = ("Fixes", "Refs")
# Every ERR-word of a value, as far as it goes: `ERR-2026-11-20-001-typo` is one word, and no ID.
_WORD = re.compile(r"ERR-[\w-]+")
_LINE = re.compile(r"^[ \t]*(fixes|refs)[ \t]*:(.*)$", re.I)
_SCISSORS = "------------------------ >8 ------------------------"


def words(value: str) -> list[str]:
    """The `ERR-...` words of a trailer value, IDs or not (`Fixes: #12` has none)."""
    return _WORD.findall(value)


def ids(value: str) -> tuple[str, ...]:
    """The error IDs a trailer value names: its ERR-words that are whole IDs."""
    return tuple(word for word in words(value) if ID_RE.fullmatch(word))


def parse(lines: str) -> dict[str, list[str]]:
    """`Fixes:` and `Refs:` values, by key, of the `Key: value` lines git printed as trailers."""
    found: dict[str, list[str]] = {key: [] for key in KEYS}
    for line in lines.splitlines():
        m = _LINE.match(line)
        if m is not None:
            found[m.group(1).capitalize()].append(m.group(2).strip())
    return found


def loose_lines(message: str, trailers: dict[str, list[str]]) -> list[str]:
    """`Fixes:`/`Refs:` lines naming an error that git does not read as trailers (not in the
    message's last paragraph of trailers), which sync therefore ignores.  Comment lines and
    what follows git's scissors line are not part of the message."""
    taken = {value for values in trailers.values() for value in values}
    loose = []
    for line in message.splitlines():
        if line.startswith("#"):
            if line[1:].strip() == _SCISSORS:
                break
            continue
        m = _LINE.match(line)
        if m is not None and words(m.group(2)) and m.group(2).strip() not in taken:
            loose.append(line.strip())
    return loose
