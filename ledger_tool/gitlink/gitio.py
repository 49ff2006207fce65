"""The one module that asks git anything, through gitpython.

`RepoFacts` answers what the lifecycle asks (`GitFacts`, model/commits.py); the functions serve
the checks and the hooks, which read the index and the trailers of a message being written.
Every value that comes from a user, a log or a commit is passed after `--` or as a validated object
name, never where git could read it as an option.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from ledger_tool.exceptions import GitMissing, LedgerError
from ledger_tool.gitlink import fixcommit, gitstate
from ledger_tool.model import trailers
from ledger_tool.model.commits import Fix, TrailerCommit

try:
    import git
except ImportError:  # gitpython runs git once on import and refuses to load without it
    if shutil.which(os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git") is None:
        raise GitMissing(
            "git is not on PATH and this command asks git; install git or add its folder to PATH"
        ) from None
    raise

GitError = git.GitCommandError  # for modules that call git themselves (hooks)
Repo = git.Repo  # the repository handle other layers pass back in (their type hints name it)


def open_repo(root: Path) -> git.Repo | None:
    """The repository at `root`, or None when `root` is not in a git work tree.  Asks git once,
    so that a repository git refuses (another user's, a broken one) is said here, plainly."""
    try:
        repo = git.Repo(root, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        repo.git.rev_parse("--git-dir")
    except git.GitCommandError as exc:
        raise LedgerError(gitstate.refusal(root, str(exc.stderr))) from None
    return repo


def _resolve(repo: git.Repo, rev: str) -> git.Commit:
    """The commit `rev` names, as git itself reads it (reflog forms `@{-1}`, `HEAD@{1}` too)."""
    return repo.commit(fixcommit.commit_sha(_root(repo), rev))


def _root(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir or repo.git_dir)


def _history_cut(repo: git.Repo, sha: str) -> bool:
    """True when the history of `sha` reaches a commit whose parents a shallow clone lacks."""
    shallow = Path(repo.common_dir, "shallow")
    if not shallow.is_file():
        return False
    cut = set(shallow.read_text(encoding="ascii", errors="replace").split())
    return bool(cut & set(repo.git.rev_list(sha, "--").split()))


def missing_commits(repo: git.Repo, shas: list[str]) -> set[str]:
    """The SHAs among `shas` that name no commit in the repository (one `git cat-file` call)."""
    with tempfile.TemporaryFile() as stdin:
        stdin.write("".join(f"{sha}\n" for sha in shas).encode())
        stdin.seek(0)
        out = repo.git.cat_file("--batch-check", istream=stdin)
    return {line.split()[0] for line in out.splitlines() if line.endswith(" missing")}


def is_shallow(repo: git.Repo) -> bool:
    """True in a shallow clone (`git clone --depth N`), whose history stops somewhere."""
    return fixcommit.is_shallow(_root(repo))


def staged_text(repo: git.Repo, path: str) -> str | None:
    """The text of `path` in the index (what the commit being made will hold), or None."""
    try:
        data = repo.git.show(f":{path}", stdout_as_string=False, strip_newline_in_stdout=False)
    except git.GitCommandError:
        return None
    return bytes(data).decode("utf-8", errors="surrogateescape")


def staged_paths(repo: git.Repo, paths: list[str]) -> list[str]:
    """Which of `paths` the commit being made changes (compared with HEAD, or all on a first commit)."""
    if not repo.head.is_valid():
        return [p for p in paths if staged_text(repo, p) is not None]
    out = repo.git.diff("--cached", "--name-only", "--no-renames", "--", *paths)
    return [line for line in out.splitlines() if line]


def trailer_ids(repo: git.Repo, message_file: str) -> dict[str, list[str]]:
    """`Fixes:` and `Refs:` trailer values of a commit message file, by trailer key (git's
    trailer block, read as `trailers.parse` reads it for sync too)."""
    return trailers.parse(repo.git.interpret_trailers("--parse", "--", message_file))


_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{40})\b", re.M)


class RepoFacts:
    """`GitFacts` (model/commits.py) answered by the repository at hand, and the few facts more
    that the command line gathers before a change: numbers taken on branches, trailer commits."""

    def __init__(self, repo: git.Repo, configured_url: str) -> None:
        self.repo = repo
        self._configured_url = configured_url  # `commit_url` of .ledger.toml, "" for none

    @classmethod
    def open(cls, root: Path, configured_url: str) -> RepoFacts | None:
        """The facts of the repository at `root`, or None when `root` is not in a work tree."""
        repo = open_repo(root)
        return None if repo is None else cls(repo, configured_url)

    @cached_property
    def page(self) -> str:
        """The commit page pattern links use: the configured one, else the origin's web host's."""
        return fixcommit.page(_root(self.repo), self._configured_url)

    def fix(self, rev: str) -> Fix:
        """A commit's full SHA, subject, the files it changed with their +/- line counts (None
        when a shallow clone lacks a parent to compare with) and its page."""
        return fixcommit.fix(_root(self.repo), rev, self._configured_url)

    def sha(self, rev: str) -> str:
        return _resolve(self.repo, rev).hexsha

    def contains(self, rev: str, sha: str) -> bool | None:
        """True when revision `rev` includes commit `sha` (so a sighting there is a regression);
        None when a shallow clone lacks the history that would tell."""
        repo = self.repo
        target = _resolve(repo, rev)
        if missing_commits(repo, [sha]):
            # not in a full clone: the code seen cannot contain it; a shallow one may just lack it
            return None if is_shallow(repo) else False
        fixed = repo.commit(sha)
        if fixed == target or repo.is_ancestor(fixed, target):
            return True
        if repo.is_ancestor(target, fixed) or not _history_cut(repo, target.hexsha):
            return False
        return None

    def orphaned(self, sha: str) -> bool | None:
        """True when no branch or tag contains the commit any more (it was amended or rebased
        away), or the repository does not have it; None when a shallow clone does not have it
        (it may lie beyond the clone's history).  A commit the clone has came with the refs that
        hold it."""
        if missing_commits(self.repo, [sha]):
            return None if is_shallow(self.repo) else True
        out = self.repo.git.for_each_ref(
            "--count=1", f"--contains={sha}", "refs/heads", "refs/remotes", "refs/tags"
        )
        return not out.strip()

    def has_commit(self, sha: str) -> bool:
        """True when the repository has commit `sha` (adopt links only the fixes it has)."""
        return not missing_commits(self.repo, [sha])

    def is_shallow(self) -> bool:
        return is_shallow(self.repo)

    def trailer_commits(self) -> list[TrailerCommit]:
        """Commits reachable from HEAD (merge commits and every commit a merge brought in
        included) with `Fixes:`/`Refs:` trailers naming errors, or made by `git revert`, oldest
        first."""
        if not self.repo.head.is_valid():
            return []
        fmt = (
            "%H%x00%ct%x00%s%x00%(trailers:key=Fixes,valueonly,separator=%x2C)"
            "%x00%(trailers:key=Refs,valueonly,separator=%x2C)%x00%b%x1e"
        )
        out = self.repo.git.log(
            "--reverse",
            "-E",
            "-i",
            "--grep=^(fixes|refs)[[:space:]]*:",
            "--grep=^This reverts commit [0-9a-f]{40}",
            f"--format={fmt}",
            "HEAD",
            "--",
        )
        return [_trailer_commit(fields) for fields in _records(out)]


def _records(log: str) -> list[list[str]]:
    """The six fields of each record `trailer_commits` asked `git log` for."""
    fields = (record.strip("\n").split("\x00") for record in log.split("\x1e"))
    return [found for found in fields if len(found) == 6]


def _trailer_commit(fields: list[str]) -> TrailerCommit:
    sha, stamp, subject, fixes, refs, body = fields
    return TrailerCommit(
        sha,
        datetime.fromtimestamp(int(stamp), tz=UTC),
        subject,
        trailers.ids(fixes),
        trailers.ids(refs),
        tuple(dict.fromkeys(_REVERTS.findall(body))),
    )
