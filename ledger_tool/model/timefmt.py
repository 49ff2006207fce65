"""Times as the files write them (`YYYY-MM-DD HH:MM` in the configured zone) and as users give them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledger_tool.exceptions import LedgerError

FILE_FORMAT = "%Y-%m-%d %H:%M"
_FILE_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


def zone(name: str) -> tzinfo:
    """The tzinfo for a configured zone name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LedgerError(f"unknown timezone {name!r}; use an IANA name such as 'UTC'") from exc


def parse_at(value: str, tz: tzinfo) -> datetime:
    """Parse an `--at` value (ISO 8601, with or without offset, `T` or space) into `tz`."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise LedgerError(
            f"cannot read time {value!r}; use ISO 8601 such as '2026-11-20 09:15' or "
            "'2026-11-20T09:15+01:00'"
        ) from exc
    when = when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)
    return when.replace(second=0, microsecond=0)


def parse_file_time(value: str, tz: tzinfo) -> datetime | None:
    """Read a `YYYY-MM-DD HH:MM` value from a file; None when it is not one."""
    text = value.strip()
    if not _FILE_TIME.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=tz)
    except ValueError:
        return None


def format_time(when: datetime) -> str:
    """The file form of a time already in the configured zone."""
    return when.strftime(FILE_FORMAT)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two moments (aware datetimes of one zone subtract as wall-clock times,
    which is an hour off across a daylight-saving change)."""
    return timedelta(seconds=end.timestamp() - start.timestamp())


def format_duration(delta: timedelta) -> str:
    """A resolution time as people read it: `3d 4h 5m`, `2h 0m`, `15m`."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {mins}m"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def human_duration(hours: float) -> str:
    """A duration as a report's reader takes it in: `45 m`, `3 h 30 m`, `2 d 6 h`, `12 days`
    (two units at most, the smaller one dropped when it is zero)."""
    minutes = max(0, round(hours * 60))
    if minutes < 60:
        return f"{minutes} m"
    if minutes < 24 * 60:
        whole, mins = divmod(minutes, 60)
        return f"{whole} h {mins} m" if mins else f"{whole} h"
    days, rest = divmod(round(minutes / 60), 24)
    if days >= 7:
        return f"{days} days"
    return f"{days} d {rest} h" if rest else f"{days} d"
