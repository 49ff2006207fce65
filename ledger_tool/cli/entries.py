"""The commands that change one error: open, seen, note, resolve, reopen.

Each reads its arguments and the clock, gathers what git must say before the lock (numbers taken
on branches, the fix commit), runs one transition (`ledger_tool.lifecycle.transitions`) inside
`changing`, and prints the result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from click.core import ParameterSource

from ledger_tool.cli._common import (
    AT_HELP,
    change,
    complete_ids,
    fix_commit,
    fmt,
    lazy_git_facts,
    normal_id,
    print_entry,
    print_json,
    say,
    taken_numbers,
    warn_without_files,
    when,
    workspace,
)
from ledger_tool.exceptions import LedgerError
from ledger_tool.model.vocabulary import Status


@click.command("open")
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
    from ledger_tool.lifecycle.transitions import open_error

    if description is None:
        if not sys.stdin.isatty():
            raise LedgerError(
                "no DESCRIPTION given and no terminal to ask on; pass it as the third argument"
            )
        description = click.prompt("Description")
    ws = workspace()
    moment = when(ws, at)
    taken = taken_numbers(ws, moment)
    with change(ws) as ledger:
        entry = open_error(
            ledger,
            severity,
            area,
            description or "",
            moment,
            symptoms=symptoms,
            impact=impact,
            fingerprint=fingerprint,
            taken=taken,
        )
    print_entry(entry, as_json, entry.id)


@click.command()
@click.argument("error_id", shell_complete=complete_ids())
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
    from ledger_tool.lifecycle.transitions import see

    ws = workspace()
    moment = when(ws, at)
    error_id = normal_id(error_id)
    git = lazy_git_facts(ws)
    if click.get_current_context().get_parameter_source("rev") == ParameterSource.COMMANDLINE:
        facts = git()
        if facts is not None:
            facts.sha(rev)  # a --rev git does not know is said, whatever the status
    with change(ws) as ledger:
        sighting = see(ledger, error_id, moment, count, rev, git)
    entry = sighting.entry
    if as_json:
        print_json(entry.as_json())
        return
    click.echo(f"{entry.id}: {entry.occurrences} occurrences, last seen {fmt(entry.last_seen)}")
    if sighting.regressed:
        say(f"{entry.id} regressed: {rev} contains the fix; it is active again")
    elif sighting.undecided:
        from ledger_tool.files import wording

        say(
            f"{entry.id} stays resolved: this shallow clone cannot tell whether {rev} "
            "contains the fix commit"
        )
        say(
            f"ledger: warning: the fix commit {entry.fix_commit} of {entry.id} is not in the "
            f"history this shallow clone has; the sighting is counted, not judged: "
            f"{wording.UNSHALLOW}, then `ledger reopen {entry.id}` if {rev} holds it",
            err=True,
        )
    elif entry.status == Status.RESOLVED:
        say(f"{entry.id} stays resolved: {rev} does not contain the fix commit")


def _note_options(command: Callable[..., None]) -> Callable[..., None]:
    from ledger_tool.model.vocabulary import NOTE_FIELDS

    for key, name in reversed(NOTE_FIELDS.items()):
        flag = "--" + key.replace("_", "-")
        command = click.option(flag, key, default=None, help=f"Set {name}.")(command)
    return command


@click.command()
@click.argument("error_id", shell_complete=complete_ids())
@_note_options
@click.option("--append", is_flag=True, help="Add to the field's text instead of replacing it.")
@click.option("--json", "as_json", is_flag=True, help="Print the updated entry as JSON.")
def note(error_id: str, append: bool, as_json: bool, **fields: str | None) -> None:
    """Fill investigation fields of an error, e.g.

    \b
        ledger note ERR-2026-11-20-001 --investigation "OOM at batch 64" --next-steps "try 32"
    """
    from ledger_tool.lifecycle import transitions

    notes = {key: value for key, value in fields.items() if value is not None}
    if not notes:
        raise click.UsageError("give at least one field, e.g. --investigation TEXT")
    with change(workspace()) as ledger:
        entry = transitions.note(ledger, normal_id(error_id), notes, append)
    print_entry(entry, as_json, f"{entry.id}: updated {', '.join(sorted(notes))}")


@click.command()
@click.argument("error_id", shell_complete=complete_ids("active"))
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
    from ledger_tool.lifecycle import transitions

    ws = workspace()
    moment = when(ws, at)
    fix = None
    if rev:
        fix = fix_commit(ws, rev)
        if fix.files is None:
            warn_without_files(fix.sha)
    known = normal_id(error_id)
    with change(ws) as ledger:
        was_resolved = ledger.entry(known).status == Status.RESOLVED
        entry = transitions.resolve(ledger, known, moment, fix, root_cause, solution)
    if as_json:
        print_json(entry.as_json())
    elif was_resolved and entry.fix_commit:
        click.echo(f"{entry.id}: fix commit {entry.fix_commit[:7]} recorded")
    else:
        took = entry.fields.get("Resolution Time", "")
        click.echo(f"{entry.id} resolved{f' after {took}' if took else ''}")


@click.command()
@click.argument("error_id", shell_complete=complete_ids("resolved"))
@click.option("--reason", default="", help="Why it is open again.")
@click.option("--at", help=AT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the reopened entry as JSON.")
def reopen(error_id: str, reason: str, at: str | None, as_json: bool) -> None:
    """Put a resolved error back in Active Errors (counted as a recurrence)."""
    from ledger_tool.lifecycle import transitions

    ws = workspace()
    moment = when(ws, at)
    with change(ws) as ledger:
        entry = transitions.reopen(ledger, normal_id(error_id), moment, reason)
    print_entry(entry, as_json, f"{entry.id} reopened")
