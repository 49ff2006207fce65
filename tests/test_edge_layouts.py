"""Layouts people make by hand, and edge times: the tool reads them right and keeps their shape."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LedgerRunner, git


def _ids(repo: Path, run: LedgerRunner) -> list[str]:
    return [e["id"] for e in json.loads(run("list", "--json", cwd=repo).stdout)]


def test_a_rule_between_blocks_hides_nothing(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    run_ledger("open", "P1", "api", "older", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    run_ledger("open", "P1", "api", "newer", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    path = ledger_repo / "ERRORS.md"
    path.write_text(
        path.read_text().replace(
            "- 2026-11-20 09:00 opened\n", "- 2026-11-20 09:00 opened\n\n---\n", 1
        )
    )
    assert _ids(ledger_repo, run_ledger) == ["ERR-2026-11-20-002", "ERR-2026-11-20-001"]
    assert run_ledger("seen", "ERR-2026-11-20-001", cwd=ledger_repo).code == 0
    assert "opened\n\n---\n" in path.read_text()


def test_first_resolved_block_goes_above_the_seeds_closing_rule(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = run_ledger(
        "open", "P1", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo
    ).stdout.strip()
    run_ledger("resolve", error_id, "--at", "2026-11-20 09:00", cwd=ledger_repo)
    text = (ledger_repo / "ERRORS.md").read_text()
    resolved = text.split("## Resolved Errors\n")[1].split("## Error Management Process")[0]
    assert resolved.startswith(
        f"<!-- Moved here when fixed, with links to fixes -->\n\n### {error_id} (RESOLVED)\n"
    )
    assert resolved.endswith("resolved\n\n---\n\n")


def test_a_sighting_dated_before_the_fix_does_not_reopen(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = run_ledger(
        "open", "P0", "api", "x", "--at", "2026-11-20 09:00", cwd=ledger_repo
    ).stdout.strip()
    run_ledger("resolve", error_id, "--commit", "HEAD", "--at", "2026-11-20 10:00", cwd=ledger_repo)
    assert run_ledger("seen", error_id, "--at", "2026-11-20 09:30", cwd=ledger_repo).code == 0
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["status"] == "resolved"
    assert [e["event"] for e in data["history"]] == ["opened", "seen", "resolved"]
    early = run_ledger("seen", error_id, "--at", "2026-11-20 08:00", cwd=ledger_repo)
    assert early.code == 1 and "first seen 2026-11-20 09:00" in early.stderr


def test_fields_the_active_template_lacks_go_above_the_history(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = run_ledger(
        "open", "P0", "api", "x", "--at", "2026-11-20 09:00", cwd=ledger_repo
    ).stdout.strip()
    run_ledger(
        "note",
        error_id,
        "--root-cause",
        "rc",
        "--testing",
        "t",
        "--related-issues",
        "#12",
        cwd=ledger_repo,
    )
    text = (ledger_repo / "ERRORS.md").read_text()
    assert (
        "**Root Cause**: rc\n\n**Testing**: t\n\n**Related Issues**: #12\n\n**History**:\n" in text
    )


def test_appending_to_a_file_without_final_newline_keeps_it_without(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / "TASKS.md").write_text("# Tasks\n\nmine")
    (ledger_repo / "JOURNAL.md").write_text("# Journal\n\nmine")
    run_ledger("open", "P0", "api", "x", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    for name in ("TASKS.md", "JOURNAL.md"):
        text = (ledger_repo / name).read_text()
        assert text.startswith("# ") and "mine\n\n## " in text
        assert not text.endswith("\n"), name


def test_resolving_into_a_last_section_without_final_newline(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    (repo / "ERRORS.md").write_text("# Ledger\n\n## Active Errors\n\n## Resolved Errors")
    error_id = run_ledger(
        "open", "P1", "api", "x", "--at", "2026-11-20 09:00", cwd=repo
    ).stdout.strip()
    run_ledger("resolve", error_id, "--at", "2026-11-20 10:00", cwd=repo)
    text = (repo / "ERRORS.md").read_text()
    assert text.startswith(
        "# Ledger\n\n## Active Errors\n\n## Resolved Errors\n\n### ERR-2026-11-20-001 (RESOLVED)\n"
    )
    assert text.endswith("- 2026-11-20 10:00 resolved")
    git(repo, "add", "-A")
    assert _ids(repo, run_ledger) == [error_id]
