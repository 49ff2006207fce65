"""Where a repository's folders are: its root, its git folder, and the refusal of a bare one.

Found from the files alone (no git process): these are asked before anything else, by every
command, and by the hook path.
"""

from __future__ import annotations

import os
from pathlib import Path

from ledger_tool.exceptions import LedgerError


def find_root(start: Path) -> Path:
    """The top of the git work tree containing `start`, or `start` itself outside git."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def refuse_bare(start: Path, root: Path) -> None:
    """Refuse a bare repository (no work tree, so nowhere for the ledger's files): the one
    `GIT_DIR` names, or the one `start` is inside when no work tree was found above it."""
    named = os.environ.get("GIT_DIR")
    if named and not os.environ.get("GIT_WORK_TREE"):
        folder = (start / named).resolve()
        if _is_git_dir(folder) and _bare_config(folder):
            raise LedgerError(
                f"GIT_DIR points at {folder}, a bare repository: it has no work tree for the "
                f"ledger's files; unset GIT_DIR and run ledger in a clone (`git clone {folder}`)"
            )
    if (root / ".git").exists():
        return
    for folder in (start.resolve(), *start.resolve().parents):
        if _is_git_dir(folder):
            raise LedgerError(
                f"{folder} is a bare git repository: it has no work tree for the ledger's "
                f"files; run ledger in a clone of it (`git clone {folder}`) or a worktree "
                f"(`git -C {folder} worktree add PATH`)"
            )


def _is_git_dir(folder: Path) -> bool:
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def _bare_config(folder: Path) -> bool:
    """`core.bare` of the repository's own config file, read without starting git."""
    try:
        text = (folder / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    section = ""
    for line in text.splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if line.startswith("["):
            section = line[1:].split("]", 1)[0].strip().lower()
        elif section == "core":
            key, _, value = line.partition("=")
            if key.strip().lower() == "bare":
                return value.strip().lower() in ("true", "yes", "on", "1")
    return False


def git_dir(root: Path) -> Path | None:
    """The repository's git directory (following a worktree's `.git` file), if any.

    Read here, without git, though only gitlink/ asks git anything: it is where the lock's
    work files and the cache live, and finding them must not start git (or load gitpython) on
    the hook path and in read commands."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        text = dot.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            found = Path(text[len("gitdir:") :].strip())
            return found if found.is_absolute() else (root / found).resolve()
    return None


def work_dir(root: Path) -> Path:
    """Where temporary files and the transaction manifest live."""
    base = git_dir(root)
    return base / "ledger" if base is not None else root / ".ledger" / "tmp"
