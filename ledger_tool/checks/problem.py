"""What `ledger check` reports: a problem at a file and line, under a stable code.

Every code is documented, with an example, in docs/checks.md.  By the hundreds they follow what the
rule looks at, and so does the module that finds them:

- LDG001, and the LDG101/102/104/105/109 that make a block unreadable: the parsers
  (`files.errors_md`, `model.entry`), turned into problems by `run`
- LDG1xx and LDG501, one error block by itself: `entry_rules`
- LDG2xx, the summary table and the order of the blocks: `table_rules`
- LDG3xx (JOURNAL.md), LDG4xx (TASKS.md) and LDG502 (the repository): `cross_rules`
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    code: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {'warning: ' if self.warning else ''}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "message": self.message,
            "severity": "warning" if self.warning else "error",
        }
