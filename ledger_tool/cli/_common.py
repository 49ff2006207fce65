"""What every command shares: the workspace, the clock, printing, JSON, and the door to git.

The core is imported inside the functions, so that `ledger --help` and the hooks stay fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ledger_tool.exceptions import LedgerError
from ledger_tool.markdown.textcodec import printable

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ledger_tool.files.ledger import Ledger
    from ledger_tool.gitlink.gitio import RepoFacts
    from ledger_tool.model.commits import Fix
    from ledger_tool.model.entry import Entry
    from ledger_tool.workspace import Workspace

AT_HELP = (
    "When it happened (ISO 8601, e.g. '2026-11-20 09:15' or '2026-11-20T09:15+01:00'); default now."
)


def workspace() -> Workspace:
    from ledger_tool.workspace import Workspace

    return Workspace.find(Path.cwd())


def when(ws: Workspace, at: str | None) -> datetime:
    """The time `--at` gives, else now (to the minute) in the configured zone."""
    from ledger_tool.model.timefmt import parse_at

    if at is None:
        return datetime.now(ws.tz).replace(second=0, microsecond=0)
    return parse_at(at, ws.tz)


def say(text: str, err: bool = False) -> None:
    """Print a line that holds user text (stored text, an argument, a file's words): control and
    escape characters show as `\\x1b` and the like, never act on the terminal."""
    click.echo(printable(text), err=err)


def print_json(data: object) -> None:
    # indented for people; compact (and much faster to write) for programs
    click.echo(json.dumps(data, indent=2 if sys.stdout.isatty() else None))


def normal_id(error_id: str) -> str:
    return error_id.strip().upper()


def complete_ids(status: str | None = None) -> Callable[..., list[CompletionItem]]:
    """Shell completion of an error ID, from the rows of ERRORS.md's table (`ACTIVE P1 hooks` as
    its help), only those of `status` when given; nothing when there is no ledger to read."""

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        from ledger_tool.files.errors_table import table_rows

        try:
            text = workspace().path("errors").read_text(encoding="utf-8", errors="replace")
        except (OSError, LedgerError):
            return []
        typed = incomplete.upper()
        return [
            CompletionItem(cells[0], help=" ".join(cells[2:5]))
            for cells in table_rows(text)
            if len(cells) >= 5 and cells[0].startswith(typed) and status in (None, cells[2].lower())
        ]

    return complete


def fmt(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def refuse_during_git_operation(ws: Workspace, during_merge: str = "") -> None:
    """Every writing command asks this before it takes the lock (gitstate says why)."""
    from ledger_tool.gitlink import gitstate

    gitstate.refuse_during_operation(ws.root, during_merge)


@contextlib.contextmanager
def change(ws: Workspace) -> Iterator[Ledger]:
    """`files.ledger.changing`, refused first while git is in the middle of a rebase or merge
    (the files layer does not ask git)."""
    from ledger_tool.files.ledger import changing

    refuse_during_git_operation(ws)
    with changing(ws) as ledger:
        yield ledger
    rewritten = ledger.rewritten_block()
    if rewritten is not None:  # a sighting's: the answer of `ledger check` may be kept for it
        from ledger_tool.checks.carry import carry_answer

        carry_answer(ledger, rewritten)


def print_entry(entry: Entry, as_json: bool, line: str) -> None:
    """What a command that changed one error prints: the entry as JSON, else `line`."""
    if as_json:
        print_json(entry.as_json())
    else:
        click.echo(line)


def git_facts(ws: Workspace) -> RepoFacts | None:
    """The repository's answers to the core (`GitFacts`), or None outside a git work tree."""
    from ledger_tool.gitlink.gitio import RepoFacts

    return RepoFacts.open(ws.root, ws.config.commit_url)


def lazy_git_facts(ws: Workspace) -> Callable[[], RepoFacts | None]:
    """`git_facts`, opened on the first call and kept: loading gitpython costs more than a
    command that may not need git (`seen` of an active error, `adopt` with no fix commit to
    look up) takes in all."""
    return functools.cache(functools.partial(git_facts, ws))


def has_commit(ws: Workspace) -> Callable[[str], bool]:
    """Whether the repository has a commit (`adopt` links only the fix commits it has), git
    opened at the first question: an ERRORS.md that names no commit needs no git."""
    git = lazy_git_facts(ws)

    def known(sha: str) -> bool:
        facts = git()
        return facts is not None and facts.has_commit(sha)

    return known


def needed_git_facts(ws: Workspace, why: str) -> RepoFacts:
    """`git_facts`, refused outside git with `why` (what needs a repository)."""
    from ledger_tool.exceptions import LedgerError

    facts = git_facts(ws)
    if facts is None:
        raise LedgerError(why)
    return facts


def fix_commit(ws: Workspace, rev: str) -> Fix:
    """The fix commit `rev` names, asked with plain git (no gitpython to import)."""
    from ledger_tool import gitdirs
    from ledger_tool.gitlink.fixcommit import fix

    if gitdirs.git_dir(ws.root) is None:
        raise LedgerError("--commit needs a git repository; run the command inside one")
    return fix(ws.root, rev, ws.config.commit_url)


def taken_numbers(ws: Workspace, day: date) -> set[int]:
    """The numbers of `day` the errors file holds on any branch this clone knows (none
    outside git): a new or renumbered error must not take one."""
    from ledger_tool.gitlink.branches import numbers_on_branches

    return numbers_on_branches(ws.root, ws.relative("errors"), day.strftime("%Y-%m-%d"))


def warn_without_files(sha: str) -> None:
    from ledger_tool.files import wording

    click.echo(
        f"ledger: warning: this shallow clone lacks the parent of {sha[:7]}, so the "
        f"files it changed are not recorded (Code Changes: {wording.UNKNOWN_CHANGES}); "
        f"{wording.UNSHALLOW} first to record them",
        err=True,
    )


def commit_url(ws: Workspace) -> str:
    """The commit page pattern (`...{sha}`) for Link to fix, as `resolve --commit` uses it
    (`model.commits.page_pattern`), asked with plain git.  Without git, links name the short
    SHA only (a report needs no git)."""
    from ledger_tool import gitdirs
    from ledger_tool.gitlink.fixcommit import page
    from ledger_tool.model.commits import page_pattern

    if ws.config.commit_url or gitdirs.git_dir(ws.root) is None:
        return page_pattern(ws.config.commit_url)
    return page(ws.root, "")  # git missing or refusing: no origin to read, ""
