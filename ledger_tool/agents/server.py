"""`ledger mcp`: the ledger's commands as Model Context Protocol tools, for coding agents.

Each tool runs the `ledger` command it stands for, with `--json`, as a child process in the
repository the server serves, and hands back what that command prints as the tool's structured
result.  So an agent's change goes through exactly what a person's does (the same validation,
lock, git facts and all-or-nothing write, the same refusals with the same words), and nothing of
one call stays in the server for the next.  A command's refusal (exit 1) is the tool's error, in
the command's own words; the child reads nothing from the server's standard input, which carries
the protocol.

Imported by `ledger mcp` only: it needs the optional `mcp` package (`pip install 'ledger-tool[mcp]'`).
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from ledger_tool import __version__
from ledger_tool.model.vocabulary import NOTE_FIELDS

TIMEOUT = 600.0  # seconds a command may take (ingesting a big log); then the tool fails
READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
Json = dict[str, Any]

INSTRUCTIONS = """\
This server keeps the repository's critical-error ledger: ERRORS.md (one entry per P0/P1 error),
JOURNAL.md (an entry per event) and TASKS.md (a task per error), as the `ledger` command does.
Open an error when a critical failure is found (open), record it again when it recurs (seen),
write down what is learned (note: symptoms, investigation, next steps, root cause...), resolve it
with the fix commit (resolve), and reopen it if it comes back (reopen). Read with list and show;
check validates the three files; metrics gives MTTR, MTBF and the other reliability figures;
ingest turns a crash log into entries. IDs look like ERR-2026-11-21-001. Times are ISO 8601
('2026-11-21 09:15'); left out, they are now. Never edit the three files by hand while using
these tools: each tool writes all three files, or none."""


class Ledger:
    """Runs `ledger` commands in one repository."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, command: str, *args: str, problems: bool = False) -> Any:
        """What `ledger COMMAND --json ARGS` prints, read as JSON; a refusal raises ToolError
        with the command's message.  With `problems`, exit status 1 with JSON printed (problems
        found, as `check` says them) is an answer too."""
        env = {**os.environ, "COLUMNS": "200"}
        env.pop("LEDGER_HOOK", None)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "ledger_tool", command, "--json", *args],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env=env,
            )
        except subprocess.TimeoutExpired:
            raise ToolError(f"`ledger {command}` took longer than {TIMEOUT:.0f} s") from None
        if done.returncode == 0 or (problems and done.returncode == 1 and done.stdout.strip()):
            try:
                return json.loads(done.stdout)
            except json.JSONDecodeError:
                raise ToolError(
                    f"`ledger {command}` printed no JSON: {done.stdout[:500]}"
                ) from None
        raise ToolError(_refusal(done))


def _refusal(done: subprocess.CompletedProcess[str]) -> str:
    text = done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}"
    if done.returncode == 3:  # a bug of ours: the last lines say what, the traceback is above
        text = "\n".join(text.splitlines()[-6:])
    return text.removeprefix("ledger: ")


def _options(**values: str | int | bool | None) -> list[str]:
    """`--name=value` for each value given (`--flag` for True): a value that starts with `-`
    stays a value."""
    out = []
    for name, value in values.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            out.append(flag)
        elif value is not None and value is not False:
            out.append(f"{flag}={value}")
    return out


def _note_signature() -> inspect.Signature:
    """`note(error_id, <each note field>=None, append=False)`: the schema the SDK reads."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [
            inspect.Parameter("error_id", keyword, annotation=str),
            *(
                inspect.Parameter(name, keyword, default=None, annotation=str | None)
                for name in NOTE_FIELDS
            ),
            inspect.Parameter("append", keyword, default=False, annotation=bool),
        ],
        return_annotation=Json,
    )


def build(root: Path) -> MCPServer:
    """The server, its tools bound to the repository at `root`."""
    ledger = Ledger(root)
    server = MCPServer(
        "ledger", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )

    @server.tool(name="open", annotations=WRITE)
    def open_error(
        severity: Literal["P0", "P1"],
        area: str,
        description: str,
        symptoms: str | None = None,
        impact: str | None = None,
        fingerprint: str | None = None,
        at: str | None = None,
    ) -> Json:
        """Open a critical error: a new ID (returned as `id`), its row and Active block in
        ERRORS.md, a journal entry and a task. Only P0 (system down, data loss) and P1 (a major
        feature broken) are tracked. `area` is the part of the system (inference, training,
        data, ...)."""
        options = _options(symptoms=symptoms, impact=impact, fingerprint=fingerprint, at=at)
        return dict(ledger.run("open", *options, "--", severity, area, description))

    @server.tool(annotations=WRITE)
    def seen(error_id: str, count: int = 1, rev: str | None = None, at: str | None = None) -> Json:
        """Record that an error happened again (`count` times): Occurrences, Last Seen, history.
        On a resolved error this is a regression, which reopens it, only if the code that showed
        it (`rev`, default HEAD) contains the fix commit."""
        return dict(ledger.run("seen", *_options(count=count, rev=rev, at=at), "--", error_id))

    def note(error_id: str, append: bool = False, **fields: str | None) -> Json:
        """Write what is known of an error into its fields (each given field replaces the
        field's text, or with `append` is added to it). Returns the updated entry."""
        given = _options(**fields)
        if not given:
            raise ToolError("give at least one field to write, e.g. next_steps")
        return dict(ledger.run("note", *given, *_options(append=append), "--", error_id))

    # its fields typed one by one, as `ledger note` takes them (vocabulary.NOTE_FIELDS)
    note.__signature__ = _note_signature()  # type: ignore[attr-defined]
    server.tool(annotations=WRITE)(note)

    @server.tool(annotations=WRITE)
    def resolve(
        error_id: str,
        commit: str | None = None,
        root_cause: str | None = None,
        solution: str | None = None,
        at: str | None = None,
    ) -> Json:
        """Resolve an error: its block moves to Resolved with the resolution time, the fix
        commit (a SHA, branch or tag; its files changed are read from git) and the root cause and
        solution; its task is completed and the journal records it."""
        options = _options(commit=commit, root_cause=root_cause, solution=solution, at=at)
        return dict(ledger.run("resolve", *options, "--", error_id))

    @server.tool(annotations=WRITE)
    def reopen(error_id: str, reason: str | None = None, at: str | None = None) -> Json:
        """Reopen a resolved error (it came back): back to Active, counted as a recurrence."""
        return dict(ledger.run("reopen", *_options(reason=reason, at=at), "--", error_id))

    @server.tool(name="list", annotations=READ)
    def list_errors(
        status: Literal["active", "resolved"] | None = None,
        severity: Literal["P0", "P1"] | None = None,
        area: str | None = None,
    ) -> Json:
        """The errors of the ledger, newest first, as `errors` (each as `show` gives it),
        optionally only those of one status, severity or area."""
        options = _options(status=status, severity=severity and severity.lower(), area=area)
        return {"errors": ledger.run("list", *options)}

    @server.tool(annotations=READ)
    def show(error_id: str) -> Json:
        """One error: status, severity, area, description, times, occurrences, fix commit,
        fingerprint, its history of events and its free-text fields."""
        return dict(ledger.run("show", "--", error_id))

    @server.tool(annotations=READ)
    def check() -> Json:
        """Validate ERRORS.md, JOURNAL.md and TASKS.md as the pre-commit hook does: `ok` is false
        when there is an error among `problems` (each with path, line, code, message and
        severity); warnings alone leave it true."""
        problems = ledger.run("check", problems=True)
        return {"ok": not any(p["severity"] == "error" for p in problems), "problems": problems}

    @server.tool(annotations=READ)
    def metrics(since: str | None = None, until: str | None = None) -> Json:
        """Reliability figures over [since, until) (default: the last 7 days): time to resolve
        (p50, p90, mean = MTTR, in hours), MTBF, MTBSI, failures per day, recurrence,
        distribution by area and severity, uptime and the open backlog."""
        return dict(ledger.run("metrics", *_options(since=since, until=until)))

    @server.tool(annotations=WRITE)
    def ingest(
        logs: list[str],
        job_id: str | None = None,
        rev: str | None = None,
        exit_code: int | None = None,
        area: str | None = None,
        dry_run: bool = False,
    ) -> Json:
        """Turn crash logs of jobs (paths, relative to the repository; .gz is read too) into
        ledger entries: each distinct P0/P1 failure counts on the entry that knows it, reopens a
        resolved one as a regression when `rev` holds its fix, or opens a new one with its
        traceback. The same log ingested twice changes nothing; `dry_run` changes no file.
        Returns seed 001's ErrorResponse per log as `logs`."""
        if not logs:
            raise ToolError("give the path of at least one log")
        options = _options(job_id=job_id, rev=rev, exit_code=exit_code, area=area, dry_run=dry_run)
        answer = ledger.run("ingest", *options, "--", *logs)
        return {"logs": answer if isinstance(answer, list) else [answer]}

    return server
