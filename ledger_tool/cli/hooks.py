"""Git's side: the `hooks` group (install, uninstall, status), the merge driver git runs, and
`renumber`, which settles the ID clash a merge stopped on."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ledger_tool.cli._common import (
    commit_url,
    normal_id,
    print_json,
    refuse_during_git_operation,
    say,
    taken_numbers,
    workspace,
)

if TYPE_CHECKING:
    from ledger_tool.workspace import Workspace


@click.group("hooks")
def hooks_group() -> None:
    """Install, remove or inspect ledger's git hooks and merge driver.

    \b
    pre-commit    ledger check --staged: a malformed ledger stops the commit
    commit-msg    ledger check --commit-msg: Fixes:/Refs: must name known errors
    post-commit   ledger sync: a fix commit is recorded in the working tree at once
    post-rewrite  ledger sync once a rebase is done
    post-merge    ledger sync after a merge or pull: the fixes it brought in are recorded
    A hook already there is kept and runs first.  Only a problem in the ledger or the message
    stops a commit; a failure of the tool itself prints a warning and the commit goes on.
    Under a hook the lock is waited for 3 s at most and a run stops after LEDGER_HOOK_TIMEOUT
    seconds (default 10, 0 for none) with a warning; run `ledger sync` later.
    """


def _hook_files(ws: Workspace) -> list[str]:
    """The ledger's files as the hooks and the merge driver name them (the journal archive's
    monthly files by a pattern)."""
    names = [ws.display(name) for name in ("errors", "journal", "tasks")]
    return [*names, f"{ws.config.journal_archive_dir}/*.md"]


def install_hooks(ws: Workspace) -> None:
    from ledger_tool.gitlink import hooks

    for action, subject in hooks.install(ws.root, sys.executable, _hook_files(ws)):
        click.echo(f"{action:<9} {subject}")


@hooks_group.command("install")
def hooks_install() -> None:
    """Install the hooks and register the merge driver for the three files (twice is once).

    The hooks go where git runs them from (`core.hooksPath`, else .git/hooks) and call this
    Python's ledger.  The merge driver is `merge.ledger` in .git/config plus a `merge=ledger`
    line per ledger file in .gitattributes (commit that file to share it).
    """
    install_hooks(workspace())


@hooks_group.command("uninstall")
def hooks_uninstall() -> None:
    """Remove ledger's hooks (putting back any they chained), its merge driver and its
    .gitattributes lines; nothing else is touched."""
    from ledger_tool.gitlink import hooks

    ws = workspace()
    for action, subject in hooks.uninstall(ws.root, _hook_files(ws)):
        click.echo(f"{action:<9} {subject}")


_HOOK_STATES = {
    "installed": "installed",
    "outdated": "installed by another Python or ledger version; `ledger hooks install` updates it",
    "foreign": "not ledger's; `ledger hooks install` keeps it and runs it first",
    "missing": "missing",
}


@hooks_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the states as one JSON object.")
def hooks_status(as_json: bool) -> None:
    """Show each hook (installed, outdated, foreign or missing), the merge driver and the
    `merge` attribute of each ledger file."""
    from dataclasses import asdict

    from ledger_tool.gitlink import hooks

    ws = workspace()
    found = hooks.status(ws.root, sys.executable, _hook_files(ws))
    if as_json:
        print_json(asdict(found))
        return
    click.echo(f"{'hooks in':<14}{found.hooks_dir}")
    for name, state in found.hooks.items():
        line = f"{name:<14}{_HOOK_STATES[state]}"
        if found.chained[name]:  # git runs the chained hook only through ours
            kept = name + hooks.CHAINED
            ours = state in ("installed", "outdated")
            line += f"; runs {kept} first" if ours else f"; {kept} is kept, not run"
        click.echo(line)
    driver = "set to another command" if found.driver == "foreign" else _HOOK_STATES[found.driver]
    click.echo(f"{'merge driver':<14}{driver}")
    for path, value in found.attributes.items():
        click.echo(f"{path:<14}{' ' if len(path) >= 14 else ''}merge={value}")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the IDs and the files changed.")
def renumber(old: str, new: str, as_json: bool) -> None:
    """Give error OLD the ID NEW in ERRORS.md, TASKS.md, JOURNAL.md and the journal archive.

    NEW keeps OLD's date and must be free here and on every branch this clone knows.  When a
    merge stopped because both branches opened an error under one ID: abort the merge, renumber
    the error on your branch to the free ID the message names, commit, and merge again.  When
    OLD heads two blocks (`ledger check` says LDG102), the later one is renumbered, with its
    table row and task when OLD has two of them; journal entries naming OLD stay as they are.

    \b
        ledger renumber ERR-2026-11-20-001 ERR-2026-11-20-002
    """
    from ledger_tool.files.ledger import writing
    from ledger_tool.lifecycle import renumber as renumbering

    ws = workspace()
    old, new = normal_id(old), normal_id(new)
    refuse_during_git_operation(
        ws, "a merge is in progress; abort it first (`git merge --abort`), then renumber"
    )
    try:
        taken = taken_numbers(ws, datetime.strptime(old[4:14], "%Y-%m-%d"))
    except ValueError:
        taken = set()  # not an ID: the core says so
    with writing(ws) as out:
        ledger = renumbering.ledger_reading_duplicates(ws)
        ledger.check_key_fields()
        done = renumbering.renumber(ledger, old, new, taken)
        out.update(done.changes)
    files = sorted(p.relative_to(ws.root).as_posix() for p in done.changes)
    where = "" if done.line is None else f" at {ws.display('errors')}:{done.line}"
    if as_json:
        line = {} if done.line is None else {"line": done.line, "notes": done.notes}
        print_json({"old": old, "new": new, "files": files, **line})
        return
    say(f"{old}{where} is now {new} ({', '.join(files)})")
    for note in done.notes:
        say(f"note: {note}")


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("path")
def merge_driver(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """Merge one ledger file for git entry by entry (`ledger hooks install` registers it).

    Git runs it as `merge-driver %O %A %B %P` and takes the result from OURS.  Exit 1 is a
    conflict, explained on stderr; OURS is then left as it was, unless only the text around the
    entries conflicts, which then carries git's conflict markers.
    """
    from ledger_tool.files import store
    from ledger_tool.merge import driver, kinds

    ws = workspace()
    sides = {"base": base, "ours": ours, "theirs": theirs}
    base_text, ours_text, theirs_text = (
        store.read_text(file, f"{path} ({side})") for side, file in sides.items()
    )
    kind = kinds.kind_of(ws.config, path)
    url = commit_url(ws) if kind == "errors" else ""
    outcome = driver.merge_file(kind, base_text, ours_text, theirs_text, path, ws.tz, url)
    if outcome.text is not None and outcome.text != ours_text:
        driver.write_result(ws.root, ours, outcome.text)
    for problem in outcome.problems:
        say(f"ledger: {problem}", err=True)
    if not outcome.clean:
        click.get_current_context().exit(1)
