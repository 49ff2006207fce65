"""Merging two branches' ledger files entry by entry (the git merge driver), and `ledger renumber`.

Git hands the driver three versions of one file: base, ours, theirs.  Each version is cut into the
tool's entries, keyed by ID (error blocks, tasks; journal entries by their headings), and the user's
text, in which one marker line stands for each run of entries.  The user's text is merged line by
line (diff3); the entries are merged by key, field by field when both sides changed the same entry;
then they go back in the tool's order and the summary table is written again from the blocks.  What
cannot be merged without guessing is reported, and ours is left as it was.

Two branches that opened an error on the same day without seeing each other took the same ID: the
merge stops and names the `ledger renumber OLD NEW` command that fixes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ledger_tool.config import Config
from ledger_tool.exceptions import LedgerError, ParseError
from ledger_tool.files import store
from ledger_tool.files.errors_md import ID_PATTERN, ID_RE, ErrorsFile
from ledger_tool.files.journal_md import JournalFile
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.files.wording import task_title
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block, layout_of
from ledger_tool.markdown.splice import Edit
from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model import history
from ledger_tool.model.entry import read_entry
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import parse_file_time

if TYPE_CHECKING:
    from ledger_tool.files.ledger import Ledger
    from ledger_tool.workspace import Workspace

_TASK_ID = re.compile(rf"^\*\*Task ID\*\*:[ \t]*TASK-({ID_PATTERN})[ \t]*\r?$", re.M)
_SUBHEADING = re.compile(r"^###[ \t][^\r\n]*", re.M)
_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
_KEY_FIELD = re.compile(
    r"^(?:[-*] )?\*\*(Status|Severity|Area|First Seen|Resolved|Fix Commit)\*\*:[ \t]*(.*?)[ \t]*\r?$",
    re.M | re.I,
)
_SHA = re.compile(r"\b[0-9a-f]{7,64}\b")
_EPISODE_EVENTS = (*history.STARTS, "resolved")
_OPEN, _CLOSE = "<<<<<<< ", ">>>>>>> "
Merged = list[tuple[str, str]]  # (key, entry text), in order


class Clash(Exception):
    """Both sides changed one thing in ways that cannot be combined without guessing."""


@dataclass
class Outcome:
    """What the driver writes in place of ours (None: leave ours as it is) and what went wrong."""

    text: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


# -- line-by-line three-way merge ---------------------------------------------------------------


def _stable(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[int, int, int, int]]:
    """Runs of base lines both sides kept: (base start, base end, ours start, theirs start)."""
    out = []
    mine = SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    other = SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    i = j = 0
    while i < len(mine) and j < len(other):
        b1, o1, n1 = mine[i]
        b2, t2, n2 = other[j]
        start, end = max(b1, b2), min(b1 + n1, b2 + n2)
        if start < end:
            out.append((start, end, o1 + start - b1, t2 + start - b2))
        if b1 + n1 < b2 + n2:
            i += 1
        else:
            j += 1
    out.append((len(base), len(base), len(ours), len(theirs)))
    return out


def merge_text(base: str, ours: str, theirs: str, newline: str = "\n") -> tuple[str, int]:
    """diff3: the merged text, conflicts marked as git marks them, and the number of conflicts.
    Changes with no common line between them conflict, as in git."""
    b, o, t = (text.splitlines(keepends=True) for text in (base, ours, theirs))
    out: list[str] = []
    conflicts = at_b = at_o = at_t = 0
    for start, end, o_start, t_start in _stable(b, o, t):
        old, mine, other = b[at_b:start], o[at_o:o_start], t[at_t:t_start]
        if mine == other or other == old:
            out += mine
        elif mine == old:
            out += other
        else:
            conflicts += 1
            out += [_OPEN + "ours" + newline, *_ended(mine, newline), "=======" + newline]
            out += [*_ended(other, newline), _CLOSE + "theirs" + newline]
        out += b[start:end]
        at_b, at_o, at_t = end, o_start + end - start, t_start + end - start
    return "".join(out), conflicts


def _ended(lines: list[str], newline: str) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + newline]
    return lines


# -- a file cut into the user's text and the tool's entries -------------------------------------


@dataclass
class Group:
    """One run of entries: where they are, and where the run goes in a file that has none."""

    name: str
    spans: list[tuple[str, int, int]]  # (key, start, end), in file order
    empty_at: int
    separated: bool = True  # entries stand one blank line apart; table rows do not


@dataclass
class Parts:
    """One version: the user's text with a marker line per group, and the entries by key."""

    text: str
    entries: dict[str, str]
    newline: str
    groups: dict[str, bool]  # group name: separated


def _marker(group: str) -> str:
    return f"\x00ledger-merge {group}\x00"


def _cut(text: str, groups: list[Group], keep: Iterable[str]) -> Parts:
    """Take the entries out of `text`, leaving a marker line where each group's first entry was
    (or would go); the entries of the groups named in `keep` are kept by key."""
    newline = splice.newline_of(text)
    edits: list[Edit] = []
    entries: dict[str, str] = {}
    for group in groups:
        line = _marker(group.name) + newline
        if not group.spans:
            at = group.empty_at
            separated = splice.insert_after(text, at, line, newline)
            edits.append(separated if group.separated else Edit(at, at, line))
        for index, (key, start, end) in enumerate(group.spans):
            if group.name in keep:
                entries[key] = text[start:end]
            if index == 0:
                edits.append(Edit(start, end, line))
            else:
                edits.append(
                    splice.removal(text, start, end) if group.separated else Edit(start, end, "")
                )
    groups_seen = {g.name: g.separated for g in groups}
    return Parts(splice.apply(text, edits), entries, newline, groups_seen)


def _fill(text: str, name: str, separated: bool, chunks: list[str], newline: str) -> str:
    """Put a group's entries, in order, where its marker line is."""
    marker = _marker(name)
    at = text.find(marker)
    if at < 0:
        return text
    end = at + len(marker)
    if chunks:
        sep = newline * 2 if separated else newline
        body = sep.join(splice.to_newline(c.rstrip("\r\n"), newline) for c in chunks)
        return text[:at] + body + text[end:]
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    edit = splice.removal(text, at, line_end) if separated else Edit(at, line_end, "")
    return splice.apply(text, [edit])


def _placeable(text: str, chunks: dict[str, list[str]], groups: Iterable[str]) -> bool:
    """True when every marker is on at most one line (exactly one where entries must go), and
    none is inside a conflict."""
    markers = {_marker(g): g for g in groups}
    found = dict.fromkeys(markers.values(), 0)
    inside = False
    for line in text.splitlines():
        if line.startswith(_OPEN) or line.startswith(_CLOSE):
            inside = line.startswith(_OPEN)
        elif line in markers:
            if inside:
                return False
            found[markers[line]] += 1
    return all(n == 1 if chunks.get(g) else n <= 1 for g, n in found.items())


def _final_newline(text: str, versions: tuple[str, str, str], newline: str) -> str:
    """The final newline (or its absence) that the three versions imply."""
    b, o, t = (v.endswith("\n") for v in versions)
    wanted = o if (o == t or t == b) else t
    if wanted and not text.endswith("\n"):
        return text + newline
    if not wanted and text.endswith("\n"):
        return text[: -2 if text.endswith("\r\n") else -1]
    return text


# -- one entry, field by field ------------------------------------------------------------------


def _pick(values: Sequence[str | None], what: str) -> str | None:
    """The three-way choice among (base, ours, theirs): the side that changed it, or the change
    both made alike."""
    base, ours, theirs = values
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise Clash(f"both branches changed {what}")


def _free_text(block: Block) -> list[str]:
    """The block's non-blank lines outside its fields (paragraphs, sub-headings)."""
    covered = {i for span in block.spans().values() for i in range(span.first, span.stop)}
    lines = enumerate(block.lines[1:], 1)
    return [line.rstrip("\r") for i, line in lines if i not in covered and line.strip()]


def _frame(sides: tuple[Block, Block, Block], status: str | None) -> Block:
    """A copy of the side whose layout and free text the merge keeps (matching `status` when
    both would do)."""
    _, ours, theirs = sides
    kept, mine, other = (_free_text(s) for s in sides)
    if mine == other:
        candidates = [ours, theirs]
    elif mine == kept:
        candidates = [theirs]
    elif other == kept:
        candidates = [ours]
    else:
        raise Clash("both branches changed its text outside the fields")
    fit = [c for c in candidates if (c.get("Status") or "").strip().upper() == status]
    return Block((fit or candidates)[0].text())


def _merge_block(
    sides: tuple[Block, Block, Block],
    decided: dict[str, str | None],
    heading: str | None = None,
    status: str | None = None,
) -> str:
    """An entry both sides changed, merged field by field; `decided` fields are merged already."""
    base, ours, theirs = sides
    names: dict[str, str] = {name.lower(): name for name in decided}
    for side in (ours, theirs, base):
        for key, span in side.spans().items():
            names.setdefault(key, span.name)
    values = {
        name: decided[name] if name in decided else _pick([s.get(name) for s in sides], name)
        for name in names.values()
    }
    frame = _frame(sides, status)
    if heading is None:
        heading = _pick([s.heading for s in sides], "the heading") or ""
    frame.set_heading(heading)
    for name, raw in values.items():
        current = frame.get(name)
        if raw is None and current is not None:
            frame.remove(name)
        elif raw is not None and current is None:
            source = next(s for s in (ours, theirs, base) if s.get(name) is not None)
            frame.insert(name, raw, layout_of(source.text()))
        elif raw is not None and current != raw:
            frame.replace(name, raw)
    return frame.text()


# -- an error block -----------------------------------------------------------------------------


def _events(block: Block, tz: tzinfo) -> list[Event]:
    """A block's history; one without a History starts from its fields, as `ledger` does."""
    raw = block.get("History")
    if raw is not None:
        events = history.parse_events(raw, tz)
        if isinstance(events, int):
            raise Clash("its History has a line that is not an event")
        return events
    first = parse_file_time(block.get("First Seen") or "", tz)
    if first is None:
        return []
    out = [Event(first, "opened")]
    count = _count(block.get("Occurrences"))
    if count > 1:
        out.append(
            Event(parse_file_time(block.get("Last Seen") or "", tz) or first, "seen", count - 1)
        )
    resolved = parse_file_time(block.get("Resolved") or "", tz)
    if resolved and (block.get("Status") or "").strip().upper() == "RESOLVED":
        out.append(Event(resolved, "resolved"))
    return out


def _added(base: list[Event], side: list[Event]) -> list[Event]:
    """What one side added to the history: new events, and sightings added to a base line."""
    pending = list(base)
    out: list[Event] = []
    for event in side:
        if event in pending:
            pending.remove(event)
            continue
        if event.kind != "seen":
            out.append(event)
            continue
        last = event.last or event.at
        within = [
            b for b in pending if b.kind == "seen" and event.at <= b.at and (b.last or b.at) <= last
        ]
        grown = event.count - sum(b.count for b in within)
        if grown < 0:
            raise Clash("one branch lowered a sighting count in its History")
        for b in within:
            pending.remove(b)
        # when a base line grew later, the new sightings are the ones at its new end
        later = bool(within) and last > max(b.last or b.at for b in within)
        if grown:
            out.append(Event(last, "seen", grown) if later else replace(event, count=grown))
    if pending:
        raise Clash("one branch removed lines from its History")
    return out


def _union(sides: tuple[Block, Block, Block], tz: tzinfo) -> list[Event]:
    """Base's history plus what each side added; an event both added counts once (a sighting
    both recorded counts twice: they cannot be told apart from two sightings)."""
    base, ours, theirs = (_events(s, tz) for s in sides)
    new = _added(base, ours)
    new += [e for e in _added(base, theirs) if e.kind == "seen" or e not in new]
    events = base
    for event in sorted(new, key=lambda e: e.at):
        events = history.add(events, event)
    return events


def _count(raw: str | None) -> int:
    value = (raw or "1").strip()
    if not value.isdigit():
        raise Clash("Occurrences is not a whole number")
    return int(value)


def _error_fields(sides: tuple[Block, Block, Block], tz: tzinfo) -> dict[str, str | None]:
    """History, Occurrences, Last Seen and Status of an error both sides changed."""
    raws = {name: [s.get(name) for s in sides] for name in ("History", "Occurrences", "Last Seen")}
    out: dict[str, str | None] = {}
    for name, (b, o, t) in raws.items():
        try:
            out[name] = _pick((b, o, t), name)
        except Clash:
            if name == "History":
                out[name] = history.render_events(_union(sides, tz))
            elif name == "Occurrences":
                out[name] = str(_count(o) + _count(t) - _count(b))
            elif o and t and parse_file_time(o, tz) and parse_file_time(t, tz):
                out[name] = max(o, t)
            else:
                raise
    events = history.parse_events(out["History"] or "", tz)
    if isinstance(events, int):
        raise Clash("its History has a line that is not an event")
    episode = [e.kind for e in events if e.kind in _EPISODE_EVENTS]
    if episode:  # the status follows the merged history's last opening, reopening or resolution
        out["Status"] = "RESOLVED" if episode[-1] == "resolved" else "ACTIVE"
    else:
        out["Status"] = _pick([s.get("Status") for s in sides], "Status")
    return out


def _merge_error(error_id: str, b: str, o: str, t: str, tz: tzinfo) -> str:
    """One error both sides changed: field by field, its History the union of both."""
    sides = (Block(b), Block(o), Block(t))
    decided = _error_fields(sides, tz)
    status = (decided["Status"] or "").strip().upper()
    heading = f"### {error_id}" + (" (RESOLVED)" if status == "RESOLVED" else "")
    text = _merge_block(sides, decided, heading, status)
    try:
        read_entry(error_id, Block(text), tz, "merged")
    except ParseError as exc:
        raise Clash(f"the merged block would not read back ({exc.message})") from None
    return text


# -- entries by key -----------------------------------------------------------------------------


class _Kind:
    """How one of the three files is cut into entries, merged, and put back together."""

    keep_both = False  # two different entries both branches added under one key: keep both?

    def __init__(self, path: str) -> None:
        self.path = path

    def cut(self, text: str, side: str) -> Parts:
        raise NotImplementedError

    def merge_one(self, key: str, b: str, o: str, t: str) -> str:
        """An entry both sides changed (a task, a journal entry): merged by field."""
        return _merge_block((Block(b), Block(o), Block(t)), {})

    def place(self, merged: Merged) -> dict[str, list[str]]:
        """The entries of each group, in the order the tool keeps them."""
        raise NotImplementedError

    def count(self, text: str) -> int:
        return len(self.cut(text, "merged").entries)

    def describe(self, entry: str) -> str:
        return ""


def _merge_entries(kind: _Kind, parts: tuple[Parts, Parts, Parts], problems: list[str]) -> Merged:
    """Entries of both sides by key: ours in ours' order, then the ones only theirs has."""
    base, ours, theirs = (p.entries for p in parts)
    out: Merged = []
    collisions: list[tuple[str, str]] = []
    for key in dict.fromkeys([*ours, *theirs]):
        old, mine, other = base.get(key), ours.get(key), theirs.get(key)
        if mine is not None and other is not None:
            if mine == other:
                out.append((key, mine))
            elif old is not None and old in (mine, other):
                out.append((key, other if mine == old else mine))
            elif old is None and kind.keep_both:
                out += [(key, mine), (f"{key} (theirs)", other)]
            elif old is None:
                collisions.append(
                    (key, f"ours: {kind.describe(mine)}; theirs: {kind.describe(other)}")
                )
            else:
                try:
                    out.append((key, kind.merge_one(key, old, mine, other)))
                except Clash as exc:
                    problems.append(f"{kind.path}: {key}: {exc}")
            continue
        kept = mine if mine is not None else other
        assert kept is not None
        if old is None:
            out.append((key, kept))  # added on one side
        elif kept != old:
            changed = "ours" if mine is not None else "theirs"
            problems.append(
                f"{kind.path}: {key}: changed on {changed} but deleted on the other branch"
            )
    if collisions:
        problems += _collision(kind.path, collisions, [*base, *ours, *theirs])
    return out


def next_free(day: str, used: Iterable[str]) -> str:
    """The first ID of `day` past every number of that day in `used`."""
    prefix = f"ERR-{day}-"
    numbers = [int(i[len(prefix) :]) for i in used if i.startswith(prefix)]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _collision(path: str, found: list[tuple[str, str]], used_ids: Iterable[str]) -> list[str]:
    """The message for IDs both branches took for different entries, and the commands that fix
    it: renumber ours past every number either branch uses that day."""
    used = {m for key in used_ids for m in ID_RE.findall(key)}
    fixes = []
    for key, _ in found:
        error_id = key.removeprefix("TASK-")
        free = next_free(error_id[4:14], used)
        used.add(free)
        fixes.append(f"`ledger renumber {error_id} {free}`")
    what = " and ".join(f"{key} ({sides})" for key, sides in found)
    return [
        f"{path}: ID collision: both branches added {what}; this file was left as it is on "
        "this branch",
        f"{path}: to fix it, abort (`git merge --abort`, or `git rebase --abort` in a rebase), "
        f"run {' and '.join(fixes)} on this branch, commit, and merge or rebase again",
    ]


def _merge(kind: _Kind, texts: tuple[str, str, str]) -> Outcome:
    """Merge one file: its entries by key, the user's text around them line by line."""
    ours, theirs = kind.cut(texts[1], "ours"), kind.cut(texts[2], "theirs")
    base = kind.cut(texts[0], "base") if texts[0].strip() else Parts("", {}, ours.newline, {})
    problems: list[str] = []
    merged = _merge_entries(kind, (base, ours, theirs), problems)
    if problems:
        return Outcome(None, problems)
    chunks = kind.place(merged)
    text, conflicts = merge_text(base.text, ours.text, theirs.text, ours.newline)
    groups = {name: sep for p in (base, ours, theirs) for name, sep in p.groups.items()}
    if not _placeable(text, chunks, groups):
        return Outcome(
            None, [f"{kind.path}: both branches changed the text around the entries; merge by hand"]
        )
    for name, separated in groups.items():
        text = _fill(text, name, separated, chunks.get(name, []), ours.newline)
    text = _final_newline(text, texts, ours.newline)
    if conflicts:
        return Outcome(
            text,
            [
                f"{kind.path}: both branches changed the same text outside the entries: the "
                f"entries are merged; resolve the {conflicts} conflict(s) marked <<<<<<< >>>>>>>"
            ],
        )
    if kind.count(text) != len(merged):  # never write a file that lost or doubled an entry
        return Outcome(None, [f"{kind.path}: the merge would not read back with every entry"])
    return Outcome(text)


# -- the three files ----------------------------------------------------------------------------


def _key_fields(block: str) -> dict[str, str]:
    """The fields that order an error and make its table row (the first of each name), read
    with one search rather than a parse of the whole block: ten thousand blocks stay fast."""
    found: dict[str, str] = {}
    for m in _KEY_FIELD.finditer(block):
        found.setdefault(m.group(1).lower(), m.group(2))
    return found


def _first_line(raw: str | None) -> str:
    text = decode(raw or "").strip().split("\n", 1)[0]
    return repr(text if len(text) <= 60 else text[:59] + "…")


class _Errors(_Kind):
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
        return _cut(text, groups, ("active", "resolved"))

    def merge_one(self, key: str, b: str, o: str, t: str) -> str:
        return _merge_error(key, b, o, t, self.tz)

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
        resolved = [k for k in by_start if facts[k].get("status", "").upper() == "RESOLVED"]
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
        sha = _SHA.search(decode(fields.get("fix commit", ""))) if status == "RESOLVED" else None
        fix = sha.group(0) if sha else None
        try:
            link = _pick([self._link(s, error_id) for s in ("base", "ours", "theirs")], "link")
        except Clash:
            link = None
        if link is None or (fix[:7] not in link if fix else link):  # none, or not this fix's
            link = ""
            if fix:
                url = self.commit_url.replace("{sha}", fix)
                link = f"[{fix[:7]}]({url})" if self.commit_url else fix[:7]
        area = encode(decode(fields.get("area", "")))
        row = [error_id, fields.get("first seen", ""), status, fields.get("severity", ""), area]
        return "| " + " | ".join([*row, link]) + " |"

    def _link(self, side: str, error_id: str) -> str | None:
        doc = self.docs.get(side)
        if doc is None or error_id not in doc.rows:
            return None
        cells = doc.row_cells(error_id)
        return cells[5] if len(cells) > 5 else ""

    def count(self, text: str) -> int:
        return len(ErrorsFile(self.path, text).blocks)


class _Journal(_Kind):
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
        return _cut(text, [Group("entries", spans, empty_at)], ("entries",))

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
        key = f"TASK-{error_id}"
        if key in spans:
            continue
        if start in starts:
            line = doc.outline.line_number(start)
            raise ParseError(doc.path, line, "two Task IDs in one task section; split it in two")
        spans[key] = (start, end)
        starts.add(start)
    return [(key, *span) for key, span in spans.items()]


class _Tasks(_Kind):
    """TASKS.md: one task per error by Task ID, highest ID first."""

    def cut(self, text: str, side: str) -> Parts:
        doc = TasksFile(f"{self.path} ({side})", text)
        empty_at = splice.content_end(text, 0, len(text))
        return _cut(text, [Group("tasks", _task_spans(doc), empty_at)], ("tasks",))

    def place(self, merged: Merged) -> dict[str, list[str]]:
        return {"tasks": [text for _, text in sorted(merged, reverse=True)]}

    def describe(self, entry: str) -> str:
        return _first_line(Block(entry).get("Title"))


# -- the driver ---------------------------------------------------------------------------------


def kind_of(config: Config, path: str) -> str | None:
    """Which ledger file `path` (relative to the repository's top) is, if any."""
    where = PurePosixPath(path.replace("\\", "/"))
    for kind in ("errors", "journal", "tasks"):
        if where == PurePosixPath(str(getattr(config, f"{kind}_file"))):
            return kind
    if where.parent == PurePosixPath(config.journal_archive_dir) and where.suffix == ".md":
        return "journal"
    return None


def merge_file(
    kind: str | None,
    base: str,
    ours: str,
    theirs: str,
    path: str,
    tz: tzinfo,
    commit_url: str = "",
) -> Outcome:
    """Merge the three versions of one ledger file (`kind` from `kind_of`).

    A version the tool cannot read by entry is merged as plain text, as git would, and reported.
    """
    texts = (base, ours, theirs)
    newline = splice.newline_of(ours)
    if kind is None:
        text, conflicts = merge_text(*texts, newline)
        return Outcome(text, [f"{path}: {conflicts} conflict(s)"] if conflicts else [])
    files: dict[str, _Kind] = {
        "errors": _Errors(path, tz, commit_url),
        "journal": _Journal(path),
        "tasks": _Tasks(path),
    }
    try:
        return _merge(files[kind], texts)
    except ParseError as exc:
        text, conflicts = merge_text(*texts, newline)
        return Outcome(
            text,
            [
                f"{exc}",
                f"{path}: could not merge it by entry, so it was merged as plain text"
                + (f" with {conflicts} conflict(s)" if conflicts else "")
                + "; check it and run `ledger check` before you commit",
            ],
        )


def write_result(root: Path, ours: Path, text: str) -> None:
    """Put the merged text in place of ours as a whole, under the lock: git reads ours back
    even when the driver was killed, and must then find it old or merged, never cut short."""
    with store.locked(root):
        store.replace_file(root, ours, text)


# -- ledger renumber ----------------------------------------------------------------------------


@dataclass
class Renumbered:
    """What `ledger renumber` did: the new texts, the line of the block it renumbered when the
    ID headed two blocks, and what it left for the user to do."""

    changes: dict[Path, str]
    line: int | None = None
    notes: list[str] = field(default_factory=list)


def ledger_reading_duplicates(ws: Workspace) -> Ledger:
    """The ledger as `renumber` reads it.  A duplicate ID (LDG102) is what renumber fixes, so
    instead of refusing it, the later block of each repeated ID is set aside
    (`ErrorsFile.duplicates`), as `ledger check` reads the file; any other problem is refused."""
    from ledger_tool.files.ledger import Ledger

    ledger = Ledger(ws, strict=False)
    refused = next((p for p in ledger.errors.problems if p.code != "LDG102"), None)
    if refused is not None:
        raise refused
    return ledger


def renumber(ledger: Ledger, old: str, new: str, taken: Iterable[int] = ()) -> Renumbered:
    """Give error `old` the ID `new` in all three files and the journal archive: its block
    heading and links, its table row, its task, its journal headings.

    When `old` heads two blocks (LDG102), the later one is renumbered (see `_renumber_later`).
    `taken` are the numbers of that day in use on other branches: `new` must be free there too.
    """
    errors = ledger.errors
    if old not in errors.blocks:
        raise ledger.unknown(old)
    _refuse_taken(ledger, old, new, taken)
    own = re.compile(rf"{re.escape(old)}(?!\d)|{re.escape(old.lower())}(?!\d)")

    def swap(m: re.Match[str]) -> str:
        return new if m.group(0) == old else new.lower()

    tasks = ledger.tasks if ledger.ws.path("tasks").is_file() else None
    if old in errors.duplicates:
        return _renumber_later(ledger, old, new, lambda text: own.sub(swap, text), tasks)
    ref = errors.blocks[old]
    errors.put(old, Block(own.sub(swap, errors.text[ref.start : ref.end])), ref.section, ("", old))
    if old in errors.rows:
        cells = errors.row_cells(old)
        errors.put_row(old, [new, *cells[1:]], cells[1] if len(cells) > 1 else "")
    if tasks is not None and (found := tasks.task(old)) is not None:
        tasks.replace(found[1], Block(own.sub(swap, found[0].text())))
    if ledger.ws.path("journal").is_file():
        _rename_journal(ledger.journal, old, new)
    changes = ledger.changes()
    for path, text in _archive_files(ledger, changes):
        archive = JournalFile(str(path), text)
        _rename_journal(archive, old, new)
        if (renamed := archive.render()) != text:
            changes[path] = renamed
    return Renumbered(changes)


def _refuse_taken(ledger: Ledger, old: str, new: str, taken: Iterable[int]) -> None:
    """Refuse a `new` that is no ID, has another day than `old`, or is used here or elsewhere."""
    errors = ledger.errors
    day = old[4:14]
    used = {*errors.blocks, *errors.rows, *(f"ERR-{day}-{n:03d}" for n in taken)}
    free = next_free(day, used)
    if not ID_RE.fullmatch(new):
        raise LedgerError(f"{new!r} is not an error ID ERR-YYYY-MM-DD-NNN; {free} is free")
    if new[4:14] != day:
        raise LedgerError(
            f"{new} has another date than {old}; an ID keeps the day the error was first seen: "
            f"{free} is free"
        )
    tasks = ledger.tasks if ledger.ws.path("tasks").is_file() else None
    journal = ledger.journal if ledger.ws.path("journal").is_file() else None
    where = _used_where(new, errors, tasks, journal) or ("on another branch" if new in used else "")
    if where:
        raise LedgerError(f"{new} is already used {where}; {free} is free")


def _archive_files(ledger: Ledger, changes: dict[Path, str]) -> Iterable[tuple[Path, str]]:
    """The journal archive's files and their texts (as this command is changing them)."""
    for path in ledger.ws.archive_files():
        yield path, changes.get(path) or store.read_text(path, str(path))


def _renumber_later(
    ledger: Ledger,
    old: str,
    new: str,
    rename: Callable[[str], str],
    tasks: TasksFile | None,
) -> Renumbered:
    """Renumber the later of two blocks under `old` (the one `ledger check` reports), with the
    table row and the task of `old` that go with it when there are two (`_belongs`).  Journal
    entries naming `old` cannot be told apart: they stay, and a note says so."""
    errors = ledger.errors
    later = errors.duplicates[old][0]
    errors.rewrite(later.start, later.end, rename(errors.text[later.start : later.end]))
    block = Block(errors.text[later.start : later.end])
    rows = errors.rows_of(old)
    if len(rows) > 1:
        seen = (block.get("First Seen") or "").strip()
        cells = [errors.text[start:end].split("|")[2].strip() for start, end in rows]
        start, end = _belongs(rows, [cell == seen for cell in cells])
        errors.rewrite(start, end, rename(errors.text[start:end]))
    spans = [(start, end) for i, start, end in tasks.all_spans() if i == old] if tasks else []
    if tasks is not None and len(spans) > 1:
        title = task_title(decode(block.get("Description") or ""))
        found = [Block(tasks.text[start:end]) for start, end in spans]
        start, end = _belongs(spans, [(task.get("Title") or "").strip() == title for task in found])
        tasks.replace((start, end), Block(rename(tasks.text[start:end])))
    line = errors.outline.line_number(later.start)
    notes = [
        f"{path}: no second {what} of {old}; `ledger check --fix` adds the {what} of {new}"
        for path, what, missing in (
            (errors.path, "table row", errors.rows_at is not None and len(rows) < 2),
            (tasks.path if tasks else "", "task", tasks is not None and len(spans) < 2),
        )
        if missing
    ]
    changes = ledger.changes()
    named = _journal_files_naming(ledger, changes, old)
    if named:
        notes.append(
            f"{', '.join(named)}: the journal entries of {old} are left as they are (which of "
            f"the two errors each one is about cannot be told); change those about the block "
            f"now {new} to |ERROR:{new}| by hand"
        )
    return Renumbered(changes, line, notes)


def _belongs(spans: list[tuple[int, int]], ours: list[bool]) -> tuple[int, int]:
    """Which of an ID's two rows or tasks goes with its later block: the one only it matches
    (by First Seen, by task title), else the second."""
    return spans[ours.index(True)] if ours.count(True) == 1 else spans[1]


def _journal_files_naming(ledger: Ledger, changes: dict[Path, str], error_id: str) -> list[str]:
    """The journal files (JOURNAL.md, then the archive's) with an entry `|ERROR:error_id|`."""
    found = []
    if ledger.ws.path("journal").is_file() and error_id in ledger.journal.error_blocks:
        found.append(ledger.journal.path)
    for path, text in _archive_files(ledger, changes):
        if error_id in JournalFile(str(path), text, strict=False).error_blocks:
            found.append(path.relative_to(ledger.ws.root).as_posix())
    return found


def _used_where(
    new: str, errors: ErrorsFile, tasks: TasksFile | None, journal: JournalFile | None
) -> str:
    """Which of the files already uses ID `new` ("" when none does)."""
    if new in errors.blocks or new in errors.rows:
        return f"in {errors.path}"
    if tasks is not None and tasks.task(new) is not None:
        return f"in {tasks.path}"
    if journal is not None and new in journal.error_blocks:
        return f"in {journal.path}"
    return ""


def _rename_journal(journal: JournalFile, old: str, new: str) -> None:
    """Point the journal's `|ERROR:old|` headings at `new`."""
    for span in journal.error_blocks.get(old, []):
        block = Block(journal.text[span[0] : span[1]])
        block.set_heading(block.heading.replace(f"|ERROR:{old}|", f"|ERROR:{new}|"))
        journal.replace(span, block)
