"""Whole-process throughput and peak memory of `ledger ingest` on generated crash logs of ML training jobs.

    python bench/bench_ingest.py          # 50 MB typical + 50 MB error-dense + long lines to 10M
                                          # chars (about 1.5 minutes on 2 cores)
    python bench/bench_ingest.py --quick  # 20 MB each, long lines to 1M chars (under a minute)
    python bench/bench_ingest.py --rss    # adds 500 MB and 5 GB logs for peak RSS (see below)

What is timed is what a user runs: `ledger ingest LOG --dry-run --json > /dev/null`, as its own
process, inside a temporary git repository where `ledger init` was run, so interpreter start-up,
imports and reading the (empty) ledger count; from cached bytecode, as for an installed tool (the
runs get a PYTHONPYCACHEPREFIX in the temporary folder, whatever PYTHONDONTWRITEBYTECODE says).
MB/s is the log's size on disk over the median wall time of `--runs` runs (1 MB = 2**20 bytes);
`net MB/s` takes off the start-up (the median time to ingest a log holding only a traceback: a
failure to record costs imports and a ledger read) for context, but the budgets hold the
whole-process figure.  Peak RSS is that of the `ledger` process (read by a small wrapper process
with `os.wait4`, never by this script), the largest of the runs; a log of 32 MB or more is read in
parts by forked processes on a machine with a second CPU (docs/ingest.md), and then it is the
largest of those processes, and `cpu s` (user + system time) counts them all.

The logs are written deterministically (`random.Random(--seed)`) into a temporary folder, in blocks,
so that a 5 GB log needs little memory; writing them is not timed, and each is deleted once measured:

- typical: seed 001 `[ts] [__main__] [INFO] [SFT] step ...` lines, Python logging lines, tqdm bars
  that redraw with `\\r`, Hugging Face `{'loss': ...}` dicts, a few warnings, and one traceback at
  the end (`torch.OutOfMemoryError` in the training loop, glued behind the last tqdm redraw);
- error-dense: mostly ERROR records whose numbers, paths, hex addresses and quoted values vary, in
  four formats, interleaved `[rank0]:` / `[rank1]:` lines, a two-rank traceback every ~50 lines,
  and a final PermissionError while saving a checkpoint;
- long lines: logs holding a single line of 10k, 100k, 1M and 10M characters: a plain one (a token
  list), one full of `Error` / `rror` / quote / `0x` / `/` / `\\r` / ANSI fragments, and one that is
  a single huge quoted string.  Their table gives the in-process time of `analyse()` per MB (best
  of repeated runs, in a child process, so that start-up does not hide it) and how much it grows
  over the smaller sizes: it should stay flat.

`--rss` adds a 500 MB and a 5 GB typical log and a 500 MB error-dense one: the 5 GB log needs that
much free disk in $TMPDIR (a log is skipped, with a message, when there is not), and the whole run
takes about 8 minutes on 2 cores (writing the 5 GB log takes 3 of them, ingesting it half a minute;
the 500 MB error-dense log is ingested once, in about 2 minutes at today's speed).  A log slower
than `--cell-seconds` is run fewer times, down to the checked run alone.

Before timing, each log's answer is checked (the typical log fails with `oom_training` at the line
of its exception, every repeated message of the dense log is one group whose count is the number of
lines written, ...).  A wrong answer is shown as WRONG in the table, with the command that
reproduces it (the log and the repository are then kept), and the script exits 1; a budget missed
is only reported (OVER), with the command to profile it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

MB = 1 << 20
# Budgets from the issue: whole process, MB/s on each kind of log, and peak RSS.
BUDGET_TYPICAL = 150.0  # MB/s
BUDGET_DENSE = 20.0  # MB/s
BUDGET_RSS = 100.0  # MB, whole process (held on every log: the reader promises bounded memory)
FLAT = 2.0  # a long line's time per MB may grow this much over the smaller sizes' before it is OVER
LONG_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
START = datetime(2025, 12, 10, 3, 12, 1)


class BenchError(Exception):
    """A command failed; the message says how to reproduce it."""


# -- writing the logs ----------------------------------------------------------------------------


class LogWriter:
    """Lines to a file in blocks of about `block` characters; counts the lines (`\\n`) written."""

    def __init__(self, path: Path, block: int = 1 << 20) -> None:
        self.path = path
        self.handle = path.open("wb")
        self.block = block
        self.parts: list[str] = []
        self.pending = 0  # characters in `parts`
        self.size = 0  # bytes written so far
        self.lines = 0  # complete lines so far (parts included)

    def line(self, text: str) -> int:
        """Write `text` and a `\\n`; return the line's 1-based number."""
        self.parts.append(text)
        self.parts.append("\n")
        self.pending += len(text) + 1
        self.lines += 1
        if self.pending >= self.block:
            self.flush()
        return self.lines

    def raw(self, text: str) -> None:
        """Write `text` with no line end (a tqdm redraw still open, a piece of a long line)."""
        self.parts.append(text)
        self.pending += len(text)
        if self.pending >= self.block:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.parts).encode("utf-8")
        self.handle.write(data)
        self.size += len(data)
        self.parts, self.pending = [], 0

    @property
    def approx(self) -> int:
        """Bytes written, and about those still pending (bars' blocks are 3 bytes: a little more)."""
        return self.size + self.pending

    def close(self) -> None:
        self.flush()
        self.handle.close()


class Clock:
    """The time a log line prints, advancing a little each line (formatted once per second)."""

    def __init__(self, rng: random.Random, start: datetime = START) -> None:
        self.rng = rng
        self.start = start
        self.seconds = 0.0
        self._shown = -1
        self._text = ""

    def tick(self, mean: float) -> None:
        self.seconds += self.rng.expovariate(1 / mean)

    def stamp(self) -> str:
        """`2025-12-10 03:58:22`"""
        whole = int(self.seconds)
        if whole != self._shown:
            self._shown = whole
            self._text = (self.start + timedelta(seconds=whole)).strftime("%Y-%m-%d %H:%M:%S")
        return self._text

    def millis(self) -> str:
        """`2025-12-10 03:58:22,123` (Python logging's asctime)"""
        return f"{self.stamp()},{int(self.seconds * 1000) % 1000:03d}"

    def glog(self) -> str:
        """`E1210 03:58:22.123456`'s time part: `1210 03:58:22.123456`"""
        moment = self.start + timedelta(seconds=int(self.seconds))
        return f"{moment:%m%d %H:%M:%S}.{int(self.seconds * 1e6) % 1_000_000:06d}"


_BLOCKS = " ▏▎▍▌▋▊▉█"


def _bar(done: int, total: int) -> str:
    """tqdm's 10-character bar for done/total."""
    eighths = min(done, total) * 80 // total
    full, part = divmod(eighths, 8)
    text = "█" * full + (_BLOCKS[part] if full < 10 and part else "")
    return text.ljust(10)


def _rate(n: int) -> str:
    return f"{n // 60:02d}:{n % 60:02d}"


@dataclass
class Made:
    """A generated log and what `ledger ingest --json` must say about it."""

    label: str
    path: Path
    kind: str  # "typical", "dense", "tiny" or a long-line kind
    chars: int = 0  # of the long line
    lines: int = 0
    check: Callable[[dict[str, object]], list[str]] = field(default=lambda answer: [])
    seconds: float = 0.0  # writing it

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _frames(lines: list[str], frames: list[tuple[str, int, str, str]]) -> None:
    for file, number, function, code in frames:
        lines.append(f'  File "{file}", line {number}, in {function}')
        lines.append(f"    {code}")


_SITE = "/opt/conda/lib/python3.11/site-packages"
_OOM_FRAMES = [
    ("/home/mlops/trainer/standalone_trainer.py", 3455, "<module>", "sys.exit(main())"),
    ("/home/mlops/trainer/standalone_trainer.py", 3401, "main", "trainer.run()"),
    ("/home/mlops/trainer/standalone_trainer.py", 2977, "run", "self._train_epoch(epoch)"),
    ("/home/mlops/trainer/standalone_trainer.py", 2710, "_train_epoch", "loss = self._training_step(batch)"),
    ("/home/mlops/trainer/standalone_trainer.py", 2588, "_training_step", "self.accelerator.backward(loss)"),
    (f"{_SITE}/accelerate/accelerator.py", 2248, "backward", "loss.backward(**kwargs)"),
    (f"{_SITE}/torch/_tensor.py", 581, "backward", "torch.autograd.backward("),
    (f"{_SITE}/torch/autograd/__init__.py", 347, "backward", "_engine_run_backward("),
    (f"{_SITE}/torch/autograd/graph.py", 825, "_engine_run_backward", "return Variable._execution_engine.run_backward(  # Calls into the C++ engine"),
    (f"{_SITE}/torch/utils/checkpoint.py", 1125, "unpack_hook", "frame.recompute_fn(*args)"),
]  # fmt: skip
_OOM = (
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total "
    "capacity of 79.15 GiB of which 1.23 GiB is free. Including non-PyTorch memory, this process "
    "has 77.91 GiB memory in use. Of the allocated memory 74.02 GiB is allocated by PyTorch, and "
    "2.37 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large "
    "try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See "
    "documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"
)
_INFO_MESSAGES = (
    "Throughput {a} samples/s, {b} tokens/s over the last 100 steps",
    "Data loader prefetched {a} batches ({b} workers busy)",
    "GPU memory: allocated {a}.{b} GB, reserved 71.2 GB",
    "Gradient accumulation boundary at micro-step {a}",
)


def write_typical(path: Path, target: int, rng: random.Random) -> Made:
    """A training log: mostly progress, a few warnings, one OOM traceback at the end."""
    w = LogWriter(path)
    clock = Clock(rng)
    total = max(1000, target // 90)  # a step takes ~96 bytes of log: it dies at ~94% of them
    job = "7f3a2c"
    for message in (
        f"Starting job {job} (standalone_trainer v0.9.4)",
        "Python 3.11.10 | torch 2.5.1+cu124 | transformers 4.46.3 | 8x NVIDIA H100 80GB HBM3",
        "Config: model=meta-llama/Llama-3.1-8B-Instruct max_seq_len=8192 per_device_batch=8 "
        "grad_accum=4 lr=2e-05 bf16=True gradient_checkpointing=True",
    ):
        w.line(f"[{clock.stamp()}] [__main__] [INFO] [Main] {message}")
    w.line(f"[{clock.stamp()}] [__main__] [INFO] [Model] Loading model weights (bf16)")
    shards = "".join(
        f"\rLoading checkpoint shards: {i * 25:3d}%|{_bar(i, 4)}| {i}/4 [00:{i * 2:02d}<00:0{8 - 2 * i}, 1.85s/it]"
        for i in range(5)
    )
    w.line(shards[1:])
    w.line(f"[{clock.stamp()}] [__main__] [INFO] [Model] Model loaded: 8.03B parameters, 16.06 GB")
    warned = {"batch": 0, "clip": 0, "user": 0}
    step, loss = 0, 2.2
    line = w.line
    stamp, millis = clock.stamp, clock.millis
    while w.approx < target - 8192:
        # one logging interval: a tqdm line of 10 redraws, the HF dict, the seed-001 step line
        redraws = []
        for _ in range(10):
            step += 1
            clock.tick(0.4)
            pct = min(100, step * 100 // total)
            left = max(0, int((total - step) * 0.4))
            redraws.append(
                f"\r{pct:3d}%|{_bar(step, total)}| {step}/{total} "
                f"[{_rate(int(clock.seconds) % 3600)}<{_rate(left % 3600)},  2.48it/s]"
            )
        line("".join(redraws))
        loss = max(0.3, loss * 0.9995 + rng.uniform(-0.01, 0.01))
        lr = 2e-05 * max(0.01, 1 - step / total)
        line(
            f"{{'loss': {loss:.4f}, 'grad_norm': {rng.uniform(0.3, 3):.4f}, "
            f"'learning_rate': {lr:.3e}, 'epoch': {step / total:.2f}}}"
        )
        line(
            f"[{stamp()}] [__main__] [INFO] [SFT] step {step}/{total} loss={loss:.4f} "
            f"lr={lr:.1e} grad_norm={rng.uniform(0.3, 3):.2f} tok/s={rng.randint(9000, 12000)}"
        )
        if rng.random() < 0.3:
            message = rng.choice(_INFO_MESSAGES).format(
                a=rng.randint(10, 999), b=rng.randint(1, 99)
            )
            line(f"{millis()} - trainer - INFO - {message}")
        if step % 500 == 0:
            for message in (
                f"Saving model checkpoint to /home/mlops/runs/{job}/checkpoint-{step}",
                f"Configuration saved in /home/mlops/runs/{job}/checkpoint-{step}/config.json",
                f"Model weights saved in /home/mlops/runs/{job}/checkpoint-{step}/model.safetensors",
            ):
                line(f"{millis()} - trainer - INFO - {message}")
        if step % 2000 == 0:  # an evaluation: a long bar (no line end for 200 redraws)
            line(
                "".join(
                    f"\r{i * 100 // 200:3d}%|{_bar(i, 200)}| {i}/200 [00:{i % 60:02d}<00:30,  6.61it/s]"
                    for i in range(201)
                )[1:]
            )
            line(
                f"{{'eval_loss': {loss * 1.05:.4f}, 'eval_runtime': {rng.uniform(29, 33):.2f}, "
                f"'eval_samples_per_second': {rng.uniform(60, 70):.3f}, 'epoch': {step / total:.2f}}}"
            )
        if rng.random() < 0.004:
            kind = rng.choice(tuple(warned))
            warned[kind] += 1
            if kind == "batch":
                line(
                    f"[{stamp()}] [__main__] [WARNING] [SFT] Batch at step {step} holds "
                    f"{rng.randint(4, 8)} sequences of 8192 tokens; reserved memory "
                    f"{rng.uniform(70, 79):.1f}/79.1 GiB"
                )
            elif kind == "clip":
                line(
                    f"{millis()} - transformers.trainer - WARNING - Gradient norm "
                    f"{rng.uniform(5, 90):.1f} at step {step} was clipped to 1.0"
                )
            else:
                line(
                    f"{_SITE}/torch/utils/checkpoint.py:{rng.choice((91, 92))}: UserWarning: None "
                    "of the inputs have requires_grad=True. Gradients will be None"
                )
    # the crash: the traceback glued behind the bar's last redraw, as stdout and stderr share the log
    tail = [
        "".join(
            f"\r{min(100, s * 100 // total):3d}%|{_bar(s, total)}| {s}/{total} [{_rate(s % 3600)}<00:00,  2.48it/s]"
            for s in range(step + 1, step + 4)
        )
        + "Traceback (most recent call last):"
    ]
    _frames(tail, _OOM_FRAMES)
    for text in tail:
        line(text)
    exc_line = line(_OOM)
    w.close()
    expected_warnings = {k: v for k, v in warned.items() if v}
    keys = {"batch": "Batch at step", "clip": "Gradient norm", "user": "UserWarning"}

    def check(answer: dict[str, object]) -> list[str]:
        wrong = _common(answer, w.lines, "failed")
        analysis = _dict(answer.get("analysis"))
        wrong += _want(analysis, "error_type", "oom_training", "analysis")
        wrong += _want(analysis, "error_phase", "training", "analysis")
        wrong += _want(analysis, "line", exc_line, "analysis")
        tb = _dict(answer.get("traceback"))
        wrong += _want(tb, "exception_type", "torch.OutOfMemoryError", "traceback")
        frames = tb.get("frames")
        if not isinstance(frames, list) or len(frames) != len(_OOM_FRAMES):
            shown = len(frames) if isinstance(frames, list) else frames
            wrong.append(f"traceback.frames: {shown} frames, not {len(_OOM_FRAMES)}")
        groups = _errors(answer)
        for kind, count in expected_warnings.items():
            wrong += _one_group(groups, keys[kind], count, "warning")
        wrong += _one_group(groups, "OutOfMemoryError", 1, "error")
        if len(groups) != len(expected_warnings) + 1:
            wrong.append(
                f"{len(groups)} groups, not {len(expected_warnings) + 1} (the warnings and the "
                f"OOM): {_shown_groups(groups)}"
            )
        return wrong

    return Made("typical", path, "typical", lines=w.lines, check=check)


_DENSE_KEYS = {
    "decode": "Failed to decode sample",
    "worker": "failed to read",
    "shm": "failed to map shared memory",
    "root": "tokens (max",
    "json_tb": "JSONDecodeError",
    "io_tb": "OSError",
}
_HEX = "0123456789abcdef"


def _hexword(rng: random.Random, n: int) -> str:
    """n hex digits with a letter and a digit among them (a hash, as the masks see it)."""
    return "".join(rng.choices(_HEX, k=n - 2)) + rng.choice("abcdef") + rng.choice("0123456789")


def _json_tb(rng: random.Random) -> list[str]:
    column = rng.randint(100, 9000)
    lines = ["Traceback (most recent call last):"]
    _frames(lines, [
        ("/workspace/sft/train.py", 318, "<module>", "main()"),
        ("/workspace/sft/train.py", 301, "main", "train(cfg, model, loader, optim)"),
        ("/workspace/sft/train.py", 236, "_inner_training_loop", "for batch in loader:"),
        (f"{_SITE}/torch/utils/data/dataloader.py", 701, "__next__", "data = self._next_data()"),
        (f"{_SITE}/torch/utils/data/dataloader.py", 757, "_next_data", "data = self._dataset_fetcher.fetch(index)"),
        (f"{_SITE}/torch/utils/data/_utils/fetch.py", 52, "fetch", "data = [self.dataset[idx] for idx in possibly_batched_index]"),
        ("/workspace/sft/data.py", 88, "__getitem__", "record = json.loads(self._read(idx))"),
        ("/opt/conda/lib/python3.11/json/__init__.py", 346, "loads", "return _default_decoder.decode(s)"),
        ("/opt/conda/lib/python3.11/json/decoder.py", 337, "decode", "obj, end = self.raw_decode(s, idx=_w(s, 0).end())"),
        ("/opt/conda/lib/python3.11/json/decoder.py", 353, "raw_decode", "obj, end = self.scan_once(s, idx)"),
    ])  # fmt: skip
    lines.append(
        f"json.decoder.JSONDecodeError: Unterminated string starting at: line 1 column {column} "
        f"(char {column - 1})"
    )
    return lines


def _io_tb(rng: random.Random) -> list[str]:
    lines = ["Traceback (most recent call last):"]
    _frames(lines, [
        ("/workspace/sft/train.py", 318, "<module>", "main()"),
        ("/workspace/sft/train.py", 301, "main", "train(cfg, model, loader, optim)"),
        ("/workspace/sft/train.py", 236, "_inner_training_loop", "for batch in loader:"),
        (f"{_SITE}/torch/utils/data/dataloader.py", 701, "__next__", "data = self._next_data()"),
        ("/workspace/sft/data.py", 71, "_read", "with open(self.files[idx // self.per_file], 'rb') as f:"),
    ])  # fmt: skip
    lines.append(
        f"OSError: [Errno 5] Input/output error: '/mnt/nfs/cache/{_hexword(rng, 16)}.arrow'"
    )
    return lines


_SAVE_FRAMES = [
    ("/workspace/sft/train.py", 318, "<module>", "main()"),
    ("/workspace/sft/train.py", 301, "main", "train(cfg, model, loader, optim)"),
    ("/workspace/sft/train.py", 262, "_inner_training_loop", "self._save_checkpoint(step)"),
    ("/workspace/sft/train.py", 190, "_save_checkpoint", "torch.save(self.optim.state_dict(), path)"),
    (f"{_SITE}/torch/serialization.py", 849, "save", "with _open_zipfile_writer(f) as opened_zipfile:"),
    (f"{_SITE}/torch/serialization.py", 716, "_open_zipfile_writer", "return container(name_or_buffer)"),
    (f"{_SITE}/torch/serialization.py", 687, "__init__", "super().__init__(torch._C.PyTorchFileWriter(self.name))"),
]  # fmt: skip


def write_dense(path: Path, target: int, rng: random.Random) -> Made:
    """An error-dense log: ERROR records that vary, two ranks, a traceback every ~50 lines."""
    w = LogWriter(path)
    clock = Clock(rng, START + timedelta(hours=1))
    written = dict.fromkeys(_DENSE_KEYS, 0)
    prefixes = ("[rank0]: ", "[rank1]: ", "")
    step = 0
    line = w.line
    for rank in ("[rank0]: ", "[rank1]: "):
        line(
            f"{rank}[{clock.stamp()}] [__main__] [INFO] [Train] step 1/20000 loss=2.3456 lr=2.0e-05"
        )
    until_tb = rng.randint(30, 70)
    while w.approx < target - 8192:
        clock.tick(0.05)
        prefix = rng.choices(prefixes, (45, 45, 10))[0]
        kind = rng.choices(("decode", "worker", "shm", "root", "info"), (35, 25, 15, 15, 10))[0]
        if kind == "decode":
            column = rng.randint(100, 9000)
            text = (
                f"[{clock.stamp()}] [dataset] [ERROR] [Train] Failed to decode sample "
                f"{rng.randint(0, 3_200_000)} in /data/shards/part-{rng.randint(0, 63):05d}.jsonl "
                f"at byte offset 0x{rng.getrandbits(32):08x}: Unterminated string starting at: "
                f"line 1 column {column} (char {column - 1})"
            )
        elif kind == "worker":
            text = (
                f"{clock.millis()} - torch.utils.data.dataloader - ERROR - Worker "
                f"{rng.randint(0, 15)} failed to read '/mnt/nfs/cache/{_hexword(rng, 16)}.arrow' "
                f"(errno 5) at 0x7f{rng.getrandbits(40):010x}; retrying in {rng.uniform(0.5, 9):.1f} s"
            )
        elif kind == "shm":
            text = (
                f"E{clock.glog()} {rng.randint(1000, 99999)} shm.cc:{rng.randint(40, 400)}] "
                f"failed to map shared memory segment /dev/shm/torch_{rng.randint(1000, 99999)}_"
                f"{rng.randint(0, 9999)} at 0x{rng.getrandbits(44):x}: errno {rng.choice((12, 24, 28))}"
            )
        elif kind == "root":
            text = (
                f"ERROR:root:Sample {rng.randint(0, 3_200_000)} of /data/shards/part-"
                f"{rng.randint(0, 63):05d}.jsonl has {rng.randint(8193, 65536)} tokens (max 8192), "
                f"dropped"
            )
        else:
            step += 1
            text = (
                f"[{clock.stamp()}] [__main__] [INFO] [Train] step {step}/20000 "
                f"loss={rng.uniform(0.8, 2):.4f} lr=2.0e-05"
            )
        if kind != "info":
            written[kind] += 1
        line(prefix + text)
        until_tb -= 1
        if until_tb <= 0:  # both ranks print a traceback at once, their lines interleaved
            until_tb = rng.randint(30, 70)
            make, key = rng.choice(((_json_tb, "json_tb"), (_io_tb, "io_tb")))
            mine = [[f"[rank{r}]: {t}" for t in make(rng)] for r in (0, 1)]
            written[key] += 2
            while mine[0] or mine[1]:
                side = mine[0] if mine[0] and (not mine[1] or rng.random() < 0.5) else mine[1]
                line(side.pop(0))
    final = [
        f"[rank0]: [{clock.stamp()}] [__main__] [INFO] [Train] Saving checkpoint at step {step}",
        "[rank0]: Traceback (most recent call last):",
    ]
    frames: list[str] = []
    _frames(frames, _SAVE_FRAMES)
    final += [f"[rank0]: {t}" for t in frames]
    for text in final:
        line(text)
    exc_line = line(
        f"[rank0]: PermissionError: [Errno 13] Permission denied: "
        f"'/checkpoints/run-0d0d5e/checkpoint-{step}/optimizer.pt'"
    )
    w.close()
    counts = {k: v for k, v in written.items() if v}

    def check(answer: dict[str, object]) -> list[str]:
        wrong = _common(answer, w.lines, "failed")
        analysis = _dict(answer.get("analysis"))
        wrong += _want(analysis, "error_type", "permission", "analysis")
        wrong += _want(analysis, "line", exc_line, "analysis")
        tb = _dict(answer.get("traceback"))
        wrong += _want(tb, "exception_type", "PermissionError", "traceback")
        groups = _errors(answer)
        for key, count in counts.items():
            wrong += _one_group(groups, _DENSE_KEYS[key], count, "error")
        wrong += _one_group(groups, "Permission denied", 1, "error")
        if len(groups) != len(counts) + 1:
            wrong.append(f"{len(groups)} groups, not {len(counts) + 1}: {_shown_groups(groups)}")
        return wrong

    return Made("error-dense", path, "dense", lines=w.lines, check=check)


def write_tiny(path: Path, failed: bool) -> Made:
    """What ingesting costs before the log's size counts (start-up): one INFO line (nothing to
    record), or a training OOM traceback alone (one failure to record, as the sized logs have)."""
    w = LogWriter(path)
    w.line(f"[{START:%Y-%m-%d %H:%M:%S}] [__main__] [INFO] [SFT] step 1/10 loss=2.3456")
    exc_line = 0
    if failed:
        lines = ["Traceback (most recent call last):"]
        _frames(lines, _OOM_FRAMES)
        for text in lines:
            w.line(text)
        exc_line = w.line(_OOM)
    w.close()

    def check(answer: dict[str, object]) -> list[str]:
        wrong = _common(answer, w.lines, "failed" if failed else "completed")
        groups = _errors(answer)
        if failed:
            wrong += _want(_dict(answer.get("analysis")), "error_type", "oom_training", "analysis")
            wrong += _want(_dict(answer.get("analysis")), "line", exc_line, "analysis")
        elif groups:
            wrong.append(f"errors: {_shown_groups(groups)}, not none")
        return wrong

    label = "one-traceback log (start-up)" if failed else "one-line log (start-up)"
    return Made(label, path, "tiny", lines=w.lines, check=check)


_FRAGMENTS = (
    "Error", "rror", "ERROR", "Error:", '"', "'", "0x", "0x7f3a", "/", "/tmp/", "Traceback",
    "Exception", "xit", "exit code ", "Warning", "not found", "denied", "\r", "\x1b[31m",
    "\x1b[0m", "[rank0]: ", " ", "  ", "12", "3.5", "E1210 03:", "KeyError: '", 'Error: "',
)  # fmt: skip
_WORDS = ("sample", "token", "shard", "model", "batch", "value", "the", "of", "in", "key")


def write_long(path: Path, kind: str, chars: int, rng: random.Random) -> Made:
    """A log of three lines whose second is `chars` characters long."""
    w = LogWriter(path)
    w.line(f"[{START:%Y-%m-%d %H:%M:%S}] [__main__] [INFO] [Data] Dumping the batch that failed")
    if kind == "plain":  # a printed token list: digits, commas and spaces, no word to look at
        head = f"[{START:%Y-%m-%d %H:%M:%S}] [__main__] [INFO] [Data] input_ids: ["
        body = (str(rng.randint(0, 128255)) + ", " for _ in iter(int, 1))
    elif kind == "fragments":  # every candidate word, quote, hex, path, \r and ANSI start there is
        head = f"[{START:%Y-%m-%d %H:%M:%S}] [__main__] [ERROR] [Data] "
        body = (rng.choice(_FRAGMENTS) for _ in iter(int, 1))
    else:  # one quoted string, opened at the start and closed at the end
        head = '"KeyError: '
        body = (
            rng.choice(_WORDS) + rng.choice((" ", "/", " 0x1f ", " Error ")) for _ in iter(int, 1)
        )
    written = len(head)
    w.raw(head)
    for piece in body:
        if written + len(piece) >= chars - 1:
            break
        w.raw(piece)
        written += len(piece)
    w.line(
        ("]" if kind == "plain" else '"' if kind == "quoted" else "x").rjust(chars - written, "x")
    )
    w.line(f"[{START:%Y-%m-%d %H:%M:%S}] [__main__] [INFO] [Data] Done")
    w.close()
    status = "completed" if kind == "plain" else "failed"

    def check(answer: dict[str, object]) -> list[str]:
        wrong = _common(answer, 3, status)
        groups = _errors(answer)
        if kind == "plain" and groups:
            wrong.append(f"errors: {_shown_groups(groups)}, not none")
        if kind != "plain" and not groups:
            wrong.append("no error group for the long line")
        wrong += [f"a group on line {g.get('line')}, not 2" for g in groups if g.get("line") != 2]
        return wrong

    return Made(f"{kind} {chars:,}", path, kind, chars=chars, lines=3, check=check)


# -- checking answers ------------------------------------------------------------------------------


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _errors(answer: dict[str, object]) -> list[dict[str, object]]:
    errors = answer.get("errors")
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _want(where: dict[str, object], key: str, value: object, name: str) -> list[str]:
    got = where.get(key)
    return [] if got == value else [f"{name}.{key} is {got!r}, not {value!r}"]


def _common(answer: dict[str, object], lines: int, status: str) -> list[str]:
    wrong = _want(answer, "status", status, "answer")
    log = _dict(answer.get("log"))
    wrong += _want(log, "lines", lines, "log")
    wrong += _want(log, "groups_not_kept", 0, "log")
    return wrong


def _one_group(groups: list[dict[str, object]], key: str, count: int, level: str) -> list[str]:
    """Exactly one group whose message holds `key`, counting `count`, at `level`."""
    found = [g for g in groups if key in str(g.get("message", ""))]
    if len(found) != 1:
        return [
            f"{len(found)} groups for {key!r} (not 1, counting {count}): {_shown_groups(found)}"
        ]
    group = found[0]
    wrong = []
    if group.get("count") != count:
        wrong.append(f"the {key!r} group counts {group.get('count')}, not the {count} written")
    if group.get("level") != level:
        wrong.append(f"the {key!r} group is {group.get('level')!r}, not {level!r}")
    return wrong


def _shown_groups(groups: list[dict[str, object]], most: int = 6) -> str:
    shown = [f"{g.get('count')}x {str(g.get('message', ''))[:70]!r}" for g in groups[:most]]
    more = f" and {len(groups) - most} more" if len(groups) > most else ""
    return "[" + "; ".join(shown) + "]" + more


# -- running `ledger ingest` ---------------------------------------------------------------------------


def ledger_command() -> list[str]:
    """The installed `ledger` console script next to this interpreter (what users run)."""
    script = Path(sys.executable).with_name("ledger")
    if script.exists():
        return [str(script)]
    found = shutil.which("ledger")
    return [found] if found else [sys.executable, "-m", "ledger_tool"]


def tool_version() -> str:
    """The version of the package under test, and its source commit when it is a git checkout."""
    done = subprocess.run(
        [sys.executable, "-c", "import ledger_tool; print(ledger_tool.__version__, ledger_tool.__file__)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return "ledger_tool not importable"
    version, file = done.stdout.split()
    source = Path(file).resolve().parent.parent
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    commit = f", {source} at {described.stdout.strip()}" if described.returncode == 0 else ""
    return f"ledger_tool {version}{commit}"


@dataclass
class Run:
    wall: float  # seconds
    rss: float  # MB, peak resident set of the child
    cpu: float  # user + system seconds of the child


@dataclass
class Result:
    made: Made
    size: int
    runs: list[Run]
    budget_mbs: float | None
    wrong: list[str]
    command: str
    scan: float | None = None  # in-process seconds of analyse() (long lines)
    ratio: float | None = None  # its time per MB over the smallest of the smaller sizes'

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs) if self.runs else float("nan")

    @property
    def rss(self) -> float:
        return max((r.rss for r in self.runs), default=float("nan"))

    @property
    def mbs(self) -> float:
        return self.size / MB / self.median if self.runs else float("nan")

    def net_mbs(self, startup: float) -> float:
        net = self.median - startup
        return self.size / MB / net if net > 0 else float("inf")

    @property
    def over(self) -> list[str]:
        if self.wrong:
            return []
        over = []
        if self.budget_mbs is not None and self.mbs < self.budget_mbs:
            over.append("speed")
        if self.rss > BUDGET_RSS:
            over.append("rss")
        if self.ratio is not None and self.ratio > FLAT:
            over.append("not flat")
        return over

    @property
    def verdict(self) -> str:
        if self.wrong:
            return "WRONG"
        return "OVER (" + ", ".join(self.over) + ")" if self.over else "ok"


# Runs the command given after OUT (its stdout to OUT) and prints its wall time and rusage.  The
# peak RSS of a child is read from `os.wait4` in this small process, not in the bench script: on
# Linux a child's ru_maxrss also counts the memory of the process it was forked from (exec keeps
# the old address space's high-water mark), so forking `ledger` from the bench, which holds tens of
# MB after writing a log, would show the bench's size, not ledger's.  This wrapper is ~10 MB.
_WRAPPER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    began = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "wall": wall,
                  "maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}))
"""


class Bench:
    def __init__(self, ledger: list[str], repo: Path, env: dict[str, str], runs: int, cell: float):
        self.ledger = ledger
        self.repo = repo
        self.env = env
        self.runs = runs
        self.cell_seconds = cell

    def args(self, log: Path) -> list[str]:
        return [*self.ledger, "ingest", str(log), "--dry-run", "--json"]

    def command_line(self, log: Path) -> str:
        """A shell command that reproduces a run (same isolated git settings)."""
        config = self.env.get("GIT_CONFIG_GLOBAL", "")
        env = f"GIT_CONFIG_GLOBAL={shlex.quote(config)} GIT_CONFIG_NOSYSTEM=1"
        pycache = self.env.get("PYTHONPYCACHEPREFIX", "")
        env += f" PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX={shlex.quote(pycache)}"
        return f"cd {shlex.quote(str(self.repo))} && {env} {shlex.join(self.args(log))}"

    def run(self, log: Path, out: Path | None = None) -> Run:
        """One `ledger ingest LOG --dry-run --json`, stdout to `out` (else /dev/null), started
        and waited for by `_WRAPPER` (see there why)."""
        done = subprocess.run(
            [sys.executable, "-S", "-c", _WRAPPER, str(out or os.devnull), *self.args(log)],
            cwd=self.repo,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        try:
            said = json.loads(done.stdout)
        except ValueError:
            said = {"status": done.returncode}
        if done.returncode != 0 or said["status"] != 0:
            raise BenchError(
                f"exit {said['status']} from: {self.command_line(log)}\n"
                f"{done.stderr.decode(errors='replace')[-4000:]}"
            )
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
        return Run(float(said["wall"]), said["maxrss"] * scale / MB, float(said["cpu"]))

    def measure(
        self, made: Made, budget_mbs: float | None, scan: bool = False, runs: int | None = None
    ) -> Result:
        """Check the answer (that run is the warm-up), then time up to `runs` runs (default
        `self.runs`; fewer when they would take more than `cell_seconds`)."""
        out = made.path.with_suffix(".json")
        warm = self.run(made.path, out)
        command = self.command_line(made.path)
        try:
            answer = json.loads(out.read_text(encoding="utf-8"))
            wrong = made.check(_dict(answer))
        except ValueError as exc:
            wrong = [f"the output is not JSON ({exc})"]
        size = made.size
        if wrong:
            print(f"  {made.label:<28} WRONG: {wrong[0]}", flush=True)
            return Result(made, size, [], budget_mbs, wrong, command)
        out.unlink()
        wanted = runs or self.runs
        count = wanted if warm.wall * (wanted + 1) <= self.cell_seconds else 0
        if count == 0 and warm.wall * 2 <= self.cell_seconds:
            count = max(1, int(self.cell_seconds / warm.wall) - 1)
        measured = [self.run(made.path) for _ in range(count)] or [warm]
        result = Result(made, size, measured, budget_mbs, [], command)
        if scan:
            result.scan = scan_seconds(made.path, self.env)
        shown = f"median {result.median:.3f} s" + ("" if count else " (warm-up only)")
        print(
            f"  {made.label:<28} {size / MB:9.2f} MB  {len(measured)} runs  {shown}  "
            f"peak RSS {result.rss:.1f} MB",
            flush=True,
        )
        return result


_DRIVER = """
import json, sys, time
from ledger_tool.ingest.split import analyse
from ledger_tool.ingest.stream import open_log
path, budget = sys.argv[1], float(sys.argv[2])
best, total, n = float("inf"), 0.0, 0
while n < 3 or (total < budget and n < 2000):
    log = open_log(path)
    began = time.perf_counter()
    try:
        analyse(log)
    finally:
        log.close()
    took = time.perf_counter() - began
    best, total, n = min(best, took), total + took, n + 1
print(json.dumps({"best": best, "runs": n}))
"""


def scan_seconds(log: Path, env: dict[str, str], budget: float = 1.0) -> float:
    """The best in-process time of `analyse(open_log(LOG))` (no start-up), in a child process."""
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(log), str(budget)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BenchError(f"the in-process driver failed on {log}:\n{done.stderr[-4000:]}")
    return float(json.loads(done.stdout)["best"])


def floors(log: Path) -> dict[str, float]:
    """What this machine does with the same bytes, in MB/s: the floor under any log reader."""
    size = log.stat().st_size / MB

    def best(work: Callable[[], None], times: int = 3) -> float:
        took = []
        for _ in range(times):
            began = time.perf_counter()
            work()
            took.append(time.perf_counter() - began)
        return size / min(took)

    def lines_binary() -> None:
        with log.open("rb") as f:
            for _ in f:
                pass

    def lines_text() -> None:
        with log.open(encoding="utf-8", errors="replace") as f:
            for _ in f:
                pass

    def sha256() -> None:
        digest = hashlib.sha256()
        with log.open("rb") as f:
            for block in iter(lambda: f.read(8 << 20), b""):
                digest.update(block)

    return {
        "for line in f (binary)": best(lines_binary),
        "for line in f (text, utf-8)": best(lines_text),
        "sha256 in 8 MB reads (ingest hashes every byte)": best(sha256),
    }


# -- the repository -------------------------------------------------------------------------------


def child_env(config: Path, pycache: Path) -> dict[str, str]:
    """An environment that isolates git from the machine's settings, and lets Python cache
    bytecode (in `pycache`, not in the source tree) even where PYTHONDONTWRITEBYTECODE is set: an
    installed `ledger` starts from cached bytecode, while compiling its modules from source on
    every run would add ~50 ms to each."""
    skip = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    return env | {
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPYCACHEPREFIX": str(pycache),
    }


def make_repo(base: Path, ledger: list[str]) -> tuple[Path, dict[str, str]]:
    """A git repository with an initialised, committed ledger."""
    config = base / "gitconfig"
    config.write_text(
        "[user]\n\tname = Bench User\n\temail = bench@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[gc]\n\tauto = 0\n",
        encoding="utf-8",
    )
    env = child_env(config, base / "pycache")
    repo = base / "repo"
    repo.mkdir()
    for command in (
        ["git", "init", "-q"],
        [*ledger, "init"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "ledger init"],
    ):
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise BenchError(f"{shlex.join(command)} failed in {repo}:\n{done.stderr.decode()}")
    return repo, env


# -- the report ------------------------------------------------------------------------------------


def print_table(results: list[Result], startup: float) -> None:
    header = (
        f"{'log':<30} {'size MB':>9} {'runs':>5} {'median s':>9} {'MB/s':>8} {'net MB/s':>9} "
        f"{'cpu s':>7} {'peak RSS MB':>12}  {'budget':<22} verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        budget = f">={r.budget_mbs:g} MB/s, " if r.budget_mbs is not None else ""
        budget += f"<{BUDGET_RSS:g} MB"
        if not r.runs:
            print(f"{r.made.label:<30} {r.size / MB:>9.1f} {'-':>5} {'':>49}  {budget:<22} WRONG")
            continue
        cpu = statistics.median(x.cpu for x in r.runs)
        net = "-" if r.made.kind == "tiny" else f"{r.net_mbs(startup):,.1f}"
        mbs = "-" if r.made.kind == "tiny" else f"{r.mbs:,.1f}"
        print(
            f"{r.made.label:<30} {r.size / MB:>9.1f} {len(r.runs):>5} {r.median:>9.3f} "
            f"{mbs:>8} {net:>9} {cpu:>7.2f} {r.rss:>12.1f}  {budget:<22} {r.verdict}"
        )


def judge_series(series: list[Result]) -> None:
    """A long line's time per MB against the smaller sizes' of its kind: OVER when it grows."""
    for r in series:
        if r.wrong or r.scan is None:
            continue
        smaller = [
            s.scan / (s.size / MB)
            for s in series
            if s.made.kind == r.made.kind and s.made.chars < r.made.chars and s.scan
        ]
        r.ratio = (r.scan / (r.size / MB)) / min(smaller) if smaller else None


def print_series(series: list[Result], clean: float, failed: float) -> None:
    """`- start-up`: the wall time less that of the one-line log (a plain line records nothing)
    or of the one-traceback log (the others record a failure)."""
    header = (
        f"{'long line':<22} {'size MB':>8} {'wall ms':>9} {'- start-up':>11} {'scan ms':>9} "
        f"{'scan ms/MB':>11} {'x smaller':>10} {'peak RSS MB':>12}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in series:
        startup = clean if r.made.kind == "plain" else failed
        if not r.runs or r.scan is None:
            print(f"{r.made.label:<22} {r.size / MB:>8.2f} {'':>67}  WRONG")
            continue
        shown = "-" if r.ratio is None else f"{r.ratio:.2f}"
        print(
            f"{r.made.label:<22} {r.size / MB:>8.2f} {r.median * 1000:>9.1f} "
            f"{(r.median - startup) * 1000:>11.1f} {r.scan * 1000:>9.2f} "
            f"{r.scan * 1000 / (r.size / MB):>11.1f} {shown:>10} {r.rss:>12.1f}  {r.verdict}"
        )


@dataclass
class Plan:
    size: int  # bytes of the typical and dense logs
    long_sizes: tuple[int, ...]
    rss: bool


def planned(args: argparse.Namespace) -> Plan:
    size = int((args.size if args.size else 20 if args.quick else 50) * MB)
    sizes = tuple(s for s in LONG_SIZES if s <= (1_000_000 if args.quick else 10_000_000))
    return Plan(size, sizes, args.rss)


Writer = Callable[[Path, int, random.Random], Made]


def _generate(write: Writer, path: Path, size: int, seed: int, label: str) -> Made:
    """Write one sized log (not timed), saying how long it took."""
    began = time.perf_counter()
    made = write(path, size, random.Random(seed))
    made.seconds = time.perf_counter() - began
    made.label = label
    print(
        f"wrote {label} log: {made.size / MB:,.1f} MB, {made.lines:,} lines in {made.seconds:.1f} s",
        flush=True,
    )
    return made


def profile_hint(result: Result, ledger: list[str]) -> str:
    """The run that missed its budget, under cProfile (its stats are printed after the JSON)."""
    profiled = f"{shlex.quote(sys.executable)} -m cProfile -s cumtime -m ledger_tool"
    command = result.command.replace(shlex.join(ledger), profiled)
    return f"{command} | sed -n '/Ordered by/,+40p'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n", 1)[0].split()))
    parser.add_argument("--quick", action="store_true", help="20 MB logs, long lines to 1M chars")
    parser.add_argument("--rss", action="store_true", help="add 500 MB and 5 GB logs (peak RSS)")
    parser.add_argument("--size", type=float, help="MB of the typical and dense logs (default 50)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per log (default 3)")
    parser.add_argument(
        "--cell-seconds",
        type=float,
        default=60.0,
        help="time allowed per log before runs are cut (default 60: the 5 GB log runs once)",
    )
    parser.add_argument("--seed", type=int, default=1, help="of the generated logs (default 1)")
    parser.add_argument("--keep", type=Path, help="write the logs in this (new) folder, keep them")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: give a new or empty folder")
    plan = planned(args)
    ledger = ledger_command()
    print(f"ledger command: {' '.join(ledger)} ({tool_version()})", flush=True)
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    base.mkdir(parents=True, exist_ok=True)
    logs = base / "logs"
    logs.mkdir(exist_ok=True)
    results: list[Result] = []
    series: list[Result] = []
    floor: dict[str, float] = {}
    skipped: list[str] = []
    sized: list[tuple[str, Writer, float, int]] = [
        ("typical", write_typical, BUDGET_TYPICAL, plan.size),
        ("error-dense", write_dense, BUDGET_DENSE, plan.size),
    ]
    if plan.rss:
        sized += [
            ("typical", write_typical, BUDGET_TYPICAL, 500 * MB),
            ("error-dense", write_dense, BUDGET_DENSE, 500 * MB),
            ("typical", write_typical, BUDGET_TYPICAL, 5 * 1024 * MB),
        ]
    try:
        repo, env = make_repo(base, ledger)
        bench = Bench(ledger, repo, env, args.runs, args.cell_seconds)

        def one(
            made: Made, budget: float | None, into: list[Result], scan: bool = False, runs: int = 0
        ) -> None:
            result = bench.measure(made, budget, scan, runs or None)
            into.append(result)
            if made.kind == "typical" and not floor and not result.wrong:
                floor.update(floors(made.path))
            if not result.wrong and args.keep is None:
                made.path.unlink()

        # start-up is what the other figures are read against: more runs (it is noisy and cheap)
        one(write_tiny(logs / "one-line.log", False), None, results, runs=max(10, args.runs))
        one(write_tiny(logs / "one-traceback.log", True), None, results, runs=max(10, args.runs))
        for name, write, budget, size in sized:
            free = shutil.disk_usage(logs).free
            if free < size * 1.1 + 256 * MB:
                skipped.append(f"{name} {size // MB:,} MB: only {free / MB:,.0f} MB free in {logs}")
                continue
            path = logs / f"{name}-{size // MB}MB.log"
            label = f"{name} ({size / MB:,.0f} MB)"
            one(_generate(write, path, size, args.seed, label), budget, results)
        for kind in ("plain", "fragments", "quoted"):
            for chars in plan.long_sizes:
                made = write_long(
                    logs / f"long-{kind}-{chars}.log", kind, chars, random.Random(args.seed)
                )
                one(made, None, series, scan=True)
    except BenchError as exc:
        print(f"\nFAILED: {exc}\n(the logs and the repository are kept in {base})", file=sys.stderr)
        return 1
    clean, failed = (r.median if r.runs else 0.0 for r in results[:2])
    judge_series(series)
    print_table(results, failed)
    print_series(series, clean, failed)
    print()
    print(
        f"start-up (whole process): {clean * 1000:.0f} ms for a log with nothing to record, "
        f"{failed * 1000:.0f} ms for one with a failure to record (`net MB/s` takes this off)"
    )
    for name, speed in floor.items():
        print(f"machine floor over the typical log, {name}: {speed:,.0f} MB/s")
    for note in skipped:
        print(f"skipped {note}")
    over = [r for r in results + series if r.over]
    if over:
        kept = "" if args.keep else " (these logs are deleted: rerun with --keep DIR first)"
        print(f"\nover budget; profile with{kept}:")
        for r in over:
            print(f"  {r.made.label}: {profile_hint(r, ledger)}")
    wrong = [r for r in results + series if r.wrong]
    if wrong:
        print(f"\nWRONG answers (the logs and the repository are kept in {base}):", file=sys.stderr)
        for r in wrong:
            print(f"  {r.made.label}: reproduce with\n    {r.command}", file=sys.stderr)
            for problem in r.wrong:
                print(f"      - {problem}", file=sys.stderr)
        return 1
    if args.keep is None:
        shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
