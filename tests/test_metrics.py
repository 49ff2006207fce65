"""`ledger metrics`: every figure of real ledgers, built with `--at` times, against hand arithmetic.

Each fixture ledger is made with the real commands in a real git repository; the expected figures
are worked out by hand in the comments (hours, window [2026-11-16 00:00, 2026-11-23 00:00) = 168 h,
7 days, unless a test says otherwise).  Hours and percentages are rounded to 2 decimals, rates to 3.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ledger_tool.figures.metrics import episodes, figures, percentile
from ledger_tool.model.entry import Entry
from ledger_tool.model.history import Event
from tests.conftest import LedgerRunner
from tests.test_imports import PROBE

DOCS = Path(__file__).parent.parent / "docs" / "metrics.md"
WEEK = [f"2026-11-{day}" for day in range(16, 23)]
Days = dict[str, tuple[int, int]]
Open = tuple[str, str, str, str, float]


def _build(repo: Path, run: LedgerRunner, script: str) -> None:
    for line in script.strip().splitlines():
        result = run(*shlex.split(line), cwd=repo)
        assert result.code == 0, f"{line}: {result.stderr}"


def _metrics(
    repo: Path, run: LedgerRunner, since: str = "2026-11-16", until: str = "2026-11-23"
) -> dict[str, Any]:
    result = run("metrics", "--since", since, "--until", until, "--json", cwd=repo)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def group(
    *,
    failures: int = 0,
    ttr: tuple[int, float | None, float | None, float | None] = (0, None, None, None),
    mtbf: float | None = None,
    mtbsi: float | None = None,
    daily_rate: float = 0.0,
    days: Days | None = None,
    sightings: tuple[int, float] = (0, 0.0),
    recurrence: tuple[int, int, float | None, int] = (0, 0, None, 0),
    window_days: int = 30,
    by_area: dict[str, int] | None = None,
    by_severity: tuple[int, int] = (0, 0),
    p50_by_area: dict[str, float | None] | None = None,
    open_: list[Open] | None = None,
    dates: list[str] = WEEK,
) -> dict[str, Any]:
    """The expected figures of one group (all errors, or one severity), from hand-made values;
    `days` gives (failures, sightings) of the days that have any."""
    series = days or {}
    resolved, regressed, rate, reopens = recurrence
    return {
        "ttr": dict(zip(("n", "p50_hours", "p90_hours", "mean_hours"), ttr, strict=True)),
        "mtbf_hours": mtbf,
        "mtbsi_hours": mtbsi,
        "failures": failures,
        "daily_rate": daily_rate,
        "daily_series": [
            {"date": d, "failures": series.get(d, (0, 0))[0], "sightings": series.get(d, (0, 0))[1]}
            for d in dates
        ],
        "recurrence": {
            "window_days": window_days,
            "resolved": resolved,
            "regressed": regressed,
            "rate": rate,
            "reopen_events": reopens,
        },
        "distribution": {
            "by_area": by_area or {},
            "by_severity": {"P0": by_severity[0], "P1": by_severity[1]},
            "ttr_p50_hours_by_area": p50_by_area or {},
        },
        "open": [
            {"id": i, "severity": s, "area": a, "since": f"{t}:00+00:00", "age_hours": age}
            for i, s, a, t, age in open_ or []
        ],
        "open_count": len(open_ or []),
        "sightings": {"total": sightings[0], "per_day": sightings[1]},
        "too_little_data": {
            "ttr": ttr[0] < 5,
            "failures": failures < 5,
            "recurrence": resolved < 5,
        },
    }


def expected(
    overall: dict[str, Any],
    p0: dict[str, Any],
    p1: dict[str, Any],
    uptime: float,
    since: str = "2026-11-16",
    until: str = "2026-11-23",
) -> dict[str, Any]:
    window = {
        "since": f"{since}T00:00:00+00:00",
        "until": f"{until}T00:00:00+00:00",
        "days": 7.0,
        "timezone": "UTC",
    }
    return {"window": window, **overall, "uptime_pct": uptime, "by_severity": {"P0": p0, "P1": p1}}


# -- an empty window --------------------------------------------------------------------------

OUTSIDE = """
open P0 inference "before the window" --at "2026-11-01 10:00"
seen ERR-2026-11-01-001 --at "2026-11-01 12:00"
resolve ERR-2026-11-01-001 --at "2026-11-02 10:00"
open P1 data "resolved one minute before since" --at "2026-11-15 20:00"
resolve ERR-2026-11-15-001 --at "2026-11-15 23:59"
open P0 api "opened at until, which the window excludes" --at "2026-11-23 00:00"
"""


@pytest.mark.parametrize("script", ["", OUTSIDE], ids=["empty-ledger", "errors-outside-only"])
def test_an_empty_window_has_no_failures_full_uptime_and_nulls(
    ledger_repo: Path, run_ledger: LedgerRunner, script: str
) -> None:
    _build(ledger_repo, run_ledger, script)
    # nothing starts, ends or is seen in [11-16, 11-23); nothing is active at 11-23 00:00:
    # failures 0, rate 0/7 = 0, no TTR, MTBF (÷0) and MTBSI null, recurrence 0/0 = null,
    # uptime 100 · (1 - 0/168) = 100, every day of the series 0.
    empty = group()
    assert _metrics(ledger_repo, run_ledger) == expected(empty, group(), group(), uptime=100.0)


def test_default_window_is_the_last_seven_days(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    result = run_ledger("metrics", "--json", cwd=ledger_repo)
    assert result.code == 0, result.stderr
    window = json.loads(result.stdout)["window"]
    since = datetime.fromisoformat(window["since"])
    until = datetime.fromisoformat(window["until"])
    assert until - since == timedelta(days=7)
    assert abs((datetime.now(UTC) - until).total_seconds()) < 120
    assert window["days"] == 7.0
    table = run_ledger("metrics", cwd=ledger_repo)
    assert table.code == 0 and table.stdout.startswith("Figures for ")


# -- one error --------------------------------------------------------------------------------


def test_one_error(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    _build(
        ledger_repo,
        run_ledger,
        """
        open P1 data "Corrupt shard" --at "2026-11-18 09:30"
        seen ERR-2026-11-18-001 --count 4 --at "2026-11-18 10:00"
        seen ERR-2026-11-18-001 --at "2026-11-19 08:00"
        resolve ERR-2026-11-18-001 --at "2026-11-19 13:15"
        """,
    )
    # one episode 11-18 09:30 → 11-19 13:15 = 27 h 45 min = 27.75 h, inside the window
    p1 = group(
        failures=1,
        ttr=(1, 27.75, 27.75, 27.75),
        mtbf=140.25,  # (168 - 27.75) / 1
        mtbsi=None,  # one failure: no gap
        daily_rate=0.143,  # 1 / 7 = 0.1428…
        days={"2026-11-18": (1, 5), "2026-11-19": (0, 1)},  # opened + seen 4; seen 1
        sightings=(6, 0.857),  # 6 / 7 = 0.8571…
        recurrence=(1, 0, 0.0, 0),  # resolved in the window, never came back
        by_area={"data": 1},
        by_severity=(0, 1),
        p50_by_area={"data": 27.75},
    )
    # no P0 episode: uptime 100
    assert _metrics(ledger_repo, run_ledger) == expected(p1, group(), p1, uptime=100.0)
    table = run_ledger("metrics", "--since", "2026-11-16", "--until", "2026-11-23", cwd=ledger_repo)
    assert "27.75*" in table.stdout  # n = 1: marked
    assert "* too little data (fewer than 5 cases)" in table.stdout
    assert "open at 2026-11-23 00:00: none" in table.stdout


# -- overlapping P0s --------------------------------------------------------------------------


def test_overlapping_p0_episodes_count_once_in_downtime_and_uptime(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 inference X --at "2026-11-17 08:00"
        open P0 serving Y --at "2026-11-17 10:00"
        resolve ERR-2026-11-17-002 --at "2026-11-17 12:00"
        open P0 inference Z --at "2026-11-17 13:00"
        resolve ERR-2026-11-17-001 --at "2026-11-17 14:00"
        resolve ERR-2026-11-17-003 --at "2026-11-17 19:30"
        open P1 data W --at "2026-11-20 00:00"
        resolve ERR-2026-11-20-001 --at "2026-11-20 06:20"
        """,
    )
    # X 08:00-14:00 (6 h), Y 10:00-12:00 (2 h, inside X), Z 13:00-19:30 (6.5 h, overlaps X),
    # W (P1) 11-20 00:00-06:20 (6.333 h).  P0 union 08:00-19:30 = 11.5 h; all: 11.5 + 6.333 = 17.833 h
    overall = group(
        failures=4,
        # sorted 2, 6, 6.333, 6.5: p50 h=1.5 → 6 + 0.5·0.333 = 6.1667; p90 h=2.7 →
        # 6.333 + 0.7·0.1667 = 6.45; mean 20.833 / 4 = 5.2083
        ttr=(4, 6.17, 6.45, 5.21),
        mtbf=37.54,  # (168 - 17.833) / 4 = 37.5417
        mtbsi=21.33,  # 11-17 08:00 → 11-20 00:00 = 64 h over 3 gaps
        daily_rate=0.571,  # 4 / 7
        days={"2026-11-17": (3, 3), "2026-11-20": (1, 1)},
        sightings=(4, 0.571),
        recurrence=(4, 0, 0.0, 0),
        by_area={"inference": 2, "data": 1, "serving": 1},
        by_severity=(3, 1),
        p50_by_area={"data": 6.33, "inference": 6.25, "serving": 2.0},  # inference: (6 + 6.5)/2
    )
    p0 = group(
        failures=3,
        # 2, 6, 6.5: p50 6; p90 h=1.8 → 6 + 0.8·0.5 = 6.4; mean 14.5 / 3 = 4.8333
        ttr=(3, 6.0, 6.4, 4.83),
        mtbf=52.17,  # (168 - 11.5) / 3 = 52.1667
        mtbsi=2.5,  # 08:00 → 13:00 = 5 h over 2 gaps
        daily_rate=0.429,  # 3 / 7
        days={"2026-11-17": (3, 3)},
        sightings=(3, 0.429),
        recurrence=(3, 0, 0.0, 0),
        by_area={"inference": 2, "serving": 1},
        by_severity=(3, 0),
        p50_by_area={"inference": 6.25, "serving": 2.0},
    )
    p1 = group(
        failures=1,
        ttr=(1, 6.33, 6.33, 6.33),
        mtbf=161.67,  # 168 - 6.333
        daily_rate=0.143,
        days={"2026-11-20": (1, 1)},
        sightings=(1, 0.143),
        recurrence=(1, 0, 0.0, 0),
        by_area={"data": 1},
        by_severity=(0, 1),
        p50_by_area={"data": 6.33},
    )
    # uptime 100 · (168 - 11.5) / 168 = 93.1548
    assert _metrics(ledger_repo, run_ledger) == expected(overall, p0, p1, uptime=93.15)


# -- errors that start before or end after the window -----------------------------------------


def test_errors_that_start_before_or_end_after_the_window(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 inference A --at "2026-11-10 12:00"
        seen ERR-2026-11-10-001 --count 2 --at "2026-11-15 09:00"
        open P0 training C --at "2026-11-12 00:00"
        resolve ERR-2026-11-10-001 --at "2026-11-16 06:00"
        open P1 data B --at "2026-11-21 12:00"
        seen ERR-2026-11-21-001 --count 3 --at "2026-11-22 09:00"
        open P0 serving F --at "2026-11-23 00:00"
        resolve ERR-2026-11-12-001 --at "2026-11-24 00:00"
        seen ERR-2026-11-21-001 --at "2026-11-24 10:00"
        resolve ERR-2026-11-21-001 --at "2026-11-25 12:00"
        """,
    )
    # A: 11-10 12:00 → 11-16 06:00, started before, resolved inside: TTR 5 d 18 h = 138 h, no failure
    # C: 11-12 → 11-24, covers the whole window, still active at until: age 11 d = 264 h
    # B: 11-21 12:00 → 11-25 12:00, resolved after until: a failure, open at until, age 36 h
    # F: opened at until itself: not in the window, not open at until.  Sightings outside: none.
    # Downtime: C covers all 168 h
    overall = group(
        failures=1,
        ttr=(1, 138.0, 138.0, 138.0),
        mtbf=0.0,  # (168 - 168) / 1
        daily_rate=0.143,
        days={"2026-11-21": (1, 1), "2026-11-22": (0, 3)},
        sightings=(4, 0.571),
        recurrence=(1, 0, 0.0, 0),  # A resolved in the window; B's and C's resolutions are later
        by_area={"data": 1},
        by_severity=(0, 1),
        p50_by_area={"data": None, "inference": 138.0},
        open_=[
            ("ERR-2026-11-12-001", "P0", "training", "2026-11-12T00:00", 264.0),
            ("ERR-2026-11-21-001", "P1", "data", "2026-11-21T12:00", 36.0),
        ],
    )
    p0 = group(
        ttr=(1, 138.0, 138.0, 138.0),
        mtbf=None,  # no P0 failure in the window
        recurrence=(1, 0, 0.0, 0),
        p50_by_area={"inference": 138.0},
        open_=[("ERR-2026-11-12-001", "P0", "training", "2026-11-12T00:00", 264.0)],
    )
    p1 = group(
        failures=1,
        mtbf=132.0,  # B inside the window: 11-21 12:00 → 11-23 00:00 = 36 h; (168 - 36) / 1
        daily_rate=0.143,
        days={"2026-11-21": (1, 1), "2026-11-22": (0, 3)},
        sightings=(4, 0.571),
        by_area={"data": 1},
        by_severity=(0, 1),
        p50_by_area={"data": None},
        open_=[("ERR-2026-11-21-001", "P1", "data", "2026-11-21T12:00", 36.0)],
    )
    # C (P0) covers the window: uptime 0
    assert _metrics(ledger_repo, run_ledger) == expected(overall, p0, p1, uptime=0.0)


# -- regressions inside and outside the recurrence window ---------------------------------------

REGRESSIONS = """
open P1 web R4 --at "2026-11-10 00:00"
resolve ERR-2026-11-10-001 --at "2026-11-12 00:00"
open P0 api R1 --at "2026-11-16 09:00"
resolve ERR-2026-11-16-001 --at "2026-11-16 11:00"
open P1 db R2 --at "2026-11-17 12:00"
resolve ERR-2026-11-17-001 --at "2026-11-17 18:00"
reopen ERR-2026-11-16-001 --at "2026-11-18 09:00"
resolve ERR-2026-11-16-001 --at "2026-11-18 10:00"
open P1 db R3 --at "2026-11-19 00:00"
resolve ERR-2026-11-19-001 --at "2026-11-20 00:00"
seen ERR-2026-11-10-001 --at "2026-11-20 12:00"
seen ERR-2026-11-17-001 --at "2026-11-27 18:00"
reopen ERR-2026-11-19-001 --at "2026-11-30 00:01"
"""


@pytest.mark.parametrize(
    ("days", "regressed", "rate", "p1_regressed", "p1_rate"),
    [(10, 2, 0.667, 1, 0.5), (30, 3, 1.0, 2, 1.0)],
    ids=["recurrence-10-days", "recurrence-30-days"],
)
def test_regressions_inside_and_outside_the_recurrence_window(
    ledger_repo: Path,
    run_ledger: LedgerRunner,
    days: int,
    regressed: int,
    rate: float,
    p1_regressed: int,
    p1_rate: float,
) -> None:
    config = ledger_repo / ".ledger.toml"
    config.write_text(
        config.read_text().replace("recurrence_days = 30", f"recurrence_days = {days}")
    )
    _build(ledger_repo, run_ledger, REGRESSIONS)
    # Episodes as of 11-23: R1a P0 api 11-16 09-11 (2 h), R1b P0 api 11-18 09-10 (1 h, a reopening),
    # R2a P1 db 11-17 12-18 (6 h), R3a P1 db 11-19 → 11-20 (24 h), R4b P1 web from 11-20 12:00
    # (a regression, still active: 60 h to until).  R4a (11-10 → 11-12) is before the window;
    # R2's regression (11-27 18:00) and R3's reopening (11-30 00:01) come after it.
    # Recurrence: resolved in the window R1, R2, R3 (R4's resolution was before it).
    #   R1: 11-16 11:00 → reopened 11-18 09:00 = 46 h: always back in time
    #   R2: 11-17 18:00 → regressed 11-27 18:00 = 10 days exactly: in time (at most W days)
    #   R3: 11-20 00:00 → reopened 11-30 00:01 = 10 days 1 minute: in time only when W = 30
    # Reopen events in the window: R1's reopening, R4's regression = 2.
    overall = group(
        failures=5,  # R1a, R2a, R1b, R3a, R4b
        ttr=(4, 4.0, 18.6, 8.25),  # 1, 2, 6, 24: p50 (2+6)/2; p90 h=2.7 → 6 + 0.7·18; 33/4
        mtbf=15.0,  # downtime 2 + 1 + 6 + 24 + 60 = 93; (168 - 93) / 5
        mtbsi=24.75,  # 11-16 09:00 → 11-20 12:00 = 99 h over 4 gaps
        daily_rate=0.714,  # 5 / 7
        days={d: (1, 0 if d == "2026-11-18" else 1) for d in WEEK[:5]},  # a reopening: no sighting
        sightings=(4, 0.571),
        recurrence=(3, regressed, rate, 2),
        window_days=days,
        by_area={"api": 2, "db": 2, "web": 1},
        by_severity=(2, 3),
        p50_by_area={"api": 1.5, "db": 15.0, "web": None},
        open_=[("ERR-2026-11-10-001", "P1", "web", "2026-11-20T12:00", 60.0)],
    )
    p0 = group(
        failures=2,
        ttr=(2, 1.5, 1.9, 1.5),  # 1, 2: p90 h=0.9 → 1 + 0.9·1
        mtbf=82.5,  # (168 - 3) / 2
        mtbsi=48.0,  # 11-16 09:00 → 11-18 09:00
        daily_rate=0.286,  # 2 / 7
        days={"2026-11-16": (1, 1), "2026-11-18": (1, 0)},
        sightings=(1, 0.143),
        recurrence=(1, 1, 1.0, 1),
        window_days=days,
        by_area={"api": 2},
        by_severity=(2, 0),
        p50_by_area={"api": 1.5},
    )
    p1 = group(
        failures=3,
        ttr=(2, 15.0, 22.2, 15.0),  # 6, 24: p50 15; p90 h=0.9 → 6 + 0.9·18 = 22.2
        mtbf=26.0,  # downtime 6 + 24 + 60 = 90; (168 - 90) / 3
        mtbsi=36.0,  # 11-17 12:00 → 11-20 12:00 = 72 h over 2 gaps
        daily_rate=0.429,
        days={"2026-11-17": (1, 1), "2026-11-19": (1, 1), "2026-11-20": (1, 1)},
        sightings=(3, 0.429),
        recurrence=(2, p1_regressed, p1_rate, 1),
        window_days=days,
        by_area={"db": 2, "web": 1},
        by_severity=(0, 3),
        p50_by_area={"db": 15.0, "web": None},
        open_=[("ERR-2026-11-10-001", "P1", "web", "2026-11-20T12:00", 60.0)],
    )
    # uptime 100 · (168 - 3) / 168 = 98.2143
    assert _metrics(ledger_repo, run_ledger) == expected(overall, p0, p1, uptime=98.21)


# -- an error still open at the window's end ----------------------------------------------------


def test_errors_still_open_at_the_window_end(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 inference O1 --at "2026-11-20 06:00"
        seen ERR-2026-11-20-001 --count 5 --at "2026-11-21 07:00"
        open P1 data O2 --at "2026-11-22 12:00"
        resolve ERR-2026-11-22-001 --at "2026-11-23 00:00"
        """,
    )
    # O1 never resolved: active at until, age 11-20 06:00 → 11-23 00:00 = 66 h.
    # O2 is resolved exactly at until, which the window excludes: as of until it is still open
    # (age 12 h) and its time to resolve belongs to the next window.  O2 lies inside O1: downtime
    # is 66 h.
    overall = group(
        failures=2,
        mtbf=51.0,  # (168 - 66) / 2
        mtbsi=54.0,  # 11-20 06:00 → 11-22 12:00
        daily_rate=0.286,
        days={"2026-11-20": (1, 1), "2026-11-21": (0, 5), "2026-11-22": (1, 1)},
        sightings=(7, 1.0),
        by_area={"data": 1, "inference": 1},
        by_severity=(1, 1),
        p50_by_area={"data": None, "inference": None},
        open_=[
            ("ERR-2026-11-20-001", "P0", "inference", "2026-11-20T06:00", 66.0),
            ("ERR-2026-11-22-001", "P1", "data", "2026-11-22T12:00", 12.0),
        ],
    )
    p0 = group(
        failures=1,
        mtbf=102.0,  # 168 - 66
        daily_rate=0.143,
        days={"2026-11-20": (1, 1), "2026-11-21": (0, 5)},
        sightings=(6, 0.857),
        by_area={"inference": 1},
        by_severity=(1, 0),
        p50_by_area={"inference": None},
        open_=[("ERR-2026-11-20-001", "P0", "inference", "2026-11-20T06:00", 66.0)],
    )
    p1 = group(
        failures=1,
        mtbf=156.0,  # 168 - 12
        daily_rate=0.143,
        days={"2026-11-22": (1, 1)},
        sightings=(1, 0.143),
        by_area={"data": 1},
        by_severity=(0, 1),
        p50_by_area={"data": None},
        open_=[("ERR-2026-11-22-001", "P1", "data", "2026-11-22T12:00", 12.0)],
    )
    # uptime 100 · (168 - 66) / 168 = 60.7143
    assert _metrics(ledger_repo, run_ledger) == expected(overall, p0, p1, uptime=60.71)
    # The next week counts O2's resolution (12 h), and O1 is 66 + 168 = 234 h old.
    later = _metrics(ledger_repo, run_ledger, "2026-11-23", "2026-11-30")
    assert later["ttr"] == {"n": 1, "p50_hours": 12.0, "p90_hours": 12.0, "mean_hours": 12.0}
    assert later["failures"] == 0
    assert [(o["id"], o["age_hours"]) for o in later["open"]] == [("ERR-2026-11-20-001", 234.0)]


# -- the worked example of docs/metrics.md -----------------------------------------------------


def _doc_block(after: str, language: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"```{language}\n", text.index(after)) + len(language) + 4
    return text[start : text.index("```", start)]


def test_worked_example_of_docs_metrics_md(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    commands = _doc_block("## Worked example", "sh")
    script = "\n".join(
        re.sub(r"^ledger ", "", line.split("#")[0].strip())
        for line in commands.splitlines()
        if not line.startswith("ledger metrics")
    )
    _build(ledger_repo, run_ledger, script)
    # Every number below is worked out by hand in docs/metrics.md ("Worked example").
    overall = group(
        failures=5,
        ttr=(5, 8.0, 55.2, 23.6),
        mtbf=15.2,
        mtbsi=32.0,
        daily_rate=0.714,
        days={
            "2026-11-16": (0, 2),
            "2026-11-17": (2, 5),
            "2026-11-18": (1, 1),
            "2026-11-19": (1, 0),
            "2026-11-20": (0, 2),
            "2026-11-22": (1, 1),
        },
        sightings=(11, 1.571),
        recurrence=(4, 2, 0.5, 1),
        by_area={"training": 2, "api": 1, "data": 1, "inference": 1},
        by_severity=(3, 2),
        p50_by_area={"api": None, "data": 72.0, "inference": 19.0, "training": 4.0},
        open_=[("ERR-2026-11-22-001", "P1", "api", "2026-11-22T18:00", 6.0)],
    )
    p0 = group(
        failures=3,
        ttr=(4, 7.0, 23.4, 11.5),
        mtbf=50.67,
        mtbsi=23.0,
        daily_rate=0.429,
        days={"2026-11-16": (0, 2), "2026-11-17": (2, 5), "2026-11-19": (1, 0)},
        sightings=(7, 1.0),
        recurrence=(3, 2, 0.667, 1),
        by_area={"training": 2, "inference": 1},
        by_severity=(3, 0),
        p50_by_area={"inference": 19.0, "training": 4.0},
    )
    p1 = group(
        failures=2,
        ttr=(1, 72.0, 72.0, 72.0),
        mtbf=45.0,
        mtbsi=105.0,
        daily_rate=0.286,
        days={"2026-11-18": (1, 1), "2026-11-20": (0, 2), "2026-11-22": (1, 1)},
        sightings=(4, 0.571),
        recurrence=(1, 0, 0.0, 0),
        by_area={"api": 1, "data": 1},
        by_severity=(0, 2),
        p50_by_area={"api": None, "data": 72.0},
        open_=[("ERR-2026-11-22-001", "P1", "api", "2026-11-22T18:00", 6.0)],
    )
    data = _metrics(ledger_repo, run_ledger)
    assert data == expected(overall, p0, p1, uptime=90.48)
    assert data["too_little_data"] == {"ttr": False, "failures": False, "recurrence": True}
    # the terminal table and the JSON excerpt printed in the docs are what the tool prints
    table = run_ledger("metrics", "--since", "2026-11-16", "--until", "2026-11-23", cwd=ledger_repo)
    assert table.stdout == _doc_block("--until 2026-11-23` prints:", "text")
    documented = json.loads(_doc_block("and `--json` gives", "json"))
    assert documented == {**data, "by_severity": documented["by_severity"]}


# -- time zones, input, imports ------------------------------------------------------------------


def test_durations_are_real_hours_across_a_dst_change(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    config = ledger_repo / ".ledger.toml"
    config.write_text(config.read_text().replace('"UTC"', '"Europe/Berlin"'))
    # Berlin leaves summer time on 2026-10-25 at 03:00 CEST (back to 02:00 CET): 01:00 CEST to
    # 04:00 CET is 4 real hours, and the week 10-19 00:00 +02:00 to 10-26 00:00 +01:00 is 169 h.
    _build(
        ledger_repo,
        run_ledger,
        """
        open P0 api "x" --at "2026-10-25 01:00"
        resolve ERR-2026-10-25-001 --at "2026-10-25 04:00"
        """,
    )
    data = _metrics(ledger_repo, run_ledger, "2026-10-19", "2026-10-26")
    assert data["window"] == {
        "since": "2026-10-19T00:00:00+02:00",
        "until": "2026-10-26T00:00:00+01:00",
        "days": 7.0,  # calendar days
        "timezone": "Europe/Berlin",
    }
    assert data["ttr"] == {"n": 1, "p50_hours": 4.0, "p90_hours": 4.0, "mean_hours": 4.0}
    assert data["mtbf_hours"] == 165.0  # (169 - 4) / 1
    assert data["uptime_pct"] == 97.63  # 100 · 165 / 169 = 97.633
    assert data["daily_rate"] == 0.143  # 1 / 7 calendar days
    assert [d["date"] for d in data["daily_series"]] == [f"2026-10-{d}" for d in range(19, 26)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2026-11-23", "--until", "2026-11-16"), "the window must end after it starts"),
        (("--since", "last week"), "cannot read time 'last week'"),
    ],
    ids=["reversed-window", "unreadable-time"],
)
def test_bad_windows_are_user_errors(
    ledger_repo: Path, run_ledger: LedgerRunner, args: tuple[str, ...], message: str
) -> None:
    result = run_ledger("metrics", *args, cwd=ledger_repo)
    assert result.code == 1 and message in result.stderr


def test_metrics_loads_no_git_or_templates(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    _build(ledger_repo, run_ledger, 'open P0 api x --at "2026-11-20 08:00"')
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "metrics", "--since", "2026-11-16", "--until", "2026-11-23"],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "HEAVY []" in out.stderr


# -- the parts: percentiles, and blocks without a History ---------------------------------------

# numpy.percentile(values, q) for q in 0, 10, 25, 50, 75, 90, 99, 100 (numpy 2.4.6, written down)
NUMPY = [
    ([1, 2, 3, 4], [1.0, 1.3, 1.75, 2.5, 3.25, 3.7, 3.9699999999999998, 4.0]),
    ([2, 6, 8, 30, 72], [2.0, 3.6, 6.0, 8.0, 30.0, 55.2, 70.32, 72.0]),
    ([7], [7.0] * 8),
    ([0.5, 0.25], [0.25, 0.275, 0.3125, 0.375, 0.4375, 0.475, 0.4975, 0.5]),
    ([3, 1, 2], [1.0, 1.2, 1.5, 2.0, 2.5, 2.8, 2.98, 3.0]),
    (
        [1.0, 10.0, 100.0, 1000.0, 10000.0, 3.3, 7.7],
        [1.0, 2.38, 5.5, 10.0, 550.0, 4600.000000000004, 9459.999999999996, 10000.0],
    ),
    (
        [27.75, 0.1, 0.2, 0.3],
        [
            0.1,
            0.13,
            0.17500000000000002,
            0.25,
            7.1625,
            19.515000000000008,
            26.926499999999994,
            27.75,
        ],
    ),
]


@pytest.mark.parametrize(("values", "results"), NUMPY, ids=[str(v) for v, _ in NUMPY])
def test_percentile_agrees_with_numpy_to_the_last_bit(
    values: list[float], results: list[float]
) -> None:
    qs = (0, 10, 25, 50, 75, 90, 99, 100)
    assert [percentile(values, q) for q in qs] == results


def test_percentile_of_nothing_is_none_and_q_must_be_a_percentage() -> None:
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


def _entry(status: str, history: list[Event], resolved: datetime | None = None) -> Entry:
    first = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    return Entry(
        id="ERR-2026-11-17-001",
        status=status,
        severity="P0",
        area="api",
        description="x",
        first_seen=first,
        last_seen=datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
        occurrences=4,
        resolved=resolved,
        fix_commit=None,
        fingerprint=None,
        history=history,
    )


def test_a_block_without_history_reads_from_its_fields() -> None:
    # adopted by hand: First Seen 11-17 08:00, Last Seen 09:00, Occurrences 4, Resolved 11-17 14:00
    entry = _entry("resolved", [], resolved=datetime(2026, 11, 17, 14, 0, tzinfo=UTC))
    (only,) = episodes(entry)
    assert (only.start.hour, only.end and only.end.hour) == (8, 14)
    data = figures(
        [entry], datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC), 30
    )
    assert data["ttr"]["p50_hours"] == 6.0
    assert data["sightings"]["total"] == 4  # the opening and 3 sightings at Last Seen
    assert data["failures"] == 1


def test_a_history_without_opened_starts_at_first_seen() -> None:
    seen = Event(datetime(2026, 11, 17, 9, 0, tzinfo=UTC), "seen", 3)
    (only,) = episodes(_entry("active", [seen]))
    assert only.start == datetime(2026, 11, 17, 8, 0, tzinfo=UTC) and only.end is None


def test_a_start_while_active_or_a_resolution_while_not_changes_no_episode() -> None:
    def at(hour: int) -> datetime:
        return datetime(2026, 11, 17, hour, 0, tzinfo=UTC)

    # written by hand: a reopening without a resolution before it, and a second resolution
    kinds = [(8, "opened"), (9, "reopened"), (10, "resolved"), (11, "resolved")]
    history = [Event(at(hour), kind) for hour, kind in kinds]
    (only,) = episodes(_entry("resolved", history, resolved=at(11)))
    assert (only.start, only.end) == (at(8), at(10))
