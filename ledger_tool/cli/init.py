"""The commands that start a ledger: `init` (the files, optionally the hooks) and `adopt` (the
history the repository already keeps, brought into the ledger's format)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import click

from ledger_tool.cli._common import (
    has_commit,
    print_json,
    refuse_during_git_operation,
    say,
    workspace,
)
from ledger_tool.exceptions import LedgerError

if TYPE_CHECKING:
    from ledger_tool.lifecycle.adopt import Adoption
    from ledger_tool.workspace import Workspace


CI_WORKFLOWS = {"github": ".github/workflows/ledger.yml"}


@click.command()
@click.option("--hooks", is_flag=True, help="Also install the git hooks (`ledger hooks install`).")
@click.option(
    "--ci",
    type=click.Choice(sorted(CI_WORKFLOWS)),
    help="Also write a CI workflow: `github` writes .github/workflows/ledger.yml, which runs "
    "`ledger check` and `ledger sync --check` on pull requests and commits last week's report "
    "every Monday.",
)
def init(hooks: bool, ci: str | None) -> None:
    """Create the missing ERRORS.md, JOURNAL.md and TASKS.md and a default `.ledger.toml`.

    Existing files are adopted as they are (the seed's ERRORS.md included); nothing is overwritten.

    \b
        ledger init --hooks             # and the git hooks
        ledger init --ci github         # and a GitHub Actions workflow
    """
    from ledger_tool import gitdirs
    from ledger_tool.cli.hooks import install_hooks
    from ledger_tool.files.ledger import writing
    from ledger_tool.lifecycle import start

    ws = workspace()
    if hooks and gitdirs.git_dir(ws.root) is None:
        raise LedgerError(f"--hooks needs a git repository and {ws.root} is none; run `git init`")
    refuse_during_git_operation(ws)
    if hooks:
        from ledger_tool.gitlink import gitio

        gitio.open_repo(ws.root)  # a git that cannot work here says so before any file is made
    workflow = ws.inside(ws.root / CI_WORKFLOWS[ci], "the CI workflow") if ci else None
    with writing(ws) as out:
        if ws.path("errors").exists():
            start.refuse_unreadable(ws, functools.partial(_adopted, ws))
        created, lines = start.missing_files(ws)
        out.update(created)
        if ci and workflow is not None:
            shown = CI_WORKFLOWS[ci]
            if workflow.exists():  # the team's now, as the ledger files are once made
                lines.append(f"kept     {shown}")
            else:
                out[workflow] = _workflow(ws, ci)
                lines.append(f"created  {shown}")
    click.echo("\n".join(lines))
    if hooks:
        install_hooks(ws)
    _hint_journal_only(ws)


def _workflow(ws: Workspace, ci: str) -> str:
    """The CI workflow, from its template (which a repository may override)."""
    from ledger_tool import __version__
    from ledger_tool.figures.pages import REPORTS_DIR
    from ledger_tool.files.templates import render_page

    install = f"ledger-tool @ git+https://github.com/ledger-tool/ledger@v{__version__}"
    return render_page(ws.root, f"ci_{ci}.yml.j2", install=install, reports=REPORTS_DIR)


def _hint_journal_only(ws: Workspace) -> None:
    """Say which errors the journal names that ERRORS.md lacks: `adopt` brings them in."""
    from ledger_tool.exceptions import ParseError
    from ledger_tool.lifecycle.adopt import journal_only

    try:
        missing = journal_only(ws)
    except ParseError as exc:  # the ledger is made; the journal needs a fix before it is written
        click.echo(f"ledger: note: {exc}", err=True)
        missing = []
    if missing:
        shown = " ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        click.echo(
            f"{ws.display('journal')} names {len(missing)} error(s) that {ws.display('errors')} "
            f"lacks ({shown}): `ledger adopt --dry-run` shows how `ledger adopt` brings them in"
        )


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what it would do; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes and problems as JSON.")
def adopt(dry_run: bool, as_json: bool) -> None:
    """Bring the history the repository already keeps into the ledger.

    \b
    Errors only JOURNAL.md records (`### Title |ERROR:ERR-...|` entries) get their
      ERRORS.md entry under that ID, dated by the journal, the journal entry linked.
    A hand-written ERRORS.md (`### ERR-20251120-001: title`, `**Status:** Active`,
      `**Severity:** High`, `## [ERR-20260307-001] title`, ...) is rewritten into the
      ledger's blocks with every word of it kept.
    Then the table rows, tasks and journal entries follow, as `ledger check --fix` makes them.
    Nothing is written unless all of it can be: what cannot be mapped is listed as
    PATH:LINE with what to do.  The rules are in docs/adopt.md.

    \b
        ledger adopt --dry-run      # what it would do
        ledger adopt
    """
    from ledger_tool.files.ledger import writing

    ws = workspace()
    if not dry_run:
        refuse_during_git_operation(ws)
    with writing(ws) as out:
        result = _adopted(ws)
        if not result.problems and not dry_run:
            out.update(result.changes)
    files = sorted(p.relative_to(ws.root).as_posix() for p in result.changes)
    if as_json:
        problems = [{"path": p, "line": n, "message": m} for p, n, m in result.problems]
        print_json({"actions": result.actions, "files": files, "problems": problems})
    else:
        for line in result.problems or result.actions:
            say(str(line) if not result.problems else f"{line[0]}:{line[1]}: {line[2]}")
    if result.problems:
        raise LedgerError(
            f"nothing adopted: {len(result.problems)} problem(s) above; fix them in the files "
            "and run `ledger adopt --dry-run` again"
        )
    if not as_json:
        if not result.actions:
            click.echo("nothing to adopt: every error the files name is in the ledger")
        elif dry_run:
            click.echo(f"dry run: would change {', '.join(files)}; run `ledger adopt` to do it")
        else:
            click.echo(f"adopted: {', '.join(files)} changed; `ledger check` passes")


def _adopted(ws: Workspace) -> Adoption:
    """What `ledger adopt` does or would do, with what `ledger check` would refuse in the adopted
    files among its problems (then nothing is adopted): for `adopt`, and for `init`'s refusal
    of a hand-written ERRORS.md, which lists the same problems."""
    from ledger_tool.checks.sources import problems_after
    from ledger_tool.lifecycle.adopt import adopt

    result = adopt(ws, has_commit(ws))
    if result.changes:  # what it wrote must pass `ledger check`, or nothing is written
        result.problems += problems_after(ws, result.changes)
    return result
