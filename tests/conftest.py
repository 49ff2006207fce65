"""Shared fixtures: hermetic git repositories with pinned identities and dates, and a CLI runner.

Tests run the real `ledger` command line (in-process through click's runner, or as a subprocess
where a real process matters) against real files in real temporary git repositories.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger_tool.cli import cli

SEED = Path(__file__).parent / "data" / "seed_errors.md"
PINNED_DATE = "2026-11-20T12:00:00+00:00"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-cases", default=150, help="cases of tests/test_fuzz.py (default 150)")
    parser.addoption("--fuzz-seed", default=20261202, help="seed of tests/test_fuzz.py")


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Isolate git from the machine's config and pin who commits and when."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    for name in list(os.environ):
        if name.startswith("GIT_"):  # the user's shell: GIT_AUTHOR_NAME, GIT_DIR, GIT_TRACE...
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_DATE", PINNED_DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", PINNED_DATE)
    monkeypatch.setenv("TZ", "UTC")
    # The `ledger` processes the tests start may keep their compiled modules (a shell that sets
    # this makes each of them compile the package again: minutes over the suite).
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its stdout (raises on failure)."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=os.environ
    )
    return done.stdout.strip()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


LedgerRunner = Callable[..., Run]


@pytest.fixture
def run_ledger(monkeypatch: pytest.MonkeyPatch) -> LedgerRunner:
    """Run `ledger ARGS...` in `cwd` (in-process) and return exit code, stdout and stderr."""

    def run(*args: str, cwd: Path, input: str | None = None) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def ledger_process(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `ledger` as a real process (for crash, lock and import tests)."""
    return subprocess.run(
        [sys.executable, "-m", "ledger_tool", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ,
    )


def init_repo(path: Path) -> Path:
    """A new git repository at `path` on branch main with one commit (the same commit, SHA
    included, wherever it is made: identity and dates are pinned)."""
    path.mkdir()
    git(path, "init", "-q")
    (path / "README.md").write_text("# demo\n")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "Initial commit")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """An empty git repository on branch main with one commit."""
    yield init_repo(tmp_path / "repo")


@pytest.fixture
def ledger_repo(repo: Path, run_ledger: LedgerRunner) -> Path:
    """A git repository after `ledger init`, committed."""
    assert run_ledger("init", cwd=repo).code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start the ledger")
    return repo


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (outside .git) and its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
