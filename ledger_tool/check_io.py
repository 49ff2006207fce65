"""What `ledger check` reads (the working tree, or the index for the pre-commit hook) and what it
remembers between runs (in `.git/ledger-cache/`, never in the work tree).  No printing here."""

from __future__ import annotations

import os
import pickle
import tempfile
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ledger_tool import store
from ledger_tool.checks import BlockResult, Sources
from ledger_tool.errors import LedgerError
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    import git

NAMES = ("errors", "journal", "tasks")


class Git:
    """The repository, opened only when a question needs it (gitpython is slow to import)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    @cached_property
    def repo(self) -> git.Repo | None:
        if store.git_dir(self.ws.root) is None:
            return None
        from ledger_tool import gitio

        return gitio.open_repo(self.ws.root)

    def relative(self, name: str) -> str:
        return self.ws.path(name).resolve().relative_to(self.ws.root.resolve()).as_posix()

    def missing(self, shas: list[str], memory: Memory) -> set[str] | None:
        """Fix commits the repository does not have (each SHA found once is remembered)."""
        unknown = [sha for sha in shas if sha not in memory.commits]
        if not unknown:
            return set()
        if self.repo is None:
            return None
        from ledger_tool import gitio

        absent = gitio.missing_commits(self.repo, unknown)
        memory.commits.update(sha for sha in unknown if sha not in absent)
        return absent

    def shallow(self) -> bool:
        from ledger_tool import gitio

        return self.repo is not None and gitio.is_shallow(self.repo)


def load_sources(ws: Workspace, repo: Git, staged: bool) -> Sources | None:
    """The three texts; with `staged`, as the index holds them, and None when the commit being
    made touches none of them."""
    index = repo.repo if staged else None
    if index is not None:
        from ledger_tool import gitio

        if not gitio.staged_paths(index, [repo.relative(name) for name in NAMES]):
            return None
    texts: dict[str, tuple[str, str] | None] = {}
    for name in NAMES:
        text = None
        if index is not None:
            from ledger_tool import gitio

            text = gitio.staged_text(index, repo.relative(name))
        if text is None and ws.path(name).is_file():
            text = store.read_text(ws.path(name), ws.display(name))
        texts[name] = None if text is None else (ws.display(name), text)
    errors = texts["errors"]
    if errors is None:
        raise LedgerError(f"no {ws.display('errors')}; run `ledger init` to create the ledger")
    folder = ws.root / ws.config.journal_archive_dir
    archived = sorted(folder.glob("*.md")) if folder.is_dir() else []
    archive = "".join(store.read_text(path, str(path)) for path in archived)
    return Sources(errors, texts["journal"], texts["tasks"], archive)


class Memory:
    """What earlier checks found: per-block results and the fix commits known to exist.

    Losing it only costs speed: a file that cannot be read or written is ignored.
    """

    def __init__(self, ws: Workspace) -> None:
        base = store.git_dir(ws.root)
        self.path = None if base is None else base / "ledger-cache" / "check.pickle"
        data: dict[str, Any] = {}
        if self.path is not None and self.path.is_file():
            try:
                with self.path.open("rb") as handle:
                    loaded = pickle.load(handle)
                data = loaded if isinstance(loaded, dict) else {}
            except Exception:  # a damaged cache is only a lost speed-up
                data = {}
        self.blocks: dict[bytes, BlockResult] = data.get("blocks", {})
        self.commits: set[str] = data.get("commits", set())
        self._saved = (set(self.blocks), set(self.commits))

    def save(self) -> None:
        if self.path is None or self._saved == (set(self.blocks), set(self.commits)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, delete=False) as handle:
                data = {"blocks": self.blocks, "commits": self.commits}
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
        except OSError:
            pass  # a read-only .git or a full disk: the next check starts from scratch
