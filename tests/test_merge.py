"""The merge driver in real git merges, and `ledger renumber`, the fix for an ID both branches took.

Each test configures the driver the way `ledger hooks install` does (`merge.ledger.driver` and a
`merge=ledger` attribute per file), makes two branches change the ledger, and runs `git merge`.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ledger_tool.merge.diff3 import merge_text
from ledger_tool.merge.driver import merge_file
from tests.conftest import LedgerRunner, git

FILES = ("ERRORS.md", "JOURNAL.md", "TASKS.md")
DRIVER = f"{shlex.quote(sys.executable)} -m ledger_tool merge-driver %O %A %B %P"
UTC = ZoneInfo("UTC")


def use_driver(repo: Path) -> None:
    git(repo, "config", "merge.ledger.driver", DRIVER)
    (repo / ".gitattributes").write_text("".join(f"{name} merge=ledger\n" for name in FILES))
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "Merge the ledger by entry")


@pytest.fixture
def merge_repo(ledger_repo: Path) -> Path:
    use_driver(ledger_repo)
    return ledger_repo


def ok(run: LedgerRunner, repo: Path, *args: str) -> str:
    result = run(*args, cwd=repo)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def merge(repo: Path, rev: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "merge", "--no-edit", rev], cwd=repo, capture_output=True, text=True
    )


def read(repo: Path) -> dict[str, str]:
    return {name: (repo / name).read_text() for name in FILES}


def listed(run: LedgerRunner, repo: Path) -> dict[str, dict[str, object]]:
    return {e["id"]: e for e in json.loads(ok(run, repo, "list", "--json"))}


def headings(errors: str) -> list[str]:
    return re.findall(r"^### (ERR-\d{4}-\d\d-\d\d-\d+)", errors, re.M)


def row_ids(errors: str) -> list[str]:
    return [line.split()[1] for line in errors.splitlines() if line.startswith("| ERR-")]


def assert_merged_cleanly(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """Merged without a conflict, nothing left to commit, every entry once, a valid ledger."""
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(repo, "status", "--porcelain") == ""
    files = read(repo)
    for name, text in files.items():
        assert "<<<<<<<" not in text and ">>>>>>>" not in text, name
    ids = headings(files["ERRORS.md"])
    assert len(ids) == len(set(ids))
    assert sorted(row_ids(files["ERRORS.md"])) == sorted(ids)  # one row per block
    for error_id in ids:
        assert files["TASKS.md"].count(f"**Task ID**: TASK-{error_id}\n") == 1


def assert_symmetric(repo: Path) -> None:
    """Merging the two parents of HEAD the other way round gives the same files."""
    base = git(repo, "merge-base", "HEAD^1", "HEAD^2")
    kinds = {"ERRORS.md": "errors", "JOURNAL.md": "journal", "TASKS.md": "tasks"}
    for name, kind in kinds.items():
        b, o, t = (
            subprocess.run(
                ["git", "show", f"{rev}:{name}"], cwd=repo, capture_output=True, text=True
            ).stdout
            for rev in (base, "HEAD^1", "HEAD^2")
        )
        assert merge_file(kind, b, t, o, name, UTC).text == read(repo)[name], name


def test_errors_opened_and_resolved_on_different_days_merge_by_id(
    merge_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = merge_repo
    old = ok(run_ledger, repo, "open", "P0", "api", "Gateway 502s", "--at", "2026-11-18 08:00")
    commit(repo, "Open an error")
    git(repo, "checkout", "-q", "-b", "fix-oom")
    oom = ok(run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15")
    (repo / "gateway.py").write_text("RETRIES = 3\n")
    commit(repo, "Retry the gateway")
    ok(run_ledger, repo, "resolve", old, "--commit", "HEAD", "--at", "2026-11-20 12:00")
    commit(repo, "Resolve the 502s")
    git(repo, "checkout", "-q", "main")
    crash = ok(
        run_ledger, repo, "open", "P1", "data", "Tokenizer crash", "--at", "2026-11-21 10:00"
    )
    ok(run_ledger, repo, "resolve", crash, "--at", "2026-11-21 15:00")
    commit(repo, "Tokenizer crash, fixed")

    assert_merged_cleanly(repo, merge(repo, "fix-oom"))
    assert_symmetric(repo)

    errors = read(repo)["ERRORS.md"]
    assert (oom, crash) == ("ERR-2026-11-20-001", "ERR-2026-11-21-001")
    assert row_ids(errors) == [crash, oom, old]
    fix = git(repo, "rev-parse", "fix-oom~1")
    assert f"| {old} | 2026-11-18 08:00 | RESOLVED | P0 | api | {fix[:7]} |" in errors
    assert f"| {oom} | 2026-11-20 09:15 | ACTIVE | P0 | inference |  |" in errors
    active, resolved = errors.split("## Resolved Errors")
    assert headings(active) == [oom]
    assert headings(resolved) == [crash, old]  # most recently resolved first
    entries = listed(run_ledger, repo)
    assert {i: e["status"] for i, e in entries.items()} == {
        old: "resolved",
        oom: "active",
        crash: "resolved",
    }
    assert entries[old]["fix_commit"] == fix
    journal = read(repo)["JOURNAL.md"]
    times = [line[3:] for line in journal.splitlines() if line.startswith("## 2026")]
    assert times == ["2026-11-18 08:00", "2026-11-20 09:15", "2026-11-21 10:00"]


def test_errors_opened_the_same_day_merge_when_each_branch_saw_the_other(
    merge_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = merge_repo
    git(repo, "checkout", "-q", "-b", "oom")
    first = ok(run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15")
    commit(repo, "OOM")
    git(repo, "checkout", "-q", "main")
    # `open` numbers past the IDs on every branch tip, so this one takes -002
    second = ok(run_ledger, repo, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 11:00")
    ok(run_ledger, repo, "resolve", second, "--at", "2026-11-20 13:00")
    commit(repo, "Bad shard")

    assert_merged_cleanly(repo, merge(repo, "oom"))

    assert (first, second) == ("ERR-2026-11-20-001", "ERR-2026-11-20-002")
    assert row_ids(read(repo)["ERRORS.md"]) == [second, first]
    assert sorted(listed(run_ledger, repo)) == [first, second]


def test_an_id_both_branches_took_stops_the_merge_and_renumber_fixes_it(
    merge_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    repo = merge_repo
    mate = tmp_path / "mate"
    git(tmp_path, "clone", "-q", str(repo), str(mate))
    git(repo, "checkout", "-q", "-b", "oom")
    mine = ok(run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15")
    commit(repo, "OOM")
    # the teammate's clone has not seen branch oom: the same day takes the same number
    theirs = ok(run_ledger, mate, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 11:00")
    commit(mate, "Bad shard")
    assert mine == theirs == "ERR-2026-11-20-001"
    git(repo, "remote", "add", "mate", str(mate))
    git(repo, "fetch", "-q", "mate")
    before = read(repo)

    result = merge(repo, "mate/main")

    assert result.returncode != 0
    assert "ID collision: both branches added ERR-2026-11-20-001" in result.stderr
    assert "'CUDA OOM'" in result.stderr and "'Bad shard'" in result.stderr
    assert "`ledger renumber ERR-2026-11-20-001 ERR-2026-11-20-002`" in result.stderr
    after = read(repo)
    assert after["ERRORS.md"] == before["ERRORS.md"]  # ours, untouched
    assert after["TASKS.md"] == before["TASKS.md"]

    git(repo, "merge", "--abort")
    ok(run_ledger, repo, "renumber", "ERR-2026-11-20-001", "ERR-2026-11-20-002")
    commit(repo, "Renumber ERR-2026-11-20-001 to ERR-2026-11-20-002")
    assert_merged_cleanly(repo, merge(repo, "mate/main"))

    entries = listed(run_ledger, repo)
    assert entries["ERR-2026-11-20-001"]["description"] == "Bad shard"
    assert entries["ERR-2026-11-20-002"]["description"] == "CUDA OOM"
    journal = read(repo)["JOURNAL.md"]
    assert (
        journal.count("|ERROR:ERR-2026-11-20-001|")
        == journal.count("|ERROR:ERR-2026-11-20-002|")
        == 1
    )


SIDES = {
    "seen": ("seen", "{id}", "--count", "3", "--at", "2026-11-20 11:40"),
    "seen later": ("seen", "{id}", "--count", "2", "--at", "2026-11-20 16:00"),
    "note": ("note", "{id}", "--investigation", "batch 64 does not fit"),
    "note impact": ("note", "{id}", "--impact", "nightly eval blocked"),
    "resolve": ("resolve", "{id}", "--root-cause", "batch too large", "--at", "2026-11-20 14:00"),
}


@pytest.mark.parametrize(
    ("ours", "theirs", "expect"),
    [
        ("seen", "note", {"occurrences": 4, "status": "active"}),
        ("note", "seen", {"occurrences": 4, "status": "active"}),
        ("note", "note impact", {"occurrences": 1, "status": "active"}),
        ("seen", "seen later", {"occurrences": 6, "status": "active"}),
        ("resolve", "seen", {"occurrences": 4, "status": "resolved"}),
        ("seen later", "resolve", {"occurrences": 3, "status": "resolved"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_same_error_changed_on_both_branches_merges_field_by_field(
    merge_repo: Path, run_ledger: LedgerRunner, ours: str, theirs: str, expect: dict[str, object]
) -> None:
    repo = merge_repo
    error_id = ok(
        run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15"
    )
    commit(repo, "OOM")
    git(repo, "checkout", "-q", "-b", "theirs")
    ok(run_ledger, repo, *(a.format(id=error_id) for a in SIDES[theirs]))
    commit(repo, theirs)
    git(repo, "checkout", "-q", "main")
    ok(run_ledger, repo, *(a.format(id=error_id) for a in SIDES[ours]))
    commit(repo, ours)

    assert_merged_cleanly(repo, merge(repo, "theirs"))
    assert_symmetric(repo)

    entry = listed(run_ledger, repo)[error_id]
    assert {k: entry[k] for k in expect} == expect
    fields = entry["fields"]
    assert isinstance(fields, dict)
    both = {ours, theirs}
    if "note" in both:
        assert fields["Investigation"] == "batch 64 does not fit"
    if "note impact" in both:
        assert fields["Impact"] == "nightly eval blocked"
    if "resolve" in both:
        assert fields["Root Cause"] == "batch too large"
    history = entry["history"]
    assert isinstance(history, list)
    events = [(e["at"][11:16], e["event"], e.get("count")) for e in history]
    seen = sum(e.get("count", 0) for e in history if e["event"] == "seen")
    assert seen == entry["occurrences"] - 1  # the history accounts for every sighting
    assert events == sorted(events)  # in time order
    if both == {"seen", "seen later"}:
        assert events == [("09:15", "opened", None), ("11:40", "seen", 5)]  # one line a day
        assert entry["last_seen"] == "2026-11-20T16:00:00+00:00"
    section = "## Resolved Errors" if expect["status"] == "resolved" else "## Active Errors"
    errors = read(repo)["ERRORS.md"]
    assert errors.index(section) < errors.index(f"### {error_id}")


def test_the_same_field_changed_differently_stops_and_keeps_ours(
    merge_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = merge_repo
    error_id = ok(
        run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15"
    )
    commit(repo, "OOM")
    git(repo, "checkout", "-q", "-b", "theirs")
    ok(run_ledger, repo, "note", error_id, "--investigation", "the batch is too large")
    ok(run_ledger, repo, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 10:00")
    commit(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    ok(run_ledger, repo, "note", error_id, "--investigation", "a memory leak in the loader")
    commit(repo, "ours")
    before = read(repo)["ERRORS.md"]

    result = merge(repo, "theirs")

    assert result.returncode != 0
    assert f"ERRORS.md: {error_id}: both branches changed Investigation" in result.stderr
    assert read(repo)["ERRORS.md"] == before
    assert git(repo, "show", ":3:ERRORS.md").count("Bad shard") == 1  # theirs is kept by git


def test_a_regression_on_one_branch_and_a_note_on_the_other_merge(
    merge_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = merge_repo
    error_id = ok(
        run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15"
    )
    (repo / "eval.py").write_text("BATCH = 32\n")
    commit(repo, "Smaller batch")
    ok(run_ledger, repo, "resolve", error_id, "--commit", "HEAD", "--at", "2026-11-20 12:00")
    commit(repo, "Resolved")
    git(repo, "checkout", "-q", "-b", "theirs")
    ok(run_ledger, repo, "seen", error_id, "--at", "2026-11-21 08:00")  # HEAD has the fix
    commit(repo, "It is back")
    git(repo, "checkout", "-q", "main")
    ok(run_ledger, repo, "note", error_id, "--root-cause", "activations kept for backward")
    commit(repo, "Root cause")

    assert_merged_cleanly(repo, merge(repo, "theirs"))

    entry = listed(run_ledger, repo)[error_id]
    assert (entry["status"], entry["occurrences"], entry["fix_commit"]) == ("active", 2, None)
    fields, events = entry["fields"], entry["history"]
    assert isinstance(fields, dict) and isinstance(events, list)
    assert fields["Root Cause"] == "activations kept for backward"
    assert [e["event"] for e in events] == ["opened", "resolved", "regressed", "seen"]
    errors = read(repo)["ERRORS.md"]
    assert f"| {error_id} | 2026-11-20 09:15 | ACTIVE | P0 | inference |  |" in errors
    assert errors.index(f"### {error_id}\n") < errors.index("## Resolved Errors")
    assert "**Status**: IN_PROGRESS" in read(repo)["TASKS.md"]


def test_an_error_deleted_on_one_branch_and_changed_on_the_other_stops(
    merge_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = merge_repo
    error_id = ok(
        run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-11-20 09:15"
    )
    commit(repo, "OOM")
    git(repo, "checkout", "-q", "-b", "theirs")
    ok(run_ledger, repo, "seen", error_id, "--at", "2026-11-20 10:00")
    commit(repo, "seen")
    git(repo, "checkout", "-q", "main")
    errors = repo / "ERRORS.md"
    text = errors.read_text()
    start = text.index(f"### {error_id}")
    errors.write_text(text[:start] + text[text.index("## Resolved Errors") :])
    ok(run_ledger, repo, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 11:00")
    commit(repo, "Drop the OOM entry by hand")
    before = errors.read_text()

    result = merge(repo, "theirs")

    assert result.returncode != 0
    assert (
        f"ERRORS.md: {error_id}: changed on theirs but deleted on the other branch" in result.stderr
    )
    assert errors.read_text() == before


SEED_LINE = "- Severity classification (P0/P1)"


@pytest.mark.parametrize("same_line", [False, True], ids=["different-lines", "same-line"])
def test_text_outside_the_entries_merges_as_text(
    repo: Path, run_ledger: LedgerRunner, same_line: bool
) -> None:
    from tests.conftest import SEED

    (repo / "ERRORS.md").write_text(SEED.read_text())
    assert run_ledger("init", cwd=repo).code == 0
    commit(repo, "Adopt the seed")
    use_driver(repo)
    git(repo, "checkout", "-q", "-b", "theirs")
    errors = repo / "ERRORS.md"
    errors.write_text(errors.read_text().replace(SEED_LINE, SEED_LINE + " and area"))
    theirs = ok(run_ledger, repo, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 10:00")
    commit(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    other = SEED_LINE if same_line else "- Implement model checksum validation"
    errors.write_text(errors.read_text().replace(other, other + " (mandatory)"))
    ours = ok(run_ledger, repo, "open", "P0", "inference", "OOM", "--at", "2026-11-20 09:00")
    commit(repo, "ours")

    result = merge(repo, "theirs")

    text = errors.read_text()
    assert (theirs, ours) == ("ERR-2026-11-20-001", "ERR-2026-11-20-002")  # -001 seen on a branch
    assert headings(text) == [theirs, ours]  # newest first: theirs at 10:00, ours at 09:00
    if not same_line:
        assert_merged_cleanly(repo, result)
        assert "(P0/P1) and area" in text and "checksum validation (mandatory)" in text
        return
    assert result.returncode != 0
    assert "both branches changed the same text outside the entries" in result.stderr
    conflict = text[text.index("<<<<<<< ours") : text.index(">>>>>>> theirs")]
    assert "(P0/P1) (mandatory)" in conflict and "(P0/P1) and area" in conflict
    assert "### ERR" not in conflict and "| ERR" not in conflict  # the entries are merged


# -- the merge itself, text in, text out -------------------------------------------------------


def ledger_texts(run: LedgerRunner, repo: Path, *commands: tuple[str, ...]) -> dict[str, str]:
    for args in commands:
        ok(run, repo, *args)
    return {name: (repo / name).read_bytes().decode() for name in FILES}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_merging_a_side_that_changed_nothing_gives_the_other_side_byte_for_byte(
    ledger_repo: Path, run_ledger: LedgerRunner, newline: str
) -> None:
    for name in FILES:
        path = ledger_repo / name
        path.write_bytes(path.read_bytes().replace(b"\n", newline.encode()))
    base = ledger_texts(run_ledger, ledger_repo)
    changed = ledger_texts(
        run_ledger,
        ledger_repo,
        ("open", "P0", "api", "502s", "--at", "2026-11-19 08:00"),
        ("open", "P1", "data", "Bad shard", "--at", "2026-11-20 10:00"),
        ("seen", "ERR-2026-11-19-001", "--at", "2026-11-19 09:00"),
        ("resolve", "ERR-2026-11-19-001", "--at", "2026-11-20 11:00"),
    )
    kinds = {"ERRORS.md": "errors", "JOURNAL.md": "journal", "TASKS.md": "tasks"}
    for name, kind in kinds.items():
        b, o = base[name], changed[name]
        for args in ((b, o, b), (b, b, o), (b, o, o), (o, o, o)):
            outcome = merge_file(kind, *args, name, UTC)
            assert outcome.clean and outcome.text == o, name


def test_an_error_changed_on_both_sides_keeps_crlf(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    for name in FILES:
        path = ledger_repo / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    error_id = "ERR-2026-11-20-001"
    base = ledger_texts(
        run_ledger, ledger_repo, ("open", "P0", "api", "502s", "--at", "2026-11-20 09:00")
    )
    ours = ledger_texts(
        run_ledger, ledger_repo, ("seen", error_id, "--count", "2", "--at", "2026-11-20 10:00")
    )
    for name, text in base.items():
        (ledger_repo / name).write_bytes(text.encode())
    theirs = ledger_texts(
        run_ledger,
        ledger_repo,
        ("note", error_id, "--impact", "all traffic", "--workarounds", "retry"),
    )
    outcome = merge_file(
        "errors", base["ERRORS.md"], ours["ERRORS.md"], theirs["ERRORS.md"], "E", UTC
    )
    assert outcome.clean and outcome.text is not None
    assert "\n" not in outcome.text.replace("\r\n", "")
    assert (
        "**Occurrences**: 3\r\n" in outcome.text and "**Impact**: all traffic\r\n" in outcome.text
    )
    tasks = merge_file("tasks", base["TASKS.md"], ours["TASKS.md"], theirs["TASKS.md"], "T", UTC)
    assert tasks.clean and tasks.text == theirs["TASKS.md"]  # only theirs changed the task


def three_versions(
    run: LedgerRunner, repo: Path, ours: tuple[str, ...], theirs: tuple[str, ...]
) -> tuple[str, str, str]:
    """ERRORS.md as it is, after `ours`, and after `theirs` run on the same start instead."""
    errors = repo / "ERRORS.md"
    base = errors.read_bytes().decode()
    mine = ledger_texts(run, repo, ours)["ERRORS.md"]
    errors.write_bytes(base.encode())
    other = ledger_texts(run, repo, theirs)["ERRORS.md"]
    return base, mine, other


def test_an_error_adopted_without_history_seen_on_both_sides(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    error_id = "ERR-2026-11-20-001"
    ok(run_ledger, ledger_repo, "open", "P0", "api", "502s", "--at", "2026-11-20 09:00")
    ok(run_ledger, ledger_repo, "seen", error_id, "--count", "4", "--at", "2026-11-20 09:30")
    errors = ledger_repo / "ERRORS.md"
    text = errors.read_text()
    errors.write_text(
        text[: text.index("\n**History**:")] + text[text.index("\n## Resolved") - 1 :]
    )
    base, ours, theirs = three_versions(
        run_ledger,
        ledger_repo,
        ("seen", error_id, "--at", "2026-11-21 10:00"),
        ("seen", error_id, "--count", "2", "--at", "2026-11-22 10:00"),
    )
    outcome = merge_file("errors", base, ours, theirs, "ERRORS.md", UTC)
    assert outcome.clean and outcome.text is not None
    assert (
        "**Occurrences**: 8\n" in outcome.text
        and "**Last Seen**: 2026-11-22 10:00\n" in outcome.text
    )
    assert (
        "**History**:\n- 2026-11-20 09:00 opened\n- 2026-11-20 09:30 seen 4\n"
        "- 2026-11-21 10:00 seen 1\n- 2026-11-22 10:00 seen 2\n"
    ) in outcome.text


def test_text_both_sides_added_inside_one_block_stops(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    ok(run_ledger, ledger_repo, "open", "P0", "api", "502s", "--at", "2026-11-20 09:00")
    base = (ledger_repo / "ERRORS.md").read_text()
    history = "- 2026-11-20 09:00 opened\n"
    ours, theirs = (base.replace(history, f"{history}\n{note}\n") for note in ("Mine.", "Theirs."))
    outcome = merge_file("errors", base, ours, theirs, "ERRORS.md", UTC)
    assert outcome.text is None
    assert outcome.problems == [
        "ERRORS.md: ERR-2026-11-20-001: both branches changed its text outside the fields"
    ]
    one_side = merge_file(
        "errors", base, ours, base.replace("**Impact**:", "**Impact**: all"), "E", UTC
    )
    assert one_side.clean and one_side.text is not None
    assert "Mine." in one_side.text and "**Impact**: all\n" in one_side.text


def test_two_different_journal_entries_under_one_heading_are_both_kept() -> None:
    head = "# Journal\n"
    mine = "## 2026-11-20 09:00\n\n### Deploy |TASK:T-1|\n- **What**: canary\n"
    other = "## 2026-11-20 09:00\n\n### Deploy |TASK:T-1|\n- **What**: full rollout\n"
    outcome = merge_file("journal", head, f"{head}\n{mine}", f"{head}\n{other}", "J", UTC)
    assert outcome.clean
    assert outcome.text == f"{head}\n{mine}\n{other}"


def test_the_driver_knows_the_three_files_and_the_journal_archive() -> None:
    from ledger_tool.config import Config
    from ledger_tool.merge.kinds import kind_of

    config = Config(errors_file="docs/ERRORS.md")
    assert kind_of(config, "docs/ERRORS.md") == "errors"
    assert kind_of(config, "JOURNAL.md") == "journal"
    assert kind_of(config, "JOURNAL_ARCHIVE/2026-10.md") == "journal"
    assert kind_of(config, "TASKS.md") == "tasks"
    assert kind_of(config, "ERRORS.md") is None  # merged as plain text


def test_the_merge_driver_command_is_hidden(run_ledger: LedgerRunner, tmp_path: Path) -> None:
    assert "merge-driver" not in run_ledger("--help", cwd=tmp_path).stdout


def test_a_journal_entry_both_branches_added_alike_is_kept_once() -> None:
    head = "# Journal\n"
    a = "## 2026-11-20 09:00\n\n### Deploy |TASK:T-1|\n- **What**: deploy\n"
    b = "## 2026-11-20 10:00\n\n### Rollback |TASK:T-2|\n- **What**: rollback\n"
    c = "## 2026-11-20 11:00\n\n### Retro |TASK:T-3|\n- **What**: retro\n"
    base = f"{head}\n{a}"
    outcome = merge_file("journal", base, f"{head}\n{a}\n{c}", f"{head}\n{a}\n{b}\n{c}", "J", UTC)
    assert outcome.clean
    assert outcome.text == f"{head}\n{a}\n{b}\n{c}"


def test_an_unreadable_version_is_merged_as_plain_text_and_reported() -> None:
    ours = "# Ledger\n\nno sections here\n"
    outcome = merge_file("errors", ours, ours + "ours\n", ours, "ERRORS.md", UTC)
    assert not outcome.clean
    assert outcome.text == ours + "ours\n"
    assert "ERRORS.md (ours):1: no '## Active Errors' section" in outcome.problems[0]
    assert "merged as plain text" in outcome.problems[1]


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "merged", "conflicts"),
    [
        ("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n", "A\nb\nC\n", 0),
        ("a\nb\n", "a\nx\nb\n", "a\nx\nb\n", "a\nx\nb\n", 0),
        ("a\nb\n", "a\nb\n", "a\n", "a\n", 0),
        ("a\nb\nc\n", "a\nB\nc\n", "a\nb2\nc\n",
         "a\n<<<<<<< ours\nB\n=======\nb2\n>>>>>>> theirs\nc\n", 1),
        ("a\nb\n", "A\nb\n", "a\nB\n", "<<<<<<< ours\nA\nb\n=======\na\nB\n>>>>>>> theirs\n", 1),
    ],
    ids=["both-sides", "same-change", "deletion", "same-line", "touching"],
)  # fmt: skip
def test_merge_text_is_diff3(
    base: str, ours: str, theirs: str, merged: str, conflicts: int
) -> None:
    assert merge_text(base, ours, theirs) == (merged, conflicts)


# -- ledger renumber ---------------------------------------------------------------------------


def test_renumber_rewrites_all_three_files_and_the_archive(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    repo = ledger_repo
    (repo / ".ledger.toml").write_text("journal_max_lines = 30\n")
    old = ok(run_ledger, repo, "open", "P0", "inference", "CUDA OOM", "--at", "2026-10-20 09:15")
    ok(run_ledger, repo, "resolve", old, "--at", "2026-10-20 10:00")
    ok(run_ledger, repo, "reopen", old, "--at", "2026-11-02 08:00")
    other = ok(run_ledger, repo, "open", "P1", "data", "Bad shard", "--at", "2026-11-20 10:00")
    archive = repo / "JOURNAL_ARCHIVE" / "2026-10.md"
    assert f"|ERROR:{old}|" in archive.read_text()
    before = {p: p.read_text() for p in (*(repo / n for n in FILES), archive)}
    new = "ERR-2026-10-20-004"

    out = json.loads(ok(run_ledger, repo, "renumber", old.lower(), new, "--json"))

    assert out == {
        "old": old,
        "new": new,
        "files": ["ERRORS.md", "JOURNAL.md", "JOURNAL_ARCHIVE/2026-10.md", "TASKS.md"],
    }
    for path, text in before.items():
        after = path.read_text()
        assert old not in after and old.lower() not in after, path.name
        assert after == text.replace(old, new).replace(old.lower(), new.lower()), path.name
    entry = json.loads(ok(run_ledger, repo, "show", new, "--json"))
    assert entry["status"] == "active" and len(entry["history"]) == 3
    assert f"**Task ID**: TASK-{new}\n" in (repo / "TASKS.md").read_text()
    assert other in (repo / "ERRORS.md").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("ERR-2026-11-20-009", "ERR-2026-11-20-010", "no error ERR-2026-11-20-009; errors of"),
        ("ERR-2026-11-20-001", "ERR-2026-11-20-002", "ERR-2026-11-20-002 is already used in ERRORS.md; ERR-2026-11-20-004 is free"),
        ("ERR-2026-11-20-001", "ERR-2026-11-20-003", "ERR-2026-11-20-003 is already used on another branch; ERR-2026-11-20-004 is free"),
        ("ERR-2026-11-20-001", "ERR-2026-11-20-1", "'ERR-2026-11-20-1' is not an error ID"),
        ("ERR-2026-11-20-001", "ERR-2026-11-21-001", "ERR-2026-11-21-001 has another date than ERR-2026-11-20-001"),
    ],
    ids=["unknown", "exists", "on-a-branch", "malformed", "other-day"],
)  # fmt: skip
def test_renumber_refuses(
    ledger_repo: Path, run_ledger: LedgerRunner, old: str, new: str, message: str
) -> None:
    repo = ledger_repo
    for at in ("09:00", "10:00"):
        ok(run_ledger, repo, "open", "P1", "data", f"shard {at}", "--at", f"2026-11-20 {at}")
    commit(repo, "Two errors")
    git(repo, "checkout", "-q", "-b", "elsewhere")
    ok(run_ledger, repo, "open", "P1", "data", "shard 11:00", "--at", "2026-11-20 11:00")
    commit(repo, "A third one, on another branch")
    git(repo, "checkout", "-q", "main")
    before = read(repo)

    result = run_ledger("renumber", old, new, cwd=repo)

    assert result.code == 1
    assert message in result.stderr
    assert read(repo) == before


def test_renumber_refuses_during_a_merge(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    repo = ledger_repo
    ok(run_ledger, repo, "open", "P0", "api", "502s", "--at", "2026-11-20 09:00")
    (repo / ".git" / "MERGE_HEAD").write_text(git(repo, "rev-parse", "HEAD") + "\n")
    result = run_ledger("renumber", "ERR-2026-11-20-001", "ERR-2026-11-20-002", cwd=repo)
    assert result.code == 1
    assert "a merge is in progress; abort it first" in result.stderr
