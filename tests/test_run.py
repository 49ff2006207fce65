"""`ledger run -- CMD`: a job whose output passes through, and whose crash is ingested by itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import LedgerRunner, ledger_process, snapshot

PYTHON = sys.executable


def _entries(run_ledger: LedgerRunner, repo: Path) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = json.loads(run_ledger("list", "--json", cwd=repo).stdout)
    return listed


def test_a_job_killed_with_137_exits_137_and_is_recorded(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    script = "echo 'loading shards'; echo 'Killed' >&2; exit 137"
    done = ledger_process("run", "--job-id", "etl-3", "--", "sh", "-c", script, cwd=ledger_repo)
    assert done.returncode == 137
    assert done.stdout == "loading shards\n"  # the job's output, unchanged
    assert done.stderr.startswith("Killed\n")
    assert "etl-3 failed with exit status 137; opened ERR-" in done.stderr
    copy = ledger_repo / "logs" / "etl-3.log"
    assert copy.read_text() in ("loading shards\nKilled\n", "Killed\nloading shards\n")
    [entry] = _entries(run_ledger, ledger_repo)
    assert entry["area"] == "training" and entry["status"] == "active"
    assert "job etl-3 failed with exit status 137 (SIGKILL)" in entry["fields"]["Impact"]  # type: ignore[index]


def test_a_job_that_raises_is_recorded_with_its_traceback(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    code = "import sys; print('step 1 loss=2.0', flush=True); raise PermissionError(13, 'Permission denied', '/ckpt/run-1')"
    done = ledger_process("run", "--job-id", "sft", "--", PYTHON, "-c", code, cwd=ledger_repo)
    assert done.returncode == 1
    assert "PermissionError: [Errno 13] Permission denied: '/ckpt/run-1'" in done.stderr
    [entry] = _entries(run_ledger, ledger_repo)
    assert str(entry["description"]).startswith("Permission denied: PermissionError")
    assert entry["area"] == "filesystem"
    assert "```text\nTraceback (most recent call last):" in (ledger_repo / "ERRORS.md").read_text()


def test_a_job_that_succeeds_changes_no_ledger_file(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(ledger_repo)
    copy = ledger_repo.parent / "ok.log"
    done = ledger_process(
        "run", "--log", str(copy), "--", PYTHON, "-c", "print('ERROR: 1 retried, then ok')",
        cwd=ledger_repo,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stdout == "ERROR: 1 retried, then ok\n" and done.stderr == ""
    assert copy.read_text() == "ERROR: 1 retried, then ok\n"
    assert snapshot(ledger_repo) == before


def test_a_job_killed_by_a_signal_kills_ledger_run_with_it(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    done = ledger_process(
        "run", "--job-id", "seg", "--", "sh", "-c", "kill -SEGV $$", cwd=ledger_repo
    )
    assert done.returncode == -signal.SIGSEGV
    assert "seg was killed by SIGSEGV (exit status 139)" in done.stderr
    [entry] = _entries(run_ledger, ledger_repo)
    assert "exit status 139 (SIGSEGV)" in entry["fields"]["Impact"]  # type: ignore[index]


def test_sigterm_reaches_the_job_and_its_status_is_ledger_runs(ledger_repo: Path) -> None:
    job = (
        "import signal, sys, time\n"
        "def stop(*_):\n"
        "    print('stopping cleanly', flush=True); sys.exit(3)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [PYTHON, "-m", "ledger_tool", "run", "--job-id", "long", "--", PYTHON, "-c", job],
        cwd=ledger_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 3
    assert out == "stopping cleanly\n"
    assert "long failed with exit status 3" in err


def test_a_command_that_does_not_exist_exits_127(ledger_repo: Path) -> None:
    done = ledger_process("run", "--", "no-such-trainer", "--epochs", "3", cwd=ledger_repo)
    assert done.returncode == 127
    assert "no-such-trainer: command not found" in done.stderr
    assert "opened ERR-" in done.stderr


def test_a_job_killed_with_sigkill_kills_ledger_run_with_it(ledger_repo: Path) -> None:
    done = ledger_process(
        "run", "--job-id", "k", "--", "sh", "-c", "echo hi; kill -9 $$", cwd=ledger_repo
    )
    assert done.returncode == -signal.SIGKILL
    assert "k was killed by SIGKILL (exit status 137); opened ERR-" in done.stderr


def test_two_jobs_that_fail_alike_are_two_sightings(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    for job in ("a1", "a2"):
        done = ledger_process("run", "--job-id", job, "--", "no-such-trainer", cwd=ledger_repo)
        assert done.returncode == 127
    [entry] = _entries(run_ledger, ledger_repo)
    assert entry["occurrences"] == 2


def test_the_copy_never_overwrites_the_ledger_and_stdin_may_be_closed(ledger_repo: Path) -> None:
    before = (ledger_repo / "ERRORS.md").read_bytes()
    refused = ledger_process(
        "run", "--log", "ERRORS.md", "--", "sh", "-c", "exit 1", cwd=ledger_repo
    )
    assert refused.returncode == 1 and "would overwrite the ledger's own files" in refused.stderr
    assert (ledger_repo / "ERRORS.md").read_bytes() == before
    closed = subprocess.run(
        [PYTHON, "-m", "ledger_tool", "run", "--", "sh", "-c", "exit 5"],
        cwd=ledger_repo, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=os.environ,
        close_fds=True,
    )  # fmt: skip
    assert closed.returncode == 5 and "Traceback" not in closed.stderr
