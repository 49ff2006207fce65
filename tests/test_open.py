"""`ledger init` and `ledger open`: IDs, and what one open writes to each file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LedgerRunner, git, snapshot


def test_open_prints_id_and_writes_row_block_journal_and_task(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger(
        "open",
        "P0",
        "inference",
        "CUDA OOM during eval",
        "--at",
        "2026-11-20 09:15",
        cwd=ledger_repo,
    )
    assert result.code == 0, result.stderr
    assert result.stdout == "ERR-2026-11-20-001\n"
    errors = (ledger_repo / "ERRORS.md").read_text()
    assert "| ERR-2026-11-20-001 | 2026-11-20 09:15 | ACTIVE | P0 | inference |  |" in errors
    active = errors.split("## Active Errors")[1].split("## Resolved Errors")[0]
    assert "### ERR-2026-11-20-001\n**Status**: ACTIVE\n**Severity**: P0\n" in active
    assert "**Description**: CUDA OOM during eval" in active
    assert "- 2026-11-20 09:15 opened" in active
    journal = (ledger_repo / "JOURNAL.md").read_text()
    assert (
        "## 2026-11-20 09:15\n\n### Critical Error Investigation |ERROR:ERR-2026-11-20-001|"
        in journal
    )
    tasks = (ledger_repo / "TASKS.md").read_text()
    assert "**Task ID**: TASK-ERR-2026-11-20-001" in tasks
    assert "**Title**: Resolve CUDA OOM during eval" in tasks
    assert "**Status**: IN_PROGRESS" in tasks


def test_second_open_same_day_takes_next_number(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "inference", "first", "--at", "2026-11-20 09:15", cwd=ledger_repo)
    second = run_ledger(
        "open", "P1", "training", "second", "--at", "2026-11-20 18:00", cwd=ledger_repo
    )
    other_day = run_ledger(
        "open", "P1", "training", "third", "--at", "2026-11-21 08:00", cwd=ledger_repo
    )
    assert second.stdout.strip() == "ERR-2026-11-20-002"
    assert other_day.stdout.strip() == "ERR-2026-11-21-001"
    listed = json.loads(run_ledger("list", "--json", cwd=ledger_repo).stdout)
    assert [e["id"] for e in listed] == [
        "ERR-2026-11-21-001",
        "ERR-2026-11-20-002",
        "ERR-2026-11-20-001",
    ]


def test_a_number_a_person_recorded_in_the_journal_or_tasks_is_not_taken(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """IDs a journal entry or a task claims (either spelling) are skipped; a mere mention is not
    a claim."""
    with (ledger_repo / "JOURNAL.md").open("a") as journal:
        journal.write(
            "\n## 2026-11-20 08:00\n\n### Critical Error Investigation |ERROR:ERR-2026-11-20-005|\n"
            "A note that mentions ERR-2026-11-20-009 claims nothing.\n"
        )
    with (ledger_repo / "TASKS.md").open("a") as tasks:
        tasks.write("\n**Task ID**: TASK-ERR-20261120-007\n")
    opened = run_ledger(
        "open", "P1", "data", "bad shard", "--at", "2026-11-20 09:00", cwd=ledger_repo
    )
    assert opened.stdout.strip() == "ERR-2026-11-20-008"


def test_id_allocation_skips_numbers_taken_on_other_branches(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    git(ledger_repo, "checkout", "-q", "-b", "feature")
    run_ledger("open", "P0", "data", "on the branch", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "-am", "Open an error on feature")
    git(ledger_repo, "checkout", "-q", "main")
    result = run_ledger(
        "open", "P0", "data", "on main", "--at", "2026-11-20 09:00", cwd=ledger_repo
    )
    assert result.stdout.strip() == "ERR-2026-11-20-002"


def test_id_allocation_sees_a_number_taken_on_a_branch_after_the_last_open(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """What each branch's file holds is remembered by its blob: a branch that commits a new ID
    after an open has a new blob, and the next open does not take that number."""

    def opened(label: str) -> str:
        return run_ledger(
            "open", "P1", "data", label, "--at", "2026-11-20 09:00", cwd=ledger_repo
        ).stdout.strip()  # fmt: skip

    assert opened("first") == "ERR-2026-11-20-001"
    git(ledger_repo, "commit", "-q", "-am", "Open the first")
    assert opened("looked, then undone") == "ERR-2026-11-20-002"
    git(ledger_repo, "checkout", "-q", "--", ".")
    git(ledger_repo, "checkout", "-q", "-b", "feature")
    assert opened("on feature") == "ERR-2026-11-20-002"
    git(ledger_repo, "commit", "-q", "-am", "Open on feature")
    git(ledger_repo, "checkout", "-q", "main")
    cache = ledger_repo / ".git" / "ledger-cache" / "branch-numbers.pickle"
    assert opened("on main") == "ERR-2026-11-20-003"
    git(ledger_repo, "checkout", "-q", "--", ".")
    cache.write_bytes(b"\x80\x05junk")  # a damaged memory is only a lost speed-up
    assert opened("on main again") == "ERR-2026-11-20-003"


def test_id_allocation_sees_remote_tracking_branches(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(ledger_repo), str(clone))
    run_ledger("open", "P0", "data", "upstream", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "-am", "Open upstream")
    git(clone, "fetch", "-q")
    result = run_ledger("open", "P1", "data", "local", "--at", "2026-11-20 09:00", cwd=clone)
    assert result.stdout.strip() == "ERR-2026-11-20-002"


def test_open_json_gives_the_entry(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    result = run_ledger(
        "open", "P1", "training", "NaN loss", "--symptoms", "loss is nan", "--impact", "run lost",
        "--fingerprint", "abc123", "--at", "2026-11-20T10:00+01:00", "--json", cwd=ledger_repo,
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["id"] == "ERR-2026-11-20-001"
    assert data["status"] == "active"
    assert data["first_seen"] == "2026-11-20T09:00:00+00:00"
    assert data["fingerprint"] == "abc123"
    assert data["fields"]["Symptoms"] == "loss is nan"
    assert data["history"] == [{"at": "2026-11-20T09:00:00+00:00", "event": "opened"}]


def test_p2_and_p3_are_refused_and_nothing_changes(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(ledger_repo)
    for severity in ("P2", "p3", "P9"):
        result = run_ledger("open", severity, "ui", "typo", cwd=ledger_repo)
        assert result.code == 1
        assert "P0" in result.stderr and "P1" in result.stderr
    assert snapshot(ledger_repo) == before


def test_open_without_description_and_no_terminal_fails_clearly(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("open", "P0", "inference", cwd=ledger_repo)
    assert result.code == 1
    assert "DESCRIPTION" in result.stderr


def test_configured_areas_are_enforced(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    (ledger_repo / ".ledger.toml").write_text('areas = ["inference", "training"]\n')
    bad = run_ledger("open", "P0", "kitchen", "smoke", cwd=ledger_repo)
    assert bad.code == 1 and "inference, training" in bad.stderr
    assert run_ledger("open", "P0", "training", "smoke", cwd=ledger_repo).code == 0


def test_settings_in_pyproject_count_and_a_pyproject_without_them_is_not_ours(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """`[tool.ledger]` in pyproject.toml is the configuration; a pyproject.toml that says
    nothing of the ledger is the project's business, even one that is not valid TOML."""
    (ledger_repo / ".ledger.toml").unlink()  # which comes first
    pyproject = ledger_repo / "pyproject.toml"
    pyproject.write_text('[project]\nname = "demo"\n\n[tool.ledger]\nareas = ["training"]\n')
    bad = run_ledger("open", "P0", "kitchen", "smoke", cwd=ledger_repo)
    assert bad.code == 1 and "training" in bad.stderr
    pyproject.write_text('[project\nname = "half-written"\n')
    assert run_ledger("open", "P0", "kitchen", "smoke", cwd=ledger_repo).code == 0
    pyproject.write_text('[tool."l\\u0065dger"]\nareas = ["training"]\n')  # an escaped key
    escaped = run_ledger("open", "P0", "kitchen", "smoke", cwd=ledger_repo)
    assert escaped.code == 1 and "training" in escaped.stderr
    pyproject.write_text('[tool.ledger\nareas = ["training"]\n')
    broken = run_ledger("list", cwd=ledger_repo)
    assert broken.code == 1 and "pyproject.toml" in broken.stderr
    assert "fix the TOML syntax" in broken.stderr


def test_unknown_config_key_names_the_allowed_ones(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / ".ledger.toml").write_text('time_zone = "UTC"\n')
    result = run_ledger("list", cwd=ledger_repo)
    assert result.code == 1
    assert "'time_zone'" in result.stderr and "timezone" in result.stderr


def test_init_adopts_existing_files_and_creates_missing(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    seed = (Path(__file__).parent / "data" / "seed_errors.md").read_bytes()
    (repo / "ERRORS.md").write_bytes(seed)
    result = run_ledger("init", cwd=repo)
    assert result.code == 0
    assert "kept     ERRORS.md" in result.stdout
    assert (repo / "ERRORS.md").read_bytes() == seed
    assert (repo / "JOURNAL.md").exists() and (repo / "TASKS.md").exists()
    assert run_ledger("init", cwd=repo).stdout.count("kept") == 3


def test_timezone_config_sets_ids_and_times(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    (ledger_repo / ".ledger.toml").write_text('timezone = "Asia/Tokyo"\n')
    result = run_ledger(
        "open", "P0", "api", "late night", "--at", "2026-11-20T20:30+00:00", cwd=ledger_repo
    )
    assert result.stdout.strip() == "ERR-2026-11-21-001"
    assert "**First Seen**: 2026-11-21 05:30" in (ledger_repo / "ERRORS.md").read_text()
