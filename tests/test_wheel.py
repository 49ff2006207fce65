"""The installed wheel, not the checkout: it carries its templates and hook scripts, and the hooks
it installs reach `ledger_tool.cli:main` from it.

The wheel is built offline from this checkout (hatchling, the build backend, is in the test
extra) and unpacked into a folder of its own, which comes first on the path of a fresh process run
from outside the checkout; the dependencies come from this environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import git

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the wheel was installed into (`pip install --target`)."""
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (wheel,) = out.glob("ledger_tool-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ledger_tool/templates/error_active.md.j2" in names
    assert "ledger_tool/hook_scripts/post-commit" in names
    target = out / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q"]
    subprocess.run([*install, "--target", str(target), str(wheel)], check=True, capture_output=True)
    return target


def _ledger(site: Path, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "ledger_tool", *args],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_installed_wheel_runs_from_its_own_files(installed: Path, repo: Path) -> None:
    probe = _ledger(installed, repo, "--version")
    assert probe.returncode == 0, probe.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import ledger_tool.cli as c; print(c.__file__)"],
        cwd=repo, env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(installed), where

    assert _ledger(installed, repo, "init", "--hooks").returncode == 0
    opened = _ledger(installed, repo, "open", "P0", "api", "boom", "--at", "2026-11-20 09:00")
    assert opened.returncode == 0, opened.stderr  # the packaged templates rendered
    assert "### ERR-2026-11-20-001" in (repo / "ERRORS.md").read_text()
    status = json.loads(_ledger(installed, repo, "hooks", "status", "--json").stdout)
    assert {status["hooks"][name] for name in status["hooks"]} == {"installed"}, status

    # The hook scripts it installed run the wheel's ledger_tool.cli:main on a fix commit.
    git(repo, "add", "-A")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    fixed = subprocess.run(
        ["git", "commit", "-q", "-m", "Fix it", "-m", "Fixes: ERR-2026-11-20-001"],
        cwd=repo, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert "warning" not in fixed.stderr, fixed.stderr
    shown = json.loads(_ledger(installed, repo, "show", "ERR-2026-11-20-001", "--json").stdout)
    assert shown["status"] == "resolved"
