"""Entries written by hand in the seed's format, journal archiving, and template overrides."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SEED, LedgerRunner, git, ledger_process

HAND_WRITTEN = """### ERR-2026-11-18-001
**Status**: ACTIVE
**Severity**: P1
**Area**: data-pipeline
**First Seen**: 2026-11-18 14:00
**Last Seen**: 2026-11-19 09:30
**Occurrences**: 7

**Description**: Tokenizer cache corrupt after disk full

**Symptoms**: Jobs crash at step 0
**Impact**: Two training runs lost

**Investigation**: [Root cause analysis in progress]
"""


def _seed_with_hand_entry(repo: Path) -> None:
    text = SEED.read_text().replace(
        "<!-- New errors added here, newest first -->\n",
        "<!-- New errors added here, newest first -->\n\n" + HAND_WRITTEN,
    )
    text = text.replace(
        "|----|------------|--------|----------|---------------|-------------|\n",
        "|----|------------|--------|----------|---------------|-------------|\n"
        "| ERR-2026-11-18-001 | 2026-11-18 14:00 | ACTIVE | P1 | data-pipeline | |\n",
    )
    (repo / "ERRORS.md").write_text(text)


def test_a_hand_written_entry_is_read_and_its_history_starts_from_its_fields(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    _seed_with_hand_entry(repo)
    data = json.loads(run_ledger("show", "ERR-2026-11-18-001", "--json", cwd=repo).stdout)
    assert data["occurrences"] == 7
    assert data["fields"]["Symptoms"] == "Jobs crash at step 0"
    result = run_ledger("seen", "ERR-2026-11-18-001", "--at", "2026-11-20 10:00", cwd=repo)
    assert result.code == 0, result.stderr
    data = json.loads(run_ledger("show", "ERR-2026-11-18-001", "--json", cwd=repo).stdout)
    assert data["occurrences"] == 8
    assert [(e["event"], e.get("count")) for e in data["history"]] == [
        ("opened", None),
        ("seen", 6),
        ("seen", 1),
    ]
    text = (repo / "ERRORS.md").read_text()
    assert "**Investigation**: [Root cause analysis in progress]" in text
    assert text.count("| ERR-2026-11-18-001 |") == 1


def test_resolving_a_hand_written_entry_makes_its_task_and_journal_result(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    _seed_with_hand_entry(repo)
    result = run_ledger("resolve", "ERR-2026-11-18-001", "--at", "2026-11-20 10:00", cwd=repo)
    assert result.code == 0, result.stderr
    assert "after 1d 20h 0m" in result.stdout
    assert "**Status**: COMPLETE" in (repo / "TASKS.md").read_text()
    journal = (repo / "JOURNAL.md").read_text()
    assert "### Critical Error Resolution |ERROR:ERR-2026-11-18-001|" in journal


def test_old_journal_entries_move_to_the_monthly_archive(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / ".ledger.toml").write_text("journal_max_lines = 30\n")
    ids = [
        run_ledger("open", "P1", "api", f"error {n}", "--at", f"2026-{10 + n // 3}-0{1 + n % 3} 08:00", cwd=ledger_repo).stdout.strip()
        for n in range(6)
    ]  # fmt: skip
    journal = (ledger_repo / "JOURNAL.md").read_text()
    assert journal.count("\n") <= 30
    archive = ledger_repo / "JOURNAL_ARCHIVE"
    archived = "".join(p.read_text() for p in sorted(archive.glob("*.md")))
    assert sorted(p.name for p in archive.glob("*.md")) == ["2026-10.md", "2026-11.md"]
    for error_id in ids:
        assert (f"|ERROR:{error_id}|" in journal) != (f"|ERROR:{error_id}|" in archived)
    assert journal.startswith("# Engineering Journal")  # the preamble stays
    oldest = ids[0]
    result = run_ledger("resolve", oldest, "--at", "2026-12-01 09:00", cwd=ledger_repo)
    assert result.code == 0, result.stderr
    assert (
        f"### Critical Error Resolution |ERROR:{oldest}|"
        in (ledger_repo / "JOURNAL.md").read_text()
    )


def test_a_repository_template_overrides_the_packaged_one(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    override = ledger_repo / ".ledger" / "templates" / "task.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        "## {{ task_id }} (on-call)\n{{ field('Task ID') }}\n{{ field('Title') }}\n"
        "{{ field('Status') }}\n{{ field('Priority') }}\n{{ bullet('Error ID') }}\n"
    )
    error_id = run_ledger("open", "P0", "api", "down", cwd=ledger_repo).stdout.strip()
    tasks = (ledger_repo / "TASKS.md").read_text()
    assert f"## TASK-{error_id} (on-call)\n**Task ID**: TASK-{error_id}" in tasks
    assert "### Task Context" not in tasks
    run_ledger("resolve", error_id, cwd=ledger_repo)
    assert "**Status**: COMPLETE" in (ledger_repo / "TASKS.md").read_text()


def test_an_override_added_later_is_used_though_the_packaged_shape_was_kept(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    """The packaged templates' output is kept by shape after the first render; an override put
    in afterwards still wins, and taking it away brings the packaged template back."""

    def open_(description: str) -> str:  # each its own process, as a user runs them
        done = ledger_process("open", "P0", "api", description, cwd=ledger_repo)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    first = open_("down")
    assert (ledger_repo / ".git" / "ledger-cache" / "template-shapes.pickle").is_file()
    override = ledger_repo / ".ledger" / "templates" / "error_active.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("### {{ id }}\n{{ field('Status') }}\n{{ field('Severity') }}\n"
                        "{{ field('Area') }}\n{{ field('First Seen') }}\n{{ field('Last Seen') }}\n"
                        "{{ field('Occurrences') }}\n\n{{ field('Description') }}\n"
                        "**Pager**: on-call\n\n{{ field('History') }}\n")  # fmt: skip
    second = open_("slow")
    override.unlink()
    third = open_("gone")
    errors = (ledger_repo / "ERRORS.md").read_text()
    blocks = {b.split("\n", 1)[0]: b for b in errors.split("### ")[1:]}
    assert "**Pager**: on-call" in blocks[second]
    assert "**Pager**" not in blocks[first] + blocks[third]
    assert "**Symptoms**:" in blocks[first] and "**Symptoms**:" in blocks[third]
    assert run_ledger("check", cwd=ledger_repo).code == 0


@pytest.mark.parametrize(
    "name", ["error_active.md.j2", "error_resolved.md.j2", "journal_entry.md.j2", "task.md.j2"]
)
def test_a_kept_shape_renders_what_jinja_renders(ledger_repo: Path, name: str) -> None:
    """Every packaged entry template, for each combination of the optional fields it asks for
    and values of several lines: the text filled in from the kept shape is Jinja's, byte for
    byte."""
    from ledger_tool.files import shapes, templates
    from ledger_tool.files.ledger import Ledger
    from ledger_tool.workspace import Workspace

    ledger = Ledger(Workspace.find(ledger_repo))

    context = {"id": "ERR-2026-11-20-001", "task_id": "TASK-ERR-2026-11-20-001",
               "time": "2026-11-20 08:00", "title": "A {{ title }} with | pipes"}  # fmt: skip
    names = re.findall(r"""(?:field|bullet|has)\(["']([^"']+)["']\)""",
                       (shapes.packaged_dir() / name).read_text())  # fmt: skip
    optional = sorted(set(re.findall(r"""has\(["']([^"']+)["']\)""",
                                     (shapes.packaged_dir() / name).read_text())))  # fmt: skip
    kept = ledger_repo / ".git" / "ledger-cache" / "template-shapes.pickle"
    for mask in range(2 ** len(optional)):
        values = {field: f"{field} value\nsecond line {{{{ x }}}} \x00" for field in names}
        values |= {field: "" for i, field in enumerate(optional) if not mask >> i & 1}
        values["Status"] = "ACTIVE"  # a one-line value
        jinja = templates.render(ledger_repo, name, values, **context)
        kept.unlink(missing_ok=True)
        assert ledger.render(name, values, **context) == jinja  # rendered by Jinja, kept
        assert shapes.filled(ledger_repo, name, values, context) == jinja  # filled in
        assert kept.is_file()


def test_kept_shapes_of_another_kind_are_not_used(ledger_repo: Path) -> None:
    """A shapes file holding something else under a template's key (written by some other
    version, or damaged) is passed over: Jinja renders, and the entry is as always."""
    from ledger_tool.files import shapes
    from ledger_tool.files.cache import write_stamped

    key, kept = shapes._where(ledger_repo, "task.md.j2")
    assert key is not None and kept is not None
    context = {"task_id": "TASK-ERR-2026-11-20-001"}
    for odd in (42, [("x", "y")], [((("Status", True),), (("context", "nope"),))]):
        write_stamped(kept, {key: odd})
        assert shapes.filled(ledger_repo, "task.md.j2", {"Status": "TODO"}, context) is None


def test_unchanged_ledger_is_not_rewritten_by_reads(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    run_ledger("open", "P0", "api", "down", "--at", "2026-11-20 08:00", cwd=ledger_repo)
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "open")
    mtimes = {
        p: (ledger_repo / p).stat().st_mtime_ns for p in ("ERRORS.md", "JOURNAL.md", "TASKS.md")
    }
    for args in (("list",), ("list", "--json"), ("show", "ERR-2026-11-20-001"), ("init",)):
        assert run_ledger(*args, cwd=ledger_repo).code == 0
    assert git(ledger_repo, "status", "--porcelain") == ""
    assert mtimes == {p: (ledger_repo / p).stat().st_mtime_ns for p in mtimes}


def test_archive_files_keep_entries_in_time_order(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / ".ledger.toml").write_text("journal_max_lines = 20\n")
    for day in ("05", "09", "02", "07"):  # entered out of order, after the fact
        run_ledger(
            "open", "P1", "api", f"day {day}", "--at", f"2026-10-{day} 08:00", cwd=ledger_repo
        )
        run_ledger("open", "P1", "api", "filler", "--at", "2026-12-01 08:00", cwd=ledger_repo)
    archived = (ledger_repo / "JOURNAL_ARCHIVE" / "2026-10.md").read_text()
    times = [line[3:] for line in archived.splitlines() if line.startswith("## 2026-")]
    assert times == sorted(times) and len(times) == 4


def _journal_link(repo: Path, run: LedgerRunner, error_id: str) -> str:
    data = json.loads(run("show", error_id, "--json", cwd=repo).stdout)
    link: str = data["fields"]["Journal Entry"]
    return link


def _heading_exists(repo: Path, link: str) -> bool:
    """True when the link's target file has a heading whose GitHub anchor is the link's."""
    target, anchor = link.split("](", 1)[1].rstrip(")").split("#")
    text = (repo / target).read_text()
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("### ")]
    slugs = [re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings]
    return anchor in slugs


def test_journal_entry_links_follow_entries_into_the_archive(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    (ledger_repo / ".ledger.toml").write_text("journal_max_lines = 20\n")
    first = run_ledger(
        "open", "P1", "api", "a", "--at", "2026-10-01 08:00", cwd=ledger_repo
    ).stdout.strip()
    run_ledger("resolve", first, "--at", "2026-10-01 09:00", cwd=ledger_repo)
    assert "(JOURNAL.md#critical-error-investigation-" in _journal_link(
        ledger_repo, run_ledger, first
    )
    second = run_ledger(
        "open", "P1", "api", "b", "--at", "2026-10-02 08:00", cwd=ledger_repo
    ).stdout.strip()
    run_ledger("open", "P1", "api", "c", "--at", "2026-10-03 08:00", cwd=ledger_repo)
    run_ledger("open", "P1", "api", "d", "--at", "2026-10-04 08:00", cwd=ledger_repo)
    moved = _journal_link(ledger_repo, run_ledger, first)
    assert "(JOURNAL_ARCHIVE/2026-10.md#critical-error-investigation-" in moved
    assert _heading_exists(ledger_repo, moved)
    run_ledger("resolve", second, "--at", "2026-10-05 09:00", cwd=ledger_repo)  # already archived
    link = _journal_link(ledger_repo, run_ledger, second)
    assert "(JOURNAL_ARCHIVE/2026-10.md#critical-error-investigation-" in link
    assert _heading_exists(ledger_repo, link)
    assert run_ledger("check", cwd=ledger_repo).code == 0
