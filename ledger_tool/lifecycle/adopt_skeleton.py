"""ERRORS.md made ready for adopted entries: the hand-written entries taken out (with the `---`
lines that only separated them), and the sections and table the ledger needs added where the
file lacks them.  Everything else stays byte for byte.
"""

from __future__ import annotations

from ledger_tool.lifecycle.adopt_hand import HandEntry
from ledger_tool.markdown import splice
from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.splice import Edit

SCHEMA = (
    "## Schema\n| ID | First seen | Status | Severity | Affected area | Link to fix |\n"
    "|----|------------|--------|----------|---------------|-------------|\n\n"
)


def skeleton(text: str, outline: Outline, entries: list[HandEntry]) -> str:
    """ERRORS.md without the hand-written entries (and the `---` lines that only separated
    them), with the sections and the table the ledger needs added where they are missing."""
    newline = splice.newline_of(text)
    edits = [_removal(text, entry, entries[i + 1 :]) for i, entry in enumerate(entries)]
    level2 = {h.title.lower(): h for h in outline.headings if h.level == 2}
    active, resolved = level2.get("active errors"), level2.get("resolved errors")
    schema = SCHEMA if "schema" not in level2 else ""
    if active is None and resolved is None:
        if not entries:
            return text  # not a ledger at all: the parse says so
        at = entries[0].start
        edits.append(Edit(at, at, schema + "## Active Errors\n\n## Resolved Errors\n\n"))
    elif active is None:
        assert resolved is not None
        edits.append(Edit(resolved.start, resolved.start, schema + "## Active Errors\n\n"))
    elif resolved is None:
        stop = next(
            (h.start for h in outline.headings if h.level <= 2 and h.start > active.start),
            len(text),
        )
        edits.append(Edit(stop, stop, _spaced(text, stop, "## Resolved Errors\n\n")))
        if schema:
            edits.append(Edit(active.start, active.start, schema))
    elif schema:
        edits.append(Edit(active.start, active.start, schema))
    return splice.to_newline(splice.apply(text, edits), newline)


def _spaced(text: str, at: int, new: str) -> str:
    """`new` inserted at `at`, on a line of its own after a blank line."""
    if at == len(text) and text and not text.endswith("\n"):
        return "\n\n" + new.rstrip("\n")
    return new


def _removal(text: str, entry: HandEntry, later: list[HandEntry]) -> Edit:
    """Remove an entry with the blank lines after it; when only separators lie between it and
    the next entry, those go too."""
    end = entry.end
    gap = text[end : later[0].start] if later else ""
    if later and all(
        not line.strip() or set(line.strip()) <= set("-*_ ") for line in gap.split("\n")
    ):
        return Edit(entry.start, later[0].start, "")
    while end < len(text):
        stop = text.find("\n", end)
        stop = len(text) if stop < 0 else stop + 1
        if text[end:stop].strip():
            break
        end = stop
    return Edit(entry.start, end, "")
