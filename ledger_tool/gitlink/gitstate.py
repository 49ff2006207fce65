"""Is git in the middle of something?  Asked with plain `git` subprocesses, without gitpython:
every writing command asks it, including those (`note`, `seen`) that need git for nothing else.

The state files are in the worktree's own git directory (a linked worktree's, not the common one),
read from `.git` as `gitdirs` finds it; when a variable such as GIT_DIR moves the folders, git
itself says where they are (`rev-parse --git-path`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.exceptions import GitMissing, LedgerError

_OPERATIONS = (
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
    ("sequencer/todo", "sequencer"),
)


# the variables that move git's folders away from where `.git` says they are
_PATH_VARIABLES = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE")


def run_git(root: Path, *args: str, given: str | None = None) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `root` (`given` on its standard input), whatever its exit status."""
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=given, capture_output=True, text=True, errors="replace"
        )
    except FileNotFoundError:
        raise GitMissing(
            "git is not on PATH and this command asks git; install git or add its folder to PATH"
        ) from None


def git(root: Path, *args: str, given: str | None = None) -> str:
    """What `git ARGS` prints; git's refusal said plainly (another user's repository...)."""
    done = run_git(root, *args, given=given)
    if done.returncode != 0:
        raise LedgerError(refusal(root, done.stderr))
    return done.stdout


def refusal(root: Path, stderr: str) -> str:
    """What to say when git refuses to work in the repository at `root`."""
    if "dubious ownership" in stderr:
        return (
            f"git refuses to work in {root}: another user owns it (git's safe.directory check); "
            f"if you trust it, run `git config --global --add safe.directory {root}`"
        )
    reason = next((ln for ln in stderr.splitlines() if "fatal:" in ln), stderr.strip())
    return f"git cannot read the repository at {root} ({reason.strip()}); fix it, then run again"


def _state_files(root: Path) -> dict[str, Path]:
    folder = gitdirs.git_dir(root)
    if folder is not None and not any(os.environ.get(name) for name in _PATH_VARIABLES):
        # where `--git-path` puts them (each is the worktree's own), without starting git
        return {name: folder / name for name, _ in _OPERATIONS}
    args = [arg for name, _ in _OPERATIONS for arg in ("--git-path", name)]
    found = git(root, "rev-parse", *args).splitlines()
    return {name: root / path for (name, _), path in zip(_OPERATIONS, found, strict=True)}


def operation_in_progress(root: Path) -> str | None:
    """'rebase', 'am', 'merge', 'cherry-pick' or 'revert' when git is in the middle of one."""
    files = _state_files(root)
    for name, kind in _OPERATIONS[:-1]:
        if files[name].exists():
            return "am" if (files[name] / "applying").exists() else kind
    return None


def operation_going_on(root: Path, hook: str | None) -> str | None:
    """The operation git is still in the middle of, except where the hook that runs us
    (LEDGER_HOOK) is git's own sign that it is done: git runs post-rewrite once the rebase is
    done, post-merge once the merge commit is made, and post-commit for a pick it has just
    committed, each before it tidies its state files up (only a series of picks with more to
    come is still going on)."""
    busy = operation_in_progress(root)
    if (busy, hook) in (("rebase", "post-rewrite"), ("merge", "post-merge")):
        return None
    if (busy, hook) == ("cherry-pick", "post-commit") and not picks_pending(root):
        return None
    return busy


def unmerged_paths(root: Path) -> list[str]:
    """The paths the index holds in conflict (more than one stage), sorted."""
    out = git(root, "ls-files", "-u", "-z")
    return sorted({entry.split("\t", 1)[1] for entry in out.split("\0") if "\t" in entry})


def picks_pending(root: Path) -> bool:
    """True while a `git cherry-pick A B ...` has picks left to make after the current one."""
    todo = _state_files(root)["sequencer/todo"]
    try:
        lines = todo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    return len([line for line in lines if line.strip() and not line.startswith("#")]) > 1


def refuse_during_operation(root: Path, during_merge: str = "") -> None:
    """Refuse to write while git is stopped in a rebase, merge, cherry-pick or revert (or holds
    conflicts): a ledger change then would be mixed into the operation's result.  Every
    writing command asks, before it takes the lock; one whose advice during a merge is not
    the usual one says it in `during_merge`."""
    if gitdirs.git_dir(root) is None:
        return
    busy = operation_going_on(root, os.environ.get("LEDGER_HOOK"))
    if busy == "merge" and during_merge:
        raise LedgerError(during_merge)
    conflicts = unmerged_paths(root)
    if busy is None and not conflicts:
        return
    raise LedgerError(_operation_advice(busy, conflicts))


def _operation_advice(busy: str | None, conflicts: list[str]) -> str:
    """What to do before the ledger can be written, as one message."""
    shown = ", ".join(conflicts[:3]) + (" ..." if len(conflicts) > 3 else "")
    if busy is None:
        return (
            f"the index holds conflicts ({shown}); resolve them and `git add` the files, then "
            "run this command again; nothing was written"
        )
    verbs = f"`git {busy} --continue` (or `git {busy} --abort`)"
    if conflicts:
        return (
            f"a {busy} stopped on a conflict ({shown}); resolve the conflicts, `git add` the "
            f"files and run {verbs}, then run this command again; nothing was written"
        )
    return f"a {busy} is in progress; finish it with {verbs}, then run this command again; nothing was written"
