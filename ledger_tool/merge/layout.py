"""A ledger file cut in two for merging: the user's text, with one marker line standing for each
run of the tool's entries, and the entries themselves by key.

The user's text of the three versions is merged line by line (`diff3`), then each run's merged
entries are put back where its marker landed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger_tool.markdown import splice
from ledger_tool.markdown.splice import Edit
from ledger_tool.merge.diff3 import CONFLICT_CLOSE, CONFLICT_OPEN


@dataclass
class Group:
    """One run of entries: where they are, and where the run goes in a file that has none."""

    name: str
    spans: list[tuple[str, int, int]]  # (key, start, end), in file order
    empty_at: int
    separated: bool = True  # entries stand one blank line apart; table rows do not


@dataclass
class Parts:
    """One version: the user's text with a marker line per group, and the entries by key."""

    text: str
    entries: dict[str, str]
    newline: str
    groups: dict[str, bool]  # group name: separated


def _marker(group: str) -> str:
    return f"\x00ledger-merge {group}\x00"


def cut(text: str, groups: list[Group], keep: Iterable[str]) -> Parts:
    """Take the entries out of `text`, leaving a marker line where each group's first entry was
    (or would go); the entries of the groups named in `keep` are kept by key."""
    newline = splice.newline_of(text)
    edits: list[Edit] = []
    entries: dict[str, str] = {}
    for group in groups:
        line = _marker(group.name) + newline
        if not group.spans:
            at = group.empty_at
            separated = splice.insert_after(text, at, line, newline)
            edits.append(separated if group.separated else Edit(at, at, line))
        for index, (key, start, end) in enumerate(group.spans):
            if group.name in keep:
                entries[key] = text[start:end]
            if index == 0:
                edits.append(Edit(start, end, line))
            else:
                edits.append(
                    splice.removal(text, start, end) if group.separated else Edit(start, end, "")
                )
    groups_seen = {g.name: g.separated for g in groups}
    return Parts(splice.apply(text, edits), entries, newline, groups_seen)


def fill(text: str, name: str, separated: bool, chunks: list[str], newline: str) -> str:
    """Put a group's entries, in order, where its marker line is."""
    marker = _marker(name)
    at = text.find(marker)
    if at < 0:
        return text
    end = at + len(marker)
    if chunks:
        sep = newline * 2 if separated else newline
        body = sep.join(splice.to_newline(c.rstrip("\r\n"), newline) for c in chunks)
        return text[:at] + body + text[end:]
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    edit = splice.removal(text, at, line_end) if separated else Edit(at, line_end, "")
    return splice.apply(text, [edit])


def placeable(text: str, chunks: dict[str, list[str]], groups: Iterable[str]) -> bool:
    """True when every marker is on at most one line (exactly one where entries must go), and
    none is inside a conflict."""
    markers = {_marker(g): g for g in groups}
    found = dict.fromkeys(markers.values(), 0)
    inside = False
    for line in text.splitlines():
        if line.startswith(CONFLICT_OPEN) or line.startswith(CONFLICT_CLOSE):
            inside = line.startswith(CONFLICT_OPEN)
        elif line in markers:
            if inside:
                return False
            found[markers[line]] += 1
    return all(n == 1 if chunks.get(g) else n <= 1 for g, n in found.items())


def final_newline(text: str, versions: tuple[str, str, str], newline: str) -> str:
    """The final newline (or its absence) that the three versions imply."""
    b, o, t = (v.endswith("\n") for v in versions)
    wanted = o if (o == t or t == b) else t
    if wanted and not text.endswith("\n"):
        return text + newline
    if not wanted and text.endswith("\n"):
        return text[: -2 if text.endswith("\r\n") else -1]
    return text
