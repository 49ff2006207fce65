"""The report's words: the sentences at its top, computed from the week's figures, and an
explanation for each figure that says nothing useful this week (an uptime of 0 % while a P0 stayed
open, an MTBF without failures).

Pure: the caller passes the figures (`ledger metrics --json` of the week and of the week before)
and what happened (happened.py); nothing here reads a file or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger_tool.figures.metrics import TOO_LITTLE
from ledger_tool.model.timefmt import human_duration
from ledger_tool.model.vocabulary import SEVERITIES

DEGENERATE = "†"  # after a figure that an explanation under the table accounts for


@dataclass(frozen=True)
class Week:
    """What happened in the report's week, as the sentences count it."""

    label: str
    previous_label: str
    complete: bool
    opened: dict[str, int]  # errors opened, by severity
    back: int  # reopenings and regressions
    noisiest: tuple[str, int] | None  # the error seen most often (ID, sightings), if twice or more


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _split(by_severity: dict[str, int]) -> str:
    parts = [f"{n:,} {s}" for s, n in by_severity.items() if n]
    if len(parts) == 1:
        return f" ({parts[0].split(' ')[1]})"
    return f" ({', '.join(parts)})" if parts else ""


def _activity(data: dict[str, Any], week: Week) -> str:
    opened = sum(week.opened.values())
    ttr, resolved = data["ttr"], data["recurrence"]["resolved"]
    if not opened and not week.back and not ttr["n"]:
        return "A quiet week: no critical error was opened, came back or was resolved."
    head = (
        f"{_plural(opened, 'critical error')} opened{_split(week.opened)}"
        if opened
        else "No critical error opened"
    )
    if week.back:
        head += f" and {week.back:,} reopened or regressed"
    if not ttr["n"]:
        return f"{head}; none resolved."
    done = (
        f"{ttr['n']:,} resolved"
        if ttr["n"] == resolved
        else f"{ttr['n']:,} resolutions of {_plural(resolved, 'error')}"
    )
    median = f"median time to resolve {human_duration(ttr['p50_hours'])}"
    if ttr["n"] >= 2:
        median += f" (p90 {human_duration(ttr['p90_hours'])})"
    if ttr["n"] < TOO_LITTLE:
        median += ", too few for a trend"
    return f"{head}; {done}, {median}."


def _backlog(data: dict[str, Any], week: Week) -> str:
    when = "at the end of the week" if week.complete else "now"
    backlog = data["open"]
    if not backlog:
        return f"Nothing is open {when}."
    counts = {str(s): sum(1 for item in backlog if item["severity"] == s) for s in SEVERITIES}
    oldest = backlog[0]
    return (
        f"{len(backlog):,} still open {when}{_split(counts)}, the oldest for "
        f"{human_duration(oldest['age_hours'])} ({oldest['id']}, {oldest['severity']} "
        f"{oldest['area']})."
        if len(backlog) > 1
        else f"1 still open {when}: {oldest['id']} ({oldest['severity']} {oldest['area']}), "
        f"for {human_duration(oldest['age_hours'])}."
    )


def _uptime(data: dict[str, Any]) -> str:
    uptime = data["uptime_pct"]
    if uptime == 100:
        return "No P0 error was open: uptime 100 %."
    down = (100 - uptime) / 100 * data["window"]["days"] * 24
    if uptime == 0:
        whole = _all_week(data)
        return (
            f"{_who(whole)} open all week: uptime 0 %."
            if whole
            else ("P0 errors were open, one after another, all week: uptime 0 %.")
        )
    return f"P0 errors were open for {human_duration(down)} of the week: uptime {uptime:.2f} %."


def _all_week(data: dict[str, Any]) -> list[str]:
    """The P0 errors open from before the week to its end."""
    since = datetime.fromisoformat(data["window"]["since"])
    return [
        o["id"]
        for o in data["open"]
        if o["severity"] == "P0" and datetime.fromisoformat(o["since"]) <= since
    ]


def _trend(data: dict[str, Any], before: dict[str, Any], week: Week) -> str:
    now, then = data["failures"], before["failures"]
    if now == then:
        head = f"As many failures as in {week.previous_label} ({now})"
    else:
        way = "up" if now > then else "down"
        head = f"{_plural(now, 'failure')}, {way} from {then:,} in {week.previous_label}"
    mine, theirs = data["ttr"], before["ttr"]
    if mine["n"] >= TOO_LITTLE and theirs["n"] >= TOO_LITTLE:
        head += (
            f"; median time to resolve {human_duration(mine['p50_hours'])} against "
            f"{human_duration(theirs['p50_hours'])}"
        )
    return head + "."


def sentences(data: dict[str, Any], before: dict[str, Any], week: Week) -> list[str]:
    """The summary at the top of the report, one sentence a line."""
    lines = [_activity(data, week), _backlog(data, week), _uptime(data)]
    rec = data["recurrence"]
    if rec["regressed"]:
        lines.append(
            f"{rec['regressed']:,} of the {_plural(rec['resolved'], 'error')} resolved came back "
            f"within {rec['window_days']} days."
        )
    if week.noisiest is not None:
        error_id, count = week.noisiest
        lines.append(f"Seen most often: {error_id}, {count:,} sightings this week.")
    lines.append(_trend(data, before, week))
    return lines


def explanations(data: dict[str, Any]) -> dict[str, str]:
    """Why a figure reads as it does, for each figure that is degenerate this week, by the
    figure's change-table label: a P0 open all week, no failures, nothing resolved."""
    found: dict[str, str] = {}
    if data["uptime_pct"] == 0:
        whole = _all_week(data)
        found["uptime (%)"] = (
            f"uptime 0 %: {_who(whole)} open for the whole week, so every hour counts as down."
            if whole
            else "uptime 0 %: P0 errors, one after another, were open for the whole week."
        )
    if data["failures"] == 0:
        found["MTBF"] = (
            "MTBF: no failure started this week, so there is no time between failures to measure."
        )
    elif data["mtbf_hours"] == 0:
        found["MTBF"] = "MTBF 0: errors were open for the whole week, so no time was free of one."
    if data["ttr"]["n"] == 0:
        found["MTTR"] = "time to resolve: no error was resolved this week."
    if data["recurrence"]["rate"] is None:
        found["recurrence rate"] = (
            "recurrence: no error was resolved this week, so none could come back."
        )
    return found


def _who(ids: Sequence[str]) -> str:
    if len(ids) == 1:
        return f"P0 error {ids[0]} was"
    shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"P0 errors {shown} were"
