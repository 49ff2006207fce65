"""The outline scanner: which lines are structure, as CommonMark reads them."""

from __future__ import annotations

import pytest

from ledger_tool.markdown.outline import scan


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
