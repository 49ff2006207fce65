"""From findings to a diagnosis: groups with counts, and the failure that ended the job.

Every finding gets a phase and a category (`rules`) and joins the group of its fingerprint.  The
failure that ended the job is the last traceback, faulthandler dump, or line that a rule names or that
states an exit status; warnings never decide, and a plain error line decides only when nothing else
does.  A failure that only reports another (torchrun's ChildFailedError, CalledProcessError, an exit
status of 1 or a SIGTERM, a traceback cut before its exception line) takes the category of the one
printed before it: the child's own traceback, the line that said why.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ledger_tool.ingest import rules
from ledger_tool.ingest.findings import Finding
from ledger_tool.ingest.fingerprint import fingerprint, mask
from ledger_tool.ingest.rules import Category, Rule
from ledger_tool.ingest.scan import Scanner
from ledger_tool.ingest.stream import Log
from ledger_tool.ingest.tracebacks import Exc

MAX_GROUPS = 10_000  # distinct failures kept; more are counted as `dropped`
_RECENT = 400  # the last findings kept for deciding (with a traceback's lines each)
_LOOK_BACK = 50  # findings a wrapper looks back for the failure it reports
_LOOK_BACK_LINES = 300  # and lines
_DIGITS = bytes.maketrans(b"0123456789", b"1111111111")
# Hex runs that `mask` always hides whole, so a line's shape drops them (its digits already 1):
# one right after a digit's `x` (in the number token that digit is in, `0x7f3a`), one right
# after a `/` (in the path that starts there, or a quoted value); each ends before a character
# neither alphanumeric nor beyond ASCII, so it is the whole run.  (Each pattern starts with one
# literal byte, which the engine skips to: `0X...` is rare enough to keep its run.)
_HEX_NUMBER = re.compile(rb"x(?<=1x)[1a-fA-F]+(?![1A-Za-z\x80-\xff])")
_HEX_PATH = re.compile(rb"/[1a-fA-F]+(?![1A-Za-z\x80-\xff])")
_HEX_SHAPE_CHARS = 200  # longer lines may meet a mask pattern's length limit: their runs stay
_ECHO_LINES = 30  # a line this close below a traceback of its category only repeats it

_WORD = re.compile(r"[a-z]+")
_FRAME_WORDS = (  # words of a frame's function name
    (
        "evaluation",
        {"evaluate", "evaluation", "eval", "validate", "validation", "predict", "prediction"},
    ),
    ("training", {"train", "training", "backward", "fit", "step", "checkpoint"}),
    (
        "initialization",
        {"pretrained", "load", "setup", "prepare", "tokenize", "download", "config"},
    ),
)
_PHASE_WORDS = (
    ("evaluation", ("eval", "valid", "test", "bench")),
    ("training", ("train", "sft", "dpo", "ppo", "grpo", "rlhf", "fit", "finetun")),
    (
        "initialization",
        ("pretok", "token", "data", "load", "model", "init", "setup", "config", "prep"),
    ),
    ("monitoring", ("monitor", "watchdog")),
)


@dataclass(slots=True)
class Judged:
    """A finding with its phase, category and fingerprint."""

    finding: Finding
    phase: str
    rule: Rule | None
    category: Category
    fingerprint: str

    @property
    def exc_type(self) -> str:
        final = self.finding.final
        return (final.type or "") if final is not None else ""

    @property
    def wrapper(self) -> bool:
        f = self.finding
        if f.kind == "traceback" and not self.exc_type:
            return True  # cut before its exception line: it says nothing of its own
        return rules.is_wrapper(self.exc_type, f.status, f.text)

    @property
    def states(self) -> bool:
        """It says something itself (a traceback cut before its exception line does not)."""
        return self.finding.kind == "line" or bool(self.exc_type)

    @property
    def candidate(self) -> bool:
        """It may be the failure that ended the job."""
        f = self.finding
        if f.kind != "line":
            return True
        return self.rule is not None or (f.status is not None and f.status != 0)


@dataclass
class Group:
    """Every finding with one fingerprint."""

    fingerprint: str
    category: str
    phase: str
    level: str
    exc_type: str
    message: str
    record_phase: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    first_line: int = 0
    rule: Rule | None = None


@dataclass
class Outcome:
    """What a log says: its groups, and the failure that ended the job (None: none did)."""

    groups: list[Group]
    decisive: Judged | None
    final: Judged | None  # the last traceback the log prints (`traceback` in --json)
    ending: Judged | None  # the last line that states how the job ended (an exit status...)
    exit_code: int | None
    confidence: str
    lines: int
    dropped: int = 0
    last_time: datetime | None = None
    first_time: datetime | None = None
    tracked: list[Group] = field(default_factory=list)  # the groups that go into the ledger

    @property
    def status(self) -> str:
        if self.decisive is not None or (self.exit_code not in (None, 0)):
            return "failed"
        return "completed"

    def group_of(self, judged: Judged) -> Group | None:
        return next((g for g in self.groups if g.fingerprint == judged.fingerprint), None)


@dataclass(frozen=True)
class Reading:
    """One log read: where from, its digest, the job it belongs to, what it says."""

    name: str
    digest: str  # SHA-256, hex
    job_id: str
    outcome: Outcome

    @property
    def tag(self) -> str:
        """How an entry records this log: the same job's same log is counted once, but two
        jobs that failed with the same bytes (a command not found, a silent kill) twice."""
        from hashlib import sha256

        named = "\0".join((self.job_id, self.digest)).encode()
        return f"sha256:{sha256(named).hexdigest()[:16]}"


@dataclass
class Part:
    """What an analyst took in from a part of a log (`Analyst.part`)."""

    groups: dict[str, Group]
    dropped: int
    recent: list[Judged]
    final: Judged | None
    status: int | None
    status_line: int
    first_time: datetime | None
    last_time: datetime | None


class Analyst:
    """Takes findings as the scanner finds them (`add`), then gives the `Outcome`."""

    def __init__(self, extra: tuple[Rule, ...] = ()) -> None:
        self.extra = extra
        self.groups: dict[str, Group] = {}
        # judgements of line findings by their shape (`_shape`): exact while no rule's words
        # hold a digit (a repository's `code 42`), else every line is judged
        self._lines: dict[tuple[object, ...], tuple[str, Rule | None, Category, str]] = {}
        words = [w for r in (*extra, *rules.RULES) for w in r.words]
        self._shapes_exact = not any(c.isdigit() for w in words for c in w)
        self._hex_blind = not any(map(_meets_hex_run, words))
        self._masked: dict[tuple[object, ...], tuple[str, Rule | None, Category, str]] = {}
        self._tracebacks: dict[tuple[object, ...], tuple[str, Rule | None, Category, str]] = {}
        self._phases: dict[tuple[str, bool, bool], str] = {}
        self.dropped = 0
        self.recent: deque[Judged] = deque(maxlen=_RECENT)
        self.final: Judged | None = None
        self.status: int | None = None  # the last exit status the log states, and its line
        self.status_line = 0
        self.first_time: datetime | None = None
        self.last_time: datetime | None = None

    def add(self, finding: Finding) -> None:
        judged = self.judge(finding)
        if finding.time is not None:
            if self.first_time is None:
                self.first_time = finding.time
            self.last_time = finding.time
        if finding.status is not None and finding.line >= self.status_line:
            self.status, self.status_line = finding.status, finding.line
        if finding.kind != "line" and (
            self.final is None or finding.line >= self.final.finding.line
        ):
            self.final = judged  # processes' tracebacks may end out of order
        if finding.level != "warning":
            self.recent.append(judged)  # a group not kept still takes part in deciding
        group = self.groups.get(judged.fingerprint)
        if group is None:
            if len(self.groups) >= MAX_GROUPS:
                self.dropped += 1
                return
            group = self.groups[judged.fingerprint] = Group(
                judged.fingerprint,
                judged.category.name,
                judged.phase,
                finding.level,
                judged.exc_type,
                finding.text[:500],
                finding.phase,
                first_line=finding.line,
                rule=judged.rule,
            )
        group.count += 1
        if finding.time is not None:
            group.first = group.first or finding.time
            group.last = finding.time

    def part(self) -> Part:
        """What it took in, without its memos: for `merge` into the analyst of what came before."""
        return Part(
            self.groups,
            self.dropped,
            list(self.recent),
            self.final,
            self.status,
            self.status_line,
            self.first_time,
            self.last_time,
        )

    def merge(self, after: Part) -> None:
        """Take in `after` as though its findings had been added here one by one (exact when
        `after` dropped none: it cannot say which of this analyst's groups those would join)."""
        for key, theirs in after.groups.items():
            group = self.groups.get(key)
            if group is None:
                if len(self.groups) >= MAX_GROUPS:
                    self.dropped += theirs.count
                else:
                    self.groups[key] = theirs
                continue
            group.count += theirs.count
            group.first = group.first or theirs.first
            group.last = theirs.last or group.last
        self.recent.extend(after.recent)
        if after.final is not None and (
            self.final is None or after.final.finding.line >= self.final.finding.line
        ):
            self.final = after.final
        if after.status is not None and after.status_line >= self.status_line:
            self.status, self.status_line = after.status, after.status_line
        self.first_time = self.first_time or after.first_time
        self.last_time = after.last_time or self.last_time

    def judge(self, finding: Finding) -> Judged:
        judge = self._judge_line if finding.kind == "line" else self._judge
        if not self._shapes_exact:
            return Judged(finding, *judge(finding))
        # The many lines of an error-dense log.  Nothing a judgement reads depends on which
        # digits a line has, nor on the hex runs `mask` hides whole: lines that differ only in
        # those share one (when no rule's words hold a digit, as a repository's `code 42`
        # would, or could match across such a run).
        key: tuple[object, ...] = (
            self._shape(finding.text),
            finding.level,
            finding.phase,
            finding.status,
            finding.trained,
            finding.serving,
        )
        memo = self._lines
        if finding.kind != "line":
            # a traceback's judgement reads its links' types, texts and frames' functions, and
            # what a line's does: tracebacks of one shape (those of every rank, every retry) share it
            key = (*key, finding.kind, tuple(map(self._link_shape, finding.chain)))
            memo = self._tracebacks
        known = memo.get(key)
        if known is None:
            known = judge(finding)
            if len(memo) >= MAX_GROUPS:
                memo.clear()
            memo[key] = known
        return Judged(finding, *known)

    def _link_shape(self, exc: Exc) -> tuple[object, ...]:
        return (
            exc.type,
            tuple(map(self._shape, exc.texts())),
            tuple(f.function for f in exc.frames),
            tuple(f.function for m in exc.leaves() for f in m.frames),
        )

    def _shape(self, text: str) -> bytes:
        """`text` with its digits alike and, where that is exact, its hidden hex runs dropped (a
        Windows path is left alone: its pattern looks at the letter before `:\\`)."""
        shape = text.encode("utf-8", "surrogatepass").translate(_DIGITS)
        if self._hex_blind and len(text) <= _HEX_SHAPE_CHARS and ":\\" not in text:
            shape = _HEX_PATH.sub(b"/\0", _HEX_NUMBER.sub(b"x\0", shape))
        return shape

    def _judge_line(self, finding: Finding) -> tuple[str, Rule | None, Category, str]:
        """What `_judge` says of a line, from its rule, phase and masked text: lines that differ
        in their hex, paths or quoted values share the rest."""
        places = (finding.phase, finding.trained, finding.serving)
        phase = self._phases.get(places)
        if phase is None:
            phase = self._phases[places] = _phase(finding)
        status = finding.status if finding.level != "warning" else None
        rule = rules.classify(finding.text, "", phase, status, self.extra)
        masked = mask(finding.text)
        key = (id(rule), phase, masked)
        known = self._masked.get(key)
        if known is None:
            category = rules.category(rule.category if rule is not None else "unknown")
            phase = category.phase or phase
            known = (phase, rule, category, fingerprint(category.name, phase, "", masked))
            if len(self._masked) >= MAX_GROUPS:
                self._masked.clear()
            self._masked[key] = known
        return known

    def _judge(self, finding: Finding) -> tuple[str, Rule | None, Category, str]:
        phase = _phase(finding)
        rule = self._classify(finding, phase)
        category = rules.category(rule.category if rule is not None else "unknown")
        phase = category.phase or phase
        final = finding.final
        exc_type = (final.type or "") if final is not None else ""
        masked = mask(final.first_line if final is not None and final.type else finding.text)
        return phase, rule, category, fingerprint(category.name, phase, exc_type, masked)

    def _classify(self, finding: Finding, phase: str) -> Rule | None:
        if finding.level == "warning":
            return rules.classify(finding.text, "", phase, None, self.extra)
        links = list(reversed(finding.chain))
        for exc in links:
            text = " ".join(exc.texts())
            rule = rules.classify(text, exc.type or "", phase, None, self.extra)
            if rule is not None:
                return rule
        return rules.classify(finding.text, "", phase, finding.status, self.extra)

    def outcome(self, lines: int, exit_code: int | None = None) -> Outcome:
        status = exit_code if exit_code is not None else self.status
        if exit_code not in (None, 0) and not any(j.candidate for j in self.recent):
            # the log does not say why the job failed; the status it ended with does
            said = f"the job exited with status {exit_code}"
            self.add(Finding("line", lines, "error", said, self.last_time, "", status=exit_code))
        decisive, confidence = self._decide()
        ended_well = exit_code == 0 or (
            exit_code is None and self.status == 0 and decisive is not None
            and self.status_line > decisive.finding.line
        )  # fmt: skip
        if ended_well:  # the job says it ended well after it: what it printed did not end it
            decisive, confidence = None, "high"
        groups = list(self.groups.values())
        ending = decisive
        if (
            decisive is not None
        ):  # the last line that tells the same (`exit code 137` after `Killed`)
            same = decisive.category.name
            told = [
                j for j in self._sorted() if j.candidate and j.states and j.category.name == same
            ]
            ending = (
                told[-1] if told and told[-1].finding.line > decisive.finding.line else decisive
            )
        out = Outcome(groups, decisive, self.final, ending, status, confidence, lines, self.dropped)
        out.first_time, out.last_time = self.first_time, self.last_time
        tracked = [g for g in groups if g.rule is not None and g.rule.severity]
        if decisive is not None:
            main = out.group_of(decisive)
            if main is not None and main not in tracked:
                tracked.insert(0, main)
        out.tracked = tracked
        return out

    def _sorted(self) -> list[Judged]:
        return sorted(self.recent, key=lambda j: j.finding.line)

    def _decide(self) -> tuple[Judged | None, str]:
        recent = self._sorted()
        candidates = [i for i, j in enumerate(recent) if j.candidate]
        if not candidates:
            weak = [j for j in recent if j.finding.level == "error"]
            if not weak:
                return None, "low"
            last = weak[-1]
            return last, "low"  # a plain error line no rule names
        at = candidates[-1]
        last = recent[at]
        if last.finding.kind == "line":  # an echo of the traceback just above it is not the failure
            for i in reversed(candidates[:-1]):
                before = recent[i]
                if before.finding.line < last.finding.line - _ECHO_LINES:
                    break
                if before.finding.kind != "line" and before.category == last.category:
                    at, last = i, before
                    break
        if not last.wrapper and last.category.name != "unknown":
            return last, "high"
        if not last.wrapper:
            return last, "low"
        for judged in reversed(recent[max(0, at - _LOOK_BACK) : at]):
            if judged.finding.line < last.finding.line - _LOOK_BACK_LINES:
                break
            if judged.wrapper:
                continue
            if judged.category.name != "unknown":
                return judged, "medium"
            if judged.exc_type:
                return judged, "low"  # a real exception that no rule knows: it is the cause
        return last, "medium" if last.category.name != "unknown" else "low"


@lru_cache(maxsize=4096)
def _frame_phase(function: str) -> str:
    """The phase a frame's function name tells ("" when none): tracebacks repeat their frames."""
    words = set(_WORD.findall(function.lower()))
    return next((phase for phase, names in _FRAME_WORDS if words & names), "")


def _meets_hex_run(word: str) -> bool:
    """Whether `word` could match a text across a hex run a shape drops: it holds a run of hex
    letters that may start such a run (at the word's start, after its `/`, after a leading `x`)
    and may end it (at the word's end, or before a character that can follow one)."""
    for run in re.finditer(r"[a-f]+", word):
        start, end = run.span()
        starts = start == 0 or word[start - 1] == "/" or (start == 1 and word[0] == "x")
        after = word[end : end + 1]
        if starts and (not after or (after.isascii() and not after.isalnum())):
            return True
    return False


def _phase(finding: Finding) -> str:
    """training, evaluation, initialization, monitoring or unknown: what the job was doing.  The
    innermost frame that tells decides (then the record's phase word, then whether training or a
    server had started)."""
    chain = finding.chain
    frames = [f for exc in reversed(chain) for f in reversed(exc.frames)]
    frames += [f for exc in chain for m in exc.leaves() for f in reversed(m.frames)]
    for frame in frames:
        phase = _frame_phase(frame.function)
        if phase:
            return phase
    word = finding.phase.lower()
    if word:
        for phase, parts in _PHASE_WORDS:
            if any(w in word for w in parts):
                return phase
    if finding.trained:
        return "training"
    if finding.serving:
        return "unknown"
    return "initialization"


def analyse(
    log: Log,
    extra: tuple[Rule, ...] = (),
    exit_code: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Read `log` to its end, in order, and say what it tells (`split.analyse` reads a big
    file in parts at once)."""
    analyst = Analyst(extra)
    scanner = Scanner(analyst.add)
    for chunk in log.chunks(progress):
        scanner.feed(chunk)
    scanner.close()
    return analyst.outcome(scanner.line_count, exit_code)
