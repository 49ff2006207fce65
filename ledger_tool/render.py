"""The one place that renders Jinja templates: packaged ones, or the repository's overrides.

A repository overrides any template by putting a file of the same name in `.ledger/templates/`.
Templates hold the wording and layout; Python hands in finished, already-escaped strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import jinja2

OVERRIDE_DIR = Path(".ledger") / "templates"


def packaged_dir() -> Path:
    """The templates shipped with the tool (inside the wheel, or at the top of a source checkout)."""
    inside = Path(__file__).parent / "templates"
    return inside if inside.is_dir() else Path(__file__).parent.parent / "templates"


@cache
def _environment(root: Path, pages: bool = False) -> jinja2.Environment:
    """The Jinja environment of a repository; for `pages` (reports), autoescape is on for HTML
    templates (`*.html.j2`).  Compiled templates are kept in .git/ledger-cache/ between runs."""
    loader = jinja2.FileSystemLoader([str(root / OVERRIDE_DIR), str(packaged_dir())])
    autoescape = jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False)
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape if pages else False,
        bytecode_cache=_bytecode_cache(root, "pages" if pages else "entries"),
    )


def _bytecode_cache(root: Path, kind: str) -> jinja2.BytecodeCache | None:
    from ledger_tool import store

    base = store.git_dir(root)
    if base is None:
        return None
    folder = base / "ledger-cache" / f"templates-{kind}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only .git: compile each time
    return jinja2.FileSystemBytecodeCache(str(folder))


def field_line(name: str, raw: str, bullet: bool = False) -> str:
    """`**Name**: value` (or `- **Name**: value`); a multi-line value continues on the next lines."""
    first, _, rest = raw.partition("\n")
    line = f"{'- ' if bullet else ''}**{name}**:{' ' + first if first else ''}"
    return f"{line}\n{rest}" if rest or raw.endswith("\n") else line


def render(root: Path, name: str, values: Mapping[str, str], **context: str) -> str:
    """Render template `name` with field `values` (stored form) and plain `context` strings."""
    try:
        template = _environment(root).get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise FileNotFoundError(f"template {name} not found") from exc

    def field(field_name: str) -> str:
        return field_line(field_name, values.get(field_name, ""))

    def bullet(field_name: str) -> str:
        return field_line(field_name, values.get(field_name, ""), bullet=True)

    def has(field_name: str) -> bool:
        return bool(values.get(field_name))

    return template.render(field=field, bullet=bullet, has=has, **context)


def render_page(root: Path, name: str, **context: object) -> str:
    """Render a report template with any values; an HTML one escapes every value it prints."""
    try:
        template = _environment(root, pages=True).get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise FileNotFoundError(f"template {name} not found") from exc
    return template.render(**context)


def read_packaged(name: str) -> str:
    """A packaged file (such as the starting ERRORS.md) as text."""
    return (packaged_dir() / name).read_text(encoding="utf-8")
