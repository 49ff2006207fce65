"""`ledger check`'s entry point: the texts of the three files in, their problems out, sorted.

It reads texts and returns problems; it never prints and never changes a file.  The rules live
by what they look at: one block (`entry_rules`, whose results are kept between runs), the blocks
together (`table_rules`), and the other files and the repository (`cross_rules`).  A rule across
blocks or files whose inputs (every error's facts, in file order, and the text it reads besides)
are those of a run that found nothing finds nothing again, so it is not run: after a command
recorded a sighting in one block of 10,000, only that block is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from hashlib import sha256
from typing import Any

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
    clean: set[bytes] | None = None,
) -> list[Problem]:
    """Every problem in the three files, sorted by file and line.

    `cache` (results of earlier runs, updated in place) spares re-reading unchanged blocks;
    `outline`, the errors file's when known, spares scanning it; `clean` (the inputs of the
    rules across blocks and files that found nothing, updated in place) spares running them.
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
    unless = _Unless(_facts_text(doc, entries), config, clean)
    table = text[doc.rows_at : doc.rows_end] if doc.rows_at is not None else None
    problems += unless.clean(
        ("table", path, table),
        lambda: [
            *table_rules.table_problems(doc, entries),
            *table_rules.order_problems(doc, entries),
        ],
    )
    problems += unless.clean(
        ("journal", path, sources.journal, sources.archive),
        lambda: cross_rules.journal_problems(doc, entries, sources.journal, sources.archive),
    )
    problems += unless.clean(
        ("tasks", path, sources.tasks),
        lambda: cross_rules.task_problems(doc, entries, sources.tasks),
    )
    if clean is not None:
        clean.clear()
        clean.update(unless.found_clean)
    return sorted(problems)


def _facts_text(doc: ErrorsFile, entries: dict[str, Facts]) -> str:
    """What the rules across blocks know of the blocks: each one's ID, section and facts, in
    file order (a block whose facts cannot be read, as `-`)."""
    sep = "\x1f"
    lines = []
    for error_id, ref in doc.blocks.items():
        facts = entries.get(error_id)
        if facts is None:
            lines.append(sep.join((error_id, ref.section, "-")))
        else:
            lines.append(sep.join((error_id, ref.section, *facts[1:6], facts[6] or "")))
    return "\n".join(lines)


class _Unless:
    """Runs a rule across blocks or files unless its inputs are those of a run that found
    nothing: every error's facts (`facts`, as `_facts_text` gives them), the settings, and what
    else the rule reads."""

    def __init__(self, facts: str, config: Config, clean: set[bytes] | None) -> None:
        self.base = sha256(f"{CACHE_VERSION}\0{config!r}\0{facts}".encode("utf-8", "surrogatepass"))
        self.known = clean if clean is not None else set()
        self.found_clean: set[bytes] = set()

    def clean(
        self, inputs: tuple[object, ...], rule: Callable[[], Iterable[Problem]]
    ) -> list[Problem]:
        key = self.base.copy()
        _feed(key, inputs)
        digest = key.digest()[:16]
        if digest in self.known:
            self.found_clean.add(digest)
            return []
        found = list(rule())
        if not found:
            self.found_clean.add(digest)
        return found


def _feed(key: Any, part: object) -> None:
    """Hash `part` (None, text, or tuples of them) so that no two values hash alike."""
    if isinstance(part, tuple):
        key.update(b"(%d" % len(part))
        for item in part:
            _feed(key, item)
    elif isinstance(part, str):
        data = part.encode("utf-8", "surrogatepass")
        key.update(b"s%d:" % len(data) + data)
    else:
        assert part is None, part
        key.update(b"n")


def _block_results(
    doc: ErrorsFile, config: Config, tz: tzinfo, cache: dict[bytes, BlockResult] | None
) -> dict[str, BlockResult]:
    """What each block found by itself, by error ID: from `cache` when its bytes, section and the
    settings the rules read are the same (`cache` then holds this run's results only)."""
    salt = f"{CACHE_VERSION}\0{config.timezone}\0{config.areas!r}\0".encode()
    fresh: dict[bytes, BlockResult] = {}
    results: dict[str, BlockResult] = {}
    for error_id, ref in doc.blocks.items():
        block = doc.text[ref.start : ref.stop].encode()
        digest = sha256(salt + ref.section.encode() + block).digest()[:16]  # 2x BLAKE2b's speed
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
