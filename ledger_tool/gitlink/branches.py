"""What the branch tips hold, asked with plain `git` subprocesses: the numbers a new ID must not
take (`ledger open`'s branch-safe allocation), without loading gitpython for it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.exceptions import GitMissing, LedgerError
from ledger_tool.files.cache import read_stamped, write_stamped
from ledger_tool.gitlink.gitstate import refusal


def _git(root: Path, *args: str, asked: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=asked, capture_output=True, text=True, errors="replace"
        )
    except FileNotFoundError:
        raise GitMissing(
            "git is not on PATH and this command asks git which IDs other branches took; "
            "install git or add its folder to PATH"
        ) from None


def numbers_on_branches(root: Path, path: str, day: str) -> set[int]:
    """Numbers NNN of `ERR-<day>-NNN` block headings and table rows in `path` at every local
    and remote-tracking branch tip (none outside a git work tree).  What one version of the file
    holds is remembered by its blob id (`.git/ledger-cache/`), so only a tip whose file changed
    since is searched (`git grep` over a 10,000-entry file costs tens of milliseconds)."""
    git_dir = gitdirs.git_dir(root)
    if git_dir is None:
        return set()
    refs = _git(root, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes")
    if refs.returncode != 0:
        raise LedgerError(refusal(root, refs.stderr))
    tips = sorted(set(refs.stdout.split()))
    if not tips:
        return set()
    blobs = _blobs(root, tips, path)
    memory = git_dir / "ledger-cache" / _MEMORY
    loaded = read_stamped(memory, {})
    known: dict[tuple[str, str], frozenset[int]] = loaded if isinstance(loaded, dict) else {}
    wanted = {(blob, day) for blob in blobs.values()}
    unknown = [tip for tip, blob in blobs.items() if (blob, day) not in known]
    if unknown:
        found = _grep(root, unknown, path, day)
        for tip in unknown:
            known[(blobs[tip], day)] = frozenset(found.get(tip, ()))
        kept = {key: value for key, value in known.items() if key in wanted}
        write_stamped(memory, kept)
    return set().union(*(known[key] for key in wanted))


_MEMORY = "branch-numbers.pickle"


def _blobs(root: Path, tips: list[str], path: str) -> dict[str, str]:
    """The blob id of `path` at each tip that has the file."""
    asked = "".join(f"{tip}:{path}\n" for tip in tips)
    done = _git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)", asked=asked)
    if done.returncode != 0:
        raise LedgerError(refusal(root, done.stderr))
    blobs = {}
    for tip, answer in zip(tips, done.stdout.splitlines(), strict=False):
        oid, _, kind = answer.partition(" ")
        if kind == "blob":
            blobs[tip] = oid
    return blobs


def _grep(root: Path, tips: list[str], path: str, day: str) -> dict[str, set[int]]:
    """The numbers of `day` in `path` at each of `tips`, read by one `git grep`."""
    pattern = f"^(### |[|] )ERR-{day}-[0-9]+"
    found = _git(root, "grep", "--no-color", "-o", "-E", "-e", pattern, *tips, "--", path)
    if found.returncode == 1:  # no match anywhere
        return {}
    if found.returncode != 0:
        raise LedgerError(refusal(root, found.stderr))
    numbers: dict[str, set[int]] = {}
    for line in found.stdout.splitlines():  # TIP:PATH:MATCH
        tip = line.split(":", 1)[0]
        if line.startswith(f"{tip}:{path}:"):
            numbers.setdefault(tip, set()).add(int(line.rsplit("-", 1)[1]))
    return numbers
