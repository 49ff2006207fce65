"""`ledger check`: validate the three files together, `--fix` what is derived, or check a commit
message's trailers (the commit-msg hook)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ledger_tool.cli._common import change, print_json, say, workspace
from ledger_tool.exceptions import LedgerError

if TYPE_CHECKING:
    from ledger_tool.checks.problem import Problem
    from ledger_tool.workspace import Workspace


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--fix", is_flag=True, help="Regenerate what is derived; exit 1 if anything changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON array.")
@click.option("--staged", is_flag=True, help="Check the versions in the git index (pre-commit).")
@click.option(
    "--commit-msg",
    "message_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Check the Fixes:/Refs: trailers of a commit message file instead (commit-msg hook).",
)
def check(
    paths: tuple[str, ...], fix: bool, as_json: bool, staged: bool, message_file: str | None
) -> None:
    """Validate ERRORS.md, JOURNAL.md and TASKS.md together.

    Prints each problem as `PATH:LINE: CODE message` (every code is explained in docs/checks.md)
    and exits 1 if there is any; warnings are printed but do not fail.  With PATHs (as the
    pre-commit framework passes them), checks only when one of them is a ledger file.

    \b
        ledger check
        ledger check --fix        # table, order, missing journal entries and tasks
        ledger check --json
    """
    ws = workspace()
    if message_file is not None:
        _check_message(ws, message_file)
        return
    ours = {ws.path(name).resolve() for name in ("errors", "journal", "tasks")}
    if paths and not any(Path(p).resolve() in ours for p in paths):
        return
    if fix:
        _check_fix(ws)
        return
    from ledger_tool.checks import recall
    from ledger_tool.files import store

    store.finish_interrupted(ws.root)
    blobs = _staged_blobs(ws) if staged else None
    if staged and blobs is None:
        return  # the commit being made changes no ledger file
    known = recall.recall(ws, blobs)  # the answer for files nobody changed since
    if known is None and blobs is not None:
        known = _as_in_worktree(ws, blobs)
    if known is not None:
        problems = known
    else:
        from ledger_tool.checks.sources import check_workspace

        before = recall.snapshot(ws, blobs)
        checked = check_workspace(ws, blobs)
        problems = checked.problems
        if checked.no_git:
            click.echo(
                "ledger: warning: git is not on PATH, so fix commits were not checked", err=True
            )
        else:
            recall.remember(ws, before, problems, blobs)
    if as_json:
        print_json([p.as_json() for p in problems])
    else:
        for problem in problems:
            say(str(problem))
    errors = [p for p in problems if not p.warning]
    if errors:
        if not as_json:
            click.echo(f"ledger: {len(errors)} problem(s) in the ledger", err=True)
        click.get_current_context().exit(1)


def _as_in_worktree(ws: Workspace, blobs: dict[str, str]) -> list[Problem] | None:
    """The working tree's answer, when the index holds what the working tree does (the usual
    `git add` of what a command changed, whose answer the command kept: `checks.carry`)."""
    from functools import partial

    from ledger_tool.checks import recall
    from ledger_tool.gitlink import index

    held = partial(index.held_by_worktree, ws.root, blobs)
    return recall.recall_from_worktree(ws, blobs, held)


def _staged_blobs(ws: Workspace) -> dict[str, str] | None:
    """The index's blob of each ledger file, or None when the commit being made changes none."""
    from ledger_tool import gitdirs
    from ledger_tool.gitlink import index

    if gitdirs.git_dir(ws.root) is None:
        raise LedgerError("--staged checks the git index, and this is not a git repository")
    paths = [ws.relative(name) for name in ("errors", "journal", "tasks")]
    blobs = index.staged_blobs(ws.root, paths)
    return blobs if index.staged_changes(ws.root, paths) else None


def _check_message(ws: Workspace, message_file: str) -> None:
    """The commit-msg hook: every ID in a Fixes:/Refs: trailer must name an error."""
    from ledger_tool.checks import commit_msg

    message = commit_msg.read_message(ws, message_file)
    _hint_loose_lines(message.loose)
    verdict = commit_msg.check_trailers(ws, message)
    for error_id in verdict.resolved:
        click.echo(f"ledger: note: {error_id} is already resolved; keeping its record", err=True)
    if verdict.unknown:
        listed = " ".join(verdict.active) if verdict.active else "none"
        named = ", ".join(verdict.unknown)
        raise LedgerError(
            f"the commit message names errors the ledger does not have ({named}); "
            f"open errors: {listed}. Fix the ID (or open the error first with `ledger open`)"
        )


def _hint_loose_lines(lines: list[str]) -> None:
    """Say which `Fixes:`/`Refs:` lines git does not read as trailers, so sync would ignore them."""
    for line in lines:
        click.echo(
            f"ledger: hint: `{line}` is not a trailer, so `ledger sync` will not record it: "
            "git reads trailers only from the message's last paragraph; to make it one, put it "
            "there, after a blank line, with only `Key: value` lines",
            err=True,
        )


def _check_fix(ws: Workspace) -> None:
    from ledger_tool.lifecycle.repair import fix_derived

    with change(ws) as ledger:
        changed = fix_derived(ledger)
    for line in changed:
        click.echo(line)
    if changed:
        click.get_current_context().exit(1)
