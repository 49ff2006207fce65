"""The outline scanner: which lines are structure, as CommonMark reads them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger_tool.files.digests import chunk_digests
from ledger_tool.files.outlines import Kept, differed
from ledger_tool.markdown.outline import Outline, scan, spliced
from ledger_tool.markdown.splice import Edit, apply


@pytest.mark.parametrize(
    ("line", "is_break"),
    [
        ("---", True), ("***", True), ("___", True), ("- - -", True), ("   * * *", True),
        ("-- -", True), ("------", True), ("_\t_ _", True), ("---  ", True),
        ("--", False), ("-*-", False), ("**Status**: ACTIVE", False), ("- **What**: x", False),
        ("- 2026-11-20 09:15 opened", False), ("    ---", False), ("---x", False),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else str(v),
)  # fmt: skip
def test_thematic_breaks(line: str, is_break: bool) -> None:
    outline = scan(f"# Title\n\n{line}\n\ntext\n")
    assert bool(outline.breaks) == is_break


def test_headings_and_breaks_inside_fences_and_comments_are_not_structure() -> None:
    text = "# T\n\n```md\n## Hidden\n---\n```\n\n<!--\n## Also hidden\n-->\n\n## Seen\n"
    outline = scan(text)
    assert [h.title for h in outline.headings] == ["T", "Seen"]
    assert outline.breaks == []
    assert outline.unclosed is None


def test_an_unclosed_fence_is_reported() -> None:
    outline = scan("# T\n\n~~~\n## gone\n")
    assert outline.unclosed == 5
    assert [h.title for h in outline.headings] == ["T"]


# -- an outline carried across a command's edits ----------------------------------------------

_LINES = st.sampled_from(
    [
        "# Title", "## Active Errors", "### ERR-2026-11-20-001", "#### Notes", "text", "",
        "---", "* * *", "```", "```python", "~~~~", "<!--", "-->", "a --> b", "<!-- one -->",
        "    ## indented code", "## closed ##", "`` ` ``", "\r", "- **Status**: ACTIVE",
    ]
)  # fmt: skip
_TEXTS = st.lists(_LINES, max_size=30).map(lambda lines: "".join(f"{x}\n" for x in lines))


@st.composite
def _edited(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(_TEXTS)
    if draw(st.booleans()):
        text = text.rstrip("\n")  # a file without a final newline
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append((start, end, draw(_TEXTS)))
    if draw(st.booleans()) and cuts:  # insertions, snapped to line starts
        at = text.rfind("\n", 0, cuts[-1]) + 1
        if not edits or at >= edits[-1][1]:
            edits.append((at, at, draw(_TEXTS)))
    return text, edits


def _assert_scanned(carried: Outline, text: str, levels: int) -> None:
    """`carried` is what a scan of `text` finds."""
    fresh = scan(text, levels=levels)
    assert carried.headings == fresh.headings
    assert carried.breaks == fresh.breaks
    assert carried.hidden == fresh.hidden
    assert carried.unclosed == fresh.unclosed


@given(_edited(), st.sampled_from([3, 6]))
@settings(max_examples=600, deadline=None)
def test_an_outline_carried_across_edits_is_the_outline_of_the_new_text(
    case: tuple[str, list[tuple[int, int, str]]], levels: int
) -> None:
    """What a command remembers for the text it writes is what a scan of that text finds, or
    nothing (then the next command scans)."""
    text, edits = case
    new = apply(text, [Edit(*e) for e in edits])
    carried = spliced(scan(text, levels=levels), edits, new, levels)
    if carried is not None:
        _assert_scanned(carried, new, levels)


def test_an_entry_added_to_a_big_file_carries_its_outline() -> None:
    """The edits commands make (a block in front of another, a row) are carried, not rescanned."""
    text = "# Errors\n\n## Active Errors\n\n" + "".join(
        f"### ERR-2026-11-20-{i:03d}\n**Status**: ACTIVE\n```\nlog\n```\n\n" for i in range(1, 50)
    )
    at = text.index("### ERR-2026-11-20-010")
    edits = [(at, at, "### ERR-2026-11-21-001\n**Status**: ACTIVE\n\n")]
    new = apply(text, [Edit(*e) for e in edits])
    carried = spliced(scan(text, levels=3), edits, new, 3)
    assert carried is not None
    assert carried.headings == scan(new, levels=3).headings


# -- a text no command wrote (edited by hand, pulled), outlined from an earlier text's outline --


def _kept(text: str, levels: int, size: int) -> Kept:
    """What the cache keeps of `text`: its outline, lengths and its pieces' digests."""
    found = scan(text, levels=levels)
    data = text.encode("utf-8", "surrogatepass")
    headings = [tuple(h) for h in found.headings]
    return (
        headings, found.breaks, found.hidden, found.unclosed, [], len(data), len(text),
        chunk_digests(data, size),
    )  # fmt: skip


_WIDE = st.sampled_from(["", "é", "—", "✅", "日本"])  # characters of 2, 3 and 4 bytes


@given(_edited(), st.sampled_from([3, 6]), st.sampled_from([1, 2, 5, 16, 64]), _WIDE)
@settings(max_examples=600, deadline=None)
def test_an_outline_carried_from_an_earlier_text_is_the_outline_of_the_new_text(
    case: tuple[str, list[tuple[int, int, str]]], levels: int, size: int, wide: str
) -> None:
    """Whatever two texts share at their start and end, and whatever pieces that cuts them into
    (mid-character too), the outline carried across the rest is what a scan finds, or nothing."""
    text, edits = case
    text = text.replace("text", f"te{wide}xt")
    new = apply(text, [Edit(*e) for e in edits])
    data = new.encode("utf-8", "surrogatepass")
    chunks = chunk_digests(data, size)
    carried = differed(_kept(text, levels, size), new, levels, data, chunks, size)
    if carried is not None:
        _assert_scanned(carried, new, levels)


def test_a_hand_edit_in_a_big_file_is_outlined_from_the_outline_before_it() -> None:
    text = "# Errors\n\n## Active Errors\n\n" + "".join(
        f"### ERR-2026-11-20-{i:03d}\n**Status**: ACTIVE\n**Description**: x\n\n"
        for i in range(1, 400)
    )
    new = text.replace(
        "ERR-2026-11-20-200\n**Status**: ACTIVE", "ERR-2026-11-20-200\n**Status**: ACTIVE\n## Mine"
    )
    data = new.encode()
    carried = differed(_kept(text, 3, 1024), new, 3, data, chunk_digests(data, 1024), 1024)
    assert carried is not None
    assert carried.headings == scan(new, levels=3).headings
