"""Where a ledger lives: the repository root, its settings and its time zone.

Every place the ledger reads or writes is checked here once, before any command uses it: it
must lie inside the repository (a configured `../x.md`, or a symbolic link pointing out of the
repository, would make `ledger` change files git does not track), and be a file or folder as
expected.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from ledger_tool import gitdirs
from ledger_tool.config import Config, load
from ledger_tool.exceptions import LedgerError
from ledger_tool.model.timefmt import zone

FILE_KEYS = ("errors_file", "journal_file", "tasks_file")


@dataclass(frozen=True)
class Workspace:
    """Where the ledger lives and how it reads time."""

    root: Path
    config: Config
    tz: tzinfo

    @classmethod
    def find(cls, start: Path) -> Workspace:
        root = gitdirs.find_root(start)
        gitdirs.refuse_bare(start, root)
        config = load(root)
        ws = cls(root, config, zone(config.timezone))
        ws._check_places()
        return ws

    def _check_places(self) -> None:
        where = self.config.source if self.config.source != "defaults" else ".ledger.toml"
        for key in FILE_KEYS:
            value = str(getattr(self.config, key))
            path = self.inside(self.root / value, f"{key} = {value!r} in {where}")
            if path.is_dir():
                raise LedgerError(
                    f"{value} is a folder, but the ledger keeps a file there; move the folder "
                    f"away, or set {key} in {where} to another file"
                )
        value = self.config.journal_archive_dir
        path = self.inside(self.archive_dir, f"journal_archive_dir = {value!r} in {where}")
        if path.exists() and not path.is_dir():
            raise LedgerError(
                f"{value} is a file, but the journal archive is a folder; move the file away, "
                f"or set journal_archive_dir in {where} to another folder"
            )

    def inside(self, path: Path, setting: str) -> Path:
        """`path`, refused when it leads outside the repository (through `..`, an absolute
        path or a symbolic link); `setting` names where the path comes from."""
        top = self.root.resolve()
        try:
            real = path.resolve()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
            raise LedgerError(f"{path}: {exc}; replace the symbolic link with the file") from exc
        if real.is_relative_to(top):
            return path
        shown = os.path.relpath(path, self.root)
        if Path(os.path.normpath(path)).is_relative_to(self.root):
            raise LedgerError(
                f"{shown} leads through a symbolic link to {real}, outside the repository; ledger writes "
                "only files git tracks here: replace the link with the file or folder itself"
            )
        raise LedgerError(
            f"{setting} leads outside the repository ({real}); give a path inside the "
            "repository, relative to its top"
        )

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
