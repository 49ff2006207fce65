"""The whole life of an error on the seed's files: open, note, seen, resolve, reopen, resolve.

Golden files in tests/data/ hold the expected bytes; set LEDGER_UPDATE_GOLDEN=1 to rewrite them
after a deliberate format change (and read the diff).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import SEED, LedgerRunner, git

DATA = Path(__file__).parent / "data"
USER_JOURNAL = (
    "# Journal\n\nMy notes.\n\n## 2026-11-01 10:00\n\n### Set up CI |TASK:TASK-7|\n- **What**: CI\n"
)
USER_TASKS = (
    "# Tasks\n\n## Current Phase\nPhase 2: eval harness\n\n## Task History\n- TASK-6 done\n"
)


def _cycle(repo: Path, run: LedgerRunner) -> str:
    def ok(*args: str) -> str:
        result = run(*args, cwd=repo)
        assert result.code == 0, result.stderr
        return result.stdout

    error_id = ok(
        "open", "P0", "inference", "CUDA OOM during eval", "--at", "2026-11-20 09:15"
    ).strip()
    ok("note", error_id, "--investigation", "OOM at batch 64", "--impact", "nightly eval blocked")
    ok("seen", error_id, "--count", "3", "--at", "2026-11-20 11:30")
    (repo / "eval.py").write_text("BATCH = 32\n")
    git(repo, "add", "eval.py")
    git(repo, "commit", "-q", "-m", "Lower the eval batch size")
    ok("resolve", error_id, "--commit", "HEAD", "--root-cause", "batch 64 does not fit",
       "--solution", "batch 32", "--at", "2026-11-20 15:45")  # fmt: skip
    ok("reopen", error_id, "--reason", "OOM again on the 70B model", "--at", "2026-11-22 08:00")
    ok("resolve", error_id, "--commit", "HEAD", "--at", "2026-11-22 10:00")
    return error_id


def _outside_entries(errors: str) -> str:
    """ERRORS.md without the tool's table rows and error blocks."""
    rows = re.sub(r"^\| ERR-.*\n", "", errors, flags=re.M)
    return re.sub(r"\n### ERR-[\s\S]*?\n(?=\n(?:#{1,3} |---)|\Z)", "", rows)


def _golden(name: str, actual: bytes) -> None:
    path = DATA / name
    if os.environ.get("LEDGER_UPDATE_GOLDEN"):
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_seed_cycle_keeps_every_byte_outside_the_entries(
    repo: Path, run_ledger: LedgerRunner, newline: str
) -> None:
    seed = SEED.read_text().replace("\n", newline)
    (repo / "ERRORS.md").write_bytes(seed.encode())
    (repo / "JOURNAL.md").write_bytes(USER_JOURNAL.replace("\n", newline).encode())
    (repo / "TASKS.md").write_bytes(USER_TASKS.replace("\n", newline).encode())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Adopt the seed ledger")

    _cycle(repo, run_ledger)

    files = {name: (repo / name).read_bytes() for name in ("ERRORS.md", "JOURNAL.md", "TASKS.md")}
    suffix = "crlf" if newline == "\r\n" else "lf"
    for name, data in files.items():
        text = data.decode()
        if newline == "\r\n":
            assert "\n" not in text.replace("\r\n", ""), f"{name} has a bare LF"
        _golden(f"cycle_{suffix}_{name}", data)
    errors = files["ERRORS.md"].decode()
    assert _outside_entries(errors.replace("\r\n", "\n")) == _outside_entries(SEED.read_text())
    assert not errors.endswith("\n")  # the seed has no final newline, and keeps none
    journal = files["JOURNAL.md"].decode().replace("\r\n", "\n")
    assert journal.startswith(USER_JOURNAL)
    tasks = files["TASKS.md"].decode().replace("\r\n", "\n")
    assert tasks.startswith(USER_TASKS)


def test_cycle_state_as_json(repo: Path, run_ledger: LedgerRunner) -> None:
    (repo / "ERRORS.md").write_bytes(SEED.read_bytes())
    error_id = _cycle(repo, run_ledger)
    data = json.loads(run_ledger("show", error_id, "--json", cwd=repo).stdout)
    assert data["status"] == "resolved"
    assert data["occurrences"] == 4
    assert data["last_seen"] == "2026-11-20T11:30:00+00:00"
    assert data["resolved"] == "2026-11-22T10:00:00+00:00"
    assert data["fix_commit"] == git(repo, "rev-parse", "HEAD")
    assert data["fields"]["Resolution Time"] == "2h 0m"
    assert data["fields"]["Root Cause"] == "batch 64 does not fit"
    assert data["fields"]["Investigation"] == "OOM at batch 64"
    assert data["fields"]["Code Changes"] == "eval.py (+1/-0)"
    assert [e["event"] for e in data["history"]] == [
        "opened", "seen", "resolved", "reopened", "resolved"
    ]  # fmt: skip
    assert data["history"][3]["note"] == "OOM again on the 70B model"


def test_resolve_links_to_the_commit_page_on_known_hosts(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    git(ledger_repo, "remote", "add", "origin", "git@github.com:acme/models.git")
    error_id = run_ledger("open", "P1", "api", "502s", cwd=ledger_repo).stdout.strip()
    sha = git(ledger_repo, "rev-parse", "HEAD")
    assert run_ledger("resolve", error_id, "--commit", sha[:10], cwd=ledger_repo).code == 0
    errors = (ledger_repo / "ERRORS.md").read_text()
    url = f"https://github.com/acme/models/commit/{sha}"
    assert f"| RESOLVED | P1 | api | [{sha[:7]}]({url}) |" in errors
    assert f"- **Fix Commit**: {sha}" in errors
    assert "**Status**: COMPLETE" in (ledger_repo / "TASKS.md").read_text()
    assert "by commit " + sha[:7] in (ledger_repo / "JOURNAL.md").read_text()


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://gitlab.com/acme/models.git", "https://gitlab.com/acme/models/-/commit/"),
        ("git@bitbucket.org:acme/models.git", "https://bitbucket.org/acme/models/commits/"),
        (
            "ssh://git@github.example.com:22/acme/models",
            "https://github.example.com/acme/models/commit/",
        ),
    ],
    ids=["gitlab-https", "bitbucket-scp", "github-enterprise-ssh"],
)
def test_commit_page_per_host(
    ledger_repo: Path, run_ledger: LedgerRunner, url: str, page: str
) -> None:
    git(ledger_repo, "remote", "add", "origin", url)
    error_id = run_ledger("open", "P1", "api", "502s", cwd=ledger_repo).stdout.strip()
    run_ledger("resolve", error_id, "--commit", "HEAD", cwd=ledger_repo)
    assert page + git(ledger_repo, "rev-parse", "HEAD") in (ledger_repo / "ERRORS.md").read_text()


def test_unknown_host_links_short_sha_only(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    git(ledger_repo, "remote", "add", "origin", "/srv/git/models.git")
    error_id = run_ledger("open", "P1", "api", "502s", cwd=ledger_repo).stdout.strip()
    run_ledger("resolve", error_id, "--commit", "HEAD", cwd=ledger_repo)
    short = git(ledger_repo, "rev-parse", "--short=7", "HEAD")
    assert f"| RESOLVED | P1 | api | {short} |" in (ledger_repo / "ERRORS.md").read_text()


def _resolved_with_fix(repo: Path, run: LedgerRunner) -> tuple[str, str]:
    error_id = run(
        "open", "P0", "training", "NaN loss", "--at", "2026-11-20 09:00", cwd=repo
    ).stdout.strip()
    before_fix = git(repo, "rev-parse", "HEAD")
    (repo / "train.py").write_text("clip = 1.0\n")
    git(repo, "add", "train.py")
    git(repo, "commit", "-q", "-m", "Clip gradients")
    run("resolve", error_id, "--commit", "HEAD", "--at", "2026-11-20 12:00", cwd=repo)
    return error_id, before_fix


def test_seen_on_code_without_the_fix_is_recorded_but_does_not_reopen(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id, before_fix = _resolved_with_fix(ledger_repo, run_ledger)
    result = run_ledger(
        "seen", error_id, "--rev", before_fix, "--at", "2026-11-20 13:00", cwd=ledger_repo
    )
    assert "stays resolved" in result.stdout
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["status"] == "resolved"
    assert data["occurrences"] == 2
    assert [e["event"] for e in data["history"]] == ["opened", "resolved", "seen"]


def test_seen_on_code_with_the_fix_is_a_regression(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id, _ = _resolved_with_fix(ledger_repo, run_ledger)
    head = git(ledger_repo, "rev-parse", "HEAD")
    result = run_ledger("seen", error_id, "--at", "2026-11-21 09:00", cwd=ledger_repo)
    assert "regressed" in result.stdout
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["status"] == "active"
    assert data["resolved"] is None and data["fix_commit"] is None
    assert data["history"][-2] == {
        "at": "2026-11-21T09:00:00+00:00",
        "event": "regressed",
        "commit": head,
    }
    errors = (ledger_repo / "ERRORS.md").read_text()
    active = errors.split("## Active Errors")[1].split("## Resolved Errors")[0]
    assert f"### {error_id}\n" in active
    assert "**Status**: IN_PROGRESS" in (ledger_repo / "TASKS.md").read_text()
    assert (
        f"Critical Error Regression |ERROR:{error_id}|" in (ledger_repo / "JOURNAL.md").read_text()
    )


def test_sightings_on_one_day_share_one_history_line(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = run_ledger(
        "open", "P1", "data", "bad shard", "--at", "2026-11-20 08:00", cwd=ledger_repo
    ).stdout.strip()
    for hour in range(9, 19):
        run_ledger(
            "seen", error_id, "--count", "100", "--at", f"2026-11-20 {hour:02d}:05", cwd=ledger_repo
        )
    run_ledger("seen", error_id, "--at", "2026-11-21 07:00", cwd=ledger_repo)
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["occurrences"] == 1002
    assert data["history"][1] == {
        "at": "2026-11-20T09:05:00+00:00", "event": "seen", "count": 1000,
        "last": "2026-11-20T18:05:00+00:00",
    }  # fmt: skip
    assert len(data["history"]) == 3
    assert "- 2026-11-20 09:05 seen 1000 (last 18:05)" in (ledger_repo / "ERRORS.md").read_text()


def test_note_append_and_task_mirror(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    error_id = run_ledger("open", "P1", "data", "bad shard", cwd=ledger_repo).stdout.strip()
    run_ledger("note", error_id, "--investigation", "checked shard 3", cwd=ledger_repo)
    run_ledger(
        "note",
        error_id,
        "--investigation",
        "shard 4 too",
        "--append",
        "--workarounds",
        "skip it",
        cwd=ledger_repo,
    )
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["fields"]["Investigation"] == "checked shard 3\nshard 4 too"
    assert "- **Workarounds**: skip it" in (ledger_repo / "TASKS.md").read_text()


def test_person_added_lines_in_a_block_are_kept(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = run_ledger(
        "open", "P0", "api", "timeouts", "--at", "2026-11-20 08:00", cwd=ledger_repo
    ).stdout.strip()
    path = ledger_repo / "ERRORS.md"
    text = path.read_text()
    text = text.replace(
        "**Monitoring**:\n", "**Monitoring**:\n**Owner**: alice\n\nA paragraph by a person.\n", 1
    )
    path.write_text(text)
    run_ledger("seen", error_id, "--at", "2026-11-20 09:00", cwd=ledger_repo)
    run_ledger("resolve", error_id, "--at", "2026-11-20 10:00", cwd=ledger_repo)
    run_ledger("reopen", error_id, "--at", "2026-11-20 11:00", cwd=ledger_repo)
    final = path.read_text()
    assert "**Owner**: alice\n\nA paragraph by a person.\n" in final
    data = json.loads(run_ledger("show", error_id, "--json", cwd=ledger_repo).stdout)
    assert data["fields"]["Owner"] == "alice"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("resolve", "ERR-2026-11-20-009"),
            "no error ERR-2026-11-20-009; errors of 2026-11-20: ERR-2026-11-20-001",
        ),
        (("seen", "ERR-2026-11-20-001", "--at", "yesterday"), "cannot read time 'yesterday'"),
        (("reopen", "ERR-2026-11-20-001"), "is not resolved"),
        (("resolve", "ERR-2026-11-20-001", "--commit", "--upload-pack=evil"), "is not a revision"),
        (("resolve", "ERR-2026-11-20-001", "--commit", "nosuchbranch"), "no commit 'nosuchbranch'"),
        (("resolve", "ERR-2026-11-20-001", "--at", "2026-11-19 00:00"), "before its episode began"),
    ],
    ids=[
        "unknown-id",
        "bad-time",
        "reopen-active",
        "option-as-rev",
        "unknown-rev",
        "resolve-before-open",
    ],
)
def test_user_errors_exit_1_with_next_step_and_change_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner, args: tuple[str, ...], message: str
) -> None:
    run_ledger("open", "P0", "api", "timeouts", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    before = {p: (ledger_repo / p).read_bytes() for p in ("ERRORS.md", "JOURNAL.md", "TASKS.md")}
    result = run_ledger(*args, cwd=ledger_repo)
    assert result.code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert before == {p: (ledger_repo / p).read_bytes() for p in before}


def test_resolution_time_is_real_time_across_a_clock_change(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / ".ledger.toml").write_text('timezone = "Europe/Berlin"\n')
    run_ledger("open", "P0", "api", "x", "--at", "2026-10-25 01:00", cwd=ledger_repo)
    result = run_ledger(
        "resolve", "ERR-2026-10-25-001", "--at", "2026-10-25 04:00", cwd=ledger_repo
    )
    assert result.stdout.strip() == "ERR-2026-10-25-001 resolved after 4h 0m"  # clocks went back
