"""The words the tool writes into journal entries and tasks, in one place (the lifecycle and the
benchmark's ledger generator both use them).  Values come back in stored (escaped) form."""

from __future__ import annotations

from ledger_tool.markdown.textcodec import encode
from ledger_tool.model.vocabulary import Severity

PRIORITY = {Severity.P0: "CRITICAL", Severity.P1: "HIGH"}
# What to do when a shallow clone lacks the history a question needs.
UNSHALLOW = "run `git fetch --unshallow` (in CI: check out with fetch-depth: 0)"
UNKNOWN_CHANGES = "not known: the clone lacked the parent of the fix commit"
INVESTIGATION = "Critical Error Investigation"
RESOLUTION = "Critical Error Resolution"
REGRESSION = "Critical Error Regression"
REOPENED = "Critical Error Reopened"
# The journal entries the tool writes; an entry under any other title is the user's, never edited.
OWN_TITLES = (INVESTIGATION, RESOLUTION, REGRESSION, REOPENED)
MAX_LISTED_FILES = 20


def investigation(description: str, severity: str, area: str) -> dict[str, str]:
    """What and Why of the journal entry that opening an error writes."""
    kind = "Complete outage or critical failure" if severity == Severity.P0 else "Major failure"
    return {
        "What": encode(f"Investigation and resolution of {description}"),
        "Why": encode(f"{kind} ({severity}) affecting {area}"),
    }


def resolution(description: str, severity: str, area: str, result: str) -> dict[str, str]:
    """The journal entry a resolution writes when the investigation entry is archived."""
    return {
        "What": encode(f"Resolution of {description}"),
        "Why": encode(f"{severity} error affecting {area}"),
        "Result": result,
    }


def comeback(
    kind: str, reason: str, description: str, severity: str, area: str
) -> tuple[str, dict[str, str]]:
    """Title and values of the journal entry of a regression or a reopening."""
    if kind == "regressed":
        title, what = REGRESSION, "Regression: seen again on code that contains the fix"
    else:
        title, what = REOPENED, "Reopened" + (f": {reason}" if reason else "")
    values = {
        "What": encode(what),
        "Why": encode(f"{description} ({severity}, {area}) came back"),
    }
    return title, values


def task_title(description: str) -> str:
    """`Resolve <first line of the description>`, at most 80 characters of it."""
    summary = description.strip().split("\n", 1)[0]
    summary = summary if len(summary) <= 80 else summary[:79] + "…"
    return encode(f"Resolve {summary}")


def code_changes(
    files: tuple[tuple[str, int, int], ...] | list[tuple[str, int, int]] | None,
) -> str:
    """Fix Details' Code Changes: each file with its +/- lines, the first 20, then a total
    (None: a shallow clone could not tell them)."""
    if files is None:
        return UNKNOWN_CHANGES
    if not files:
        return "no file changes in the fix commit"
    shown = [f"{encode(p)} (+{a}/-{d})" for p, a, d in files[:MAX_LISTED_FILES]]
    rest = files[MAX_LISTED_FILES:]
    if rest:
        added = sum(a for _, a, _ in rest)
        deleted = sum(d for _, _, d in rest)
        shown.append(f"and {len(rest)} more files (+{added}/-{deleted})")
    return ", ".join(shown)
