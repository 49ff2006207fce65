"""The hook path stays light: the CLI imports neither gitpython nor jinja2 until a command needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ledger_process

HEAVY = ("git", "jinja2", "mistune", "frontmatter")
# Runs `ledger ARGS` in-process, then reports on stderr what it imported.
RUN = (
    "import sys, runpy\n"
    "sys.argv = ['ledger'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('ledger_tool', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
)
PROBE = RUN + (
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


def test_resolve_with_a_fix_commit_and_seen_load_no_gitpython(ledger_repo: Path) -> None:
    """`resolve --commit` asks plain git for the fix commit; `seen` of an active error asks git
    nothing: neither pays for gitpython's import."""
    opened = ledger_process("open", "P0", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    assert opened.returncode == 0
    for args in (
        ("seen", "ERR-2026-11-20-001", "--at", "2026-11-20 09:00"),
        ("resolve", "ERR-2026-11-20-001", "--commit", "HEAD", "--at", "2026-11-20 10:00"),
    ):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, *args], cwd=ledger_repo, capture_output=True, text=True
        )
        heavy = out.stderr.split("HEAVY ", 1)[1]
        assert "'git'" not in heavy and "Traceback" not in out.stderr, (args, out.stderr)


def test_a_second_open_renders_its_entries_without_jinja(ledger_repo: Path) -> None:
    """The first `open` renders the packaged templates with Jinja and keeps their shapes; the
    next one fills those in, without importing Jinja, and writes what Jinja would have."""
    opened = ledger_process("open", "P0", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    assert opened.returncode == 0, opened.stderr
    args = ("open", "P1", "data", "y", "--at", "2026-11-20 09:00")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ledger_repo, capture_output=True, text=True
    )
    assert "HEAVY []" in out.stderr, out.stderr
    assert out.stdout.strip() == "ERR-2026-11-20-002"
    assert ledger_process("check", cwd=ledger_repo).returncode == 0


def test_ingesting_a_log_with_nothing_to_record_reads_no_ledger(ledger_repo: Path) -> None:
    """A job that logged no failure costs the reading of its log only: neither the ledger's
    files nor git nor templates are loaded."""
    log = ledger_repo / "ok.log"
    log.write_text("[2026-11-20 08:00:00] [train] [INFO] [Train] step 1/10 loss=2.1\n")
    probe = PROBE + (
        "files = sorted(m for m in sys.modules if m.startswith('ledger_tool.files.ledger')"
        " or m == 'ledger_tool.ingest.apply')\n"
        "print('FILES', files, file=sys.stderr)\n"
    )
    for extra in ((), ("--json",), ("--dry-run",)):
        out = subprocess.run(
            [sys.executable, "-c", probe, "ingest", str(log), *extra],
            cwd=ledger_repo,
            capture_output=True,
            text=True,
        )
        assert "HEAVY []" in out.stderr and "FILES []" in out.stderr, (extra, out.stderr)


def test_help_is_what_click_prints() -> None:
    """`ledger --help` comes from ledger_tool/cli/help.txt without importing click: it must be
    the group's own help.  After changing a command, write it again with
    `python -c "from click.testing import CliRunner; from ledger_tool.cli.group import cli;
    open('ledger_tool/cli/help.txt', 'w').write(CliRunner().invoke(cli, ['--help'],
    prog_name='ledger').output)"`."""
    from click.testing import CliRunner

    from ledger_tool.cli.group import cli

    stored = (Path(__file__).parent.parent / "ledger_tool" / "cli" / "help.txt").read_text()
    assert CliRunner().invoke(cli, ["--help"], prog_name="ledger").output == stored
    probe = "import sys, runpy; sys.argv = ['ledger', '--help']; runpy.run_module('ledger_tool', run_name='__main__'); print(sorted(m for m in sys.modules if m.split('.')[0] == 'click'), file=sys.stderr)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout == stored
    assert out.stderr.strip() == "[]"  # click is not even imported


WARM = RUN + (
    "print('LOADED', sorted(m for m in sys.modules if m.startswith(('ledger_tool', 'git', "
    "'jinja2', 'mistune'))), file=sys.stderr)\n"
)
# What a warm `ledger check` (the pre-commit hook on an unchanged or remembered ledger) may load.
HOOK_PATH = {
    "ledger_tool", "ledger_tool.__main__", "ledger_tool.bound", "ledger_tool.cli", "ledger_tool.cli.group",
    "ledger_tool.cli._common", "ledger_tool.cli.check", "ledger_tool.cli.entries", "ledger_tool.cli.figures",
    "ledger_tool.cli.hooks", "ledger_tool.cli.ingest", "ledger_tool.cli.init", "ledger_tool.cli.read",
    "ledger_tool.cli.sync", "ledger_tool.checks", "ledger_tool.checks.problem", "ledger_tool.checks.recall",
    "ledger_tool.config", "ledger_tool.exceptions", "ledger_tool.files", "ledger_tool.files.cache",
    "ledger_tool.files.store", "ledger_tool.gitdirs", "ledger_tool.gitlink", "ledger_tool.gitlink.index",
    "ledger_tool.markdown", "ledger_tool.markdown.textcodec", "ledger_tool.model",
    "ledger_tool.model.timefmt", "ledger_tool.model.vocabulary", "ledger_tool.workspace",
}  # fmt: skip


@pytest.mark.parametrize("staged", [False, True], ids=["worktree", "staged"])
def test_a_warm_check_loads_only_the_hook_path(ledger_repo: Path, staged: bool) -> None:
    """The pre-commit hook's second run on the same ledger reads no Markdown, runs no check rule
    and imports no gitpython: it answers from .git/ledger-cache/."""
    assert (
        ledger_process(
            "open", "P0", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo
        ).returncode
        == 0
    )
    args = ["check", "--staged"] if staged else ["check"]
    if staged:
        subprocess.run(["git", "add", "-A"], cwd=ledger_repo, check=True)
    assert ledger_process(*args, cwd=ledger_repo).returncode == 0  # the answer is kept
    out = subprocess.run(
        [sys.executable, "-c", WARM, *args],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(out.stderr.split("LOADED", 1)[1].strip().strip("[]").replace("'", "").split(", "))
    assert loaded <= HOOK_PATH, sorted(loaded - HOOK_PATH)


@pytest.mark.parametrize("staged", [False, True], ids=["worktree", "staged"])
def test_the_check_after_a_sighting_loads_only_the_hook_path(
    ledger_repo: Path, staged: bool
) -> None:
    """`ledger seen` keeps the answer of the check before it for the file it writes, so the
    hook on the commit of that sighting (once `git add`ed) reads no Markdown either."""
    opened = ledger_process("open", "P0", "api", "x", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    assert opened.returncode == 0
    subprocess.run(["git", "add", "-A"], cwd=ledger_repo, check=True)
    assert ledger_process("check", cwd=ledger_repo).returncode == 0
    seen = ledger_process("seen", "ERR-2026-11-20-001", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    assert seen.returncode == 0, seen.stderr
    args = ["check", "--staged"] if staged else ["check"]
    if staged:
        subprocess.run(["git", "add", "-A"], cwd=ledger_repo, check=True)
    out = subprocess.run(
        [sys.executable, "-c", WARM, *args], cwd=ledger_repo, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    loaded = set(out.stderr.split("LOADED", 1)[1].strip().strip("[]").replace("'", "").split(", "))
    assert loaded <= HOOK_PATH, sorted(loaded - HOOK_PATH)
