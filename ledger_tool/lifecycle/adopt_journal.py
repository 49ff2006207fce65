"""Errors only the journal records: `### Title |ERROR:ERR-...|` entries under
`## YYYY-MM-DD HH:MM` (as most claude-conductor users keep them) whose ID ERRORS.md lacks.  Each
gets its ERRORS.md entry under that same ID, dated by the journal, its History read from the
entries' Results, the journal entry linked and left as written.  The rules are stated in
docs/adopt.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from ledger_tool.files import store, wording
from ledger_tool.files.journal_md import JournalFile
from ledger_tool.files.ledger import Ledger
from ledger_tool.lifecycle.adopt_block import Adopted
from ledger_tool.lifecycle.adopt_words import DASHES, guess_area
from ledger_tool.markdown.block import Block
from ledger_tool.markdown.outline import Outline
from ledger_tool.markdown.textcodec import decode, encode
from ledger_tool.model import history
from ledger_tool.model.history import Event
from ledger_tool.model.timefmt import elapsed, format_duration, format_time
from ledger_tool.model.vocabulary import ERROR_REF, Status

# A Result that records no fix: empty, a placeholder, or words saying it is not over.
_UNRESOLVED = re.compile(
    r"^\W*$|^\[.*\]$|\b(?:not (?:yet )?(?:fixed|resolved)|unresolved|still (?:fail\w*|broken|"
    r"occurs|occurring|happening|open)|pending|in progress|investigating|tbd|todo|"
    r"workaround only|partial(?:ly)?|to be determined)\b",
    re.I,
)


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


def journal_errors(ledger: Ledger, taken: set[str]) -> dict[str, list[Sighting]]:
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


def from_journal(ledger: Ledger, error_id: str, sightings: list[Sighting]) -> Adopted:
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
        "Status": Status.RESOLVED.word if resolved else "ACTIVE",
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
    return Adopted(
        entry, block, "", f"{where}: adopted {error_id} from the journal ({description!r})"
    )


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
