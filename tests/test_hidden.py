"""Never write what the user cannot see, never touch the wrong entry.

A fence or comment that is never closed hides the rest of JOURNAL.md or TASKS.md: commands refuse
to write there and `ledger check` names it.  A task whose heading was deleted by hand is never
mistaken for the task above it.  A block without Occurrences or Last Seen is kept working.  The
merge driver, `ledger report` and the cache write atomically and leave no stray file after a kill,
and `ledger check` finishes an interrupted write before it judges.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, ledger_process, snapshot
from tests.test_crash_and_lock import (  # noqa: F401 (fixtures)
    _kill_at_step,
    busy_repo,
    write_steps,
)

FIRST, SECOND = "ERR-2026-11-20-001", "ERR-2026-11-20-002"


@pytest.fixture
def two_errors(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """A committed ledger with two active errors (SECOND is the newer, its task first)."""
    for description, at in (("first one", "2026-11-20 09:00"), ("second one", "2026-11-20 10:00")):
        assert run_ledger("open", "P0", "api", description, "--at", at, cwd=ledger_repo).code == 0
    git(ledger_repo, "commit", "-q", "-am", "Open two errors")
    return ledger_repo


def _line_of(text: str, marker: str) -> int:
    return text.count("\n", 0, text.index(marker)) + 1


# -- bullet 1: an unclosed fence or comment in JOURNAL.md or TASKS.md --------------------------

OPENERS = {"fence": ("```text\n", "code fence"), "tilde": ("~~~\n", "code fence"),
           "comment": ("<!-- draft\n", "HTML comment")}  # fmt: skip
COMMANDS = {
    "open": ("open", "P1", "db", "third one", "--at", "2026-11-20 12:00"),
    "resolve": ("resolve", SECOND, "--at", "2026-11-20 12:00"),
    "reopen": ("reopen", FIRST, "--at", "2026-11-20 13:00"),
}


def _hide_from(path: Path, marker: str, opener: str) -> int:
    """Put `opener` on its own line before `marker` (never closed); returns its line."""
    text = path.read_text()
    at = text.index(marker)
    path.write_text(text[:at] + opener + "\n" + text[at:])
    return text.count("\n", 0, at) + 1


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
@pytest.mark.parametrize("opener", OPENERS, ids=list(OPENERS))
@pytest.mark.parametrize("name", ["JOURNAL.md", "TASKS.md"])
def test_commands_refuse_to_write_below_an_unclosed_fence_or_comment(
    two_errors: Path, run_ledger: LedgerRunner, command: str, opener: str, name: str
) -> None:
    if command == "reopen":
        assert run_ledger("resolve", FIRST, "--at", "2026-11-20 11:00", cwd=two_errors).code == 0
        git(two_errors, "commit", "-q", "-am", "Resolve the first")
    marker = "## 2026-11-20 10:00" if name == "JOURNAL.md" else f"## TASK-{FIRST}"
    line = _hide_from(two_errors / name, marker, OPENERS[opener][0])
    before = snapshot(two_errors)
    result = run_ledger(*COMMANDS[command], cwd=two_errors)
    assert result.code == 1, result.stdout
    assert result.stderr.startswith(
        f"ledger: {name}:{line}: this {OPENERS[opener][1]} is never closed"
    )
    assert "close it" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(two_errors) == before


def test_check_names_the_unclosed_fence_that_hides_a_journal_entry(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    line = _hide_from(two_errors / "JOURNAL.md", "## 2026-11-20 10:00", "```text")
    result = run_ledger("check", cwd=two_errors)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"JOURNAL.md:{line}: LDG303 the code fence opened here is never closed; it hides the "
        f"journal entry of {SECOND}; close it"
    ]


def test_check_names_the_unclosed_comment_that_hides_a_task(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    line = _hide_from(two_errors / "TASKS.md", f"## TASK-{FIRST}", "<!-- draft")
    result = run_ledger("check", cwd=two_errors)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"TASKS.md:{line}: LDG404 the HTML comment opened here is never closed; it hides the "
        f"task of {FIRST}; close it"
    ]


def test_check_names_an_unclosed_fence_at_the_end_that_hides_no_entry(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    path = two_errors / "JOURNAL.md"
    text = path.read_text()
    path.write_text(text + "\n~~~\nscratch\n")
    result = run_ledger("check", cwd=two_errors)
    assert result.code == 1
    line = text.count("\n") + 2
    assert result.stdout.splitlines() == [
        f"JOURNAL.md:{line}: LDG303 the code fence opened here is never closed; it hides the "
        "rest of the file, where a new journal entry would go; close it"
    ]


def test_an_unclosed_fence_after_the_last_resolved_error_hides_nothing_the_tool_writes(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    """ERRORS.md's entries go to the top of their section, never to the end of the file, so a
    fence left open at the very end hides none of them: the commands work, and keep it."""
    assert run_ledger("resolve", FIRST, "--at", "2026-11-20 11:00", cwd=two_errors).code == 0
    path = two_errors / "ERRORS.md"
    text = path.read_text()
    cut = text.index("\n## ", text.index("## Resolved Errors"))  # the sections after Resolved
    tail = "\n```\nscratch of ours\n"
    path.write_text(text[:cut] + "\n" + tail)
    for args in (COMMANDS["resolve"], COMMANDS["reopen"], COMMANDS["open"]):
        assert run_ledger(*args, cwd=two_errors).code == 0
    written = path.read_text()
    assert written.endswith(tail)
    fence = written.rindex("```")
    for error_id in (FIRST, SECOND, "ERR-2026-11-20-003"):
        assert written.index(f"### {error_id}") < fence
    assert run_ledger("check", cwd=two_errors).code == 0


def test_check_names_the_closed_fence_that_hides_a_journal_entry(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    path = two_errors / "JOURNAL.md"
    text = path.read_text()
    start = text.index("## 2026-11-20 10:00")
    end = text.index("\n## ", start + 1) + 1 if "\n## " in text[start + 1 :] else len(text)
    path.write_text(text[:start] + "<!--\n" + text[start:end] + "-->\n" + text[end:])
    opener = _line_of(path.read_text(), "<!--\n## 2026")
    heading = _line_of(path.read_text(), f"|ERROR:{SECOND}|")
    result = run_ledger("check", cwd=two_errors)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"JOURNAL.md:{opener}: LDG301 the HTML comment opened here hides the journal entry of "
        f"{SECOND} (line {heading}); move it out of the HTML comment"
    ]


# -- bullet 2: a task whose heading was deleted by hand ----------------------------------------


def _status_lines(text: str) -> dict[str, str]:
    """Each error task's Status line, by error ID (read by position: Task ID then Status)."""
    found: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("**Task ID**: TASK-"):
            current = line.split("TASK-", 1)[1]
        elif line.startswith("**Status**:") and current is not None:
            found[current] = line
            current = None
    return found


@pytest.mark.parametrize("deleted", [SECOND, FIRST], ids=["first-heading", "second-heading"])
@pytest.mark.parametrize("resolved", [SECOND, FIRST])
def test_resolve_changes_only_its_own_task_or_refuses(
    two_errors: Path, run_ledger: LedgerRunner, deleted: str, resolved: str
) -> None:
    path = two_errors / "TASKS.md"
    text = path.read_text()
    assert text.index(f"## TASK-{SECOND}") < text.index(f"## TASK-{FIRST}")  # SECOND's is first
    path.write_text(text.replace(f"## TASK-{deleted}\n", ""))
    git(two_errors, "commit", "-q", "-am", "A task heading deleted by hand")
    before = snapshot(two_errors)
    result = run_ledger("resolve", resolved, "--at", "2026-11-20 12:00", cwd=two_errors)
    after = path.read_text()
    other = FIRST if resolved == SECOND else SECOND
    line = _line_of(before["TASKS.md"].decode(), f"**Task ID**: TASK-{deleted}")
    check = run_ledger("check", cwd=two_errors)
    assert check.code == 1
    assert f"TASKS.md:{line}: LDG405 the task TASK-{deleted} has no" in check.stdout
    if resolved == deleted:  # its task has no heading: which lines are its own is a guess
        assert result.code == 1
        assert result.stderr.startswith(f"ledger: TASKS.md:{line}: the task TASK-{resolved}")
        assert f"put `## TASK-{resolved}` back" in result.stderr
        assert snapshot(two_errors) == before
        return
    assert result.code == 0, result.stderr
    assert _status_lines(after) == {
        resolved: "**Status**: COMPLETE",
        other: "**Status**: IN_PROGRESS",
    }
    old_lines, new_lines = before["TASKS.md"].decode().splitlines(), after.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [new for old, new in zip(old_lines, new_lines, strict=True) if old != new]
    assert changed == ["**Status**: COMPLETE"]


# -- bullet 3: a block without Occurrences or Last Seen ----------------------------------------


def test_open_refuses_to_put_its_task_above_a_task_without_a_heading(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    """A new task goes above the newest older task; when that one's heading is gone (a NUL in
    front of it, here), where it starts cannot be told, and the new task would split it."""
    path = two_errors / "TASKS.md"
    path.write_text(path.read_text().replace(f"## TASK-{SECOND}\n", f"\0## TASK-{SECOND}\n"))
    before = snapshot(two_errors)
    line = _line_of(before["TASKS.md"].decode(), f"**Task ID**: TASK-{SECOND}")
    result = run_ledger(*COMMANDS["open"], cwd=two_errors)
    assert result.code == 1, result.stdout
    assert result.stderr.startswith(f"ledger: TASKS.md:{line}: the task TASK-{SECOND} has no")
    assert snapshot(two_errors) == before


@pytest.mark.parametrize("field", ["Occurrences", "Last Seen"])
@pytest.mark.parametrize(
    "command", ["seen", "resolve", "reopen", "note", "list", "show", "metrics", "report", "sync"]
)
def test_every_command_copes_with_a_block_without_a_count_field(
    two_errors: Path, run_ledger: LedgerRunner, field: str, command: str
) -> None:
    root = two_errors
    if command == "reopen":
        assert run_ledger("resolve", FIRST, "--at", "2026-11-20 11:00", cwd=root).code == 0
    path = root / "ERRORS.md"
    lines = path.read_text().splitlines(keepends=True)
    block = next(i for i, line in enumerate(lines) if line.startswith(f"### {FIRST}"))
    drop = next(i for i in range(block, len(lines)) if lines[i].startswith(f"**{field}**:"))
    path.write_text("".join(lines[:drop] + lines[drop + 1 :]))
    assert run_ledger("check", cwd=root).code == 0
    args = {
        "seen": ("seen", FIRST, "--at", "2026-11-20 12:00"),
        "resolve": ("resolve", FIRST, "--at", "2026-11-20 12:00"),
        "reopen": ("reopen", FIRST, "--at", "2026-11-20 12:00"),
        "note": ("note", FIRST, "--investigation", "looked"),
        "list": ("list",),
        "show": ("show", FIRST),
        "metrics": ("metrics", "--since", "2026-11-16", "--until", "2026-11-23"),
        "report": ("report", "--week", "2026-W47"),
        "sync": ("sync",),
    }[command]
    if command == "sync":
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Fix it", "-m", f"Fixes: {FIRST}")
    result = run_ledger(*args, cwd=root)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    check = run_ledger("check", cwd=root)
    assert check.code == 0, check.stdout
    if command in ("resolve", "reopen", "sync"):
        shown = json.loads(run_ledger("show", FIRST, "--json", cwd=root).stdout)
        assert shown["occurrences"] == 1
        assert shown["last_seen"] is not None


# -- bullet 4: the merge driver writes atomically ----------------------------------------------

# Runs `ledger merge-driver`, counting the steps of its write once the merge is computed (each
# os.replace/fsync/chmod/unlink, the start and the middle of each file written) and SIGKILLing
# itself at step KILL_AT; with KILL_AT=0 it records how many steps the write took.
KILL_DRIVER = textwrap.dedent(
    """
    import os, pathlib, signal, sys

    from ledger_tool.merge import driver
    from ledger_tool.files import store

    kill_at = int(os.environ["KILL_AT"])
    state = {"steps": 0, "writing": False}


    def step():
        if state["writing"]:
            state["steps"] += 1
            with open(os.environ["STEPS_FILE"], "w") as out:
                out.write(str(state["steps"]))
            if state["steps"] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


    def counted(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            step()
            return original(*args, **kwargs)

        setattr(owner, name, wrapper)


    for name in ("replace", "rename", "fsync", "chmod", "unlink", "remove"):
        counted(os, name)


    def halves(path, data):
        step()
        with open(path, "wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            step()  # a kill here leaves a half-written file
            handle.write(data[len(data) // 2 :])
            handle.flush()
            os.fsync(handle.fileno())
        return len(data)


    pathlib.Path.write_bytes = halves
    opened = pathlib.Path.open


    class Halved:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            return halves_into(self.handle, data)

        def __getattr__(self, name):
            return getattr(self.handle, name)


    def halves_into(handle, data):
        step()
        handle.write(data[: len(data) // 2])
        handle.flush()
        step()  # a kill here leaves a half-written file
        return handle.write(data[len(data) // 2 :])


    def opening(self, mode="r", *args, **kwargs):
        handle = opened(self, mode, *args, **kwargs)
        return Halved(handle) if state["writing"] and "w" in mode else handle


    pathlib.Path.open = opening
    store._write_synced = halves
    merge_file = driver.merge_file


    def merging(*args, **kwargs):
        outcome = merge_file(*args, **kwargs)
        state["writing"] = True
        return outcome


    driver.merge_file = merging

    from ledger_tool.cli import main

    sys.argv = ["ledger", *sys.argv[1:]]
    main()
    """
)


def _driver_sides(root: Path, run_ledger: LedgerRunner, tmp_path: Path) -> list[str]:
    """base, ours, theirs of TASKS.md where each side opened an error, as git hands them over."""
    base = (root / "TASKS.md").read_text()
    assert run_ledger("open", "P1", "db", "ours", "--at", "2026-11-21 09:00", cwd=root).code == 0
    ours = (root / "TASKS.md").read_text()
    git(root, "checkout", "-q", "--", ".")
    assert run_ledger("open", "P1", "ui", "theirs", "--at", "2026-11-22 09:00", cwd=root).code == 0
    theirs = (root / "TASKS.md").read_text()
    git(root, "checkout", "-q", "--", ".")
    sides = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_text(text)
        sides.append(str(tmp_path / name))
    return sides


def _run_driver(root: Path, tmp_path: Path, sides: list[str], step: int) -> tuple[int, int]:
    script = tmp_path / "kill_driver.py"
    script.write_text(KILL_DRIVER)
    steps = tmp_path / "steps"
    steps.write_text("0")
    ours = root / ".merge_file_test"  # git puts %A at the top of the work tree
    ours.write_text(Path(sides[1]).read_text())
    done = subprocess.run(
        [sys.executable, str(script), "merge-driver", sides[0], str(ours), sides[2], "TASKS.md"],
        cwd=root,
        env={**os.environ, "KILL_AT": str(step), "STEPS_FILE": str(steps)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, int(steps.read_text())


def test_a_killed_merge_driver_leaves_ours_whole(
    two_errors: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    sides = _driver_sides(two_errors, run_ledger, tmp_path)
    ours = two_errors / ".merge_file_test"
    code, total = _run_driver(two_errors, tmp_path, sides, 0)
    assert code == 0 and total >= 2, total
    merged = ours.read_text()
    assert "TASK-ERR-2026-11-21-001" in merged and "TASK-ERR-2026-11-22-001" in merged
    for step in range(1, total + 1):
        code, _ = _run_driver(two_errors, tmp_path, sides, step)
        assert code == -signal.SIGKILL, step
        assert ours.read_text() in (Path(sides[1]).read_text(), merged), f"torn at step {step}"
    ours.unlink()
    assert run_ledger("list", cwd=two_errors).code == 0  # the next command clears the rest
    assert not any((two_errors / ".git" / "ledger").iterdir())
    assert git(two_errors, "status", "--porcelain", "--untracked-files=all") == ""


# -- bullet 5: check recovers first; report and the cache leave nothing behind -----------------


def test_check_finishes_an_interrupted_write_before_judging(
    busy_repo: Path,  # noqa: F811
    run_ledger: LedgerRunner,
    tmp_path: Path,
    write_steps: int,  # noqa: F811
) -> None:
    failed = {}
    for step in range(1, write_steps + 1):
        _kill_at_step(busy_repo, tmp_path, step)
        result = run_ledger("check", cwd=busy_repo)
        if result.code != 0:
            failed[step] = result.stdout
        folder = busy_repo / ".git" / "ledger"
        assert not folder.is_dir() or not any(folder.iterdir()), step
        git(busy_repo, "checkout", "-q", "--", ".")
    assert failed == {}, failed


def _stray(root: Path) -> list[str]:
    """Untracked or changed paths in the work tree, the report itself left out."""
    out = git(root, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in out.splitlines() if line[3:] != "reports/2026-W47.md"]


def _cache_temps(root: Path) -> list[str]:
    folder = root / ".git" / "ledger-cache"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".pickle")


def test_a_killed_report_leaves_no_temporary_file_in_the_work_tree(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    root = two_errors
    args = [sys.executable, "-m", "ledger_tool", "report", "--week", "2026-W47"]
    start = time.perf_counter()
    assert ledger_process(*args[3:], cwd=root).returncode == 0
    duration = time.perf_counter() - start
    report = root / "reports" / "2026-W47.md"
    whole = report.read_bytes()
    rng = random.Random(20261202)
    kills = 12
    slots = list(range(kills))
    rng.shuffle(slots)
    for index, slot in enumerate(slots):
        report.unlink(missing_ok=True)
        for cache in (root / ".git" / "ledger-cache").glob("*.pickle"):
            cache.unlink()  # every run writes the cache again
        proc = subprocess.Popen(
            args, cwd=root, env=os.environ, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        time.sleep((slot + rng.random()) / kills * 1.2 * duration)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        what = f"kill #{index}"
        assert _stray(root) == [], what
        assert not report.exists() or report.read_bytes() == whole, what
        assert run_ledger("list", cwd=root).code == 0
        assert _cache_temps(root) == [], what
        folder = root / ".git" / "ledger"
        assert not folder.is_dir() or not any(folder.iterdir()), what


@pytest.mark.parametrize("step", range(1, 9))
def test_a_report_killed_at_each_step_of_its_write_leaves_no_stray_file(
    two_errors: Path, run_ledger: LedgerRunner, tmp_path: Path, step: int
) -> None:
    script = tmp_path / "kill.py"
    script.write_text(KILL_DRIVER.replace("driver.merge_file = merging", "pages.make = merging")
                      .replace("merge_file = driver.merge_file", "merge_file = pages.make")
                      .replace("from ledger_tool.merge import driver",
                               "from ledger_tool.figures import pages"))  # fmt: skip
    steps = tmp_path / "steps"
    steps.write_text("0")
    done = subprocess.run(
        [sys.executable, str(script), "report", "--week", "2026-W47"],
        cwd=two_errors,
        env={**os.environ, "KILL_AT": str(step), "STEPS_FILE": str(steps)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode == 0:
        return  # the write took fewer steps
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _stray(two_errors) == []
    assert run_ledger("list", cwd=two_errors).code == 0
    assert _cache_temps(two_errors) == []


def test_the_cache_sweeps_the_temporary_files_of_killed_runs(
    two_errors: Path, run_ledger: LedgerRunner
) -> None:
    folder = two_errors / ".git" / "ledger-cache"
    assert run_ledger("list", cwd=two_errors).code == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = folder / f"listing.pickle.{dead.pid}.abc123.tmp"
    stale.write_bytes(b"half a pickle")
    mine = folder / f"listing.pickle.{os.getpid()}.def456.tmp"  # a live process's: kept
    mine.write_bytes(b"being written")
    assert run_ledger("list", cwd=two_errors).code == 0
    assert not stale.exists()
    assert mine.exists()


def test_init_keeps_a_journal_with_an_unclosed_fence_and_says_so(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    (repo / "JOURNAL.md").write_text("# Journal\n\n```\nscratch\n")
    result = run_ledger("init", cwd=repo)
    assert result.code == 0, result.stderr
    assert "kept     JOURNAL.md" in result.stdout
    assert "ledger: note: JOURNAL.md:3: this code fence is never closed" in result.stderr
    assert (repo / "JOURNAL.md").read_text() == "# Journal\n\n```\nscratch\n"
