"""Plain three-way text merge (diff3), as git does it: what the merge driver falls back to for a
file it cannot read by entry, and how it merges the user's text around the entries.

Two sides' changes merge when only one side changed a run of lines, or both changed it alike;
changes with no common line between them conflict and are marked as git marks them.
"""

from __future__ import annotations

from difflib import SequenceMatcher

CONFLICT_OPEN, CONFLICT_CLOSE = "<<<<<<< ", ">>>>>>> "


def _stable(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[int, int, int, int]]:
    """Runs of base lines both sides kept: (base start, base end, ours start, theirs start)."""
    out = []
    mine = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    other = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    i = j = 0
    while i < len(mine) and j < len(other):
        b1, o1, n1 = mine[i]
        b2, t2, n2 = other[j]
        start, end = max(b1, b2), min(b1 + n1, b2 + n2)
        if start < end:
            out.append((start, end, o1 + start - b1, t2 + start - b2))
        if b1 + n1 < b2 + n2:
            i += 1
        else:
            j += 1
    out.append((len(base), len(base), len(ours), len(theirs)))
    return out


def merge_text(base: str, ours: str, theirs: str, newline: str = "\n") -> tuple[str, int]:
    """diff3: the merged text, conflicts marked as git marks them, and the number of conflicts.
    Changes with no common line between them conflict, as in git."""
    b, o, t = (text.splitlines(keepends=True) for text in (base, ours, theirs))
    out: list[str] = []
    conflicts = at_b = at_o = at_t = 0
    for start, end, o_start, t_start in _stable(b, o, t):
        old, mine, other = b[at_b:start], o[at_o:o_start], t[at_t:t_start]
        if mine == other or other == old:
            out += mine
        elif mine == old:
            out += other
        else:
            conflicts += 1
            out += [CONFLICT_OPEN + "ours" + newline, *_ended(mine, newline), "=======" + newline]
            out += [*_ended(other, newline), CONFLICT_CLOSE + "theirs" + newline]
        out += b[start:end]
        at_b, at_o, at_t = end, o_start + end - start, t_start + end - start
    return "".join(out), conflicts


def _ended(lines: list[str], newline: str) -> list[str]:
    """The lines with the last one ended, so that a conflict marker starts a line of its own."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + newline]
    return lines
