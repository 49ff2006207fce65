"""`ledger ingest`: crash logs into the ledger, as a user runs it in a real repository."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from conftest import LedgerRunner, git, snapshot
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger_tool.ingest import rules
from ledger_tool.ingest.analysis import Analyst
from ledger_tool.ingest.fingerprint import mask

LOGS = Path(__file__).parent / "data" / "logs"
OOM = LOGS / "train_oom.log"


def _ingest(run_ledger: LedgerRunner, repo: Path, *args: str) -> dict[str, object]:
    done = run_ledger("ingest", *args, "--json", cwd=repo)
    assert done.code == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def _ledger_actions(answer: dict[str, object]) -> list[tuple[str, str]]:
    return [(a["action"], a["id"]) for a in answer["ledger"]]  # type: ignore[index, attr-defined]


def _shifted(source: Path, target: Path, day: str) -> Path:
    """The same job's log, failing the same way on another day (other times, other digest)."""
    target.write_bytes(source.read_bytes().replace(b"2025-12-10", day.encode()))
    return target


def test_a_crash_log_opens_an_entry_with_its_traceback_journal_and_task(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    answer = _ingest(run_ledger, ledger_repo, str(OOM), "--job-id", "sft-7")
    assert _ledger_actions(answer) == [("opened", "ERR-2025-12-10-001")]
    shown = json.loads(run_ledger("show", "ERR-2025-12-10-001", "--json", cwd=ledger_repo).stdout)
    assert shown["severity"] == "P1" and shown["area"] == "training"
    assert shown["description"].startswith(
        "GPU out of memory in training: torch.OutOfMemoryError: CUDA out of memory."
    )
    assert shown["first_seen"].startswith("2025-12-10T03:43")
    assert shown["fingerprint"] == answer["analysis"]["fingerprint"]  # type: ignore[index]
    assert "job sft-7 failed" in shown["fields"]["Impact"]
    assert "gradient checkpointing" in shown["fields"]["Next Steps"]
    errors = (ledger_repo / "ERRORS.md").read_text()
    block = errors[errors.index("### ERR-2025-12-10-001") :]
    assert "**Traceback**:\n```text\nTraceback (most recent call last):\n" in block
    assert "torch.OutOfMemoryError: CUDA out of memory." in block
    assert "|ERROR:ERR-2025-12-10-001|" in (ledger_repo / "JOURNAL.md").read_text()
    assert "TASK-ERR-2025-12-10-001" in (ledger_repo / "TASKS.md").read_text()
    assert run_ledger("check", cwd=ledger_repo).code == 0


def test_ingesting_the_same_log_again_changes_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    _ingest(run_ledger, ledger_repo, str(OOM))
    once = snapshot(ledger_repo)
    again = _ingest(run_ledger, ledger_repo, str(OOM))
    assert _ledger_actions(again) == [("unchanged", "ERR-2025-12-10-001")]
    compressed = tmp_path / "train_oom.log.gz"  # the same log, compressed: the same text
    compressed.write_bytes(gzip.compress(OOM.read_bytes()))
    _ingest(run_ledger, ledger_repo, str(compressed))
    assert snapshot(ledger_repo) == once


def test_dry_run_says_what_would_change_and_changes_no_file(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    before = snapshot(ledger_repo)
    answer = _ingest(run_ledger, ledger_repo, str(OOM), "--dry-run")
    assert _ledger_actions(answer) == [("opened", "ERR-2025-12-10-001")]
    text = run_ledger("ingest", str(OOM), "--dry-run", cwd=ledger_repo)
    assert "would open a new entry (ERR-2025-12-10-001)" in text.stdout
    assert snapshot(ledger_repo) == before


def test_the_same_failure_in_another_log_counts_on_its_entry(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    _ingest(run_ledger, ledger_repo, str(OOM))
    later = _shifted(OOM, tmp_path / "job_8.log", "2025-12-11")
    answer = _ingest(run_ledger, ledger_repo, str(later))
    assert _ledger_actions(answer) == [("seen", "ERR-2025-12-10-001")]
    listed = json.loads(run_ledger("list", "--json", cwd=ledger_repo).stdout)
    assert [e["id"] for e in listed] == ["ERR-2025-12-10-001"]
    assert listed[0]["occurrences"] == 2
    assert listed[0]["last_seen"].startswith("2025-12-11T03:43")
    ingested = listed[0]["fields"]["Ingested"]
    assert len(re.findall(r"sha256:[0-9a-f]{16}", ingested)) == 2


def test_a_resolved_failure_reopens_only_on_code_that_has_the_fix(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    _ingest(run_ledger, ledger_repo, str(OOM))
    git(ledger_repo, "add", "-A")
    git(ledger_repo, "commit", "-q", "-m", "Record the OOM")
    before_fix = git(ledger_repo, "rev-parse", "HEAD")
    (ledger_repo / "train.py").write_text("batch_size = 4\n")
    git(ledger_repo, "add", "train.py")
    git(ledger_repo, "commit", "-q", "-m", "Smaller batches")
    done = run_ledger(
        "resolve", "ERR-2025-12-10-001", "--commit", "HEAD", "--at", "2025-12-11 09:00",
        cwd=ledger_repo,
    )  # fmt: skip
    assert done.code == 0, done.stderr

    old_code = _shifted(OOM, tmp_path / "job_9.log", "2025-12-12")
    answer = _ingest(run_ledger, ledger_repo, str(old_code), "--rev", before_fix)
    assert _ledger_actions(answer) == [("seen", "ERR-2025-12-10-001")]
    entry = json.loads(run_ledger("show", "ERR-2025-12-10-001", "--json", cwd=ledger_repo).stdout)
    assert entry["status"] == "resolved" and entry["occurrences"] == 2

    fixed_code = _shifted(OOM, tmp_path / "job_10.log", "2025-12-13")
    answer = _ingest(run_ledger, ledger_repo, str(fixed_code), "--rev", "HEAD")
    assert _ledger_actions(answer) == [("regressed", "ERR-2025-12-10-001")]
    entry = json.loads(run_ledger("show", "ERR-2025-12-10-001", "--json", cwd=ledger_repo).stdout)
    assert entry["status"] == "active" and entry["occurrences"] == 3
    assert [e["event"] for e in entry["history"]][-2:] == ["regressed", "seen"]
    assert run_ledger("check", cwd=ledger_repo).code == 0


HOSTILE = """\
[2026-11-20 10:00:00] [__main__] [INFO] [SFT] step 1 loss=1.0
Traceback (most recent call last):
  File "/x/train.py", line 9, in <module>
    main()
  File "/x/train.py", line 5, in main
    raise RuntimeError(msg)
RuntimeError: CUDA error: an illegal memory access ```` | cell | <!-- \x1b[31mred\x1b[0m
````
### ERR-2026-01-01-001
**Status**: RESOLVED
## Resolved Errors
-->
<script>alert(1)</script>
"""


def test_no_text_of_a_log_can_change_the_ledgers_structure(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    log = tmp_path / "hostile.log"
    log.write_text(HOSTILE)
    answer = _ingest(run_ledger, ledger_repo, str(log))
    assert _ledger_actions(answer) == [("opened", "ERR-2026-11-20-001")]
    assert run_ledger("check", cwd=ledger_repo).code == 0
    listed = json.loads(run_ledger("list", "--json", cwd=ledger_repo).stdout)
    assert [(e["id"], e["status"]) for e in listed] == [("ERR-2026-11-20-001", "active")]
    assert listed[0]["severity"] == "P0"  # cuda_error: the platform's
    errors = (ledger_repo / "ERRORS.md").read_text()
    assert "\n`````text\n" in errors and "\x1b" not in errors
    block = errors[errors.index("### ERR-2026-11-20-001") :]
    fence = block.index("\n`````text\n")
    assert fence < block.index("### ERR-2026-01-01-001") < block.index("\n`````\n", fence + 1)


def test_stdin_and_exit_code(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    done = run_ledger(
        "ingest", "-", "--exit-code", "137", "--job-id", "etl", "--at", "2026-11-20 08:00",
        "--json", cwd=ledger_repo, input="loading shard 1\nloading shard 2\n",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "failed" and answer["signal"] == "SIGKILL"
    assert answer["analysis"]["error_type"] == "signal"
    assert _ledger_actions(answer) == [("opened", "ERR-2026-11-20-001")]
    shown = json.loads(run_ledger("show", "ERR-2026-11-20-001", "--json", cwd=ledger_repo).stdout)
    assert "job etl failed with exit status 137 (SIGKILL)" in shown["fields"]["Impact"]


def test_a_clean_log_records_nothing(ledger_repo: Path, run_ledger: LedgerRunner) -> None:
    before = snapshot(ledger_repo)
    answer = _ingest(run_ledger, ledger_repo, str(LOGS / "clean_run.log"))
    assert answer["status"] == "completed" and answer["ledger"] == []
    assert answer["analysis"] is None and answer["traceback"] is None
    assert snapshot(ledger_repo) == before


def test_a_repositorys_rules_come_first_and_may_name_a_severity(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    with (ledger_repo / ".ledger.toml").open("a") as config:
        config.write(
            'ingest_rules = [{match = "checksum mismatch", category = "data_corruption", '
            'area = "data", severity = "P1"}]\n'
        )
    answer = _ingest(run_ledger, ledger_repo, str(LOGS / "cublas_exec_failed.log"))
    assert answer["analysis"]["error_type"] == "cuda_error"  # type: ignore[index]
    listed = json.loads(run_ledger("list", "--json", cwd=ledger_repo).stdout)
    found = sorted((e["severity"], e["area"], e["occurrences"]) for e in listed)
    assert found == [("P0", "gpu", 1), ("P1", "data", 4)]


def test_bad_input_is_refused_with_the_next_step_and_nothing_written(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    before = snapshot(ledger_repo)
    missing = run_ledger("ingest", "nope.log", cwd=ledger_repo)
    assert missing.code == 1 and "no log file nope.log" in missing.stderr
    folder = run_ledger("ingest", str(tmp_path), cwd=ledger_repo)
    assert folder.code == 1 and "is a folder" in folder.stderr
    broken = tmp_path / "cut.log.gz"
    broken.write_bytes(gzip.compress(OOM.read_bytes())[:1500])
    cut = run_ledger("ingest", str(OOM), str(broken), cwd=ledger_repo)
    assert cut.code == 1 and "cannot be read to its end" in cut.stderr
    config = ledger_repo / ".ledger.toml"
    kept = config.read_text()
    config.write_text(kept + 'ingest_rules = [{match = "x"}]\n')
    rule = run_ledger("ingest", str(OOM), cwd=ledger_repo)
    assert rule.code == 1 and "ingest rule 1: 'category' must name the category" in rule.stderr
    config.write_text(kept + 'areas = ["inference"]\n')
    area = run_ledger("ingest", str(OOM), cwd=ledger_repo)
    assert area.code == 1 and "would have area 'training'" in area.stderr
    assert "pass --area AREA" in area.stderr
    config.write_text(kept)
    assert snapshot(ledger_repo) == before


def test_long_lines_and_binary_noise_are_read(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    log = tmp_path / "noise.log"
    noise = b"\x00\xff\xfe" * 1000 + b"Error" * 200_000 + b"'" * 100_000
    log.write_bytes(noise + b"\n" + OOM.read_bytes())
    answer = _ingest(run_ledger, ledger_repo, str(log), "--dry-run")
    assert answer["analysis"]["error_type"] == "oom_training"  # type: ignore[index]
    assert answer["log"]["lines"] == OOM.read_bytes().count(b"\n") + 1  # type: ignore[index]


def test_several_logs_are_one_change_and_one_answer_each(
    ledger_repo: Path, run_ledger: LedgerRunner
) -> None:
    logs = [str(LOGS / "killed_137.log"), str(LOGS / "timeout_124.log")]
    done = run_ledger("ingest", *logs, "--json", cwd=ledger_repo)
    assert done.code == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [a["analysis"]["error_type"] for a in answers] == ["signal", "timeout"]
    assert [a["job_id"] for a in answers] == ["killed_137", "timeout_124"]
    listed = json.loads(run_ledger("list", "--json", cwd=ledger_repo).stdout)
    assert len(listed) == 2 and len({e["id"] for e in listed}) == 2


def test_a_print_amid_a_traceback_does_not_hide_its_exception(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    log = tmp_path / "mixed.log"  # stdout and stderr of one process, in one file
    log.write_text(
        "Traceback (most recent call last):\n"
        '  File "/w/train.py", line 9, in <module>\n'
        "step 12 loss=2.01\n"
        '  File "/w/train.py", line 5, in train_step\n'
        "    loss.backward()\n"
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB\n"
    )
    answer = _ingest(run_ledger, ledger_repo, str(log), "--dry-run", "--at", "2026-11-20 10:00")
    traceback = answer["traceback"]
    assert traceback["exception_type"] == "torch.OutOfMemoryError"  # type: ignore[index]
    assert [f["function"] for f in traceback["frames"]] == ["<module>", "train_step"]  # type: ignore[index]
    assert answer["analysis"]["error_type"] == "oom_training"  # type: ignore[index]


def test_the_fingerprint_is_stable() -> None:
    """A known failure keeps its fingerprint: a change would open a new entry for each one the
    ledgers hold (a change of `fingerprint.VERSION`, with a CHANGELOG entry, instead)."""
    from ledger_tool.ingest.fingerprint import fingerprint, mask

    message = (
        "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB"
    )
    assert mask(message) == (
        "CUDA out of memory. Tried to allocate <n> GiB. GPU <n> has a total capacity of <n> GiB"
    )
    masked = mask(message)
    assert fingerprint("oom_training", "training", "torch.OutOfMemoryError", masked) == (
        "v1:9c6d8b14d525e8b1"
    )


def test_a_progress_bar_shows_on_a_terminal_only(ledger_repo: Path, tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    from ledger_tool.cli.ingest import PROGRESS_BYTES

    big = tmp_path / "big.log"
    line = b"[2025-12-10 03:12:01] [__main__] [INFO] [SFT] step 1 loss=1.2345 lr=2.0e-05\n"
    with big.open("wb") as out:
        for _ in range(PROGRESS_BYTES // (len(line) * 1000) + 1):
            out.write(line * 1000)
        out.write(OOM.read_bytes())
    command = [sys.executable, "-m", "ledger_tool", "ingest", str(big), "--dry-run"]
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            command,
            cwd=ledger_repo,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
            env=os.environ,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    assert b"big.log" in shown and b"100%" in shown
    plain = subprocess.run(
        command, cwd=ledger_repo, capture_output=True, timeout=120, env=os.environ
    )
    assert plain.returncode == 0 and plain.stderr == b""
    assert b"oom_training" in plain.stdout


def test_a_traceback_behind_a_long_progress_bar_is_read(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    bar = "".join(f"\rLoading shards: {i:3d}%|{'#' * (i // 10):10s}| {i}/100" for i in range(100))
    tail = OOM.read_text().split("Traceback (most recent call last):\n", 1)[1]
    for glue in ("\r", ""):  # after a redraw, or printed straight behind the bar
        log = tmp_path / f"bar{len(glue)}.log"
        log.write_text(bar * 20 + glue + "Traceback (most recent call last):\n" + tail)
        answer = _ingest(run_ledger, ledger_repo, str(log), "--dry-run")
        traceback = answer["traceback"]
        assert traceback["exception_type"] == "torch.OutOfMemoryError", glue  # type: ignore[index]
        assert len(traceback["frames"]) == 9  # type: ignore[index]


def test_a_log_that_ends_well_records_nothing(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    log = tmp_path / "ok.log"
    log.write_text(
        "[2025-12-10 03:58:21] [hub] [ERROR] [SFT] Connection refused while uploading; retrying\n"
        "[2025-12-10 03:59:00] [__main__] [INFO] [SFT] Training completed\n"
        "Process finished with exit code 0\n"
    )
    answer = _ingest(run_ledger, ledger_repo, str(log), "--dry-run")
    assert answer["status"] == "completed" and answer["ledger"] == []


def test_nested_groups_never_raised_and_a_kill_after_a_cut_traceback(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    import subprocess
    import sys

    code = (
        "raise ExceptionGroup('outer', [ValueError('a'), ExceptionGroup('mid', [TypeError('b'), "
        "ExceptionGroup('inner', [KeyError('c'), RuntimeError('CUDA error: an illegal memory "
        "access was encountered')])])])"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    log = tmp_path / "groups.log"
    log.write_text(printed.stderr)
    answer = _ingest(run_ledger, ledger_repo, str(log), "--dry-run", "--at", "2026-11-20 10:00")
    assert len(answer["traceback"]["group_members"]) == 4  # type: ignore[index]
    assert answer["analysis"]["error_type"] == "cuda_error"  # type: ignore[index]
    cut = tmp_path / "cut.log"
    cut.write_text(
        'Traceback (most recent call last):\n  File "/w/t.py", line 1, in <module>\n    main()\n'
        "/bin/sh: line 1:  4242 Segmentation fault      (core dumped) python t.py\n"
    )
    answer = _ingest(run_ledger, ledger_repo, str(cut), "--dry-run", "--at", "2026-11-20 10:00")
    assert answer["analysis"]["error_type"] == "signal"  # type: ignore[index]


# -- the rule table: the first rule that matches names the category ----------------------------

_WORDS = sorted({w for r in rules.RULES for w in r.words})
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from(_WORDS).map(lambda w: w[: len(w) // 2]),  # half a word names nothing
    st.text(max_size=12),
)


@given(
    st.lists(_PIECES, max_size=6).map(" ".join),
    st.sampled_from(["", "OutOfMemoryError", "ChildFailedError", "OSError"]),
    st.sampled_from(["training", "evaluation", "initialization"]),
    st.sampled_from([None, 0, 1, 124, 125, 127, 137, -9, 139]),
)
@settings(max_examples=400, deadline=None)
def test_a_line_gets_the_category_of_the_first_rule_that_matches_it(
    text: str, exc_type: str, phase: str, status: int | None
) -> None:
    """The word screen that spares most lines the rule loop never changes the answer."""
    lowered = f"{exc_type}: {text}".lower()
    first = next((r for r in rules.RULES if r.matches(lowered, exc_type, phase, status)), None)
    assert rules.classify(text, exc_type, phase, status) is first


_HEX = st.one_of(
    st.text(alphabet="0123456789abcdefABCDEF", min_size=1, max_size=16),
    st.sampled_from(["bad", "dead", "cafe", "fee", "deaf", "add", "c", "ec", "1"]),
    st.text(alphabet="0123456789abcdef", min_size=190, max_size=230),  # past a length limit
)
_CONTEXTS = ["/", "0x", "7X", "x", "a0x", ".0x", "-0x", "'", '"', "`", " ", ":", ":\\", "\\\\"]
_CONTEXTS += ["-", ".", "_", "+", "g", "é", "K", "udnn_status", "lfs pointer", "p" * 495]
_AROUND = st.one_of(st.sampled_from(_CONTEXTS), _PIECES)
_OWN_WORDS = st.lists(st.sampled_from(["bad", "xcafe", "/dead", "fee-", "add on", "deaf"]))


@given(st.lists(st.tuples(_AROUND, _HEX, _HEX, _AROUND), max_size=4), _OWN_WORDS)
@example([("0x", "bad", "123", "")], ["bad"])  # a word of hex letters keeps runs in shapes
@example([("0x", "cafe", "1234", " ")], ["xcafe"])  # and one that goes on into a run
@example([("/", "dead", "1", ".")], ["/dead"])
@example([("0x", "fee", "1", "-")], ["fee-"])
@example([(" 0x", "1b", "12", ":\\x")], [])  # a Windows path may start at a run's last letter
@example([("0x", "1" * 199 + "abc", "1" * 199 + "123", "")], [])  # a token's length limit
@example([("/", "c", "1", "udnn_status")], [])  # a run ends before a non-alphanumeric
@settings(max_examples=1000, deadline=None)
def test_lines_of_one_shape_are_judged_alike(
    parts: list[tuple[str, str, str, str]], own: list[str]
) -> None:
    """A line's judgement is shared by the lines of its shape (digits alike, hidden hex runs
    dropped): two lines of one shape mask alike and meet the same rule."""
    extra = tuple(rules.Rule((w,), "mine") for w in own)
    analyst = Analyst(extra)
    fills = [fill for _, fill, _, _ in parts]

    def line(chosen: list[str]) -> str:
        return "".join(f"{a}{c}{b}" for (a, _, _, b), c in zip(parts, chosen, strict=True))

    one, shape = line(fills), analyst._shape(line(fills))
    for i, (_, _, other, _) in enumerate(parts):  # each run the shape lets change, changed
        if analyst._shape(line([*fills[:i], other, *fills[i + 1 :]])) == shape:
            fills[i] = other
    two = line(fills)
    assert mask(one) == mask(two)
    assert rules.classify(one, "", "training", None, extra) is rules.classify(
        two, "", "training", None, extra
    )


# the words, and near-misses: another first letter that is also marked
_WORDS = [b"Traceback", b"EXCEPTION", b"Exit", b"xit", b"CANCELLED", b"FATAL", b"Fatal", b"WARN"]
_PIECES = st.sampled_from(
    [*_WORDS, *(b"S" + w[1:] for w in _WORDS), *(b"x" + w[1:] for w in _WORDS), b"E1210 04:12:35",
     b"S1210 04:12:35", b"E12", b"TEWKS", b"rror", b"denied", b"not found", b"\x00", b"\x01", b"\n"]
)  # fmt: skip


@given(st.lists(st.one_of(_PIECES, st.binary(max_size=6)), max_size=40))
@settings(max_examples=1000, deadline=None)
def test_the_candidate_words_are_found_wherever_they_are(parts: list[bytes]) -> None:
    """The chunk's search (over its first letters made one byte) finds each candidate word where
    a plain search of every word finds it, NUL bytes and near-misses around them included."""
    from ledger_tool.ingest.findings import LOWER_WORDS, UPPER_WORDS
    from ledger_tool.ingest.scan import _Hits

    buf = b"".join(parts)
    hits, found, at = _Hits(buf), [], 0
    while (hit := hits.next(at)) >= 0:
        found.append(hit)
        at = hit + 1
    every = {m.start() for at in range(len(buf)) if (m := UPPER_WORDS.match(buf, at))}
    every |= {at for word in LOWER_WORDS for at in range(len(buf)) if buf.startswith(word, at)}
    assert found == sorted(every)


def test_tracebacks_of_one_shape_are_judged_alike() -> None:
    """Every corpus log read twice into one analyst, the second time with other digits and hex
    runs: each traceback of the second reading, judged from what the first left, is judged as if
    alone."""
    import gzip as gz

    from ledger_tool.ingest.scan import Scanner

    table = bytes.maketrans(b"0123456789abcdef", b"3456789012fedcba")
    logs = sorted(LOGS.glob("*.log")) + sorted(LOGS.glob("*.log.gz"))
    compared = 0
    for path in logs:
        data = path.read_bytes()
        data = gz.decompress(data) if path.suffix == ".gz" else data
        # other digits everywhere, other letters in hex runs after `0x` and `/`
        other = re.sub(
            rb"(?<=0x)[0-9a-f]+|(?<=/)[0-9a-f]{6,}(?![0-9A-Za-z])",
            lambda m: m.group().translate(table),
            data.translate(bytes.maketrans(b"0123456789", b"3456789012")),
        )
        analyst = Analyst()
        for text in (data, other):
            findings: list = []
            scanner = Scanner(findings.append)
            scanner.feed(text)
            scanner.close()
            for finding in findings:
                judged = analyst.judge(finding)
                if finding.kind != "line":
                    alone = Analyst()._judge(finding)
                    assert (judged.phase, judged.rule, judged.category, judged.fingerprint) == (
                        alone
                    ), (path.name, finding.text)
                    compared += 1
    assert compared > 50
