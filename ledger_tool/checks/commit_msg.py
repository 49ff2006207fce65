"""The commit-msg hook's check (`ledger check --commit-msg FILE`): each `Fixes:`/`Refs:` trailer
must name an error of the ledger the commit holds.

It returns what it found; the CLI says it and picks the exit code.  The message is read in two
steps so that the hint about loose lines is given even when the ledger then cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_tool.exceptions import LedgerError
from ledger_tool.files import store
from ledger_tool.files.errors_md import ErrorsFile
from ledger_tool.model.trailers import loose_lines
from ledger_tool.model.trailers import words as trailer_words
from ledger_tool.model.vocabulary import ID_RE
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.gitlink.gitio import Repo


@dataclass(frozen=True)
class Message:
    """A commit message as the hook reads it."""

    repo: Repo
    trailers: dict[str, list[str]]  # `Fixes:`/`Refs:` values, by key, as git (and sync) read them
    loose: list[str]  # lines naming an error that git does not read as trailers: sync ignores them


@dataclass(frozen=True)
class Verdict:
    """What the trailers name."""

    unknown: list[str]  # each `Key: ID` that names no error: the commit is refused
    resolved: list[str]  # IDs a `Fixes:` names that are already resolved (allowed: amending a fix)
    active: list[str]  # the IDs of the active errors, to list in the refusal


def read_message(ws: Workspace, message_file: str) -> Message:
    from ledger_tool.gitlink import gitio

    repo = gitio.open_repo(ws.root)
    if repo is None:
        raise LedgerError("--commit-msg needs a git repository")
    trailers = gitio.trailer_ids(repo, message_file)
    loose = loose_lines(store.read_text(Path(message_file), message_file), trailers)
    return Message(repo, trailers, loose)


def check_trailers(ws: Workspace, message: Message) -> Verdict:
    """The verdict on the message's trailers against ERRORS.md as staged (as in the working tree
    when it is not staged); read only when a trailer has a value."""
    if not any(message.trailers.values()):
        return Verdict([], [], [])
    from ledger_tool.gitlink import gitio

    text = gitio.staged_text(message.repo, ws.relative("errors"))
    if text is None:
        path = ws.path("errors")
        text = store.read_text(path, ws.display("errors")) if path.is_file() else ""
    doc = ErrorsFile(ws.display("errors"), text, strict=False) if text else None
    return judge(doc, message.trailers)


def judge(doc: ErrorsFile | None, trailers: dict[str, list[str]]) -> Verdict:
    """The verdict on `Fixes:`/`Refs:` trailer values against an ERRORS.md (None: there is none).
    `Fixes: #12` and the like are not the ledger's; an ERR-word that is no ID
    (`ERR-2026-11-20-001-typo`) names no error, as for sync."""
    known = doc.blocks if doc is not None else {}
    unknown: list[str] = []
    resolved: list[str] = []
    for key, values in trailers.items():
        for value in values:
            for token in trailer_words(value):
                if not ID_RE.fullmatch(token):
                    unknown.append(f"{key}: {token} (not an ID: ERR-YYYY-MM-DD-NNN)")
                elif token not in known:
                    unknown.append(f"{key}: {token}")
                elif key == "Fixes" and known[token].section == "resolved":
                    resolved.append(token)
    return Verdict(unknown, resolved, doc.order["active"] if doc is not None else [])
