"""Build a realistic `ledger` repository of N errors in seconds, exactly as the tool writes it.

    python bench/make_ledger.py N DIR [--seed S]   # a git repository in DIR (new or empty)
    python bench/make_ledger.py --verify            # self-check against the real CLI (small N)

Running `ledger open` N times would take O(N^2) time (every command reads and rewrites the whole
ledger).  Instead this script plans the life of every error (opened, seen, resolved with a fix
commit, seen again on old code, regressed or reopened, resolved again), then applies that plan once:

- the repository starts from `git init` and `ledger init` (the project's own starting files);
- one real fix commit per resolution is written with `git fast-import` (thousands per second), so
  every Fix Commit, link and `Code Changes` count in the ledger is true of the repository;
- every error block, journal entry and task is rendered with the project's own templates
  (`ledger_tool.files.templates.render`) from the same field values the `Ledger` methods use, and edited
  field by field with the project's `Block`, exactly as `ledger_tool/ledger.py` does;
- the three files are assembled in the tool's order (table and Active newest first, Resolved by
  resolution time, tasks by ID, the journal in time order with old entries moved to
  `JOURNAL_ARCHIVE/YYYY-MM.md` as the tool does when it grows past `journal_max_lines`).

`--verify` builds a small ledger this way, replays the same plan through the real `ledger` commands
in a second repository with the same history, and compares the files byte for byte: the proof that
the shortcut writes what the tool would.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ledger_tool.config import load
from ledger_tool.files import wording
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.journal_md import archive_header, merge_archive
from ledger_tool.files.ledger import shape
from ledger_tool.files.templates import render
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.splice import Edit, apply, content_end
from ledger_tool.markdown.textcodec import encode
from ledger_tool.model import history
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import format_duration, format_time, zone
from ledger_tool.model.vocabulary import Severity

END = datetime(2026, 11, 20, 12, 0)  # "now" of the generated ledger (naive: the configured zone)
SPAN = timedelta(days=730)
START = END - SPAN - timedelta(days=1)  # the repository's first commit
ORIGIN = "https://github.com/example/ml-platform.git"
COMMIT_URL = "https://github.com/example/ml-platform/commit/{sha}"
ARCHIVE_DIR = "JOURNAL_ARCHIVE"  # the default journal_archive_dir
_HEADING = re.compile(r"^### (?P<title>.*\|ERROR:(?P<id>ERR-[0-9-]+)\|)[ \t]*$", re.M)


def _link(target: str, heading: str) -> str:
    """As `Ledger.link_to` for a target in the repository's top folder."""
    anchor = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
    return f"[{target}]({target}#{anchor})"


AUTHORS = [
    ("Ada Byron", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
]
# area: (weight, description patterns, modules a fix touches)
AREAS: dict[str, tuple[int, list[str], list[str]]] = {
    "inference": (
        25,
        [
            "CUDA OOM during eval at batch {n}",
            "`torch.cuda.OutOfMemoryError` in generate() | batch={n}",
            "Inference server returns empty outputs for {n}% of requests",
            "Sampling loop hangs after {n} tokens",
        ],
        ["pipeline", "sampler", "kv_cache"],
    ),
    "training": (
        25,
        [
            "NaN loss at step {n}",
            "Checkpoint save fails at step {n}: disk full",
            "Gradient overflow with fp16 after {n} steps",
            "DDP rank {n} times out in all_reduce",
        ],
        ["trainer", "checkpoint", "optim"],
    ),
    "data": (
        15,
        [
            "Parquet shard {n} unreadable",
            "Tokenizer drops <eos> on {n} samples",
            "Dataloader worker {n} killed by signal 9",
        ],
        ["loader", "tokenize", "shards"],
    ),
    "serving": (
        10,
        ["p99 latency above {n} ms", "Health check fails on {n} pods"],
        ["server", "router"],
    ),
    "eval": (8, ["Eval harness crashes on task {n}"], ["harness", "metrics"]),
    "infra": (
        8,
        ["Node pool {n} loses GPU driver", "NFS mount stale on {n} nodes"],
        ["provision", "mounts"],
    ),
    "container": (5, ["Container exits 137 after {n} min"], ["build", "entrypoint"]),
    "network": (4, ["Hugging Face download times out after {n} s"], ["hub", "retry"]),
}
SYMPTOMS = [
    "jobs fail at start-up",
    "requests time out after 30 s",
    "the nightly run is red",
    "GPU memory climbs until the process is killed",
    "",
]
IMPACTS = ["eval blocked for the release", "customers see 5xx errors", "training paused", "", ""]
ROOT_CAUSES = [
    "batch size not scaled with sequence length",
    "race between the writer and the uploader",
    "off-by-one in shard index",
    "driver update changed the default stream",
    "retry loop without back-off",
]
SOLUTIONS = [
    "cap the batch by available memory",
    "take a file lock before upload",
    "index shards from zero",
    "pin the driver version",
    "exponential back-off with jitter",
]
REASONS = ["flaky again on the nightly run", "customer report: same stack trace"]


# -- the plan ---------------------------------------------------------------------------------


@dataclass
class Op:
    """One command in an error's life: `ledger open|seen|resolve|reopen ...` at `at`."""

    at: datetime
    seq: int
    kind: str  # open, seen, resolve, seen_unfixed, regress, reopen
    error: int  # index into Plan.errors
    count: int = 1  # sightings, for the `seen` kinds
    # resolve: index of its fix commit in Plan.fixes; seen_unfixed/regress/reopen: the last fix
    fix: int = -1
    reason: str = ""  # reopen


@dataclass
class Spec:
    """What is known about an error when it is opened."""

    id: str
    severity: str
    area: str
    description: str
    symptoms: str
    impact: str
    fingerprint: str
    root_cause: str
    solution: str


@dataclass
class FixCommit:
    at: datetime
    error_id: str
    subject: str
    author: tuple[str, str]
    files: dict[str, str]  # path -> new content
    stats: list[tuple[str, int, int]]  # (path, added, deleted), sorted by path as git prints them
    sha: str = ""


@dataclass
class Plan:
    errors: list[Spec]
    ops: list[Op]  # in the order the commands run
    fixes: list[FixCommit]


def _minutes(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    """A whole minute in [lo, hi)."""
    span = max(1, int((hi - lo).total_seconds() // 60))
    return lo + timedelta(minutes=rng.randrange(span))


def _duration(rng: random.Random, median_hours: float) -> timedelta:
    """A time to resolve: log-normal around `median_hours`, at least 5 minutes."""
    minutes = rng.lognormvariate(math.log(median_hours * 60), 1.4)
    return timedelta(minutes=max(5, int(minutes)))


def make_plan(n: int, seed: int = 0) -> Plan:
    """Plan N errors over two years: ~70% resolved (some seen again, regressed or reopened)."""
    rng = random.Random(seed)
    names = list(AREAS)
    weights = [AREAS[a][0] for a in names]
    opened = sorted(_minutes(rng, END - SPAN, END - timedelta(hours=1)) for _ in range(n))
    per_day: dict[str, int] = {}
    errors: list[Spec] = []
    ops: list[Op] = []
    seq = 0

    def op(at: datetime, kind: str, error: int, count: int = 1, reason: str = "") -> None:
        nonlocal seq
        ops.append(Op(at, seq, kind, error, count=count, reason=reason))
        seq += 1

    for index, at in enumerate(opened):
        day = at.strftime("%Y-%m-%d")
        per_day[day] = per_day.get(day, 0) + 1
        area = rng.choices(names, weights)[0]
        description = rng.choice(AREAS[area][1]).format(n=rng.randrange(2, 50_000))
        errors.append(
            Spec(
                id=f"ERR-{day}-{per_day[day]:03d}",
                severity="P0" if rng.random() < 0.25 else "P1",
                area=area,
                description=description,
                symptoms=rng.choice(SYMPTOMS),
                impact=rng.choice(IMPACTS),
                fingerprint=f"{rng.getrandbits(64):016x}" if rng.random() < 0.4 else "",
                root_cause=rng.choice(ROOT_CAUSES),
                solution=rng.choice(SOLUTIONS),
            )
        )
        op(at, "open", index)
        resolved = at + _duration(rng, 6) if rng.random() < 0.72 else None
        if resolved is not None and resolved >= END:
            resolved = _minutes(rng, at + timedelta(minutes=1), END)
        # sightings while the error is open
        until = resolved or END
        sightings = rng.choice([0, 0, 1, 1, 2, 3]) if until - at > timedelta(minutes=3) else 0
        for when in sorted(
            {_minutes(rng, at + timedelta(minutes=1), until) for _ in range(sightings)}
        ):
            op(when, "seen", index, count=rng.choice([1, 1, 2, 3, 5, 8, 40, 120]))
        if resolved is None:
            continue
        op(resolved, "resolve", index)
        after = rng.random()
        later = _minutes(rng, resolved + timedelta(hours=1), resolved + timedelta(days=20))
        if later >= END:
            continue
        if after < 0.05:  # seen again on code that does not contain the fix: stays resolved
            op(later, "seen_unfixed", index, count=rng.choice([1, 2, 4]))
        elif after < 0.09:  # regressed (3%) or reopened by hand (1%)
            kind = "regress" if after < 0.08 else "reopen"
            op(later, kind, index, count=rng.choice([1, 3]), reason=rng.choice(REASONS))
            again = later + _duration(rng, 12)
            if rng.random() < 0.6 and again < END:
                op(again, "resolve", index)
    ops.sort(key=lambda o: (o.at, o.seq))
    return Plan(errors, ops, _plan_fixes(rng, errors, ops))


def _plan_fixes(rng: random.Random, errors: list[Spec], ops: list[Op]) -> list[FixCommit]:
    """One fix commit per resolution, in time order; each rewrites one or two files completely
    (every line is new), so its +/- counts are known without asking git."""
    lines_now: dict[str, int] = {}
    fixes: list[FixCommit] = []
    last_fix: dict[int, int] = {}
    for o in ops:
        if o.kind in ("seen_unfixed", "regress", "reopen"):
            o.fix = last_fix[o.error]
        if o.kind != "resolve":
            continue
        spec = errors[o.error]
        module = rng.choice(AREAS[spec.area][2])
        paths = [f"src/{spec.area}/{module}.py"]
        if rng.random() < 0.5:
            paths.append(f"tests/{spec.area}/test_{module}.py")
        number = len(fixes)
        files: dict[str, str] = {}
        stats: list[tuple[str, int, int]] = []
        for path in sorted(paths):
            size = rng.randrange(3, 40)
            body = [f"# {path}, revision {number}: fix for {spec.id}\n"]
            body += [f"GUARD_{number}_{i} = {rng.randrange(10**6)}\n" for i in range(size - 1)]
            files[path] = "".join(body)
            stats.append((path, size, lines_now.get(path, 0)))
            lines_now[path] = size
        summary = spec.description.split("\n", 1)[0][:60]
        subject = f"Fix {summary}"
        author = AUTHORS[number % len(AUTHORS)]
        fixes.append(FixCommit(o.at, spec.id, subject, author, files, stats))
        o.fix = number
        last_fix[o.error] = number
    return fixes


# -- git --------------------------------------------------------------------------------------


def git_env(config: Path, when: datetime | None = None) -> dict[str, str]:
    """An environment that isolates git from the machine's settings (and pins commit dates)."""
    skip = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env |= {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    if when is not None:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return env


def write_git_config(path: Path) -> Path:
    path.write_text(
        "[user]\n\tname = Bench User\n\temail = bench@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        "[gc]\n\tauto = 0\n",
        encoding="utf-8",
    )
    return path


def _git(root: Path, env: dict[str, str], *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode()


def _ledger_cmd() -> list[str]:
    return [sys.executable, "-m", "ledger_tool"]


def start_repo(dest: Path, config: Path, journal_max_lines: int | None = None) -> None:
    """`git init`, `ledger init` (and a GitHub-style origin), committed at START."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty")
    env = git_env(config, START)
    _git(dest, env, "init", "-q", "-b", "main")
    (dest / "README.md").write_text("# ml-platform\n", encoding="utf-8")
    done = subprocess.run(
        [*_ledger_cmd(), "init"], cwd=dest, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ledger init failed: {done.stderr}")
    if journal_max_lines is not None:
        toml = dest / ".ledger.toml"
        text = re.sub(
            r"(?m)^journal_max_lines = \d+$",
            f"journal_max_lines = {journal_max_lines}",
            toml.read_text(encoding="utf-8"),
        )
        toml.write_text(text, encoding="utf-8")
    _git(dest, env, "add", "-A")
    _git(dest, env, "commit", "-q", "-m", "Start the ledger")
    _git(dest, env, "remote", "add", "origin", ORIGIN)


def import_fixes(dest: Path, config: Path, fixes: list[FixCommit]) -> None:
    """Write every fix commit on top of main with `git fast-import`; fills in their SHAs.

    Plan times are in the configured zone, which `start_repo` leaves at its default, UTC.
    """
    if not fixes:
        return
    env = git_env(config)
    out = io.BytesIO()

    def data(text: str) -> None:
        raw = text.encode()
        out.write(b"data %d\n" % len(raw) + raw + b"\n")

    for number, fix in enumerate(fixes):
        name, email = fix.author
        stamp = int(fix.at.replace(tzinfo=UTC).timestamp())
        out.write(f"commit refs/heads/main\nmark :{number + 1}\n".encode())
        for role in ("author", "committer"):
            out.write(f"{role} {name} <{email}> {stamp} +0000\n".encode())
        data(f"{fix.subject}\n\nFixes: {fix.error_id}\n")
        if number == 0:
            out.write(b"from refs/heads/main^0\n")
        for path, content in fix.files.items():
            out.write(f"M 100644 inline {path}\n".encode())
            data(content)
    marks = dest / ".git" / "bench-marks"
    _git(dest, env, "fast-import", "--quiet", f"--export-marks={marks}", stdin=out.getvalue())
    shas = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    for number, fix in enumerate(fixes):
        fix.sha = shas[f":{number + 1}"]
    _git(dest, env, "reset", "-q", "--hard", "main")


# -- applying the plan, as ledger_tool/ledger.py does -----------------------------------------


@dataclass
class ErrorState:
    spec: Spec
    block: Block
    first_seen: datetime
    events: list[Event]
    status: str = "active"
    occurrences: int = 1
    last_seen: datetime | None = None
    resolved: datetime | None = None
    link: str = ""
    task: dict[str, str] = field(default_factory=dict)


@dataclass
class JournalEntry:
    time: str
    error_id: str
    title: str
    values: dict[str, str]
    text: str = ""


class Writer:
    """The three files for one plan, built in memory in one pass over its commands."""

    def __init__(self, root: Path, journal_max_lines: int) -> None:
        self.root = root
        self.max_lines = journal_max_lines
        self.errors: dict[str, ErrorState] = {}
        self.window: list[JournalEntry] = []  # the entries still in JOURNAL.md
        self.archived: dict[str, list[str]] = {}  # month -> entries moved to the archive
        # error ID -> (month, heading) of its first archived entry: looked up, not searched for
        self.first_archived: dict[str, tuple[str, str]] = {}
        journal0 = (root / "JOURNAL.md").read_text(encoding="utf-8")
        self.journal_lines = journal0.count("\n") + (0 if journal0.endswith("\n") else 1)

    def _render(self, template: str, values: dict[str, str], **context: str) -> str:
        return render(self.root, template, values, **context)

    def _shape(self, block: Block, template: str, values: dict[str, str], complete: bool) -> None:
        shape(block, self._render, template, values, complete)

    # the journal: entries in time order, the oldest moved out past `journal_max_lines`

    def _journal_add(self, stamp: str, error_id: str, title: str, values: dict[str, str]) -> None:
        entry = JournalEntry(stamp, error_id, title, values)
        self._journal_render(entry)
        self.window.append(entry)  # commands run in time order: a new entry is the latest
        self.journal_lines += entry.text.count("\n") + 1  # with the blank line before it

    def _journal_render(self, entry: JournalEntry) -> None:
        entry.text = self._render(
            "journal_entry.md.j2",
            entry.values,
            time=entry.time,
            title=entry.title,
            id=entry.error_id,
        )

    def _journal_archive(self) -> None:
        """As `journal_md.archive`, run after every command that loads the journal; a Journal
        Entry link to a moved entry follows it (as `Ledger._relinks`)."""
        while self.journal_lines > self.max_lines and len(self.window) > 1:
            entry = self.window.pop(0)
            month = entry.time[:7]
            self.archived.setdefault(month, []).append(entry.text)
            found = _HEADING.search(entry.text)
            if found is not None:
                self.first_archived.setdefault(found.group("id"), (month, found.group("title")))
            self.journal_lines -= entry.text.count("\n") + 1
            heading = f"{entry.title} |ERROR:{entry.error_id}|"
            old, new = _link("JOURNAL.md", heading), _link(f"{ARCHIVE_DIR}/{month}.md", heading)
            state = self.errors.get(entry.error_id)  # only its own error links to the entry
            if state is not None and state.block.get("Journal Entry") == old:
                state.block.replace("Journal Entry", new)

    def _journal_link(self, error_id: str) -> str:
        """As `lifecycle.journal_tasks.journal_link`: the first entry in JOURNAL.md, else in the archive, else
        the resolution entry that `resolve` is about to add."""
        for entry in self.window:
            if entry.error_id == error_id:
                return _link("JOURNAL.md", f"{entry.title} |ERROR:{error_id}|")
        archived = self.first_archived.get(error_id)
        if archived is not None:
            month, title = archived
            return _link(f"{ARCHIVE_DIR}/{month}.md", title)
        return _link("JOURNAL.md", f"{wording.RESOLUTION} |ERROR:{error_id}|")

    def _journal_result(self, spec: Spec, at: datetime, result: str) -> None:
        for entry in reversed(self.window):
            if entry.error_id == spec.id:
                old = entry.values.get("Result")
                value = result if not old or not old.strip() else f"{old.rstrip()}<br>{result}"
                entry.values = entry.values | {"Result": value}
                self._journal_render(entry)
                return
        values = wording.resolution(spec.description, spec.severity, spec.area, result)
        self._journal_add(format_time(at), spec.id, wording.RESOLUTION, values)

    # the commands

    def open(self, spec: Spec, at: datetime) -> None:
        stamp = format_time(at)
        opened = Event(at, "opened")
        values = {
            "Status": "ACTIVE",
            "Severity": spec.severity,
            "Area": encode(spec.area),
            "First Seen": stamp,
            "Last Seen": stamp,
            "Occurrences": "1",
            "Description": encode(spec.description),
            "Symptoms": encode(spec.symptoms),
            "Impact": encode(spec.impact),
            "Fingerprint": encode(spec.fingerprint),
            "History": history.render_events([opened]),
        }
        block = Block(self._render("error_active.md.j2", values, id=spec.id))
        state = ErrorState(spec, block, at, [opened], last_seen=at)
        self.errors[spec.id] = state
        journal = wording.investigation(spec.description, spec.severity, spec.area)
        self._journal_add(stamp, spec.id, wording.INVESTIGATION, journal)
        self._journal_archive()
        state.task = {
            "Task ID": f"TASK-{spec.id}",
            "Title": wording.task_title(spec.description),
            "Status": "IN_PROGRESS",
            "Priority": wording.PRIORITY[Severity(spec.severity)],
            "Error ID": spec.id,
            "Impact": encode(spec.impact),
        }

    def see(self, error_id: str, at: datetime, count: int, regressed_at: str | None) -> None:
        """`ledger seen`; `regressed_at` is the SHA of code that contains the fix (a regression)."""
        state = self.errors[error_id]
        events = state.events
        if regressed_at is not None:
            events = history.add(events, Event(at, "regressed", commit=regressed_at))
        events = history.add(events, Event(at, "seen", count))
        state.events = events
        state.last_seen = max(filter(None, [state.last_seen, at]))
        state.occurrences += count
        values = {
            "Last Seen": format_time(state.last_seen),
            "Occurrences": str(state.occurrences),
            "History": history.render_events(events),
        }
        if regressed_at is not None:
            self._reactivate(state, values, at, "regressed")
            return
        template = "error_resolved.md.j2" if state.status == "resolved" else "error_active.md.j2"
        self._shape(state.block, template, values, complete=False)

    def resolve(self, error_id: str, at: datetime, fix: FixCommit) -> None:
        state = self.errors[error_id]
        spec = state.spec
        start = history.episode_start(state.events) or state.first_seen
        state.events = history.add(state.events, Event(at, "resolved", commit=fix.sha))
        values = {
            "Status": "RESOLVED",
            "Resolved": format_time(at),
            "Resolution Time": format_duration(at - start),
            "History": history.render_events(state.events),
            "Journal Entry": self._journal_link(error_id),
            "Root Cause": encode(spec.root_cause),
            "Solution": encode(spec.solution),
            "Fix Commit": fix.sha,
            "Code Changes": wording.code_changes(fix.stats),
        }
        url = COMMIT_URL.replace("{sha}", fix.sha)
        state.link = f"[{fix.sha[:7]}]({url})"
        state.block.set_heading(f"### {error_id} (RESOLVED)")
        self._shape(state.block, "error_resolved.md.j2", values, complete=True)
        state.status, state.resolved = "resolved", at
        state.task |= {"Status": "COMPLETE", "Root Cause": encode(spec.root_cause)}
        result = f"Resolved {format_time(at)} after {format_duration(at - start)}"
        result += f" by commit {fix.sha[:7]} ({fix.subject}): {spec.solution}"
        self._journal_result(spec, at, encode(result))
        self._journal_archive()

    def reopen(self, error_id: str, at: datetime, reason: str) -> None:
        state = self.errors[error_id]
        state.events = history.add(state.events, Event(at, "reopened", note=reason))
        self._reactivate(
            state, {"History": history.render_events(state.events)}, at, "reopened", reason
        )

    def _reactivate(
        self, state: ErrorState, values: dict[str, str], at: datetime, kind: str, reason: str = ""
    ) -> None:
        spec = state.spec
        values = {"Status": "ACTIVE", "Fix Commit": "", **values}
        state.block.set_heading(f"### {spec.id}")
        state.block.remove("Resolved")
        state.block.remove("Resolution Time")
        self._shape(state.block, "error_active.md.j2", values, complete=True)
        state.status, state.resolved, state.link = "active", None, ""
        state.task |= {"Status": "IN_PROGRESS"}
        title, journal = wording.comeback(kind, reason, spec.description, spec.severity, spec.area)
        self._journal_add(format_time(at), spec.id, title, journal)
        self._journal_archive()

    # the files

    def files(self) -> dict[str, str]:
        """Relative path -> new text of every file the plan changed."""
        out = {"ERRORS.md": self._errors_text(), "TASKS.md": self._tasks_text()}
        journal0 = (self.root / "JOURNAL.md").read_text(encoding="utf-8")
        out["JOURNAL.md"] = _append_entries(
            journal0, 0, len(journal0), [e.text for e in self.window]
        )
        archive_dir = load(self.root).journal_archive_dir
        for month, chunks in self.archived.items():
            out[f"{archive_dir}/{month}.md"] = merge_archive(archive_header(month), chunks, "\n")
        return out

    def _errors_text(self) -> str:
        text = (self.root / "ERRORS.md").read_text(encoding="utf-8")
        doc = ErrorsFile("ERRORS.md", text)
        states = list(self.errors.values())

        def first_seen(s: ErrorState) -> tuple[str, str]:
            return (format_time(s.first_seen), s.spec.id)

        rows = []
        for s in sorted(states, key=first_seen, reverse=True):
            cells = [
                s.spec.id,
                format_time(s.first_seen),
                s.status.upper(),
                s.spec.severity,
                encode(s.spec.area),
                s.link,
            ]
            rows.append("| " + " | ".join(cells) + " |\n")
        active = sorted((s for s in states if s.status == "active"), key=first_seen, reverse=True)
        resolved = sorted(
            (s for s in states if s.status == "resolved"),
            key=lambda s: (format_time(s.resolved or s.first_seen), s.spec.id),
            reverse=True,
        )
        edits = []
        if doc.rows_at is not None:
            edits.append(Edit(doc.rows_at, doc.rows_at, "".join(rows)))
        for name, chosen in (("active", active), ("resolved", resolved)):
            # the first block of a section goes after its lead, above a closing `---`
            sec = doc.sections[name]
            breaks = [b for b in doc.outline.breaks if sec.start < b < sec.stop]
            at = content_end(text, sec.start, min([sec.stop, *breaks]))
            edits.append(Edit(at, at, "".join("\n" + s.block.text() for s in chosen)))
        return apply(text, edits)

    def _tasks_text(self) -> str:
        text = (self.root / "TASKS.md").read_text(encoding="utf-8")
        tasks = [
            self._render("task.md.j2", s.task, task_id=f"TASK-{error_id}")
            for error_id, s in sorted(self.errors.items(), reverse=True)
        ]
        return _append_entries(text, 0, len(text), tasks)


def _append_entries(text: str, start: int, stop: int, entries: list[str]) -> str:
    """Entries after the content of text[start:stop], one blank line before each (as the tool
    inserts them one at a time)."""
    at = content_end(text, start, stop)
    return text[:at] + "".join("\n" + e for e in entries) + text[at:]


def write_ledger(root: Path, plan: Plan) -> dict[str, str]:
    """Apply `plan` to the ledger files in `root` (fresh from `ledger init`); returns the texts."""
    config = load(root)
    tz = zone(config.timezone)
    writer = Writer(root, config.journal_max_lines)
    for o in plan.ops:
        at = o.at.replace(tzinfo=tz)
        spec = plan.errors[o.error]
        if o.kind == "open":
            writer.open(spec, at)
        elif o.kind in ("seen", "seen_unfixed"):
            writer.see(spec.id, at, o.count, None)
        elif o.kind == "regress":
            writer.see(spec.id, at, o.count, plan.fixes[o.fix].sha)
        elif o.kind == "reopen":
            writer.reopen(spec.id, at, o.reason)
        elif o.kind == "resolve":
            writer.resolve(spec.id, at, plan.fixes[o.fix])
    files = writer.files()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return files


def build(n: int, dest: Path, *, seed: int = 0, journal_max_lines: int | None = None) -> Plan:
    """Create `dest` as a git repository whose ledger holds `n` errors, all committed."""
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="make-ledger-") as tmp:
        config = write_git_config(Path(tmp) / "gitconfig")
        start_repo(dest, config, journal_max_lines)
        plan = make_plan(n, seed)
        import_fixes(dest, config, plan.fixes)
        write_ledger(dest, plan)
        env = git_env(config, END)
        _git(dest, env, "add", "-A")
        _git(
            dest,
            env,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            f"Ledger: {n} errors (bench/make_ledger.py)",
        )
        _git(dest, env, "update-ref", "refs/remotes/origin/main", "HEAD")
    return plan


# -- self-check against the real commands -----------------------------------------------------


def replay_args(plan: Plan, o: Op) -> list[str]:
    """The `ledger` command line for one planned command."""
    spec = plan.errors[o.error]
    at = ["--at", o.at.strftime("%Y-%m-%d %H:%M")]
    if o.kind == "open":
        return [
            "open", spec.severity, spec.area, spec.description, *at,
            "--symptoms", spec.symptoms, "--impact", spec.impact,
            "--fingerprint", spec.fingerprint,
        ]  # fmt: skip
    if o.kind == "seen":
        return ["seen", spec.id, "--count", str(o.count), *at]
    if o.kind == "seen_unfixed":
        fix = plan.fixes[o.fix].sha
        return ["seen", spec.id, "--count", str(o.count), *at, "--rev", f"{fix}~1"]
    if o.kind == "regress":
        fix = plan.fixes[o.fix].sha
        return ["seen", spec.id, "--count", str(o.count), *at, "--rev", fix]
    if o.kind == "reopen":
        return ["reopen", spec.id, *at, "--reason", o.reason]
    sha = plan.fixes[o.fix].sha
    return [
        "resolve", spec.id, "--commit", sha, *at,
        "--root-cause", spec.root_cause, "--solution", spec.solution,
    ]  # fmt: skip


@contextlib.contextmanager
def _inside(root: Path, env: dict[str, str]) -> Iterator[None]:
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    os.chdir(root)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def verify(n: int = 60, seed: int = 7, journal_max_lines: int = 25) -> int:
    """Build a ledger here and by replaying the plan through the real CLI; 0 when identical."""
    from ledger_tool.cli import cli

    with tempfile.TemporaryDirectory(prefix="make-ledger-verify-") as tmp:
        fast, slow = Path(tmp) / "generated", Path(tmp) / "replayed"
        plan = build(n, fast, seed=seed, journal_max_lines=journal_max_lines)
        config = write_git_config(Path(tmp) / "gitconfig")
        start_repo(slow, config, journal_max_lines)
        replay = make_plan(n, seed)
        import_fixes(slow, config, replay.fixes)
        if [f.sha for f in replay.fixes] != [f.sha for f in plan.fixes]:
            print("fix commits differ between the two repositories", file=sys.stderr)
            return 1
        print(f"replaying {len(replay.ops)} commands through the ledger CLI ...")
        with _inside(slow, git_env(config)):
            for o in replay.ops:
                args = replay_args(replay, o)
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    code = cli.main(args, prog_name="ledger", standalone_mode=False)
                if code not in (None, 0):
                    print(f"`ledger {' '.join(args)}` exited {code}", file=sys.stderr)
                    return 1
                if o.kind == "open" and out.getvalue().strip() != replay.errors[o.error].id:
                    print(f"open printed {out.getvalue().strip()!r}", file=sys.stderr)
                    return 1
        names = sorted(
            str(p.relative_to(fast))
            for p in fast.rglob("*.md")
            if ".git" not in p.parts and p.name != "README.md"
        )
        names_slow = sorted(
            str(p.relative_to(slow))
            for p in slow.rglob("*.md")
            if ".git" not in p.parts and p.name != "README.md"
        )
        failed = names != names_slow
        if failed:
            print(f"different files: {names} vs {names_slow}", file=sys.stderr)
        for name in names:
            a = (fast / name).read_bytes()
            b = (slow / name).read_bytes() if (slow / name).exists() else b""
            if a != b:
                failed = True
                print(f"DIFFERENT {name} ({len(a)} vs {len(b)} bytes)", file=sys.stderr)
                diff = subprocess.run(
                    ["diff", "-u", str(slow / name), str(fast / name)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                print(diff.stdout[:4000], file=sys.stderr)
            else:
                print(f"identical {name} ({len(a)} bytes)")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n", 1)[0].split()))
    parser.add_argument("n", nargs="?", type=int, help="number of errors")
    parser.add_argument("dir", nargs="?", type=Path, help="where to create the repository")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="compare a small generated ledger with one written by the real commands",
    )
    args = parser.parse_args(argv)
    if args.verify:
        return verify(args.n) if args.n else verify()
    if args.n is None or args.dir is None:
        parser.error("give N and DIR (or --verify)")
    began = time.perf_counter()
    plan = build(args.n, args.dir, seed=args.seed)
    resolved = sum(1 for o in plan.ops if o.kind == "resolve")
    size = (args.dir / "ERRORS.md").stat().st_size
    print(
        f"{args.dir}: {args.n} errors, {len(plan.ops)} commands, {resolved} fix commits, "
        f"ERRORS.md {size:,} bytes, in {time.perf_counter() - began:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
