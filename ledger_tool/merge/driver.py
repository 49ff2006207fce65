"""The git merge driver's core: three versions of one ledger file merged entry by entry.

Git hands the driver three versions of one file: base, ours, theirs.  Each version is cut into the
tool's entries, keyed by ID (error blocks, tasks; journal entries by their headings), and the user's
text, in which one marker line stands for each run of entries (`layout`).  The user's text is
merged line by line (`diff3`); the entries are merged by key (`entries`), field by field when both
sides changed the same entry (`fields`, `error_block`); then they go back in the tool's order and
the summary table is written again from the blocks (`kinds`).  What cannot be merged without
guessing is reported, and ours is left as it was.

Two branches that opened an error on the same day without seeing each other took the same ID: the
merge stops and names the `ledger renumber OLD NEW` command that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from ledger_tool.exceptions import ParseError
from ledger_tool.files import store
from ledger_tool.markdown import splice
from ledger_tool.merge.diff3 import merge_text
from ledger_tool.merge.entries import Kind, merge_entries
from ledger_tool.merge.kinds import kind_for
from ledger_tool.merge.layout import Parts, fill, final_newline, placeable


@dataclass
class Outcome:
    """What the driver writes in place of ours (None: leave ours as it is) and what went wrong."""

    text: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def merge_file(
    kind: str | None,
    base: str,
    ours: str,
    theirs: str,
    path: str,
    tz: tzinfo,
    commit_url: str = "",
) -> Outcome:
    """Merge the three versions of one ledger file (`kind` from `kinds.kind_of`).

    A version the tool cannot read by entry is merged as plain text, as git would, and reported.
    """
    texts = (base, ours, theirs)
    newline = splice.newline_of(ours)
    if kind is None:
        text, conflicts = merge_text(*texts, newline)
        return Outcome(text, [f"{path}: {conflicts} conflict(s)"] if conflicts else [])
    by_entry = kind_for(kind, path, tz, commit_url)
    try:
        return _merge_by_entry(by_entry, texts)
    except ParseError as exc:
        text, conflicts = merge_text(*texts, newline)
        return Outcome(
            text,
            [
                f"{exc}",
                f"{path}: could not merge it by entry, so it was merged as plain text"
                + (f" with {conflicts} conflict(s)" if conflicts else "")
                + "; check it and run `ledger check` before you commit",
            ],
        )


def write_result(root: Path, ours: Path, text: str) -> None:
    """Put the merged text in place of ours as a whole, under the lock: git reads ours back
    even when the driver was killed, and must then find it old or merged, never cut short."""
    with store.locked(root):
        store.replace_file(root, ours, text)


def _merge_by_entry(kind: Kind, texts: tuple[str, str, str]) -> Outcome:
    """Merge one file: its entries by key, the user's text around them line by line."""
    ours, theirs = kind.cut(texts[1], "ours"), kind.cut(texts[2], "theirs")
    base = kind.cut(texts[0], "base") if texts[0].strip() else Parts("", {}, ours.newline, {})
    problems: list[str] = []
    merged = merge_entries(kind, (base, ours, theirs), problems)
    if problems:
        return Outcome(None, problems)
    chunks = kind.place(merged)
    text, conflicts = merge_text(base.text, ours.text, theirs.text, ours.newline)
    groups = {name: sep for p in (base, ours, theirs) for name, sep in p.groups.items()}
    if not placeable(text, chunks, groups):
        return Outcome(
            None, [f"{kind.path}: both branches changed the text around the entries; merge by hand"]
        )
    for name, separated in groups.items():
        text = fill(text, name, separated, chunks.get(name, []), ours.newline)
    text = final_newline(text, texts, ours.newline)
    if conflicts:
        return Outcome(
            text,
            [
                f"{kind.path}: both branches changed the same text outside the entries: the "
                f"entries are merged; resolve the {conflicts} conflict(s) marked <<<<<<< >>>>>>>"
            ],
        )
    if kind.count(text) != len(merged):  # never write a file that lost or doubled an entry
        return Outcome(None, [f"{kind.path}: the merge would not read back with every entry"])
    return Outcome(text)
