"""What the read commands remember between runs, in `.git/ledger-cache/`, never in the work
tree.  Losing it only costs speed."""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import TYPE_CHECKING, Any

from ledger_tool import store
from ledger_tool.workspace import Workspace

if TYPE_CHECKING:
    from ledger_tool.checks import BlockResult
    from ledger_tool.model import Entry


class Memory:
    """What earlier runs found, in `.git/ledger-cache/NAME.pickle`: per-block check results and
    the fix commits known to exist (`check`), or the entries read from unchanged blocks
    (`entries`, for the read commands).

    Losing it only costs speed: a file that cannot be read or written is ignored.
    """

    def __init__(self, ws: Workspace, name: str) -> None:
        base = store.git_dir(ws.root)
        self.path = None if base is None else base / "ledger-cache" / f"{name}.pickle"
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
        self.entries: dict[bytes, Entry] = data.get("entries", {})
        self._saved = self._keys()

    def _keys(self) -> tuple[set[bytes], set[str], set[bytes]]:
        return set(self.blocks), set(self.commits), set(self.entries)

    def save(self) -> None:
        if self.path is None or self._saved == self._keys():
            return
        data = {"blocks": self.blocks, "commits": self.commits, "entries": self.entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, delete=False) as handle:
                pickle.dump({k: v for k, v in data.items() if v}, handle, pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
        except OSError:
            pass  # a read-only .git or a full disk: the next run starts from scratch
