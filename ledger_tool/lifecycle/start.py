"""`ledger init`: the files a new ledger starts with, and the refusal of an ERRORS.md it cannot
keep as it is (written by hand, or not a ledger at all), with the next step to take."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_tool.exceptions import LedgerError, ParseError
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.lifecycle.adopt import Adoption


def missing_files(ws: Workspace) -> tuple[dict[Path, str], list[str]]:
    """The packaged ERRORS.md, JOURNAL.md, TASKS.md and a default `.ledger.toml` for those the
    repository lacks (nothing is overwritten), and one line per file saying which it got."""
    from ledger_tool.config import DEFAULT_TOML, has_config
    from ledger_tool.files.shapes import read_packaged

    created: dict[Path, str] = {}
    lines = []
    for name in ("errors", "journal", "tasks"):
        path = ws.path(name)
        if path.exists():
            lines.append(f"kept     {ws.display(name)}")
        else:
            created[path] = read_packaged(f"{name.upper()}.md")
            lines.append(f"created  {ws.display(name)}")
    if not has_config(ws.root):
        created[ws.root / ".ledger.toml"] = DEFAULT_TOML
        lines.append("created  .ledger.toml")
    return created, lines


def refuse_unreadable(ws: Workspace, adopted: Callable[[], Adoption]) -> None:
    """Refuse, creating nothing, an ERRORS.md the ledger cannot keep as it is; list every
    problem at once and the next step.  `adopted()` is what `ledger adopt` would do, the
    problems of the check of its result included (asked only of a hand-written ERRORS.md)."""
    from ledger_tool.files import store
    from ledger_tool.files.errors_md import ErrorsFile
    from ledger_tool.lifecycle.adopt import hand_written

    display = ws.display("errors")
    text = store.read_text(ws.path("errors"), display)
    entries = hand_written(ws, text)
    try:
        ErrorsFile(display, text)
        if not entries:
            return
    except ParseError as exc:
        if not entries:
            raise LedgerError(
                f"{exc}\nnothing was created. {display} is not a ledger `ledger init` can keep: "
                f"fix it, or set `errors_file` in .ledger.toml to keep your {display} as it is "
                "and start the ledger in another file"
            ) from None
    found = adopted()
    lines = [
        f"{display} holds {len(entries)} error entries written by hand that the ledger "
        "cannot read as they are; nothing was created."
    ]
    if found.problems:
        lines += [f"{p}:{n}: {m}" for p, n, m in found.problems]
        lines.append(
            f"Fix these, then `ledger adopt` rewrites {display} into the ledger's format "
            "keeping every word (`ledger adopt --dry-run` first shows how);"
        )
    else:
        lines.append(
            f"Next: `ledger adopt --dry-run` shows how `ledger adopt` rewrites {display} "
            "into the ledger's format, keeping every word;"
        )
    lines.append(
        f"or set `errors_file` in .ledger.toml to keep your {display} as it is and start "
        "the ledger in another file."
    )
    raise LedgerError("\n".join(lines))
