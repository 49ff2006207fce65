"""The three files as one command reads and writes them: a `Ledger`, and `changing`, the one way a
command changes them (lock, parse, change, write all files as one).

A `Ledger` reads ERRORS.md at once and the journal and tasks when first asked for.  Edits collect
in its files; `changes()` returns the new texts to write, verified to parse again.  What the edits
mean (open, resolve, sync, repair) lives in `ledger_tool.lifecycle`; this module only reads,
shapes blocks and rows as the templates lay them out, and writes.  Nothing here prints or reads
the clock.
"""

from __future__ import annotations

import contextlib
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import partial
from hashlib import sha256
from pathlib import Path

from ledger_tool.exceptions import LedgerError, ParseError
from ledger_tool.files import errors_table, outlines, store
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.files.journal_md import JournalFile, archive, archive_header, merge_archive
from ledger_tool.files.tasks_md import TasksFile
from ledger_tool.markdown import splice
from ledger_tool.markdown.block import Block, Slot, layout_of
from ledger_tool.markdown.outline import Outline, spliced
from ledger_tool.markdown.splice import Edit
from ledger_tool.markdown.textcodec import encode, heading_anchor
from ledger_tool.model.entry import Entry, read_entry
from ledger_tool.model.timefmt import format_time
from ledger_tool.model.vocabulary import ID_PATTERN, ID_RE, Status
from ledger_tool.workspace import Workspace

JOURNAL_HEADING = re.compile(
    rf"^ {{0,3}}### +(?P<title>[^\n]*?\|ERROR:(?P<id>{ID_PATTERN})\|)[ \t]*\r?$", re.M
)


class Ledger:
    """The three files as read for one command, and the edits it makes to them."""

    def __init__(self, ws: Workspace, errors_text: str | None = None, strict: bool = True) -> None:
        """Read the ledger; `errors_text` stands in for ERRORS.md as a command rewrites it
        (`ledger adopt`), the file on disk being what `changes()` compares with.  Without
        `strict`, a malformed heading or a repeated ID is set aside in `errors.problems` (as
        `ledger check` reads the file) instead of refused."""
        self.ws = ws
        path = ws.path("errors")
        if not path.is_file() and errors_text is None:
            raise LedgerError(
                f"no {ws.display('errors')} in {ws.root}; run `ledger init` to create the ledger"
            )
        data = path.read_bytes() if path.is_file() else b""
        hashed = outlines.Hashed(data) if errors_text is None else None  # beside the decoding
        on_disk = store.decode(data, ws.display("errors"))
        text = on_disk if errors_text is None else errors_text
        found, self._known = outlines.recall(ws, text, 3, hashed)
        self.errors = ErrorsFile(ws.display("errors"), text, strict, found)
        self._errors_on_disk = on_disk
        self._errors_hashed = hashed
        self._moved: list[tuple[Path, str]] = []  # journal entries this command archives
        self._journal: JournalFile | None = None
        self._tasks: TasksFile | None = None
        self._side_read: dict[str, str] = {}  # journal and tasks as first read, for `changes()`
        self._written_outline: Outline | None = None  # of the ERRORS.md `changes()` gave
        self._written: dict[Path, str] = {}  # what `changes()` gave
        self._written_hashed: outlines.Hashed | None = None  # of the ERRORS.md written
        self.written_stat: os.stat_result | None = None  # of that file, once written

    # -- reading ----------------------------------------------------------------------------

    def _side_text(self, name: str) -> str:
        path = self.ws.path(name)
        if path.is_file():
            return store.read_text(path, self.ws.display(name))
        from ledger_tool.files.shapes import read_packaged

        return read_packaged(f"{name.upper()}.md")

    @property
    def journal(self) -> JournalFile:
        if self._journal is None:
            self._journal = JournalFile(self.ws.display("journal"), self._side_text("journal"))
            self._side_read["journal"] = self._journal.text
        return self._journal

    @property
    def tasks(self) -> TasksFile:
        if self._tasks is None:
            self._tasks = TasksFile(self.ws.display("tasks"), self._side_text("tasks"))
            self._side_read["tasks"] = self._tasks.text
        return self._tasks

    def unknown(self, error_id: str) -> LedgerError:
        day = error_id[4:14]
        same_day = [i for i in self.errors.blocks if i[4:14] == day]
        active = self.errors.order["active"]
        if same_day:
            hint = f"errors of {day}: {' '.join(same_day)}"
        elif active:
            hint = f"active errors: {' '.join(active[:10])}" + (" ..." if len(active) > 10 else "")
        else:
            hint = "the ledger has no active errors; `ledger list` shows them all"
        return LedgerError(f"no error {error_id}; {hint}")

    def entry(self, error_id: str, free_text: bool = True) -> Entry:
        """An error as its block says (without `free_text`, its free-text fields stay unread)."""
        if error_id not in self.errors.blocks:
            raise self.unknown(error_id.upper() if ID_RE.fullmatch(error_id.upper()) else error_id)
        try:
            block = self.errors.block(error_id)
            return read_entry(error_id, block, self.ws.tz, self.errors.path, 1, free_text)
        except ParseError as exc:  # its line counts from the block's heading
            line = self.errors.line_of(error_id) + exc.line - 1
            raise ParseError(exc.path, line, exc.message, exc.code) from None

    def entry_from(self, error_id: str, block: Block) -> Entry:
        """The error as `block`, a block being edited, now says."""
        return read_entry(error_id, block, self.ws.tz, self.errors.path)

    def entries(
        self, free_text: bool = True, cache: dict[bytes, Entry] | None = None
    ) -> list[Entry]:
        """Every error, in file order.  `cache` (entries read by earlier runs, keyed by their
        block's bytes; updated in place) spares reading the blocks that did not change."""
        if cache is None:
            return [self.entry(i, free_text) for i in self.errors.blocks]
        salt = f"entries-2\0{free_text}\0{self.ws.config.timezone}\0".encode()
        text = self.errors.text
        fresh: dict[bytes, Entry] = {}
        for error_id, ref in self.errors.blocks.items():
            data = salt + text[ref.start : ref.stop].encode()
            key = sha256(data).digest()[:16]  # CPUs speed SHA-256 up: 2x BLAKE2b
            fresh[key] = cache.get(key) or self.entry(error_id, free_text)
        cache.clear()
        cache.update(fresh)
        return list(fresh.values())

    def remembered_entries(self, memory: str, free_text: bool = True) -> list[Entry]:
        """`entries()` through the cache file `memory` in `.git/ledger-cache/` (the read
        commands' speed-up: only the blocks changed since the last run are read)."""
        from ledger_tool.files.cache import Memory

        remembered = Memory(self.ws, memory)
        found = self.entries(free_text, cache=remembered.entries)
        remembered.save()
        return found

    # -- writing ----------------------------------------------------------------------------

    def changes(self) -> dict[Path, str]:
        """New texts of every file this command changed (verified to parse again)."""
        out: dict[Path, str] = {}
        if self._journal is not None:
            text = self._journal.render()
            if text != self._side_read["journal"] or not self.ws.path("journal").exists():
                out.update(self._archived(text))
        rendered = self.errors.render()
        relinks = self._relinks(rendered)
        new_errors = splice.apply(rendered, [Edit(*e) for e in relinks])
        if new_errors != self._errors_on_disk:
            self.errors.verify_edits()
            out[self.ws.path("errors")] = new_errors
            carried = self.errors.outline_after(rendered)
            if carried is not None and relinks:
                carried = spliced(carried, relinks, new_errors, 3)
            self._written_outline = carried
        if self._tasks is not None:
            text = self._tasks.render()
            if text != self._side_read["tasks"] or not self.ws.path("tasks").exists():
                out[self.ws.path("tasks")] = text
        self._written = out if not relinks else {}  # (no `rewritten_block` across a relink)
        return out

    def rewritten_block(self) -> tuple[str, str, str, str] | None:
        """When all the written `changes()` did was to rewrite one block of ERRORS.md in place,
        the file's structure (its headings, breaks, fences and comments) as it was: that
        block's error ID, section, and text before and after; else None."""
        errors = self.ws.path("errors")
        edits = self.errors._edits
        new = self._written.get(errors)
        if set(self._written) != {errors} or len(edits) != 1 or new is None:
            return None
        if self.errors.text is not self._errors_on_disk:  # settled, or a text of the caller's
            return None
        old, carried = self.errors.outline, self._written_outline
        edit = edits[0]
        ref = next((r for r in self.errors.blocks.values() if r.start == edit.start), None)
        if ref is None or ref.end != edit.end or carried is None:
            return None
        if (len(old.headings), len(old.breaks), len(old.hidden), old.unclosed is None) != (
            len(carried.headings), len(carried.breaks), len(carried.hidden),
            carried.unclosed is None,
        ):  # fmt: skip
            return None
        k = bisect_left(old.headings, ref.start, key=lambda h: h.start)
        if [h[:2] for h in old.headings[k : k + 2]] != [h[:2] for h in carried.headings[k : k + 2]]:
            return None
        if k >= len(carried.headings) or carried.headings[k].start != ref.start:
            return None
        stop = ref.stop + len(edit.text) - (edit.end - edit.start)
        after = new[ref.start : splice.content_end(new, ref.start, stop)]
        return ref.id, ref.section, self.errors.text[ref.start : ref.end], after

    def errors_read(self) -> bytes | None:
        """ERRORS.md's bytes as read (None: the command gave its own text)."""
        return None if self._errors_hashed is None else self._errors_hashed.data

    def errors_digests(self) -> tuple[bytes, bytes] | None:
        """The SHA-256 of ERRORS.md's bytes as read and as written (once written), if known."""
        if self._errors_hashed is None or self._written_hashed is None:
            return None
        return self._errors_hashed.key().digest(), self._written_hashed.key().digest()

    def check_key_fields(self) -> None:
        """Refuse an ERRORS.md whose key fields are malformed; a text a command wrote after
        this check passed is known to pass it (its edits are checked as they are written)."""
        if outlines.KEY_FIELDS not in self._known:
            self.errors.check_key_fields()
            self._known |= {outlines.KEY_FIELDS}
            if self.errors.text is self._errors_on_disk:  # for the next command on this text
                outlines.remember(self.ws, self.errors.outline, 3, self._known, self._errors_hashed)

    def remember_outline(self, hashed: outlines.Hashed | None = None) -> None:
        """Once `changes()` is written (`hashed`: the hash of the new ERRORS.md's bytes, when
        the caller has it): keep the outline of the new ERRORS.md for the next command, which
        then need not scan it, nor check its key fields again when this command checked those
        of the text it changed (`verify_edits` checked its edits, and a carried outline means no
        fence or comment moved across one)."""
        self._written_hashed = hashed
        if self._written_outline is not None:
            known = self._known & {outlines.KEY_FIELDS}
            outlines.remember(self.ws, self._written_outline, 3, known, hashed)

    def settle(self) -> None:
        """Fold the edits made so far into fresh parses of the files.

        Edits are offsets into the text they were computed from, so a second change to one block
        computed against the same parse would read the block as it was and overlap the first
        edit.  A command that makes several changes (`sync`) settles between them: each change
        then reads what the previous one wrote."""
        self.errors.verify_edits()
        text = self.errors.render()
        carried = self.errors.outline_after(text)
        self.errors = ErrorsFile(self.errors.path, text, self.errors.strict, carried)
        if self._journal is not None:
            self._journal = JournalFile(self._journal.path, self._journal.render())
        if self._tasks is not None:
            self._tasks = TasksFile(self._tasks.path, self._tasks.render())

    def _relinks(self, errors_text: str) -> list[tuple[int, int, str]]:
        """Point Journal Entry links at the archive file that journal entries just moved to:
        the lines of `errors_text` that link to a moved entry, rewritten (start, end, line)."""
        moves = []
        for path, chunk in self._moved:
            for m in JOURNAL_HEADING.finditer(chunk):
                old = self.link_to(self.ws.path("journal"), m.group("title"))
                moves.append((old, self.link_to(path, m.group("title"))))
        starts: set[int] = set()
        for old, _ in moves:
            at = errors_text.find(old)
            while at >= 0:
                starts.add(splice.line_start(errors_text, at))
                at = errors_text.find(old, at + len(old))
        edits = []
        for start in sorted(starts):
            end = errors_text.find("\n", start)
            end = len(errors_text) if end < 0 else end + 1
            line = errors_text[start:end]
            for old, new in moves:
                line = line.replace(old, new)
            edits.append((start, end, line))
        return edits

    def _archived(self, journal_text: str) -> dict[Path, str]:
        """The journal, and the monthly archive files that whole old entries move to."""
        kept, moved = archive(journal_text, self.ws.config.journal_max_lines)
        out = {self.ws.path("journal"): kept}
        newline = self.journal.newline
        for month, chunks in moved.items():
            path = self.ws.archive_dir / f"{month}.md"
            old = store.read_text(path, str(path)) if path.exists() else archive_header(month)
            out[path] = merge_archive(old, chunks, newline, str(path))
            self._moved += [(path, chunk) for chunk in chunks]
        return out

    # -- shaping blocks and rows ----------------------------------------------------------------

    def render(self, template: str, values: dict[str, str], **context: str) -> str:
        """Render template `template` (its kept shape filled in, or by Jinja: `shapes`)."""
        from ledger_tool.files import shapes

        root = self.ws.root
        text = shapes.filled(root, template, values, context)
        if text is None:
            from ledger_tool.files import templates

            text = templates.render(root, template, values, **context)
            shape_of = partial(templates.shape_of, root, template, values, context)
            shapes.keep(root, template, values, context, text, shape_of)
        return text

    def shape(self, block: Block, template: str, values: dict[str, str], complete: bool) -> None:
        """Set `values` in place; add missing fields where `template` puts them (`shape`)."""
        shape(block, self.render, template, values, complete)

    def put_row(self, entry: Entry, link: str) -> None:
        """Write the entry's summary table row; `link` is its Fix Commit cell."""
        first_seen = format_time(entry.first_seen) if entry.first_seen else ""
        row = errors_table.cells(
            entry.id, first_seen, entry.status, entry.severity, entry.area, link
        )
        self.errors.put_row(entry.id, row, first_seen)

    def sort_key(self, entry: Entry) -> tuple[str, str]:
        """Where the entry's block stands in its section (newest first by this key)."""
        when = entry.resolved if entry.status == Status.RESOLVED else entry.first_seen
        return (format_time(when) if when else "", entry.id)

    def link_to(self, path: Path, heading: str) -> str:
        """A Markdown link from ERRORS.md to a heading of `path` (GitHub's anchor for it)."""
        target = os.path.relpath(path, self.ws.path("errors").parent)
        anchor = heading_anchor(heading)
        return f"[{encode(target)}]({target.replace(' ', '%20')}#{anchor})"


def read(ws: Workspace) -> Ledger:
    """The ledger as a read command sees it, once any write a crash interrupted is finished."""
    store.finish_interrupted(ws.root)
    return Ledger(ws)


@contextlib.contextmanager
def changing(ws: Workspace) -> Iterator[Ledger]:
    """Lock, parse, yield the ledger for the command to change, write every changed file as one
    change: the way every command that edits the ledger goes.  An error in the body writes
    nothing.  (Refusing while git is in the middle of a rebase or merge is the caller's: this
    layer does not ask git.)"""
    errors = ws.path("errors")
    written: dict[Path, os.stat_result] = {}
    with writing(ws, written) as out:
        ledger = Ledger(ws)
        ledger.check_key_fields()
        yield ledger
        out.update(ledger.changes())
        hashed = None
        if isinstance(new := out.get(errors), str):
            out[errors] = data = new.encode("utf-8")  # once, to write and to key its outline by
            hashed = outlines.Hashed(data, chunks=True)  # beside the writing
    ledger.written_stat = written.get(errors)
    ledger.remember_outline(hashed)


@contextlib.contextmanager
def writing(
    ws: Workspace, written: dict[Path, os.stat_result] | None = None
) -> Iterator[dict[Path, str | bytes]]:
    """The lock-and-write half of `changing`, for a command whose core hands back whole new
    texts instead of editing a `Ledger` (`init`'s new files, `adopt`, `renumber`): what the
    body puts in the dict is written as one change, and nothing if the body fails.  `written`
    receives each file's stat as written (`store.write_files`)."""
    with store.locked(ws.root):
        out: dict[Path, str | bytes] = {}
        yield out
        stats = store.write_files(ws.root, out)
        if written is not None:
            written.update(stats)


def shape(
    block: Block,
    render: Callable[..., str],
    template: str,
    values: dict[str, str],
    complete: bool,
) -> None:
    """Set `values` in `block` in place; add missing fields where `template` (rendered by
    `render(name, values, **context)`) puts them.

    With `complete`, every field of the template that the block lacks is added (empty), so a
    block that changes status takes the shape of its new template.
    """
    missing = [name for name, raw in values.items() if not block.replace(name, raw)]
    if not missing and not complete:
        return
    current = {span.name: block.get(span.name) or "" for span in block.spans().values()}
    heading_id = block.heading.lstrip("#").split()[0]
    context = {"id": heading_id, "task_id": heading_id, "time": "", "title": ""}
    slots: list[Slot] = layout_of(render(template, current | values, **context))
    for slot in slots:
        if block.get(slot.name) is None and (complete or slot.name in values):
            block.insert(slot.name, values.get(slot.name, ""), slots)
    for name in missing:
        if block.get(name) is None:
            block.insert(name, values[name], slots)
