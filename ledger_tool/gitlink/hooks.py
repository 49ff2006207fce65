"""Installing, removing and reporting the raw git hooks and the merge driver (`ledger hooks`).

The hook scripts ship with the tool (`hooks/` in a checkout, `ledger_tool/hooks` in the wheel).
Installing one writes it with the absolute path of the installing Python into the directory git
runs hooks from (`core.hooksPath` respected).  A hook already there is moved aside to
`NAME.ledger-chained`, which ours runs first; a marker line tells ours from anyone else's, so
uninstall removes only its own and puts the chained hook back.  The merge driver is a `merge.ledger`
section in the repository's git config plus one `.gitattributes` line per ledger file.
"""

from __future__ import annotations

import os
import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_tool import packaged
from ledger_tool.exceptions import LedgerError
from ledger_tool.files import store
from ledger_tool.gitlink import gitio  # gitio first: it says plainly when git is missing

if TYPE_CHECKING:
    import git

HOOK_NAMES = ("pre-commit", "commit-msg", "post-commit", "post-rewrite", "post-merge")
MARKER = "# ledger-hook:"
CHAINED = ".ledger-chained"
PYTHON_LINE = "LEDGER_PYTHON="
FILES_LINE = "LEDGER_FILES="
DRIVER_NAME = "ledger merge driver"
DRIVER_COMMAND = "-m ledger_tool merge-driver %O %A %B %P"
ATTRIBUTES = ".gitattributes"


@dataclass(frozen=True)
class Status:
    """What `ledger hooks status` reports; every state is a word a script can compare."""

    hooks_dir: str
    hooks: dict[str, str]  # name -> installed | outdated | foreign | missing
    chained: dict[str, bool]  # name -> a previous hook is kept and run first
    driver: str  # installed | outdated | foreign | missing
    attributes: dict[str, str]  # ledger file -> its `merge` attribute as git sees it


def scripts_dir() -> Path:
    """The hook scripts shipped with the tool (inside the wheel, or at the top of a checkout)."""
    return packaged("hook_scripts", "hooks")


def script(name: str, python: str, files: Sequence[str]) -> str:
    """Hook `name` as installed: the shipped script calling the ledger of `python`, and knowing
    the ledger's `files` (so that a commit which touches none of them starts no Python)."""
    if not python:
        raise LedgerError("cannot tell which Python runs ledger; run `python -m ledger_tool ...`")
    text = (scripts_dir() / name).read_text(encoding="utf-8")
    names = " ".join(shlex.quote(f) for f in files)
    settings = {PYTHON_LINE: shlex.quote(python), FILES_LINE: shlex.quote(names)}
    lines = []
    for line in text.splitlines(keepends=True):
        key = next((k for k in settings if line.startswith(k)), None)
        lines.append(line if key is None else f"{key}{settings[key]}\n")
    return "".join(lines)


def merge_driver(python: str) -> str:
    """The `merge.ledger.driver` command for `python` (git runs it through the shell)."""
    return f"{shlex.quote(python)} {DRIVER_COMMAND}"


def _repo(root: Path) -> git.Repo:
    repo = gitio.open_repo(root)
    if repo is None:
        raise LedgerError(f"{root} is not a git repository; run `git init` first")
    return repo


def hooks_dir(repo: git.Repo) -> Path:
    """Where git runs this repository's hooks from: `core.hooksPath` or `.git/hooks`."""
    found = repo.git.rev_parse("--git-path", "hooks")
    return Path(repo.working_tree_dir or repo.git_dir, found)


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(400).decode("utf-8", "replace")
    except OSError:
        return False
    return any(line.startswith(MARKER) for line in head.splitlines()[:3])


def _state(path: Path, expected: str) -> str:
    if not path.exists() and not path.is_symlink():
        return "missing"
    if not _is_ours(path):
        return "foreign"
    return "installed" if path.read_text(encoding="utf-8") == expected else "outdated"


def _write_executable(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.ledger-tmp")
    temp.write_text(text, encoding="utf-8")
    os.chmod(temp, 0o755)
    os.replace(temp, path)


def _install_hook(folder: Path, name: str, text: str) -> list[tuple[str, str]]:
    path, chained = folder / name, folder / (name + CHAINED)
    state = _state(path, text)
    if state == "installed":
        return [("kept", name)]
    done = [("updated" if state == "outdated" else "installed", name)]
    if state == "foreign":
        if chained.exists() or chained.is_symlink():
            raise LedgerError(
                f"{path} is not ledger's hook and {chained.name} is taken already; move one of "
                "them away and run `ledger hooks install` again"
            )
        os.replace(path, chained)
        done.append(("chained", f"{chained.name} (the hook that was there; it runs first)"))
    _write_executable(path, text)
    return done


def _uninstall_hook(folder: Path, name: str) -> list[tuple[str, str]]:
    path, chained = folder / name, folder / (name + CHAINED)
    done = []
    if _is_ours(path):
        path.unlink()
        done.append(("removed", name))
    if chained.exists() and not (path.exists() or path.is_symlink()):
        os.replace(chained, path)
        done.append(("restored", f"{name} (the hook that was there before)"))
    return done


def _config(repo: git.Repo, key: str) -> str:
    try:
        return str(repo.git.config("--local", "--get", key))
    except gitio.GitError:
        return ""  # git config exits 1 when the key is not set


def _driver_state(repo: git.Repo, python: str) -> str:
    value = _config(repo, "merge.ledger.driver")
    if not value:
        return "missing"
    if value == merge_driver(python):
        return "installed"
    return "outdated" if value.endswith(DRIVER_COMMAND) else "foreign"


def attribute_line(name: str) -> str:
    """The `.gitattributes` line that gives ledger file `name` (from the root) the merge driver."""
    pattern = "/" + _normal(name)
    if any(c.isspace() or c in '"\\' for c in pattern):
        escaped = pattern.replace("\\", "\\\\").replace('"', '\\"')
        pattern = f'"{escaped}"'
    return f"{pattern} merge=ledger"


def _normal(name: str) -> str:
    return posixpath.normpath(Path(name).as_posix())


def merge_attributes(repo: git.Repo, files: Sequence[str]) -> dict[str, str]:
    """Each file's `merge` attribute as git resolves it from every attributes file."""
    out = repo.git.check_attr("-z", "merge", "--", *map(_normal, files))
    fields = out.split("\0")
    return {fields[i]: fields[i + 2] for i in range(0, len(fields) - 2, 3)}


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _add_attributes(root: Path, lines: list[str]) -> None:
    path = root / ATTRIBUTES
    text = store.read_text(path, ATTRIBUTES) if path.exists() else ""
    eol = _newline(text)
    if text and not text.endswith("\n"):
        text += eol
    text += "".join(line + eol for line in lines)
    store.write_files(root, {path: text})


def _remove_attributes(root: Path, files: Sequence[str]) -> list[str]:
    path = root / ATTRIBUTES
    if not path.exists():
        return []
    ours = {attribute_line(name) for name in files}
    kept: list[str] = []
    removed: list[str] = []
    for line in store.read_text(path, ATTRIBUTES).splitlines(keepends=True):
        (removed if line.rstrip("\r\n") in ours else kept).append(line)
    if removed and not "".join(kept).strip():
        path.unlink()  # nothing of the user's was in it
    elif removed:
        store.write_files(root, {path: "".join(kept)})
    return [line.rstrip("\r\n") for line in removed]


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _placement_note(repo: git.Repo, folder: Path) -> str | None:
    """What the user should know about where `core.hooksPath` puts the hooks, if anything."""
    where = folder.resolve()
    if where.is_relative_to(Path(repo.common_dir).resolve()):
        return None
    if repo.working_tree_dir and where.is_relative_to(Path(repo.working_tree_dir).resolve()):
        return (
            "that folder is in the work tree: the hooks name this machine's Python, so do not "
            "commit them; each clone runs `ledger hooks install`"
        )
    return "that folder is outside this repository: the hooks run in every repository using it"


def install(root: Path, python: str, files: Sequence[str]) -> list[tuple[str, str]]:
    """Install the hooks, the merge driver and its attributes; returns what was done as
    (action, subject) pairs.  Installing twice is installing once."""
    repo = _repo(root)
    folder = hooks_dir(repo)
    texts = {name: script(name, python, files) for name in HOOK_NAMES}
    done = [("hooks in", _shown(root, folder))]
    note = _placement_note(repo, folder)
    if note is not None:
        done.append(("note", note))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            done += _install_hook(folder, name, text)
    except OSError as exc:
        raise LedgerError(f"cannot write the hooks into {folder}: {exc.strerror}") from exc
    if _driver_state(repo, python) != "installed":
        repo.git.config("--local", "merge.ledger.name", DRIVER_NAME)
        repo.git.config("--local", "merge.ledger.driver", merge_driver(python))
    done.append(("driver", f"merge.ledger.driver = {merge_driver(python)}"))
    lines = [
        attribute_line(name)
        for name, value in merge_attributes(repo, files).items()
        if value != "ledger"
    ]
    if lines:
        with store.locked(root):
            _add_attributes(root, lines)
    done += [("added", f"{ATTRIBUTES}: {line}") for line in lines]
    return done


def uninstall(root: Path, files: Sequence[str]) -> list[tuple[str, str]]:
    """Remove ledger's hooks (restoring any they chained), its merge driver and its attribute
    lines, and nothing else; returns what was done as (action, subject) pairs."""
    repo = _repo(root)
    folder = hooks_dir(repo)
    done = [("hooks in", _shown(root, folder))]
    for name in HOOK_NAMES:
        done += _uninstall_hook(folder, name)
    if _config(repo, "merge.ledger.driver").endswith(DRIVER_COMMAND):
        repo.git.config("--local", "--unset-all", "merge.ledger.driver")
        if _config(repo, "merge.ledger.name") == DRIVER_NAME:
            repo.git.config("--local", "--unset-all", "merge.ledger.name")
        done.append(("removed", "the merge.ledger driver from the git config"))
    with store.locked(root):
        removed = _remove_attributes(root, files)
    done += [("removed", f"{ATTRIBUTES}: {line}") for line in removed]
    return done


def status(root: Path, python: str, files: Sequence[str]) -> Status:
    """What is installed, compared with what `install` from `python` would write."""
    repo = _repo(root)
    folder = hooks_dir(repo)
    return Status(
        hooks_dir=_shown(root, folder),
        hooks={name: _state(folder / name, script(name, python, files)) for name in HOOK_NAMES},
        chained={name: (folder / (name + CHAINED)).exists() for name in HOOK_NAMES},
        driver=_driver_state(repo, python),
        attributes=merge_attributes(repo, files),
    )
