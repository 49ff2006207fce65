"""Hand-kept layouts the tool writes into: lists under a field, `---` lines between blocks, and
`ledger check --fix` on messy ledgers (one run reaches the fixed point)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, snapshot

DATA = Path(__file__).parent / "data" / "layout"
NEWLINES = {"lf": "\n", "crlf": "\r\n"}


def fixture(name: str, newline: str = "\n", final_newline: bool = True) -> str:
    text = (DATA / name).read_text().replace("\n", newline)
    return text if final_newline else text.rstrip(newline)


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode())


def read(path: Path) -> str:
    return path.read_bytes().decode()


def ledger_with(repo: Path, run: LedgerRunner, errors: str) -> Path:
    """`repo` with `errors` as ERRORS.md, its journal entries and tasks added, committed."""
    path = repo / "ERRORS.md"
    write(path, errors)
    run("check", "--fix", cwd=repo)
    assert read(path) == errors  # a consistent ledger is left as it is
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The hand-kept ledger")
    return path


# -- a field inserted after a list ---------------------------------------------------------------

CHECKLIST_CASES = [
    # (error, line the field goes under, blank line between them)
    ("ERR-2026-11-20-003", "- [x] root cause", True),
    ("ERR-2026-11-20-002", "   after 30 s, not 300 s", True),
    ("ERR-2026-11-20-004", "**Investigation**: the usual suspects", False),
    ("ERR-2026-11-20-001", "```", False),
]


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize(
    ("error_id", "above", "apart"),
    CHECKLIST_CASES,
    ids=["after-a-checklist", "after-a-list-item-that-runs-on", "no-list", "after-a-code-fence"],
)
def test_a_field_inserted_under_a_list_starts_its_own_paragraph(
    ledger_repo: Path,
    run_ledger: LedgerRunner,
    error_id: str,
    above: str,
    apart: bool,
    newline: str,
) -> None:
    before = fixture("checklist_ERRORS.md", newline)
    path = ledger_with(ledger_repo, run_ledger, before)

    result = run_ledger("note", error_id, "--current-status", "waiting", cwd=ledger_repo)

    assert result.code == 0, result.stderr
    start = before.index(f"### {error_id}")
    at = before.index(above + newline, start) + len(above + newline)
    field = (newline if apart else "") + "**Current Status**: waiting" + newline
    assert read(path) == before[:at] + field + before[at:]


# -- `---` between blocks ---------------------------------------------------------------------

MOVES = [
    ("separated_ERRORS.md", ("resolve", "ERR-2026-11-20-003"), "after_resolve_first_active.md"),
    ("separated_ERRORS.md", ("resolve", "ERR-2026-11-20-001"), "after_resolve_last_active.md"),
    ("separated_ERRORS.md", ("reopen", "ERR-2026-11-20-002"), "after_reopen_last_resolved.md"),
    ("separated_ERRORS.md", ("reopen", "ERR-2026-11-20-004"), "after_reopen_first_resolved.md"),
    ("unseparated_ERRORS.md", ("resolve", "ERR-2026-11-20-003"), "after_resolve_unseparated.md"),
    ("separated_at_end_ERRORS.md", ("reopen", "ERR-2026-11-20-002"), "after_reopen_at_end.md"),
    ("separated_at_end_ERRORS.md", ("resolve", "ERR-2026-11-20-003"), "after_resolve_to_end.md"),
]
MOVE_IDS = [
    "resolve-the-first-active",
    "resolve-the-last-active",
    "reopen-the-last-resolved",
    "reopen-the-first-resolved",
    "no-separators-none-added",
    "reopen-the-block-at-the-end-of-the-file",
    "resolve-into-a-section-at-the-end-of-the-file",
]
ENDINGS = {"lf": ("\n", True), "crlf": ("\r\n", True), "lf-no-final-newline": ("\n", False)}


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
@pytest.mark.parametrize(("start", "command", "expected"), MOVES, ids=MOVE_IDS)
def test_a_moving_block_takes_its_separator_and_gets_one_where_it_lands(
    ledger_repo: Path,
    run_ledger: LedgerRunner,
    start: str,
    command: tuple[str, str],
    expected: str,
    ending: tuple[str, bool],
) -> None:
    newline, final_newline = ending
    path = ledger_with(ledger_repo, run_ledger, fixture(start, newline, final_newline))

    result = run_ledger(*command, "--at", "2026-11-20 14:00", cwd=ledger_repo)

    assert result.code == 0, result.stderr
    assert read(path) == fixture(expected, newline, final_newline)
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_the_users_own_rules_stay(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    """The seed's `---` under an empty Resolved section, and one in the user's own text."""
    before = fixture("separated_ERRORS.md").replace(
        "stay as they are.\n", "stay as they are.\n\n---\n\nMore notes.\n"
    )
    path = ledger_with(ledger_repo, run_ledger, before)
    for error_id in ("ERR-2026-11-20-004", "ERR-2026-11-20-002"):
        assert run_ledger("reopen", error_id, "--at", "2026-11-20 14:00", cwd=ledger_repo).code == 0
    after = read(path)
    resolved = after[after.index("## Resolved Errors") :]
    assert resolved == before[before.index("## Resolved Errors") :].replace(
        resolved_blocks(before), ""
    )
    assert resolved.startswith(
        "## Resolved Errors\n<!-- Moved here when fixed, with links to fixes -->\n\n---\n\n"
    )


def resolved_blocks(text: str) -> str:
    """The text of the Resolved section's blocks and the separators between them."""
    start = text.index("### ERR", text.index("## Resolved Errors"))
    return text[start : text.index("---\n\n## Error Management Process")]


# -- `ledger check --fix` reaches its fixed point in one run -----------------------------------

MOVED_AND_ADDED = [
    "ERRORS.md: moved ERR-2026-11-20-002 to its place in resolved",
    "ERRORS.md: moved ERR-2026-11-20-001 to its place in active",
    "ERRORS.md: moved ERR-2026-11-20-004 to its place in resolved",
    "ERRORS.md: rewrote the summary table from the blocks",
    *(
        line
        for n in (1, 2, 3, 4)
        for line in (
            f"JOURNAL.md: added the journal entry of ERR-2026-11-20-00{n}",
            f"TASKS.md: added the task of ERR-2026-11-20-00{n}",
        )
    ),
]


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_fix_puts_a_messy_separated_ledger_in_order_in_one_run(
    ledger_repo: Path, run_ledger: LedgerRunner, ending: tuple[str, bool]
) -> None:
    """Blocks in the wrong section, wrong (RESOLVED) marks, out of order, `---` between them; a
    table with a missing, an extra, a wrong and a misplaced row; no journal entries, no tasks."""
    newline, final_newline = ending
    path = ledger_with(ledger_repo, run_ledger, fixture("separated_ERRORS.md"))
    write(path, fixture("messy_ERRORS.md", newline, final_newline))
    for name in ("JOURNAL.md", "TASKS.md"):
        (ledger_repo / name).write_bytes(
            git(ledger_repo, "show", f"HEAD~1:{name}").encode() + b"\n"
        )

    first = run_ledger("check", "--fix", cwd=ledger_repo)

    assert (first.code, first.stdout.splitlines()) == (1, MOVED_AND_ADDED)
    assert read(path) == fixture("separated_ERRORS.md", newline, final_newline)
    fixed = snapshot(ledger_repo)
    assert_fixed_point(ledger_repo, run_ledger)
    assert snapshot(ledger_repo) == fixed


def assert_fixed_point(repo: Path, run: LedgerRunner) -> None:
    again = run("check", "--fix", cwd=repo)
    assert (again.code, again.stdout, again.stderr) == (0, "", "")
    assert run("check", cwd=repo).code == 0


HAND_EDITS = {
    # a field written as a list item, or with a lower-case name, reads as the same field: the
    # tool moved such a block once per run (and printed the move again and again)
    "status-as-a-list-item": (
        "ERRORS.md",
        "**Status**: ACTIVE\n**Severity**: P1\n**Area**: web",
        "- **Status**: ACTIVE\n**Severity**: P1\n**Area**: web",
        [],
    ),
    "status-resolved-as-a-list-item-in-active": (
        "ERRORS.md",
        "### ERR-2026-11-20-001\n**Status**: ACTIVE\n",
        "### ERR-2026-11-20-001\n- **Status**: RESOLVED\n**Resolved**: 2026-11-20 14:00\n",
        None,  # a person must still finish it: History ends open
    ),
    "lower-case-field-name-out-of-order": (
        "ERRORS.md",
        "**First Seen**: 2026-11-20 08:00\n**Last Seen**: 2026-11-20 08:00",
        "**first seen**: 2026-11-20 10:30\n**Last Seen**: 2026-11-20 10:30",
        [
            "ERRORS.md: moved ERR-2026-11-20-001 to its place in active",
            "ERRORS.md: rewrote the summary table from the blocks",
        ],
    ),
    # a journal entry inside a code fence or a comment is no entry: check asked for one, and
    # --fix did not add it
    "journal-entry-in-a-code-fence": (
        "JOURNAL.md",
        "### Critical Error Investigation |ERROR:ERR-2026-11-20-003|",
        "```\n### Critical Error Investigation |ERROR:ERR-2026-11-20-003|\n```",
        ["JOURNAL.md: added the journal entry of ERR-2026-11-20-003"],
    ),
    "journal-entry-in-a-comment": (
        "JOURNAL.md",
        "### Critical Error Investigation |ERROR:ERR-2026-11-20-003|",
        "<!-- ### Critical Error Investigation |ERROR:ERR-2026-11-20-003| -->",
        ["JOURNAL.md: added the journal entry of ERR-2026-11-20-003"],
    ),
    "task-status-wrong": (
        "TASKS.md",
        "**Task ID**: TASK-ERR-2026-11-20-004\n**Title**: Resolve CUDA OOM\n**Status**: COMPLETE",
        "**Task ID**: TASK-ERR-2026-11-20-004\n**Title**: Resolve CUDA OOM\n**Status**: DONE",
        ["TASKS.md: set the task status to COMPLETE of ERR-2026-11-20-004"],
    ),
}


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize(
    ("name", "old", "new", "changes"), HAND_EDITS.values(), ids=HAND_EDITS.keys()
)
def test_fix_after_a_hand_edit_needs_one_run(
    ledger_repo: Path,
    run_ledger: LedgerRunner,
    name: str,
    old: str,
    new: str,
    changes: list[str] | None,
    newline: str,
) -> None:
    ledger_with(ledger_repo, run_ledger, fixture("separated_ERRORS.md"))
    path = ledger_repo / name
    text = read(path)
    assert old in text
    write(path, text.replace(old, new, 1).replace("\n", newline))

    first = run_ledger("check", "--fix", cwd=ledger_repo)

    lines = first.stdout.splitlines()
    assert len(set(lines)) == len(lines)
    if changes is not None:
        assert lines == changes
        assert_fixed_point(ledger_repo, run_ledger)
    else:
        again = run_ledger("check", "--fix", cwd=ledger_repo)
        assert (again.code, again.stdout) == (0, "")
        assert "LDG109" in run_ledger("check", cwd=ledger_repo).stdout
