"""One line of a log as a person would read it, and the log record it may be.

`clean` turns the raw bytes of a line into its visible text (invalid UTF-8 replaced, a tqdm bar's
`\\r` redraws reduced to what was shown last, ANSI escapes and control characters dropped);
`split_prefix` takes off a launcher's per-process prefix (`[rank0]:`, `[default1]:`, a compose
service's `trainer-1  | `), so that interleaved processes can be read apart; `record` reads the
timestamp, logger, level and phase of the formats training jobs print (seed 001's
`[TIMESTAMP] [MODULE] [LEVEL] [PHASE] MESSAGE`, Python logging's, DeepSpeed's, glog's and c10's,
transformers', Hydra's, loguru's, vLLM's, NCCL's and JSON lines).

Every pattern here is anchored and made of classes that do not overlap, so none backtracks badly on a
long or hostile line; lines are cut to `MAX_LINE` characters before any of them runs.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

MAX_LINE = 4096  # characters of one line that are read; the rest of a longer line is ignored

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])  # `\r` and ESC among them
_PREFIX = re.compile(r"\[(?:rank|default)(\d{1,6})\]:[ ]?|([A-Za-z0-9_.]{1,60}-\d{1,4}) {1,30}\| ")

LEVELS = {
    "DEBUG": "info",
    "INFO": "info",
    "NOTICE": "info",
    "WARN": "warning",
    "WARNING": "warning",
    "ERROR": "error",
    "ERR": "error",
    "CRITICAL": "error",
    "FATAL": "error",
    "EXCEPTION": "error",
}
_GLOG_LEVELS = {"I": "info", "W": "warning", "E": "error", "F": "error"}

_DATE_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[ T:](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?[ ]?(Z|[+-]\d\d:?\d\d)?"
)
_BRACKET = re.compile(r"\[([^\[\]\n]{0,100})\][ \t]*")
_LEVEL_WORD = re.compile(r"(?<![A-Za-z])(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)(?![A-Za-z])")
_PHASE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_ -]{0,30}")
_LOGGING_DEFAULT = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL):([^:\s]*):?[ ]*")
_VLLM = re.compile(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL) (\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ")
_GLOG = re.compile(r"\[?([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d{1,9})?[ ]")
_GLOG_SHORT = re.compile(r"\[([IWEF]) [A-Za-z0-9_.]{1,80}:\d{1,7}\][ ]?")
_NCCL = re.compile(r"[^ ]{1,200} NCCL (INFO|WARN|ERROR) ")


class Record(NamedTuple):
    """What a log line's own prefix says; every part may be missing.  (A tuple: one is made for
    every line read, and a tuple is made about 3x faster than a frozen dataclass.)"""

    time: datetime | None
    level: str  # "error", "warning", "info" or "" (a line with no level)
    module: str
    phase: str
    message: str


def clean(raw: bytes) -> str:
    """The visible text of one line's bytes (without its `\\n`): for a line a progress bar
    redrew with `\\r`, its last redraw (found before the line is cut to `MAX_LINE`, so that a
    traceback printed behind a long bar is still seen)."""
    if len(raw.translate(None, _CONTROL_BYTES)) == len(raw):  # most lines: nothing to take off
        return raw[: MAX_LINE * 2].decode("utf-8", "replace")[:MAX_LINE]
    if b"\r" in raw:
        end = len(raw)
        while True:  # the last redraw that shows something
            cut = raw.rfind(b"\r", 0, end)
            if cut < 0 or raw[cut + 1 : end].strip():
                raw = raw[cut + 1 : end]
                break
            end = cut
    text = raw[: MAX_LINE * 2].decode("utf-8", "replace")
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if not text.isprintable():  # a tab, NUL, a backspace... (or a printable non-ASCII space)
        text = _CONTROL.sub("", text)
    return text[:MAX_LINE]


def split_prefix(text: str) -> tuple[str, str]:
    """(the process a launcher's prefix names, or "", the line without that prefix)."""
    match = _PREFIX.match(text)
    if match is None:
        return "", text
    return (match.group(1) or match.group(2)), text[match.end() :]


def parse_time(text: str) -> datetime | None:
    """The `YYYY-MM-DD HH:MM:SS[.frac][offset]` at the start of `text`, naive unless it says its
    offset (then in UTC)."""
    match = _DATE_TIME.match(text)
    return _from_match(match) if match else None


def _from_match(match: re.Match[str]) -> datetime | None:
    moment = _stamp(match.group()[:19])  # `YYYY-MM-DD HH:MM:SS`, whatever its separator
    offset = match.group(8)
    if moment is None or not offset:
        return moment
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (moment - sign * delta).replace(tzinfo=UTC)


_last_short: tuple[object, datetime | None] = ((), None)


def _short(year: int | None, match: re.Match[str]) -> datetime | None:
    """A time printed without its year (glog, vLLM: groups 2 to 6 of `match` are its month, day,
    hour, minute and second), in `year` (that of the log's last full date).  The last one is
    remembered, as `_stamp` does."""
    global _last_short
    if year is None:
        return None
    key = (year, match.group(2, 3, 4, 5, 6))
    if _last_short[0] != key:
        month, day, hour, minute, second = map(int, key[1])
        try:
            moment: datetime | None = datetime(year, month, day, hour, minute, second)
        except ValueError:
            moment = None
        _last_short = (key, moment)
    return _last_short[1]


def record(text: str, year: int | None = None) -> Record:
    """The record `text` (a cleaned line, prefix removed) is; `year` completes a time printed
    without one."""
    head = text[:1]
    if head == "[":
        found = _bracketed(text, year)
        if found is not None:
            return found
    elif head.isdigit():
        found = _dated(text)
        if found is not None:
            return found
    elif head == "{":
        found = _json_line(text)
        if found is not None:
            return found
    elif head in _GLOG_LEVELS:
        glog = _GLOG.match(text)
        if glog is not None:
            return _glog(text, glog, year)
    if head.isupper():
        match = _VLLM.match(text)
        if match is not None:
            message = text[match.end() :].split("] ", 1)[-1]
            return Record(_short(year, match), LEVELS[match.group(1)], "", "", message)
        match = _LOGGING_DEFAULT.match(text)
        if match is not None:
            return Record(None, LEVELS[match.group(1)], match.group(2), "", text[match.end() :])
    nccl = _NCCL.match(text)
    if nccl is not None:
        return Record(None, LEVELS[nccl.group(1)], "NCCL", "", text[nccl.end() :])
    return Record(None, "", "", "", text)


def _glog(text: str, match: re.Match[str], year: int | None) -> Record:
    rest = text[match.end() :]
    close = rest.find("] ")
    message = rest[close + 2 :] if 0 <= close < 200 else rest
    return Record(_short(year, match), _GLOG_LEVELS[match.group(1)], "", "", message)


_SEED = re.compile(  # seed 001's `[TIMESTAMP] [MODULE] [LEVEL] [PHASE] MESSAGE`: the common case
    r"\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)\] \[([^\[\]\n]{0,100})\] \[([A-Z]{3,9})\]"
    r"(?: \[([A-Za-z][A-Za-z0-9_ -]{0,30})\])? ?"
)
_last_stamp: tuple[str, datetime | None] = ("", None)


def _stamp(text: str) -> datetime | None:
    """The time of a `YYYY-MM-DD HH:MM:SS` string (the last one is remembered: a busy log
    prints the same second many times)."""
    global _last_stamp
    if _last_stamp[0] != text:
        try:  # `YYYY-MM-DD HH:MM:SS`, as _SEED matched it
            moment: datetime | None = datetime(
                int(text[:4]), int(text[5:7]), int(text[8:10]),
                int(text[11:13]), int(text[14:16]), int(text[17:19]),
            )  # fmt: skip
        except ValueError:
            moment = None
        _last_stamp = (text, moment)
    return _last_stamp[1]


def _bracketed(text: str, year: int | None) -> Record | None:
    seed = _SEED.match(text)
    if seed is not None and seed.group(3) in LEVELS:
        stamp, module, level, phase = seed.groups()
        return Record(_stamp(stamp), LEVELS[level], module, phase or "", text[seed.end() :])
    glog = _GLOG.match(text)
    if glog is not None:
        return _glog(text, glog, year)
    short = _GLOG_SHORT.match(text)
    if short is not None:
        return Record(None, _GLOG_LEVELS[short.group(1)], "", "", text[short.end() :])
    at = 0
    moment: datetime | None = None
    level, module, phase = "", "", ""
    for _ in range(5):
        match = _BRACKET.match(text, at)
        if match is None:
            break
        inside = match.group(1).strip()
        word = inside.split("|", 1)[0].strip().upper()
        stamp = _DATE_TIME.match(inside)
        if stamp is not None and moment is None:
            moment = _from_match(stamp)
        elif word in LEVELS and not level:
            level = LEVELS[word]
        elif not level and not module:
            module = inside
        elif level and not phase and _PHASE_WORD.fullmatch(inside):
            phase = inside
        else:
            break
        at = match.end()
    if at == 0 or (moment is None and not level):
        return None
    rest = text[at:]
    if moment is None:  # transformers: `[INFO|trainer.py:2345] 2025-12-10 03:58:22,123 >> msg`
        stamp = _DATE_TIME.match(rest)
        if stamp is not None:
            moment = _from_match(stamp)
            rest = rest[stamp.end() :].lstrip(" >")
    return Record(moment, level, module, phase, rest.removeprefix("- ").lstrip())


def _dated(text: str) -> Record | None:
    stamp = _DATE_TIME.match(text)
    if stamp is None:
        return None
    moment = _from_match(stamp)
    rest = text[stamp.end() :]
    found = _LEVEL_WORD.search(rest, 0, 80)
    if found is None:
        return Record(moment, "", "", "", rest.lstrip(" -|:"))
    module = rest[: found.start()].strip(" -|[]:")
    message = rest[found.end() :].lstrip(" ")
    if message[:2] in ("- ", "| ", ": "):
        message = message[2:]
    close = message.find("] ", 0, 120) if message.startswith("[") else -1
    if close >= 0:  # lm-eval: `LEVEL [file.py:12] msg`
        message = message[close + 2 :]
    dash = message.find(" - ", 0, 120)
    if dash >= 0 and ":" in message[:dash]:  # loguru's `mod:f:12 - msg`
        message = message[dash + 3 :]
    return Record(moment, LEVELS[found.group(1)], module, "", message)


def _json_line(text: str) -> Record | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None

    def pick(*keys: str) -> str:
        for key in keys:
            value = data.get(key)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return str(value)
        return ""

    word = pick("level", "levelname", "severity", "lvl").upper()
    stamp = pick("timestamp", "time", "ts", "asctime", "@timestamp")
    return Record(
        parse_time(stamp) if stamp else None,
        LEVELS.get(word, ""),
        pick("logger", "name", "module"),
        pick("phase", "stage"),
        pick("message", "msg", "event"),
    )
