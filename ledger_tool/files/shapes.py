"""Packaged templates rendered from what they printed before, without importing Jinja (about
25 ms of every `ledger open`, `resolve` and `ingest`).

A packaged entry template reads its values only through `field`, `bullet` and `has`, and prints
its context strings (`id`, `time`, ...) as they are.  So what it prints is fixed by the answers
its `has` calls get: Jinja renders it once with a marker in place of each field line and context
string, and that shape (the text between the markers, and what each marker stands for) is kept in
`.git/ledger-cache/template-shapes.pickle` with those answers, under a hash of the template's
source.  A later render whose `has` answers are the same fills the shape in.  A shape is kept only
when filling it in gives exactly what Jinja rendered.  A repository's override
(`.ledger/templates/NAME`) is always rendered by Jinja, in its sandbox; without a git folder,
every render is Jinja's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from hashlib import sha256
from pathlib import Path

from ledger_tool import gitdirs, packaged
from ledger_tool.files.cache import read_stamped, write_stamped

OVERRIDE_DIR = Path(".ledger") / "templates"
VERSION = b"shapes-1"  # change it when Jinja's settings in `templates` or a hole's meaning change
# A piece of a shape: text printed as it is, or a hole ("field" | "bullet" | "context", name).
Piece = str | tuple[str, str]
# What the `has` calls of one render asked and were answered, in order; and what it printed.
Shape = tuple[tuple[tuple[str, bool], ...], tuple[Piece, ...]]


def packaged_dir() -> Path:
    """The templates shipped with the tool (inside the wheel, or at the top of a source checkout)."""
    return packaged("templates", "templates")


def read_packaged(name: str) -> str:
    """A packaged file (such as the starting ERRORS.md) as text."""
    return (packaged_dir() / name).read_text(encoding="utf-8")


def field_line(name: str, raw: str, bullet: bool = False) -> str:
    """`**Name**: value` (or `- **Name**: value`); a multi-line value continues on the next lines."""
    first, _, rest = raw.partition("\n")
    line = f"{'- ' if bullet else ''}**{name}**:{' ' + first if first else ''}"
    return f"{line}\n{rest}" if rest or raw.endswith("\n") else line


def fill(pieces: tuple[Piece, ...], values: Mapping[str, str], context: Mapping[str, str]) -> str:
    """The text a shape stands for, given the render's field values and context strings."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            kind, name = piece
            if kind == "context":
                out.append(context[name])
            else:
                out.append(field_line(name, values.get(name, ""), bullet=kind == "bullet"))
    return "".join(out)


def filled(
    root: Path, name: str, values: Mapping[str, str], context: Mapping[str, str]
) -> str | None:
    """Template `name` rendered for field `values` and `context` strings from a kept shape;
    None when it has none for these values (then Jinja renders it, and `keep` is called)."""
    key, path = _where(root, name)
    if key is None or path is None:
        return None
    kept = read_stamped(path, {})
    try:
        for asked, pieces in kept.get(key, ()) if isinstance(kept, dict) else ():
            if all(bool(values.get(field)) == answer for field, answer in asked):
                return fill(pieces, values, context)
    except (TypeError, ValueError, KeyError):  # not shapes of this version: Jinja's turn
        pass
    return None


def keep(
    root: Path,
    name: str,
    values: Mapping[str, str],
    context: Mapping[str, str],
    text: str,
    shape_of: Callable[[], Shape | None],
) -> None:
    """Keep the shape `shape_of()` gives of `text`, what Jinja rendered for `values` and
    `context`, if filling it in gives `text` back (a packaged template, a git folder)."""
    key, path = _where(root, name)
    if key is None or path is None:
        return
    shape = shape_of()
    if shape is None or fill(shape[1], values, context) != text:
        return
    loaded = read_stamped(path, {})
    kept: dict[bytes, list[Shape]] = loaded if isinstance(loaded, dict) else {}
    sources = {_source_key(n) for n in _NAMES if n != name}
    others = {k: v for k, v in kept.items() if k in sources}  # old sources' shapes go
    write_stamped(path, {**others, key: [shape, *kept.get(key, [])]})


_NAMES = ("error_active.md.j2", "error_resolved.md.j2", "journal_entry.md.j2", "task.md.j2")


def _source_key(name: str) -> bytes | None:
    try:
        source = (packaged_dir() / name).read_bytes()
    except OSError:
        return None
    return sha256(VERSION + b"\0" + name.encode() + b"\0" + source).digest()[:16]


def _where(root: Path, name: str) -> tuple[bytes | None, Path | None]:
    """The key of the packaged template `name`'s shapes and the file they are kept in; None
    when it must go to Jinja (an override of it, a template of another kind, no git folder)."""
    if name not in _NAMES or os.path.lexists(root / OVERRIDE_DIR / name):
        return None, None
    base = gitdirs.git_dir(root)
    if base is None:
        return None, None
    return _source_key(name), base / "ledger-cache" / "template-shapes.pickle"
