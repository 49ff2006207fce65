"""Every figure a table shows, once: where it sits in the `ledger metrics --json` object, how
many decimals it is shown with, which "too little data" flag marks it, and which way is better.

The terminal table (table.py) and the report's figures and change tables (report.py) are all
read off this list, so a figure added here shows in each of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger_tool.model.timefmt import human_duration

MARK = "*"  # after a figure resting on too few cases

Group = dict[str, Any]  # the figures of one group: all errors, or one severity


def number(value: float | None, digits: int) -> str:
    """A figure as the tables show it: `digits` decimals, "-" when there is none."""
    return "-" if value is None else f"{value:.{digits}f}"


def _recurrence(group: Group) -> str:
    rec = group["recurrence"]
    if rec["rate"] is None:
        return "-"
    return f"{rec['regressed']}/{rec['resolved']} {rec['rate'] * 100:.0f}%"


def _open_count(group: Group) -> Any:
    """Errors open at the window's end (a report before `open_count` kept only the list)."""
    return group["open_count"] if "open_count" in group else len(group["open"])


def _ttr(key: str) -> Callable[[Group], float | None]:
    return lambda group: group["ttr"][key]


@dataclass(frozen=True)
class Figure:
    """One figure: its labels (terminal table, report change table; "" where it has no row),
    how to read it from a group, and how to judge it."""

    label: str  # in `ledger metrics`; indented: a part of the figure above
    change: str  # in the report's change table against the previous week
    read: Callable[[Group], float | None]
    digits: int
    flag: str | None  # its "too little data" flag; None for counts, which are exact
    better: int  # +1 if more is better, -1 if less is, 0 if neither
    show: Callable[[Group], str] | None = None  # its text, where that is not just the number
    overall: bool = False  # of all errors only: no column per severity
    hours: bool = False  # a duration in hours: the report shows it in human units
    share: bool = False  # a share from 0 to 1, shown as a percentage: it changes by points

    def words(self, group: Group) -> str:
        """Its text as the report shows it: a duration in human units (`3 h 30 m`)."""
        value = self.read(group)
        if self.hours and value is not None:
            return human_duration(value)
        return self.text(group)

    def text(self, group: Group) -> str:
        return self.show(group) if self.show else number(self.read(group), self.digits)

    def too_little(self, group: Group) -> bool:
        return self.flag is not None and bool(group["too_little_data"][self.flag])


# of all errors: the tables give it a row of its own, under the figures per severity
UPTIME = Figure(
    "uptime (no P0 episode)", "uptime (%)", lambda g: g["uptime_pct"], 2, None, 1, overall=True
)
# In the order the tables show them: Figure(terminal label, change label, read, decimals,
# "too little data" flag, better)
FIGURES = [
    Figure("failures (episodes started)", "failures", lambda g: g["failures"], 0, None, -1),
    Figure("failures per day", "failures per day", lambda g: g["daily_rate"], 3, "failures", -1),
    Figure("time to resolve: n", "time to resolve: n", lambda g: g["ttr"]["n"], 0, None, 0),
    Figure("  p50 (h)", "time to resolve p50", _ttr("p50_hours"), 2, "ttr", -1, hours=True),
    Figure("  p90 (h)", "time to resolve p90", _ttr("p90_hours"), 2, "ttr", -1, hours=True),
    Figure("  mean = MTTR (h)", "MTTR", _ttr("mean_hours"), 2, "ttr", -1, hours=True),
    Figure("MTBF (h)", "MTBF", lambda g: g["mtbf_hours"], 2, "failures", 1, hours=True),
    Figure("MTBSI (h)", "", lambda g: g["mtbsi_hours"], 2, "failures", 1, hours=True),
    Figure(
        "recurrence (regressed/resolved)",
        "recurrence rate",
        lambda g: g["recurrence"]["rate"],
        3,
        "recurrence",
        -1,
        show=_recurrence,
        share=True,
    ),
    Figure(
        "reopen/regression events",
        "reopen/regression events",
        lambda g: g["recurrence"]["reopen_events"],
        0,
        None,
        -1,
    ),
    Figure("sightings per day", "", lambda g: g["sightings"]["per_day"], 3, None, 0),
    UPTIME,
    Figure("", "open at the end", lambda g: _open_count(g), 0, None, -1, overall=True),
]
BY_SEVERITY = [f for f in FIGURES if f.label and not f.overall]  # a row each, a column a group
COMPARED = [f for f in FIGURES if f.change]


def usable(data: object) -> bool:
    """True when `data` (read back from a report) has every figure the change table compares."""
    if not isinstance(data, dict):
        return False
    try:
        values = [f.read(data) for f in COMPARED]
        flags = [data["too_little_data"][f.flag] for f in COMPARED if f.flag]
    except (KeyError, TypeError):
        return False
    return all(v is None or isinstance(v, int | float) for v in values) and all(
        isinstance(f, bool) for f in flags
    )
