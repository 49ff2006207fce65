"""The command line: the only module that imports click, prints, reads the clock or picks exit codes.

Each command is a thin layer over `ledger_tool.files.ledger`; the core is imported inside the commands so
that `ledger --help` and the hooks stay fast.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from ledger_tool import __version__
from ledger_tool.exceptions import HookTimeout, LedgerError
from ledger_tool.markdown.textcodec import printable

if TYPE_CHECKING:
    from ledger_tool.files.ledger import Ledger
    from ledger_tool.model.entry import Entry
    from ledger_tool.workspace import Workspace

T = TypeVar("T")
AT_HELP = (
    "When it happened (ISO 8601, e.g. '2026-11-20 09:15' or '2026-11-20T09:15+01:00'); default now."
)


def _workspace() -> Workspace:
    from ledger_tool.workspace import Workspace

    return Workspace.find(Path.cwd())


def _when(ws: Workspace, at: str | None) -> datetime:
    from ledger_tool.model.timefmt import parse_at

    if at is None:
        return datetime.now(ws.tz).replace(second=0, microsecond=0)
    return parse_at(at, ws.tz)


def _change(ws: Workspace, action: Callable[[Ledger], T]) -> T:
    """Run `action` on the ledger under the lock and write every changed file as one change."""
    from ledger_tool.files import store
    from ledger_tool.files.ledger import Ledger

    ws.refuse_during_git_operation()
    with store.locked(ws.root):
        ledger = Ledger(ws)
        ledger.errors.check_key_fields()
        result = action(ledger)
        store.write_files(ws.root, ledger.changes())
    return result


def _read(ws: Workspace) -> Ledger:
    from ledger_tool.files.ledger import Ledger

    _recover(ws)
    return Ledger(ws)


def _say(text: str, err: bool = False) -> None:
    """Print a line that holds user text (stored text, an argument, a file's words): control and
    escape characters show as `\\x1b` and the like, never act on the terminal."""
    click.echo(printable(text), err=err)


def _recover(ws: Workspace) -> None:
    """Finish or discard a write that a crash interrupted, before reading the files."""
    from ledger_tool.files import store

    if store.interrupted(ws.root):
        with store.locked(ws.root):
            pass


def _print_json(data: object) -> None:
    # indented for people; compact (and much faster to write) for programs
    click.echo(json.dumps(data, indent=2 if sys.stdout.isatty() else None))


def _normal_id(error_id: str) -> str:
    return error_id.strip().upper()


class _Group(click.Group):
    """Turns the core's errors into exit codes: 1 a user-fixable problem (message, no traceback),
    3 an internal error (traceback kept); click itself gives 2 for usage errors."""

    def invoke(self, ctx: click.Context) -> Any:
        from ledger_tool import bound
        from ledger_tool.files import store

        try:
            with bound.bounded():
                return super().invoke(ctx)
        except HookTimeout as exc:  # the hook script warns and lets git go on
            click.echo(f"ledger: warning: {exc}", err=True)
            if bound.under_framework():  # no hook script of ours to say so: let git go on here
                click.echo("ledger: warning: the commit goes on unchecked", err=True)
                ctx.exit(0)
            ctx.exit(124)
        except LedgerError as exc:
            _say(f"ledger: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (`ledger list | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:  # the file system's refusal (permissions, read-only, full)
            _say(f"ledger: {store.os_problem(exc)}", err=True)
            ctx.exit(1)
        except Exception:
            click.echo(traceback.format_exc(), err=True)
            click.echo(
                "ledger: internal error; please report it with the traceback above", err=True
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ledger")
def cli() -> None:
    """Keep ERRORS.md, JOURNAL.md and TASKS.md: a team's critical-error ledger in git.

    \b
    Start:   ledger init --hooks
    Open:    ledger open P0 inference "CUDA OOM during eval"
    Update:  ledger seen ERR-2026-11-21-001 --count 3
             ledger note ERR-2026-11-21-001 --investigation "batch 64 too large"
    Close:   ledger resolve ERR-2026-11-21-001 --commit HEAD --root-cause "..."
             (or commit with a `Fixes: ERR-2026-11-21-001` line: the hooks run `ledger sync`)
    Read:    ledger list --status active    ledger show ERR-2026-11-21-001 --json
    Check:   ledger check [--fix]
    Figures: ledger metrics --since 2026-11-01    ledger report --week last
    """


@cli.command()
@click.option("--hooks", is_flag=True, help="Also install the git hooks (`ledger hooks install`).")
def init(hooks: bool) -> None:
    """Create the missing ERRORS.md, JOURNAL.md and TASKS.md and a default `.ledger.toml`.

    Existing files are adopted as they are (the seed's ERRORS.md included); nothing is overwritten.
    """
    from ledger_tool.config import DEFAULT_TOML, has_config
    from ledger_tool.files import store
    from ledger_tool.files.templates import read_packaged

    ws = _workspace()
    if hooks and store.git_dir(ws.root) is None:
        raise LedgerError(f"--hooks needs a git repository and {ws.root} is none; run `git init`")
    ws.refuse_during_git_operation()
    if hooks:
        from ledger_tool.gitlink import gitio

        gitio.open_repo(ws.root)  # a git that cannot work here says so before any file is made
    with store.locked(ws.root):
        if ws.path("errors").exists():
            _refuse_unreadable(ws)
        created: dict[Path, str] = {}
        lines = []
        for name in ("errors", "journal", "tasks"):
            path = ws.path(name)
            if path.exists():
                lines.append(f"kept     {ws.display(name)}")
            else:
                created[path] = read_packaged(f"{name.upper()}.md")
                lines.append(f"created  {ws.display(name)}")
        if not has_config(ws.root):
            created[ws.root / ".ledger.toml"] = DEFAULT_TOML
            lines.append("created  .ledger.toml")
        store.write_files(ws.root, created)
    click.echo("\n".join(lines))
    if hooks:
        _install_hooks(ws)
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


def _refuse_unreadable(ws: Workspace) -> None:
    """Refuse, creating nothing, an ERRORS.md the ledger cannot keep as it is; list every
    problem at once and the next step."""
    from ledger_tool.exceptions import ParseError
    from ledger_tool.files import store
    from ledger_tool.files.errors_md import ErrorsFile
    from ledger_tool.lifecycle.adopt import adopt as run_adopt
    from ledger_tool.lifecycle.adopt import hand_written

    display = ws.display("errors")
    text = store.read_text(ws.path("errors"), display)
    entries = hand_written(ws, text)
    try:
        ErrorsFile(display, text)
        if not entries:
            return
    except ParseError as exc:
        if not entries:
            raise LedgerError(
                f"{exc}\nnothing was created. {display} is not a ledger `ledger init` can keep: "
                f"fix it, or set `errors_file` in .ledger.toml to keep your {display} as it is "
                "and start the ledger in another file"
            ) from None
    found = run_adopt(ws, lambda sha: _has_commit(ws, sha))
    lines = [
        f"{display} holds {len(entries)} error entries written by hand that the ledger "
        "cannot read as they are; nothing was created."
    ]
    if found.problems:
        lines += [f"{p}:{n}: {m}" for p, n, m in found.problems]
        lines.append(
            f"Fix these, then `ledger adopt` rewrites {display} into the ledger's format "
            "keeping every word (`ledger adopt --dry-run` first shows how);"
        )
    else:
        lines.append(
            f"Next: `ledger adopt --dry-run` shows how `ledger adopt` rewrites {display} "
            "into the ledger's format, keeping every word;"
        )
    lines.append(
        f"or set `errors_file` in .ledger.toml to keep your {display} as it is and start "
        "the ledger in another file."
    )
    raise LedgerError("\n".join(lines))


@cli.command()
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
    from ledger_tool.files import store
    from ledger_tool.lifecycle.adopt import adopt as run_adopt

    ws = _workspace()
    if not dry_run:
        ws.refuse_during_git_operation()
    with store.locked(ws.root):
        result = run_adopt(ws, lambda sha: _has_commit(ws, sha))
        if not result.problems and not dry_run:
            store.write_files(ws.root, result.changes)
    files = sorted(p.relative_to(ws.root).as_posix() for p in result.changes)
    if as_json:
        problems = [{"path": p, "line": n, "message": m} for p, n, m in result.problems]
        _print_json({"actions": result.actions, "files": files, "problems": problems})
    else:
        for line in result.problems or result.actions:
            _say(str(line) if not result.problems else f"{line[0]}:{line[1]}: {line[2]}")
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


def _has_commit(ws: Workspace, sha: str) -> bool:
    from ledger_tool.gitlink import gitio

    repo = gitio.open_repo(ws.root)
    return repo is not None and not gitio.missing_commits(repo, [sha])


@cli.command("open")
@click.argument("severity")
@click.argument("area")
@click.argument("description", required=False)
@click.option("--symptoms", default="", help="What users or the system experience.")
@click.option("--impact", default="", help="Business or system impact.")
@click.option("--fingerprint", default="", help="A stable key to find this error again (ingest).")
@click.option("--at", help=AT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the new entry as JSON.")
def open_(
    severity: str,
    area: str,
    description: str | None,
    symptoms: str,
    impact: str,
    fingerprint: str,
    at: str | None,
    as_json: bool,
) -> None:
    """Open an error: new ID, table row, Active block, journal entry and task.

    SEVERITY is P0 or P1 (P2/P3 are not tracked).  Prints the new ID, e.g.

    \b
        ledger open P0 inference "CUDA OOM during eval" --at "2026-11-20 09:15"
        ERR-2026-11-20-001
    """
    if description is None:
        if not sys.stdin.isatty():
            raise LedgerError(
                "no DESCRIPTION given and no terminal to ask on; pass it as the third argument"
            )
        description = click.prompt("Description")
    ws = _workspace()
    when = _when(ws, at)
    taken = _numbers_on_branches(ws, when)

    def action(ledger: Ledger) -> Entry:
        return ledger.open(
            severity,
            area,
            description or "",
            when,
            symptoms=symptoms,
            impact=impact,
            fingerprint=fingerprint,
            taken=taken,
        )

    entry = _change(ws, action)
    if as_json:
        _print_json(entry.as_json())
    else:
        click.echo(entry.id)


def _numbers_on_branches(ws: Workspace, when: datetime) -> set[int]:
    from ledger_tool.gitlink import gitio

    repo = gitio.open_repo(ws.root)
    if repo is None:
        return set()
    rel = ws.relative("errors")
    return gitio.numbers_on_branches(repo, rel, when.strftime("%Y-%m-%d"))


@cli.command()
@click.argument("error_id")
@click.option("--count", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--at", help=AT_HELP)
@click.option(
    "--rev",
    default="HEAD",
    show_default=True,
    help="The code that showed the error; on a resolved error, a sighting is a regression "
    "(reopens it) only if REV contains the fix commit (a shallow clone that cannot tell counts "
    "the sighting, warns, and leaves the error resolved).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the updated entry as JSON.")
def seen(error_id: str, count: int, at: str | None, rev: str, as_json: bool) -> None:
    """Record sightings of an error: Occurrences, Last Seen and its history."""
    ws = _workspace()
    when = _when(ws, at)
    error_id = _normal_id(error_id)
    checked: dict[str, bool] = {}

    def seen_with_fix(fix: str | None) -> str | None:
        from ledger_tool.gitlink import gitio

        repo = gitio.open_repo(ws.root)
        if repo is None:
            return ""  # nothing to compare: a sighting after the fix counts as a regression
        sha = gitio.rev_sha(repo, rev)
        found = True if fix is None else gitio.contains(repo, fix, rev)
        checked["unknown"] = found is None  # a shallow clone: counted, not judged
        return sha if found else None

    if click.get_current_context().get_parameter_source("rev") == ParameterSource.COMMANDLINE:
        from ledger_tool.gitlink import gitio

        repo = gitio.open_repo(ws.root)
        if repo is not None:
            gitio.rev_sha(repo, rev)  # a --rev git does not know is said, whatever the status

    def action(ledger: Ledger) -> Entry:
        before = ledger.entry(error_id).status
        entry = ledger.see(error_id, when, count, seen_with_fix)
        checked["regressed"] = before == "resolved" and entry.status == "active"
        return entry

    entry = _change(ws, action)
    if as_json:
        _print_json(entry.as_json())
        return
    click.echo(f"{entry.id}: {entry.occurrences} occurrences, last seen {_fmt(entry.last_seen)}")
    if checked.get("regressed"):
        _say(f"{entry.id} regressed: {rev} contains the fix; it is active again")
    elif checked.get("unknown"):
        from ledger_tool.files import wording

        _say(
            f"{entry.id} stays resolved: this shallow clone cannot tell whether {rev} "
            "contains the fix commit"
        )
        _say(
            f"ledger: warning: the fix commit {entry.fix_commit} of {entry.id} is not in the "
            f"history this shallow clone has; the sighting is counted, not judged: "
            f"{wording.UNSHALLOW}, then `ledger reopen {entry.id}` if {rev} holds it",
            err=True,
        )
    elif entry.status == "resolved":
        _say(f"{entry.id} stays resolved: {rev} does not contain the fix commit")


def _fmt(when: datetime | None) -> str:
    return "-" if when is None else when.strftime("%Y-%m-%d %H:%M")


def _note_options(command: Callable[..., None]) -> Callable[..., None]:
    from ledger_tool.model.vocabulary import NOTE_FIELDS

    for key, name in reversed(NOTE_FIELDS.items()):
        flag = "--" + key.replace("_", "-")
        command = click.option(flag, key, default=None, help=f"Set {name}.")(command)
    return command


@cli.command()
@click.argument("error_id")
@_note_options
@click.option("--append", is_flag=True, help="Add to the field's text instead of replacing it.")
@click.option("--json", "as_json", is_flag=True, help="Print the updated entry as JSON.")
def note(error_id: str, append: bool, as_json: bool, **fields: str | None) -> None:
    """Fill investigation fields of an error, e.g.

    \b
        ledger note ERR-2026-11-20-001 --investigation "OOM at batch 64" --next-steps "try 32"
    """
    notes = {key: value for key, value in fields.items() if value is not None}
    if not notes:
        raise click.UsageError("give at least one field, e.g. --investigation TEXT")
    ws = _workspace()
    entry = _change(ws, lambda ledger: ledger.note(_normal_id(error_id), notes, append))
    if as_json:
        _print_json(entry.as_json())
    else:
        click.echo(f"{entry.id}: updated {', '.join(sorted(notes))}")


@cli.command()
@click.argument("error_id")
@click.option("--commit", "rev", help="The fix commit (SHA, branch, tag); read through git.")
@click.option("--root-cause", default="", help="The final root cause.")
@click.option("--solution", default="", help="What was done to fix it.")
@click.option("--at", help=AT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the resolved entry as JSON.")
def resolve(
    error_id: str, rev: str | None, root_cause: str, solution: str, at: str | None, as_json: bool
) -> None:
    """Resolve an error: move it to Resolved with its fix, complete its task, journal the result.

    An error resolved earlier without a fix commit (by hand, or adopted) takes its fix commit
    from --commit; its resolution keeps its time.

    \b
        ledger resolve ERR-2026-11-20-001 --commit HEAD --root-cause "batch too large"
    """
    ws = _workspace()
    when = _when(ws, at)
    fix = _fix(ws, rev) if rev else None
    known = _normal_id(error_id)

    def act(ledger: Ledger) -> tuple[bool, Entry]:
        was_resolved = ledger.entry(known).status == "resolved"
        return was_resolved, ledger.resolve(known, when, fix, root_cause, solution)

    was_resolved, entry = _change(ws, act)
    if as_json:
        _print_json(entry.as_json())
    elif was_resolved and entry.fix_commit:
        click.echo(f"{entry.id}: fix commit {entry.fix_commit[:7]} recorded")
    else:
        took = entry.fields.get("Resolution Time", "")
        click.echo(f"{entry.id} resolved{f' after {took}' if took else ''}")


def _fix(ws: Workspace, rev: str) -> Any:
    from ledger_tool.files.ledger import Fix
    from ledger_tool.gitlink import gitio

    repo = gitio.open_repo(ws.root)
    if repo is None:
        raise LedgerError("--commit needs a git repository; run the command inside one")
    info = gitio.commit_info(repo, rev)
    pattern = _commit_url(ws)
    url = pattern.replace("{sha}", info.sha) if pattern else ""
    files = None if info.files is None else tuple((f.path, f.added, f.deleted) for f in info.files)
    if files is None:
        from ledger_tool.files import wording

        click.echo(
            f"ledger: warning: this shallow clone lacks the parent of {info.sha[:7]}, so the "
            f"files it changed are not recorded (Code Changes: {wording.UNKNOWN_CHANGES}); "
            f"{wording.UNSHALLOW} first to record them",
            err=True,
        )
    return Fix(info.sha, info.subject, files, url)


@cli.command()
@click.argument("error_id")
@click.option("--reason", default="", help="Why it is open again.")
@click.option("--at", help=AT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the reopened entry as JSON.")
def reopen(error_id: str, reason: str, at: str | None, as_json: bool) -> None:
    """Put a resolved error back in Active Errors (counted as a recurrence)."""
    ws = _workspace()
    when = _when(ws, at)
    entry = _change(ws, lambda ledger: ledger.reopen(_normal_id(error_id), when, reason))
    if as_json:
        _print_json(entry.as_json())
    else:
        click.echo(f"{entry.id} reopened")


@cli.command("list")
@click.option("--status", type=click.Choice(["active", "resolved"], case_sensitive=False))
@click.option("--severity", type=click.Choice(["P0", "P1"], case_sensitive=False))
@click.option("--area", help="Only errors in this area.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of entries.")
def list_(status: str | None, severity: str | None, area: str | None, as_json: bool) -> None:
    """List errors, newest first within Active, then Resolved."""
    from ledger_tool.files.cache import Memory

    ws = _workspace()
    ledger = _read(ws)
    memory = Memory(ws, "listing")
    by_id = {e.id: e for e in ledger.entries(cache=memory.entries)}
    memory.save()
    ids = ledger.errors.order["active"] + ledger.errors.order["resolved"]
    entries = [
        e
        for e in (by_id[i] for i in ids)
        if (status is None or e.status == status.lower())
        and (severity is None or e.severity == severity.upper())
        and (area is None or e.area == area)
    ]
    if as_json:
        _print_json([e.as_json() for e in entries])
        return
    for e in entries:
        summary = e.description.split("\n", 1)[0]
        summary = summary if len(summary) <= 60 else summary[:59] + "…"
        _say(f"{e.id}  {e.status.upper():8}  {e.severity}  {printable(e.area):14}  {summary}")


@cli.command()
@click.argument("error_id")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as one JSON object.")
def show(error_id: str, as_json: bool) -> None:
    """Show one error with every field and its history."""
    entry = _read(_workspace()).entry(_normal_id(error_id))
    if as_json:
        _print_json(entry.as_json())
        return
    _say(f"{entry.id}  {entry.status.upper()}  {entry.severity}  {entry.area}")
    click.echo(f"  First seen:   {_fmt(entry.first_seen)}")
    click.echo(f"  Last seen:    {_fmt(entry.last_seen)}")
    click.echo(f"  Occurrences:  {entry.occurrences}")
    if entry.resolved:
        click.echo(f"  Resolved:     {_fmt(entry.resolved)}")
    if entry.fix_commit:
        _say(f"  Fix commit:   {entry.fix_commit}")
    _say(f"  Description:  {entry.description}")
    for name, value in entry.fields.items():
        if value:
            _say(f"  {name}: {value}")
    click.echo("  History:")
    for event in entry.history:
        data = event.as_json()
        extra = " ".join(f"{k}={v}" for k, v in data.items() if k not in ("at", "event"))
        _say(f"    {_fmt(event.at)}  {event.kind} {extra}".rstrip())


@cli.command()
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
    ws = _workspace()
    if message_file is not None:
        _check_message(ws, message_file)
        return
    ours = {ws.path(name).resolve() for name in ("errors", "journal", "tasks")}
    if paths and not any(Path(p).resolve() in ours for p in paths):
        return
    if fix:
        _check_fix(ws)
        return
    from ledger_tool.checks.sources import check_workspace

    _recover(ws)
    checked = check_workspace(ws, staged)
    if checked is None:
        return
    problems = checked.problems
    if checked.no_git:
        click.echo("ledger: warning: git is not on PATH, so fix commits were not checked", err=True)
    if as_json:
        _print_json([p.as_json() for p in problems])
    else:
        for problem in problems:
            _say(str(problem))
    errors = [p for p in problems if not p.warning]
    if errors:
        if not as_json:
            click.echo(f"ledger: {len(errors)} problem(s) in the ledger", err=True)
        click.get_current_context().exit(1)


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


@cli.command()
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
    from ledger_tool.files import wording
    from ledger_tool.gitlink import gitio, gitstate

    ws = _workspace()
    repo = gitio.open_repo(ws.root)
    if repo is None:
        raise LedgerError("ledger sync reads git history; run it inside a git repository")
    busy = gitstate.operation_going_on(ws.root, os.environ.get("LEDGER_HOOK"))
    if busy is not None and not dry_run:
        click.echo(f"ledger: a {busy} is in progress; run `ledger sync` when it is done", err=True)
        return
    if gitio.is_shallow(repo):
        click.echo(
            "ledger: warning: this is a shallow clone, so commits older than its history were "
            f"not read and a Fixes: among them is not recorded; {wording.UNSHALLOW}",
            err=True,
        )
    commits = gitio.trailer_commits(repo)
    if _all_recorded(ws, commits):  # the usual post-commit case: nothing new, nothing to parse
        return

    unknown: list[str] = []

    def orphaned(sha: str) -> bool:
        found = gitio.is_orphaned(repo, sha)
        if found is None:  # a shallow clone may just lack it: keep the record as it is
            unknown.append(sha)
        return bool(found)

    def action(ledger: Ledger) -> list[str]:
        return ledger.sync(commits, lambda sha: _fix(ws, sha), orphaned)

    if dry_run:
        changes = action(_read(ws))
        for line in changes:
            click.echo(f"behind: {line}")
        if changes:
            click.get_current_context().exit(1)
        return
    for line in _change(ws, action):
        click.echo(line)
    for sha in unknown:
        click.echo(
            f"ledger: warning: the recorded fix commit {sha[:7]} is not in this shallow clone, "
            f"so whether it was rewritten cannot be told; its record is kept: {wording.UNSHALLOW}",
            err=True,
        )


def _all_recorded(ws: Workspace, commits: list[Any]) -> bool:
    """True when every commit with trailers is already named in ERRORS.md (a cheap look that
    spares parsing the ledger; anything else goes through the full sync)."""
    from ledger_tool.files import store
    from ledger_tool.files.ledger import revert_reason

    path = ws.path("errors")
    if not path.is_file():
        return False
    # History lines name them as `resolved by SHA` and `linked by SHA`
    text = store.read_text(path, ws.display("errors"))
    named = set(re.findall(r" by ([0-9a-f]{40})", text))
    return all(
        (commit.sha in named or not (commit.fixes or commit.refs))
        and all(f not in named or revert_reason(commit.sha) in text for f in commit.reverts)
        for commit in commits
    )


def _check_fix(ws: Workspace) -> None:
    changed = _change(ws, lambda ledger: ledger.fix_derived())
    for line in changed:
        click.echo(line)
    if changed:
        click.get_current_context().exit(1)


@cli.group("hooks")
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


def _install_hooks(ws: Workspace) -> None:
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
    _install_hooks(_workspace())


@hooks_group.command("uninstall")
def hooks_uninstall() -> None:
    """Remove ledger's hooks (putting back any they chained), its merge driver and its
    .gitattributes lines; nothing else is touched."""
    from ledger_tool.gitlink import hooks

    ws = _workspace()
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

    ws = _workspace()
    found = hooks.status(ws.root, sys.executable, _hook_files(ws))
    if as_json:
        _print_json(asdict(found))
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


@cli.command()
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
    from ledger_tool.files import store
    from ledger_tool.lifecycle import renumber as renumbering

    ws = _workspace()
    old, new = _normal_id(old), _normal_id(new)
    folder = store.git_dir(ws.root)
    if folder is not None and (folder / "MERGE_HEAD").exists():
        raise LedgerError(
            "a merge is in progress; abort it first (`git merge --abort`), then renumber"
        )
    ws.refuse_during_git_operation()
    try:
        taken = _numbers_on_branches(ws, datetime.strptime(old[4:14], "%Y-%m-%d"))
    except ValueError:
        taken = set()  # not an ID: the core says so
    with store.locked(ws.root):
        ledger = renumbering.ledger_reading_duplicates(ws)
        ledger.errors.check_key_fields()
        done = renumbering.renumber(ledger, old, new, taken)
        store.write_files(ws.root, done.changes)
    files = sorted(p.relative_to(ws.root).as_posix() for p in done.changes)
    where = "" if done.line is None else f" at {ws.display('errors')}:{done.line}"
    if as_json:
        line = {} if done.line is None else {"line": done.line, "notes": done.notes}
        _print_json({"old": old, "new": new, "files": files, **line})
        return
    _say(f"{old}{where} is now {new} ({', '.join(files)})")
    for note in done.notes:
        _say(f"note: {note}")


@cli.command("merge-driver", hidden=True)
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

    ws = _workspace()
    sides = {"base": base, "ours": ours, "theirs": theirs}
    base_text, ours_text, theirs_text = (
        store.read_text(file, f"{path} ({side})") for side, file in sides.items()
    )
    kind = kinds.kind_of(ws.config, path)
    url = _commit_url(ws) if kind == "errors" else ""
    outcome = driver.merge_file(kind, base_text, ours_text, theirs_text, path, ws.tz, url)
    if outcome.text is not None and outcome.text != ours_text:
        driver.write_result(ws.root, ours, outcome.text)
    for problem in outcome.problems:
        _say(f"ledger: {problem}", err=True)
    if not outcome.clean:
        click.get_current_context().exit(1)


def _commit_url(ws: Workspace) -> str:
    """The commit page pattern (`...{sha}`) for Link to fix, as `resolve --commit` uses it: an
    http(s) address with every character that could break out of a Markdown link or a table
    cell percent-encoded; any other pattern (`javascript:...`) gives "" (the bare short SHA).
    Without git, links name the short SHA only (a report needs no git)."""
    from ledger_tool.exceptions import GitMissing
    from ledger_tool.markdown.textcodec import web_url

    pattern = ws.config.commit_url
    if not pattern:
        try:
            from ledger_tool.gitlink import gitio
        except GitMissing:
            return ""
        repo = gitio.open_repo(ws.root)
        pattern = gitio.commit_url_pattern(repo) if repo else ""
    return web_url(pattern).replace("%7Bsha%7D", "{sha}")


@cli.command()
@click.option(
    "--since",
    help="Start of the window (ISO 8601 date or time, e.g. 2026-11-16 or '2026-11-16 09:00'; "
    "in the configured zone unless it has an offset).  Default: 7 days before --until.",
)
@click.option("--until", help="End of the window, not included (as --since).  Default: now.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def metrics(since: str | None, until: str | None, as_json: bool) -> None:
    """Reliability figures: time to resolve, MTBF, error rate, recurrence, uptime.

    Computed from ERRORS.md alone over the window [SINCE, UNTIL), overall and per severity, as
    of UNTIL: an event at or after UNTIL changes nothing, except
    that recurrence looks past it.  Definitions (formulas and a worked example: docs/metrics.md):

    \b
    episode     opening, reopening or regression -> next resolution (or on, while active)
    failure     an episode that starts in the window
    TTR         end - start of each episode resolved in the window: p50, p90 (linear
                between closest ranks, as numpy), mean (= MTTR), n
    MTBF        (window length - downtime) / failures; downtime = union of all episodes
                clipped to the window
    MTBSI       mean gap between the starts of consecutive failures
    daily rate  failures / days in the window; per-day series by start day; sightings
                (openings and `seen` counts) per day
    recurrence  of the errors resolved in the window, the share that regressed or was
                reopened within recurrence_days (config) of such a resolution, whenever
                that was; also reopen/regression events in the window
    uptime      share of the window not covered by a P0 episode
    open        errors active at UNTIL, age = UNTIL - start of the current episode
    A figure resting on fewer than 5 cases is marked "too little data".

    \b
        ledger metrics                                     # the last 7 days
        ledger metrics --since 2026-11-16 --until 2026-11-23 --json
    """
    from datetime import timedelta

    from ledger_tool.figures.metrics import figures
    from ledger_tool.figures.table import render_table

    ws = _workspace()
    end = _when(ws, until)
    start = _when(ws, since) if since is not None else end - timedelta(days=7)
    from ledger_tool.files.cache import Memory

    memory = Memory(ws, "entries")
    entries = _read(ws).entries(free_text=False, cache=memory.entries)
    memory.save()
    data = figures(entries, start, end, ws.config.recurrence_days)
    if as_json:
        _print_json(data)
    else:
        _say(render_table(data))


@cli.command()
@click.option(
    "--week",
    default="this",
    show_default=True,
    help="The ISO week YYYY-Www (e.g. 2026-W47), `this` (the current week in the configured "
    "zone: the figures so far) or `last` (the week that ended at the last Monday 00:00).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write it.  Default: reports/YYYY-Www.md (or .html) at the repository root.",
)
@click.option("--force", is_flag=True, help="Replace PATH even if it is not a ledger report.")
def report(week: str, fmt: str, output: Path | None, force: bool) -> None:
    """Write the weekly reliability report and print its path.

    The week runs from Monday 00:00 to the next Monday 00:00 in the configured zone (for the
    current week: up to now).  The Markdown report starts with YAML front matter holding the
    week's figures exactly as `ledger metrics --json` gives them for that window (`--since
    MONDAY --until NEXT-MONDAY` once the week is over); then the figures, the change against
    the previous week (read back from that week's report in the same folder or reports/, else
    computed from the ledger), the errors opened, resolved and regressed with links, the top
    areas, the open backlog and a Mermaid chart of the failures per week over 8 weeks.  Where a
    figure rests on fewer than 5 cases the report says "too little data" instead of a trend.
    `--format html` writes one self-contained page (no scripts, nothing fetched) with an SVG
    chart, every piece of user text escaped.  The templates report.md.j2 and report.html.j2
    can be overridden in .ledger/templates/.

    A report written earlier (for any week) is replaced; any other file is refused unless
    --force.

    \b
        ledger report                          # reports/2026-W47.md, the current week so far
        ledger report --week last              # in a Monday CI job: the week just ended
        ledger report --week 2026-W46 --format html -o site/2026-W46.html
    """
    from ledger_tool.figures import pages
    from ledger_tool.figures.weeks import parse_week
    from ledger_tool.files.cache import Memory

    ws = _workspace()
    now = _when(ws, None)
    monday = parse_week(week, now.date())
    path = output
    if path is None:
        path = ws.inside(pages.default_path(ws.root, monday, fmt), "the reports folder")
    ledger = _read(ws)
    memory = Memory(ws, "entries")
    entries = ledger.entries(free_text=False, cache=memory.entries)
    memory.save()
    text = pages.make(ledger, entries, monday, now, fmt, path, _commit_url(ws))
    pages.write(ws.root, path, text, force)
    click.echo(os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else path)


def main() -> None:
    """Entry point of the `ledger` console script."""
    cli(prog_name="ledger")
