"""What the branch tips hold, asked with plain `git` subprocesses: the numbers a new ID must not
take (`ledger open`'s branch-safe allocation), without loading gitpython for it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.exceptions import GitMissing, LedgerError
from ledger_tool.gitlink.gitstate import refusal


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, errors="replace"
        )
    except FileNotFoundError:
        raise GitMissing(
            "git is not on PATH and this command asks git which IDs other branches took; "
            "install git or add its folder to PATH"
        ) from None


def numbers_on_branches(root: Path, path: str, day: str) -> set[int]:
    """Numbers NNN of `ERR-<day>-NNN` block headings and table rows in `path` at every local
    and remote-tracking branch tip (none outside a git work tree)."""
    if gitdirs.git_dir(root) is None:
        return set()
    refs = _git(root, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes")
    if refs.returncode != 0:
        raise LedgerError(refusal(root, refs.stderr))
    tips = sorted(set(refs.stdout.split()))
    if not tips:
        return set()
    pattern = f"^(### |[|] )ERR-{day}-[0-9]+"
    found = _git(root, "grep", "--no-color", "-h", "-o", "-E", "-e", pattern, *tips, "--", path)
    if found.returncode == 1:  # no match anywhere
        return set()
    if found.returncode != 0:
        raise LedgerError(refusal(root, found.stderr))
    return {int(line.rsplit("-", 1)[1]) for line in found.stdout.splitlines() if line}
