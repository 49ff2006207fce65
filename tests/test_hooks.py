"""`ledger hooks install|uninstall|status`, the raw hooks in real commits, and the manifest for
the pre-commit framework, run by the real framework offline.

Every commit here is a real `git commit` in a real temporary repository, so the installed hooks
run as git runs them: the tool's own Python, git's environment, git's temporary indexes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ledger_tool.gitlink import hooks
from tests.conftest import LedgerRunner, git

ROOT = Path(__file__).resolve().parent.parent
LEDGER_FILES = ["ERRORS.md", "JOURNAL.md", "TASKS.md", "JOURNAL_ARCHIVE/*.md"]
ERR = "ERR-2026-11-20-001"
ATTRIBUTE_LINES = (
    "/ERRORS.md merge=ledger\n/JOURNAL.md merge=ledger\n/TASKS.md merge=ledger\n"
    "/JOURNAL_ARCHIVE/*.md merge=ledger\n"
)
USER_HOOK = "#!/bin/sh\necho user-hook-ran >> user-hook.log\nexit 0\n"


def commit(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`git commit -q ARGS` with the hooks running; returns the process, whatever its exit code."""
    return subprocess.run(
        ["git", "commit", "-q", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env if env is not None else os.environ,
    )


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD")


def break_errors(repo: Path) -> None:
    """Make ERRORS.md malformed: its Active Errors heading is gone."""
    path = repo / "ERRORS.md"
    path.write_text(path.read_text().replace("## Active Errors", "## Activ Errors"))


def entry(repo: Path, run: LedgerRunner, error_id: str = ERR) -> dict[str, object]:
    shown = run("show", error_id, "--json", cwd=repo)
    assert shown.code == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


def assert_git_left_clean(repo: Path) -> None:
    """No lock or temporary file left, nothing staged by a hook, and nothing changed in the
    working tree but what `ledger sync` may record in the ledger files."""
    dot_git = repo / ".git"
    assert not list(dot_git.glob("*.lock")), "a git lock file was left behind"
    assert not (dot_git / "ledger").is_dir() or not any((dot_git / "ledger").iterdir())
    assert git(repo, "diff", "--cached", "--name-only") == ""
    changed = git(repo, "diff", "--name-only").split()
    untracked = git(repo, "ls-files", "--others", "--exclude-standard").split()
    assert set(changed) <= set(LEDGER_FILES)
    assert untracked == []


@pytest.fixture
def hooked(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """A ledger repository with the hooks installed and one open error, all committed."""
    assert run_ledger("hooks", "install", cwd=ledger_repo).code == 0
    opened = run_ledger("open", "P0", "api", "boom", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    assert opened.stdout.strip() == ERR
    (ledger_repo / "code.txt").write_text("v1\n")
    git(ledger_repo, "add", "-A")
    done = commit(ledger_repo, "-m", f"Open {ERR}")
    assert done.returncode == 0, done.stderr
    return ledger_repo


# --- install, uninstall, status ------------------------------------------------------------


def test_install_writes_the_hooks_the_merge_driver_and_the_attributes(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("hooks", "install", cwd=repo)
    assert result.code == 0, result.stderr
    folder = repo / ".git" / "hooks"
    for name in hooks.HOOK_NAMES:
        text = (folder / name).read_text()
        assert os.access(folder / name, os.X_OK)
        assert f"\nLEDGER_PYTHON={shlex.quote(sys.executable)}\n" in text
    driver = f"{shlex.quote(sys.executable)} -m ledger_tool merge-driver %O %A %B %P"
    assert git(repo, "config", "merge.ledger.driver") == driver
    assert git(repo, "config", "merge.ledger.name") == "ledger merge driver"
    assert (repo / ".gitattributes").read_text() == ATTRIBUTE_LINES
    assert git(repo, "check-attr", "merge", "--", "ERRORS.md") == "ERRORS.md: merge: ledger"
    assert git(repo, "check-attr", "merge", "--", "docs/ERRORS.md").endswith("unspecified")


def _installed_state(repo: Path) -> dict[str, bytes]:
    folder = repo / ".git" / "hooks"
    files = [*sorted(folder.iterdir()), repo / ".git" / "config", repo / ".gitattributes"]
    return {str(p): p.read_bytes() for p in files}


def test_attributes_follow_the_configured_file_names(repo: Path, run_ledger: LedgerRunner) -> None:
    (repo / ".ledger.toml").write_text('errors_file = "docs/Error Ledger.md"\n')
    assert run_ledger("hooks", "install", cwd=repo).code == 0
    assert '"/docs/Error Ledger.md" merge=ledger\n' in (repo / ".gitattributes").read_text()
    assert git(repo, "check-attr", "merge", "--", "docs/Error Ledger.md").endswith(": ledger")
    assert git(repo, "check-attr", "merge", "--", "ERRORS.md").endswith(": unspecified")
    assert run_ledger("hooks", "uninstall", cwd=repo).code == 0
    assert not (repo / ".gitattributes").exists()


def test_a_hooks_path_that_cannot_hold_hooks_is_a_clear_error(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    (repo / "not-a-folder").write_text("")
    git(repo, "config", "core.hooksPath", "not-a-folder")
    result = run_ledger("hooks", "install", cwd=repo)
    assert result.code == 1
    assert "cannot write the hooks into" in result.stderr


def test_installing_twice_is_installing_once(repo: Path, run_ledger: LedgerRunner) -> None:
    (repo / ".git" / "hooks" / "pre-commit").write_text(USER_HOOK)
    (repo / ".git" / "hooks" / "pre-commit").chmod(0o755)
    assert run_ledger("hooks", "install", cwd=repo).code == 0
    first = _installed_state(repo)
    again = run_ledger("hooks", "install", cwd=repo)
    assert again.code == 0
    assert _installed_state(repo) == first
    assert "kept      pre-commit" in again.stdout


@pytest.mark.parametrize(
    "where", ["inside", "outside"], ids=["relative-in-repo", "absolute-shared"]
)
def test_install_follows_core_hooks_path(
    repo: Path, tmp_path: Path, run_ledger: LedgerRunner, where: str
) -> None:
    folder = repo / ".githooks" if where == "inside" else tmp_path / "shared hooks"
    git(repo, "config", "core.hooksPath", ".githooks" if where == "inside" else str(folder))
    result = run_ledger("hooks", "install", cwd=repo)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(hooks.HOOK_NAMES)
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert ("in the work tree" in result.stdout) == (where == "inside")
    assert ("outside this repository" in result.stdout) == (where == "outside")
    status = run_ledger("hooks", "status", "--json", cwd=repo)
    assert set(json.loads(status.stdout)["hooks"].values()) == {"installed"}


def test_a_hook_already_there_still_runs_and_its_failure_still_stops_the_commit(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    user_hook = ledger_repo / ".git" / "hooks" / "pre-commit"
    user_hook.write_text(USER_HOOK)
    user_hook.chmod(0o755)
    result = run_ledger("hooks", "install", cwd=ledger_repo)
    assert "chained   pre-commit.ledger-chained" in result.stdout
    git(ledger_repo, "add", "-A")
    assert commit(ledger_repo, "-m", "Install the hooks").returncode == 0
    assert (ledger_repo / "user-hook.log").read_text() == "user-hook-ran\n"

    (user_hook.parent / "pre-commit.ledger-chained").write_text("#!/bin/sh\necho no >&2\nexit 7\n")
    (ledger_repo / "code.txt").write_text("v2\n")
    git(ledger_repo, "add", "code.txt")
    before = head(ledger_repo)
    refused = commit(ledger_repo, "-m", "Refused by the user's hook")
    assert refused.returncode != 0
    assert "no" in refused.stderr
    assert head(ledger_repo) == before


def test_uninstall_removes_only_its_own_and_restores_the_chained_hooks(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    folder = repo / ".git" / "hooks"
    (folder / "commit-msg").write_text(USER_HOOK)
    (folder / "commit-msg").chmod(0o750)
    user_attributes = "*.png binary\r\nERRORS.md diff=markdown"  # CRLF, no final newline
    (repo / ".gitattributes").write_bytes(user_attributes.encode())
    git(repo, "config", "merge.other.driver", "other-tool %A")
    before = {p.name: (p.read_bytes(), p.stat().st_mode) for p in folder.iterdir()}
    config_before = git(repo, "config", "--local", "--list")

    assert run_ledger("hooks", "install", cwd=repo).code == 0
    assert (repo / ".gitattributes").read_bytes() == (
        user_attributes + "\r\n" + ATTRIBUTE_LINES.replace("\n", "\r\n")
    ).encode()
    result = run_ledger("hooks", "uninstall", cwd=repo)
    assert result.code == 0, result.stderr
    assert "restored  commit-msg" in result.stdout

    assert {p.name: (p.read_bytes(), p.stat().st_mode) for p in folder.iterdir()} == before
    assert git(repo, "config", "--local", "--list") == config_before
    assert (repo / ".gitattributes").read_bytes() == (user_attributes + "\r\n").encode()


def test_uninstall_deletes_a_gitattributes_that_only_install_wrote(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    assert run_ledger("hooks", "install", cwd=repo).code == 0
    assert run_ledger("hooks", "uninstall", cwd=repo).code == 0
    assert not (repo / ".gitattributes").exists()
    assert "[merge" not in (repo / ".git" / "config").read_text()
    assert run_ledger("hooks", "uninstall", cwd=repo).code == 0  # nothing left to remove


def test_a_foreign_hook_is_not_chained_over_an_earlier_chained_one(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    folder = repo / ".git" / "hooks"
    (folder / "pre-commit").write_text(USER_HOOK)
    (folder / "pre-commit.ledger-chained").write_text(USER_HOOK)
    result = run_ledger("hooks", "install", cwd=repo)
    assert result.code == 1
    assert "pre-commit.ledger-chained is taken already" in result.stderr
    assert (folder / "pre-commit").read_text() == USER_HOOK


def test_status_says_what_is_installed(repo: Path, run_ledger: LedgerRunner) -> None:
    folder = repo / ".git" / "hooks"
    nothing = run_ledger("hooks", "status", cwd=repo)
    assert nothing.stdout.splitlines() == [
        "hooks in      .git/hooks",
        "pre-commit    missing",
        "commit-msg    missing",
        "post-commit   missing",
        "post-rewrite  missing",
        "post-merge    missing",
        "merge driver  missing",
        "ERRORS.md     merge=unspecified",
        "JOURNAL.md    merge=unspecified",
        "TASKS.md      merge=unspecified",
        "JOURNAL_ARCHIVE/*.md merge=unspecified",
    ]
    (folder / "pre-commit").write_text(USER_HOOK)
    assert "pre-commit    not ledger's" in run_ledger("hooks", "status", cwd=repo).stdout
    hooks.install(repo, "/elsewhere/python3", LEDGER_FILES)
    (folder / "post-commit").unlink()
    shown = run_ledger("hooks", "status", cwd=repo).stdout.splitlines()
    assert shown[1].startswith("pre-commit    installed by another Python or ledger version")
    assert shown[1].endswith("; runs pre-commit.ledger-chained first")
    assert shown[3:7] == [
        "post-commit   missing",
        "post-rewrite  installed by another Python or ledger version; `ledger hooks install` "
        "updates it",
        "post-merge    installed by another Python or ledger version; `ledger hooks install` "
        "updates it",
        "merge driver  installed by another Python or ledger version; `ledger hooks install` "
        "updates it",
    ]
    assert run_ledger("hooks", "install", cwd=repo).code == 0
    data = json.loads(run_ledger("hooks", "status", "--json", cwd=repo).stdout)
    assert data == {
        "hooks_dir": ".git/hooks",
        "hooks": dict.fromkeys(hooks.HOOK_NAMES, "installed"),
        "chained": {name: name == "pre-commit" for name in hooks.HOOK_NAMES},
        "driver": "installed",
        "attributes": dict.fromkeys(LEDGER_FILES, "ledger"),
    }


def test_hooks_need_a_git_repository(tmp_path: Path, run_ledger: LedgerRunner) -> None:
    result = run_ledger("hooks", "install", cwd=tmp_path)
    assert result.code == 1
    assert "not a git repository" in result.stderr
    refused = run_ledger("init", "--hooks", cwd=tmp_path)
    assert refused.code == 1
    assert list(tmp_path.iterdir()) == []


def test_init_with_hooks_creates_the_ledger_and_installs(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("init", "--hooks", cwd=repo)
    assert result.code == 0, result.stderr
    assert "created  ERRORS.md" in result.stdout
    assert "installed pre-commit" in result.stdout
    assert (repo / ".gitattributes").read_text() == ATTRIBUTE_LINES


# --- the hooks in real commits -------------------------------------------------------------


def test_a_malformed_staged_ledger_stops_the_commit_and_a_good_one_passes(hooked: Path) -> None:
    good = (hooked / "ERRORS.md").read_bytes()
    break_errors(hooked)
    git(hooked, "add", "ERRORS.md")
    (hooked / "ERRORS.md").write_bytes(good)  # the working tree is fine; the index is not
    before = head(hooked)
    refused = commit(hooked, "-m", "Break the ledger")
    assert refused.returncode == 1
    assert "ERRORS.md:" in refused.stdout + refused.stderr
    assert head(hooked) == before

    git(hooked, "reset", "-q", "--", "ERRORS.md")
    break_errors(hooked)  # broken in the working tree only: the commit does not hold it
    (hooked / "code.txt").write_text("v2\n")
    git(hooked, "add", "code.txt")
    done = commit(hooked, "-m", "Change the code")
    assert done.returncode == 0, done.stderr


def test_a_mistyped_error_id_is_refused_with_the_open_ids(hooked: Path) -> None:
    (hooked / "code.txt").write_text("v2\n")
    before = head(hooked)
    refused = commit(hooked, "-a", "-m", "Fix the crash", "-m", "Fixes: ERR-2026-11-20-009")
    assert refused.returncode == 1
    assert "ERR-2026-11-20-009" in refused.stderr
    assert ERR in refused.stderr  # the open errors, to pick the right one
    assert head(hooked) == before


@pytest.mark.parametrize("how", ["commit-a", "commit-paths", "amend"])
def test_a_fix_commit_resolves_the_error_in_the_working_tree(
    hooked: Path, run_ledger: LedgerRunner, how: str
) -> None:
    (hooked / "code.txt").write_text("v2\n")
    message = ["-m", "Fix the crash", "-m", f"Fixes: {ERR}"]
    if how == "commit-a":
        done = commit(hooked, "-a", *message)
    elif how == "commit-paths":
        done = commit(hooked, *message, "--", "code.txt")
    else:
        assert commit(hooked, "-a", "-m", "Fix the crash").returncode == 0
        done = commit(hooked, "--amend", *message)
    assert done.returncode == 0, done.stderr
    assert_git_left_clean(hooked)
    found = entry(hooked, run_ledger)
    assert found["status"] == "resolved"
    assert found["fix_commit"] == head(hooked)

    again = commit(hooked, "--amend", "--no-edit")  # amending a fix commit keeps working
    assert again.returncode == 0, again.stderr
    assert_git_left_clean(hooked)
    assert entry(hooked, run_ledger)["status"] == "resolved"


def _rebase_a_fix_and_its_record(repo: Path) -> subprocess.CompletedProcess[str]:
    """Branch `fix`: a Fixes: commit, then the commit of what post-commit recorded; main moves on;
    then `git rebase main` on `fix`."""
    git(repo, "checkout", "-q", "-b", "fix")
    (repo / "code.txt").write_text("v2\n")
    assert commit(repo, "-a", "-m", "Fix the crash", "-m", f"Fixes: {ERR}").returncode == 0
    assert commit(repo, "-a", "-m", f"Record the fix of {ERR}").returncode == 0
    git(repo, "checkout", "-q", "main")
    (repo / "other.txt").write_text("meanwhile\n")
    git(repo, "add", "other.txt")
    assert commit(repo, "-m", "Meanwhile on main").returncode == 0
    git(repo, "checkout", "-q", "fix")
    return subprocess.run(
        ["git", "rebase", "main"], cwd=repo, capture_output=True, text=True, env=os.environ
    )


def test_a_rebase_of_a_fix_and_its_record_completes(hooked: Path, run_ledger: LedgerRunner) -> None:
    rebased = _rebase_a_fix_and_its_record(hooked)
    assert rebased.returncode == 0, rebased.stdout + rebased.stderr
    assert not (hooked / ".git" / "rebase-merge").exists()
    assert_git_left_clean(hooked)
    assert entry(hooked, run_ledger)["status"] == "resolved"


def test_after_a_rebase_the_fix_commit_is_the_rebased_one(
    hooked: Path, run_ledger: LedgerRunner
) -> None:
    assert _rebase_a_fix_and_its_record(hooked).returncode == 0
    assert entry(hooked, run_ledger)["fix_commit"] == git(hooked, "rev-parse", "HEAD~1")
    assert_git_left_clean(hooked)


def test_the_installed_merge_driver_merges_errors_opened_on_two_branches(
    hooked: Path, run_ledger: LedgerRunner
) -> None:
    git(hooked, "checkout", "-q", "-b", "side")
    run_ledger("open", "P1", "db", "on side", "--at", "2026-11-20 10:00", cwd=hooked)
    assert commit(hooked, "-a", "-m", "Open an error on side").returncode == 0
    git(hooked, "checkout", "-q", "main")
    run_ledger("open", "P1", "ui", "on main", "--at", "2026-11-20 11:00", cwd=hooked)
    assert commit(hooked, "-a", "-m", "Open an error on main").returncode == 0

    merged = subprocess.run(
        ["git", "merge", "-q", "--no-edit", "side"],
        cwd=hooked,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "<<<<<<<" not in (hooked / "ERRORS.md").read_text()
    listed = run_ledger("list", "--json", cwd=hooked)
    assert sorted(e["description"] for e in json.loads(listed.stdout)) == [
        "boom",
        "on main",
        "on side",
    ]
    assert_git_left_clean(hooked)


def _broken_python_path(tmp_path: Path, kind: str) -> dict[str, str]:
    """An environment in which the hooks' `python -m ledger_tool` cannot work."""
    folder = tmp_path / kind
    folder.mkdir()
    if kind == "import-fails":  # ledger_tool itself cannot be imported
        (folder / "sitecustomize.py").write_text("import sys\nsys.modules['ledger_tool'] = None\n")
    else:  # the tool starts, then fails inside a command: its own internal error, exit 3
        (folder / "sitecustomize.py").write_text(
            "import sys\n"
            "class Broken:  # what each hook's command imports once it runs\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name in ('git', 'ledger_tool.checks.recall'):\n"
            "            raise RuntimeError('broken ' + name)\n"
            "sys.meta_path.insert(0, Broken())\n"
        )
    return {**os.environ, "PYTHONPATH": str(folder)}


@pytest.mark.parametrize("kind", ["no-python", "import-fails", "internal-error"])
def test_an_internal_error_of_the_tool_does_not_block_the_commit(
    hooked: Path, tmp_path: Path, kind: str
) -> None:
    env = dict(os.environ)
    if kind == "no-python":
        hooks.install(hooked, str(tmp_path / "gone" / "python3"), LEDGER_FILES)
    else:
        env = _broken_python_path(tmp_path, kind)
    break_errors(hooked)  # the check cannot run, so even this goes through, with a warning
    done = commit(hooked, "-a", "-m", "Go on", "-m", "Fixes: ERR-2026-11-20-009", env=env)
    assert done.returncode == 0, done.stderr
    assert "warning: the ledger check could not run" in done.stderr
    assert "warning: the commit message check could not run" in done.stderr
    assert "warning: `ledger sync` failed" in done.stderr
    assert git(hooked, "log", "-1", "--format=%s") == "Go on"
    assert git(hooked, "diff", "--cached", "--name-only") == ""


def test_a_module_in_the_repository_does_not_shadow_the_tool(hooked: Path) -> None:
    (hooked / "json.py").write_text("raise ImportError('this repository has its own json.py')\n")
    git(hooked, "add", "json.py")
    assert commit(hooked, "-m", "Add json.py").returncode == 0
    break_errors(hooked)
    refused = commit(hooked, "-a", "-m", "Break the ledger")
    assert refused.returncode == 1, refused.stderr
    assert "ERRORS.md:" in refused.stdout + refused.stderr


# --- the pre-commit framework --------------------------------------------------------------


def test_the_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "validate-manifest",
            str(ROOT / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def framework_env(tmp_path: Path) -> dict[str, str]:
    """pre-commit's cache in a temporary folder, and this environment's `ledger` on PATH (what
    the `-system` hooks run); no network is needed."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
    }


def _hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding this project's `.pre-commit-hooks.yaml`, as a team would point
    their config at a tag of ledger's repository."""
    path = tmp_path / "ledger-hooks"
    path.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", path)
    git(path, "init", "-q")
    git(path, "add", ".pre-commit-hooks.yaml")
    git(path, "commit", "-q", "-m", "Hooks")
    return path, head(path)


def test_the_pre_commit_framework_runs_the_ledger_checks(
    ledger_repo: Path, tmp_path: Path, framework_env: dict[str, str]
) -> None:
    _framework_repo(
        ledger_repo, tmp_path, framework_env, ["ledger-check-system", "ledger-commit-msg-system"]
    )

    good = (ledger_repo / "ERRORS.md").read_bytes()
    break_errors(ledger_repo)
    git(ledger_repo, "add", "ERRORS.md")
    (ledger_repo / "ERRORS.md").write_bytes(good)  # only the staged version is malformed
    refused = commit(ledger_repo, "-m", "Break the ledger", env=framework_env)
    assert refused.returncode == 1
    assert "ERRORS.md:" in refused.stderr
    assert "## Active Errors" in (ledger_repo / "ERRORS.md").read_text()  # unstaged work kept

    git(ledger_repo, "reset", "-q", "--", "ERRORS.md")
    (ledger_repo / "code.txt").write_text("v1\n")
    git(ledger_repo, "add", "code.txt")
    bad_id = commit(ledger_repo, "-m", "Fix", "-m", "Fixes: ERR-2026-11-20-009", env=framework_env)
    assert bad_id.returncode == 1
    assert "ERR-2026-11-20-009" in bad_id.stderr
    good = commit(ledger_repo, "-m", "Add code", env=framework_env)
    assert good.returncode == 0, good.stdout + good.stderr


def _framework_repo(
    ledger_repo: Path,
    tmp_path: Path,
    env: dict[str, str],
    hooks: list[str],
    verbose: bool = False,
) -> None:
    """ledger_repo with the framework's `hooks` installed from a local copy of ledger's hook
    repository (`verbose`: a passing hook's output shows too), committed through them."""
    hook_repo, rev = _hook_repository(tmp_path)
    shown = "        verbose: true\n" if verbose else ""
    (ledger_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n"
        + "".join(f"      - id: {hook}\n{shown}" for hook in hooks)
    )
    stages = [arg for hook in hooks for arg in ("-t", _STAGE[hook])]
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", *stages],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(ledger_repo, "add", ".pre-commit-config.yaml")
    done = commit(ledger_repo, "-m", "Use pre-commit", env=env)
    assert done.returncode == 0, done.stdout + done.stderr


_STAGE = {"ledger-check-system": "pre-commit", "ledger-commit-msg-system": "commit-msg"}


def test_a_framework_run_past_its_bound_warns_and_lets_the_commit_go_on_but_not_in_ci(
    ledger_repo: Path, tmp_path: Path, framework_env: dict[str, str]
) -> None:
    env = {**framework_env, "LEDGER_HOOK_TIMEOUT": "0.001"}  # every run takes longer
    env.pop("CI", None)
    _framework_repo(ledger_repo, tmp_path, env, ["ledger-check-system"], verbose=True)
    errors = ledger_repo / "ERRORS.md"
    errors.write_text(errors.read_text() + "\nA note of ours.\n")
    git(ledger_repo, "add", "ERRORS.md")
    done = commit(ledger_repo, "-m", "Note", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    shown = done.stdout + done.stderr
    assert "stopped after 0.001 s, the bound on a run under a git hook" in shown
    assert "the commit goes on unchecked" in shown
    assert "Traceback" not in shown

    break_errors(ledger_repo)
    git(ledger_repo, "add", "ERRORS.md")
    in_ci = commit(ledger_repo, "-m", "Break the ledger", env={**env, "CI": "true"})
    assert in_ci.returncode == 1  # in CI nobody waits: the check runs to its end and refuses
    assert "ERRORS.md:" in in_ci.stdout + in_ci.stderr
    assert "the commit goes on" not in in_ci.stdout + in_ci.stderr


# --- fixes that arrive without a commit of their own ---------------------------------------


def _run_git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A git command with the hooks running; returns the process, whatever its exit code."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=os.environ)


def _fix_on_branch(repo: Path, branch: str) -> str:
    """Branch `branch` from main with two commits naming ERR (a Refs:, then the Fixes:), made
    without the hooks' record (it is put back), and main checked out again; returns the fix."""
    git(repo, "checkout", "-q", "-b", branch)
    (repo / "code.txt").write_text("v2\n")
    assert commit(repo, "-a", "-m", "Look into it", "-m", f"Refs: {ERR}").returncode == 0
    (repo / "fix.txt").write_text("fixed\n")
    git(repo, "add", "fix.txt")
    assert commit(repo, "-m", "Fix the crash", "-m", f"Fixes: {ERR}").returncode == 0
    fix = head(repo)
    git(repo, "checkout", "-q", "--", ".")  # the branch's record stays unrecorded in history
    git(repo, "checkout", "-q", "main")
    return fix


@pytest.mark.parametrize("how", ["fast-forward", "no-ff"])
def test_a_merge_records_the_fixes_it_brought_in(
    hooked: Path, run_ledger: LedgerRunner, how: str
) -> None:
    fix = _fix_on_branch(hooked, "feature")
    if how == "no-ff":
        (hooked / "other.txt").write_text("meanwhile\n")
        git(hooked, "add", "other.txt")
        assert commit(hooked, "-m", "Meanwhile on main").returncode == 0
    merged = _run_git(hooked, "merge", "-q", "--no-edit", "feature")
    assert merged.returncode == 0, merged.stderr
    assert "warning" not in merged.stderr and "in progress" not in merged.stderr, merged.stderr
    assert_git_left_clean(hooked)
    found = entry(hooked, run_ledger)
    assert found["status"] == "resolved" and found["fix_commit"] == fix
    assert [e["event"] for e in found["history"]] == ["opened", "linked", "resolved"]  # type: ignore[index, union-attr]


def test_a_pull_from_a_second_clone_records_its_fixes(
    hooked: Path, tmp_path: Path, run_ledger: LedgerRunner
) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(hooked), str(other))
    (other / "code.txt").write_text("v2\n")
    git(other, "commit", "-q", "-am", "Fix the crash", "-m", f"Fixes: {ERR}")
    fix = head(other)
    pulled = _run_git(hooked, "pull", "-q", "--no-rebase", str(other), "main")
    assert pulled.returncode == 0, pulled.stderr
    assert_git_left_clean(hooked)
    assert entry(hooked, run_ledger)["fix_commit"] == fix


def test_a_merge_without_trailers_changes_nothing(hooked: Path) -> None:
    git(hooked, "checkout", "-q", "-b", "plain")
    (hooked / "code.txt").write_text("v2\n")
    assert commit(hooked, "-a", "-m", "Plain work").returncode == 0
    git(hooked, "checkout", "-q", "main")
    before = {name: (hooked / name).read_bytes() for name in ("ERRORS.md", "JOURNAL.md")}
    assert _run_git(hooked, "merge", "-q", "--no-edit", "plain").returncode == 0
    assert {name: (hooked / name).read_bytes() for name in before} == before


def test_a_cherry_pick_x_of_a_fix_records_it(hooked: Path, run_ledger: LedgerRunner) -> None:
    _fix_on_branch(hooked, "release")
    picked = _run_git(hooked, "cherry-pick", "-x", "release")
    assert picked.returncode == 0, picked.stderr
    assert "in progress" not in picked.stderr
    assert not (hooked / ".git" / "CHERRY_PICK_HEAD").exists()
    assert_git_left_clean(hooked)
    found = entry(hooked, run_ledger)
    assert found["status"] == "resolved" and found["fix_commit"] == head(hooked)
    assert "cherry picked from commit" in git(hooked, "log", "-1", "--format=%B")


def test_a_revert_of_the_fix_reopens_the_error_once(hooked: Path, run_ledger: LedgerRunner) -> None:
    (hooked / "code.txt").write_text("v2\n")
    assert commit(hooked, "-a", "-m", "Fix the crash", "-m", f"Fixes: {ERR}").returncode == 0
    assert commit(hooked, "-a", "-m", f"Record the fix of {ERR}").returncode == 0
    reverted = _run_git(hooked, "revert", "--no-edit", "HEAD~1")
    assert reverted.returncode == 0, reverted.stderr
    revert = head(hooked)
    assert_git_left_clean(hooked)
    found = entry(hooked, run_ledger)
    assert found["status"] == "active"
    reopened = [e for e in found["history"] if e["event"] == "reopened"]  # type: ignore[union-attr]
    assert reopened == [
        {
            "at": "2026-11-20T12:00:00+00:00",
            "event": "reopened",
            "note": f"fix reverted by {revert[:7]}",
        }
    ]
    before = (hooked / "ERRORS.md").read_bytes()
    assert run_ledger("sync", cwd=hooked).stdout == ""  # the hook recorded it: once
    assert (hooked / "ERRORS.md").read_bytes() == before


def test_a_post_merge_hook_already_there_is_chained_and_still_runs(
    hooked: Path, run_ledger: LedgerRunner
) -> None:
    folder = hooked / ".git" / "hooks"
    assert run_ledger("hooks", "uninstall", cwd=hooked).code == 0
    (folder / "post-merge").write_text(USER_HOOK)
    os.chmod(folder / "post-merge", 0o755)
    assert (
        "chained   post-merge.ledger-chained" in run_ledger("hooks", "install", cwd=hooked).stdout
    )
    fix = _fix_on_branch(hooked, "feature")
    assert _run_git(hooked, "merge", "-q", "--no-edit", "feature").returncode == 0
    assert (hooked / "user-hook.log").read_text() == "user-hook-ran\n"
    assert entry(hooked, run_ledger)["fix_commit"] == fix
    (hooked / "user-hook.log").unlink()
    assert run_ledger("hooks", "uninstall", cwd=hooked).code == 0
    assert (folder / "post-merge").read_text() == USER_HOOK


def test_a_merge_finished_by_hand_after_a_conflict_records_the_fixes(
    hooked: Path, run_ledger: LedgerRunner
) -> None:
    fix = _fix_on_branch(hooked, "feature")  # feature changed code.txt to v2
    (hooked / "code.txt").write_text("main's v2\n")
    assert commit(hooked, "-a", "-m", "Change code.txt on main").returncode == 0
    assert _run_git(hooked, "merge", "-q", "--no-edit", "feature").returncode != 0
    (hooked / "code.txt").write_text("both\n")
    git(hooked, "add", "code.txt")
    done = commit(hooked, "--no-edit")  # post-commit, not post-merge, runs for this one
    assert done.returncode == 0, done.stderr
    assert_git_left_clean(hooked)
    assert entry(hooked, run_ledger)["fix_commit"] == fix
