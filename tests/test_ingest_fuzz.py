"""A seeded fuzz of `ledger ingest`: whatever a log holds, ingesting it never fails, never breaks
the ledger, and ingesting it again changes nothing.

Each case splices pieces of the corpus's logs (tests/data/logs) the way real logs come out: cut
mid-line or mid-traceback, ranks interleaved, CRLF, tqdm redraws, ANSI colours, NUL and invalid
UTF-8, very long lines, backtick runs and Markdown that would close a fence or open a heading.  All
cases go into one repository, so later ones meet the entries earlier ones opened.  For every case:

- exit 0 (a log is data: it cannot be wrong), never a traceback;
- `ledger check` passes afterwards;
- the same log ingested again reports only `unchanged` and changes no byte.

`pytest tests/test_ingest_fuzz.py --fuzz-cases 500 --fuzz-seed 7` runs more.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, snapshot

LOGS = Path(__file__).parent / "data" / "logs"
NASTY = [
    b"`````", b"### ERR-2026-11-20-001", b"## Resolved Errors", b"<!--", b"-->", b"**Status**: RESOLVED",
    b"| a | b |", b"\x1b[31mError\x1b[0m", b"\x00\x00", b"\xff\xfe\xc3", b"\r\r\r", b"\t",
    b"Traceback (most recent call last):", b'  File "x.py", line 1, in f', b"During handling of the above exception, another exception occurred:",
    b"  + Exception Group Traceback (most recent call last):", b"  +-+---- 1 ----", b"    | ValueError: x",
    b"RuntimeError: CUDA error: " + b"`" * 40, b"Error" * 3000, b"'" * 5000, b"exit code 137", b"Killed",
]  # fmt: skip


def _pieces() -> list[list[bytes]]:
    logs = []
    for path in sorted(LOGS.glob("*.log")):
        logs.append(path.read_bytes().split(b"\n"))
    return logs


def _case(rng: random.Random, logs: list[list[bytes]]) -> bytes:
    lines: list[bytes] = []
    for _ in range(rng.randint(1, 4)):
        source = rng.choice(logs)
        start = rng.randrange(len(source))
        lines += source[start : start + rng.randint(1, 80)]
    for _ in range(rng.randint(0, 6)):
        at = rng.randrange(len(lines) + 1)
        lines.insert(at, rng.choice(NASTY))
    if rng.random() < 0.3:  # two processes' lines interleaved
        rng.shuffle(lines)
        lines = [b"[rank%d]: " % rng.randint(0, 1) + line for line in lines]
    text = b"\n".join(lines)
    if rng.random() < 0.3:
        text = text.replace(b"\n", b"\r\n")
    if rng.random() < 0.3:  # cut anywhere, mid-line included
        text = text[: rng.randrange(len(text) + 1)]
    return text


def test_any_log_is_ingested_once_and_leaves_a_valid_ledger(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cases = int(request.config.getoption("--fuzz-cases")) // 5
    seed = int(request.config.getoption("--fuzz-seed"))
    rng = random.Random(seed)
    logs = _pieces()
    for number in range(cases):
        log = tmp_path / f"case-{number}.log"
        log.write_bytes(_case(rng, logs))
        where = f"seed {seed}, case {number}: {log}"
        first = run_ledger(
            "ingest", str(log), "--at", "2026-11-20 12:00", "--json", cwd=ledger_repo
        )
        assert first.code == 0, f"{where}\n{first.stderr}"
        assert run_ledger("check", cwd=ledger_repo).code == 0, where
        before = snapshot(ledger_repo)
        again = run_ledger(
            "ingest", str(log), "--at", "2026-11-20 12:30", "--json", cwd=ledger_repo
        )
        assert again.code == 0, f"{where}\n{again.stderr}"
        actions = {a["action"] for a in json.loads(again.stdout)["ledger"]}
        assert actions <= {"unchanged"}, where
        assert snapshot(ledger_repo) == before, where
