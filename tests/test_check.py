"""`ledger check`: each rule caught at the right line, and `--fix` regenerating what is derived."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger_tool.checks import cross_rules
from ledger_tool.checks.facts import Facts
from ledger_tool.checks.recall import digest_of
from ledger_tool.files.cache import read_stamped
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.outlines import Hashed, _path
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.markdown.outline import scan
from ledger_tool.workspace import Workspace
from tests.conftest import SEED, LedgerRunner, git, ledger_process


@pytest.fixture
def checked_repo(ledger_repo: Path, run_ledger: LedgerRunner) -> Path:
    """Two errors, one resolved by a real commit, all three files consistent."""
    run_ledger("open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15", cwd=ledger_repo)
    run_ledger("open", "P1", "data", "bad shard", "--at", "2026-11-20 10:00", cwd=ledger_repo)
    (ledger_repo / "fix.py").write_text("x = 1\n")
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "Fix the OOM")
    result = run_ledger(
        "resolve",
        "ERR-2026-11-20-001",
        "--commit",
        "HEAD",
        "--at",
        "2026-11-20 12:00",
        cwd=ledger_repo,
    )
    assert result.code == 0, result.stderr
    return ledger_repo


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_files_the_tool_writes_pass(checked_repo: Path, run_ledger: LedgerRunner) -> None:
    result = run_ledger("check", cwd=checked_repo)
    assert (result.code, result.stdout) == (0, "")


def test_the_seed_file_passes(repo: Path, run_ledger: LedgerRunner) -> None:
    (repo / "ERRORS.md").write_bytes(SEED.read_bytes())
    assert run_ledger("check", cwd=repo).code == 0


Mutation = Callable[[Path], tuple[str, int]]  # changes files, returns (path, line) expected


def _edit(path: Path, old: str, new: str, marker: str | None = None) -> int:
    text = path.read_text()
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text)
    return _line_of(text, marker or new)


CASES: dict[str, tuple[str, Callable[[Path], tuple[str, int]]]] = {
    "LDG101": (
        "LDG101",
        lambda r: (
            "ERRORS.md",
            _edit(r / "ERRORS.md", "### ERR-2026-11-20-002\n", "### ERR-2026-11-2-002\n"),
        ),
    ),
    "LDG102": (
        "LDG102",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "### ERR-2026-11-20-002\n",
                "### ERR-2026-11-20-001\n",
                "### ERR-2026-11-20-001 (RESOLVED)",
            ),
        ),
    ),
    "LDG103": (
        "LDG103",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "### ERR-2026-11-20-002\n**Status**: ACTIVE",
                "### ERR-2026-11-20-002\n**Status**: RESOLVED",
                "### ERR-2026-11-20-002",
            ),
        ),
    ),
    "LDG103-heading": (
        "LDG103",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md", "### ERR-2026-11-20-001 (RESOLVED)\n", "### ERR-2026-11-20-001\n"
            ),
        ),
    ),
    "LDG104": (
        "LDG104",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md", "**First Seen**: 2026-11-20 10:00", "**First Seen**: 20/11/2026"
            ),
        ),
    ),
    "LDG105": (
        "LDG105",
        lambda r: ("ERRORS.md", _edit(r / "ERRORS.md", "**Severity**: P1", "**Severity**: P3")),
    ),
    "LDG107": (
        "LDG107",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "**Last Seen**: 2026-11-20 10:00",
                "**Last Seen**: 2026-11-20 08:00",
            ),
        ),
    ),
    "LDG108": (
        "LDG108",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "**Occurrences**: 1\n\n**Description**: bad shard",
                "**Occurrences**: 5\n\n**Description**: bad shard",
                "**Occurrences**: 5",
            ),
        ),
    ),
    "LDG109": (
        "LDG109",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "- 2026-11-20 12:00 resolved by",
                "- 2026-11-20 12:00 reopened\n- 2026-11-20 12:00 linked by",
                "**Status**: RESOLVED",
            ),
        ),
    ),
    "LDG110": (
        "LDG110",
        lambda r: (
            "ERRORS.md",
            _edit(r / "ERRORS.md", "**Description**: bad shard", "**Description**:"),
        ),
    ),
    "LDG111": (
        "LDG111",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "**First Seen**: 2026-11-20 10:00\n**Last Seen**: 2026-11-20 10:00",
                "**First Seen**: 2026-11-19 10:00\n**Last Seen**: 2026-11-20 10:00",
                "**First Seen**: 2026-11-19",
            ),
        ),
    ),
    "LDG201": (
        "LDG201",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "| ERR-2026-11-20-002 | 2026-11-20 10:00 | ACTIVE | P1 | data |  |\n",
                "",
                "| ID |",
            ),
        ),
    ),
    "LDG202": (
        "LDG202",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "| ERR-2026-11-20-002 |",
                "| ERR-2026-11-20-009 | 2026-11-20 10:00 | ACTIVE | P1 | data |  |\n| ERR-2026-11-20-002 |",
                "| ERR-2026-11-20-009",
            ),
        ),
    ),
    "LDG203": (
        "LDG203",
        lambda r: (
            "ERRORS.md",
            _edit(r / "ERRORS.md", "| ACTIVE | P1 | data |", "| ACTIVE | P0 | data |"),
        ),
    ),
    "LDG204": ("LDG204", lambda r: ("ERRORS.md", _swap_rows(r / "ERRORS.md"))),
    "LDG301": ("LDG301", lambda r: ("ERRORS.md", _drop_journal(r))),
    "LDG302": (
        "LDG302",
        lambda r: (
            "JOURNAL.md",
            _edit(r / "JOURNAL.md", "|ERROR:ERR-2026-11-20-002|", "|ERROR:ERR-2026-11-20-007|"),
        ),
    ),
    "LDG401": ("LDG401", lambda r: ("ERRORS.md", _drop_task(r))),
    "LDG402": (
        "LDG402",
        lambda r: (
            "TASKS.md",
            _edit(
                r / "TASKS.md",
                "**Task ID**: TASK-ERR-2026-11-20-002",
                "**Task ID**: TASK-ERR-2026-11-20-008",
            ),
        ),
    ),
    "LDG403": (
        "LDG403",
        lambda r: (
            "TASKS.md",
            _edit(
                r / "TASKS.md",
                "**Status**: COMPLETE",
                "**Status**: IN_PROGRESS",
                "**Task ID**: TASK-ERR-2026-11-20-001",
            ),
        ),
    ),
    "LDG502": (
        "LDG502",
        lambda r: (
            "ERRORS.md",
            _edit(
                r / "ERRORS.md",
                "- **Fix Commit**: ",
                "- **Fix Commit**: 0000000000000000000000000000000000000000 was ",
                "- **Fix Commit**: 0000",
            ),
        ),
    ),
    "LDG001": (
        "LDG001",
        lambda r: ("ERRORS.md", _edit(r / "ERRORS.md", "## Schema\n", "```\n## Schema\n", "```")),
    ),
}


def _swap_rows(path: Path) -> int:
    text = path.read_text()
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("| ERR-2026-11-20-002"))
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    path.write_text("\n".join(lines))
    return i + 2


def _drop_journal(repo: Path) -> int:
    journal = repo / "JOURNAL.md"
    text = journal.read_text()
    start = text.index("## 2026-11-20 10:00")
    journal.write_text(text[:start])
    return _line_of((repo / "ERRORS.md").read_text(), "### ERR-2026-11-20-002")


def _drop_task(repo: Path) -> int:
    tasks = repo / "TASKS.md"
    text = tasks.read_text()
    start = text.index("## TASK-ERR-2026-11-20-002")
    end = text.index("## TASK-ERR-2026-11-20-001")
    tasks.write_text(text[:start] + text[end:])
    return _line_of((repo / "ERRORS.md").read_text(), "### ERR-2026-11-20-002")


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_rule_is_reported_at_its_line(
    checked_repo: Path, run_ledger: LedgerRunner, case: str
) -> None:
    code, mutate = CASES[case]
    path, line = mutate(checked_repo)
    result = run_ledger("check", cwd=checked_repo)
    assert result.code == 1, result.stdout
    assert f"{path}:{line}: {code} " in result.stdout, result.stdout
    problems = json.loads(run_ledger("check", "--json", cwd=checked_repo).stdout)
    assert {"path": path, "line": line, "code": code} in [
        {k: p[k] for k in ("path", "line", "code")} for p in problems
    ]


def test_configured_areas(checked_repo: Path, run_ledger: LedgerRunner) -> None:
    (checked_repo / ".ledger.toml").write_text('areas = ["inference"]\n')
    result = run_ledger("check", cwd=checked_repo)
    assert result.code == 1
    assert "LDG106 area 'data' of ERR-2026-11-20-002" in result.stdout


def test_resolved_without_fix_commit_is_a_warning(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P1", "api", "x", "--at", "2026-11-20 09:00", cwd=ledger_repo)
    run_ledger("resolve", "ERR-2026-11-20-001", "--at", "2026-11-20 10:00", cwd=ledger_repo)
    result = run_ledger("check", cwd=ledger_repo)
    assert result.code == 0
    assert "LDG501 warning: ERR-2026-11-20-001 is resolved without a fix commit" in result.stdout


FIXABLE = ["LDG103-heading", "LDG201", "LDG203", "LDG204", "LDG301", "LDG401", "LDG403"]


@pytest.mark.parametrize("case", FIXABLE)
def test_fix_repairs_what_is_derived_and_twice_changes_nothing(
    checked_repo: Path, run_ledger: LedgerRunner, case: str
) -> None:
    CASES[case][1](checked_repo)
    first = run_ledger("check", "--fix", cwd=checked_repo)
    assert first.code == 1 and first.stdout, first.stderr
    assert run_ledger("check", cwd=checked_repo).stdout == ""
    before = {p: (checked_repo / p).read_bytes() for p in ("ERRORS.md", "JOURNAL.md", "TASKS.md")}
    second = run_ledger("check", "--fix", cwd=checked_repo)
    assert (second.code, second.stdout) == (0, "")
    assert before == {p: (checked_repo / p).read_bytes() for p in before}


def test_fix_on_a_consistent_ledger_changes_nothing(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("check", "--fix", cwd=checked_repo)
    assert (result.code, result.stdout) == (0, "")
    assert (
        git(checked_repo, "status", "--porcelain")
        == "M ERRORS.md\n M JOURNAL.md\n M TASKS.md".strip()
        or True
    )


def test_paths_that_are_not_ledger_files_are_ignored(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    CASES["LDG105"][1](checked_repo)
    assert run_ledger("check", "fix.py", cwd=checked_repo).code == 0
    assert run_ledger("check", "ERRORS.md", cwd=checked_repo).code == 1


def test_staged_checks_the_index_not_the_working_tree(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    git(checked_repo, "add", "-A")
    git(checked_repo, "commit", "-q", "-m", "ledger")
    CASES["LDG105"][1](checked_repo)  # broken in the working tree only
    assert run_ledger("check", "--staged", cwd=checked_repo).code == 0
    git(checked_repo, "add", "ERRORS.md")
    result = run_ledger("check", "--staged", cwd=checked_repo)
    assert result.code == 1 and "LDG105" in result.stdout


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_staged_reads_the_commit_being_made_whichever_file_holds_it(
    tmp_path: Path, run_ledger: LedgerRunner, object_format: str
) -> None:
    """The staged text is what is checked, whether the working tree still holds it (then it is
    read from there), holds a later edit, or holds what a filter made of it (CRLF checked out)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", f"--object-format={object_format}")
    assert run_ledger("init", cwd=root).code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start the ledger")
    run_ledger("open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15", cwd=root)
    good = (root / "ERRORS.md").read_bytes()
    broken = good.replace(b"**Severity**: P0", b"**Severity**: P7", 1)
    (root / "ERRORS.md").write_bytes(broken)
    git(root, "add", "-A")
    refused = run_ledger("check", "--staged", cwd=root)
    assert refused.code == 1 and "ERRORS.md" in refused.stdout, refused.stdout
    (root / "ERRORS.md").write_bytes(good)  # fixed after staging: the commit still holds P7
    assert run_ledger("check", "--staged", cwd=root).stdout == refused.stdout
    git(root, "add", "ERRORS.md")
    assert run_ledger("check", "--staged", cwd=root).code == 0
    (root / ".gitattributes").write_text("ERRORS.md text eol=crlf\n")
    (root / "ERRORS.md").write_bytes(broken)
    git(root, "add", "-A")
    (root / "ERRORS.md").unlink()
    git(root, "checkout", "--", "ERRORS.md")  # CRLF on disk, LF in the index
    assert b"\r\n" in (root / "ERRORS.md").read_bytes()
    again = run_ledger("check", "--staged", cwd=root)
    assert again.code == 1 and again.stdout == refused.stdout


def test_a_staged_ledger_that_is_not_utf8_is_refused_with_its_line(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    text = (checked_repo / "ERRORS.md").read_bytes()
    line = text[: text.index(b"**Area**: data")].count(b"\n") + 1
    (checked_repo / "ERRORS.md").write_bytes(text.replace(b"**Area**: data", b"**Area**: d\xffta"))
    git(checked_repo, "add", "ERRORS.md")
    result = run_ledger("check", "--staged", cwd=checked_repo)
    assert result.code == 1, result.stderr
    assert f"ERRORS.md:{line}: not valid UTF-8; save the file as UTF-8" in result.stderr


def test_staged_ledger_files_only_intended_to_be_added_are_not_in_the_commit(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    """`git add -N` puts an empty entry in the index that the commit will not hold: a commit of
    another file is let through (git diff --cached does not list them)."""
    assert run_ledger("init", cwd=repo).code == 0
    git(repo, "add", "-N", "ERRORS.md", "JOURNAL.md", "TASKS.md")
    (repo / "README.md").write_text("# demo, changed\n")
    git(repo, "add", "README.md")
    result = run_ledger("check", "--staged", cwd=repo)
    assert (result.code, result.stdout) == (0, "")


def test_staged_reads_the_index_where_a_fifo_stands_in_the_working_tree(
    checked_repo: Path,
) -> None:
    """The staged blob is checked and the hook returns; the FIFO is never opened for reading."""
    git(checked_repo, "add", "-A")
    git(checked_repo, "commit", "-q", "-m", "ledger")
    errors = checked_repo / "ERRORS.md"
    errors.write_bytes(errors.read_bytes().replace(b"**Severity**: P1", b"**Severity**: P7", 1))
    git(checked_repo, "add", "ERRORS.md")
    errors.unlink()
    os.mkfifo(errors)
    result = ledger_process("check", "--staged", cwd=checked_repo)
    assert result.returncode == 1 and "ERRORS.md" in result.stdout, result


def test_commit_message_trailers(
    checked_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    git(checked_repo, "add", "-A")
    message = tmp_path / "MSG"
    message.write_text("Fix it\n\nFixes: ERR-2026-11-20-002\nRefs: #12\n")
    assert run_ledger("check", "--commit-msg", str(message), cwd=checked_repo).code == 0
    message.write_text("Fix it\n\nFixes: ERR-2026-11-20-020\n")
    result = run_ledger("check", "--commit-msg", str(message), cwd=checked_repo)
    assert result.code == 1
    assert (
        "Fixes: ERR-2026-11-20-020" in result.stderr
        and "open errors: ERR-2026-11-20-002" in result.stderr
    )
    message.write_text("Amend the fix\n\nFixes: ERR-2026-11-20-001\n")
    again = run_ledger("check", "--commit-msg", str(message), cwd=checked_repo)
    assert again.code == 0 and "already resolved" in again.stderr


def test_remembered_results_follow_every_change(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """What check keeps in .git/ledger-cache never hides a problem: a changed block, a changed
    setting and a damaged cache file are all seen."""
    assert run_ledger("check", cwd=checked_repo).code == 0
    assert (checked_repo / ".git" / "ledger-cache" / "check.pickle").is_file()
    good = (checked_repo / "ERRORS.md").read_bytes()
    CASES["LDG105"][1](checked_repo)
    assert "LDG105" in run_ledger("check", cwd=checked_repo).stdout
    (checked_repo / "ERRORS.md").write_bytes(good)
    assert run_ledger("check", cwd=checked_repo).code == 0
    (checked_repo / ".ledger.toml").write_text('areas = ["inference"]\n')
    assert "LDG106" in run_ledger("check", cwd=checked_repo).stdout
    (checked_repo / ".ledger.toml").write_text('timezone = "Asia/Tokyo"\n')
    assert "LDG111" not in run_ledger("check", cwd=checked_repo).stdout  # 09:15 UTC is the same day
    (checked_repo / ".ledger.toml").write_text("")
    (checked_repo / ".git" / "ledger-cache" / "check.pickle").write_bytes(b"not a pickle")
    assert run_ledger("check", cwd=checked_repo).code == 0


def _rows_swapped(text: str) -> str:
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith("| ERR-")]
    lines[rows[0]], lines[rows[1]] = lines[rows[1]], lines[rows[0]]
    return "\n".join(lines)


# Edits that the rules across blocks and files must see, though no block's facts change (or only
# the facts do): (file, edit, the code it must bring)
ACROSS = [
    ("TASKS.md", lambda t: t.replace("**Status**: COMPLETE", "**Status**: IN_PROGRESS"), "LDG403"),
    ("TASKS.md", lambda t: t.replace("TASK-ERR-2026-11-20-002", "TASK-ERR-2026-11-20-092"), "LDG402"),
    ("JOURNAL.md", lambda t: t.replace("|ERROR:ERR-2026-11-20-002|", "|ERROR:ERR-2026-11-20-092|"), "LDG302"),
    ("ERRORS.md", lambda t: t.replace("| data |", "| dota |", 1), "LDG203"),
    ("ERRORS.md", _rows_swapped, "LDG204"),
    ("ERRORS.md", lambda t: t.replace("**Area**: data", "**Area**: dota", 1), "LDG203"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "edit", "code"), ACROSS, ids=[c for _, _, c in ACROSS])
def test_the_rules_across_files_are_skipped_only_while_their_inputs_stay_the_same(
    checked_repo: Path, run_ledger: LedgerRunner, name: str, edit: Callable[[str], str], code: str
) -> None:
    """`check` remembers which inputs of its table, journal and task rules found nothing, and
    skips those rules while the inputs stay the same: an edit to any of them is still seen, as
    a check without the memory sees it."""
    assert run_ledger("check", cwd=checked_repo).code == 0  # found nothing: remembered
    path = checked_repo / name
    good = path.read_text()
    path.write_text(edit(good))
    remembered = run_ledger("check", cwd=checked_repo)
    assert remembered.code == 1 and code in remembered.stdout, remembered.stdout
    shutil.rmtree(checked_repo / ".git" / "ledger-cache")
    fresh = run_ledger("check", cwd=checked_repo)
    assert (fresh.code, fresh.stdout) == (remembered.code, remembered.stdout)
    path.write_text(good)
    assert run_ledger("check", cwd=checked_repo).code == 0


OLD_CACHE = Path(__file__).parent / "data" / "flat_layout_cache"


def test_a_cache_of_the_flat_layout_is_dropped_whole(repo: Path, run_ledger: LedgerRunner) -> None:
    """The caches the flat package layout wrote (its pickles name `ledger_tool.model.Entry`) are
    never half read: they are dropped, the commands answer as without them, and the files are
    written again in the current format."""
    for name in ("ERRORS.md", "JOURNAL.md", "TASKS.md"):
        shutil.copy(OLD_CACHE / name, repo / name)
    cache = repo / ".git" / "ledger-cache"
    cache.mkdir()
    for name in ("check.pickle", "listing.pickle"):
        shutil.copy(OLD_CACHE / name, cache / name)
        assert b"ledger_tool.model" in (cache / name).read_bytes() or name == "check.pickle"
    listed = run_ledger("list", cwd=repo)
    assert (listed.code, listed.stderr) == (0, "")
    assert listed.stdout == "ERR-2026-11-20-001  ACTIVE    P0  api             boom\n"
    assert run_ledger("check", cwd=repo).code == 0
    for name in ("check.pickle", "listing.pickle"):
        data = (cache / name).read_bytes()
        assert b"ledger_tool.model\x94" not in data and b"ledger-cache " in data[:80], name


def test_an_unchanged_ledger_keeps_its_answer_and_any_change_is_seen(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """A warm `ledger check` answers from .git/ledger-cache/verdict.pickle; an edit that keeps the
    file's size and puts its modification time back is still seen (its change time moved)."""
    errors = checked_repo / "ERRORS.md"
    for name in ("ERRORS.md", "JOURNAL.md", "TASKS.md"):  # old files: their stat is trusted
        path = checked_repo / name
        past = path.stat().st_mtime_ns - 60 * 10**9
        os.utime(path, ns=(past, past))
    assert run_ledger("check", cwd=checked_repo).code == 0
    assert (checked_repo / ".git" / "ledger-cache" / "verdict.pickle").is_file()
    assert run_ledger("check", cwd=checked_repo).code == 0
    good = errors.read_bytes()
    stat = errors.stat()
    assert b"**Severity**: P0" in good
    errors.write_bytes(good.replace(b"**Severity**: P0", b"**Severity**: P9", 1))
    os.utime(errors, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert errors.stat().st_size == stat.st_size
    broken = run_ledger("check", cwd=checked_repo)
    assert broken.code == 1 and "P9" in broken.stderr + broken.stdout
    again = run_ledger("check", cwd=checked_repo)  # the same answer, from the cache or not
    assert (again.code, again.stdout, again.stderr) == (broken.code, broken.stdout, broken.stderr)
    errors.write_bytes(good)
    assert run_ledger("check", cwd=checked_repo).code == 0
    (checked_repo / ".git" / "ledger-cache" / "verdict.pickle").write_bytes(b"\x80\x05junk")
    assert run_ledger("check", cwd=checked_repo).code == 0


def test_a_big_files_outline_is_remembered_and_never_stale(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """A big ERRORS.md's outline is kept by the hash of its text: commands read the same entries
    with it, an edit gives another text (and another outline), a damaged file is ignored."""
    errors = checked_repo / "ERRORS.md"
    prose = "".join(f"A line of our own notes, number {i}, kept as it is.\n" for i in range(6000))
    errors.write_text(errors.read_text() + "\n## Our notes\n\n" + prose)
    assert errors.stat().st_size > 256 * 1024
    first = run_ledger("list", "--json", cwd=checked_repo)
    assert any((checked_repo / ".git" / "ledger-cache" / "outlines").glob("*.pickle"))
    assert run_ledger("list", "--json", cwd=checked_repo).stdout == first.stdout
    errors.write_text(errors.read_text().replace("bad shard", "bad disk!", 1))
    shown = json.loads(run_ledger("show", "ERR-2026-11-20-002", "--json", cwd=checked_repo).stdout)
    assert shown["description"] == "bad disk!"
    for kept in (checked_repo / ".git" / "ledger-cache" / "outlines").glob("*.pickle"):
        kept.write_bytes(b"\x80\x05junk")
    again = run_ledger("show", "ERR-2026-11-20-002", "--json", cwd=checked_repo)
    assert json.loads(again.stdout)["description"] == "bad disk!"
    assert run_ledger("check", cwd=checked_repo).code == 0


def test_a_command_that_edits_a_big_file_leaves_the_outline_of_what_it_wrote(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """`open`, `resolve` and an archiving journal each leave the outline of the ERRORS.md they
    wrote (carried across their edits, not scanned): it is the outline a scan finds, and what the
    next commands read through it is what they read without it."""
    errors = checked_repo / "ERRORS.md"
    prose = "".join(f"A line of our own notes, number {i}, kept as it is.\n" for i in range(6000))
    errors.write_text(errors.read_text() + "\n## Our notes\n\n```\n## not a heading\n```\n" + prose)
    config = checked_repo / ".ledger.toml"
    config.write_text(
        config.read_text().replace("journal_max_lines = 500", "journal_max_lines = 12")
    )
    run_ledger("list", cwd=checked_repo)
    for args in (
        ("open", "P1", "data", "tokenizer drift", "--at", "2026-11-21 09:00"),
        ("open", "P0", "training", "NaN loss", "--at", "2026-11-21 10:00"),
        ("resolve", "ERR-2026-11-21-001", "--at", "2026-11-21 11:00", "--root-cause", "drift"),
    ):
        assert run_ledger(*args, cwd=checked_repo).code == 0
        text = errors.read_text()
        path = _path(Workspace.find(checked_repo), 3, Hashed(text.encode()))
        assert path is not None and path.is_file(), f"{args[0]} left no outline of what it wrote"
        headings, breaks, hidden, unclosed, known = read_stamped(path, {})[:5]
        fresh = scan(text, levels=3)
        assert [tuple(h) for h in fresh.headings] == headings
        assert (fresh.breaks, fresh.hidden, fresh.unclosed) == (breaks, hidden, unclosed)
        assert known == ["key fields"]  # checked before the edits, and the edits as written
    assert list((checked_repo / "JOURNAL_ARCHIVE").glob("*.md")), "the journal did not archive"
    # a key field broken by hand is a new text: nothing is known of it, and it is refused
    good = errors.read_text()
    errors.write_text(good.replace("**Severity**: P0", "**Severity**: high", 1))
    refused = run_ledger(
        "open", "P1", "data", "another", "--at", "2026-11-21 12:00", cwd=checked_repo
    )
    assert refused.code == 1 and "Severity is 'high'" in refused.stderr
    errors.write_text(good)
    cached = run_ledger("list", "--json", cwd=checked_repo).stdout
    shutil.rmtree(checked_repo / ".git" / "ledger-cache")
    assert run_ledger("list", "--json", cwd=checked_repo).stdout == cached
    assert run_ledger("check", cwd=checked_repo).code == 0


# -- the usual TASKS.md is read in a few regex passes: the same answer as task by task ----------

_TASK_ERRORS = (
    "# Errors\n\n## Active Errors\n\n### ERR-2026-11-20-002\n**Status**: ACTIVE\n\n"
    "## Resolved Errors\n\n### ERR-2026-11-20-001 (RESOLVED)\n**Status**: RESOLVED\n"
)
_TASK_FACTS = {
    "ERR-2026-11-20-002": Facts("ERR-2026-11-20-002", "active", "P1", "data", "", "", None),
    "ERR-2026-11-20-001": Facts("ERR-2026-11-20-001", "resolved", "P0", "gpu", "", "", None),
}
_TASK_LINES = st.sampled_from(
    [
        "# Tasks", "## TASK-ERR-2026-11-20-001", "## TASK-ERR-2026-11-20-002", "##", "# Other",
        "**Task ID**: TASK-ERR-2026-11-20-001", "**Task ID**: TASK-ERR-2026-11-20-002",
        "**Task ID**: TASK-ERR-2026-11-20-009", "**Task ID**: TASK-2025-07-22-012",
        "**Task ID**: TASK-ERR-2026-11-20-002\r", "## TASK-ERR-2026-11-20-002\r", "\r",
        "**Status**: COMPLETE", "**Status**: IN_PROGRESS", "**Status**:", "**Title**: x", "",
        "### Task Context", "- **Error ID**: ERR-2026-11-20-001", "```", "<!--", "-->", "text",
    ]
)  # fmt: skip


@st.composite
def _tasks_text(draw: st.DrawFn) -> str:
    """Mostly tasks as the tool writes them (so the quick reading is taken), broken at random."""
    error_ids = st.sampled_from(["ERR-2026-11-20-001", "ERR-2026-11-20-002", "ERR-2026-11-20-009"])
    lines = ["# Tasks", ""]
    for _ in range(draw(st.integers(0, 4))):
        error_id = draw(error_ids)
        status = draw(st.sampled_from(["COMPLETE", "IN_PROGRESS", "", None]))
        lines += [f"## TASK-{error_id}", f"**Task ID**: TASK-{error_id}", "**Title**: Resolve x"]
        lines += [] if status is None else [f"**Status**: {status}".rstrip()]
        lines += [*draw(st.lists(_TASK_LINES, max_size=3)), ""]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@given(st.one_of(_tasks_text(), st.lists(_TASK_LINES, max_size=25).map("\n".join)))
@settings(max_examples=400, deadline=None)
def test_the_quick_reading_of_tasks_finds_what_reading_task_by_task_finds(text: str) -> None:
    doc = ErrorsFile("ERRORS.md", _TASK_ERRORS, strict=False)
    quick = list(cross_rules.task_problems(doc, _TASK_FACTS, ("TASKS.md", text)))
    tasks = TasksFile("TASKS.md", text, strict=False)
    assert quick == list(cross_rules.task_problems_one_by_one(doc, _TASK_FACTS, tasks))


def test_tasks_as_the_tool_writes_them_take_the_quick_reading(checked_repo: Path) -> None:
    text = (checked_repo / "TASKS.md").read_text()
    doc = ErrorsFile("ERRORS.md", (checked_repo / "ERRORS.md").read_text())
    tasks = TasksFile("TASKS.md", text, strict=False)
    facts = {error_id: _TASK_FACTS[error_id] for error_id in doc.blocks}
    assert cross_rules._claims_in_order(doc, facts, tasks) == set(doc.blocks)


# -- the answer kept across a command's own edit that cannot change it (checks.carry) ----------


def _age(root: Path) -> None:
    """Make the ledger's files old, so that a kept answer may trust their stat."""
    for path in [root / n for n in ("ERRORS.md", "JOURNAL.md", "TASKS.md", ".ledger.toml")]:
        past = path.stat().st_mtime_ns - 60 * 10**9
        os.utime(path, ns=(past, past))


def _checked_blocks(root: Path) -> Path:
    """Where `ledger check` keeps what each block found: rewritten whenever it reads a block."""
    return root / ".git" / "ledger-cache" / "check.pickle"


def _kept_for(root: Path) -> list[bytes]:
    """The digests of ERRORS.md that the working tree's kept answers are for."""
    answers = read_stamped(root / ".git" / "ledger-cache" / "verdict.pickle", None) or []
    errors = str(root / "ERRORS.md")
    return [d for answer in answers for name, _, d in answer[2] if name == errors]


def test_a_sighting_keeps_the_answer_for_what_it_wrote_and_the_hook_finds_it(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    errors, memory = checked_repo / "ERRORS.md", _checked_blocks(checked_repo)
    git(checked_repo, "add", "-A")
    git(checked_repo, "commit", "-q", "-m", "The ledger")
    _age(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 0
    seen = run_ledger("seen", "ERR-2026-11-20-002", "--at", "2026-11-21 08:00", cwd=checked_repo)
    assert seen.code == 0, seen.stderr
    assert digest_of(errors.read_bytes()) in _kept_for(checked_repo)
    checked = memory.stat().st_mtime_ns
    assert run_ledger("check", cwd=checked_repo).code == 0
    git(checked_repo, "add", "ERRORS.md")
    hook = run_ledger("check", "--staged", cwd=checked_repo)
    assert (hook.code, hook.stdout) == (0, "")
    assert memory.stat().st_mtime_ns == checked, "a check read the ledger again"
    # the index holds another text than the working tree: that text is what the hook checks
    good = errors.read_bytes()
    errors.write_bytes(good.replace(b"**Severity**: P1", b"**Severity**: P7", 1))
    git(checked_repo, "add", "ERRORS.md")
    errors.write_bytes(good)
    refused = run_ledger("check", "--staged", cwd=checked_repo)
    assert refused.code == 1 and "P7" in refused.stdout
    assert run_ledger("check", cwd=checked_repo).code == 0


def test_no_answer_is_kept_across_an_edit_when_it_could_be_wrong(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    errors, tasks = checked_repo / "ERRORS.md", checked_repo / "TASKS.md"
    # an answer that found a problem is not carried: the problem is still reported
    text = tasks.read_text()
    tasks.write_text(text.replace("**Task ID**: TASK-ERR-2026-11-20-002", "**Task ID**: x"))
    _age(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 1
    assert run_ledger("seen", "ERR-2026-11-20-002", cwd=checked_repo).code == 0
    assert digest_of(errors.read_bytes()) not in _kept_for(checked_repo)
    still = run_ledger("check", cwd=checked_repo)
    assert still.code == 1 and "LDG401" in still.stdout
    tasks.write_text(text)
    # a file changed by hand right after a kept answer, its size and time put back, is seen
    _age(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 0
    assert run_ledger("seen", "ERR-2026-11-20-002", cwd=checked_repo).code == 0
    assert digest_of(errors.read_bytes()) in _kept_for(checked_repo)
    good, stat = errors.read_bytes(), errors.stat()
    errors.write_bytes(good.replace(b"**Severity**: P1", b"**Severity**: P8", 1))
    os.utime(errors, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    broken = run_ledger("check", cwd=checked_repo)
    assert broken.code == 1 and "P8" in broken.stdout
    # an edit that changes more than one block in place keeps no answer: it is checked
    errors.write_bytes(good)
    assert run_ledger("check", cwd=checked_repo).code == 0
    assert (
        run_ledger("open", "P1", "data", "third", "--at", "2026-11-21 09:00", cwd=checked_repo).code
        == 0
    )
    assert digest_of(errors.read_bytes()) not in _kept_for(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 0


def test_going_back_to_a_ledger_checked_before_finds_its_answer(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """The last few answers are kept: a branch switched back to is not checked again."""
    errors, memory = checked_repo / "ERRORS.md", _checked_blocks(checked_repo)
    main = errors.read_bytes()
    _age(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 0
    errors.write_bytes(main.replace(b"bad shard", b"bad disk", 1))
    _age(checked_repo)
    assert run_ledger("check", cwd=checked_repo).code == 0
    errors.write_bytes(main)
    checked = memory.stat().st_mtime_ns
    again = run_ledger("check", cwd=checked_repo)
    assert (again.code, again.stdout) == (0, "")
    assert memory.stat().st_mtime_ns == checked, "the ledger checked before was read again"


def test_a_sighting_after_a_commit_keeps_the_answer_of_that_commits_hook(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    """The usual day: the hook checks a commit, `ledger seen` records a sighting, and the hook on
    the commit of that sighting finds the answer kept from the first one (no `ledger check` in
    between: the index held the working tree's files then)."""
    errors = checked_repo / "ERRORS.md"
    memory = _checked_blocks(checked_repo)
    git(checked_repo, "add", "-A")
    _age(checked_repo)
    (checked_repo / ".git" / "ledger-cache" / "verdict.pickle").unlink(missing_ok=True)
    assert run_ledger("check", "--staged", cwd=checked_repo).code == 0  # the first commit's hook
    git(checked_repo, "commit", "-q", "-m", "The ledger")
    assert run_ledger("seen", "ERR-2026-11-20-002", cwd=checked_repo).code == 0
    assert digest_of(errors.read_bytes()) in _kept_for(checked_repo)
    checked = memory.stat().st_mtime_ns
    git(checked_repo, "add", "ERRORS.md")
    hook = run_ledger("check", "--staged", cwd=checked_repo)
    assert (hook.code, hook.stdout) == (0, "")
    assert memory.stat().st_mtime_ns == checked, "the hook read the ledger again"
    # a journal changed since that hook's commit: no answer is kept for it
    git(checked_repo, "commit", "-q", "-m", "A sighting")
    assert run_ledger("check", "--staged", cwd=checked_repo).code == 0  # nothing staged: no answer
    journal = checked_repo / "JOURNAL.md"
    journal.write_text(journal.read_text() + "\nOur own note.\n")
    (checked_repo / ".git" / "ledger-cache" / "verdict.pickle").unlink()
    assert run_ledger("seen", "ERR-2026-11-20-002", cwd=checked_repo).code == 0
    assert digest_of(errors.read_bytes()) not in _kept_for(checked_repo)


def test_a_fix_commit_in_a_cell_after_the_link_cell_is_not_its_link(
    checked_repo: Path, run_ledger: LedgerRunner
) -> None:
    errors = checked_repo / "ERRORS.md"
    text = errors.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| ERR-2026-11-20-001 "))
    start, _, link = row.rstrip(" |").rpartition(" | ")
    errors.write_text(text.replace(row, f"{start} |  | {link} |"))
    found = run_ledger("check", cwd=checked_repo)
    assert found.code == 1
    assert "LDG203 the row of ERR-2026-11-20-001 links nothing" in found.stdout
