"""The one module that asks git anything, through gitpython.

Every value that comes from a user, a log or a commit is passed after `--` or as a validated object
name, never where git could read it as an option.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import git

from ledger_tool.errors import LedgerError

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


def missing_commits(repo: git.Repo, shas: list[str]) -> set[str]:
    """The SHAs among `shas` that name no commit in the repository (one `git cat-file` call)."""
    with tempfile.TemporaryFile() as stdin:
        stdin.write("".join(f"{sha}\n" for sha in shas).encode())
        stdin.seek(0)
        out = repo.git.cat_file("--batch-check", istream=stdin)
    return {line.split()[0] for line in out.splitlines() if line.endswith(" missing")}


def is_shallow(repo: git.Repo) -> bool:
    return bool(repo.git.rev_parse("--is-shallow-repository") == "true")


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
    """`Fixes:` and `Refs:` trailer values of a commit message file, by trailer key."""
    out = repo.git.interpret_trailers("--parse", "--", message_file)
    found: dict[str, list[str]] = {"Fixes": [], "Refs": []}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        for name in found:
            if key.strip().lower() == name.lower():
                found[name].append(value.strip())
    return found


@dataclass(frozen=True)
class TrailerCommit:
    """A commit whose message carries `Fixes:` or `Refs:` trailers."""

    sha: str
    when: datetime
    subject: str
    fixes: tuple[str, ...]
    refs: tuple[str, ...]
    reverts: tuple[str, ...] = ()  # the commits a `git revert` commit reverts


_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{40})\b", re.M)
_ID_TOKEN = re.compile(r"ERR-\d{4}-\d\d-\d\d-\d{3,}")


def trailer_commits(repo: git.Repo) -> list[TrailerCommit]:
    """Commits reachable from HEAD (merge commits and every commit a merge brought in included)
    with `Fixes:`/`Refs:` trailers naming errors, or made by `git revert`, oldest first."""
    if not repo.head.is_valid():
        return []
    fmt = (
        "%H%x00%ct%x00%s%x00%(trailers:key=Fixes,valueonly,separator=%x2C)"
        "%x00%(trailers:key=Refs,valueonly,separator=%x2C)%x00%b%x1e"
    )
    out = repo.git.log(
        "--reverse",
        "-E",
        "-i",
        "--grep=^(fixes|refs):",
        "--grep=^This reverts commit [0-9a-f]{40}",
        f"--format={fmt}",
        "HEAD",
        "--",
    )
    commits = []
    for record in out.split("\x1e"):
        fields = record.strip("\n").split("\x00")
        if len(fields) != 6:
            continue
        sha, stamp, subject, fixes, refs, body = fields
        commits.append(
            TrailerCommit(
                sha,
                datetime.fromtimestamp(int(stamp), tz=UTC),
                subject,
                tuple(_ID_TOKEN.findall(fixes)),
                tuple(_ID_TOKEN.findall(refs)),
                tuple(dict.fromkeys(_REVERTS.findall(body))),
            )
        )
    return commits


def is_orphaned(repo: git.Repo, sha: str) -> bool:
    """True when no branch or tag contains the commit any more (it was amended or rebased away),
    or the repository does not have it."""
    try:
        repo.commit(sha)
    except (git.BadName, ValueError):
        return True
    out = repo.git.for_each_ref(
        "--count=1", f"--contains={sha}", "refs/heads", "refs/remotes", "refs/tags"
    )
    return not out.strip()


def operation_in_progress(repo: git.Repo) -> str | None:
    """'rebase', 'merge' or 'cherry-pick' when git is in the middle of one."""
    base = Path(repo.git_dir)
    if (base / "rebase-merge").exists() or (base / "rebase-apply").exists():
        return "rebase"
    if (base / "MERGE_HEAD").exists():
        return "merge"
    if (base / "CHERRY_PICK_HEAD").exists():
        return "cherry-pick"
    return None


def picks_pending(repo: git.Repo) -> bool:
    """True while a `git cherry-pick A B ...` has picks left to make after the current one."""
    todo = Path(repo.git_dir) / "sequencer" / "todo"
    try:
        lines = todo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    return len([line for line in lines if line.strip() and not line.startswith("#")]) > 1
