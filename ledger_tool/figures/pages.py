"""Weekly reports as files: the Markdown page with the week's figures as YAML front matter
(python-frontmatter; the figures only, so that GitHub shows it as a short table), the
self-contained HTML page, a previous week's figures read back from its report, and the write
itself (a temporary file renamed over the target).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import frontmatter
import yaml  # type: ignore[import-untyped]
from frontmatter.default_handlers import YAMLHandler

from ledger_tool.exceptions import LedgerError
from ledger_tool.figures import chart
from ledger_tool.figures.catalogue import usable
from ledger_tool.figures.cells import Cell, Lookup, markdown_cell, markdown_table, markdown_text
from ledger_tool.figures.report import Report, build
from ledger_tool.figures.weeks import week_bounds, week_label
from ledger_tool.files import store
from ledger_tool.files.templates import render_page
from ledger_tool.markdown.textcodec import heading_anchor

if TYPE_CHECKING:
    from ledger_tool.files.ledger import Ledger
    from ledger_tool.model.entry import Entry

REPORTS_DIR = "reports"
# libyaml when it is there: a long open backlog makes a front matter of a megabyte, which the
# pure-Python YAML takes a second to write and read back
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SAFE_DUMPER):  # type: ignore[misc,valid-type]
    """The safe dumper, writing a severity or a status (string enums) as the string it is."""


_Dumper.add_multi_representer(StrEnum, lambda dumper, value: dumper.represent_str(str(value)))


class _YAML(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return super().load(fm, Loader=_LOADER, **kwargs)

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        return str(super().export(metadata, Dumper=_Dumper, sort_keys=False, **kwargs))


# Every HTML report carries this line (keep it in an overriding template): it tells a report,
# which `ledger report` may replace, from any other file.
HTML_MARK = '<meta name="generator" content="ledger report">'
_MD_HEAD = re.compile(r"---\r?\nwindow:\r?\n  since: ")


def default_path(root: Path, monday: date, fmt: str) -> Path:
    return root / REPORTS_DIR / f"{week_label(monday)}.{fmt}"


def make(
    ledger: Ledger,
    entries: list[Entry],
    monday: date,
    now: datetime,
    fmt: str,
    out: Path,
    commit_url: str,
) -> str:
    """The text of the report of the week starting `monday`, to be written at `out`."""
    ws = ledger.ws
    last = monday - timedelta(weeks=1)
    previous = read_previous(
        [out.parent, ws.root / REPORTS_DIR], week_label(last), *week_bounds(last, ws.tz)
    )
    report = build(
        entries,
        monday,
        now,
        ws.config.recurrence_days,
        _relative(previous, out.parent),
        Lookup(anchors(ledger, out.parent), commit_url, lambda i: ledger.entry(i).fields),
    )
    return markdown(ws.root, report) if fmt == "md" else html(ws.root, report)


def _relative(
    previous: tuple[dict[str, Any], Path] | None, folder: Path
) -> tuple[dict[str, Any], str] | None:
    if previous is None:
        return None
    return previous[0], _link(previous[1], folder)


def _link(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target.resolve(), folder.resolve())).as_posix()


def anchors(ledger: Ledger, folder: Path) -> dict[str, str]:
    """Each error's link, from `folder`, to its heading in ERRORS.md."""
    target = _link(ledger.ws.path("errors"), folder)
    text = ledger.errors.text
    found = {}
    for error_id, ref in ledger.errors.blocks.items():
        end = text.find("\n", ref.start)
        title = text[ref.start : end if end >= 0 else len(text)].lstrip("#")
        found[error_id] = f"{target}#{heading_anchor(title)}"
    return found


# -- front matter --------------------------------------------------------------------------------


def front_matter(text: str) -> dict[str, Any] | None:
    """The figures in a Markdown report's front matter; None when it has none that can be read."""
    try:
        data = frontmatter.loads(text, handler=_YAML()).metadata
    except (yaml.YAMLError, ValueError):
        return None
    return data if usable(data) and isinstance(data.get("window"), dict) else None


def read_previous(
    folders: list[Path], label: str, since: datetime, until: datetime
) -> tuple[dict[str, Any], Path] | None:
    """The figures of week `label`, [since, until), from the first of `folders` that holds its
    Markdown report covering exactly that week."""
    for folder in dict.fromkeys(f.resolve() for f in folders):
        path = folder / f"{label}.md"
        try:
            data = front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        window = data["window"] if data else {}
        if data and (window.get("since"), window.get("until")) == (
            since.isoformat(),
            until.isoformat(),
        ):
            return data, path
    return None


# -- the pages -------------------------------------------------------------------------------


def markdown(root: Path, report: Report) -> str:
    """The Markdown report: its figures as YAML front matter, then the page from report.md.j2."""
    source = report.previous_source
    body = render_page(
        root,
        "report.md.j2",
        report=report,
        tables={name: markdown_table(table) for name, table in report.tables.items()},
        notes={name: markdown_text(note) for name, note in report.notes.items()},
        summary=[markdown_text(line) for line in report.summary],
        explained=[markdown_text(line) for line in report.explained],
        chart=chart.mermaid(report.weeks),
        previous=markdown_cell(Cell(source, source)) if source else "",
    )
    post = frontmatter.Post(body)
    post.metadata.update(report.front_matter)
    return str(frontmatter.dumps(post, handler=_YAML())) + "\n"


def html(root: Path, report: Report) -> str:
    """One self-contained HTML page from report.html.j2 (autoescaped), with an SVG chart."""
    return render_page(
        root,
        "report.html.j2",
        report=report,
        tables=report.tables,
        notes=report.notes,
        summary=report.summary,
        explained=report.explained,
        chart=chart.svg(report.weeks),
        previous=report.previous_source,
    )


# -- writing -----------------------------------------------------------------------------------


def is_report(path: Path) -> bool:
    """True when `path` holds a report written by `ledger report` (which it may replace): its
    front matter starts as `markdown` writes it, or it has the HTML report's generator line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return HTML_MARK in text or _MD_HEAD.match(text) is not None


def write(root: Path, path: Path, text: str, force: bool = False) -> None:
    """Write `text` at `path` as the store writes the ledger (a temporary file in .git/ledger,
    synced, renamed over it, under the lock): a reader sees the old report or the new one, and a
    killed run leaves no temporary file in the work tree (the next command clears it).  Refuses
    to replace a file that is not a report, unless `force`."""
    if path.is_dir():
        raise LedgerError(f"{path} is a folder; give -o the path of a file")
    if path.exists() and not force and not is_report(path):
        raise LedgerError(
            f"{path} exists and is not a ledger report; choose another -o, or pass --force to "
            "replace it"
        )
    with store.locked(root):
        store.write_files(root, {path: text})
