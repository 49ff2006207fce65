"""The entries of a ledger file merged by key (error ID, Task ID, journal heading), and what each
kind of file (`kinds`) tells the merge about its entries.

An entry only one side changed or added is taken from it; one both changed is merged field by
field; two different entries both branches added under one ID are an ID collision, reported with
the `ledger renumber` commands that fix it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledger_tool.markdown.block import Block
from ledger_tool.merge.fields import Clash, merge_block
from ledger_tool.merge.layout import Parts
from ledger_tool.model.vocabulary import ID_RE, next_free

Merged = list[tuple[str, str]]  # (key, entry text), in order


class Kind:
    """How one of the three files is cut into entries, merged, and put back together."""

    keep_both = False  # two different entries both branches added under one key: keep both?

    def __init__(self, path: str) -> None:
        self.path = path

    def cut(self, text: str, side: str) -> Parts:
        raise NotImplementedError

    def merge_one(self, key: str, b: str, o: str, t: str) -> str:
        """An entry both sides changed (a task, a journal entry): merged by field."""
        return merge_block((Block(b), Block(o), Block(t)), {})

    def place(self, merged: Merged) -> dict[str, list[str]]:
        """The entries of each group, in the order the tool keeps them."""
        raise NotImplementedError

    def count(self, text: str) -> int:
        return len(self.cut(text, "merged").entries)

    def describe(self, entry: str) -> str:
        return ""


def merge_entries(kind: Kind, parts: tuple[Parts, Parts, Parts], problems: list[str]) -> Merged:
    """Entries of both sides by key: ours in ours' order, then the ones only theirs has."""
    base, ours, theirs = (p.entries for p in parts)
    out: Merged = []
    collisions: list[tuple[str, str]] = []
    for key in dict.fromkeys([*ours, *theirs]):
        old, mine, other = base.get(key), ours.get(key), theirs.get(key)
        if mine is not None and other is not None:
            if mine == other:
                out.append((key, mine))
            elif old is not None and old in (mine, other):
                out.append((key, other if mine == old else mine))
            elif old is None and kind.keep_both:
                out += [(key, mine), (f"{key} (theirs)", other)]
            elif old is None:
                collisions.append(
                    (key, f"ours: {kind.describe(mine)}; theirs: {kind.describe(other)}")
                )
            else:
                try:
                    out.append((key, kind.merge_one(key, old, mine, other)))
                except Clash as exc:
                    problems.append(f"{kind.path}: {key}: {exc}")
            continue
        kept = mine if mine is not None else other
        assert kept is not None
        if old is None:
            out.append((key, kept))  # added on one side
        elif kept != old:
            changed = "ours" if mine is not None else "theirs"
            problems.append(
                f"{kind.path}: {key}: changed on {changed} but deleted on the other branch"
            )
    if collisions:
        problems += _collision(kind.path, collisions, [*base, *ours, *theirs])
    return out


def _collision(path: str, found: list[tuple[str, str]], used_ids: Iterable[str]) -> list[str]:
    """The message for IDs both branches took for different entries, and the commands that fix
    it: renumber ours past every number either branch uses that day."""
    used = {m for key in used_ids for m in ID_RE.findall(key)}
    fixes = []
    for key, _ in found:
        error_id = key.removeprefix("TASK-")
        free = next_free(error_id[4:14], used)
        used.add(free)
        fixes.append(f"`ledger renumber {error_id} {free}`")
    what = " and ".join(f"{key} ({sides})" for key, sides in found)
    return [
        f"{path}: ID collision: both branches added {what}; this file was left as it is on "
        "this branch",
        f"{path}: to fix it, abort (`git merge --abort`, or `git rebase --abort` in a rebase), "
        f"run {' and '.join(fixes)} on this branch, commit, and merge or rebase again",
    ]
