"""The key fields of an error block (Status, Severity, the times, Occurrences): a fast look for a
malformed one over a whole file, and the line of one field found without parsing the block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ledger_tool.markdown.outline import Outline

_KEY_FIELD = re.compile(
    r"^\*\*(?P<name>Status|Severity|First Seen|Last Seen|Occurrences|Resolved)\*\*:[ \t]*"
    r"(?P<value>.*?)[ \t]*\r?$",
    re.M,
)
_KEY_HINT = {
    "Status": "ACTIVE or RESOLVED",
    "Severity": "P0 or P1",
    "Occurrences": "a whole number",
}
# key field lines whose value is malformed (`*+` so the value cannot give back its spaces)
_BAD_KEY_FIELD = re.compile(
    r"\n\*\*(?:Status\*\*:[ \t]*+(?!(?:ACTIVE|RESOLVED)[ \t]*\r?$)"
    r"|Severity\*\*:[ \t]*+(?!P[01][ \t]*\r?$)"
    r"|(?:First Seen|Last Seen|Resolved)\*\*:[ \t]*+(?!\d{4}-\d\d-\d\d \d\d:\d\d[ \t]*\r?$)"
    r"|Occurrences\*\*:[ \t]*+(?!\d+[ \t]*\r?$))",
    re.M,
)


def bad_key_field(outline: Outline, in_scope: Callable[[int], bool]) -> tuple[int, str] | None:
    """The first malformed key field line (offset, message) outside fences and comments."""
    text = "\n" + outline.text  # every line, the first included, then follows a newline
    for m in _BAD_KEY_FIELD.finditer(text):
        at = m.start()  # the offset of the line in outline.text
        if outline.is_hidden(at) or not in_scope(at):
            continue
        field = _KEY_FIELD.match(outline.text, at)
        assert field is not None
        name, value = field.group("name"), field.group("value")
        return (
            at,
            f"{name} is {value!r}; it must be {_KEY_HINT.get(name, 'a time YYYY-MM-DD HH:MM')}",
        )
    return None


@cache
def field_line(name: str) -> re.Pattern[str]:
    # the spellings that reading a block accepts (a list item, any case), so that placing a block
    # by this value agrees with where `ledger check` wants it
    return re.compile(
        rf"^(?:[-*] )?\*\*[ \t]*{re.escape(name)}[ \t]*\*\*:[ \t]*(.*?)[ \t]*\r?$", re.M | re.I
    )
