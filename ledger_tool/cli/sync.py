"""`ledger sync`: bring the ledger up to date with git history (the post-commit, post-rewrite and
post-merge hooks run it)."""

from __future__ import annotations

import os

import click

from ledger_tool.cli._common import (
    change,
    needed_git_facts,
    warn_without_files,
    workspace,
)


@click.command()
@click.option("--check", "dry_run", is_flag=True, help="Change nothing; exit 1 if behind history.")
def sync(dry_run: bool) -> None:
    """Bring the ledger up to date with git history.

    Every commit reachable from HEAD whose message has a `Fixes: ERR-...` trailer resolves that
    error with that commit (Fix Commit, files changed, time of the commit); `Refs: ERR-...` links
    the commit in the error's history; a `git revert` of a recorded fix reopens that error.
    Merged-in commits, merge commits and cherry-picks count like any other.  Running it again
    changes nothing; an amended or rebased fix is followed to its new SHA, not recorded twice.  The
    post-commit, post-rewrite and post-merge hooks run it.

    \b
        git commit -m "Lower the eval batch size" -m "Fixes: ERR-2026-11-20-001"
        ledger sync
        ledger sync --check       # in CI: exit 1 if a Fixes: commit is not recorded yet
    """
    from ledger_tool.files import ledger, wording
    from ledger_tool.gitlink import gitstate
    from ledger_tool.lifecycle import sync as syncing

    ws = workspace()
    facts = needed_git_facts(ws, "ledger sync reads git history; run it inside a git repository")
    busy = gitstate.operation_going_on(ws.root, os.environ.get("LEDGER_HOOK"))
    if busy is not None and not dry_run:
        click.echo(f"ledger: a {busy} is in progress; run `ledger sync` when it is done", err=True)
        return
    if facts.is_shallow():
        click.echo(
            "ledger: warning: this is a shallow clone, so commits older than its history were "
            f"not read and a Fixes: among them is not recorded; {wording.UNSHALLOW}",
            err=True,
        )
    commits = facts.trailer_commits()
    if syncing.all_recorded(ws, commits):  # the usual post-commit case: nothing to parse
        return
    if dry_run:
        behind = syncing.sync(ledger.read(ws), commits, facts)
        for sha in behind.without_files:
            warn_without_files(sha)
        for line in behind.changes:
            click.echo(f"behind: {line}")
        if behind.changes:
            click.get_current_context().exit(1)
        return
    with change(ws) as changed:
        done = syncing.sync(changed, commits, facts)
    for sha in done.without_files:
        warn_without_files(sha)
    for line in done.changes:
        click.echo(line)
    for sha in done.unverified:
        click.echo(
            f"ledger: warning: the recorded fix commit {sha[:7]} is not in this shallow clone, "
            f"so whether it was rewritten cannot be told; its record is kept: {wording.UNSHALLOW}",
            err=True,
        )
