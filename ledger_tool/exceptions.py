"""The one exception family the core raises; the CLI turns it into a message and exit code 1."""

from __future__ import annotations


class LedgerError(Exception):
    """A problem the user can fix: bad input, unknown ID, a file that cannot be parsed."""


class ParseError(LedgerError):
    """A file the tool cannot read safely; carries the place so the message reads `PATH:LINE: ...`."""

    def __init__(self, path: str, line: int, message: str, code: str = "LDG001") -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.code = code  # the `ledger check` code of this problem (docs/checks.md)


class HookTimeout(BaseException):
    """A run under a git hook went past its time bound (`ledger_tool.bound`).  Not an Exception:
    no handler on the way up may take it for an ordinary failure and carry on."""


class GitMissing(LedgerError):
    """git is not installed or not on PATH: only the commands that ask git need it."""
