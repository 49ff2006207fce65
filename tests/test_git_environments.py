"""Git history consulted safely: shallow clones, one reading of trailers, and strange
repositories or environments (bare, no git on PATH, another user's, reflog and unknown
revisions), each a clear message and exit 1, or working, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, ledger_process

ERR = "ERR-2026-11-20-001"


def _commit(repo: Path, name: str, *message: str) -> str:
    (repo / name).write_text(name + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", *[part for m in message for part in ("-m", m)])
    return git(repo, "rev-parse", "HEAD")


def _show(repo: Path, run: LedgerRunner, error_id: str = ERR) -> dict[str, object]:
    shown = run("show", error_id, "--json", cwd=repo)
    assert shown.code == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


@pytest.fixture
def fixed(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """An error opened, fixed by a commit, recorded, and three more commits on top."""
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    _commit(ledger_repo, "fix.py", "Fix the crash")
    done = run_ledger(
        "resolve", ERR, "--commit", "HEAD", "--at", "2026-11-20 10:00", cwd=ledger_repo
    )
    assert done.code == 0, done.stderr
    for n in range(3):
        _commit(ledger_repo, f"later{n}.txt", f"Later {n}")
    return ledger_repo


def _shallow(source: Path, tmp_path: Path) -> Path:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{source}", str(clone))
    return clone


# --- 1. shallow clones -----------------------------------------------------------------------


def test_a_sighting_in_a_shallow_clone_is_counted_not_judged(
    fixed: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    clone = _shallow(fixed, tmp_path)
    seen = run_ledger("seen", ERR, "--rev", "HEAD", "--at", "2026-11-21 09:00", cwd=clone)
    assert seen.code == 0, seen.stderr
    assert "does not contain" not in seen.stdout
    assert "cannot tell" in seen.stdout
    assert "git fetch --unshallow" in seen.stderr and "fetch-depth: 0" in seen.stderr
    data = _show(clone, run_ledger)
    assert data["status"] == "resolved" and data["occurrences"] == 2

    git(clone, "fetch", "-q", "--unshallow")  # with the whole history, the answer is known
    again = run_ledger("seen", ERR, "--rev", "HEAD", "--at", "2026-11-21 10:00", cwd=clone)
    assert "regressed" in again.stdout and _show(clone, run_ledger)["status"] == "active"


def test_a_full_clone_still_says_a_revision_lacks_the_fix(
    fixed: Path, run_ledger: LedgerRunner
) -> None:
    before_fix = git(fixed, "rev-parse", "HEAD~5")
    seen = run_ledger("seen", ERR, "--rev", before_fix, "--at", "2026-11-21 09:00", cwd=fixed)
    assert seen.code == 0 and "does not contain the fix commit" in seen.stdout
    assert seen.stderr == ""


def test_resolve_at_the_edge_of_a_shallow_clone_records_no_made_up_changes(
    ledger_repo: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    clone = _shallow(ledger_repo, tmp_path)
    done = run_ledger("resolve", ERR, "--commit", "HEAD", "--at", "2026-11-20 10:00", cwd=clone)
    assert done.code == 0, done.stderr
    assert "git fetch --unshallow" in done.stderr
    assert "not known" in (clone / "ERRORS.md").read_text()
    assert "README.md" not in (clone / "ERRORS.md").read_text()  # not every file as "added"


def test_check_in_a_shallow_clone_names_the_remedy(
    fixed: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    clone = _shallow(fixed, tmp_path)
    checked = run_ledger("check", cwd=clone)
    assert checked.code == 0
    assert "LDG502 warning" in checked.stdout and "git fetch --unshallow" in checked.stdout


def test_sync_in_a_shallow_clone_keeps_a_fix_it_cannot_see(
    ledger_repo: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    fix = _commit(ledger_repo, "fix.py", "Fix", f"Fixes: {ERR}")
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    _commit(ledger_repo, "record.txt", "Record the fix")
    clone = _shallow(ledger_repo, tmp_path)
    again = _commit(clone, "again.py", "Fix again", f"Fixes: {ERR}")
    synced = run_ledger("sync", cwd=clone)
    assert synced.code == 0, synced.stderr
    assert "rewritten" not in synced.stdout and "git fetch --unshallow" in synced.stderr
    data = _show(clone, run_ledger)
    assert data["fix_commit"] == fix != again


def test_sync_in_a_shallow_clone_says_older_commits_were_not_read(
    ledger_repo: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    _commit(ledger_repo, "fix.py", "Fix", f"Fixes: {ERR}")  # not recorded before the clone
    _commit(ledger_repo, "later.txt", "Later")
    clone = _shallow(ledger_repo, tmp_path)
    for args in (("sync", "--check"), ("sync",)):
        synced = run_ledger(*args, cwd=clone)
        assert synced.code == 0, synced.stderr
        assert "shallow clone, so commits older than its history were not read" in synced.stderr
        assert "git fetch --unshallow" in synced.stderr
    assert _show(clone, run_ledger)["status"] == "active"  # not claimed either way

    git(clone, "fetch", "-q", "--unshallow")
    synced = run_ledger("sync", cwd=clone)
    assert synced.code == 0 and "shallow" not in synced.stderr
    assert _show(clone, run_ledger)["status"] == "resolved"


# --- 2. one reading of trailers ----------------------------------------------------------------


def _message(repo: Path, text: str) -> Path:
    path = repo.parent / "MSG"
    path.write_text(text)
    return path


def test_commit_msg_and_sync_agree_on_a_word_that_is_no_id(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    text = f"Fix\n\nFixes: {ERR}-typo\n"
    refused = run_ledger("check", "--commit-msg", str(_message(ledger_repo, text)), cwd=ledger_repo)
    assert refused.code == 1 and f"{ERR}-typo" in refused.stderr
    _commit(ledger_repo, "fix.py", "Fix", f"Fixes: {ERR}-typo")  # as with --no-verify
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    assert _show(ledger_repo, run_ledger)["status"] == "active"


def test_a_spaced_trailer_is_one_for_both(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    text = f"Fix\n\nFixes : {ERR}\n"
    checked = run_ledger("check", "--commit-msg", str(_message(ledger_repo, text)), cwd=ledger_repo)
    assert checked.code == 0 and checked.stderr == ""
    _commit(ledger_repo, "fix.py", "Fix", f"Fixes : {ERR}")
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    assert _show(ledger_repo, run_ledger)["status"] == "resolved"


def test_a_fixes_line_outside_the_trailers_gets_a_hint_and_passes(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    _commit(ledger_repo, "open.txt", f"Open {ERR}")
    text = f"Fix\n\nFixes: {ERR} by retrying\nfor a while.\n\nMore words here.\n"
    checked = run_ledger("check", "--commit-msg", str(_message(ledger_repo, text)), cwd=ledger_repo)
    assert checked.code == 0
    assert "not a trailer" in checked.stderr and "last paragraph" in checked.stderr
    _commit(ledger_repo, "fix.py", "Fix", f"Fixes: {ERR} by retrying\nfor a while.", "More.")
    assert run_ledger("sync", cwd=ledger_repo).code == 0
    assert _show(ledger_repo, run_ledger)["status"] == "active"  # sync agrees: no trailer


# --- 3. strange repositories and environments -----------------------------------------------


@pytest.mark.parametrize("command", [["init"], ["open", "P0", "api", "boom"], ["check"]])
def test_a_bare_repository_is_refused(
    fixed: Path, tmp_path: Path, run_ledger: LedgerRunner, command: list[str]
) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(fixed), str(bare))
    before = sorted(p.name for p in bare.iterdir())
    done = run_ledger(*command, cwd=bare)
    assert done.code == 1 and "bare" in done.stderr and "git clone" in done.stderr
    assert sorted(p.name for p in bare.iterdir()) == before


def test_git_dir_naming_a_bare_repository_is_refused(
    fixed: Path, tmp_path: Path, run_ledger: LedgerRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(fixed), str(bare))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("GIT_DIR", str(bare))
    done = run_ledger("init", cwd=elsewhere)
    assert done.code == 1 and "GIT_DIR" in done.stderr and "bare" in done.stderr
    assert list(elsewhere.iterdir()) == []


def _without_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH holds a python but no git."""
    bin_dir = tmp_path / "bin-without-git"
    bin_dir.mkdir()
    env = dict(os.environ, PATH=str(bin_dir))
    assert shutil.which("git", path=env["PATH"]) is None
    return env


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger_tool", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_without_git_on_path_what_needs_git_says_so_and_the_rest_works(
    fixed: Path, tmp_path: Path
) -> None:
    env = _without_git(tmp_path)
    assert _run(fixed, env, "list").returncode == 0
    assert _run(fixed, env, "show", ERR).returncode == 0
    checked = _run(fixed, env, "check")
    assert checked.returncode == 0, checked.stderr
    assert "git is not on PATH" in checked.stderr
    assert _run(fixed, env, "report", "--week", "2026-W47").returncode == 0
    before = (fixed / "ERRORS.md").read_bytes()
    for args in (
        ["seen", ERR, "--at", "2026-11-21 09:00"],
        ["resolve", ERR, "--commit", "HEAD"],
        ["sync"],
        ["hooks", "install"],
        ["check", "--staged"],
    ):
        done = _run(fixed, env, *args)
        assert done.returncode == 1, (args, done.stderr)
        assert "git is not on PATH" in done.stderr and "Traceback" not in done.stderr
    assert (fixed / "ERRORS.md").read_bytes() == before
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "-q")
    init = _run(fresh, env, "init", "--hooks")
    assert init.returncode == 1 and "git is not on PATH" in init.stderr
    assert [p.name for p in fresh.iterdir()] == [".git"]  # nothing half-made


def test_a_repository_owned_by_another_user_names_safe_directory(
    fixed: Path, run_ledger: LedgerRunner
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to hand the repository to another user")
    subprocess.run(["chown", "-R", "nobody", str(fixed)], check=True)
    assert ledger_process("list", cwd=fixed).returncode == 0  # reading files needs no git
    for args in (("check",), ("sync",), ("seen", ERR, "--at", "2026-11-21 09:00")):
        done = ledger_process(*args, cwd=fixed)
        assert done.returncode == 1, (args, done.stderr)
        assert "git config --global --add safe.directory" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("rev", ["@{-1}", "HEAD@{1}", "main@{1}", "main@{now}"])
def test_reflog_revisions_name_what_git_names(
    fixed: Path, run_ledger: LedgerRunner, rev: str
) -> None:
    git(fixed, "checkout", "-q", "-b", "side", "HEAD~2")
    git(fixed, "checkout", "-q", "main")
    _commit(fixed, "more.txt", "More")
    assert run_ledger("reopen", ERR, "--at", "2026-11-21 09:00", cwd=fixed).code == 0
    done = run_ledger("resolve", ERR, "--commit", rev, "--at", "2026-11-21 10:00", cwd=fixed)
    assert done.code == 0, done.stderr
    assert _show(fixed, run_ledger)["fix_commit"] == git(fixed, "rev-parse", f"{rev}^{{commit}}")


@pytest.mark.parametrize("rev", ["nosuchbranch", "HEAD@{99}", "v9.9"])
def test_an_unknown_revision_is_named(fixed: Path, run_ledger: LedgerRunner, rev: str) -> None:
    before = (fixed / "ERRORS.md").read_bytes()
    done = run_ledger("seen", ERR, "--rev", rev, "--at", "2026-11-21 09:00", cwd=fixed)
    assert done.code == 1 and repr(rev) in done.stderr
    assert (fixed / "ERRORS.md").read_bytes() == before


def test_an_unknown_revision_is_named_for_an_active_error_too(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    opened = run_ledger("open", "P1", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    before = (ledger_repo / "ERRORS.md").read_bytes()
    done = run_ledger(
        "seen", opened.stdout.strip(), "--rev", "nosuchbranch", "--at", "2026-11-21 09:00",
        cwd=ledger_repo,
    )  # fmt: skip
    assert done.code == 1 and "'nosuchbranch'" in done.stderr
    assert (ledger_repo / "ERRORS.md").read_bytes() == before
