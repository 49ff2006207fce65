"""Commits as the ledger sees them, and the questions it asks git about them: the one git seam.

The lifecycle (`resolve`, `seen`, `sync`) asks a `GitFacts` what it needs to know; the one
implementation is `ledger_tool.gitlink.gitio.RepoFacts`, which the command line makes and passes
in.  So nothing below the command line starts git or loads gitpython, and the answers a command
acts on are the ones listed here, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ledger_tool.markdown.textcodec import web_url


@dataclass(frozen=True)
class Fix:
    """What `resolve` records about the fix commit."""

    sha: str
    subject: str
    files: tuple[tuple[str, int, int], ...] | None  # (path, added, deleted); None: not known
    url: str  # commit page, or "" when the remote is not a known web host


@dataclass(frozen=True)
class TrailerCommit:
    """A commit whose message carries `Fixes:` or `Refs:` trailers."""

    sha: str
    when: datetime
    subject: str
    fixes: tuple[str, ...]
    refs: tuple[str, ...]
    reverts: tuple[str, ...] = ()  # the commits a `git revert` commit reverts


class GitFacts(Protocol):
    """What the lifecycle asks git.  A revision git does not know is refused (`LedgerError`)."""

    def fix(self, rev: str) -> Fix:
        """The commit `rev` (SHA, branch, tag) names, as a resolution records it: full SHA,
        subject, the files it changed (None when a shallow clone lacks its parent), its page."""
        ...

    def sha(self, rev: str) -> str:
        """The full SHA of the commit `rev` names."""
        ...

    def contains(self, rev: str, sha: str) -> bool | None:
        """True when the code at `rev` includes commit `sha`; None when a shallow clone lacks
        the history that would tell."""
        ...

    def orphaned(self, sha: str) -> bool | None:
        """True when no branch or tag holds commit `sha` any more (amended or rebased away), or
        the repository lacks it; None when a shallow clone may just not reach it."""
        ...


def page_pattern(pattern: str) -> str:
    """The commit page pattern (`...{sha}`) as links use it: an http(s) address with every
    character that could break out of a Markdown link or a table cell percent-encoded; any other
    pattern (`javascript:...`) gives "" (links then name the bare short SHA)."""
    return web_url(pattern).replace("%7Bsha%7D", "{sha}")
