"""Text from users, logs and commits never changes a file's structure and comes back exactly.

Descriptions, symptoms and investigation notes full of table pipes, line breaks, backtick runs,
comment markers, headings, HTML, ANSI escapes, edge whitespace and any other Unicode go through the
real CLI; `ledger show --json` must give each back unchanged, and every line of the three files other
than the lines holding those values must be what the same commands write for plain text.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger_tool.markdown.textcodec import decode, encode
from tests.conftest import LedgerRunner

LEDGER_FILES = ("ERRORS.md", "JOURNAL.md", "TASKS.md")
# What a command line can carry: anything but NUL and lone surrogates.
ARGUMENT_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
PIECES = [
    "|", "\\|", "||", "\n", "\r\n", "\r", "`", "``", "```", "````", "~~~", "<!--", "-->",
    "### ERR-2026-11-20-001", "## Active Errors", "## Resolved Errors", "---", "* * *",
    "<script>alert(1)</script>", "<br>", "&amp;", "&#13;", "&lt;", "\x1b[31m", "\x1b[0m",
    " ", "  ", "\t", "\\", "**Status**: RESOLVED", "- 2026-11-20 09:00 resolved by deadbeef",
    "é", "日本語", "🔥", "\u200b", "\u2028", "\x85", "\ufeff", "#", "> ", "[x](javascript:1)",
]  # fmt: skip
hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(ARGUMENT_CHARS, max_size=12)), max_size=6
).map("".join)

HOSTILE_CASES = {
    "table-pipes": "a | b || c |",
    "escaped-pipe": "a \\| b",
    "lf": "first line\nsecond line",
    "crlf": "first line\r\nsecond line",
    "lone-cr": "first line\rsecond line",
    "blank-lines": "para one\n\n\npara two",
    "backtick-runs": "`code` ``two`` ```three``` ````",
    "fenced-block": "```\n### ERR-2026-11-20-001\n```",
    "tilde-fence": "~~~\nnot closed",
    "comment-open": "<!-- the rest is hidden",
    "comment-close": "shown --> or not",
    "comment-both": "a <!-- b --> c",
    "error-heading": "### ERR-2026-11-20-001",
    "section-heading": "## Active Errors",
    "headings-on-new-lines": "x\n## Resolved Errors\n### ERR-2026-11-20-001 (RESOLVED)\n# Top",
    "thematic-break": "above\n---\nbelow\n***",
    "html-script": "<script>alert('owned')</script>",
    "html-entities": "&amp; &lt;br&gt; &#13; &#x1b; &nbsp; <br> <br/>",
    "ansi-escapes": "\x1b[31mred\x1b[0m and \x1b]0;title\x07",
    "edge-spaces-and-tabs": "  \t padded \t  ",
    "non-ascii": "Über 日本語 🔥 ñ café",
    "backslashes": "C:\\path\\to\\ and \\| and \\` and \\\\",
    "field-lookalike": "**Status**: RESOLVED",
    "history-lookalike": "x\n- 2026-11-20 09:00 resolved by deadbeef",
    "table-row-lookalike": "| ERR-2026-11-20-009 | x | ACTIVE | P0 | a |  |",
    "markdown-link": "[click](javascript:alert(1)) ![img](x.png)",
    "unicode-line-breaks": "a\u2028b\u2029c\x85d\x0be\x0cf",
    "controls": "\x01\x07\x08\x7f\x9b",
    "bom-and-zero-width": "\ufeffx\u200b\u200dy",
    "leading-newline": "\nafter a newline",
    "trailing-newline": "before a newline\n",
    "trailing-nbsp": "ends in a no-break space\u00a0",
    "trailing-ideographic-space": "ends in an ideographic space\u3000",
    "leading-em-space": "\u2003starts with an em space",
}


def _read(path: Path) -> str:
    """A file's exact text (no newline translation: a stray CR must show)."""
    return path.read_bytes().decode("utf-8")


def _fresh(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the committed, initialised ledger repository."""
    root = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(template, root, symlinks=True)
    return root


def _open_all(run_ledger: LedgerRunner, root: Path, specs: list[tuple[str, str, str]]) -> list[str]:
    """Open one error per (description, symptoms, investigation), each on its own day, then note
    each investigation; returns the IDs in opening order.  A blank description is refused."""
    ids = []
    for description, symptoms, _ in specs:
        at = f"2026-11-{20 + len(ids)} 09:{len(ids):02d}"
        args = ["open", "P0", "inference", f"--symptoms={symptoms}", "--at", at, "--", description]
        result = run_ledger(*args, cwd=root)
        if not description.strip():
            assert result.code == 1 and "description" in result.stderr, result
            continue
        assert result.code == 0, result.stderr
        ids.append(result.stdout.strip())
    opened = [spec for spec in specs if spec[0].strip()]
    for error_id, (_, _, investigation) in zip(ids, opened, strict=True):
        result = run_ledger("note", error_id, f"--investigation={investigation}", cwd=root)
        assert result.code == 0, result.stderr
    return ids


def _placeholders(count: int) -> list[tuple[str, str, str]]:
    return [(f"DESC{j}X", f"SYMP{j}X", f"INVE{j}X") for j in range(count)]


_PLACEHOLDER = re.compile(r"(DESC|SYMP|INVE)(\d+)X")
_LABEL = re.compile(r"(?:- )?\*\*[^*]+\*\*:")


def _assert_same_structure(reference: str, text: str, specs: list[tuple[str, str, str]]) -> None:
    """`text` has the lines of `reference` (the same commands run on placeholder text); only the
    lines holding a placeholder differ, and each holds (encoded) the text that was given."""
    ref_lines, lines = reference.split("\n"), text.split("\n")
    assert len(lines) == len(ref_lines), "the number of lines changed"
    for number, (ref, line) in enumerate(zip(ref_lines, lines, strict=True), start=1):
        if ref == line:
            continue
        found = _PLACEHOLDER.search(ref)
        label = _LABEL.match(ref)
        assert found and label, f"line {number} changed: {ref!r} -> {line!r}"
        assert line.startswith(label.group(0)), f"line {number}: label changed: {line!r}"
        stored = line[label.end() :]
        stored = stored[1:] if stored.startswith(" ") else stored
        given = specs[int(found.group(2))][("DESC", "SYMP", "INVE").index(found.group(1))]
        template = ref[label.end() :].lstrip(" ")
        if label.group(0) == "**Title**:":  # the task title summarises the description
            assert decode(stored).startswith("Resolve "), line
        else:
            assert decode(stored) == template.replace(found.group(0), given), line


class References:
    """The three files after the same commands on plain placeholder text, per number of errors."""

    def __init__(self, template: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.template = template
        self.factory = tmp_path_factory
        self.cache: dict[int, dict[str, str]] = {}

    def get(self, run_ledger: LedgerRunner, count: int) -> dict[str, str]:
        if count not in self.cache:
            root = _fresh(self.template, self.factory)
            _open_all(run_ledger, root, _placeholders(count))
            self.cache[count] = {name: _read(root / name) for name in LEDGER_FILES}
        return self.cache[count]


@pytest.fixture
def references(ledger_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> References:
    return References(ledger_repo, tmp_path_factory)


def _check_round_trip(
    run_ledger: LedgerRunner,
    ledger_repo: Path,
    references: References,
    tmp_path_factory: pytest.TempPathFactory,
    specs: list[tuple[str, str, str]],
) -> None:
    root = _fresh(ledger_repo, tmp_path_factory)
    ids = _open_all(run_ledger, root, specs)
    opened = [spec for spec in specs if spec[0].strip()]
    for error_id, (description, symptoms, investigation) in zip(ids, opened, strict=True):
        shown = run_ledger("show", error_id, "--json", cwd=root)
        assert shown.code == 0, shown.stderr
        entry = json.loads(shown.stdout)
        assert entry["description"] == description
        assert entry["fields"]["Symptoms"] == symptoms
        assert entry["fields"]["Investigation"] == investigation
    listed = run_ledger("list", "--json", cwd=root)
    assert listed.code == 0, listed.stderr
    assert [e["id"] for e in json.loads(listed.stdout)] == ids[::-1]  # newest first
    errors = _read(root / "ERRORS.md")
    rows = [line for line in errors.split("\n") if line.startswith("| ERR-")]
    assert [row.split(" | ")[0][2:] for row in rows] == ids[::-1], "one table row per error"
    reference = references.get(run_ledger, len(ids))
    for name in LEDGER_FILES:
        _assert_same_structure(reference[name], _read(root / name), opened)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    # `ledger_repo` is only copied, never changed, and `run_ledger` keeps no state between calls.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(st.tuples(hostile, hostile, hostile), min_size=1, max_size=3))
@example(specs=[("a|b\n<!--", "```\r\n-->", "### ERR-2026-11-20-001\r## Active Errors")])
def test_any_text_comes_back_exactly_and_changes_no_structure(
    run_ledger: LedgerRunner,
    ledger_repo: Path,
    references: References,
    tmp_path_factory: pytest.TempPathFactory,
    specs: list[tuple[str, str, str]],
) -> None:
    _check_round_trip(run_ledger, ledger_repo, references, tmp_path_factory, specs)


@pytest.mark.parametrize("text", HOSTILE_CASES.values(), ids=HOSTILE_CASES.keys())
def test_hostile_text_comes_back_exactly_and_changes_no_structure(
    run_ledger: LedgerRunner,
    ledger_repo: Path,
    references: References,
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
) -> None:
    specs = [("plain first", "", ""), (text, text, text), ("plain last", "s", "i")]
    _check_round_trip(run_ledger, ledger_repo, references, tmp_path_factory, specs)


def test_an_id_mentioned_in_text_does_not_change_the_next_id(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    first = run_ledger(
        "open", "P0", "api", "looks like ERR-2026-11-20-041", "--at", "2026-11-20 09:00",
        cwd=ledger_repo,
    )  # fmt: skip
    note = run_ledger(
        "note", "ERR-2026-11-20-001", "--investigation", "### ERR-2026-11-20-077", cwd=ledger_repo
    )
    second = run_ledger("open", "P0", "api", "next", "--at", "2026-11-20 10:00", cwd=ledger_repo)
    assert (first.stdout, note.code) == ("ERR-2026-11-20-001\n", 0)
    assert second.stdout == "ERR-2026-11-20-002\n", "the next free number that day"


# -- the codec on its own ---------------------------------------------------------------------


def _bare(encoded: str, char: str) -> bool:
    """True when `char` occurs in `encoded` other than as a backslash escape (a backslash left
    dangling at the end counts as bare: at the end of a line Markdown reads it as a line break)."""
    i = 0
    while i < len(encoded):
        if encoded[i] == "\\":
            if i + 1 == len(encoded):
                return char == "\\"
            i += 2
            continue
        if encoded[i] == char:
            return True
        i += 1
    return False


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(text=st.one_of(st.text(), hostile))
def test_codec_round_trips_and_stays_on_one_inert_line(text: str) -> None:
    encoded = encode(text)
    assert decode(encoded) == text
    for forbidden in ("\n", "\r", "<!--", "-->"):
        assert forbidden not in encoded
    assert not _bare(encoded, "|") and not _bare(encoded, "`") and not _bare(encoded, "\\")


@pytest.mark.parametrize("text", HOSTILE_CASES.values(), ids=HOSTILE_CASES.keys())
def test_codec_examples(text: str) -> None:
    encoded = encode(text)
    assert decode(encoded) == text
    assert "\n" not in encoded and "\r" not in encoded
    assert "<!--" not in encoded and "-->" not in encoded
    assert not _bare(encoded, "|") and not _bare(encoded, "`") and not _bare(encoded, "\\")
