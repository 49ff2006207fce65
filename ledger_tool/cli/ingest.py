"""`ledger ingest` (crash logs into the ledger) and `ledger run` (a job whose crash is ingested)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from ledger_tool.cli._common import (
    change,
    lazy_git_facts,
    print_json,
    say,
    taken_numbers,
    when,
    workspace,
)
from ledger_tool.exceptions import LedgerError

if TYPE_CHECKING:
    from ledger_tool.ingest.analysis import Reading
    from ledger_tool.ingest.apply import Applied, Options
    from ledger_tool.workspace import Workspace

PROGRESS_BYTES = 64 << 20  # a log at least this big shows a progress bar on a terminal

_REV_HELP = (
    "The code the job ran; a failure seen again on a resolved error reopens it as a regression "
    "only if REV contains its fix commit (as `ledger seen --rev`)."
)


@click.command()
@click.argument("logs", nargs=-1, required=True, metavar="LOG...")
@click.option("--job-id", help="The job the logs belong to (default: the log's file name).")
@click.option("--rev", default="HEAD", show_default=True, help=_REV_HELP)
@click.option(
    "--exit-code",
    type=int,
    help="The job's exit status, when the log does not say it (128+N: killed by signal N).",
)
@click.option(
    "--area", default="", help="The affected area of new entries (default: the category's)."
)
@click.option(
    "--at",
    help="When a log that prints no times happened (ISO 8601, e.g. '2026-11-20 09:15' or "
    "'2026-11-20T09:15+01:00'); default now.",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; change no file.")
@click.option("--json", "as_json", is_flag=True, help="Print seed 001's ErrorResponse per log.")
def ingest(
    logs: tuple[str, ...],
    job_id: str | None,
    rev: str,
    exit_code: int | None,
    area: str,
    at: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Turn crash logs into ledger entries: parse, classify, deduplicate, record.

    Each distinct P0/P1 failure counts on the entry that has its fingerprint, reopens a
    resolved one as a regression (only when REV contains the fix), or opens a new entry with
    the traceback, the suggested actions, a journal entry and a task.  Ingesting the same log
    again changes nothing.  LOG may be gzip-compressed; `-` reads standard input.

    \b
        ledger ingest logs/job_42.log --job-id 42
        ledger ingest logs/*.log.gz --dry-run --json
        kubectl logs job/train | ledger ingest - --exit-code 137
    """
    ws = workspace()
    explicit_rev = (
        click.get_current_context().get_parameter_source("rev") == ParameterSource.COMMANDLINE
    )
    readings = [read_log(ws, path, job_id, exit_code) for path in logs]
    applied = record(ws, readings, rev, explicit_rev, at, area, dry_run)
    if as_json:
        from ledger_tool.ingest.response import response

        answers = [response(r, a) for r, a in zip(readings, applied, strict=True)]
        print_json(answers[0] if len(answers) == 1 else answers)
        return
    for reading, done in zip(readings, applied, strict=True):
        _tell(reading, done, dry_run)


def read_log(ws: Workspace, path: str, job_id: str | None, exit_code: int | None) -> Reading:
    """Read one log to its end (a progress bar on a terminal for a big one)."""
    from ledger_tool.ingest.analysis import Reading
    from ledger_tool.ingest.rules import configured
    from ledger_tool.ingest.split import analyse
    from ledger_tool.ingest.stream import open_log

    extra = configured(list(ws.config.ingest_rules) or None, ws.config.source)
    log = open_log(path, sys.stdin.buffer if path == "-" and sys.stdin is not None else None)
    try:
        if log.size is not None and log.size >= PROGRESS_BYTES and sys.stderr.isatty():
            with click.progressbar(length=log.size, label=path, file=sys.stderr) as bar:
                outcome = analyse(log, extra, exit_code, bar.update)
        else:
            outcome = analyse(log, extra, exit_code)
    finally:
        log.close()
    name = Path(path).name if path != "-" else "stdin"
    for suffix in (".gz", ".log", ".txt", ".out", ".err"):
        name = name.removesuffix(suffix)
    return Reading(
        path if path != "-" else "standard input", log.digest.hexdigest(), job_id or name, outcome
    )


def record(
    ws: Workspace,
    readings: list[Reading],
    rev: str,
    explicit_rev: bool,
    at: str | None,
    area: str,
    dry_run: bool,
) -> list[list[Applied]]:
    """What the readings do to the ledger, as one change under its lock (none with `dry_run`)."""
    if not any(r.outcome.tracked for r in readings):
        return [[] for _ in readings]  # nothing to record: the ledger is not even read
    from ledger_tool.ingest.apply import Options, apply, local

    git = lazy_git_facts(ws)
    if explicit_rev:
        facts = git()
        if facts is not None:
            facts.sha(rev)  # a --rev git does not know is said before anything is read
    now = when(ws, at)
    days = {(local(g.first, ws.tz) or now).date() for r in readings for g in r.outcome.tracked}
    taken = {day: taken_numbers(ws, day) for day in days}
    options = Options(rev, git, now, lambda day: taken.get(day, set()), area)
    if dry_run:
        return _dry_run(ws, readings, options)
    with change(ws) as ledger:
        return [apply(ledger, r, options) for r in readings]


def _dry_run(ws: Workspace, readings: list[Reading], options: Options) -> list[list[Applied]]:
    from ledger_tool.files.ledger import read
    from ledger_tool.ingest.apply import apply

    if not ws.path("errors").exists():
        raise LedgerError(
            f"no {ws.display('errors')} in {ws.root}; run `ledger init` to create the ledger"
        )
    ledger = read(ws)  # applied in memory and thrown away: no file changes
    return [apply(ledger, r, options) for r in readings]


_VERBS = {
    "opened": ("opened", "would open"),
    "seen": ("counted on", "would count on"),
    "regressed": ("reopened (regression)", "would reopen (regression)"),
    "unchanged": ("already counted on", "already counted on"),
}


def _tell(reading: Reading, applied: list[Applied], dry_run: bool) -> None:
    from ledger_tool.ingest.response import summary

    outcome = reading.outcome
    say(f"{reading.name}: {summary(outcome)}")
    decisive = outcome.decisive
    if decisive is not None:
        line = decisive.finding.line
        say(
            f"  {decisive.category.name}, {decisive.phase}, line {line} "
            f"(confidence {outcome.confidence}); {len(outcome.groups)} distinct errors and warnings"
        )
    for done in applied:
        verb = _VERBS[done.action][1 if dry_run else 0]
        times = (
            f" ({done.count} sightings)" if done.count > 1 and done.action != "unchanged" else ""
        )
        shown = done.id if not (dry_run and done.action == "opened") else f"a new entry ({done.id})"
        say(f"  {verb} {shown}{times}")
    if not applied and outcome.status == "failed" and decisive is None:
        say("  nothing to record: the log does not say what failed")


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--job-id", help="The job's name (default: run-YYYYMMDD-HHMMSS-PID).")
@click.option(
    "--log",
    "log_path",
    help="Where the copy of the output goes, replacing what is there (default: logs/JOB-ID.log).",
)
@click.option("--rev", default="HEAD", show_default=True, help=_REV_HELP)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run(job_id: str | None, log_path: str | None, rev: str, command: tuple[str, ...]) -> None:
    """Run a job, keep a copy of its output, and ingest it when the job fails.

    The job's output passes through unchanged; Ctrl-C and SIGTERM reach the job; `ledger run`
    exits with the job's own status (killed by a signal: the same signal).

    \b
        ledger run --job-id sft-42 -- python train.py --config configs/sft.yaml
    """
    import os
    from datetime import datetime

    from ledger_tool.ingest import runner

    try:
        ws: Workspace | None = workspace()
    except LedgerError as exc:  # the job runs all the same; its crash cannot be recorded
        say(f"ledger: warning: {exc}; the job runs, but its failure will not be recorded", err=True)
        ws = None
    started = datetime.now(ws.tz if ws is not None else None)
    job = job_id or f"run-{started:%Y%m%d-%H%M%S}-{os.getpid()}"  # unique, even in one second
    root = ws.root if ws is not None else Path.cwd()
    copy = Path(log_path) if log_path else root / "logs" / f"{job}.log"
    if ws is not None:
        _refuse_ledger_file(ws, copy)
    status = runner.run(list(command), copy)
    if status.code != 0 and ws is not None:
        shown = _shown(ws, copy)
        try:
            reading = read_log(ws, str(copy), job, status.code)
            applied = record(ws, [reading], rev, False, None, "", False)[0]
            ids = ", ".join(f"{_VERBS[a.action][0]} {a.id}" for a in applied) or "nothing recorded"
            say(f"ledger: {job} {status.said}; {ids} (output kept in {shown})", err=True)
        except (
            LedgerError,
            OSError,
        ) as exc:  # the job's status is still what ledger run exits with
            say(
                f"ledger: {job} {status.said}; not ingested: {exc} (output kept in {shown})",
                err=True,
            )
    runner.exit_like(status)


def _refuse_ledger_file(ws: Workspace, copy: Path) -> None:
    """The copy of a job's output must not overwrite the ledger or its settings."""
    own = [ws.path(name) for name in ("errors", "journal", "tasks")]
    own += [ws.root / ".ledger.toml", ws.root / "pyproject.toml"]
    target = copy.resolve()
    if any(target == p.resolve() for p in own) or ".git" in target.parts:
        raise LedgerError(
            f"--log {copy} would overwrite the ledger's own files; give the job's log its own "
            "path, e.g. --log logs/JOB.log"
        )


def _shown(ws: Workspace, path: Path) -> str:
    try:
        return path.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)
