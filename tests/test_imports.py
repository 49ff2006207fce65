"""The hook path stays light: the CLI imports neither gitpython nor jinja2 until a command needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ledger_process

HEAVY = ("git", "jinja2", "mistune", "frontmatter")
PROBE = (
    "import sys, runpy\n"
    "sys.argv = ['ledger'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('ledger_tool', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
    "print('HEAVY', heavy, file=sys.stderr)\n"
)


def test_importing_the_cli_loads_no_git_or_templates() -> None:
    code = f"import sys, ledger_tool.cli; print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [("--help",), ("list",), ("show", "ERR-2026-11-20-001", "--json")],
    ids=["help", "list", "show"],
)
def test_read_commands_load_no_git_or_templates(ledger_repo: Path, args: tuple[str, ...]) -> None:
    assert (
        ledger_process(
            "open", "P0", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo
        ).returncode
        == 0
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "HEAVY []" in out.stderr
