"""Which ledger file a path is, and how each kind is merged: ERRORS.md (blocks in two sections and
the summary table written again from them), JOURNAL.md and its archive (entries in time order),
TASKS.md (tasks by Task ID).

Each kind cuts a version into its runs of entries (`layout.Group`) and puts merged entries back in
the order the tool keeps them.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from pathlib import PurePosixPath

from ledger_tool.config import Config
from ledger_tool.exceptions import ParseError
from ledger_tool.files import errors_table
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.journal_md import JournalFile
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.textcodec import decode
from ledger_tool.merge.entries import Kind, Merged
from ledger_tool.merge.error_block import merge_error
from ledger_tool.merge.fields import Clash, pick
from ledger_tool.merge.layout import Group, Parts, cut
from ledger_tool.model.vocabulary import Status, task_id

_SUBHEADING = re.compile(r"^###[ \t][^\r\n]*", re.M)
_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
_KEY_FIELD = re.compile(
    r"^(?:[-*] )?\*\*(Status|Severity|Area|First Seen|Resolved|Fix Commit)\*\*:[ \t]*(.*?)[ \t]*\r?$",
    re.M | re.I,
)
_SHA = re.compile(r"\b[0-9a-f]{7,64}\b")


def kind_of(config: Config, path: str) -> str | None:
    """Which ledger file `path` (relative to the repository's top) is, if any."""
    where = PurePosixPath(path.replace("\\", "/"))
    for kind in ("errors", "journal", "tasks"):
        if where == PurePosixPath(str(getattr(config, f"{kind}_file"))):
            return kind
    if where.parent == PurePosixPath(config.journal_archive_dir) and where.suffix == ".md":
        return "journal"
    return None


def kind_for(kind: str, path: str, tz: tzinfo, commit_url: str) -> Kind:
    """How to merge the file `path` of `kind` (from `kind_of`)."""
    files: dict[str, Kind] = {
        "errors": _Errors(path, tz, commit_url),
        "journal": _Journal(path),
        "tasks": _Tasks(path),
    }
    return files[kind]


def _key_fields(block: str) -> dict[str, str]:
    """The fields that order an error and make its table row (the first of each name), read
    with one search rather than a parse of the whole block: ten thousand blocks stay fast."""
    found: dict[str, str] = {}
    for m in _KEY_FIELD.finditer(block):
        found.setdefault(m.group(1).lower(), m.group(2))
    return found


def _first_line(raw: str | None) -> str:
    """A field's first line, quoted and cut short: enough to tell two entries apart in a message."""
    text = decode(raw or "").strip().split("\n", 1)[0]
    return repr(text if len(text) <= 60 else text[:59] + "…")


class _Errors(Kind):
    """ERRORS.md: blocks by ID; sections newest first; the table written again from the blocks."""

    def __init__(self, path: str, tz: tzinfo, commit_url: str) -> None:
        super().__init__(path)
        self.tz = tz
        self.commit_url = commit_url
        self.docs: dict[str, ErrorsFile] = {}

    def cut(self, text: str, side: str) -> Parts:
        doc = ErrorsFile(f"{self.path} ({side})", text)
        self.docs[side] = doc
        groups = []
        for name in ("active", "resolved"):
            sec = doc.sections[name]
            breaks = [b for b in doc.outline.breaks if sec.start < b < sec.stop]
            empty_at = splice.content_end(text, sec.start, min([sec.stop, *breaks]))
            spans = [(i, doc.blocks[i].start, doc.blocks[i].end) for i in doc.order[name]]
            groups.append(Group(name, spans, empty_at))
        if doc.rows_at is not None:
            rows = [(i, *span) for i, span in doc.rows.items() if i in doc.blocks]
            rows.sort(key=lambda row: row[1])
            groups.append(Group("rows", rows, doc.rows_at, separated=False))
        return cut(text, groups, ("active", "resolved"))

    def merge_one(self, key: str, b: str, o: str, t: str) -> str:
        return merge_error(key, b, o, t, self.tz)

    def describe(self, entry: str) -> str:
        block = Block(entry)
        severity, area = (decode(block.get(n) or "").strip() for n in ("Severity", "Area"))
        return f"{severity} {area} {_first_line(block.get('Description'))}".strip()

    def place(self, merged: Merged) -> dict[str, list[str]]:
        texts = dict(merged)
        facts = {key: _key_fields(text) for key, text in merged}

        def newest(key: str, name: str) -> tuple[str, str]:
            return (facts[key].get(name, ""), key)

        by_start = sorted(facts, key=lambda k: newest(k, "first seen"), reverse=True)
        resolved = [
            k for k in by_start if facts[k].get("status", "").upper() == Status.RESOLVED.word
        ]
        resolved.sort(key=lambda k: newest(k, "resolved"), reverse=True)
        done = set(resolved)
        return {
            "active": [texts[k] for k in by_start if k not in done],
            "resolved": [texts[k] for k in resolved],
            "rows": [self._row(k, facts[k]) for k in by_start],
        }

    def _row(self, error_id: str, fields: dict[str, str]) -> str:
        """The table row as the tool writes it; a side's Link to fix is kept while it fits."""
        status = fields.get("status", "").upper()
        sha = (
            _SHA.search(decode(fields.get("fix commit", "")))
            if status == Status.RESOLVED.word
            else None
        )
        fix = sha.group(0) if sha else None
        try:
            link = pick([self._link(s, error_id) for s in ("base", "ours", "theirs")], "link")
        except Clash:
            link = None
        if link is None or (fix[:7] not in link if fix else link):  # none, or not this fix's
            link = ""
            if fix:
                url = self.commit_url.replace("{sha}", fix)
                link = f"[{fix[:7]}]({url})" if self.commit_url else fix[:7]
        first_seen, severity = fields.get("first seen", ""), fields.get("severity", "")
        area = decode(fields.get("area", ""))
        return errors_table.line(
            errors_table.cells(error_id, first_seen, status, severity, area, link)
        )

    def _link(self, side: str, error_id: str) -> str | None:
        doc = self.docs.get(side)
        if doc is None or error_id not in doc.rows:
            return None
        cells = doc.row_cells(error_id)
        return cells[5] if len(cells) > 5 else ""

    def count(self, text: str) -> int:
        return len(ErrorsFile(self.path, text).blocks)


class _Journal(Kind):
    """JOURNAL.md (and its monthly archives): `## time` entries from both sides, in time order."""

    keep_both = True

    def cut(self, text: str, side: str) -> Parts:
        doc = JournalFile(f"{self.path} ({side})", text)
        spans = []
        seen: dict[str, int] = {}
        for _, start, stop in doc.entries:
            end = splice.content_end(text, start, stop)
            key = _entry_key(text[start:end])
            seen[key] = seen.get(key, 0) + 1
            spans.append((key if seen[key] == 1 else f"{key} #{seen[key]}", start, end))
        empty_at = splice.content_end(text, 0, len(text))
        return cut(text, [Group("entries", spans, empty_at)], ("entries",))

    def place(self, merged: Merged) -> dict[str, list[str]]:
        return {"entries": [text for _, text in sorted(merged, key=lambda kv: _entry_time(kv[1]))]}


def _entry_key(entry: str) -> str:
    """A journal entry's name: its time heading and its first sub-heading."""
    heading = entry.split("\n", 1)[0].rstrip("\r").strip()
    sub = _SUBHEADING.search(entry)
    return f"{heading} {sub.group(0).strip()}" if sub else heading


def _entry_time(entry: str) -> str:
    found = _TIME.search(entry.split("\n", 1)[0])
    return found.group(0) if found else ""


def _task_spans(doc: TasksFile) -> list[tuple[str, int, int]]:
    """Every task: the level-2 section holding its Task ID line, as `TasksFile.task` finds one
    (the first task of an ID wins)."""
    spans: dict[str, tuple[int, int]] = {}
    starts: set[int] = set()
    for error_id, start, end in doc.all_spans():
        key = task_id(error_id)
        if key in spans:
            continue
        if start in starts:
            line = doc.outline.line_number(start)
            raise ParseError(doc.path, line, "two Task IDs in one task section; split it in two")
        spans[key] = (start, end)
        starts.add(start)
    return [(key, *span) for key, span in spans.items()]


class _Tasks(Kind):
    """TASKS.md: one task per error by Task ID, highest ID first."""

    def cut(self, text: str, side: str) -> Parts:
        doc = TasksFile(f"{self.path} ({side})", text)
        empty_at = splice.content_end(text, 0, len(text))
        return cut(text, [Group("tasks", _task_spans(doc), empty_at)], ("tasks",))

    def place(self, merged: Merged) -> dict[str, list[str]]:
        return {"tasks": [text for _, text in sorted(merged, reverse=True)]}

    def describe(self, entry: str) -> str:
        return _first_line(Block(entry).get("Title"))
