"""A seeded mutational fuzz of the three files: whatever a person (or a bad merge) does to them, a
command either refuses, changing no byte, or succeeds keeping every line the tool does not own.

Each case takes a real ledger (three files written by the real commands), damages one or two of
its files the way hands, editors and tools do (lines deleted, doubled, swapped or truncated; `|`,
fences, comment markers, headings, CRLF, invalid UTF-8, NUL, a cut-off file), then runs one
mutating command on it.  The property, for every case:

- never exit 3 (a traceback: a bug of ours);
- exit 1: no byte of any file changed, and the message says where (`PATH:LINE`) when it is about a
  file's content;
- exit 0: every line outside the tool's entries is still there, in the same order.

The default size runs in seconds; `pytest tests/test_fuzz.py --fuzz-cases 5000 --fuzz-seed 7`
runs thousands.  A failure names the seed and case, which reproduce it alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from tests.conftest import LedgerRunner, git

FILES = ("ERRORS.md", "JOURNAL.md", "TASKS.md")
IDS = ("ERR-2026-11-20-001", "ERR-2026-11-20-002", "ERR-2026-11-21-001")

# Lines a person or a tool might leave in a file.
INSERTS = [
    "```", "~~~", "<!--", "-->", "<!-- a note -->", "|", "| ERR-2026-11-20-001 |", "---", "",
    "### ERR-2026-11-20-001", "### ERR-2026-11-20-002 (RESOLVED)", "## Active Errors",
    "## Resolved Errors", "### not an error", "## My own notes", "**Status**: RESOLVED",
    "**Occurrences**: many", "**First Seen**: yesterday", "- 2026-11-20 09:00 resolved by beef",
    "**Task ID**: TASK-ERR-2026-11-20-001", "### Critical Error Investigation |ERROR:ERR-2026-11-20-009|",
    "## 2026-11-22 10:00", "    indented code", "> quoted", "* * *", "\t", "\x1b[31mred\x1b[0m",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    number: int
    files: dict[str, bytes]
    command: tuple[str, ...]
    mutations: tuple[str, ...]

    def __str__(self) -> str:
        return f"case {self.number}: {' '.join(self.command)} after {'; '.join(self.mutations)}"


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _mutate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lines = _lines(data) or [b""]
    i = rng.randrange(len(lines))
    kind = rng.choice(
        ["delete", "double", "swap", "insert", "pipe", "invalid-utf8", "nul", "truncate", "crlf",
         "no-final-newline", "cut-line"]
    )  # fmt: skip
    if kind == "delete":
        del lines[i]
    elif kind == "double":
        lines.insert(i, lines[i])
    elif kind == "swap" and len(lines) > 1:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert":
        text = rng.choice(INSERTS)
        lines.insert(i, text.encode() + b"\n")
        kind += f" {text!r}"
    elif kind == "pipe":
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + b"|" + lines[i][at:]
    elif kind == "invalid-utf8":
        lines[i] = lines[i][:1] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"]) + lines[i][1:]
    elif kind == "nul":
        lines[i] = b"\x00" + lines[i]
    elif kind == "truncate":
        return data[: rng.randrange(len(data) + 1)], "truncate the file"
    elif kind == "crlf":
        lines[i] = lines[i].rstrip(b"\n") + b"\r\n"
    elif kind == "no-final-newline":
        return data.rstrip(b"\n"), kind
    elif kind == "cut-line":
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return b"".join(lines), f"{kind} at line {i + 1}"


def _command(rng: random.Random) -> tuple[str, ...]:
    error_id = rng.choice(IDS)
    return rng.choice(
        [
            ("open", "P1", "data", "Loader hangs", "--at", "2026-11-23 08:00"),
            ("open", "P0", "gpu", "OOM", "--at", "2026-11-20 18:00"),
            ("seen", error_id, "--at", "2026-11-23 09:00"),
            ("note", error_id, "--investigation", "looked again"),
            ("resolve", error_id, "--at", "2026-11-23 10:00", "--solution", "retry"),
            ("reopen", error_id, "--at", "2026-11-23 11:00", "--reason", "back"),
            ("check", "--fix"),
        ]
    )


def _cases(base: dict[str, bytes], seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for number in range(count):
        files = dict(base)
        mutations = []
        for name in rng.sample(FILES, rng.choice([1, 1, 2])):
            for _ in range(rng.choice([1, 1, 2, 3])):
                files[name], what = _mutate(rng, files[name])
                mutations.append(f"{name}: {what}")
        cases.append(Case(number, files, _command(rng), tuple(mutations)))
    return cases


# Lines the tool owns: its table rows, its error blocks, its journal entries and tasks (each from
# its heading to the next heading of the same or a higher level), and the blank and `---` lines it
# may move with them.  This is computed by simple regular expressions, independently of the tool.
_OWNED_HEADING = re.compile(
    rb"^(#{2,4}) .*(ERR-\d{4}-\d\d-\d\d-\d{3}|\|ERROR:|TASK-ERR-|Critical Error|Active Errors|"
    rb"Resolved Errors|\d{4}-\d\d-\d\d \d\d:\d\d)"
)
_HEADING = re.compile(rb"^(#{1,6}) ")
_FOOTER_RULE = re.compile(rb"^ {0,3}-{3,}\s*$")
_MOVABLE = re.compile(rb"^(\s*|---\s*|\| ?ERR-.*|\|[-| ]*\|\s*)$")


def _user_lines(data: bytes) -> list[bytes]:
    """The lines of a file that the tool does not own, in order, without their line ends.  A
    heading inside a fence or comment is no heading; a `---` after the last heading starts a
    footer, which is the user's (new tasks go above it)."""
    kept: list[bytes] = []
    owned_level = 0
    lines = data.splitlines()
    hidden = _hidden_lines(data)
    headings = [i for i, line in enumerate(lines) if _HEADING.match(line) and i not in hidden]
    last_heading = headings[-1] if headings else -1
    for i, line in enumerate(lines):
        if i > last_heading and _FOOTER_RULE.match(line) and i not in hidden:
            owned_level = 0
        heading = _HEADING.match(line) if i not in hidden else None
        if heading:
            level = len(heading.group(1))
            if owned_level and level <= owned_level:
                owned_level = 0
            if not owned_level and _OWNED_HEADING.match(line):
                owned_level = level
        if owned_level or _MOVABLE.match(line):
            continue
        kept.append(line)
    return kept


_FENCE = re.compile(rb"^ {0,3}(`{3,}|~{3,})")


def _hidden_lines(data: bytes) -> dict[int, int]:
    """Line index → line index of the opener, for each line inside a code fence or an HTML
    comment (what GitHub does not show as text), found by a plain scan."""
    hidden: dict[int, int] = {}
    fence: bytes | None = None
    comment = False
    opener = 0
    for i, line in enumerate(data.splitlines()):
        if fence is not None:
            hidden[i] = opener
            if line.strip().startswith(fence[:1] * len(fence)) and not line.strip(b"`~ \t"):
                fence = None
            continue
        if comment:
            hidden[i] = opener
            comment = b"-->" not in line
            continue
        m = _FENCE.match(line)
        if m:
            fence, opener = m.group(1), i
        elif b"<!--" in line and b"-->" not in line.split(b"<!--", 1)[1]:
            comment, opener = True, i
    return hidden


def _written_hidden(before: bytes, after: bytes) -> str:
    """The first line the command wrote inside a fence or comment left open, if any."""
    hidden = _hidden_lines(after)
    old = before.splitlines()
    new = after.splitlines()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            for j in range(j1, j2):
                if j in hidden and new[j].strip():
                    return f"wrote line {j + 1} inside the region opened at line {hidden[j] + 1}"
    return ""


def _is_subsequence(small: list[bytes], big: list[bytes]) -> bool:
    it = iter(big)
    return all(any(line == other for other in it) for line in small)


@pytest.fixture(scope="module")
def base_ledger(tmp_path_factory: pytest.TempPathFactory) -> Callable[[LedgerRunner], Path]:
    """A repository with a small real ledger: two active errors, one resolved, notes and a note of
    the user's own in each file.  Built once per module by the real commands."""
    built: dict[str, Path] = {}

    def build(run: LedgerRunner) -> Path:
        if "repo" in built:
            return built["repo"]
        repo = tmp_path_factory.mktemp("fuzz") / "repo"
        repo.mkdir()
        git(repo, "init", "-q")
        steps = [
            ("init",),
            ("open", "P0", "inference", "CUDA OOM during eval", "--at", "2026-11-20 09:15"),
            ("open", "P1", "data", "Shard 7 unreadable", "--at", "2026-11-20 11:00"),
            ("open", "P1", "train", "Loss is NaN", "--at", "2026-11-21 08:00"),
            ("note", IDS[0], "--investigation", "batch 64 | too large", "--next-steps", "try 32"),
            ("resolve", IDS[1], "--at", "2026-11-21 12:00", "--root-cause", "bad disk"),
        ]
        for args in steps:
            result = run(*args, cwd=repo)
            assert result.code == 0, (args, result.stderr)
        for name in FILES:
            with (repo / name).open("a") as handle:
                handle.write(f"\n## Our own notes\n\nSomething only {name} says.\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "A small ledger")
        built["repo"] = repo
        return repo

    return build


def test_damaged_files_are_refused_untouched_or_kept_outside_the_entries(
    base_ledger: Callable[[LedgerRunner], Path],
    run_ledger: LedgerRunner,
    request: pytest.FixtureRequest,
) -> None:
    repo = base_ledger(run_ledger)
    base = {name: (repo / name).read_bytes() for name in FILES}
    seed = int(request.config.getoption("--fuzz-seed"))
    count = int(request.config.getoption("--fuzz-cases"))
    violations: list[str] = []
    outcomes = {"refused": 0, "done": 0}
    located = 0  # refusals that name PATH:LINE
    for case in _cases(base, seed, count):
        for name, data in case.files.items():
            (repo / name).write_bytes(data)
        result = run_ledger(*case.command, cwd=repo)
        after = {name: (repo / name).read_bytes() for name in FILES}
        problem = _violation(case, result.code, result.stderr, after)
        if problem:
            violations.append(f"seed {seed}, {case}: {problem}")
        elif result.code == 1 and case.command[0] != "check":
            outcomes["refused"] += 1
            located += bool(re.search(r"\.md:\d+:", result.stderr))
        else:
            outcomes["done"] += 1
    print(
        f"fuzz seed {seed}: {count} cases, {outcomes} ({located} refusals name PATH:LINE), "
        f"{len(violations)} violations"
    )
    assert not violations, "\n".join(violations[:10])
    assert outcomes["refused"] and outcomes["done"], f"the mutations prove nothing: {outcomes}"


def _violation(case: Case, code: int, stderr: str, after: dict[str, bytes]) -> str:
    if code not in (0, 1):
        return f"exit {code}: {stderr.strip()[-300:]}"
    if code == 1 and case.command[0] != "check":  # `check --fix` exits 1 when it changed something
        changed = [name for name in FILES if after[name] != case.files[name]]
        if changed:
            return f"refused but changed {changed}: {stderr.strip()[:200]}"
        if not stderr.startswith("ledger: "):
            return f"refused without a message: {stderr!r}"
        return ""
    for name in FILES:
        before_lines = _user_lines(case.files[name])
        if not _is_subsequence(before_lines, _user_lines(after[name])):
            lost = [line for line in before_lines if line not in after[name].splitlines()]
            return f"{name} lost the user's lines {lost[:3]}"
        if case.command[0] != "check" and (where := _written_hidden(case.files[name], after[name])):
            return f"{name}: {where}"
    return ""
