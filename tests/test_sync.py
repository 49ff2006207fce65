"""`ledger sync`: Fixes:/Refs: trailers in git history recorded once, whatever rewrites happen."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import LedgerRunner, git

FILES = ("ERRORS.md", "JOURNAL.md", "TASKS.md")


def _files(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in FILES}


def _commit(repo: Path, name: str, message: str) -> str:
    (repo / name).write_text(name + "\n")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def _show(repo: Path, run: LedgerRunner, error_id: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(run("show", error_id, "--json", cwd=repo).stdout)
    return data


def test_fixes_trailer_resolves_with_that_commit_and_twice_changes_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    run_ledger("open", "P1", "db", "slow", "--at", "2026-11-20 09:30", cwd=ledger_repo)
    sha = _commit(
        ledger_repo, "fix.py", "Retry on 502\n\nFixes: ERR-2026-11-20-001\nRefs: ERR-2026-11-20-002"
    )
    behind = run_ledger("sync", "--check", cwd=ledger_repo)
    assert behind.code == 1 and "ERR-2026-11-20-001: resolved by" in behind.stdout
    first = run_ledger("sync", cwd=ledger_repo)
    assert first.code == 0, first.stderr
    data = _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")
    assert data["status"] == "resolved" and data["fix_commit"] == sha
    assert data["resolved"] == "2026-11-20T12:00:00+00:00"  # the commit's (pinned) date
    linked = _show(ledger_repo, run_ledger, "ERR-2026-11-20-002")["history"]
    assert {"at": "2026-11-20T12:00:00+00:00", "event": "linked", "commit": sha} in linked  # type: ignore[operator]
    after = _files(ledger_repo)
    assert run_ledger("sync", cwd=ledger_repo).stdout == ""
    assert _files(ledger_repo) == after
    assert run_ledger("sync", "--check", cwd=ledger_repo).code == 0
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_an_amended_fix_is_followed_not_recorded_twice(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    old = _commit(ledger_repo, "fix.py", "Retry\n\nFixes: ERR-2026-11-20-001")
    run_ledger("sync", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "--amend", "-m", "Retry twice\n\nFixes: ERR-2026-11-20-001")
    new = git(ledger_repo, "rev-parse", "HEAD")
    assert new != old
    result = run_ledger("sync", cwd=ledger_repo)
    assert f"fix commit {old[:7]} was rewritten; now {new[:7]}" in result.stdout
    data = _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")
    assert data["fix_commit"] == new
    assert [e["event"] for e in data["history"]] == ["opened", "resolved"]  # type: ignore[index, union-attr]
    assert (
        f"[{new[:7]}]" in (ledger_repo / "ERRORS.md").read_text()
        or f"| {new[:7]} |" in (ledger_repo / "ERRORS.md").read_text()
    )
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_a_fix_from_before_a_reopening_does_not_resolve_again(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "fix.py", "Retry\n\nFixes: ERR-2026-11-20-001")
    run_ledger("sync", cwd=ledger_repo)
    run_ledger("reopen", "ERR-2026-11-20-001", "--at", "2026-11-21 08:00", cwd=ledger_repo)
    assert run_ledger("sync", cwd=ledger_repo).stdout == ""
    assert _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")["status"] == "active"


def test_unknown_ids_and_plain_commits_are_ignored(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    _commit(ledger_repo, "a.py", "Fix it\n\nFixes: ERR-2026-11-20-077\nFixes: #12")
    _commit(ledger_repo, "b.py", "Mention ERR-2026-11-20-001 in the body only")
    before = _files(ledger_repo)
    result = run_ledger("sync", cwd=ledger_repo)
    assert (result.code, result.stdout) == (0, "")
    assert _files(ledger_repo) == before


def test_sync_waits_while_a_rebase_is_in_progress(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "fix.py", "Retry\n\nFixes: ERR-2026-11-20-001")
    (ledger_repo / ".git" / "rebase-merge").mkdir()
    result = run_ledger("sync", cwd=ledger_repo)
    assert result.code == 0 and "rebase is in progress" in result.stderr
    assert _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")["status"] == "active"


def test_many_commits_naming_one_error_record_in_order_in_one_run(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """The state after merging a feature branch: several unrecorded commits name one error."""
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    run_ledger("open", "P1", "db", "slow", "--at", "2026-11-20 09:30", cwd=ledger_repo)
    err, other = "ERR-2026-11-20-001", "ERR-2026-11-20-002"
    first = _commit(ledger_repo, "a.py", f"Look into it\n\nRefs: {err}")
    fix = _commit(ledger_repo, "b.py", f"Retry\n\nFixes: {err}\nRefs: {other}")
    later = _commit(ledger_repo, "c.py", f"Log more\n\nRefs: {err}")
    also = _commit(ledger_repo, "d.py", f"Index\n\nFixes: {other}\nRefs: {err}")
    result = run_ledger("sync", cwd=ledger_repo)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{err}: linked {first[:7]}",
        f"{err}: resolved by {fix[:7]}",
        f"{other}: linked {fix[:7]}",
        f"{err}: linked {later[:7]}",
        f"{other}: resolved by {also[:7]}",
        f"{err}: linked {also[:7]}",
    ]
    data = _show(ledger_repo, run_ledger, err)
    assert data["status"] == "resolved" and data["fix_commit"] == fix
    history = [(e["event"], e.get("commit")) for e in data["history"]]  # type: ignore[union-attr]
    assert history == [
        ("opened", None),
        ("linked", first),
        ("resolved", fix),
        ("linked", later),
        ("linked", also),
    ]
    assert _show(ledger_repo, run_ledger, other)["fix_commit"] == also
    after = _files(ledger_repo)
    assert run_ledger("sync", cwd=ledger_repo).stdout == ""
    assert _files(ledger_repo) == after
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_a_fixes_trailer_in_a_merge_commit_resolves(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "-am", "Open it")
    git(ledger_repo, "checkout", "-q", "-b", "feature")
    _commit(ledger_repo, "a.py", "Part of the fix")
    git(ledger_repo, "checkout", "-q", "main")
    _commit(ledger_repo, "b.py", "Meanwhile")
    git(
        ledger_repo, "merge", "-q", "--no-ff", "feature", "-m", "Merge\n\nFixes: ERR-2026-11-20-001"
    )
    merge = git(ledger_repo, "rev-parse", "HEAD")
    result = run_ledger("sync", cwd=ledger_repo)
    assert result.stdout == f"ERR-2026-11-20-001: resolved by {merge[:7]}\n"
    assert _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")["fix_commit"] == merge


def test_a_revert_of_the_fix_reopens_the_error_once(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    err = "ERR-2026-11-20-001"
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "-am", "Open it")
    fix = _commit(ledger_repo, "fix.py", f"Retry\n\nFixes: {err}")
    git(ledger_repo, "revert", "--no-edit", "HEAD")
    revert = git(ledger_repo, "rev-parse", "HEAD")
    result = run_ledger("sync", cwd=ledger_repo)  # the fix and its revert in one run
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{err}: resolved by {fix[:7]}",
        f"{err}: reopened, its fix {fix[:7]} was reverted by {revert[:7]}",
    ]
    data = _show(ledger_repo, run_ledger, err)
    assert data["status"] == "active" and data["fix_commit"] in (None, "")
    assert (
        data["history"][-1]
        == {  # type: ignore[index]
            "at": "2026-11-20T12:00:00+00:00",
            "event": "reopened",
            "note": f"fix reverted by {revert[:7]}",
        }
    )
    after = _files(ledger_repo)
    assert run_ledger("sync", cwd=ledger_repo).stdout == ""
    assert _files(ledger_repo) == after
    metrics = json.loads(
        run_ledger(
            "metrics", "--json", "--since", "2026-11-01", "--until", "2026-12-01", cwd=ledger_repo
        ).stdout
    )
    assert metrics["recurrence"]["reopen_events"] == 1  # counted once, as a recurrence
    assert metrics["recurrence"]["regressed"] == 1
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_a_revert_of_a_commit_that_fixed_nothing_changes_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    git(ledger_repo, "commit", "-q", "-am", "Open it")
    _commit(ledger_repo, "a.py", "Unrelated")
    git(ledger_repo, "revert", "--no-edit", "HEAD")
    before = _files(ledger_repo)
    assert run_ledger("sync", cwd=ledger_repo).stdout == ""
    assert _files(ledger_repo) == before


def test_a_commit_recorded_on_one_error_still_resolves_the_other_it_fixes(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    # The fix was recorded by hand on the first error only: sync must not take the commit's
    # SHA, named somewhere in ERRORS.md, for "everything it says is recorded".
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    run_ledger("open", "P1", "db", "slow", "--at", "2026-11-20 09:30", cwd=ledger_repo)
    sha = _commit(
        ledger_repo, "fix.py", "Retry\n\nFixes: ERR-2026-11-20-001\nFixes: ERR-2026-11-20-002"
    )
    resolved = run_ledger("resolve", "ERR-2026-11-20-001", "--commit", sha, cwd=ledger_repo)
    assert resolved.code == 0, resolved.stderr
    behind = run_ledger("sync", "--check", cwd=ledger_repo)
    assert behind.code == 1 and "ERR-2026-11-20-002: resolved by" in behind.stdout
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    assert _show(ledger_repo, run_ledger, "ERR-2026-11-20-002")["fix_commit"] == sha
    assert run_ledger("sync", "--check", cwd=ledger_repo).code == 0


# -- a SHA in the user's own text is not a record ----------------------------------------------
# Only a History line of a block records a commit (`- TIME resolved by SHA`, `linked by SHA`);
# the same words in a person's prose or in a fenced example record nothing.


def test_a_commit_that_prose_names_is_still_recorded(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    sha = _commit(ledger_repo, "retry.py", "Try a retry\n\nRefs: ERR-2026-11-20-001")
    noted = run_ledger(
        "note", "ERR-2026-11-20-001", "--investigation", f"the first try by {sha} did not help",
        cwd=ledger_repo,
    )  # fmt: skip
    assert noted.code == 0, noted.stderr
    behind = run_ledger("sync", "--check", cwd=ledger_repo)
    assert behind.code == 1 and "ERR-2026-11-20-001: linked" in behind.stdout
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    history = _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")["history"]
    assert {"at": "2026-11-20T12:00:00+00:00", "event": "linked", "commit": sha} in history  # type: ignore[operator]


def test_a_fenced_example_of_a_history_line_records_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "502s", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    first = _commit(ledger_repo, "retry.py", "Try a retry\n\nFixes: ERR-2026-11-20-001")
    second = _commit(ledger_repo, "log.py", "Log the 502s\n\nRefs: ERR-2026-11-20-001")
    path = ledger_repo / "ERRORS.md"
    text = path.read_text()
    block_end = text.index("\n", text.index("- 2026-11-20 09:00 opened")) + 1
    example = f"\nA fix is recorded as:\n\n```\n- 2026-11-20 12:00 resolved by {first}\n```\n"
    path.write_text(text[:block_end] + example + text[block_end:])
    assert run_ledger("check", cwd=ledger_repo).code == 0
    synced = run_ledger("sync", cwd=ledger_repo)
    assert synced.code == 0, synced.stderr
    assert f"ERR-2026-11-20-001: resolved by {first[:7]}" in synced.stdout
    assert f"ERR-2026-11-20-001: linked {second[:7]}" in synced.stdout
    data = _show(ledger_repo, run_ledger, "ERR-2026-11-20-001")
    assert data["status"] == "resolved" and data["fix_commit"] == first
    assert example in path.read_text(), "the user's example stays as it was"
