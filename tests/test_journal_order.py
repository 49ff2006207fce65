"""Journals as people keep them: newest or oldest first, `---` between entries, closing sections.

The journals in tests/data/journal/ are written the way real claude-conductor journals are: newest
first with `---` lines between entries, no final newline and `## Keywords` / `## Archives` footers;
oldest first with a footer; CRLF; entries of the user's only, one of them out of order.  Each test
runs the real CLI in a real temporary git repository and looks at the bytes a user would see: the
new entry where the journal's order puts it, every other byte as it was, and whole entries moving
to the archive oldest first by their time.  Golden files: set LEDGER_UPDATE_GOLDEN=1 to rewrite them
after a deliberate format change (and read the diff).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git

DATA = Path(__file__).parent / "data" / "journal"
_ENTRY_HEADING = re.compile(r"^## (\d{4}-\d\d-\d\d \d\d:\d\d)", re.M)
_FOOTER = re.compile(r"^## (?!\d{4}-\d\d-\d\d \d\d:\d\d)", re.M)


def _start(repo: Path, run: LedgerRunner, fixture: str, max_lines: int | None = None) -> str:
    """A repository whose JOURNAL.md is the fixture, after `ledger init`; the fixture's text."""
    original = (DATA / fixture).read_bytes().decode()
    (repo / "JOURNAL.md").write_bytes(original.encode())
    result = run("init", cwd=repo)
    assert result.code == 0, result.stderr
    assert _journal(repo) == original, "init keeps the user's journal as it is"
    if max_lines is not None:
        config = repo / ".ledger.toml"
        text = re.sub(r"(?m)^journal_max_lines = \d+$", "", config.read_text())
        config.write_text(f"{text}journal_max_lines = {max_lines}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Adopt the journal")
    return original


def _journal(repo: Path, name: str = "JOURNAL.md") -> str:
    return (repo / name).read_bytes().decode()  # bytes as they are: CR kept


def _ok(run: LedgerRunner, repo: Path, *args: str) -> str:
    result = run(*args, cwd=repo)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def _open(run: LedgerRunner, repo: Path, at: str, description: str = "Eval OOM") -> str:
    return _ok(run, repo, "open", "P1", "eval", description, "--at", at)


def _entry_of(journal: str, error_id: str) -> str:
    """The tool's entry for `error_id`: from its `## time` heading to the end of its Result line."""
    ref = journal.index(f"|ERROR:{error_id}|")
    start = journal.rindex("\n## ", 0, ref) + 1
    result = journal.index("- **Result**:", ref)
    end = journal.find("\n", result)
    return journal[start : len(journal) if end < 0 else end + 1]


def _user_entry(text: str, time: str) -> str:
    """An entry of the fixture, verbatim: from its heading to the end of its Result line."""
    start = text.index(f"## {time}")
    end = text.find("\n", text.index("- **Result**:", start))
    return text[start : len(text) if end < 0 else end + 1]


def _times(journal: str) -> list[str]:
    return _ENTRY_HEADING.findall(journal)


def _golden(name: str, actual: str) -> None:
    path = DATA / name
    if os.environ.get("LEDGER_UPDATE_GOLDEN"):
        path.write_bytes(actual.encode())
    assert actual == path.read_bytes().decode(), f"{name} differs from its golden file"


# -- where a new entry goes ------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    fixture: str
    at: str  # the new entry's time
    anchor: str  # text of the original journal that the new entry goes right before or after
    side: str  # "before" or "after"
    # what goes in: `{entry}` stands for the tool's entry, "\n" for the file's newline
    inserted: str


PLACEMENTS = [
    pytest.param(
        Placement("newest_first.md", "2025-06-04 09:00", "## 2025-06-03 10:00", "before",
                  "{entry}\n---\n\n"),
        id="newest-first: the newest goes to the top, below the preamble",
    ),
    pytest.param(
        Placement("newest_first.md", "2025-06-02 12:00", "## 2025-06-02 09:30", "before",
                  "{entry}\n---\n\n"),
        id="newest-first: between two entries",
    ),
    pytest.param(
        Placement("newest_first.md", "2025-06-03 10:00", "## 2025-06-03 10:00", "before",
                  "{entry}\n---\n\n"),
        id="newest-first: same minute as the newest goes above it",
    ),
    pytest.param(
        Placement("newest_first.md", "2025-05-30 18:00", "- **Result**: Repository ready\n",
                  "after", "\n---\n\n{entry}"),
        id="newest-first: the oldest goes below the last entry, above the footers",
    ),
    pytest.param(
        Placement("oldest_first.md", "2025-03-12 10:00", "- **Result**: All checkpoints converted\n",
                  "after", "\n{entry}"),
        id="oldest-first: the latest goes after the last entry, above the footer",
    ),
    pytest.param(
        Placement("oldest_first.md", "2025-03-05 14:00", "## 2025-03-09 16:45", "before",
                  "{entry}\n"),
        id="oldest-first: same minute goes after the entry of that minute",
    ),
    pytest.param(
        Placement("oldest_first.md", "2025-02-27 08:00", "## 2025-03-01 09:00", "before",
                  "{entry}\n"),
        id="oldest-first: the oldest goes first",
    ),
    pytest.param(
        Placement("crlf.md", "2025-05-08 09:00", "- **Result**: Runs at 02:00\n", "after",
                  "\n---\n\n{entry}"),
        id="crlf: the latest goes after the last entry, with a rule, above the footer",
    ),
    pytest.param(
        Placement("crlf.md", "2025-05-04 09:00", "## 2025-05-06 13:20", "before",
                  "{entry}\n---\n\n"),
        id="crlf: between two entries",
    ),
    pytest.param(
        Placement("user_entries_only.md", "2025-04-20 10:00",
                  "- **Result**: Numbers are stable across runs", "after", "\n\n{entry}"),
        id="user entries only: at the end, still without a final newline",
    ),
    pytest.param(
        Placement("user_entries_only.md", "2025-04-05 12:00", "## 2025-04-10 15:30", "before",
                  "{entry}\n"),
        id="user entries only: before the first later entry",
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", PLACEMENTS)
def test_a_new_entry_goes_where_the_journals_order_puts_it(
    repo: Path, run_ledger: LedgerRunner, case: Placement
) -> None:
    original = _start(repo, run_ledger, case.fixture)
    newline = "\r\n" if "\r\n" in original else "\n"
    error_id = _open(run_ledger, repo, case.at)
    journal = _journal(repo)
    entry = _entry_of(journal, error_id)
    assert entry.startswith(f"## {case.at}{newline}{newline}### Critical Error Investigation ")
    anchor = case.anchor.replace("\n", newline)
    at = original.index(anchor) + (len(anchor) if case.side == "after" else 0)
    inserted = case.inserted.replace("\n", newline).replace("{entry}", entry)
    assert journal == original[:at] + inserted + original[at:]


def test_a_whole_cycle_in_a_newest_first_journal(repo: Path, run_ledger: LedgerRunner) -> None:
    """Open, resolve, reopen, resolve: each new entry on top, each result in its own entry."""
    original = _start(repo, run_ledger, "newest_first.md")
    first = _open(run_ledger, repo, "2025-06-04 09:00", "Eval OOM on the 70B model")
    second = _open(run_ledger, repo, "2025-06-04 09:30", "Tokenizer cache corrupt")
    _ok(run_ledger, repo, "resolve", first, "--at", "2025-06-04 11:00", "--solution", "batch 16")
    _ok(run_ledger, repo, "reopen", first, "--reason", "OOM again", "--at", "2025-06-05 08:00")
    _ok(run_ledger, repo, "resolve", first, "--at", "2025-06-05 10:00")
    journal = _journal(repo)
    _golden("newest_first.cycle.md", journal)
    assert _times(journal)[:4] == [
        "2025-06-05 08:00",
        "2025-06-04 09:30",
        "2025-06-04 09:00",
        "2025-06-03 10:00",
    ]
    tool_entries = [line for line in journal.splitlines() if line.startswith("### Critical Error")]
    assert tool_entries == [
        f"### Critical Error Reopened |ERROR:{first}|",
        f"### Critical Error Investigation |ERROR:{second}|",
        f"### Critical Error Investigation |ERROR:{first}|",
    ]
    top = original.index("## 2025-06-03 10:00")
    assert journal.startswith(original[:top]) and journal.endswith(original[top:])
    assert "- **Result**: Resolved 2025-06-05 10:00" in _entry_of(journal, first)  # the reopened
    assert run_ledger("check", cwd=repo).code == 0


@pytest.mark.parametrize(
    ("fixture", "times"),
    [
        pytest.param("newest_first.md", ["2025-06-05 09:00", "2025-06-04 09:00", "2025-06-03 10:00"],
                     id="newest-first: the newer of the two on top"),
        pytest.param("oldest_first.md", ["2025-03-09 16:45", "2025-06-04 09:00", "2025-06-05 09:00"],
                     id="oldest-first: the newer of the two last"),
    ],
)  # fmt: skip
def test_entries_that_one_command_adds_keep_the_journals_order(
    repo: Path, run_ledger: LedgerRunner, fixture: str, times: list[str]
) -> None:
    """`check --fix` gives back, in one go, the entries of errors whose entries were deleted."""
    original = _start(repo, run_ledger, fixture)
    for at in ("2025-06-04 09:00", "2025-06-05 09:00"):
        _open(run_ledger, repo, at)
    (repo / "JOURNAL.md").write_bytes(original.encode())
    run_ledger("check", "--fix", cwd=repo)
    journal = _journal(repo)
    assert [t for t in _times(journal) if t in times] == times
    assert run_ledger("check", cwd=repo).code == 0


# -- archiving -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archiving:
    fixture: str
    max_lines: int
    opened: tuple[str, ...]  # times of the errors opened, in this order
    kept: tuple[str, ...]  # times of the entries left in JOURNAL.md, in file order
    after_kept: tuple[str, ...]  # what stands between each kept entry and the next section
    archived: dict[str, tuple[str, ...]]  # archive file -> times of its entries, in file order


ARCHIVINGS = [
    pytest.param(
        Archiving("newest_first.md", 40, ("2025-06-04 09:00",),
                  kept=("2025-06-04 09:00", "2025-06-03 10:00"), after_kept=("---", "---"),
                  archived={"2025-06.md": ("2025-06-01 08:15", "2025-06-02 09:30")}),
        id="newest-first: the oldest entries at the bottom move, the rule above the footers stays",
    ),
    pytest.param(
        Archiving("oldest_first.md", 30, ("2025-03-12 10:00",),
                  kept=("2025-03-09 16:45", "2025-03-12 10:00"), after_kept=("", ""),
                  archived={"2025-03.md": ("2025-03-01 09:00", "2025-03-05 14:00")}),
        id="oldest-first: the oldest entries at the top move, the footer stays",
    ),
    pytest.param(
        Archiving("user_entries_only.md", 18, ("2025-04-20 10:00",),
                  kept=("2025-04-10 15:30", "2025-04-20 10:00"), after_kept=("", ""),
                  archived={"2025-04.md": ("2025-04-01 11:00", "2025-04-03 09:00")}),
        id="out of order: entries move by their time, not their place",
    ),
    pytest.param(
        Archiving("crlf.md", 24, ("2025-05-08 09:00",),
                  kept=("2025-05-06 13:20", "2025-05-08 09:00"), after_kept=("---", ""),
                  archived={"2025-05.md": ("2025-05-02 08:00",)}),
        id="crlf: the oldest entry goes and its rule with it, line ends stay CRLF",
    ),
    pytest.param(
        Archiving("newest_first.md", 40, ("2025-06-04 09:00", "2025-05-20 12:00"),
                  kept=("2025-06-04 09:00", "2025-06-03 10:00"), after_kept=("---", "---"),
                  archived={"2025-05.md": ("2025-05-20 12:00",),
                            "2025-06.md": ("2025-06-01 08:15", "2025-06-02 09:30")}),
        id="newest-first: an entry older than the rest moves out at once, to its own month",
    ),
]  # fmt: skip


def _after_entries(journal: str) -> list[str]:
    """For each entry, the non-blank lines between its last field and the next section."""
    starts = [m.start() for m in _ENTRY_HEADING.finditer(journal)]
    out = []
    for start in starts:
        nxt = journal.find("\n## ", start + 1)
        chunk = journal[start : len(journal) if nxt < 0 else nxt + 1]
        tail = chunk[chunk.rindex("- **") :].splitlines()[1:]
        out.append(" ".join(line.strip() for line in tail if line.strip()))
    return out


@pytest.mark.parametrize("case", ARCHIVINGS)
def test_old_entries_move_to_the_archive_by_their_time(
    repo: Path, run_ledger: LedgerRunner, case: Archiving
) -> None:
    original = _start(repo, run_ledger, case.fixture, case.max_lines)
    newline = "\r\n" if "\r\n" in original else "\n"
    ids = [_open(run_ledger, repo, at) for at in case.opened]
    journal = _journal(repo)
    assert tuple(_times(journal)) == case.kept
    assert tuple(_after_entries(journal)) == case.after_kept, "one rule between entries, no more"
    assert journal.count("\n") + 1 <= case.max_lines
    first = _ENTRY_HEADING.search(original)
    footer = _FOOTER.search(original, first.start() if first else 0)
    assert journal.startswith(original[: first.start() if first else 0]), "the preamble stays"
    assert journal.endswith(original[footer.start() :] if footer else "")  # and the footers
    assert journal.endswith("\n") == original.endswith("\n")
    for time in set(_times(original)) & set(case.kept):
        assert _user_entry(original, time) in journal
    folder = repo / "JOURNAL_ARCHIVE"
    assert sorted(p.name for p in folder.iterdir()) == sorted(case.archived)
    for name, times in case.archived.items():
        archive = _journal(repo, f"JOURNAL_ARCHIVE/{name}")
        assert tuple(_times(archive)) == times
        entries = [_user_entry(original, t) for t in times if t in _times(original)]
        entries += [_entry_of(archive, i) for i in ids if f"|ERROR:{i}|" in archive]
        entries.sort(key=lambda e: e[3:19])
        header = (
            f"# Journal archive {name[:7]}\n\nOlder entries moved here from JOURNAL.md by `ledger`."
        )
        body = [header.replace("\n", newline), *(e.rstrip("\r\n") for e in entries)]
        assert archive == (newline * 2).join(body) + newline, "entries verbatim, no rule carried"
    assert run_ledger("check", cwd=repo).code == 0


def test_an_archived_investigation_stays_linked_in_a_newest_first_journal(
    repo: Path, run_ledger: LedgerRunner
) -> None:
    _start(repo, run_ledger, "newest_first.md", max_lines=40)
    error_id = _open(run_ledger, repo, "2025-06-04 09:00")
    for day in ("05", "06", "07"):
        _open(run_ledger, repo, f"2025-06-{day} 09:00", f"later {day}")
    archive = _journal(repo, "JOURNAL_ARCHIVE/2025-06.md")
    assert f"### Critical Error Investigation |ERROR:{error_id}|" in archive
    assert f"|ERROR:{error_id}|" not in _journal(repo)
    _ok(run_ledger, repo, "resolve", error_id, "--at", "2025-06-08 10:00")
    data = json.loads(_ok(run_ledger, repo, "show", error_id, "--json"))
    link = data["fields"]["Journal Entry"]
    assert "(JOURNAL_ARCHIVE/2025-06.md#critical-error-investigation-" in link
    journal = _journal(repo)
    assert _times(journal)[0] == "2025-06-08 10:00"  # the resolution goes on top
    assert f"### Critical Error Resolution |ERROR:{error_id}|" in _entry_of(journal, error_id)
    assert run_ledger("check", cwd=repo).code == 0
