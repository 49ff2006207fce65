"""The fix commit `ledger resolve --commit` records, asked with plain `git` subprocesses: its SHA,
subject, the files it changed with their line counts, and its web page.  (Importing gitpython
alone costs a resolve more than all of git's answers.)

A revision from the user is checked to be one before git sees it, so that it is never read as an
option; the commit's parents are read from the commit itself, since a shallow clone's graft
would make its first commit look like a root that added every file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ledger_tool.exceptions import LedgerError
from ledger_tool.files.wording import UNSHALLOW
from ledger_tool.gitlink.gitstate import git, refusal, run_git
from ledger_tool.model.commits import Fix, page_pattern

REV = re.compile(r"[^\s-][^\s]*")
# Host and path take only the characters a web host's names use, so that nothing from a remote
# URL (a newline, `|`, `)`, `<`) can reach the Markdown link made of them.
_REMOTE = re.compile(
    r"(?:(?:https?|ssh|git)://(?:[^@/\s]+@)?(?P<host1>[A-Za-z0-9.-]+)(?::\d+)?/"
    r"|(?:[^@/\s]+@)?(?P<host2>[A-Za-z0-9.-]+):)(?P<path>[A-Za-z0-9._~/-]+?)(?:\.git)?/?"
)


def page_of_remote(url: str) -> str:
    """`https://host/owner/repo/commit/{sha}` for a GitHub, GitLab or Bitbucket-style remote."""
    m = _REMOTE.fullmatch(url)
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


def origin_page(root: Path) -> str:
    """The commit page pattern of the `origin` remote's web host, "" for none."""
    try:
        url = git(root, "config", "--get", "remote.origin.url").strip()
    except LedgerError:  # no origin
        return ""
    return page_of_remote(url)


def page(root: Path, configured_url: str) -> str:
    """The commit page pattern links use: the configured one, else the origin's web host's."""
    return page_pattern(configured_url or origin_page(root))


def is_shallow(root: Path) -> bool:
    """True in a shallow clone (`git clone --depth N`), whose history stops somewhere."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


def commit_sha(root: Path, rev: str) -> str:
    """The full SHA of the commit `rev` names, as git itself reads it (`@{-1}`, `HEAD@{1}`)."""
    if not REV.fullmatch(rev):
        raise LedgerError(f"{rev!r} is not a revision; give a commit SHA, branch or tag")
    done = run_git(root, "rev-parse", "--verify", f"{rev}^{{commit}}")
    if done.returncode == 0:
        return done.stdout.strip()
    if "dubious ownership" in done.stderr:
        raise LedgerError(refusal(root, done.stderr))
    fatal = [ln for ln in done.stderr.splitlines() if "fatal:" in ln]
    why = fatal[-1].split("fatal:", 1)[1].strip().rstrip("'") if fatal else ""
    why = "" if not why or "single revision" in why else f" ({why})"
    where = f"; this is a shallow clone: {UNSHALLOW}" if is_shallow(root) else ""
    raise LedgerError(
        f"no commit {rev!r} in this repository{why}; `git log` lists the commits, "
        f"`git reflog` where HEAD was{where}"
    )


def fix(root: Path, rev: str, configured_url: str) -> Fix:
    """The commit `rev` names: full SHA, subject, the files it changed with their +/- line
    counts (None when a shallow clone lacks a parent to compare with), and its page."""
    sha = commit_sha(root, rev)
    raw = git(root, "cat-file", "commit", sha)
    head, _, message = raw.partition("\n\n")
    parents = [line[7:] for line in head.splitlines() if line.startswith("parent ")]
    files = None
    if not _missing(root, parents):
        base = [parents[0], sha] if parents else ["--root", sha]
        command = "diff-tree" if not parents else "diff"
        files = _numstat(git(root, command, "--numstat", "-z", "--no-renames", "-r", *base, "--"))
    pattern = page(root, configured_url)
    url = pattern.replace("{sha}", sha) if pattern else ""
    return Fix(sha, message.strip().split("\n", 1)[0], files, url)


def _missing(root: Path, shas: list[str]) -> bool:
    """Whether any of `shas` names no object here (a shallow clone's cut)."""
    if not shas:
        return False
    out = git(root, "cat-file", "--batch-check", given="".join(f"{s}\n" for s in shas))
    return any(line.endswith(" missing") for line in out.splitlines())


def _numstat(out: str) -> tuple[tuple[str, int, int], ...]:
    """`git diff --numstat -z`'s records as (path, added, deleted); a binary file counts 0."""
    files = []
    for record in out.split("\0"):
        added, tab, rest = record.partition("\t")
        if not tab:
            continue  # `diff-tree --root` names the commit first; the last record is empty
        deleted, _, path = rest.partition("\t")
        files.append((path, _count(added), _count(deleted)))
    return tuple(files)


def _count(field: str) -> int:
    return int(field) if field.isdigit() else 0  # `-` for a binary file
