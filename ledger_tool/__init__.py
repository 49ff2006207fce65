"""ledger: a team's critical-error ledger, journal and tasks as checked Markdown in git."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib is imported where it is used: `ledger --help` needs none of it
    from pathlib import Path

__version__ = "0.1.0"


def packaged(inside: str, checkout: str) -> Path:
    """A folder shipped with the tool: `ledger_tool/INSIDE` in an installed wheel, or `CHECKOUT`
    at the top of a source checkout (an editable install)."""
    from importlib import resources
    from pathlib import Path

    package = Path(str(resources.files(__name__)))
    found = package / inside
    return found if found.is_dir() else package.parent / checkout
