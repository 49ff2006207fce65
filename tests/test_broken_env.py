"""Broken environments: git stopped on a conflict, a held lock under a hook, paths that lead out
of the repository, and file systems that refuse (read-only, full, unreadable files, a folder in
a file's place).  Each refusal is exit 1 with what to do, no traceback, and no byte changed.

The file-system cases run the real `ledger` as a subprocess: as user `nobody` (the tests run as
root, whom permissions do not stop), or in a private mount namespace with a read-only bind mount
or a tiny tmpfs.  A case this machine cannot produce is skipped, naming what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, ledger_process, snapshot

ERR = "ERR-2026-11-20-001"
AT = ("--at", "2026-11-21 09:00")
WRITES = {
    "open": ["open", "P1", "api", "another", *AT],
    "seen": ["seen", ERR, *AT],
    "note": ["note", ERR, "--investigation", "x"],
    "resolve": ["resolve", ERR, *AT],
    "check-fix": ["check", "--fix"],
    "adopt": ["adopt"],
    "init": ["init"],
}
READS = {"list": ["list"], "show": ["show", ERR], "check": ["check"]}


@pytest.fixture
def one_error(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """A committed ledger with ERR-2026-11-20-001 active and a code file, code.txt."""
    opened = run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    assert opened.code == 0, opened.stderr
    (ledger_repo / "code.txt").write_text("v1\n")
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "One error")
    return ledger_repo


def _conflict(repo: Path, operation: str) -> None:
    """Stop `operation` on a conflict in code.txt (branch `other` and ours both change it)."""
    ours = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "code.txt").write_text("theirs\n")
    git(repo, "commit", "-q", "-am", "Theirs")
    git(repo, "checkout", "-q", ours)
    (repo / "code.txt").write_text("ours\n")
    git(repo, "commit", "-q", "-am", "Ours")
    command = {
        "merge": ["merge", "other"],
        "rebase": ["rebase", "other"],
        "cherry-pick": ["cherry-pick", "other"],
        "revert": ["revert", "--no-edit", "other"],
    }[operation]
    done = subprocess.run(["git", *command], cwd=repo, capture_output=True, text=True)
    assert done.returncode != 0, "the operation was meant to stop on a conflict"
    assert git(repo, "ls-files", "-u"), "no conflict in the index"


@pytest.mark.parametrize("operation", ["merge", "rebase", "cherry-pick", "revert"])
def test_writes_are_refused_while_git_is_stopped_on_a_conflict(
    one_error: Path, run_ledger: LedgerRunner, operation: str
) -> None:
    _conflict(one_error, operation)
    before = snapshot(one_error)
    for name, args in WRITES.items():
        result = run_ledger(*args, cwd=one_error)
        assert result.code == 1, (name, result.stdout, result.stderr)
        assert f"a {operation} stopped on a conflict (code.txt)" in result.stderr, name
        assert f"`git {operation} --continue`" in result.stderr, name
        assert f"`git {operation} --abort`" in result.stderr, name
        assert "git add" in result.stderr and "nothing was written" in result.stderr, name
        assert snapshot(one_error) == before, name
    for name, args in READS.items():
        result = run_ledger(*args, cwd=one_error)
        assert result.code == 0, (name, result.stdout, result.stderr)
        assert ERR in result.stdout or name == "check", name


def test_a_merge_stopped_in_a_linked_worktree_is_found_through_git(
    one_error: Path, run_ledger: LedgerRunner
) -> None:
    linked = one_error.parent / "linked"
    git(one_error, "worktree", "add", "-q", "-b", "side", str(linked))
    _conflict(linked, "merge")
    before = snapshot(linked)
    result = run_ledger(*WRITES["note"], cwd=linked)
    assert result.code == 1, result.stderr
    assert "a merge stopped on a conflict (code.txt)" in result.stderr
    assert snapshot(linked) == before
    assert run_ledger(*WRITES["note"], cwd=one_error).code == 0  # the main worktree is not busy


def test_once_the_merge_is_concluded_the_ledger_is_written_again(
    one_error: Path, run_ledger: LedgerRunner
) -> None:
    _conflict(one_error, "merge")
    (one_error / "code.txt").write_text("both\n")
    git(one_error, "add", "code.txt")
    waiting = run_ledger(*WRITES["note"], cwd=one_error)
    assert waiting.code == 1 and "a merge is in progress" in waiting.stderr
    assert "`git merge --continue`" in waiting.stderr
    git(one_error, "commit", "-q", "--no-edit")
    assert run_ledger(*WRITES["note"], cwd=one_error).code == 0


# --- hooks are bounded -----------------------------------------------------------------------

HOLD_LOCK = (
    "import fcntl, os, sys\n"
    "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
    "fcntl.flock(fd, fcntl.LOCK_EX)  # as `ledger` does\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture
def held_lock(one_error: Path) -> Iterator[Path]:
    """Another process holds the repository's ledger lock until the test ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(one_error)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield one_error
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


def _hooked(repo: Path, run_ledger: LedgerRunner) -> None:
    assert run_ledger("hooks", "install", cwd=repo).code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Hooks")


def _commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _status(repo: Path, run_ledger: LedgerRunner) -> str:
    import json

    shown = run_ledger("show", ERR, "--json", cwd=repo)
    assert shown.code == 0, shown.stderr
    return str(json.loads(shown.stdout)["status"])


def test_a_held_lock_lets_the_fix_commit_through_with_a_warning(
    one_error: Path, run_ledger: LedgerRunner
) -> None:
    _hooked(one_error, run_ledger)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(one_error)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        (one_error / "code.txt").write_text("fixed\n")
        done = _commit(one_error, dict(os.environ), "-am", "Fix it", "-m", f"Fixes: {ERR}")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert git(one_error, "log", "-1", "--format=%s") == "Fix it"
    assert "warning: another ledger command held the lock for 3 s; nothing written" in done.stderr
    assert "run `ledger sync`" in done.stderr
    assert "Traceback" not in done.stderr
    assert _status(one_error, run_ledger) == "active"  # not recorded yet ...
    assert run_ledger("sync", cwd=one_error).code == 0
    assert _status(one_error, run_ledger) == "resolved"  # ... until `ledger sync` runs


def test_a_command_under_a_hook_gives_up_on_a_held_lock_and_writes_nothing(
    held_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(held_lock)
    monkeypatch.setenv("LEDGER_HOOK", "post-commit")
    done = ledger_process(*WRITES["note"], cwd=held_lock)
    assert done.returncode == 124, done.stderr
    assert "another ledger command held the lock" in done.stderr
    assert snapshot(held_lock) == before


def test_hooks_past_their_time_bound_warn_and_the_commit_is_made(
    one_error: Path, run_ledger: LedgerRunner
) -> None:
    _hooked(one_error, run_ledger)
    errors = one_error / "ERRORS.md"
    errors.write_text(errors.read_text() + "\nA note of ours.\n")
    (one_error / "code.txt").write_text("fixed\n")
    env = {**os.environ, "LEDGER_HOOK_TIMEOUT": "0.001"}  # every run takes longer than that
    done = _commit(one_error, env, "-am", "Fix it", "-m", f"Fixes: {ERR}")
    assert done.returncode == 0, done.stderr
    assert git(one_error, "log", "-1", "--format=%s") == "Fix it"
    assert "stopped after 0.001 s, the bound on a run under a git hook" in done.stderr
    assert "the ledger check could not run (exit 124); the commit goes on" in done.stderr
    assert "run `ledger sync`" in done.stderr
    assert "Traceback" not in done.stderr
    assert run_ledger("list", cwd=one_error).code == 0  # whatever was cut short is recovered
    assert run_ledger("sync", cwd=one_error).code == 0
    assert _status(one_error, run_ledger) == "resolved"
    assert "A note of ours." in errors.read_text()


# --- paths stay inside the repository --------------------------------------------------------

OUTSIDE_SETTINGS = {
    "errors-parent": 'errors_file = "../ERRORS.md"\n',
    "journal-absolute": 'journal_file = "/tmp/JOURNAL.md"\n',
    "archive-parent": 'journal_archive_dir = "../archive"\n',
}


@pytest.mark.parametrize("setting", OUTSIDE_SETTINGS.values(), ids=OUTSIDE_SETTINGS.keys())
def test_a_configured_path_outside_the_repository_is_refused(
    one_error: Path, run_ledger: LedgerRunner, setting: str
) -> None:
    (one_error / ".ledger.toml").write_text(setting)
    outside = snapshot(one_error.parent)
    for args in (WRITES["note"], READS["list"]):
        result = run_ledger(*args, cwd=one_error)
        assert result.code == 1, (args, result.stderr)
        assert setting.split(" =")[0] in result.stderr and "in .ledger.toml" in result.stderr
        assert "leads outside the repository" in result.stderr
    assert snapshot(one_error.parent) == outside


@pytest.mark.parametrize("name", ["ERRORS.md", "JOURNAL.md", "JOURNAL_ARCHIVE"])
def test_a_ledger_path_that_links_outside_the_repository_is_refused(
    one_error: Path, run_ledger: LedgerRunner, tmp_path: Path, name: str
) -> None:
    away = tmp_path / "away"
    away.mkdir()
    target = away / name
    place = one_error / name
    if place.exists():
        shutil.move(place, target)
    else:
        target.mkdir()
    place.symlink_to(target)
    before = snapshot(away)
    result = run_ledger(*WRITES["open"], cwd=one_error)
    assert result.code == 1, result.stderr
    assert f"{name} leads through a symbolic link to {target}, outside the repository" in (
        result.stderr
    )
    assert "replace the link with the file or folder itself" in result.stderr
    assert snapshot(away) == before


def test_a_reports_folder_linking_outside_the_repository_is_refused(
    one_error: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    away = tmp_path / "away"
    away.mkdir()
    (one_error / "reports").symlink_to(away)
    result = run_ledger("report", "--week", "2026-W47", cwd=one_error)
    assert result.code == 1, result.stderr
    assert "reports/2026-W47.md leads through a symbolic link" in result.stderr
    assert list(away.iterdir()) == []


# --- file systems that refuse ----------------------------------------------------------------


def test_a_folder_where_a_ledger_file_should_be_is_refused(
    one_error: Path, run_ledger: LedgerRunner
) -> None:
    (one_error / "TASKS.md").unlink()
    (one_error / "TASKS.md").mkdir()
    before = snapshot(one_error)
    for args in (WRITES["note"], READS["list"]):
        result = run_ledger(*args, cwd=one_error)
        assert result.code == 1, result.stderr
        assert "TASKS.md is a folder, but the ledger keeps a file there" in result.stderr
    assert snapshot(one_error) == before


def _shared_copy(repo: Path) -> Path:
    """A copy of `repo` that user nobody owns, in a folder anyone may enter."""
    base = Path(tempfile.mkdtemp(prefix="ledger-nobody-"))
    base.chmod(0o755)
    copy = base / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    subprocess.run(["chown", "-R", "nobody:nogroup", str(copy)], check=True)
    return copy


def _as_nobody(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run ledger as another user")
    env = {**os.environ, "HOME": str(repo.parent), "GIT_CONFIG_GLOBAL": os.devnull}
    command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run(
        [*command, sys.executable, "-c", "import ledger_tool.cli"],
        cwd=repo,
        capture_output=True,
        env=env,
    )
    if probe.returncode != 0:  # e.g. a virtual environment in a folder only root may read
        pytest.skip(f"user nobody cannot import ledger_tool from {sys.prefix}: chmod o+rx it")
    return subprocess.run(
        [*command, sys.executable, "-m", "ledger_tool", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def shared(one_error: Path) -> Iterator[Path]:
    copy = _shared_copy(one_error)
    yield copy
    shutil.rmtree(copy.parent)


def test_an_unreadable_ledger_file_is_a_clear_error(shared: Path) -> None:
    errors = shared / "ERRORS.md"
    os.chown(errors, 0, 0)
    errors.chmod(0o600)
    for args in (READS["list"], WRITES["note"]):
        done = _as_nobody(shared, *args)
        assert done.returncode == 1, done.stderr
        assert f"{errors}: Permission denied; check its owner and mode" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_tool_folder_another_user_owns_stops_the_write_whole(shared: Path) -> None:
    folder = shared / ".git" / "ledger"  # as a `sudo ledger ...` leaves it
    folder.mkdir(exist_ok=True)
    os.chown(folder, 0, 0)
    folder.chmod(0o755)
    before = snapshot(shared)
    done = _as_nobody(shared, *WRITES["note"])
    assert done.returncode == 1, done.stderr
    assert "Permission denied; check its owner and mode" in done.stderr
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(shared) == before
    assert list(folder.iterdir()) == []


def _in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace (its mounts vanish with it)."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare for a private mount namespace")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -m is not permitted here (no CAP_SYS_ADMIN)")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )


def test_a_read_only_file_system_is_a_clear_error(one_error: Path) -> None:
    before = snapshot(one_error)
    ledger = f"{sys.executable} -m ledger_tool"
    done = _in_namespace(
        f"mount --bind {one_error} {one_error} && mount -o remount,bind,ro {one_error} && "
        f"cd {one_error} && {ledger} list >/dev/null && echo READ-OK >&2 && "
        f"{ledger} note {ERR} --investigation x"
    )
    assert "READ-OK" in done.stderr, done.stderr  # reading still works
    assert done.returncode == 1, done.stderr
    assert "Read-only file system; the file system is mounted read-only" in done.stderr
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(one_error) == before


def test_a_full_disk_leaves_every_file_as_it_was(one_error: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    out = tmp_path / "after"
    before = snapshot(one_error)
    big = "x" * 20_000
    done = _in_namespace(
        f"mount -t tmpfs -o size=1m tmpfs {disk} && cp -a {one_error} {disk}/repo && "
        f"(dd if=/dev/zero of={disk}/fill bs=4k 2>/dev/null || true) && cd {disk}/repo && "
        f"{sys.executable} -m ledger_tool note {ERR} --investigation {big}; status=$?; "
        f"rm -f {disk}/fill; ls -A .git/ledger >&2; cp -a {disk}/repo {out}; exit $status"
    )
    assert done.returncode == 1, done.stderr
    assert "No space left on device; the disk is full" in done.stderr
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(out) == before
    assert not (out / ".git" / "ledger").exists() or not any((out / ".git" / "ledger").iterdir())
