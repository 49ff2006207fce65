"""What the rules across blocks and files know of each error, and the table row it implies.

One block's facts are worked out once, by `entry_rules`, and kept in the per-block cache, so
the rules that look at the table, the journal and the tasks never read a block again.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ledger_tool.files import errors_table
from ledger_tool.model.entry import Entry
from ledger_tool.model.timefmt import format_time

# The facts of a block as the cache keeps them: all of Facts but the ID (the cache is keyed by the
# block's bytes, which hold it).
Summary = tuple[str, str, str, str, str, str | None]


class Facts(NamedTuple):
    """What the checks across files need to know of an error (times in the file's form)."""

    id: str
    status: str
    severity: str
    area: str
    first_seen: str
    resolved: str
    fix_commit: str | None


def facts_of(entry: Entry) -> Facts:
    def stamp(when: datetime | None) -> str:
        return format_time(when) if when else ""

    return Facts(
        entry.id, entry.status, entry.severity, entry.area, stamp(entry.first_seen),
        stamp(entry.resolved), entry.fix_commit,
    )  # fmt: skip


def expected_row(facts: Facts, link: str) -> list[str]:
    """The table cells the tool writes for an error."""
    return errors_table.cells(
        facts.id, facts.first_seen, facts.status, facts.severity, facts.area, link
    )
