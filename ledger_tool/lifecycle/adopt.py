"""`ledger adopt`: bring the history a repository already keeps into the ledger.

Two shapes come in.  Errors that only the journal records (`### Title |ERROR:ERR-...|` entries
under `## YYYY-MM-DD HH:MM`, as most claude-conductor users keep them) get their ERRORS.md entry
under that same ID, dated by the journal, with the journal entry linked and left as written.
Hand-written ledgers (adopt_hand) are rewritten into the tool's blocks with every word kept.
Then the derived parts follow as `check --fix` makes them: table rows, tasks, journal entries.
Nothing is written unless the whole result passes `ledger check`; what cannot be mapped comes
back as problems with file and line.  The rules are stated in docs/adopt.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from ledger_tool.exceptions import ParseError
from ledger_tool.files import store, wording
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.journal_md import ERROR_REF, JournalFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.files.templates import field_line
from ledger_tool.lifecycle.adopt_hand import (
    DASHES,
    Converted,
    HandEntry,
    convert,
    find_entries,
    guess_area,
)
from ledger_tool.lifecycle.numbering import numbers_named
from ledger_tool.lifecycle.repair import fix_derived
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import Outline, scan
from ledger_tool.markdown.splice import Edit
from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model import history
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, format_time, parse_file_time
from ledger_tool.workspace import Workspace

SCHEMA = (
    "## Schema\n| ID | First seen | Status | Severity | Affected area | Link to fix |\n"
    "|----|------------|--------|----------|---------------|-------------|\n\n"
)
# A Result that records no fix: empty, a placeholder, or words saying it is not over.
_UNRESOLVED = re.compile(
    r"^\W*$|^\[.*\]$|\b(?:not (?:yet )?(?:fixed|resolved)|unresolved|still (?:fail\w*|broken|"
    r"occurs|occurring|happening|open)|pending|in progress|investigating|tbd|todo|"
    r"workaround only|partial(?:ly)?|to be determined)\b",
    re.I,
)


@dataclass
class Adoption:
    """What adopting did or would do: new file texts, one line per change, and the problems that
    stop it (path, line, message)."""

    changes: dict[Path, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Sighting:
    """One journal entry naming an error: when, where, and its bullets."""

    at: datetime | None
    path: Path
    line: int
    title: str
    block: Block

    def says(self, name: str) -> str:
        return decode((self.block.get(name) or "").strip())


def adopt(ws: Workspace, has_commit: Callable[[str], bool]) -> Adoption:
    """Adopt what the repository's files hold; `has_commit(sha)` says whether a fix commit a
    person named exists here (one that does not is kept as their text, not linked)."""
    display = ws.display("errors")
    path = ws.path("errors")
    if path.is_file():
        text = store.read_text(path, display)
    else:
        from ledger_tool.files.templates import read_packaged

        text = read_packaged("ERRORS.md")
    outline = scan(text)
    result = Adoption()
    entries = hand_written(ws, text)
    converted = [convert(text, entry, ws.tz) for entry in entries]
    for item in converted:
        for offset, message in item.problems:
            result.problems.append((display, outline.line_number(offset), message))
    try:
        ledger = Ledger(ws, _skeleton(text, outline, entries))
    except ParseError as exc:
        result.problems.append((exc.path, exc.line, exc.message))
        return result
    if result.problems:
        return result
    new: list[tuple[Entry, Block, str]] = []
    taken: set[str] = set()
    for item in converted:
        new += _hand(ledger, item, outline, has_commit, result, taken)
    for error_id, sightings in _journal_only(ledger, taken).items():
        new.append(_from_journal(ledger, error_id, sightings, result))
    if not new:
        return result
    # newest first, as sections and table keep them: inserts at one place land in call order
    for entry, block, link in sorted(new, key=lambda n: ledger.sort_key(n[0]), reverse=True):
        ledger.errors.put(entry.id, block, entry.status, ledger.sort_key(entry))
        ledger.put_row(entry, link)
    ledger.errors = ErrorsFile(display, ledger.errors.render())
    result.actions += fix_derived(ledger)
    result.changes = ledger.changes()
    result.problems += _still_failing(ws, ledger, result.changes)
    return result


def hand_written(ws: Workspace, text: str) -> list[HandEntry]:
    """The entries of an ERRORS.md text that the ledger cannot read as they are (written by
    hand in other spellings): what `ledger adopt` would rewrite."""
    return find_entries(scan(text), _readable_blocks(text, ws))


def journal_only(ws: Workspace) -> list[str]:
    """IDs the journal's entries name that ERRORS.md lacks (what `ledger adopt` would add)."""
    return sorted(_journal_only(Ledger(ws), set()))


def _readable_blocks(text: str, ws: Workspace) -> set[int]:
    """Offsets of the blocks the tool reads as they are (these are not adopted again)."""
    try:
        doc = ErrorsFile("", text, strict=False)
    except ParseError:
        return set()
    readable = set()
    for error_id, ref in doc.blocks.items():
        try:
            read_entry(error_id, doc.block(error_id), ws.tz, "", 1, free_text=False)
        except ParseError:
            continue
        readable.add(ref.start)
    return readable


def _skeleton(text: str, outline: Outline, entries: list[HandEntry]) -> str:
    """ERRORS.md without the hand-written entries (and the `---` lines that only separated
    them), with the sections and the table the ledger needs added where they are missing."""
    newline = splice.newline_of(text)
    edits = [_removal(text, entry, entries[i + 1 :]) for i, entry in enumerate(entries)]
    level2 = {h.title.lower(): h for h in outline.headings if h.level == 2}
    active, resolved = level2.get("active errors"), level2.get("resolved errors")
    schema = SCHEMA if "schema" not in level2 else ""
    if active is None and resolved is None:
        if not entries:
            return text  # not a ledger at all: the parse says so
        at = entries[0].start
        edits.append(Edit(at, at, schema + "## Active Errors\n\n## Resolved Errors\n\n"))
    elif active is None:
        assert resolved is not None
        edits.append(Edit(resolved.start, resolved.start, schema + "## Active Errors\n\n"))
    elif resolved is None:
        stop = next(
            (h.start for h in outline.headings if h.level <= 2 and h.start > active.start),
            len(text),
        )
        edits.append(Edit(stop, stop, _spaced(text, stop, "## Resolved Errors\n\n")))
        if schema:
            edits.append(Edit(active.start, active.start, schema))
    elif schema:
        edits.append(Edit(active.start, active.start, schema))
    return splice.to_newline(splice.apply(text, edits), newline)


def _spaced(text: str, at: int, new: str) -> str:
    """`new` inserted at `at`, on a line of its own after a blank line."""
    if at == len(text) and text and not text.endswith("\n"):
        return "\n\n" + new.rstrip("\n")
    return new


def _removal(text: str, entry: HandEntry, later: list[HandEntry]) -> Edit:
    """Remove an entry with the blank lines after it; when only separators lie between it and
    the next entry, those go too."""
    end = entry.end
    gap = text[end : later[0].start] if later else ""
    if later and all(
        not line.strip() or set(line.strip()) <= set("-*_ ") for line in gap.split("\n")
    ):
        return Edit(entry.start, later[0].start, "")
    while end < len(text):
        stop = text.find("\n", end)
        stop = len(text) if stop < 0 else stop + 1
        if text[end:stop].strip():
            break
        end = stop
    return Edit(entry.start, end, "")


def _free_id(ledger: Ledger, error_id: str, taken: set[str]) -> str:
    """`error_id`, or the next free number of its day when the ledger or an entry adopted
    before it already has it (one ID written twice for two errors)."""
    if error_id not in ledger.errors.blocks and error_id not in taken:
        return error_id
    day = error_id[4:14]
    used = {int(i[15:]) for i in {*ledger.errors.blocks, *taken} if i[4:14] == day}
    used |= numbers_named(ledger, day)
    return f"ERR-{day}-{max(used) + 1:03d}"


def _hand(
    ledger: Ledger,
    item: Converted,
    outline: Outline,
    has_commit: Callable[[str], bool],
    result: Adoption,
    taken: set[str],
) -> list[tuple[Entry, Block, str]]:
    """One converted hand-written entry as the tool's block (none when it would not read)."""
    error_id = _free_id(ledger, item.entry.id, taken)
    values = dict(item.values)
    sha = re.search(r"\b[0-9a-f]{7,40}\b", decode(values.pop("Fix Commit", "")))
    # a commit this repository does not have stays only in Adopted From, as the person wrote it
    fix = sha.group(0) if sha and has_commit(sha.group(0)) else ""
    block = Block(_hand_block(error_id, item, values, fix, ledger.ws.tz))
    where = f"{ledger.errors.path}:{outline.line_number(item.entry.start)}"
    try:
        entry = read_entry(error_id, block, ledger.ws.tz, where, 1)
    except ParseError as exc:
        result.problems.append(
            (ledger.errors.path, outline.line_number(item.entry.start), exc.message)
        )
        return []
    taken.add(error_id)
    renamed = f" ({item.entry.id} is taken)" if error_id != item.entry.id else ""
    result.actions.append(
        f"{where}: adopted {item.entry.heading!r} as {error_id}{renamed}: {_summary(entry)}"
    )
    return [(entry, block, fix[:7])]


def _hand_block(
    error_id: str, item: Converted, values: dict[str, str], fix: str, tz: tzinfo
) -> str:
    """The tool's block for a hand-written entry: key fields, the person's lines, where it came
    from, and a History that says what the fields say."""
    resolved = item.status == "resolved"
    lines = [f"### {error_id}{' (RESOLVED)' if resolved else ''}"]
    names = ["Status", "Severity", "Area", "First Seen"]
    if resolved:
        first, end = (_at(values[n], tz) for n in ("First Seen", "Resolved"))
        values["Resolution Time"] = format_duration(elapsed(first, end))
        names += ["Resolved", "Resolution Time"]
    lines += [field_line(n, values[n]) for n in (*names, "Last Seen", "Occurrences")]
    lines += ["", field_line("Description", values["Description"])]
    if item.body:
        lines += ["", *item.body]
    if fix:
        lines += ["", "**Links**:", field_line("Fix Commit", fix, bullet=True)]
    lines += ["", field_line("Adopted From", item.adopted_from)]
    lines += ["", field_line("History", history.render_events(_hand_events(values, fix, tz)))]
    return "\n".join(lines) + "\n"


def _at(stamp: str, tz: tzinfo) -> datetime:
    when = parse_file_time(stamp, tz)
    assert when is not None  # adopt_hand wrote it
    return when


def _hand_events(values: dict[str, str], fix: str, tz: tzinfo) -> list[Event]:
    """Opened at First Seen, the further sightings at Last Seen, resolved at Resolved."""

    def when(name: str) -> datetime:
        return _at(values[name], tz)

    events = [Event(when("First Seen"), "opened")]
    if int(values["Occurrences"]) > 1:
        events.append(Event(when("Last Seen"), "seen", int(values["Occurrences"]) - 1))
    if "Resolved" in values:
        events.append(Event(when("Resolved"), "resolved", commit=fix or None))
    return sorted(events, key=lambda e: e.at)


def _summary(entry: Entry) -> str:
    """`P1 frontend, first seen 2025-11-20 00:00, active` (or `resolved ...`)."""
    state = f"resolved {format_time(entry.resolved)}" if entry.resolved else "active"
    first = format_time(entry.first_seen) if entry.first_seen else "-"
    return f"{entry.severity} {entry.area}, first seen {first}, {state}"


# -- errors only the journal records -------------------------------------------------------


def _journal_only(ledger: Ledger, taken: set[str]) -> dict[str, list[Sighting]]:
    """The journal's `|ERROR:ID|` entries (JOURNAL.md and its archive) whose ID ERRORS.md lacks,
    by ID, oldest first."""
    found: dict[str, list[Sighting]] = {}
    journals = [(ledger.ws.path("journal"), ledger.journal)]
    journals += [
        (p, JournalFile(str(p), store.read_text(p, str(p)))) for p in ledger.ws.archive_files()
    ]
    for path, journal in journals:
        for sighting in _sightings(journal, path, ledger.ws.tz):
            error_id = ERROR_REF.search(sighting.title)
            known = error_id is None or error_id.group(1) in ledger.errors.blocks
            if error_id is not None and not known and error_id.group(1) not in taken:
                found.setdefault(error_id.group(1), []).append(sighting)
    for sightings in found.values():
        sightings.sort(key=_when)
    return dict(sorted(found.items(), key=lambda item: _when(item[1][0])))


def _when(sighting: Sighting) -> tuple[bool, str]:
    """Journal entries oldest first; one without a time last."""
    return sighting.at is None, format_time(sighting.at) if sighting.at else ""


def _sightings(journal: JournalFile, path: Path, tz: tzinfo) -> list[Sighting]:
    """Every `|ERROR:ID|` entry of one journal file (its headings are never inside fences)."""
    lines = Outline(journal.text)  # only to count lines
    out = []
    for spans in journal.error_blocks.values():
        for start, end in spans:
            time = next((t for t, s, stop in journal.entries if s <= start < stop), None)
            at = None if time is None else datetime.fromisoformat(time).replace(tzinfo=tz)
            heading = journal.text[start : journal.text.find("\n", start)].strip("#\r ").strip()
            block = Block(journal.text[start:end])
            out.append(Sighting(at, path, lines.line_number(start), heading, block))
    return out


def _from_journal(
    ledger: Ledger, error_id: str, sightings: list[Sighting], result: Adoption
) -> tuple[Entry, Block, str]:
    """The ERRORS.md entry of an error only the journal records, from its entries."""
    events = _journal_events(error_id, sightings, ledger)
    first = sightings[0]
    title = ERROR_REF.sub("", first.title).strip(" \t-:" + DASHES)
    generic = title.lower() in ("", *(t.lower() for t in wording.OWN_TITLES))
    description = (first.says("What") if generic else title) or title or error_id
    resolved = events[-1].kind == "resolved"
    start = history.episode_start(events) or events[0].at
    text_of_all = " ".join(s.title + " " + s.says("What") + " " + s.says("Why") for s in sightings)
    values = {
        "Status": "RESOLVED" if resolved else "ACTIVE",
        "Severity": "P0" if re.search(r"\bP0\b", text_of_all) else "P1",
        "Area": encode(
            first.says("Area")
            or first.says("Component")
            or guess_area(title, first.says("What"), first.says("Why"))
        ),
        "First Seen": format_time(events[0].at),
        "Last Seen": format_time(max(e.at for e in events)),
        "Occurrences": "1",
        "Description": encode(description),
        "Journal Entry": ledger.link_to(first.path, first.title),
        "History": history.render_events(events),
    }
    if resolved:
        values["Resolved"] = format_time(events[-1].at)
        values["Resolution Time"] = format_duration(elapsed(start, events[-1].at))
    template = "error_resolved.md.j2" if resolved else "error_active.md.j2"
    block = Block(ledger.render(template, values, id=error_id))
    entry = ledger.entry_from(error_id, block)
    where = f"{first.path.relative_to(ledger.ws.root).as_posix()}:{first.line}"
    result.actions.append(
        f"{where}: adopted {error_id} from the journal ({description!r}): {_summary(entry)}"
    )
    return entry, block, ""


def _journal_events(error_id: str, sightings: list[Sighting], ledger: Ledger) -> list[Event]:
    """Opened at the first entry; an entry whose Result records a fix resolves it; a later
    entry naming an error already fixed means it came back (reopened there, and resolved again
    when that entry records a fix).  An entry without a `## time` above it counts at 00:00 of
    the ID's day; so does a first entry dated after that day (an ID carries the day the error
    was first seen)."""
    day = datetime.fromisoformat(error_id[4:14]).replace(tzinfo=ledger.ws.tz)
    events: list[Event] = []
    for sighting in sightings:
        at = sighting.at or day
        if not events:
            events.append(Event(at if at.date() == day.date() else day, "opened"))
        else:
            at = max(at, events[-1].at)
            if events[-1].kind == "resolved":
                note = f"named again in the journal: {sighting.title}"
                events.append(Event(at, "reopened", note=note))
        if not _UNRESOLVED.search(sighting.says("Result")):
            events.append(Event(at, "resolved"))
    return events


def _still_failing(
    ws: Workspace, ledger: Ledger, changes: dict[Path, str]
) -> list[tuple[str, int, str]]:
    """What `ledger check` would still refuse in the adopted files (none, or adopting stops)."""
    from ledger_tool.checks.run import Sources, check

    def text(name: str) -> tuple[str, str] | None:
        path = ws.path(name)
        if path in changes:
            return ws.display(name), changes[path]
        return (
            (ws.display(name), store.read_text(path, ws.display(name))) if path.is_file() else None
        )

    errors = text("errors")
    assert errors is not None
    archived = sorted({*(p for p in changes if p.parent == ws.archive_dir), *ws.archive_files()})
    archive = "".join(changes.get(p) or store.read_text(p, str(p)) for p in archived)
    sources = Sources(errors, text("journal"), text("tasks"), archive)
    found = check(sources, ws.config, ws.tz, lambda shas: set())
    return [
        (p.path, p.line, f"{p.code} {p.message} (in the adopted file)")
        for p in found
        if not p.warning
    ]
