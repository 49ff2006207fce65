"""The one place that renders Jinja templates: packaged ones, or the repository's overrides.

A repository overrides any template by putting a file of the same name in `.ledger/templates/`.
Templates hold the wording and layout; Python hands in finished, already-escaped strings.

An override comes with whatever repository was cloned, so it is untrusted code: every template is
rendered in Jinja's immutable sandbox (no attribute starting with `_`, no `__globals__`, nothing
that changes a value), and includes, imports and extends only reach files inside the two template
folders.  A render is bounded too: `*` and `**` cannot build a value past a million items or
digits (Jinja already bounds `range`), and a render that runs past RENDER_SECONDS is stopped.  A
template that cannot be rendered is the repository's problem, reported with its file and line
(`LedgerError`), never our traceback.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.runtime
import jinja2.sandbox

from ledger_tool import bound
from ledger_tool.exceptions import LedgerError
from ledger_tool.files.shapes import OVERRIDE_DIR, Piece, Shape, field_line, packaged_dir
from ledger_tool.markdown.textcodec import printable

RENDER_SECONDS = 5.0  # ours take milliseconds; only a template that loops on and on gets near it
MAX_ITEMS = 1_000_000  # the longest string or list `*` may make, the most digits `**` may


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the operators that can make a huge value bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            sized, count = (left, right) if isinstance(right, int) else (right, left)
            sequence = isinstance(sized, str | list | tuple) and isinstance(count, int)
            if sequence and len(sized) * count > MAX_ITEMS:
                raise jinja2.exceptions.SecurityError(
                    f"`*` would make a value of more than {MAX_ITEMS:,} items"
                )
            return left * right
        powers = isinstance(left, int) and isinstance(right, int) and abs(left) > 1
        if powers and right * abs(left).bit_length() > MAX_ITEMS * 3.33:  # a million digits
            raise jinja2.exceptions.SecurityError(
                f"`**` would make a number of more than {MAX_ITEMS:,} digits"
            )
        return super().call_binop(context, operator, left, right)


class _Folders(jinja2.BaseLoader):
    """Loads a template by plain relative name from the first folder that has it; an absolute
    name, a `..`, a backslash or a symbolic link leading out of its folder is refused, so that a
    template can read no other file of the machine."""

    def __init__(self, root: Path, folders: list[Path]) -> None:
        self.root = root
        self.folders = folders

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = template.split("/")
        if template.startswith("/") or "\\" in template or ".." in pieces or ":" in template:
            raise jinja2.TemplateNotFound(
                template,
                f"{template!r} is not a template name: name a file of {OVERRIDE_DIR} or of the "
                "packaged templates by its plain relative name (no absolute path, no `..`)",
            )
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if path.is_file():
                return self._read(folder, path, template)
        raise jinja2.TemplateNotFound(
            template, f"no template {template!r} in {OVERRIDE_DIR} or the packaged templates"
        )

    def _read(self, folder: Path, path: Path, name: str) -> tuple[str, str, Callable[[], bool]]:
        real = path.resolve()
        if not real.is_relative_to(folder.resolve()) or not self._inside(folder):
            raise jinja2.TemplateNotFound(
                name, f"{self._shown(path)} is a symbolic link out of its template folder"
            )
        try:
            text = real.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise jinja2.TemplateNotFound(name, f"{self._shown(path)} is not UTF-8 text") from None
        mtime = os.path.getmtime(real)
        return text, str(path), lambda: os.path.exists(real) and os.path.getmtime(real) == mtime

    def _inside(self, folder: Path) -> bool:
        """The override folder must be the repository's own, not a link to somewhere else."""
        if folder != self.root / OVERRIDE_DIR:
            return True
        return folder.resolve().is_relative_to(self.root.resolve())

    def _shown(self, path: Path) -> str:
        return (
            path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        )


@cache
def _environment(root: Path, pages: bool = False) -> jinja2.Environment:
    """The sandboxed Jinja environment of a repository; for `pages` (reports), autoescape is on
    for HTML templates (`*.html.j2`).  Compiled templates are kept in .git/ledger-cache/ between
    runs (in folders of their own: code compiled outside the sandbox must never be reused)."""
    loader = _Folders(root, [root / OVERRIDE_DIR, packaged_dir()])
    autoescape = jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False)
    return _Sandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape if pages else False,
        bytecode_cache=_bytecode_cache(root, "pages" if pages else "entries"),
    )


def _bytecode_cache(root: Path, kind: str) -> jinja2.BytecodeCache | None:
    from ledger_tool import gitdirs

    base = gitdirs.git_dir(root)
    if base is None:
        return None
    folder = base / "ledger-cache" / f"templates-sandboxed-{kind}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only .git: compile each time
    return jinja2.FileSystemBytecodeCache(str(folder))


def _place(root: Path, exc: BaseException) -> tuple[Path, int] | None:
    """The override template file and line where `exc` arose (Jinja rewrites its traceback so
    that template code shows as the template's file and line), or None when no override is
    involved (then the fault is in a packaged template: ours)."""
    override = root / OVERRIDE_DIR
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        places = [(exc.filename, exc.lineno)]
    else:
        places = [(f.filename, f.lineno or 0) for f in traceback.extract_tb(exc.__traceback__)]
    for filename, line in reversed(places):
        path = Path(filename)
        if path.is_relative_to(override):
            return path, line
        if path.is_relative_to(packaged_dir()):
            return None
    return None


def _failed(root: Path, name: str, exc: Exception) -> LedgerError | None:
    """The message for a template that cannot be rendered, or None when it is a packaged one."""
    place = _place(root, exc)
    if place is None:
        if not isinstance(exc, jinja2.TemplateNotFound):
            return None
        place = (root / OVERRIDE_DIR / name, 0)  # the override itself is refused
    path, line = place
    shown = path.relative_to(root).as_posix()
    if isinstance(exc, jinja2.TemplateNotFound):
        reason = exc.message or f"no template {exc.name!r}"
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        reason = f"not allowed in a template ({exc})"
    else:
        reason = str(exc) or type(exc).__name__
    where = f"{shown}:{line}" if line else shown
    return LedgerError(
        f"{where}: the template cannot be rendered: {printable(reason)}; fix {shown}, or delete "
        "it to use the packaged template"
    )


def _run(root: Path, name: str, pages: bool, context: dict[str, Any]) -> str:
    """Load and render `name`; an override's fault becomes a `LedgerError` naming its line."""
    try:
        template = _environment(root, pages).get_template(name)
    except jinja2.TemplateNotFound as exc:
        if exc.name == name and exc.message and exc.message.startswith("no template"):
            raise FileNotFoundError(f"template {name} not found") from exc
        error = _failed(root, name, exc)
        raise (error or exc) from None
    except Exception as exc:
        error = _failed(root, name, exc)
        if error is None:
            raise
        raise error from None
    try:
        with bound.time_limit(RENDER_SECONDS, lambda: _too_long(root, name)):
            return template.render(**context)
    except LedgerError:
        raise
    except Exception as exc:
        error = _failed(root, name, exc)
        if error is None:
            raise
        raise error from None


def _too_long(root: Path, name: str) -> LedgerError:
    override = root / OVERRIDE_DIR / name
    shown = override.relative_to(root).as_posix() if override.is_file() else name
    return LedgerError(
        f"{shown}: the template ran for more than {RENDER_SECONDS:g} s and was stopped (a loop "
        f"that never ends?); fix {shown}, or delete it to use the packaged template"
    )


def render(root: Path, name: str, values: Mapping[str, str], **context: str) -> str:
    """Render template `name` with field `values` (stored form) and plain `context` strings."""

    def field(field_name: str) -> str:
        return field_line(field_name, values.get(field_name, ""))

    def bullet(field_name: str) -> str:
        return field_line(field_name, values.get(field_name, ""), bullet=True)

    def has(field_name: str) -> bool:
        return bool(values.get(field_name))

    return _run(root, name, False, {"field": field, "bullet": bullet, "has": has, **context})


_MARK = re.compile("\x00([0-9]+)\x00")


def shape_of(
    root: Path, name: str, values: Mapping[str, str], context: Mapping[str, str]
) -> Shape | None:
    """What template `name` prints for `values` with a marker for each field line and context
    string (`shapes`), and the `has` calls it made; None when a marker came out changed."""
    holes: list[tuple[str, str]] = []
    asked: list[tuple[str, bool]] = []

    def hole(kind: str, hole_name: str) -> str:
        holes.append((kind, hole_name))
        return f"\x00{len(holes) - 1}\x00"

    def has(field_name: str) -> bool:
        asked.append((field_name, bool(values.get(field_name))))
        return asked[-1][1]

    marked = {key: hole("context", key) for key in context}
    text = _run(
        root,
        name,
        False,
        {
            "field": lambda field_name: hole("field", field_name),
            "bullet": lambda field_name: hole("bullet", field_name),
            "has": has,
            **marked,
        },
    )
    parts = _MARK.split(text)
    pieces: list[Piece] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if "\x00" in part:
                return None
            if part:
                pieces.append(part)
        else:
            pieces.append(holes[int(part)])
    return tuple(asked), tuple(pieces)


def render_page(root: Path, name: str, **context: object) -> str:
    """Render a report template with any values; an HTML one escapes every value it prints."""
    return _run(root, name, True, context)
