"""`ledger check`'s answer, kept across a command's own edit that cannot change it.

After `ledger seen` records a sighting, the next `ledger check` (the pre-commit hook's, on the
commit of that change) would read a 10,000-entry ledger again to find what it found before.  A
command that only rewrote one block of ERRORS.md in place, leaving the file's structure and the
block's facts (what the rules across blocks and files read of it: `checks.facts`) as they were,
and whose new block has no problem of its own, cannot have changed the answer when the answer
for the file as it read it was that there is nothing wrong: every other block, the table, the
journal and the tasks are what that answer saw.  So the answer is kept for the new file too
(`recall.carry`), and the next check finds it at once.
"""

from __future__ import annotations

from ledger_tool.checks import recall
from ledger_tool.checks.entry_rules import result_of
from ledger_tool.files.ledger import Ledger
from ledger_tool.markdown.block import Block


def carry_answer(ledger: Ledger, rewritten: tuple[str, str, str, str]) -> bool:
    """Keep the last answer of `ledger check` for what `ledger` (a command's, once written)
    wrote, the one block `rewritten` (`Ledger.rewritten_block`), when it cannot have changed;
    True when it was kept."""
    digests, read, written = ledger.errors_digests(), ledger.errors_read(), ledger.written_stat
    if digests is None or read is None or written is None:
        return False
    error_id, section, before, after = rewritten
    ws = ledger.ws
    then = result_of(error_id, Block(before), section, ws.config, ws.tz)
    now = result_of(error_id, Block(after), section, ws.config, ws.tz)
    if now[1] or now[0] is None or now[0] != then[0]:
        return False
    old, new = (recall.kept_digest(d) for d in digests)
    return recall.carry(ws, ws.path("errors"), written, read, old, new)
