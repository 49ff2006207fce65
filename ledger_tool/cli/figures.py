"""The figures: `metrics` (reliability figures over a window) and `report` (the weekly page)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ledger_tool.cli._common import commit_url, print_json, say, when, workspace


@click.command()
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
    from ledger_tool.files.ledger import read

    ws = workspace()
    end = when(ws, until)
    start = when(ws, since) if since is not None else end - timedelta(days=7)
    entries = read(ws).remembered_entries("entries", free_text=False)
    data = figures(entries, start, end, ws.config.recurrence_days)
    if as_json:
        print_json(data)
    else:
        say(render_table(data))


@click.command()
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
    current week: up to now).  The report opens with a summary in sentences, then the week's
    figures (durations in human units; a line explains each figure that is degenerate this
    week, such as uptime 0 % while a P0 stayed open), the change against the previous week
    (read back from that week's report in the same folder or reports/, else computed from the
    ledger), a Mermaid chart of the failures per week over 8 weeks (P0 and P1 apart), time to
    resolve per week, the errors opened, resolved (root cause, solution, fix) and regressed with
    links, the errors seen most often, a table per area and the open backlog with next steps.
    The Markdown report's YAML front matter holds the week's figures as `ledger metrics --json`
    names them for that window (`--since MONDAY --until NEXT-MONDAY` once the week is over),
    without the lists.  Where a figure rests on fewer than 5 cases the report says "too little
    data" instead of a trend.  `--format html` writes one self-contained page (no scripts,
    nothing fetched) with an SVG chart, every piece of user text escaped.  The templates
    report.md.j2 and report.html.j2 can be overridden in .ledger/templates/.

    A report written earlier (for any week) is replaced; any other file is refused unless
    --force.

    \b
        ledger report                          # reports/2026-W47.md, the current week so far
        ledger report --week last              # in a Monday CI job: the week just ended
        ledger report --week 2026-W46 --format html -o site/2026-W46.html
    """
    from ledger_tool.figures import pages
    from ledger_tool.figures.weeks import parse_week
    from ledger_tool.files.ledger import read

    ws = workspace()
    now = when(ws, None)
    monday = parse_week(week, now.date())
    path = output
    if path is None:
        path = ws.inside(pages.default_path(ws.root, monday, fmt), "the reports folder")
    ledger = read(ws)
    entries = ledger.remembered_entries("entries", free_text=False)
    text = pages.make(ledger, entries, monday, now, fmt, path, commit_url(ws))
    pages.write(ws.root, path, text, force)
    click.echo(os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else path)
