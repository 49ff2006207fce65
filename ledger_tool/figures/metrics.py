"""Reliability figures (DESIGN.md section 6) as pure functions of the entries and a window.

Nothing here reads the clock or a file: the caller passes the entries, the window `[since, until)`
and the recurrence window in days, and gets back the `ledger metrics --json` object.  Every
definition is stated with a worked example in docs/metrics.md.

Durations are real elapsed time (computed in UTC, so a DST change does not shift them); days and
per-day buckets are calendar days in the zone of `since`, the configured zone.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ledger_tool.exceptions import LedgerError
from ledger_tool.model.entry import Entry, events_of
from ledger_tool.model.history import STARTS, Event
from ledger_tool.model.vocabulary import SEVERITIES, Severity

TOO_LITTLE = 5  # with fewer cases than this a figure is an anecdote, not a trend
RESTARTS = ("reopened", "regressed")


@dataclass(frozen=True)
class Episode:
    """A stretch of an error being active: from its opening, reopening or regression to its next
    resolution (`end` None while unresolved)."""

    error_id: str
    severity: str
    area: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    recurrence_days: int

    def holds(self, when: datetime) -> bool:
        return self.since <= when < self.until

    @property
    def hours(self) -> float:
        return hours_between(self.since, self.until)

    @property
    def days(self) -> float:
        """Calendar length in days: midnight to midnight over a DST change is still 7 days."""
        until = self.until.astimezone(self.since.tzinfo).replace(tzinfo=None)
        days = (until - self.since.replace(tzinfo=None)) / timedelta(days=1)
        return days if days > 0 else self.hours / 24  # a window inside the hour the clock repeats

    def dates(self) -> list[date]:
        """The calendar days the window touches (the day of `until` only if it goes past 00:00)."""
        first = self.since.date()
        last = (self.until.astimezone(self.since.tzinfo) - timedelta(microseconds=1)).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def day_of(self, when: datetime) -> date:
        return when.astimezone(self.since.tzinfo).date()


@dataclass(frozen=True)
class _Error:
    severity: str
    events: list[Event]
    episodes: list[Episode]  # all of them, also after the window: recurrence looks there
    current: list[Episode]  # as of `until`: later starts dropped, later resolutions not yet made


def hours_between(start: datetime, end: datetime) -> float:
    """Real elapsed hours (aware datetimes of one zone subtract as wall-clock times otherwise)."""
    return (end.timestamp() - start.timestamp()) / 3600


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0 to 100) exactly as `numpy.percentile` computes it by default (linear
    interpolation between the closest ranks); None for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {q}")
    if not values:
        return None
    ranked = sorted(values)
    index = (len(ranked) - 1) * (q / 100)
    low = math.floor(index)
    a, b = ranked[low], ranked[min(low + 1, len(ranked) - 1)]
    t = index - low
    # numpy interpolates from the nearer rank; doing the same keeps results equal to the last bit
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def episodes(entry: Entry, events: Sequence[Event] | None = None) -> list[Episode]:
    """Every episode of an error; a second start while active, or a resolution while not, is
    ignored."""
    out: list[Episode] = []
    start: datetime | None = None
    for event in events_of(entry) if events is None else events:
        if event.kind in STARTS and start is None:
            start = event.at
        elif event.kind == "resolved" and start is not None:
            out.append(Episode(entry.id, entry.severity, entry.area, start, event.at))
            start = None
    if start is not None:
        out.append(Episode(entry.id, entry.severity, entry.area, start, None))
    return out


def _as_of(all_episodes: list[Episode], until: datetime) -> list[Episode]:
    """What was so at `until`: an event at or after it has not happened yet."""
    return [
        ep if ep.end is None or ep.end < until else replace(ep, end=None)
        for ep in all_episodes
        if ep.start < until
    ]


def _error(entry: Entry, until: datetime) -> _Error:
    events = events_of(entry)
    every = episodes(entry, events)
    return _Error(entry.severity, events, every, _as_of(every, until))


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _covered_hours(spans: Iterable[Episode], window: Window) -> float:
    """Length of the union of the episodes clipped to the window (overlaps count once)."""
    clipped = sorted((max(ep.start, window.since), ep.end or window.until) for ep in spans)
    total, reach = 0.0, window.since
    for low, high in clipped:
        low = max(low, reach)
        if high > low:
            total += hours_between(low, high)
            reach = high
    return total


def _ttr(durations: list[float]) -> dict[str, Any]:
    mean = sum(durations) / len(durations) if durations else None
    return {
        "n": len(durations),
        "p50_hours": _round(percentile(durations, 50)),
        "p90_hours": _round(percentile(durations, 90)),
        "mean_hours": _round(mean),
    }


def _recurrence(errors: list[_Error], window: Window) -> dict[str, Any]:
    """Errors resolved in the window, and those of them back within `recurrence_days` of such a
    resolution, whenever that was (the one figure that looks past `until`)."""
    limit = window.recurrence_days * 24
    resolved = regressed = 0
    for error in errors:
        eps = error.episodes
        gaps = [
            hours_between(ep.end, eps[i + 1].start) if i + 1 < len(eps) else math.inf
            for i, ep in enumerate(eps)
            if ep.end is not None and window.holds(ep.end)
        ]
        resolved += bool(gaps)
        regressed += any(gap <= limit for gap in gaps)
    restarts = sum(
        1 for error in errors for e in error.events if e.kind in RESTARTS and window.holds(e.at)
    )
    return {
        "window_days": window.recurrence_days,
        "resolved": resolved,
        "regressed": regressed,
        "rate": _round(regressed / resolved, 3) if resolved else None,
        "reopen_events": restarts,
    }


def _distribution(failures: list[Episode], ended: list[Episode]) -> dict[str, Any]:
    by_area = Counter(ep.area for ep in failures)
    areas = sorted(set(by_area) | {ep.area for ep in ended})
    return {
        "by_area": dict(sorted(by_area.items(), key=lambda item: (-item[1], item[0]))),
        "by_severity": {s: sum(1 for ep in failures if ep.severity == s) for s in SEVERITIES},
        "ttr_p50_hours_by_area": {
            area: _round(percentile([_duration(ep) for ep in ended if ep.area == area], 50))
            for area in areas
        },
    }


def _duration(ep: Episode) -> float:
    assert ep.end is not None
    return hours_between(ep.start, ep.end)


def _series(failures: list[Episode], errors: list[_Error], window: Window) -> dict[str, Any]:
    """Failures by the day they started and sightings (openings and `seen` counts, each `seen`
    line on the day of its first sighting) by day, zero days included."""
    days = {day: [0, 0] for day in window.dates()}
    for ep in failures:
        days[window.day_of(ep.start)][0] += 1
    for error in errors:
        for e in error.events:
            if e.kind in ("opened", "seen") and window.holds(e.at):
                days[window.day_of(e.at)][1] += e.count
    total = sum(sightings for _, sightings in days.values())
    return {
        "daily_series": [
            {"date": day.isoformat(), "failures": f, "sightings": s} for day, (f, s) in days.items()
        ],
        "sightings": {"total": total, "per_day": _round(total / window.days, 3)},
    }


def _backlog(current: list[Episode], until: datetime) -> list[dict[str, Any]]:
    active = sorted(
        (ep for ep in current if ep.end is None), key=lambda ep: (ep.start, ep.error_id)
    )
    return [
        {
            "id": ep.error_id,
            "severity": ep.severity,
            "area": ep.area,
            "since": ep.start.isoformat(),
            "age_hours": _round(hours_between(ep.start, until)),
        }
        for ep in active
    ]


def _figure_set(errors: list[_Error], window: Window) -> dict[str, Any]:
    """Every figure but uptime, for one group of errors (all of them, or one severity)."""
    current = [ep for error in errors for ep in error.current]
    failures = sorted((ep for ep in current if ep.start >= window.since), key=lambda ep: ep.start)
    ended = [ep for ep in current if ep.end is not None and ep.end >= window.since]
    durations = [_duration(ep) for ep in ended]
    up = window.hours - _covered_hours(current, window)
    gaps = len(failures) - 1
    span = hours_between(failures[0].start, failures[-1].start) if gaps > 0 else None
    recurrence = _recurrence(errors, window)
    series = _series(failures, errors, window)
    return {
        "ttr": _ttr(durations),
        "mtbf_hours": _round(up / len(failures)) if failures else None,
        "mtbsi_hours": _round(span / gaps) if span is not None else None,
        "failures": len(failures),
        "daily_rate": _round(len(failures) / window.days, 3),
        "daily_series": series["daily_series"],
        "recurrence": recurrence,
        "distribution": _distribution(failures, ended),
        "open": _backlog(current, window.until),
        "open_count": sum(1 for ep in current if ep.end is None),
        "sightings": series["sightings"],
        "too_little_data": {
            "ttr": len(durations) < TOO_LITTLE,
            "failures": len(failures) < TOO_LITTLE,
            "recurrence": recurrence["resolved"] < TOO_LITTLE,
        },
    }


def figures(
    entries: Iterable[Entry], since: datetime, until: datetime, recurrence_days: int = 30
) -> dict[str, Any]:
    """The figures of the window `[since, until)` as of `until`, overall and per severity: the
    `ledger metrics --json` object."""
    if until <= since:
        raise LedgerError(
            f"the window must end after it starts ({since.isoformat()} to {until.isoformat()})"
        )
    window = Window(since, until, recurrence_days)
    errors = [_error(entry, until) for entry in entries]
    p0 = [ep for error in errors if error.severity == Severity.P0 for ep in error.current]
    return {
        "window": {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "days": window.days,
            "timezone": str(since.tzinfo),
        },
        **_figure_set(errors, window),
        "uptime_pct": _round(100 * (1 - _covered_hours(p0, window) / window.hours)),
        "by_severity": {
            severity: _figure_set([e for e in errors if e.severity == severity], window)
            for severity in SEVERITIES
        },
    }
