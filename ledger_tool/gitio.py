"""The one module that asks git anything, through gitpython.

Every value that comes from a user, a log or a commit is passed after `--` or as a validated object
name, never where git could read it as an option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import git

from ledger_tool.errors import LedgerError

MAX_LISTED_FILES = 20
_REV = re.compile(r"[^\s-][^\s]*")


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int
    deleted: int


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    subject: str
    files: list[FileChange]

    @property
    def short(self) -> str:
        return self.sha[:7]


def open_repo(root: Path) -> git.Repo | None:
    """The repository at `root`, or None when `root` is not in a git work tree."""
    try:
        return git.Repo(root, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _resolve(repo: git.Repo, rev: str) -> git.Commit:
    if not _REV.fullmatch(rev):
        raise LedgerError(f"{rev!r} is not a revision; give a commit SHA, branch or tag")
    try:
        return repo.commit(rev)
    except (git.BadName, ValueError, git.GitCommandError) as exc:
        raise LedgerError(f"no commit {rev!r} in this repository; check `git log`") from exc


def commit_info(repo: git.Repo, rev: str) -> CommitInfo:
    """A commit's full SHA, subject and the files it changed with their +/- line counts."""
    commit = _resolve(repo, rev)
    stats = commit.stats.files
    files = [
        FileChange(str(path), int(counts.get("insertions", 0)), int(counts.get("deletions", 0)))
        for path, counts in stats.items()
    ]
    message = commit.message if isinstance(commit.message, str) else commit.message.decode()
    return CommitInfo(commit.hexsha, message.strip().split("\n", 1)[0], files)


def contains(repo: git.Repo, fix: str, rev: str) -> bool:
    """True when revision `rev` includes commit `fix` (so a sighting there is a regression)."""
    target = _resolve(repo, rev)
    try:
        fixed = repo.commit(fix)
    except (git.BadName, ValueError):
        return False  # the fix is not in this clone: the code seen cannot contain it
    return fixed == target or bool(repo.is_ancestor(fixed, target))


def rev_sha(repo: git.Repo, rev: str) -> str:
    return _resolve(repo, rev).hexsha


def numbers_on_branches(repo: git.Repo, path: str, day: str) -> set[int]:
    """Numbers NNN of `ERR-<day>-NNN` block headings and table rows in `path` at every local and
    remote-tracking branch tip."""
    tips = _tips(repo)
    if not tips:
        return set()
    try:
        out = repo.git.grep(
            "--no-color", "-h", "-o", "-E", "-e", f"^(### |[|] )ERR-{day}-[0-9]+", *tips, "--", path
        )
    except git.GitCommandError as exc:
        if exc.status == 1:  # no match anywhere
            return set()
        raise
    return {int(line.rsplit("-", 1)[1]) for line in out.splitlines() if line}


def _tips(repo: git.Repo) -> list[str]:
    out = repo.git.for_each_ref("--format=%(objectname)", "refs/heads", "refs/remotes")
    return sorted(set(out.split()))


_REMOTE = re.compile(
    r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host1>[^/:]+)(?::\d+)?/"
    r"|(?:[^@/]+@)?(?P<host2>[^/:]+):)(?P<path>[^ ]+?)(?:\.git)?/?$"
)


def commit_url_pattern(repo: git.Repo) -> str:
    """`https://host/owner/repo/commit/{sha}` for a GitHub, GitLab or Bitbucket-style origin."""
    try:
        url = repo.remote("origin").url
    except (ValueError, git.GitCommandError):
        return ""
    m = _REMOTE.match(url)
    if m is None:
        return ""
    host = (m.group("host1") or m.group("host2")).lower()
    path = m.group("path")
    if "bitbucket" in host:
        return f"https://{host}/{path}/commits/{{sha}}"
    if "gitlab" in host:
        return f"https://{host}/{path}/-/commit/{{sha}}"
    if "github" in host:
        return f"https://{host}/{path}/commit/{{sha}}"
    return ""
