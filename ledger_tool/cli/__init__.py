"""The command line: the only package that imports click, prints, reads the clock or picks exit codes.

`main` is the console script's entry point (the hook scripts call it too).  `ledger --help` is
answered from `help.txt`, the group's help as click prints it (a test keeps the two the same), so
that it costs no more than starting Python; everything else goes to the group in `group.py`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_HELP = ("--help", "-h")


def main() -> None:
    """Entry point of the `ledger` console script."""
    if len(sys.argv) == 2 and sys.argv[1] in _HELP and _print_help():
        return
    import gc

    # A run reads tens of thousands of entries and keeps them all: with the default threshold
    # the cyclic collector walks that growing heap again and again (a third of `ledger list`
    # at 20,000 entries, growing faster than the ledger).  A short process can collect rarely.
    gc.set_threshold(100_000, 20, 100)
    from ledger_tool.cli.group import cli

    cli(prog_name="ledger")


def _columns() -> int:
    """The terminal's width as click reads it (`shutil.get_terminal_size`, without importing
    shutil): $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _print_help() -> bool:
    """Print the stored help when click would print the same (its width is the terminal's, at
    most 80 columns); False when it would not, or the file cannot be read (then click does)."""
    if _columns() < 80:
        return False
    try:  # next to this module, in a wheel as in a checkout
        with open(os.path.join(os.path.dirname(__file__), "help.txt"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def __getattr__(name: str) -> Any:
    if name == "cli":  # `from ledger_tool.cli import cli`: the group itself
        from ledger_tool.cli.group import cli

        return cli
    raise AttributeError(name)
