"""What `ledger check` reads, and what it keeps between runs: the working tree, or the index for
the pre-commit hook; the fix commits through git only when there are any to look up (gitpython
is slow to import); per-block results and known commits in the cache (`files.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_tool import gitdirs
from ledger_tool.checks.problem import Problem
from ledger_tool.checks.run import Sources, check
from ledger_tool.exceptions import GitMissing, LedgerError
from ledger_tool.files import outlines, store
from ledger_tool.files.cache import Memory
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.gitlink.gitio import Repo

NAMES = ("errors", "journal", "tasks")


@dataclass(frozen=True)
class Checked:
    """What `ledger check` found in a workspace."""

    problems: list[Problem]
    no_git: bool  # git is not on PATH: the files were checked, the fix commits were not


def check_workspace(ws: Workspace, blobs: dict[str, str] | None = None) -> Checked:
    """The problems of the ledger in the working tree; with `blobs` (the index's blob of each
    ledger file it holds, as `gitlink.index.staged_blobs` gives them), of the commit being made."""
    repo = Git(ws)
    sources, errors_hashed = load_sources(ws, blobs)
    memory = Memory(ws, "check")
    problems = check(
        sources,
        ws.config,
        ws.tz,
        lambda shas: repo.missing(shas, memory),
        repo.shallow,
        memory.blocks,
        outlines.outline(ws, sources.errors[1], 3, errors_hashed),  # as the last command wrote it
        memory.clean,
    )
    memory.save()
    return Checked(problems, repo.no_git)


class Git:
    """The repository, opened only when a question needs it (gitpython is slow to import)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.no_git = False  # git is not on PATH: the files are checked, the commits are not

    @cached_property
    def repo(self) -> Repo | None:
        if gitdirs.git_dir(self.ws.root) is None:
            return None
        from ledger_tool.gitlink import gitio

        return gitio.open_repo(self.ws.root)

    def missing(self, shas: list[str], memory: Memory) -> set[str] | None:
        """Fix commits the repository does not have (each SHA found once is remembered)."""
        unknown = [sha for sha in shas if sha not in memory.commits]
        if not unknown:
            return set()
        try:
            if self.repo is None:
                return None
        except GitMissing:
            self.no_git = True
            return None
        from ledger_tool.gitlink import gitio

        absent = gitio.missing_commits(self.repo, unknown)
        memory.commits.update(sha for sha in unknown if sha not in absent)
        return absent

    def shallow(self) -> bool:
        if self.no_git:
            return False
        from ledger_tool.gitlink import gitio

        return self.repo is not None and gitio.is_shallow(self.repo)


def load_sources(
    ws: Workspace, blobs: dict[str, str] | None = None
) -> tuple[Sources, outlines.Hashed | None]:
    """The three texts, and the hash of ERRORS.md's bytes (taken while they are decoded); with
    `blobs` (path -> blob id), those the index holds come from it (`index.read_staged`), the
    others from the working tree."""
    staged: dict[str, bytes] = {}
    if blobs:
        from ledger_tool.gitlink import index

        staged = index.read_staged(ws.root, blobs)
    read: dict[str, bytes] = {}
    for name in NAMES:
        sha = (blobs or {}).get(ws.relative(name))
        if sha is not None:
            read[name] = staged[sha]
        elif ws.path(name).is_file():
            read[name] = ws.path(name).read_bytes()
    hashed = outlines.Hashed(read["errors"]) if "errors" in read else None
    texts = {
        name: (ws.display(name), store.decode(read[name], ws.display(name)))
        if name in read
        else None
        for name in NAMES
    }
    errors = texts["errors"]
    if errors is None:
        raise LedgerError(f"no {ws.display('errors')}; run `ledger init` to create the ledger")
    archive = "".join(store.read_text(path, str(path)) for path in ws.archive_files())
    return Sources(errors, texts["journal"], texts["tasks"], archive), hashed


def problems_after(ws: Workspace, changes: dict[Path, str]) -> list[tuple[str, int, str]]:
    """What `ledger check` would refuse once `changes` (new texts by path) are written: the
    files as they would be, the rest as they are (`ledger adopt` writes nothing if any)."""

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
