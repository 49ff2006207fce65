"""`ledger check`'s entry point: the texts of the three files in, their problems out, sorted.

It reads texts and returns problems; it never prints and never changes a file.  The rules live
by what they look at: one block (`entry_rules`, whose results are kept between runs), the blocks
together (`table_rules`), and the other files and the repository (`cross_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from hashlib import blake2b

from ledger_tool.checks import cross_rules, table_rules
from ledger_tool.checks.cross_rules import MissingCommits
from ledger_tool.checks.entry_rules import ADOPT_HINT, CACHE_VERSION, BlockResult, block_result
from ledger_tool.checks.facts import Facts
from ledger_tool.checks.problem import Problem
from ledger_tool.config import Config
from ledger_tool.exceptions import ParseError
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.markdown.outline import Outline


@dataclass(frozen=True)
class Sources:
    """The texts to check, each with the path it is reported under (None: the file is missing)."""

    errors: tuple[str, str]
    journal: tuple[str, str] | None
    tasks: tuple[str, str] | None
    archive: str = ""  # the journal archive, where old `|ERROR:...|` references still count


def check(
    sources: Sources,
    config: Config,
    tz: tzinfo,
    missing: MissingCommits,
    shallow: Callable[[], bool] = lambda: False,
    cache: dict[bytes, BlockResult] | None = None,
    outline: Outline | None = None,
) -> list[Problem]:
    """Every problem in the three files, sorted by file and line.

    `cache` (results of earlier runs, updated in place) spares re-reading unchanged blocks;
    `outline`, the errors file's when known, spares scanning it.
    """
    path, text = sources.errors
    try:
        doc = ErrorsFile(path, text, strict=False, outline=outline)
    except ParseError as exc:
        return [Problem(exc.path, exc.line, exc.code, exc.message + _adopt_hint(text))]
    problems = [
        Problem(p.path, p.line, p.code, p.message + (ADOPT_HINT if p.code == "LDG101" else ""))
        for p in doc.problems
    ]
    entries: dict[str, Facts] = {}
    for error_id, (summary, found) in _block_results(doc, config, tz, cache).items():
        if found:
            first = doc.line_of(error_id) - 1
            problems += [
                Problem(path, first + line, code, msg, warn) for line, code, msg, warn in found
            ]
        if summary is not None:
            entries[error_id] = Facts(error_id, *summary)
    problems += cross_rules.fix_commit_problems(doc, entries, missing, shallow)
    problems += table_rules.table_problems(doc, entries)
    problems += table_rules.order_problems(doc, entries)
    problems += cross_rules.journal_problems(doc, entries, sources.journal, sources.archive)
    problems += cross_rules.task_problems(doc, entries, sources.tasks)
    return sorted(problems)


def _block_results(
    doc: ErrorsFile, config: Config, tz: tzinfo, cache: dict[bytes, BlockResult] | None
) -> dict[str, BlockResult]:
    """What each block found by itself, by error ID: from `cache` when its bytes, section and the
    settings the rules read are the same (`cache` then holds this run's results only)."""
    salt = f"{CACHE_VERSION}\0{config.timezone}\0{config.areas!r}\0".encode()
    fresh: dict[bytes, BlockResult] = {}
    results: dict[str, BlockResult] = {}
    for error_id, ref in doc.blocks.items():
        digest = blake2b(
            salt + ref.section.encode() + doc.text[ref.start : ref.stop].encode(), digest_size=16
        ).digest()
        result = cache.get(digest) if cache is not None else None
        if result is None:
            result = block_result(doc, error_id, config, tz)
        fresh[digest] = result
        results[error_id] = result
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return results


_ADOPT_FILE_HINT = "; it holds entries written by hand: `ledger adopt --dry-run` shows how they would be brought in"


def _adopt_hint(text: str) -> str:
    """Names `ledger adopt` when a file the ledger cannot read holds hand-written entries."""
    from ledger_tool.lifecycle.adopt_hand import find_entries
    from ledger_tool.markdown.outline import scan

    return _ADOPT_FILE_HINT if find_entries(scan(text), set()) else ""
