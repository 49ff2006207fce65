"""Shell completion as a user's bash runs it: the script `_LEDGER_COMPLETE=bash_source ledger`
prints, sourced into a real bash, completing commands, choices and error IDs of a real ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner


def _complete(words: str, cwd: Path) -> list[str]:
    """What bash offers for the command line `words` (the last word is being typed)."""
    parts = words.split(" ")
    script = (
        'eval "$(_LEDGER_COMPLETE=bash_source ledger)"\n'
        f"COMP_WORDS=({words})\nCOMP_CWORD={len(parts) - 1}\n"
        '_ledger_completion ledger\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def two_errors(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    for args in (
        ("open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15"),
        ("open", "P1", "data", "Corrupt shard", "--at", "2026-11-21 10:00"),
        ("resolve", "ERR-2026-11-20-001", "--at", "2026-11-20 12:00"),
    ):
        assert run_ledger(*args, cwd=ledger_repo).code == 0
    return ledger_repo


def test_commands_and_choices_complete(ledger_repo: Path) -> None:
    assert _complete("ledger re", ledger_repo) == ["renumber", "reopen", "report", "resolve"]
    assert _complete("ledger list --status ", ledger_repo) == ["active", "resolved"]


def test_error_ids_complete_with_the_status_the_command_takes(two_errors: Path) -> None:
    assert _complete("ledger show ERR-2026-11", two_errors) == [
        "ERR-2026-11-21-001",
        "ERR-2026-11-20-001",
    ]
    assert _complete("ledger resolve ERR", two_errors) == ["ERR-2026-11-21-001"]  # active only
    assert _complete("ledger reopen ERR", two_errors) == ["ERR-2026-11-20-001"]  # resolved only
    assert _complete("ledger seen err-2026-11-2", two_errors) == [
        "ERR-2026-11-21-001",
        "ERR-2026-11-20-001",
    ]


def test_outside_a_ledger_ids_complete_to_nothing(tmp_path: Path) -> None:
    assert _complete("ledger show ERR", tmp_path) == []
