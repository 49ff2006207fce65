"""Whole-process timings of the core `ledger` commands on generated ledgers, and their ratio to
the floor.

    python bench/bench_core.py                          # 100, 1,000 and 10,000 entries
    python bench/bench_core.py --sizes 100,1000,10000,50000 --peers   # the full table
    python bench/bench_core.py --quick                  # 1,000 entries only

Each ledger is a real git repository built by `make_ledger.py` (errors, journal, tasks and fix
commits in the tool's own format).  Every command runs as its own process, the way a user or a git
hook runs it, so interpreter start-up and imports count; the table gives the median and minimum
wall time of several runs after one warm-up, next to the budgets of DESIGN.md section 8.  Commands
that change the ledger run on a clean checkout each time (`git checkout -- . && git clean -fdq`
between runs, outside the timing), but for "open, one after another": each run opens an error
on the ledger the run before wrote, as a team's opens follow each other.  A command slower than `--cell-seconds` is run fewer times (down
to one run after the warm-up, whose first run may fill a cache; past six times that, the warm-up
alone, marked "first run only"), so a slow tool cannot make the benchmark run for hours.

Machines drift, so each command's runs are interleaved with runs of the floor F (`python -c
"import click; open('ERRORS.md','rb').read()"` in the ledger's folder; `python -c pass` for
--help), A B A B, and the table gives the ratio of the medians next to the ratio the issue asks for.
`--peers` also times, once each, what a team would put in the same hook (mdformat --check,
markdownlint-cli2) where they are installed and finish within 10 minutes.

Before timing, each command's output is checked (`open` prints the expected new ID, `list --json`
lists every entry, ...); a command that fails or answers wrongly stops the benchmark with the
command line to reproduce it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import make_ledger

# Budgets from DESIGN.md section 8 ("Promises"), whole process, in ms: (command, entries) -> ms.
BUDGETS: dict[tuple[str, int | None], float] = {
    ("--help", None): 60,
    ("open", 10_000): 200,
    ("check", 1_000): 80,
    ("check", 10_000): 150,
    ("metrics", 10_000): 500,
}
# Ratios to the floor measured in the same run (issue 11): F = `python -c "import click;
# open('ERRORS.md','rb').read()"` in the ledger's folder; for --help, `python -c pass`.
TARGETS: dict[str, float] = {
    "ledger check": 2.0,
    "ledger check (no cache)": 4.0,
    "ledger check --staged (ledger staged)": 2.5,
    "ledger check --staged (new sighting)": 2.5,
    "ledger check --staged (new error)": 2.5,
    "ledger check --staged (hand edit)": 2.5,
    'ledger open P0 inference "bench"': 3.0,
    "ledger open, one after another": 3.0,
    "ledger seen ID": 3.0,
    "ledger resolve ID --commit SHA": 3.0,
    "ledger --help": 3.0,
}
FLOOR = [sys.executable, "-c", "import click; open('ERRORS.md','rb').read()"]
PASS = [sys.executable, "-c", "pass"]
OPEN_AT = "2026-11-21 09:00"  # the day after the generated ledger ends: the new ID is -001
SEEN_AT = "2026-11-21 09:30"
_ROW = re.compile(r"^\| (ERR-[0-9-]+) \| [^|]* \| (ACTIVE|RESOLVED) \|", re.M)


class BenchError(Exception):
    """A command failed or gave a wrong answer; the message says how to reproduce it."""


@dataclass
class Result:
    label: str
    entries: int | None
    times: list[float]  # seconds, measured runs only
    budget_ms: float | None
    floor: list[float] | None = None  # the floor's runs, interleaved with these (A B A B)
    target: float | None = None  # the ratio to the floor the issue asks for
    warmup_only: bool = False  # too slow to repeat: the one time is the first run's

    @property
    def ratio(self) -> float | None:
        if not self.floor:
            return None
        return statistics.median(self.times) / statistics.median(self.floor)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000

    @property
    def verdict(self) -> str:
        said = []
        if self.budget_ms is not None:
            said.append("OK" if self.median_ms <= self.budget_ms else "OVER")
        ratio = self.ratio
        if self.target is not None and ratio is not None:
            said.append("ratio OK" if ratio <= self.target else "ratio OVER")
        if self.warmup_only:
            said.append("first run only")
        return ", ".join(said) or "-"


def ledger_command() -> list[str]:
    """The installed `ledger` console script next to this interpreter (what users run)."""
    script = Path(sys.executable).with_name("ledger")
    if script.exists():
        return [str(script)]
    found = shutil.which("ledger")
    return [found] if found else [sys.executable, "-m", "ledger_tool"]


class Bench:
    def __init__(self, ledger: list[str], env: dict[str, str], runs: int, cell_seconds: float):
        self.ledger = ledger
        self.env = env
        self.runs = runs
        self.cell_seconds = cell_seconds

    def run(self, root: Path, args: list[str], capture: bool = False) -> tuple[float, str]:
        """Run `ledger ARGS` in `root`; returns (wall seconds, stdout if captured)."""
        began = time.perf_counter()
        done = subprocess.run(
            [*self.ledger, *args],
            cwd=root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        elapsed = time.perf_counter() - began
        if done.returncode != 0:
            raise BenchError(
                f"exit {done.returncode} from: {self.command_line(root, args)}\n"
                f"{done.stderr.decode(errors='replace')}"
            )
        return elapsed, done.stdout.decode(errors="replace") if capture else ""

    def command_line(self, root: Path, args: list[str]) -> str:
        """A shell command that reproduces a run (same isolated git settings)."""
        config = self.env.get("GIT_CONFIG_GLOBAL", "")
        command = shlex.join([*self.ledger, *args])
        env = f"GIT_CONFIG_GLOBAL={shlex.quote(config)} GIT_CONFIG_NOSYSTEM=1"
        return f"cd {shlex.quote(str(root))} && {env} {command}"

    def reset(self, root: Path) -> None:
        """Put the ledger back as committed (outside the timing)."""
        for args in (["checkout", "-q", "--", "."], ["clean", "-fdq"]):
            subprocess.run(["git", *args], cwd=root, env=self.env, check=True)

    def measure(
        self,
        label: str,
        root: Path,
        args: list[str],
        entries: int | None,
        check: Callable[[str], None],
        mutates: bool = False,
        before: Callable[[], None] | None = None,
        floor: list[str] | None = FLOOR,
        after: Callable[[Path], None] | None = None,
    ) -> Result:
        """Warm up once (checking the output), then time up to `runs` runs (`before` runs ahead
        of each, outside the timing), each after a run of `floor` (A B A B: the machine's drift
        falls on both alike); `after` runs once at the end."""
        if before is not None:
            before()
        warm, out = self.run(root, args, capture=True)
        if mutates:
            self.reset(root)
        check(out)
        runs = self.runs if warm * (self.runs + 1) <= self.cell_seconds else 0
        if runs == 0 and warm * 2 <= self.cell_seconds:
            runs = max(1, int(self.cell_seconds / warm) - 1)
        if runs == 0 and warm <= 6 * self.cell_seconds:
            runs = 1  # the warm-up filled the caches (`list` at 50,000): time the run after it
        times: list[float] = []
        floors: list[float] = []
        for _ in range(runs):
            if floor is not None:
                floors.append(self.time_floor(root, floor))
            if before is not None:
                before()
            elapsed, _ = self.run(root, args)
            times.append(elapsed)
            if mutates:
                self.reset(root)
        if not times:  # too slow to repeat: the warm-up is the one measurement
            times = [warm]
            if floor is not None:
                floors.append(self.time_floor(root, floor))
        if after is not None:
            after(root)
        budget = BUDGETS.get((args[0] if args else "", entries))
        result = Result(label, entries, times, budget, floors or None, TARGETS.get(label))
        result.warmup_only = not runs
        shown = f"{result.median_ms:,.0f} ms" + ("" if runs else " (warm-up only)")
        ratio = "" if result.ratio is None else f"  {result.ratio:.2f}x floor"
        print(
            f"  {label:<38} {entries or '-':>7}  {len(times)} runs  median {shown}{ratio}",
            flush=True,
        )
        return result

    def time_floor(self, root: Path, floor: list[str]) -> float:
        began = time.perf_counter()
        subprocess.run(floor, cwd=root, env=self.env, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - began


def bench_hooks(bench: Bench, root: Path, n: int) -> list[Result]:
    """What the installed hooks add to `git commit`: without them, with them on a commit that
    touches no ledger file, and with them on a commit that stages a change to ERRORS.md."""
    active_id, _ = pick_ids(root)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=bench.env, check=True, capture_output=True)

    def unrelated_change() -> None:
        (root / "notes.txt").write_text(f"{time.perf_counter()}\n")
        git("add", "notes.txt")

    def ledger_change() -> None:
        bench.run(root, ["seen", active_id, "--at", SEEN_AT])
        git("add", "ERRORS.md")

    def undo() -> None:
        git("reset", "-q", "--hard", "HEAD~1")
        git("clean", "-fdq")

    def commit_timed(label: str, prepare: Callable[[], None]) -> Result:
        times = []
        for _ in range(bench.runs + 1):
            prepare()
            began = time.perf_counter()
            subprocess.run(
                ["git", "commit", "-q", "-m", "bench"], cwd=root, env=bench.env, check=True,
                capture_output=True,
            )  # fmt: skip
            times.append(time.perf_counter() - began)
            undo()
        result = Result(label, n, times[1:], None)
        print(f"  {label:<34} {n:>7}  {len(times) - 1} runs  median {result.median_ms:,.0f} ms")
        return result

    results = [commit_timed("git commit, no hooks", unrelated_change)]
    bench.run(root, ["hooks", "install"])
    git("add", "-A")
    git("commit", "-q", "-m", "Install the merge driver attributes")
    results.append(commit_timed("git commit, hooks, no ledger file", unrelated_change))
    results.append(commit_timed("git commit, hooks, ERRORS.md", ledger_change))
    bench.run(root, ["hooks", "uninstall"])
    return results


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


def pick_ids(root: Path) -> tuple[str, str]:
    """An active and a resolved error from the middle of the summary table."""
    text = (root / "ERRORS.md").read_text(encoding="utf-8")
    rows = _ROW.findall(text)
    active = [i for i, status in rows if status == "ACTIVE"]
    resolved = [i for i, status in rows if status == "RESOLVED"]
    return active[len(active) // 2], resolved[len(resolved) // 2]


FIX_SUBJECT = "Fix the timeout the bench resolves"


def fix_commit(bench: Bench, root: Path) -> str:
    """A commit as a fix is, on top of the ledger's: one source file changed.  (Resolving with
    the commit that added the whole ledger would time git's diff of 11 MB, not the tool.)"""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=root, env=bench.env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    if git("log", "-1", "--format=%s") != FIX_SUBJECT:  # a kept folder has it already
        (root / "src").mkdir(exist_ok=True)
        (root / "src" / "train.py").write_text("NCCL_TIMEOUT = 1800\n")
        git("add", "src/train.py")
        git("commit", "-q", "-m", FIX_SUBJECT)
    return git("rev-parse", "HEAD")


def bench_ledger(bench: Bench, root: Path, n: int) -> list[Result]:
    active_id, resolved_id = pick_ids(root)
    fix = fix_commit(bench, root)
    where = f"(in {root}; the ledger is committed there, `git diff` shows any change)"

    def check_list(out: str) -> None:
        entries = json.loads(out)
        _expect(len(entries) == n, f"list --json gave {len(entries)} entries, not {n} {where}")

    def check_show(out: str) -> None:
        entry = json.loads(out)
        _expect(entry.get("id") == resolved_id, f"show --json gave id {entry.get('id')!r} {where}")

    def check_seen(out: str) -> None:
        _expect(out.startswith(f"{active_id}: "), f"seen printed {out!r} {where}")

    def check_open(out: str) -> None:
        new_id = f"ERR-{OPEN_AT[:10]}-001"
        _expect(out.strip() == new_id, f"open printed {out.strip()!r}, not {new_id} {where}")

    def check_opened(out: str) -> None:
        prefix = f"ERR-{OPEN_AT[:10]}-"
        _expect(out.strip().startswith(prefix), f"open printed {out.strip()!r} {where}")

    open_args = ["open", "P0", "inference", "bench", "--at", OPEN_AT]
    metrics_args = ["metrics", "--json", "--since", "2026-10-21", "--until", OPEN_AT[:10]]

    def check_metrics(out: str) -> None:
        figures = json.loads(out)
        _expect("mtbf_hours" in figures, f"metrics --json printed {out[:200]!r} {where}")

    cache = root / ".git" / "ledger-cache"

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def check_clean(out: str) -> None:
        _expect(out == "", f"check found problems in the generated ledger {where}:\n{out[:2000]}")

    def unstage() -> None:
        subprocess.run(["git", "reset", "-q"], cwd=root, env=bench.env, check=True)
        bench.reset(root)

    sightings = iter(range(1, 10**6))

    def stage_a_sighting(at: str = SEEN_AT) -> None:
        unstage()  # the index too: else each sighting lands on the one staged before
        bench.run(root, ["seen", active_id, "--at", at])
        subprocess.run(["git", "add", "ERRORS.md"], cwd=root, env=bench.env, check=True)

    def a_new_minute() -> str:
        minutes = next(sightings)
        return f"2026-11-21 {10 + minutes // 60 % 12:02d}:{minutes % 60:02d}"

    def stage_a_new_sighting() -> None:  # a change no run has checked yet: the usual hook run
        stage_a_sighting(a_new_minute())

    def stage(*args: str) -> None:  # after a command: what `git add` of its change stages
        unstage()
        if args:
            bench.run(root, list(args))
        subprocess.run(["git", "add", "-A"], cwd=root, env=bench.env, check=True)

    def stage_a_new_error() -> None:
        stage("open", "P1", "data", "bench", "--at", a_new_minute())

    def stage_a_hand_edit() -> None:  # a description changed in an editor
        stage()
        errors = root / "ERRORS.md"
        text = errors.read_text(encoding="utf-8")
        at = text.index("**Description**: ") + len("**Description**: ")
        errors.write_text(f"{text[:at]}({next(sightings)}) {text[at:]}", encoding="utf-8")
        subprocess.run(["git", "add", "ERRORS.md"], cwd=root, env=bench.env, check=True)

    checks = [
        bench.measure("ledger check (no cache)", root, ["check"], n, check_clean, before=clear_cache),
        bench.measure("ledger check", root, ["check"], n, check_clean),
        bench.measure("ledger check --staged (ledger staged)", root, ["check", "--staged"], n,
                      check_clean, before=stage_a_sighting),
        bench.measure("ledger check --staged (new sighting)", root, ["check", "--staged"], n,
                      check_clean, before=stage_a_new_sighting),
        bench.measure("ledger check --staged (new error)", root, ["check", "--staged"], n,
                      check_clean, before=stage_a_new_error),
        bench.measure("ledger check --staged (hand edit)", root, ["check", "--staged"], n,
                      check_clean, before=stage_a_hand_edit),
    ]  # fmt: skip
    unstage()
    return [
        *checks,
        bench.measure("ledger list --json", root, ["list", "--json"], n, check_list),
        bench.measure(
            "ledger show ID --json", root, ["show", resolved_id, "--json"], n, check_show
        ),
        bench.measure(
            "ledger seen ID", root, ["seen", active_id, "--at", SEEN_AT], n, check_seen, True
        ),
        bench.measure('ledger open P0 inference "bench"', root, open_args, n, check_open, True),
        # as a team works: each open on the ledger the one before wrote (no checkout between)
        bench.measure(
            "ledger open, one after another", root, open_args, n, check_opened, after=bench.reset
        ),
        bench.measure(
            "ledger resolve ID --commit SHA",
            root,
            ["resolve", active_id, "--commit", fix, "--at", SEEN_AT],
            n,
            lambda out: _expect(
                out.startswith(f"{active_id} resolved"), f"resolve printed {out!r}"
            ),
            True,
        ),
        bench.measure("ledger metrics --json", root, metrics_args, n, check_metrics),
    ]


PEER_SECONDS = 600.0  # a peer slower than this on one file is reported as not finishing
_PEER_TIMES: dict[str, tuple[int, float]] = {}  # each peer's last (entries, seconds)


def bench_peers(bench: Bench, root: Path, n: int) -> list[Result]:
    """What a team would put in the same hook: mdformat --check and markdownlint-cli2, on the
    same ERRORS.md, each once with a time limit (they are installed by hand: `pip install
    mdformat`, `npm install -g markdownlint-cli2`)."""
    peers = {
        "mdformat --check ERRORS.md": [sys.executable, "-m", "mdformat", "--check", "ERRORS.md"],
        "markdownlint-cli2 ERRORS.md": ["markdownlint-cli2", "ERRORS.md"],
    }
    results = []
    for label, command in peers.items():
        before = _PEER_TIMES.get(label)
        if before is not None and before[1] * n / before[0] > PEER_SECONDS:
            print(f"  {label:<38} {n:>7}  skipped: {before[1]:.0f} s at {before[0]:,} entries "
                  f"makes more than {PEER_SECONDS:.0f} s here", flush=True)  # fmt: skip
            continue
        if shutil.which(command[0]) is None or (
            command[1:3] == ["-m", "mdformat"]
            and subprocess.run(
                [sys.executable, "-c", "import mdformat"], capture_output=True
            ).returncode
        ):
            print(f"  {label:<38} {n:>7}  not installed", flush=True)
            continue
        began = time.perf_counter()
        try:
            subprocess.run(
                command, cwd=root, env=bench.env, capture_output=True, timeout=PEER_SECONDS
            )
        except subprocess.TimeoutExpired:
            print(f"  {label:<38} {n:>7}  did not finish in {PEER_SECONDS:.0f} s", flush=True)
            continue
        elapsed = time.perf_counter() - began
        _PEER_TIMES[label] = (n, elapsed)
        results.append(Result(label, n, [elapsed], None))
        print(f"  {label:<38} {n:>7}  1 run  {elapsed * 1000:,.0f} ms", flush=True)
    return results


def tool_version() -> str:
    """The version of the package under test, and its source commit when it is a git checkout."""
    import ledger_tool

    source = Path(ledger_tool.__file__).resolve().parent.parent
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    commit = f", {source} at {done.stdout.strip()}" if done.returncode == 0 else ""
    return f"ledger_tool {ledger_tool.__version__}{commit}"


def print_table(results: list[Result], sizes: dict[int, tuple[int, float]]) -> None:
    header = (
        f"{'command':<38} {'entries':>8} {'runs':>5} {'median ms':>10} {'min ms':>10} "
        f"{'budget ms':>10} {'x floor':>8} {'target':>7}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        budget = "-" if r.budget_ms is None else f"{r.budget_ms:,.0f}"
        entries = "-" if r.entries is None else f"{r.entries:,}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        target = "-" if r.target is None else f"{r.target:g}x"
        print(
            f"{r.label:<38} {entries:>8} {len(r.times):>5} {r.median_ms:>10,.1f} "
            f"{r.min_ms:>10,.1f} {budget:>10} {ratio:>8} {target:>7}  {r.verdict}"
        )
    print()
    for n, (size, seconds) in sizes.items():
        print(f"ERRORS.md with {n:,} entries: {size:,} bytes (generated in {seconds:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n", 1)[0].split()))
    parser.add_argument("--quick", action="store_true", help="1,000 entries only")
    parser.add_argument(
        "--sizes",
        default="100,1000,10000",
        help="comma-separated ledger sizes (default 100,1000,10000; add 50000 for the full table)",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also time mdformat --check and markdownlint-cli2 on ERRORS.md where they finish",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument(
        "--cell-seconds",
        type=float,
        default=10.0,
        help="time allowed per command and size before runs are cut (default 10)",
    )
    parser.add_argument(
        "--keep", type=Path, help="build the ledgers in this (new) folder and keep them"
    )
    args = parser.parse_args(argv)
    sizes_wanted = [1_000] if args.quick else [int(n) for n in args.sizes.split(",")]
    ledger = ledger_command()
    print(f"ledger command: {' '.join(ledger)} ({tool_version()})")
    print("checking that make_ledger writes what the real commands write ...", flush=True)
    with contextlib.redirect_stdout(io.StringIO()):
        same = make_ledger.verify() == 0
    if not same:
        print(
            "WARNING: make_ledger.py no longer writes exactly what the tool writes (see above; "
            "run `python bench/make_ledger.py --verify`); timings below use its format",
            flush=True,
        )
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-core-"))
    base.mkdir(parents=True, exist_ok=True)
    env = make_ledger.git_env(make_ledger.write_git_config(base / "gitconfig"))
    bench = Bench(ledger, env, args.runs, args.cell_seconds)
    results: list[Result] = []
    sizes: dict[int, tuple[int, float]] = {}
    try:
        for n in sizes_wanted:
            root = base / f"ledger-{n}"
            began = time.perf_counter()
            make_ledger.build(n, root)
            sizes[n] = ((root / "ERRORS.md").stat().st_size, time.perf_counter() - began)
            print(f"built {root}: {n:,} entries in {sizes[n][1]:.1f} s", flush=True)
            if n == sizes_wanted[0]:
                results.append(_baseline(bench, root))
                results.append(
                    bench.measure(
                        "ledger --help",
                        root,
                        ["--help"],
                        None,
                        lambda out: _expect("Usage:" in out, f"--help printed {out[:200]!r}"),
                        floor=PASS,
                    )
                )
            results += bench_ledger(bench, root, n)
            results += bench_hooks(bench, root, n)
            if args.peers:
                results += bench_peers(bench, root, n)
    except BenchError as exc:
        print(f"\nFAILED: {exc}\n(the generated ledgers are kept in {base})", file=sys.stderr)
        return 1
    print_table(results, sizes)
    if args.keep is None:
        shutil.rmtree(base)
    return 0


def _baseline(bench: Bench, root: Path) -> Result:
    """`python -c pass`: the floor under every whole-process time."""
    baseline = Bench([sys.executable, "-c", "pass"], bench.env, bench.runs, bench.cell_seconds)
    return baseline.measure(
        "python -c pass (interpreter)", root, [], None, lambda out: None, floor=None
    )


if __name__ == "__main__":
    sys.exit(main())
