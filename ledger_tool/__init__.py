"""ledger: a team's critical-error ledger, journal and tasks as checked Markdown in git."""

__version__ = "0.1.0"
