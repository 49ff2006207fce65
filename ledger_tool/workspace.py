"""Where a ledger lives: the repository root, its settings and its time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from ledger_tool import store
from ledger_tool.config import Config, load
from ledger_tool.timefmt import zone


@dataclass(frozen=True)
class Workspace:
    """Where the ledger lives and how it reads time."""

    root: Path
    config: Config
    tz: tzinfo

    @classmethod
    def find(cls, start: Path) -> Workspace:
        root = store.find_root(start)
        store.refuse_bare(start, root)
        config = load(root)
        return cls(root, config, zone(config.timezone))

    def path(self, name: str) -> Path:
        """The path of the `errors`, `journal` or `tasks` file."""
        return self.root / str(getattr(self.config, f"{name}_file"))

    def display(self, name: str) -> str:
        """How messages name the `errors`, `journal` or `tasks` file."""
        return str(getattr(self.config, f"{name}_file"))

    @property
    def archive_dir(self) -> Path:
        """The folder whole old journal entries move to (`JOURNAL_ARCHIVE/YYYY-MM.md`)."""
        return self.root / self.config.journal_archive_dir

    def archive_files(self) -> list[Path]:
        """The journal archive's monthly files, oldest month first."""
        folder = self.archive_dir
        return sorted(folder.glob("*.md")) if folder.is_dir() else []

    def relative(self, name: str) -> str:
        """The path of the `errors`, `journal` or `tasks` file from the repository's top, as
        git names it."""
        return self.path(name).resolve().relative_to(self.root.resolve()).as_posix()
