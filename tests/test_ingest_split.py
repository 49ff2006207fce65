"""A big log read in parts at once (`ledger_tool.ingest.split`) says exactly what reading it in
order says: over every corpus log and fuzzed ones, cut into 2 to 4 parts at chunks of odd sizes,
with the warm-up that makes a part's reading count and with none (then it is read again)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger_tool.ingest import split
from ledger_tool.ingest.analysis import Analyst, Outcome
from ledger_tool.ingest.scan import Scanner
from ledger_tool.ingest.stream import Log, open_log
from tests.test_ingest_fuzz import _case, _pieces

LOGS = Path(__file__).parent / "data" / "logs"


def _in_order(path: Path, chunk: int) -> tuple[Outcome, str]:
    log = open_log(str(path))
    log.chunk = chunk
    return _read(log)


def _read(log: Log) -> tuple[Outcome, str]:
    """What reading `log` to its end in order says, and its digest."""
    analyst = Analyst()
    scanner = Scanner(analyst.add)
    for data in log.chunks():
        scanner.feed(data)
    scanner.close()
    log.close()
    return analyst.outcome(scanner.line_count), log.digest.hexdigest()


def _in_parts(
    path: Path, chunk: int, count: int, warm_up: int, taken: list[int] | None = None
) -> tuple[Outcome | None, str, list[int]]:
    log = open_log(str(path))
    log.chunk = chunk
    assert log.size is not None
    starts = split.cuts(log.handle.fileno(), log.size, chunk, count)
    outcome = split.in_parts(log, starts, warm_up=warm_up, taken=taken)
    log.close()
    return outcome, log.digest.hexdigest(), starts


def _same_either_way(path: Path, chunks: tuple[int, ...] = (61, 1024)) -> int:
    """Reading `path` in parts equals reading it in order; how many parts' readings were taken."""
    taken: list[int] = []
    for chunk in chunks:
        expected = _in_order(path, chunk)
        for count, warm_up in ((2, 1 << 20), (4, 1 << 20), (3, 0)):
            outcome, digest, starts = _in_parts(path, chunk, count, warm_up, taken)
            assert (outcome, digest) == expected, (path.name, chunk, count, warm_up, starts)
    return len(taken)


def test_every_corpus_log_reads_the_same_in_parts() -> None:
    taken = sum(_same_either_way(path) for path in sorted(LOGS.glob("*.log")))
    assert taken > 100  # most parts' readings are taken: the fast way is the one tested


def test_fuzzed_logs_read_the_same_in_parts(tmp_path: Path) -> None:
    rng = random.Random(11)
    logs = _pieces()
    for case in range(40):
        path = tmp_path / f"case-{case}.log"
        path.write_bytes(b"\n".join(_case(rng, logs) for _ in range(rng.randint(1, 12))))
        _same_either_way(path, chunks=(97,))


def test_a_traceback_open_across_a_cut_is_read_whole(tmp_path: Path) -> None:
    """The part's process, warmed up, holds the traceback open where its part starts, as reading
    in order does; with no warm-up it cannot, and that part is read again here."""
    head = b"".join(
        b"[2025-12-10 04:12:%02d] [main] [INFO] step %d loss=1.0\n" % (i % 60, i)
        for i in range(200)
    )
    traceback = (LOGS / "train_oom.log").read_bytes()
    path = tmp_path / "job.log"
    path.write_bytes(head + traceback)
    cut = len(head) + traceback.index(b"\n  File ") + 1  # amid its frames
    expected = _in_order(path, cut)
    for warm_up, parts in ((1 << 20, [1]), (0, [])):
        log = open_log(str(path))
        log.chunk = cut
        taken: list[int] = []
        outcome = split.in_parts(log, [0, cut, len(head + traceback)], warm_up=warm_up, taken=taken)
        log.close()
        assert (outcome, log.digest.hexdigest()) == expected
        assert taken == parts
        assert outcome is not None and outcome.final is not None
        assert outcome.final.exc_type == "torch.OutOfMemoryError"


def test_a_log_that_grows_while_it_is_read_is_read_again_in_order(tmp_path: Path) -> None:
    path = tmp_path / "job.log"
    path.write_bytes((LOGS / "train_oom.log").read_bytes() * 20)
    log = open_log(str(path))
    log.chunk = 512
    assert log.size is not None
    starts = split.cuts(log.handle.fileno(), log.size, log.chunk, 2)
    with path.open("ab") as out:  # the job writes on
        out.write(b"[2025-12-10 04:20:00] [main] [ERROR] one more\n")
    assert split.in_parts(log, starts) is None
    log.restart()
    assert _read(log) == _in_order(path, 512)


def test_only_a_big_regular_file_is_read_in_parts(tmp_path: Path) -> None:
    small = tmp_path / "small.log"
    small.write_bytes((LOGS / "train_oom.log").read_bytes())
    log = open_log(str(small))
    assert split.plan(log) is None  # below 2 x MIN_PART
    assert split.plan(log, min_part=64) is not None or len(os.sched_getaffinity(0)) < 2
    log.close()
    empty = tmp_path / "empty.log"
    empty.touch()
    with empty.open("rb") as handle:
        assert split.cuts(handle.fileno(), 0, 512, 4) == [0, 0]  # one part, of nothing
    read, write = os.pipe()
    os.write(write, small.read_bytes())
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert split.plan(Log("pipe", pipe, None), min_part=64) is None  # no size: in order


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="parts are read at once on 2+ CPUs")
def test_ingest_of_a_big_log_answers_as_reading_it_from_a_pipe(
    ledger_repo: Path, tmp_path: Path
) -> None:
    """End to end, past `MIN_PART` twice over: the file is read in parts, the pipe in order."""
    corpus = b"".join(p.read_bytes() for p in sorted(LOGS.glob("*.log")))
    big = tmp_path / "big.log"
    with big.open("wb") as out:
        for _ in range(2 * split.MIN_PART // len(corpus) + 2):
            out.write(corpus)
    env = {**os.environ, "COLUMNS": "200"}
    base = [sys.executable, "-m", "ledger_tool", "ingest", "--dry-run", "--json", "--job-id", "big"]
    answers = []
    for source in (str(big), "-"):
        with big.open("rb") as stdin:
            done = subprocess.run(
                [*base, source],
                cwd=ledger_repo,
                stdin=stdin,
                capture_output=True,
                env=env,
                timeout=300,
            )
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        del answer["log"]["path"]
        answers.append(answer)
    assert answers[0] == answers[1]
    assert answers[0]["log"]["lines"] == big.read_bytes().count(b"\n")


def test_an_analyst_merged_from_two_takes_in_what_one_would() -> None:
    """At any cut of any list of findings, processes' tracebacks ending out of line order and more
    of them than the analyst keeps for deciding included."""
    findings = []
    for path in sorted(LOGS.glob("*.log")):
        scanner = Scanner(findings.append)
        scanner.feed(path.read_bytes())
        scanner.close()
    rng = random.Random(5)
    for _ in range(30):
        some = rng.sample(findings, rng.randint(1, len(findings)))
        some *= rng.choice((1, 3))  # past the 400 kept for deciding
        whole = Analyst()
        for finding in some:
            whole.add(finding)
        cut = rng.randint(0, len(some))
        first, second = Analyst(), Analyst()
        for finding in some[:cut]:
            first.add(finding)
        for finding in some[cut:]:
            second.add(finding)
        first.merge(second.part())
        assert first.part() == whole.part()
        assert first.outcome(10_000) == whole.outcome(10_000)


def test_a_part_that_cannot_be_forked_is_read_here(tmp_path: Path) -> None:
    """Out of file descriptors (no pipe for a part's process), the log is still read whole."""
    path = tmp_path / "job.log"
    path.write_bytes(b"".join(p.read_bytes() for p in sorted(LOGS.glob("*.log"))))
    code = f"""
import os, resource
from ledger_tool.ingest import split
from ledger_tool.ingest.stream import open_log
log = open_log({str(path)!r})
log.chunk = 4096
starts = split.cuts(log.handle.fileno(), log.size, log.chunk, 4)
highest = max(int(fd) for fd in os.listdir("/proc/self/fd"))
resource.setrlimit(resource.RLIMIT_NOFILE, (highest + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
taken = []
outcome = split.in_parts(log, starts, taken=taken)
print(len(starts), taken, outcome.lines, len(outcome.groups), log.digest.hexdigest())
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    expected, digest = _in_order(path, 4096)
    assert done.stdout.split() == [
        "5", "[]", str(expected.lines), str(len(expected.groups)), digest
    ]  # fmt: skip


def test_parts_are_read_when_file_descriptors_run_past_1024(tmp_path: Path) -> None:
    """A process holding many files (a trainer's data loaders) still gets its parts' answers."""
    path = tmp_path / "job.log"
    path.write_bytes(b"".join(p.read_bytes() for p in sorted(LOGS.glob("*.log"))))
    code = f"""
import os, resource
from ledger_tool.ingest import split
from ledger_tool.ingest.stream import open_log
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard != resource.RLIM_INFINITY and hard < 1300:
    raise SystemExit("skip: the hard limit on open files is " + str(hard))
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1300), hard))
held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
log = open_log({str(path)!r})
log.chunk = 4096
starts = split.cuts(log.handle.fileno(), log.size, log.chunk, 4)
taken = []
outcome = split.in_parts(log, starts, taken=taken)
print(taken, outcome.lines, len(outcome.groups), log.digest.hexdigest())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    if done.returncode == 1 and done.stderr.startswith("skip:"):
        pytest.skip(done.stderr)
    assert done.returncode == 0, done.stderr
    expected, digest = _in_order(path, 4096)
    assert done.stdout.split() == [
        "[1,", "2,", "3]", str(expected.lines), str(len(expected.groups)), digest
    ]  # fmt: skip


def test_a_log_that_grows_moves_the_progress_bar_to_its_end_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in parts, found changed, read again in order: the bar ends at the file's size."""
    monkeypatch.setattr(split, "MIN_PART", 4096)
    path = tmp_path / "job.log"
    path.write_bytes((LOGS / "train_oom.log").read_bytes() * 20)
    log = open_log(str(path))
    log.chunk = 512
    with path.open("ab") as out:  # the job writes on after the log was opened
        out.write(b"[2025-12-10 04:20:00] [main] [ERROR] one more\n")
    moved: list[int] = []
    outcome = split.analyse(log, progress=moved.append)
    log.close()
    assert (outcome, log.digest.hexdigest()) == _in_order(path, 512)
    assert sum(moved) == path.stat().st_size


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="parts are read at once on 2+ CPUs")
def test_parts_processes_stop_when_the_reader_is_killed(tmp_path: Path) -> None:
    """`kill -9` of an ingest leaves no process reading on for nobody."""
    path = tmp_path / "dense.log"
    line = b"[2025-12-10 04:20:00] [main] [ERROR] step %d: NCCL error: unhandled system error\n"
    with path.open("wb") as out:
        for block in range(200):
            out.write(b"".join(line % (block * 1000 + i) for i in range(1000)))
    code = f"""
from ledger_tool.ingest import split
from ledger_tool.ingest.stream import open_log
log = open_log({str(path)!r})
log.chunk = 1 << 16
split.in_parts(log, split.cuts(log.handle.fileno(), log.size, log.chunk, 3))
"""
    reader = subprocess.Popen([sys.executable, "-c", code])
    children: list[int] = []
    deadline = time.monotonic() + 60
    while len(children) < 2 and reader.poll() is None and time.monotonic() < deadline:
        listed = Path(f"/proc/{reader.pid}/task/{reader.pid}/children").read_text().split()
        children = [int(pid) for pid in listed]
        time.sleep(0.01)
    assert len(children) == 2, "the parts' processes did not start"
    reader.kill()
    reader.wait()
    while time.monotonic() < deadline and any(_running(pid) for pid in children):
        time.sleep(0.05)
    assert not any(_running(pid) for pid in children)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
