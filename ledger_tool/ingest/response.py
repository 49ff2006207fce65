"""`ledger ingest --json`: seed 001's ErrorResponse for one log, plus what the ledger did.

    {"job_id", "status", "error_summary", "errors": [StructuredError], "traceback": TracebackInfo,
     "analysis": FailureAnalysis, "exit_code", "signal", "log": {...}, "ledger": [...]}

`errors` are the groups (errors and warnings) in the order the log first shows them; `traceback` is
the last one the log prints (null when none); `analysis` is the failure that ended the job (null when
nothing did); `ledger` lists each entry opened, counted on (`seen`), reopened (`regressed`) or left
`unchanged` (this log was ingested before).  Times are ISO 8601 as the log prints them (with an
offset, converted to UTC, only when it gives one).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ledger_tool.ingest import rules
from ledger_tool.ingest.analysis import Group, Judged, Outcome, Reading

if TYPE_CHECKING:
    from ledger_tool.ingest.apply import Applied

MAX_ERRORS = 1000  # groups listed in --json (the most frequent ones when there are more)


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def summary(outcome: Outcome) -> str:
    """One line: how the job ended and why."""
    decisive = outcome.decisive
    status = outcome.exit_code
    said = ""
    if status is not None:
        name = rules.signal_name(status)
        said = f" with exit status {status}" + (f" ({name})" if name else "")
    if decisive is None:
        return f"failed{said}" if outcome.status == "failed" else f"completed{said}"
    what = decisive.exc_type or decisive.finding.text.split("\n", 1)[0][:120]
    return f"failed{said}: {decisive.category.title} ({what})"


def _error(group: Group) -> dict[str, object]:
    return {
        "timestamp": _time(group.first),
        "last_seen": _time(group.last),
        "level": group.level or "error",
        "phase": group.record_phase or group.phase,
        "message": group.message,
        "dedupe_key": group.fingerprint,
        "count": group.count,
        "category": group.category,
        "line": group.first_line,
    }


def _traceback(final: Judged | None) -> dict[str, object] | None:
    if final is None or final.finding.final is None:
        return None
    exc = final.finding.final
    return {
        "raw": final.finding.raw,
        "frames": [frame.as_json() for frame in exc.frames],
        "exception_type": exc.type,
        "exception_message": exc.message,
        "chain": [
            {"exception_type": link.type, "exception_message": link.first_line}
            for link in final.finding.chain
        ],
        "group_members": [
            {"exception_type": leaf.type, "exception_message": leaf.first_line}
            for leaf in exc.leaves()
        ],
        "line": final.finding.line,
    }


def _analysis(outcome: Outcome) -> dict[str, object] | None:
    decisive = outcome.decisive
    if decisive is None:
        return None
    category = decisive.category
    what = decisive.finding.text.split("\n", 1)[0]
    return {
        "error_type": category.name,
        "error_phase": decisive.phase,
        "description": f"{category.title}: {what}" if what else category.title,
        "confidence": outcome.confidence,
        "suggestions": list(category.suggestions),
        "line": decisive.finding.line,
        "ending_line": (outcome.ending or decisive).finding.line,
        "fingerprint": decisive.fingerprint,
    }


def response(reading: Reading, applied: list[Applied]) -> dict[str, object]:
    outcome = reading.outcome
    groups = outcome.groups
    if len(groups) > MAX_ERRORS:
        groups = sorted(groups, key=lambda g: -g.count)[:MAX_ERRORS]
    groups = sorted(groups, key=lambda g: g.first_line)
    return {
        "job_id": reading.job_id,
        "status": outcome.status,
        "error_summary": summary(outcome),
        "errors": [_error(g) for g in groups],
        "traceback": _traceback(outcome.final),
        "analysis": _analysis(outcome),
        "exit_code": outcome.exit_code,
        "signal": rules.signal_name(outcome.exit_code),
        "log": {
            "path": reading.name,
            "sha256": reading.digest,
            "lines": outcome.lines,
            "groups_not_kept": outcome.dropped,
        },
        "ledger": [a.as_json() for a in applied],
    }
