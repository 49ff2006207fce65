"""`ledger renumber` on the duplicate ID that `ledger check` reports (LDG102): two branches opened an
error under one ID and a plain text merge kept both blocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git
from tests.test_layout import fixture, read, write

FILES = ("ERRORS.md", "TASKS.md", "JOURNAL.md")
TAKEN = "ERR-2026-11-20-001"
NEW = "ERR-2026-11-20-005"


def merged_ledger(repo: Path, run: LedgerRunner, other: str) -> dict[str, str]:
    """A consistent ledger (4 errors, with their tasks and journal entries), then the same with
    `other` spelled TAKEN everywhere, as a merge leaves it.  Returns the consistent texts."""
    write(repo / "ERRORS.md", fixture("unseparated_ERRORS.md"))
    assert run("check", "--fix", cwd=repo).code == 1  # adds the journal entries and tasks
    base = {name: read(repo / name) for name in FILES}
    for name, text in base.items():
        write(repo / name, text.replace(other, TAKEN))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A merge that took one ID twice")
    return base


def later_heading_line(repo: Path) -> int:
    """The line of the second `### TAKEN` heading: the block `ledger check` reports."""
    lines = read(repo / "ERRORS.md").splitlines()
    return [i for i, text in enumerate(lines, 1) if text.startswith(f"### {TAKEN}")][1]


def problem_codes(run: LedgerRunner, repo: Path) -> list[str]:
    rows = run("check", cwd=repo).stdout.splitlines()
    return [row.split(" ")[1] for row in rows if " warning: " not in row]


CASES = {
    # (the error that also took TAKEN, which of the two blocks comes later in ERRORS.md)
    "the-later-block-is-the-older-one": ("ERR-2026-11-20-003", TAKEN),
    "the-later-block-is-in-resolved": ("ERR-2026-11-20-004", "ERR-2026-11-20-004"),
}


@pytest.mark.parametrize(("other", "later"), CASES.values(), ids=CASES.keys())
def test_renumber_gives_the_later_block_its_row_and_task_the_new_id(
    ledger_repo: Path, run_ledger: LedgerRunner, other: str, later: str
) -> None:
    repo = ledger_repo
    base = merged_ledger(repo, run_ledger, other)
    line = later_heading_line(repo)
    check = run_ledger("check", cwd=repo)
    assert f"ERRORS.md:{line}: LDG102 duplicate ID {TAKEN}" in check.stdout

    result = run_ledger("renumber", TAKEN, NEW, cwd=repo)

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{TAKEN} at ERRORS.md:{line} is now {NEW} (ERRORS.md, TASKS.md)",
        f"note: JOURNAL.md: the journal entries of {TAKEN} are left as they are (which of the "
        f"two errors each one is about cannot be told); change those about the block now {NEW} "
        f"to |ERROR:{NEW}| by hand",
    ]
    earlier = other if later == TAKEN else TAKEN
    for name in ("ERRORS.md", "TASKS.md"):
        assert read(repo / name) == base[name].replace(later, NEW).replace(earlier, TAKEN), name
    assert read(repo / "JOURNAL.md") == base["JOURNAL.md"].replace(other, TAKEN)
    # the journal entries cannot be told apart: splitting them is the user's
    assert problem_codes(run_ledger, repo) == ["LDG301"]


def test_without_a_second_row_or_task_renumber_says_what_check_fix_adds(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = ledger_repo
    merged_ledger(repo, run_ledger, "ERR-2026-11-20-003")
    errors, tasks = read(repo / "ERRORS.md"), read(repo / "TASKS.md")
    row = errors.index(f"| {TAKEN} | 2026-11-20 10:00")  # the second block's row and task
    write(repo / "ERRORS.md", errors[:row] + errors[errors.index("\n", row) + 1 :])
    task = tasks.index(f"## TASK-{TAKEN}\n**Task ID**: TASK-{TAKEN}\n**Title**: Resolve Broken")
    write(repo / "TASKS.md", tasks[:task] + tasks[tasks.index("\n## ", task) + 1 :])
    before = {name: read(repo / name) for name in FILES}
    line = later_heading_line(repo)

    result = run_ledger("renumber", TAKEN, NEW, "--json", cwd=repo)

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "old": TAKEN,
        "new": NEW,
        "files": ["ERRORS.md"],
        "line": line,
        "notes": [
            f"ERRORS.md: no second table row of {TAKEN}; `ledger check --fix` adds the table row "
            f"of {NEW}",
            f"TASKS.md: no second task of {TAKEN}; `ledger check --fix` adds the task of {NEW}",
            f"JOURNAL.md: the journal entries of {TAKEN} are left as they are (which of the two "
            f"errors each one is about cannot be told); change those about the block now {NEW} "
            f"to |ERROR:{NEW}| by hand",
        ],
    }
    heading = f"### {TAKEN}\n**Status**: ACTIVE\n**Severity**: P1\n**Area**: api"
    assert read(repo / "ERRORS.md") == before["ERRORS.md"].replace(
        heading, heading.replace(TAKEN, NEW)
    )
    assert [read(repo / n) for n in FILES[1:]] == [before[n] for n in FILES[1:]]
    assert run_ledger("check", "--fix", cwd=repo).code == 1
    assert run_ledger("check", cwd=repo).code == 0


def test_two_ids_taken_twice_are_renumbered_one_after_the_other(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = ledger_repo
    merged_ledger(repo, run_ledger, "ERR-2026-11-20-003")
    for name in FILES:
        path = repo / name
        write(path, read(path).replace("ERR-2026-11-20-004", "ERR-2026-11-20-002"))
    duplicated = ("ERR-2026-11-20-001", "ERR-2026-11-20-002")
    assert problem_codes(run_ledger, repo).count("LDG102") == 2

    for old, new in zip(duplicated, ("ERR-2026-11-20-005", "ERR-2026-11-20-006"), strict=True):
        result = run_ledger("renumber", old, new, cwd=repo)
        assert result.code == 0, result.stderr
        assert result.stdout.startswith(f"{old} at ERRORS.md:")

    assert "LDG102" not in problem_codes(run_ledger, repo)


def test_renumber_still_refuses_a_new_id_in_use(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = ledger_repo
    merged_ledger(repo, run_ledger, "ERR-2026-11-20-003")
    before = {name: read(repo / name) for name in FILES}
    result = run_ledger("renumber", TAKEN, "ERR-2026-11-20-002", cwd=repo)
    assert result.code == 1
    assert "ERR-2026-11-20-002 is already used in ERRORS.md; ERR-2026-11-20-005 is free" in (
        result.stderr
    )
    assert {name: read(repo / name) for name in FILES} == before
