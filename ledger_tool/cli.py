"""The command line: the only module that imports click, prints, reads the clock or picks exit codes.

Each command is a thin layer over `ledger_tool.ledger`; the core is imported inside the commands so
that `ledger --help` and the hooks stay fast.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ledger_tool import __version__
from ledger_tool.errors import LedgerError

if TYPE_CHECKING:
    from ledger_tool.ledger import Ledger, Workspace
    from ledger_tool.model import Entry

T = TypeVar("T")
AT_HELP = (
    "When it happened (ISO 8601, e.g. '2026-11-20 09:15' or '2026-11-20T09:15+01:00'); default now."
)


def _workspace() -> Workspace:
    from ledger_tool.ledger import Workspace

    return Workspace.find(Path.cwd())


def _when(ws: Workspace, at: str | None) -> datetime:
    from ledger_tool.timefmt import parse_at

    if at is None:
        return datetime.now(ws.tz).replace(second=0, microsecond=0)
    return parse_at(at, ws.tz)


def _change(ws: Workspace, action: Callable[[Ledger], T]) -> T:
    """Run `action` on the ledger under the lock and write every changed file as one change."""
    from ledger_tool import store
    from ledger_tool.ledger import Ledger

    with store.locked(ws.root):
        ledger = Ledger(ws)
        ledger.errors.check_key_fields()
        result = action(ledger)
        store.write_files(ws.root, ledger.changes())
    return result


def _read(ws: Workspace) -> Ledger:
    from ledger_tool import store
    from ledger_tool.ledger import Ledger

    if store.interrupted(ws.root):
        with store.locked(ws.root):  # finishes or discards a write that a crash interrupted
            pass
    return Ledger(ws)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2))


def _normal_id(error_id: str) -> str:
    return error_id.strip().upper()


class _Group(click.Group):
    """Turns the core's errors into exit codes: 1 a user-fixable problem (message, no traceback),
    3 an internal error (traceback kept); click itself gives 2 for usage errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            click.echo(f"ledger: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (`ledger list | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
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
    Start:   ledger init
    Open:    ledger open P0 inference "CUDA OOM during eval"
    Update:  ledger seen ERR-2026-11-21-001 --count 3
             ledger note ERR-2026-11-21-001 --investigation "batch 64 too large"
    Close:   ledger resolve ERR-2026-11-21-001 --commit HEAD --root-cause "..."
    Read:    ledger list --status active    ledger show ERR-2026-11-21-001 --json
    """


@cli.command()
def init() -> None:
    """Create the missing ERRORS.md, JOURNAL.md and TASKS.md and a default `.ledger.toml`.

    Existing files are adopted as they are (the seed's ERRORS.md included); nothing is overwritten.
    """
    from ledger_tool import store
    from ledger_tool.config import DEFAULT_TOML, has_config
    from ledger_tool.errors_doc import ErrorsFile
    from ledger_tool.render import read_packaged

    ws = _workspace()
    with store.locked(ws.root):
        created: dict[Path, str] = {}
        for name in ("errors", "journal", "tasks"):
            path = ws.path(name)
            if path.exists():
                click.echo(f"kept     {ws.display(name)}")
            else:
                created[path] = read_packaged(f"{name.upper()}.md")
                click.echo(f"created  {ws.display(name)}")
        if not has_config(ws.root):
            created[ws.root / ".ledger.toml"] = DEFAULT_TOML
            click.echo("created  .ledger.toml")
        errors = ws.path("errors")
        if errors.exists():
            ErrorsFile(ws.display("errors"), store.read_text(errors, ws.display("errors")))
        store.write_files(ws.root, created)


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
    from ledger_tool import gitio

    repo = gitio.open_repo(ws.root)
    if repo is None:
        return set()
    rel = ws.path("errors").resolve().relative_to(ws.root.resolve()).as_posix()
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
    "(reopens it) only if REV contains the fix commit.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the updated entry as JSON.")
def seen(error_id: str, count: int, at: str | None, rev: str, as_json: bool) -> None:
    """Record sightings of an error: Occurrences, Last Seen and its history."""
    ws = _workspace()
    when = _when(ws, at)
    error_id = _normal_id(error_id)
    checked: dict[str, bool] = {}

    def seen_with_fix(fix: str | None) -> str | None:
        from ledger_tool import gitio

        repo = gitio.open_repo(ws.root)
        if repo is None:
            return ""  # nothing to compare: a sighting after the fix counts as a regression
        sha = gitio.rev_sha(repo, rev)
        if fix is not None and not gitio.contains(repo, fix, rev):
            return None
        return sha

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
        click.echo(f"{entry.id} regressed: {rev} contains the fix; it is active again")
    elif entry.status == "resolved":
        click.echo(f"{entry.id} stays resolved: {rev} does not contain the fix commit")


def _fmt(when: datetime | None) -> str:
    return "-" if when is None else when.strftime("%Y-%m-%d %H:%M")


def _note_options(command: Callable[..., None]) -> Callable[..., None]:
    from ledger_tool.fields import NOTE_FIELDS

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

    \b
        ledger resolve ERR-2026-11-20-001 --commit HEAD --root-cause "batch too large"
    """
    ws = _workspace()
    when = _when(ws, at)
    fix = _fix(ws, rev) if rev else None
    entry = _change(
        ws, lambda ledger: ledger.resolve(_normal_id(error_id), when, fix, root_cause, solution)
    )
    if as_json:
        _print_json(entry.as_json())
        return
    took = entry.fields.get("Resolution Time", "")
    click.echo(f"{entry.id} resolved{f' after {took}' if took else ''}")


def _fix(ws: Workspace, rev: str) -> Any:
    from ledger_tool import gitio
    from ledger_tool.ledger import Fix

    repo = gitio.open_repo(ws.root)
    if repo is None:
        raise LedgerError("--commit needs a git repository; run the command inside one")
    info = gitio.commit_info(repo, rev)
    pattern = ws.config.commit_url or gitio.commit_url_pattern(repo)
    url = pattern.replace("{sha}", info.sha) if pattern else ""
    files = tuple((f.path, f.added, f.deleted) for f in info.files)
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
    ledger = _read(_workspace())
    ids = ledger.errors.order["active"] + ledger.errors.order["resolved"]
    entries = [ledger.entry(i) for i in ids]
    entries = [
        e
        for e in entries
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
        click.echo(f"{e.id}  {e.status.upper():8}  {e.severity}  {e.area:14}  {summary}")


@cli.command()
@click.argument("error_id")
@click.option("--json", "as_json", is_flag=True, help="Print the entry as one JSON object.")
def show(error_id: str, as_json: bool) -> None:
    """Show one error with every field and its history."""
    entry = _read(_workspace()).entry(_normal_id(error_id))
    if as_json:
        _print_json(entry.as_json())
        return
    click.echo(f"{entry.id}  {entry.status.upper()}  {entry.severity}  {entry.area}")
    click.echo(f"  First seen:   {_fmt(entry.first_seen)}")
    click.echo(f"  Last seen:    {_fmt(entry.last_seen)}")
    click.echo(f"  Occurrences:  {entry.occurrences}")
    if entry.resolved:
        click.echo(f"  Resolved:     {_fmt(entry.resolved)}")
    if entry.fix_commit:
        click.echo(f"  Fix commit:   {entry.fix_commit}")
    click.echo(f"  Description:  {entry.description}")
    for name, value in entry.fields.items():
        if value:
            click.echo(f"  {name}: {value}")
    click.echo("  History:")
    for event in entry.history:
        data = event.as_json()
        extra = " ".join(f"{k}={v}" for k, v in data.items() if k not in ("at", "event"))
        click.echo(f"    {_fmt(event.at)}  {event.kind} {extra}".rstrip())


def main() -> None:
    """Entry point of the `ledger` console script."""
    cli(prog_name="ledger")
