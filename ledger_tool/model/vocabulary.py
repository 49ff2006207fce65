"""The ledger's words, each defined once: error and task IDs (and the next free number of a day),
severities, statuses, the heading of a block, the journal's mark of an error, and the `ledger note`
fields.

Light on purpose (`re`, `enum`, `collections.abc` only): the command line reads it before anything
heavy loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

# An error's ID: ERR-YYYY-MM-DD-NNN (three digits or more).
ID_PATTERN = r"ERR-\d{4}-\d\d-\d\d-\d{3,}"
ID_RE = re.compile(ID_PATTERN)
# A journal heading names its error as `|ERROR:ERR-...|`.
ERROR_REF = re.compile(rf"\|ERROR:({ID_PATTERN})\|")
# A task's own line, `**Task ID**: TASK-ERR-...`, with the ID as group 1, after a newline (a file
# is searched with a newline put in front); TASK_ID_LINE takes another ID pattern for one error.
TASK_ID_LINE = r"\n\*\*Task ID\*\*:[ \t]*TASK-({id})[ \t]*\r?$"
ANY_TASK = re.compile(TASK_ID_LINE.format(id=ID_PATTERN), re.M)
RESOLVED_MARK = " (RESOLVED)"


class Severity(StrEnum):
    """How bad: P0 stops the service or training, P1 degrades it (seed 000)."""

    P0 = "P0"
    P1 = "P1"


class Status(StrEnum):
    """Where an error stands; its block sits in the section of that name."""

    ACTIVE = "active"
    RESOLVED = "resolved"

    @property
    def word(self) -> str:
        """How a block's Status field and the table's Status cell spell it: ACTIVE, RESOLVED."""
        return self.value.upper()


SEVERITIES = tuple(Severity)


def next_free(day: str, used: Iterable[str]) -> str:
    """The first ID of `day` past every number of that day in the IDs `used`."""
    prefix = f"ERR-{day}-"
    return past(day, (int(i[len(prefix) :]) for i in used if i.startswith(prefix)))


def past(day: str, numbers: Iterable[int]) -> str:
    """The ID of `day` (YYYY-MM-DD) numbered one past the highest of `numbers` (001 for none):
    the one place a new ID is spelled."""
    return f"ERR-{day}-{max(numbers, default=0) + 1:03d}"


def task_id(error_id: str) -> str:
    return f"TASK-{error_id}"


def journal_ref(error_id: str) -> str:
    return f"|ERROR:{error_id}|"


def error_heading(error_id: str, resolved: bool) -> str:
    """The heading line of an error's block: `### ERR-...`, marked ` (RESOLVED)` when resolved."""
    return f"### {error_id}{RESOLVED_MARK if resolved else ''}"


# `ledger note` options and the block fields they fill.
NOTE_FIELDS = {
    "description": "Description",
    "symptoms": "Symptoms",
    "impact": "Impact",
    "investigation": "Investigation",
    "current_status": "Current Status",
    "next_steps": "Next Steps",
    "affected_components": "Affected Components",
    "dependencies": "Dependencies",
    "workarounds": "Workarounds",
    "monitoring": "Monitoring",
    "root_cause": "Root Cause",
    "solution": "Solution",
    "configuration_changes": "Configuration Changes",
    "testing": "Testing",
    "deployment": "Deployment",
    "prevention_measures": "Prevention Measures",
    "related_issues": "Related Issues",
}
