"""A ledger the tool cannot parse is never rewritten: `PATH:LINE: message`, exit 1, no file changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, snapshot

GOOD_BLOCK = """### ERR-2026-11-20-001
**Status**: ACTIVE
**Severity**: P0
**Area**: api
**First Seen**: 2026-11-20 08:00
**Last Seen**: 2026-11-20 08:00
**Occurrences**: 1

**Description**: timeouts

**History**:
- 2026-11-20 08:00 opened
"""
SECOND_BLOCK = GOOD_BLOCK.replace("-001", "-002").replace("timeouts", "other")


def _ledger(active: str, *, before: str = "", resolved: str = "") -> str:
    return (
        "# Critical Error Ledger\n\n"
        "## Schema\n"
        "| ID | First seen | Status | Severity | Affected area | Link to fix |\n"
        "|----|------------|--------|----------|---------------|-------------|\n\n"
        f"{before}## Active Errors\n\n{active}\n## Resolved Errors\n\n{resolved}"
    )


def _line(text: str, marker: str, nth: int = 1) -> int:
    """The line number of the nth occurrence of `marker` in `text`."""
    at = -1
    for _ in range(nth):
        at = text.index(marker, at + 1)
    return text.count("\n", 0, at) + 1


MALFORMED = {
    "bad-status": (_ledger(GOOD_BLOCK.replace("ACTIVE", "OPEN")), 10, "Status is 'OPEN'"),
    "bad-first-seen": (
        _ledger(GOOD_BLOCK.replace("First Seen**: 2026-11-20 08:00", "First Seen**: yesterday")),
        13,
        "First Seen is 'yesterday'",
    ),
    "bad-severity": (_ledger(GOOD_BLOCK.replace("P0", "P2")), 11, "Severity is 'P2'"),
    "bad-occurrences": (
        _ledger(GOOD_BLOCK.replace("Occurrences**: 1", "Occurrences**: many")),
        15,
        "Occurrences",
    ),
    "empty-occurrences": (
        _ledger(GOOD_BLOCK.replace("Occurrences**: 1", "Occurrences**:")),
        15,
        "Occurrences",
    ),
    "empty-last-seen": (
        _ledger(GOOD_BLOCK.replace("Last Seen**: 2026-11-20 08:00", "Last Seen**: ")),
        14,
        "Last Seen",
    ),
    "duplicate-id": (
        _ledger(GOOD_BLOCK + "\n" + GOOD_BLOCK),
        22,
        "duplicate ID ERR-2026-11-20-001",
    ),
    "bad-id-heading": (
        _ledger("### ERR-2026-11-2-001\n**Status**: ACTIVE\n"),
        9,
        "not an error ID",
    ),
    "no-active-section": (
        _ledger(GOOD_BLOCK).replace("## Active Errors", "## Errors"),
        1,
        "'## Active Errors'",
    ),
    "unclosed-fence": (
        _ledger(GOOD_BLOCK, before="```python\nx = 1\n\n"),
        7,
        "code fence is never closed",
    ),
    "unclosed-comment": (
        _ledger(GOOD_BLOCK, before="<!-- draft\n\n"),
        7,
        "HTML comment is never closed",
    ),
    "table-without-rule": (
        _ledger(GOOD_BLOCK).replace(
            "|----|------------|--------|----------|---------------|-------------|\n", ""
        ),
        4,
        "|---|",
    ),
}

MUTATIONS = {
    "open": ("open", "P0", "api", "new one"),
    "seen": ("seen", "ERR-2026-11-20-002"),
    "note": ("note", "ERR-2026-11-20-002", "--investigation", "x"),
    "resolve": ("resolve", "ERR-2026-11-20-002"),
    "reopen": ("reopen", "ERR-2026-11-20-002"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
@pytest.mark.parametrize("command", MUTATIONS, ids=list(MUTATIONS))
def test_every_mutating_command_refuses_a_malformed_ledger(
    ledger_repo: Path, run_ledger: LedgerRunner, case: str, command: str
) -> None:
    text, line, message = MALFORMED[case]
    (ledger_repo / "ERRORS.md").write_text(text)
    before = snapshot(ledger_repo)
    result = run_ledger(*MUTATIONS[command], cwd=ledger_repo)
    assert result.code == 1
    assert result.stderr.startswith(f"ledger: ERRORS.md:{line}: "), result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(ledger_repo) == before


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_check_reports_what_the_commands_refuse_at_the_same_line(
    ledger_repo: Path, run_ledger: LedgerRunner, case: str
) -> None:
    text, line, message = MALFORMED[case]
    (ledger_repo / "ERRORS.md").write_text(text)
    result = run_ledger("check", cwd=ledger_repo)
    assert result.code == 1, result.stdout
    assert f"ERRORS.md:{line}: " in result.stdout + result.stderr
    assert message.split()[0] in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["seen", "note", "resolve"])
def test_a_broken_history_line_is_reported_at_its_line(
    ledger_repo: Path, run_ledger: LedgerRunner, command: str
) -> None:
    block = SECOND_BLOCK.replace(
        "- 2026-11-20 08:00 opened", "- 2026-11-20 08:00 opened\n- went to lunch"
    )
    (ledger_repo / "ERRORS.md").write_text(_ledger(block))
    before = snapshot(ledger_repo)
    result = run_ledger(*MUTATIONS[command], cwd=ledger_repo)
    assert result.code == 1
    assert result.stderr.startswith("ledger: ERRORS.md:21: History of ERR-2026-11-20-002")
    assert snapshot(ledger_repo) == before


def test_invalid_utf8_is_reported_with_its_line(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / "ERRORS.md").write_bytes(_ledger(GOOD_BLOCK).encode() + b"\n\xff\xfe broken\n")
    before = snapshot(ledger_repo)
    result = run_ledger("open", "P0", "api", "x", cwd=ledger_repo)
    assert result.code == 1
    assert "ERRORS.md:25: not valid UTF-8" in result.stderr
    assert snapshot(ledger_repo) == before


def test_missing_ledger_says_run_init(repo: Path, run_ledger: LedgerRunner) -> None:
    result = run_ledger("open", "P0", "api", "x", cwd=repo)
    assert result.code == 1
    assert "ledger init" in result.stderr


def test_fenced_examples_are_not_entries(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    fenced = "```markdown\n### ERR-2026-11-20-009\n**Status**: WHATEVER\n```\n\n"
    (ledger_repo / "ERRORS.md").write_text(_ledger(fenced + SECOND_BLOCK))
    result = run_ledger("list", cwd=ledger_repo)
    assert result.code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ERR-2026-11-20-002"]
