"""The commands that only read: list and show."""

from __future__ import annotations

import click

from ledger_tool.cli._common import complete_ids, fmt, normal_id, print_json, say, workspace
from ledger_tool.markdown.textcodec import printable
from ledger_tool.model.vocabulary import SEVERITIES, Status


@click.command("list")
@click.option("--status", type=click.Choice([s.value for s in Status], case_sensitive=False))
@click.option("--severity", type=click.Choice(list(SEVERITIES), case_sensitive=False))
@click.option("--area", help="Only errors in this area.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of entries.")
def list_(status: str | None, severity: str | None, area: str | None, as_json: bool) -> None:
    """List errors, newest first within Active, then Resolved."""
    from ledger_tool.files.ledger import read

    ledger = read(workspace())
    by_id = {e.id: e for e in ledger.remembered_entries("listing")}
    ids = ledger.errors.order["active"] + ledger.errors.order["resolved"]
    entries = [
        e
        for e in (by_id[i] for i in ids)
        if (status is None or e.status == status.lower())
        and (severity is None or e.severity == severity.upper())
        and (area is None or e.area == area)
    ]
    if as_json:
        print_json([e.as_json() for e in entries])
        return
    for e in entries:
        summary = e.description.split("\n", 1)[0]
        summary = summary if len(summary) <= 60 else summary[:59] + "…"
        say(f"{e.id}  {e.status.upper():8}  {e.severity}  {printable(e.area):14}  {summary}")


@click.command()
@click.argument("error_id", shell_complete=complete_ids())
@click.option("--json", "as_json", is_flag=True, help="Print the entry as one JSON object.")
def show(error_id: str, as_json: bool) -> None:
    """Show one error with every field and its history."""
    from ledger_tool.files.ledger import read

    entry = read(workspace()).entry(normal_id(error_id))
    if as_json:
        print_json(entry.as_json())
        return
    say(f"{entry.id}  {entry.status.upper()}  {entry.severity}  {entry.area}")
    click.echo(f"  First seen:   {fmt(entry.first_seen)}")
    click.echo(f"  Last seen:    {fmt(entry.last_seen)}")
    click.echo(f"  Occurrences:  {entry.occurrences}")
    if entry.resolved:
        click.echo(f"  Resolved:     {fmt(entry.resolved)}")
    if entry.fix_commit:
        say(f"  Fix commit:   {entry.fix_commit}")
    say(f"  Description:  {entry.description}")
    for name, value in entry.fields.items():
        if value:
            say(f"  {name}: {value}")
    click.echo("  History:")
    for event in entry.history:
        data = event.as_json()
        extra = " ".join(f"{k}={v}" for k, v in data.items() if k not in ("at", "event"))
        say(f"    {fmt(event.at)}  {event.kind} {extra}".rstrip())
