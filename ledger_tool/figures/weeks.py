"""ISO weeks, as the report counts them: a week named as people name it (`2026-W47`, `this`,
`last`), its bounds Monday 00:00 to Monday 00:00 in the configured zone, and the failures of each
of the last weeks, which the chart draws.

Pure: `today` and `now` are passed in; only the CLI reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ledger_tool.exceptions import LedgerError
from ledger_tool.figures.metrics import episodes, hours_between
from ledger_tool.model.entry import Entry
from ledger_tool.model.vocabulary import Severity

WEEKS = 8  # the chart's span, ending with the report's week
_WEEK = re.compile(r"(\d{4})-?W(\d\d)", re.IGNORECASE)


@dataclass(frozen=True)
class WeekCount:
    label: str  # W47
    monday: date
    p0: int  # failures (episodes started)
    p1: int
    resolved: tuple[float, ...] = ()  # hours each episode resolved in the week took

    @property
    def total(self) -> int:
        return self.p0 + self.p1


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str, today: date) -> date:
    """The Monday of `text`: an ISO week `YYYY-Www`, `this` (the week of `today`) or `last`."""
    word = text.strip().lower()
    if word in ("this", "last"):
        return monday_of(today) - timedelta(weeks=1 if word == "last" else 0)
    m = _WEEK.fullmatch(word)
    if m is not None:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise LedgerError(f"{m.group(1)} has no ISO week {m.group(2)}") from None
    raise LedgerError(
        f"cannot read week {text!r}; use an ISO week such as {week_label(monday_of(today))}, "
        "`this` or `last`"
    )


def week_bounds(monday: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in `tz`."""
    return (
        datetime.combine(monday, time(), tzinfo=tz),
        datetime.combine(monday + timedelta(weeks=1), time(), tzinfo=tz),
    )


def week_window(monday: date, tz: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """The week's bounds, cut at `now` while the week is running."""
    since, end = week_bounds(monday, tz)
    if now <= since:
        raise LedgerError(
            f"week {week_label(monday)} has not begun yet (it starts {since:%Y-%m-%d})"
        )
    return since, min(end, now)


def weekly_failures(
    entries: Iterable[Entry], monday: date, until: datetime, weeks: int = WEEKS
) -> list[WeekCount]:
    """Failures (episodes started) per ISO week, P0 and P1, and the times to resolve of the
    episodes resolved in it, for the `weeks` weeks ending with the week of `monday`, counted up
    to `until`."""
    first = monday - timedelta(weeks=weeks - 1)
    counts = {first + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    took: dict[date, list[float]] = {day: [] for day in counts}
    zone = until.tzinfo
    for entry in entries:
        for ep in episodes(entry):
            week = monday_of(ep.start.astimezone(zone).date())
            if ep.start < until and week in counts:
                counts[week][ep.severity != Severity.P0] += 1
            if ep.end is not None and ep.end < until:
                ended = monday_of(ep.end.astimezone(zone).date())
                if ended in took:
                    took[ended].append(hours_between(ep.start, ep.end))
    return [
        WeekCount(f"W{day.isocalendar()[1]:02d}", day, p0, p1, tuple(sorted(took[day])))
        for day, (p0, p1) in counts.items()
    ]
