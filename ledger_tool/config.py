"""Settings from `[tool.ledger]` in pyproject.toml or from `.ledger.toml`, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ledger_tool.exceptions import LedgerError


@dataclass(frozen=True)
class Config:
    """Where the files are and how the tool reads time; every key can be set in the config file."""

    errors_file: str = "ERRORS.md"
    journal_file: str = "JOURNAL.md"
    tasks_file: str = "TASKS.md"
    timezone: str = "UTC"
    areas: tuple[str, ...] = ()
    journal_max_lines: int = 500
    journal_archive_dir: str = "JOURNAL_ARCHIVE"
    recurrence_days: int = 30
    commit_url: str = ""
    # `ledger ingest`'s own rules, read and checked by ingest.rules.configured
    ingest_rules: tuple[dict[str, Any], ...] = ()
    source: str = field(default="defaults", compare=False)


_KEYS = {f.name: f for f in fields(Config) if f.name != "source"}

DEFAULT_TOML = """\
# ledger settings (https://github.com/ledger-tool/ledger); every key is optional.
errors_file = "ERRORS.md"
journal_file = "JOURNAL.md"
tasks_file = "TASKS.md"
timezone = "UTC"
# areas = ["inference", "training", "data"]   # when set, only these areas are accepted
journal_max_lines = 500
journal_archive_dir = "JOURNAL_ARCHIVE"
recurrence_days = 30
# commit_url = "https://example.com/repo/commit/{sha}"   # default: from the origin remote
# ingest_rules = [   # `ledger ingest`: your rules come before the built-in ones
#   {match = "loss is nan", category = "training_diverged", area = "training", severity = "P1"},
# ]
"""


def _typed(key: str, value: Any, where: str) -> Any:
    expected = _KEYS[key].type
    if key == "ingest_rules":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise LedgerError(
                f"{where}: 'ingest_rules' must be a list of tables, e.g. "
                '[{match = "NaN loss", category = "training_diverged", severity = "P1"}]'
            )
        return tuple(value)
    if expected == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LedgerError(f"{where}: '{key}' must be a list of strings")
        return tuple(value)
    kind = int if expected == "int" else str
    if not isinstance(value, kind) or isinstance(value, bool):
        raise LedgerError(f"{where}: '{key}' must be {'an integer' if kind is int else 'a string'}")
    if isinstance(value, int) and value < 1:
        raise LedgerError(f"{where}: '{key}' must be at least 1")
    return value


def _read_toml(path: Path, only_with: bytes = b"") -> dict[str, Any]:
    """The TOML file's tables; {} when its bytes hold neither `only_with` nor a backslash (a
    pyproject.toml that says nothing of the ledger is not parsed: tomllib is not even
    imported)."""
    data = path.read_bytes()
    if only_with not in data and b"\\" not in data:  # (a key may spell it with escapes)
        return {}
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{path.name}: {exc}; fix the TOML syntax") from exc


def load(root: Path) -> Config:
    """Read the configuration for the repository at `root` (defaults when there is none)."""
    dotfile = root / ".ledger.toml"
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] | None = None
    where = ""
    if dotfile.is_file():
        table, where = _read_toml(dotfile), ".ledger.toml"
    elif pyproject.is_file():
        table = _read_toml(pyproject, b"ledger").get("tool", {}).get("ledger")
        where = "pyproject.toml [tool.ledger]"
    if table is None:
        return Config()
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise LedgerError(
            f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(_KEYS))}"
        )
    values = {key: _typed(key, value, where) for key, value in table.items()}
    return Config(**values, source=where)


def has_config(root: Path) -> bool:
    """True when the repository already carries ledger settings."""
    if (root / ".ledger.toml").is_file():
        return True
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and "ledger" in _read_toml(pyproject, b"ledger").get("tool", {})
