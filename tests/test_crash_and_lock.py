"""Crashes, kills and concurrent processes: every file stays old or becomes new, as one change.

The kill tests run the real `ledger` as a subprocess and SIGKILL it: once at random moments spread
over its whole run time, and once at every step of the multi-file write (a wrapper counts the write's
system calls and kills the process at the k-th one), so the commit point and each rename in turn are
hit deterministically.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, ledger_process, snapshot

LEDGER_FILES = ("ERRORS.md", "JOURNAL.md", "TASKS.md")
EXISTING = [
    ("P0", "inference", "CUDA OOM during eval", "2026-11-20 09:15"),
    ("P1", "training", "NaN loss after warmup", "2026-11-20 11:30"),
    ("P1", "data", "tokenizer cache corrupted", "2026-11-21 08:00"),
]
EXISTING_IDS = ["ERR-2026-11-21-001", "ERR-2026-11-20-002", "ERR-2026-11-20-001"]
NEW_ID = "ERR-2026-11-22-001"
OPEN_NEW = ("open", "P0", "inference", "GPU fell off the bus", "--at", "2026-11-22 07:45")
KILL_ITERATIONS = 40


def _files(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in LEDGER_FILES}


def _leftovers(root: Path) -> list[str]:
    """Anything in the tool's temporary folder (an empty or missing folder is fine)."""
    folder = root / ".git" / "ledger"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _changed_paths(root: Path) -> list[str]:
    """Every path `git status` reports (modified, added, deleted or untracked), sorted."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "-z", "--untracked-files=all"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return sorted(entry[3:] for entry in out.split("\0") if entry)


def _listed_ids(run_ledger: LedgerRunner, root: Path) -> list[str]:
    result = run_ledger("list", "--json", cwd=root)
    assert result.code == 0, result.stderr
    return [entry["id"] for entry in json.loads(result.stdout)]


@pytest.fixture
def busy_repo(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """A committed ledger with a few errors already open."""
    for severity, area, description, at in EXISTING:
        result = run_ledger("open", severity, area, description, "--at", at, cwd=ledger_repo)
        assert result.code == 0, result.stderr
    git(ledger_repo, "commit", "-q", "-am", "Open three errors")
    assert _listed_ids(run_ledger, ledger_repo) == EXISTING_IDS
    return ledger_repo


def _reference_new(root: Path, run_ledger: LedgerRunner) -> tuple[dict[str, bytes], float]:
    """The three files after an uninterrupted `open` (it is deterministic: fixed --at), and its
    median run time as a process.  Leaves the repository as committed."""
    durations = []
    new: dict[str, bytes] | None = None
    for _ in range(3):
        start = time.perf_counter()
        done = ledger_process(*OPEN_NEW, cwd=root)
        durations.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        assert done.stdout == NEW_ID + "\n"
        files = _files(root)
        assert new is None or files == new, "`ledger open` with a fixed --at must be deterministic"
        new = files
        assert _listed_ids(run_ledger, root) == [NEW_ID, *EXISTING_IDS]  # the new version parses
        git(root, "checkout", "-q", "--", ".")
    assert new is not None
    return new, statistics.median(durations)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the ledger process and anything it started (git helpers)."""
    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _check_after_kill(
    root: Path,
    run_ledger: LedgerRunner,
    old: dict[str, bytes],
    new: dict[str, bytes],
    what: str,
) -> bool:
    """Assert the kill left a consistent ledger; return True when the change was made.

    Temporary files left in .git/ledger are the caller's to check (see `_take_leftovers`)."""
    # Straight after the kill, before any ledger command: each file is whole, old or new.
    for name, data in _files(root).items():
        assert data in (old[name], new[name]), f"{what}: {name} is neither old nor new"
    # The next command (a read) finishes or forgets the interrupted write ...
    ids = _listed_ids(run_ledger, root)
    after = _files(root)
    states = {name: "new" if after[name] == new[name] else "old" for name in LEDGER_FILES}
    for name in LEDGER_FILES:
        assert after[name] in (old[name], new[name]), f"{what}: {name} changed after recovery"
    # ... so that all three files are old, or all three are new.
    assert len(set(states.values())) == 1, f"{what}: mixed files after recovery: {states}"
    changed = states["ERRORS.md"] == "new"
    assert ids == ([NEW_ID, *EXISTING_IDS] if changed else EXISTING_IDS), what
    paths = _changed_paths(root)
    expected = sorted(LEDGER_FILES) if changed else []
    assert paths == expected, f"{what}: unexpected paths in the work tree: {paths}"
    return changed


def _take_leftovers(root: Path) -> list[str]:
    """The names left in .git/ledger, removed so that the next iteration starts clean."""
    found = _leftovers(root)
    for name in found:
        (root / ".git" / "ledger" / name).unlink()
    return found


def test_kill_at_random_moments_leaves_all_files_old_or_all_new(
    busy_repo: Path, run_ledger: LedgerRunner
) -> None:
    old = _files(busy_repo)
    new, duration = _reference_new(busy_repo, run_ledger)
    rng = random.Random(20261122)
    # Stratified over [0, 1.2 x run time): every part of the run gets its share of kills.
    slots = list(range(KILL_ITERATIONS))
    rng.shuffle(slots)
    delays = [(slot + rng.random()) / KILL_ITERATIONS * 1.2 * duration for slot in slots]
    outcomes = []
    left: dict[str, list[str]] = {}
    for index, delay in enumerate(delays):
        proc = subprocess.Popen(
            [sys.executable, "-m", "ledger_tool", *OPEN_NEW],
            cwd=busy_repo,
            env=os.environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        _kill_group(proc)
        what = f"kill #{index} after {delay * 1000:.0f} ms (exit {proc.returncode})"
        outcomes.append(_check_after_kill(busy_repo, run_ledger, old, new, what))
        if found := _take_leftovers(busy_repo):
            left[what] = found
        git(busy_repo, "checkout", "-q", "--", ".")
        assert _files(busy_repo) == old
    assert left == {}, f"left in .git/ledger after the next `ledger list`: {left}"
    # Some kills must have landed before the change was made (else the test proved nothing).  How
    # many runs finished first depends on the machine's load, so that is not asserted.
    assert not all(outcomes), "every run finished before its kill: the delays are too long"


# Runs the real CLI, counting the write's steps (each os.replace/fsync/chmod/unlink, the start
# and the middle of each temporary file's write) and killing itself with SIGKILL at step KILL_AT.
# With KILL_AT=0 it only records how many steps a whole write takes in STEPS_FILE.
KILL_AT_STEP = textwrap.dedent(
    """
    import os, signal, sys

    from ledger_tool.files import store

    kill_at = int(os.environ["KILL_AT"])
    state = {"steps": 0, "writing": False}


    def step():
        if state["writing"]:
            state["steps"] += 1
            if state["steps"] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


    def counted(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            step()
            return original(*args, **kwargs)

        setattr(owner, name, wrapper)


    # pathlib's unlink/replace/rename call these too, so each step counts once.
    for name in ("replace", "rename", "fsync", "chmod", "unlink", "remove"):
        counted(os, name)

    if hasattr(store, "_write_synced"):

        def write_synced(path, data):
            step()
            with path.open("wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                step()  # a kill here leaves a half-written temporary file
                handle.write(data[len(data) // 2 :])
                handle.flush()
                os.fsync(handle.fileno())

        store._write_synced = write_synced

    write_files = store.write_files


    def counting_write_files(*args, **kwargs):
        state["writing"] = True
        try:
            return write_files(*args, **kwargs)
        finally:
            state["writing"] = False
            with open(os.environ["STEPS_FILE"], "w") as out:
                out.write(str(state["steps"]))


    store.write_files = counting_write_files

    from ledger_tool.cli import main

    sys.argv = ["ledger", *sys.argv[1:]]
    main()
    """
)


def _kill_at_step(root: Path, tmp_path: Path, step: int) -> tuple[int, int]:
    """Run OPEN_NEW, killed at write step `step` (0: never); (exit code, steps counted)."""
    script = tmp_path / "kill_at_step.py"
    script.write_text(KILL_AT_STEP)
    steps_file = tmp_path / "steps"
    steps_file.write_text("-1")
    env = {**os.environ, "KILL_AT": str(step), "STEPS_FILE": str(steps_file)}
    done = subprocess.run(
        [sys.executable, str(script), *OPEN_NEW],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if step == 0:
        assert done.returncode == 0, done.stderr
    return done.returncode, int(steps_file.read_text())


@pytest.fixture
def write_steps(busy_repo: Path, tmp_path: Path) -> int:
    """How many steps one uninterrupted `open` write takes (the repository is left as committed)."""
    code, steps = _kill_at_step(busy_repo, tmp_path, 0)
    assert code == 0 and steps > 5, steps
    git(busy_repo, "checkout", "-q", "--", ".")
    return steps


def test_kill_at_every_step_of_the_write_leaves_all_files_old_or_all_new(
    busy_repo: Path, run_ledger: LedgerRunner, tmp_path: Path, write_steps: int
) -> None:
    old = _files(busy_repo)
    new, _ = _reference_new(busy_repo, run_ledger)
    outcomes = []
    for step in range(1, write_steps + 1):
        code, _ = _kill_at_step(busy_repo, tmp_path, step)
        assert code == -signal.SIGKILL, f"step {step}: the process was not killed ({code})"
        what = f"kill at write step {step} of {write_steps}"
        outcomes.append(_check_after_kill(busy_repo, run_ledger, old, new, what))
        _take_leftovers(busy_repo)  # the next test reports these
        git(busy_repo, "checkout", "-q", "--", ".")
    # Before the commit point the change is forgotten; from it on it is finished: one switch.
    assert outcomes == sorted(outcomes), outcomes
    assert not outcomes[0] and outcomes[-1], outcomes


def test_no_temporary_file_survives_a_kill_at_any_step_once_ledger_runs_again(
    busy_repo: Path, run_ledger: LedgerRunner, tmp_path: Path, write_steps: int
) -> None:
    left: dict[int, list[str]] = {}
    for step in range(1, write_steps + 1):
        _kill_at_step(busy_repo, tmp_path, step)
        _listed_ids(run_ledger, busy_repo)  # the next ledger command, a read
        if found := _take_leftovers(busy_repo):
            left[step] = found
        paths = _changed_paths(busy_repo)
        assert set(paths) <= set(LEDGER_FILES), (step, paths)
        git(busy_repo, "checkout", "-q", "--", ".")
    assert left == {}, f"left in .git/ledger after `ledger list` (by write step): {left}"


SEEN_LOOP = textwrap.dedent(
    """
    import subprocess, sys

    error_id, day = sys.argv[1], sys.argv[2]
    for i in range(25):
        done = subprocess.run(
            [sys.executable, "-m", "ledger_tool", "seen", error_id, "--at", f"{day} 10:{i:02d}"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"seen #{i} failed with {done.returncode}: {done.stderr}")
    """
)


def test_two_processes_recording_sightings_at_once_lose_none(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    opened = run_ledger(
        "open", "P0", "api", "503 storm", "--at", "2026-11-20 09:00", cwd=ledger_repo
    )
    error_id = opened.stdout.strip()
    assert error_id == "ERR-2026-11-20-001"
    loops = [
        subprocess.Popen(
            [sys.executable, "-c", SEEN_LOOP, error_id, day],
            cwd=ledger_repo,
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in ("2026-11-20", "2026-11-21")
    ]
    for loop in loops:
        _, err = loop.communicate(timeout=180)
        assert loop.returncode == 0, err
    shown = run_ledger("show", error_id, "--json", cwd=ledger_repo)
    assert shown.code == 0, shown.stderr
    entry = json.loads(shown.stdout)
    assert entry["occurrences"] == 51
    assert sum(e["count"] for e in entry["history"] if e["event"] == "seen") == 50
    assert entry["last_seen"] == "2026-11-21T10:24:00+00:00"
    assert entry["history"] == [
        {"at": "2026-11-20T09:00:00+00:00", "event": "opened"},
        {
            "at": "2026-11-20T10:00:00+00:00",
            "event": "seen",
            "count": 25,
            "last": "2026-11-20T10:24:00+00:00",
        },
        {
            "at": "2026-11-21T10:00:00+00:00",
            "event": "seen",
            "count": 25,
            "last": "2026-11-21T10:24:00+00:00",
        },
    ]
    assert _leftovers(ledger_repo) == []


@pytest.fixture
def lifecycle_repo(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """ERR-2026-11-20-001 active, ERR-2026-11-20-002 resolved at 12:00; all committed."""
    for description, at in (("active one", "2026-11-20 09:00"), ("fixed one", "2026-11-20 10:00")):
        assert run_ledger("open", "P1", "api", description, "--at", at, cwd=ledger_repo).code == 0
    resolved = run_ledger(
        "resolve", "ERR-2026-11-20-002", "--at", "2026-11-20 12:00", cwd=ledger_repo
    )
    assert resolved.code == 0, resolved.stderr
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "Two errors")
    return ledger_repo


ACTIVE, RESOLVED = "ERR-2026-11-20-001", "ERR-2026-11-20-002"
AT = ("--at", "2026-11-21 09:00")  # after both errors began: only the bad input is refused
REFUSED = {
    "open-p2": (1, ["open", "P2", "api", "minor", *AT]),
    "open-bad-severity": (1, ["open", "P7", "api", "what", *AT]),
    "open-blank-area": (1, ["open", "P0", "  ", "no area", *AT]),
    "open-blank-description": (1, ["open", "P0", "api", " \t ", *AT]),
    "open-bad-at": (1, ["open", "P0", "api", "when?", "--at", "last tuesday"]),
    "seen-unknown-id": (1, ["seen", "ERR-2026-11-20-009", *AT]),
    "seen-count-zero": (2, ["seen", ACTIVE, "--count", "0", *AT]),
    "seen-rev-looks-like-an-option": (1, ["seen", RESOLVED, "--rev=--output=/tmp/x", *AT]),
    "seen-rev-unknown": (1, ["seen", RESOLVED, "--rev", "no-such-branch", *AT]),
    "note-unknown-id": (1, ["note", "ERR-2026-11-19-001", "--investigation", "x"]),
    "note-no-field": (2, ["note", ACTIVE]),
    "note-blank-description": (1, ["note", ACTIVE, "--description", "  "]),
    "resolve-already-resolved": (1, ["resolve", RESOLVED, *AT]),
    "resolve-before-first-seen": (1, ["resolve", ACTIVE, "--at", "2026-11-20 08:00"]),
    "resolve-unknown-commit": (1, ["resolve", ACTIVE, "--commit", "deadbeef", *AT]),
    "resolve-commit-looks-like-an-option": (1, ["resolve", ACTIVE, "--commit=--all", *AT]),
    "reopen-active": (1, ["reopen", ACTIVE, *AT]),
    "reopen-before-resolved": (1, ["reopen", RESOLVED, "--at", "2026-11-20 11:00"]),
}


@pytest.mark.parametrize(("code", "args"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_command_changes_no_byte(
    lifecycle_repo: Path, run_ledger: LedgerRunner, code: int, args: list[str]
) -> None:
    before = snapshot(lifecycle_repo)
    result = run_ledger(*args, cwd=lifecycle_repo)
    assert result.code == code, (result.stdout, result.stderr)
    assert result.stderr.strip(), "a refusal says why"
    assert "Traceback" not in result.stderr
    assert snapshot(lifecycle_repo) == before
    assert _changed_paths(lifecycle_repo) == []
    assert _leftovers(lifecycle_repo) == []


def test_unparseable_ledger_is_never_rewritten(
    lifecycle_repo: Path, run_ledger: LedgerRunner
) -> None:
    errors = lifecycle_repo / "ERRORS.md"
    errors.write_bytes(
        errors.read_bytes().replace(b"**Occurrences**: 1", b"**Occurrences**: many", 1)
    )
    before = snapshot(lifecycle_repo)
    for args in (
        ["seen", ACTIVE, *AT],
        ["note", ACTIVE, "--investigation", "x"],
        ["open", "P0", "api", "another", *AT],
        ["reopen", RESOLVED, *AT],
    ):
        result = run_ledger(*args, cwd=lifecycle_repo)
        assert result.code == 1, (args, result.stdout, result.stderr)
        assert "ERRORS.md:" in result.stderr and "Occurrences" in result.stderr, result.stderr
        assert snapshot(lifecycle_repo) == before, args
    assert _leftovers(lifecycle_repo) == []
