"""The rules ERRORS.md's blocks must follow together (LDG2xx): the summary table says what the
blocks say, with a row for each and none more, and both the table and each section are newest
first.

They read each error's `Facts` (from `entry_rules`), never a block, so a block whose facts come
from the cache is not read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from ledger_tool.checks.facts import Facts, expected_row
from ledger_tool.checks.problem import Problem
from ledger_tool.files import errors_table
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model.vocabulary import Status


def table_problems(doc: ErrorsFile, entries: dict[str, Facts]) -> Iterable[Problem]:
    """LDG201-LDG203: a row for each block, none more, each saying what its block says."""
    if doc.rows_at is None:
        return
    rows_at = doc.rows_at
    areas: dict[str, str] = {}  # each area encoded once: a ledger has a few
    for error_id, entry in entries.items():
        span = doc.rows.get(error_id)
        if span is None:
            yield Problem(
                doc.path,
                doc.outline.line_number(rows_at) - 2,  # the header line
                "LDG201",
                f"the table has no row for {error_id} (`ledger check --fix` adds it)",
            )
            continue
        area = areas.get(entry.area)
        if area is None:
            area = areas[entry.area] = encode(entry.area)
        prefix = errors_table.row_prefix(
            error_id, entry.first_seen, entry.status, entry.severity, area
        )
        row = doc.text[span[0] : span[1]].rstrip("\r\n")
        fix = entry.fix_commit if entry.status == Status.RESOLVED else None
        if row.startswith(prefix) and row.endswith(" |"):  # the usual case, without splitting
            link = row[len(prefix) : -2]  # the Link to fix cell, when it is the last one
            if "|" not in link and ((not link.strip()) if fix is None else (fix[:7] in link)):
                continue
        yield from _row_problems(doc, entry)
    for error_id, (start, _) in doc.rows.items():
        if error_id not in doc.blocks:
            yield Problem(
                doc.path,
                doc.outline.line_number(start),
                "LDG202",
                f"the table has a row for {error_id} but there is no block for it",
            )


def _row_problems(doc: ErrorsFile, entry: Facts) -> Iterable[Problem]:
    """LDG203: each cell of an error's row that disagrees with its block."""
    error_id = entry.id
    row_start, _ = doc.rows[error_id]
    want = expected_row(entry, "")
    fix = entry.fix_commit if entry.status == Status.RESOLVED else None
    cells = doc.row_cells(error_id)
    for index, name in enumerate(errors_table.COLUMNS[:5]):
        have = cells[index] if index < len(cells) else ""
        if decode(have) != decode(want[index]):  # `gpu[0]` as older versions wrote it
            yield Problem(
                doc.path,
                doc.outline.line_number(row_start),
                "LDG203",
                f"the row of {error_id} says {name} {have!r} but its block says "
                f"{want[index]!r} (`ledger check --fix` rewrites the row)",
            )
    link = cells[5] if len(cells) > 5 else ""
    if (fix is None and link) or (fix is not None and fix[:7] not in link):
        yield Problem(
            doc.path,
            doc.outline.line_number(row_start),
            "LDG203",
            f"the row of {error_id} links {repr(link) if link else 'nothing'} but its fix commit is "
            f"{fix or 'none'} (`ledger check --fix` rewrites the row)",
        )


def order_problems(doc: ErrorsFile, entries: dict[str, Facts]) -> Iterable[Problem]:
    """LDG204: the first pair out of order in each section (Active by First Seen, Resolved by
    Resolved) and in the table (by First Seen), newest first."""

    def key(error_id: str, section: str) -> tuple[str, str]:
        facts = entries[error_id]
        return (facts.resolved if section == "resolved" else facts.first_seen, error_id)

    for section, ids in doc.order.items():
        known = [i for i in ids if i in entries and entries[i].status == section]
        for newer, older in pairwise(known):
            if key(newer, section) < key(older, section):
                yield Problem(
                    doc.path,
                    doc.line_of(older),
                    "LDG204",
                    f"{older} should come before {newer}: the section is newest first "
                    "(`ledger check --fix` reorders it)",
                )
                break
    rows = [i for i in doc.rows if i in entries]
    for newer, older in pairwise(rows):
        if key(newer, "active") < key(older, "active"):
            yield Problem(
                doc.path,
                doc.outline.line_number(doc.rows[older][0]),
                "LDG204",
                f"the row of {older} should come before {newer}: the table is newest first "
                "(`ledger check --fix` reorders it)",
            )
            break
