"""Adopting the files people already keep: the corpus in tests/data/adopt/.

- conductor/: claude-conductor's untouched ERRORS.md template (no final newline), a newest-first
  JOURNAL.md with `---` separators whose `|ERROR:...|` entries are the only record of the errors,
  and a TASKS.md with the user's own `TASK-YYYY-MM-DD-NNN` tasks;
- handwritten/: a hand-kept "Error Tracking Log" (`### ERR-20251120-001: title`, `**Status:** 🔴
  Active`, `**Severity:** High`, `**Component:**`, `---` between entries, sections of its own);
- learnings/: an agent's `.learnings/ERRORS.md` (`## [ERR-20260307-001] title`, `**Logged**`,
  `**Priority**`, one ID written twice for two errors);
- unmappable/: entries `ledger adopt` cannot map, each for its own reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git, snapshot

CORPUS = Path(__file__).parent / "data" / "adopt"


def _repo_with(repo: Path, corpus: str, errors_at: str = "ERRORS.md") -> Path:
    for path in sorted((CORPUS / corpus).iterdir()):
        target = repo / (errors_at if path.name == "ERRORS.md" else path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"The {corpus} files")
    return repo


def _words(text: str) -> Counter[str]:
    """The words of a text, without the Markdown around them (`**`, `#`, `:`, `---`, escapes)."""
    return Counter(re.findall(r"\w+", text))


def _only_insertions(before: str, after: str) -> bool:
    """True when `after` is `before` with lines added and none changed or removed."""
    ops = SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in ops.get_opcodes())


def _show(run: LedgerRunner, repo: Path, error_id: str) -> dict[str, object]:
    shown = run("show", error_id, "--json", cwd=repo)
    assert shown.code == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


def _events(data: dict[str, object]) -> list[tuple[str, str]]:
    history = data["history"]
    assert isinstance(history, list)
    return [(e["event"], e["at"][:16]) for e in history]


# -- claude-conductor: errors only the journal records ------------------------------------------


@pytest.fixture
def conductor(repo: Path) -> Path:
    return _repo_with(repo, "conductor")


def test_init_keeps_the_conductor_files_and_names_the_journal_only_errors(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(conductor)
    result = run_ledger("init", cwd=conductor)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "kept     ERRORS.md",
        "kept     JOURNAL.md",
        "kept     TASKS.md",
        "created  .ledger.toml",
    ]
    assert "JOURNAL.md names 3 error(s) that ERRORS.md lacks" in result.stdout
    assert "ERR-2025-07-21-001 ERR-2025-09-02-001 ERR-2025-09-03-001" in result.stdout
    assert "`ledger adopt --dry-run`" in result.stdout
    after = snapshot(conductor)
    assert {k: v for k, v in after.items() if k != ".ledger.toml"} == before


def test_check_flags_only_journal_entries_the_ledger_lacks_and_names_the_remedy(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("check", cwd=conductor)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines] == [
        ["JOURNAL.md:5:", "LDG302"],
        ["JOURNAL.md:16:", "LDG302"],
        ["JOURNAL.md:27:", "LDG302"],
        ["JOURNAL.md:49:", "LDG302"],
    ]
    assert all("`ledger adopt` creates it from this journal entry" in line for line in lines)
    assert "TASKS.md" not in result.stdout  # the user's TASK-2025-... tasks are theirs


def test_adopt_dry_run_says_what_it_would_do_and_changes_nothing(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(conductor)
    result = run_ledger("adopt", "--dry-run", cwd=conductor)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "JOURNAL.md:49: adopted ERR-2025-07-21-001 from the journal ('FileNotFoundError Fix in"
        " Gradio Interface'): P1 inference, first seen 2025-07-21 05:20, resolved"
        " 2025-07-21 05:20",
        "JOURNAL.md:27: adopted ERR-2025-09-02-001 from the journal ('apt_pkg ModuleNotFoundError"
        " breaks container startup'): P1 container, first seen 2025-09-02 22:40, resolved"
        " 2025-09-04 10:30",
        "JOURNAL.md:16: adopted ERR-2025-09-03-001 from the journal ('Eval OOM on A100 nodes'): P0"
        " gpu, first seen 2025-09-03 08:15, active",
    ]
    assert result.stdout.splitlines()[-1] == (
        "dry run: would change ERRORS.md, TASKS.md; run `ledger adopt` to do it"
    )
    assert snapshot(conductor) == before


def test_adopt_brings_the_journal_history_in_under_the_same_ids(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    journal = (conductor / "JOURNAL.md").read_bytes()
    tasks = (conductor / "TASKS.md").read_text()
    errors = (conductor / "ERRORS.md").read_text()
    result = run_ledger("adopt", cwd=conductor)
    assert result.code == 0, result.stderr
    assert run_ledger("check", cwd=conductor).code == 0
    assert (conductor / "JOURNAL.md").read_bytes() == journal, (
        "the journal is linked, not rewritten"
    )
    assert _only_insertions(tasks, (conductor / "TASKS.md").read_text())
    assert _only_insertions(errors, (conductor / "ERRORS.md").read_text())

    apt = _show(run_ledger, conductor, "ERR-2025-09-02-001")
    assert (apt["status"], apt["severity"], apt["area"]) == ("resolved", "P1", "container")
    assert _events(apt) == [
        ("opened", "2025-09-02T22:40"),
        ("resolved", "2025-09-02T22:40"),
        ("reopened", "2025-09-04T10:30"),  # named again after its fix: it came back
        ("resolved", "2025-09-04T10:30"),
    ]
    fields = apt["fields"]
    assert isinstance(fields, dict)
    assert fields["Journal Entry"] == (
        "[JOURNAL.md](JOURNAL.md#apt_pkg-modulenotfounderror-breaks-container-startup-"
        "errorerr-2025-09-02-001)"
    )
    oom = _show(run_ledger, conductor, "ERR-2025-09-03-001")
    assert (oom["status"], oom["severity"], oom["first_seen"]) == (
        "active",
        "P0",
        "2025-09-03T08:15:00+00:00",
    )
    task = (conductor / "TASKS.md").read_text()
    assert "**Task ID**: TASK-ERR-2025-09-03-001\n**Title**: Resolve Eval OOM on A100 nodes" in task
    assert run_ledger("adopt", cwd=conductor).stdout.startswith("nothing to adopt")


@pytest.mark.parametrize("adopted", [False, True], ids=["journal-only", "after-adopt"])
def test_open_skips_the_ids_the_journal_already_names(
    conductor: Path, run_ledger: LedgerRunner, adopted: bool
) -> None:
    if adopted:
        assert run_ledger("adopt", cwd=conductor).code == 0
    opened = run_ledger("open", "P1", "api", "boom", "--at", "2025-09-02 12:00", cwd=conductor)
    assert opened.stdout == "ERR-2025-09-02-002\n"
    other = run_ledger("open", "P1", "api", "boom", "--at", "2025-07-21 12:00", cwd=conductor)
    assert other.stdout == "ERR-2025-07-21-002\n"


def test_commands_after_adopt_keep_every_byte_of_the_users_text(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    assert run_ledger("adopt", cwd=conductor).code == 0
    journal = (conductor / "JOURNAL.md").read_text()
    steps = [
        ("open", "P1", "training", "Loss spikes at step 9000", "--at", "2025-09-05 09:00"),
        ("seen", "ERR-2025-09-03-001", "--count", "2", "--at", "2025-09-05 10:00"),
        ("resolve", "ERR-2025-09-03-001", "--at", "2025-09-05 18:00", "--solution", "batch 32"),
    ]
    for args in steps:
        result = run_ledger(*args, cwd=conductor)
        assert result.code == 0, (args, result.stderr)
    new_journal = (conductor / "JOURNAL.md").read_text()
    assert _only_insertions(journal, new_journal), "resolve never writes into the user's entry"
    assert "### Critical Error Resolution |ERROR:ERR-2025-09-03-001|" in new_journal
    theirs = (CORPUS / "conductor" / "TASKS.md").read_text()
    assert _only_insertions(theirs, (conductor / "TASKS.md").read_text())
    assert run_ledger("check", cwd=conductor).code == 0


def test_the_pre_commit_hook_lets_the_next_commit_through(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    assert run_ledger("init", "--hooks", cwd=conductor).code == 0
    git(conductor, "add", "-A")
    assert _commit(conductor, "Ledger settings and hooks").returncode == 0
    with (conductor / "JOURNAL.md").open("a") as journal:
        journal.write("\n\n---\n\n## 2025-09-05 08:00\n\n### Notes\n- **What**: a note")
    git(conductor, "add", "-A")
    refused = _commit(conductor, "A note")
    assert refused.returncode == 1
    assert "`ledger adopt` creates it" in refused.stdout + refused.stderr
    assert run_ledger("adopt", cwd=conductor).code == 0
    assert run_ledger("open", "P1", "api", "x", "--at", "2025-09-05 09:00", cwd=conductor).code == 0
    git(conductor, "add", "-A")
    done = _commit(conductor, "Adopt the history")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("how", ["resolve --commit", "Fixes: trailer"])
def test_an_adopted_resolved_error_takes_its_fix_commit_as_check_advises(
    conductor: Path, run_ledger: LedgerRunner, how: str
) -> None:
    assert run_ledger("adopt", cwd=conductor).code == 0
    warned = run_ledger("check", cwd=conductor)
    assert "LDG501 warning: ERR-2025-09-02-001 is resolved without a fix commit" in warned.stdout
    (conductor / "Dockerfile").write_text("RUN apt-get install -y python3-apt\n")
    git(conductor, "add", "-A")
    if how == "resolve --commit":
        git(conductor, "commit", "-q", "-m", "Install python3-apt in the image")
        result = run_ledger("resolve", "ERR-2025-09-02-001", "--commit", "HEAD", cwd=conductor)
        assert re.fullmatch(r"ERR-2025-09-02-001: fix commit [0-9a-f]{7} recorded\n", result.stdout)
    else:
        git(conductor, "commit", "-q", "-m", "Install python3-apt\n\nFixes: ERR-2025-09-02-001")
        result = run_ledger("sync", cwd=conductor)
        assert "ERR-2025-09-02-001: fix commit" in result.stdout
    assert result.code == 0, result.stderr
    sha = git(conductor, "rev-parse", "HEAD").strip()
    apt = _show(run_ledger, conductor, "ERR-2025-09-02-001")
    assert (apt["status"], apt["fix_commit"]) == ("resolved", sha)
    assert _events(apt)[-1] == ("resolved", "2025-09-04T10:30"), "the resolution keeps its time"
    fields = apt["fields"]
    assert isinstance(fields, dict)
    assert "Dockerfile" in fields["Code Changes"]
    checked = run_ledger("check", cwd=conductor)
    assert checked.code == 0
    assert "ERR-2025-09-02-001" not in checked.stdout
    assert run_ledger("sync", cwd=conductor).stdout == "", "recorded once"


def _commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    """A real `git commit`, the installed hooks running."""
    return subprocess.run(
        ["git", "commit", "-q", "-m", message], cwd=repo, capture_output=True, text=True
    )


def test_metrics_and_report_give_the_figures_of_the_adopted_history(
    conductor: Path, run_ledger: LedgerRunner
) -> None:
    assert run_ledger("adopt", cwd=conductor).code == 0
    result = run_ledger(
        "metrics", "--since", "2025-09-01", "--until", "2025-09-08", "--json", cwd=conductor
    )
    data = json.loads(result.stdout)
    assert data["failures"] == 3  # two episodes of the container error, one OOM
    assert data["ttr"]["n"] == 2
    assert data["recurrence"]["regressed"] == 1
    assert [o["id"] for o in data["open"]] == ["ERR-2025-09-03-001"]
    assert data["distribution"]["by_area"] == {"container": 2, "gpu": 1}
    report = run_ledger("report", "--week", "2025-W36", cwd=conductor)
    assert report.code == 0, report.stderr
    text = (conductor / "reports" / "2025-W36.md").read_text()
    assert "ERR-2025-09-03-001" in text


# -- hand-written ledgers --------------------------------------------------------------------


@pytest.fixture
def handwritten(repo: Path) -> Path:
    return _repo_with(repo, "handwritten")


def test_init_refuses_a_hand_written_ledger_creating_nothing(
    handwritten: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(handwritten)
    result = run_ledger("init", cwd=handwritten)
    assert result.code == 1
    assert "created" not in result.stdout and result.stdout == ""
    assert "ERRORS.md holds 3 error entries written by hand" in result.stderr
    assert "`ledger adopt --dry-run`" in result.stderr and "`errors_file`" in result.stderr
    assert snapshot(handwritten) == before


def test_check_names_adopt_for_hand_written_entries(
    handwritten: Path, run_ledger: LedgerRunner
) -> None:
    result = run_ledger("check", cwd=handwritten)
    assert result.code == 1
    assert [line.split(" ")[0] for line in result.stdout.splitlines()] == [
        "ERRORS.md:27:",
        "ERRORS.md:54:",
        "ERRORS.md:68:",
    ]
    assert all("`ledger adopt --dry-run`" in line for line in result.stdout.splitlines())


def test_adopt_writes_nothing_that_check_would_refuse(
    handwritten: Path, run_ledger: LedgerRunner
) -> None:
    (handwritten / ".ledger.toml").write_text('areas = ["frontend"]\n')
    before = snapshot(handwritten)
    result = run_ledger("adopt", cwd=handwritten)
    assert result.code == 1
    refused = [line for line in result.stdout.splitlines() if "LDG106" in line]
    assert refused and all(line.endswith("(in the adopted file)") for line in refused)
    assert "'Render / Worker'" in result.stdout
    assert "nothing adopted:" in result.stderr
    assert snapshot(handwritten) == before
    init = run_ledger("init", cwd=handwritten)
    assert init.code == 1 and "LDG106" in init.stderr, "init names what adopt would refuse"
    assert snapshot(handwritten) == before


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final-newline"])
def test_adopt_rewrites_a_hand_written_ledger_keeping_every_word(
    handwritten: Path, run_ledger: LedgerRunner, newline: str, final_newline: bool
) -> None:
    text = (CORPUS / "handwritten" / "ERRORS.md").read_text()
    text = (text if final_newline else text.rstrip("\n")).replace("\n", newline)
    (handwritten / "ERRORS.md").write_bytes(text.encode())
    result = run_ledger("adopt", cwd=handwritten)
    assert result.code == 0, result.stderr
    adopted = (handwritten / "ERRORS.md").read_bytes().decode()
    assert run_ledger("check", cwd=handwritten).code == 0
    assert not _words(text) - _words(adopted), "every word of the person's text is kept"
    if newline == "\r\n":
        assert "\n" not in adopted.replace("\r\n", "")
    assert adopted.endswith("\n") == final_newline
    tail = text[text.index("## Deferred Issues") :]
    assert adopted.endswith(tail), "their own sections stay as they were"
    worker = _show(run_ledger, handwritten, "ERR-2025-11-20-001")
    assert (worker["status"], worker["severity"], worker["area"]) == (
        "active",
        "P1",
        "Render / Worker",
    )
    fields = worker["fields"]
    assert isinstance(fields, dict)
    assert fields["Context"].startswith("- Occurs only on frames above 3840 px wide")
    assert fields["Adopted From"] == (
        "ERR-20251120-001: Render worker crashes on 4K frames (Date: 2025-11-20; Status: 🔴 "
        "Active; Severity: High; Component: Render / Worker)"
    )
    fixed = _show(run_ledger, handwritten, "ERR-2025-11-19-001")
    assert (fixed["status"], fixed["resolved"]) == ("resolved", "2025-11-19T16:40:00+00:00")
    assert "#### Fix Attempts" in adopted and "### not a heading: inside the fence" in adopted


def test_a_hand_written_entry_keeps_its_text_through_the_lifecycle(
    handwritten: Path, run_ledger: LedgerRunner
) -> None:
    assert run_ledger("adopt", cwd=handwritten).code == 0
    adopted = (handwritten / "ERRORS.md").read_text()
    for args in (
        ("seen", "ERR-2025-11-20-001", "--at", "2025-11-21 08:00"),
        ("note", "ERR-2025-11-20-001", "--next-steps", "try 512 px tiles"),
        ("resolve", "ERR-2025-11-20-001", "--at", "2025-11-21 12:00", "--root-cause", "tiling"),
    ):
        result = run_ledger(*args, cwd=handwritten)
        assert result.code == 0, (args, result.stderr)
    after = (handwritten / "ERRORS.md").read_text()

    def block(text: str) -> list[str]:
        start = text.index("### ERR-2025-11-20-001")
        return [
            line for line in text[start : text.index("**History**", start)].splitlines() if line
        ]

    theirs = block(adopted)[block(adopted).index("**Error Pattern**:") :]
    assert [line for line in block(after) if line in theirs] == theirs
    assert "- [x] Error reproduced consistently\n- [ ] Root cause identified\n\n" in after
    assert run_ledger("check", cwd=handwritten).code == 0
    figures = run_ledger(
        "metrics", "--since", "2025-11-17", "--until", "2025-11-24", "--json", cwd=handwritten
    )
    data = json.loads(figures.stdout)
    assert (data["failures"], data["ttr"]["n"]) == (3, 2)


def test_an_agents_learning_log_is_adopted_with_its_duplicate_id_renumbered(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    _repo_with(repo, "learnings", errors_at=".learnings/ERRORS.md")
    (repo / ".ledger.toml").write_text('errors_file = ".learnings/ERRORS.md"\n')
    before = run_ledger("check", cwd=repo)
    assert before.code == 1
    assert "it holds entries written by hand: `ledger adopt --dry-run`" in before.stdout
    result = run_ledger("adopt", cwd=repo)
    assert result.code == 0, result.stderr
    assert "as ERR-2026-03-07-002 (ERR-2026-03-07-001 is taken)" in result.stdout
    assert run_ledger("check", cwd=repo).code == 0
    cache = _show(run_ledger, repo, "ERR-2026-03-07-001")
    assert (cache["status"], cache["first_seen"], cache["resolved"]) == (
        "resolved",
        "2026-03-07T09:12:00+00:00",
        "2026-03-07T10:02:00+00:00",
    )
    pnpm = _show(run_ledger, repo, "ERR-2026-03-07-002")
    assert (pnpm["status"], pnpm["severity"], pnpm["description"]) == (
        "active",
        "P0",
        "npx-pnpm-version-switch",
    )
    flaky = _show(run_ledger, repo, "ERR-2026-03-09-001")
    assert flaky["status"] == "active"  # `in_progress`


def test_adopt_lists_everything_it_cannot_map_and_writes_nothing(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    _repo_with(repo, "unmappable")
    before = snapshot(repo)
    result = run_ledger("adopt", cwd=repo)
    assert result.code == 1
    assert [line.split(" ")[0] for line in result.stdout.splitlines()] == [
        "ERRORS.md:8:",
        "ERRORS.md:13:",
        "ERRORS.md:17:",
        "ERRORS.md:24:",
    ]
    assert "Severity 'Low'" in result.stdout and "Won't fix" in result.stdout
    assert "add `**Resolved:** YYYY-MM-DD HH:MM`" in result.stdout
    assert "set `timezone` in .ledger.toml" in result.stdout
    assert "nothing adopted: 4 problem(s)" in result.stderr
    assert snapshot(repo) == before
