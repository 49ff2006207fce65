"""`ledger init --ci github`: the workflow it writes, read as GitHub reads it (YAML), and its steps
run here as the runner would run them, in a real repository with a real remote."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from tests.conftest import LedgerRunner, git, ledger_process

WORKFLOW = Path(".github/workflows/ledger.yml")


def _workflow(repo: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((repo / WORKFLOW).read_text())
    return data


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_the_workflow_checks_pull_requests_with_history_and_reports_on_mondays(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    done = run_ledger("init", "--ci", "github", cwd=repo)
    assert done.code == 0 and "created  .github/workflows/ledger.yml" in done.stdout
    flow = _workflow(repo)
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true, as PyYAML does
    assert set(triggers) == {"pull_request", "schedule", "workflow_dispatch"}
    weekday = triggers["schedule"][0]["cron"].split()[4]
    assert weekday == "1"  # Mondays: the week that ended is complete
    assert flow["permissions"] == {"contents": "read"}

    check, report = flow["jobs"]["check"], flow["jobs"]["report"]
    assert check["if"] == "github.event_name == 'pull_request'"
    for job in (check, report):
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"]["fetch-depth"] == 0  # ancestry needs the whole history
        assert any(r.startswith("pip install ") for r in _runs(job))
    assert [r for r in _runs(check) if r.startswith("ledger")] == [
        "ledger check",
        "ledger sync --check",
    ]
    assert report["permissions"] == {"contents": "write"}
    assert "ledger report --week last" in _runs(report)


def test_its_ledger_steps_run_here_as_on_the_runner(
    repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    assert run_ledger("init", "--ci", "github", cwd=repo).code == 0
    opened = run_ledger(
        "open", "P0", "training", "NCCL timeout", "--at", "2026-11-16 10:00", cwd=repo
    )
    assert opened.code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start the ledger")
    git(repo, "push", "-q", "-u", "origin", "main")
    flow = _workflow(repo)

    def step(command: str) -> subprocess.CompletedProcess[str]:
        if command.startswith("ledger "):
            return ledger_process(*shlex.split(command)[1:], cwd=repo)
        return subprocess.run(
            ["bash", "-e", "-c", command], cwd=repo, capture_output=True, text=True
        )

    # a pull request whose fix commit's `Fixes:` trailer is not in the ledger yet: sync --check fails
    (repo / "train.py").write_text("TIMEOUT = 1800\n")
    git(repo, "add", "train.py")
    git(repo, "commit", "-q", "-m", "Raise the NCCL timeout\n\nFixes: ERR-2026-11-16-001")
    results = [step(r) for r in _runs(flow["jobs"]["check"]) if r.startswith("ledger")]
    assert [r.returncode for r in results] == [0, 1]
    assert "ERR-2026-11-16-001" in results[1].stdout + results[1].stderr
    # recorded (as the post-commit hook does), both pass
    assert ledger_process("sync", cwd=repo).returncode == 0
    git(repo, "commit", "-q", "-am", "Record the fix")
    results = [step(r) for r in _runs(flow["jobs"]["check"]) if r.startswith("ledger")]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    git(repo, "push", "-q")

    # the Monday job: every step but the installs, as written
    for command in _runs(flow["jobs"]["report"]):
        if not command.startswith("pip "):
            done = step(command)
            assert done.returncode == 0, (command, done.stderr)
    reports = git(origin, "ls-tree", "-r", "--name-only", "main", "reports")
    assert len(reports.splitlines()) == 1 and reports.endswith(".md")
    assert git(origin, "log", "-1", "--format=%s", "main") == "Weekly reliability report"


def test_a_workflow_there_already_is_kept_and_the_template_can_be_overridden(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    ours = repo / WORKFLOW
    ours.parent.mkdir(parents=True)
    ours.write_text("name: ours\n")
    done = run_ledger("init", "--ci", "github", cwd=repo)
    assert done.code == 0 and "kept     .github/workflows/ledger.yml" in done.stdout
    assert ours.read_text() == "name: ours\n"

    ours.unlink()
    templates = repo / ".ledger" / "templates"
    templates.mkdir(parents=True)
    (templates / "ci_github.yml.j2").write_text("name: team\n# install {{ install }}\n")
    assert run_ledger("init", "--ci", "github", cwd=repo).code == 0
    assert ours.read_text().startswith("name: team\n# install ledger-tool @ git+")


def test_an_unknown_ci_is_a_usage_error(repo: Path, run_ledger: LedgerRunner) -> None:
    done = run_ledger("init", "--ci", "jenkins", cwd=repo)
    assert done.code == 2 and "'jenkins' is not 'github'" in done.stderr
    assert not (repo / "ERRORS.md").exists()
