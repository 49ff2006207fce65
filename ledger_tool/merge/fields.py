"""One entry both branches changed, merged field by field (a task, a journal entry, the frame of
an error block).

Each field takes the three-way choice: the side that changed it, or the change both made alike.
The layout and the free text (paragraphs, sub-headings) come whole from one side; where both
branches changed a field, or the free text, differently, the entry cannot be merged without
guessing (`Clash`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger_tool.markdown.block import Block, layout_of


class Clash(Exception):
    """Both sides changed one thing in ways that cannot be combined without guessing."""


def pick(values: Sequence[str | None], what: str) -> str | None:
    """The three-way choice among (base, ours, theirs): the side that changed it, or the change
    both made alike."""
    base, ours, theirs = values
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise Clash(f"both branches changed {what}")


def _free_text(block: Block) -> list[str]:
    """The block's non-blank lines outside its fields (paragraphs, sub-headings)."""
    covered = {i for span in block.spans().values() for i in range(span.first, span.stop)}
    lines = enumerate(block.lines[1:], 1)
    return [line.rstrip("\r") for i, line in lines if i not in covered and line.strip()]


def _frame(sides: tuple[Block, Block, Block], status: str | None) -> Block:
    """A copy of the side whose layout and free text the merge keeps (matching `status` when
    both would do)."""
    _, ours, theirs = sides
    kept, mine, other = (_free_text(s) for s in sides)
    if mine == other:
        candidates = [ours, theirs]
    elif mine == kept:
        candidates = [theirs]
    elif other == kept:
        candidates = [ours]
    else:
        raise Clash("both branches changed its text outside the fields")
    fit = [c for c in candidates if (c.get("Status") or "").strip().upper() == status]
    return Block((fit or candidates)[0].text())


def merge_block(
    sides: tuple[Block, Block, Block],
    decided: dict[str, str | None],
    heading: str | None = None,
    status: str | None = None,
) -> str:
    """An entry both sides changed, merged field by field; `decided` fields are merged already."""
    base, ours, theirs = sides
    names: dict[str, str] = {name.lower(): name for name in decided}
    for side in (ours, theirs, base):
        for key, span in side.spans().items():
            names.setdefault(key, span.name)
    values = {
        name: decided[name] if name in decided else pick([s.get(name) for s in sides], name)
        for name in names.values()
    }
    frame = _frame(sides, status)
    if heading is None:
        heading = pick([s.heading for s in sides], "the heading") or ""
    frame.set_heading(heading)
    for name, raw in values.items():
        current = frame.get(name)
        if raw is None and current is not None:
            frame.remove(name)
        elif raw is not None and current is None:
            source = next(s for s in (ours, theirs, base) if s.get(name) is not None)
            frame.insert(name, raw, layout_of(source.text()))
        elif raw is not None and current != raw:
            frame.replace(name, raw)
    return frame.text()
