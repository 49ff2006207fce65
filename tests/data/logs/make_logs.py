#!/usr/bin/env python3
"""Write the crash-log corpus for `ledger ingest` and its expectations.

Run from anywhere:  python tests/data/logs/make_logs.py

Every log is built here, byte for byte, so that `\\r`, `\\x00`, invalid UTF-8,
ANSI escapes, CRLF, missing final newlines and the one gzip file are exact.
Output is deterministic (fixed clocks, seeded RNGs, gzip mtime 0): running the
script twice gives identical files.

Besides the logs it writes expected.json.  `final_line` is not typed by hand:
each log names a marker (a substring and which occurrence) and the script
finds its 1-based line number, counting lines split on b"\\n" only.  The
script then checks what it can check mechanically (line counts, repeated
counts, the `Type: message` on the final line, frame and chain counts of the
final traceback) and stops with an error if a hand-written number is wrong.
"""
from __future__ import annotations

import datetime as _dt
import gzip
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------

LOGS: list[dict] = []


def log(name, *, about, category, exception_type, msg, final, frames, chain,
        group_members=0, exit_code=None, signal=None, phase, repeated=(),
        status="failed", covers="", check_tb=True, min_lines=20, max_lines=300):
    """Register a builder.  `final` is (substring, occurrence) with occurrence
    -1 for the last line containing it, 0 for the first, k for the k-th."""

    def deco(fn):
        LOGS.append(dict(
            name=name, build=fn, about=about, category=category,
            exception_type=exception_type, msg=msg, final=final, frames=frames,
            chain=chain, group_members=group_members, exit_code=exit_code,
            signal=signal, phase=phase, repeated=list(repeated), status=status,
            covers=covers, check_tb=check_tb, min_lines=min_lines,
            max_lines=max_lines))
        return fn

    return deco


# --------------------------------------------------------------------------
# helpers: clocks, progress bars, traceback pieces
# --------------------------------------------------------------------------


class Clock:
    def __init__(self, start: str, seed: int = 0):
        self.t = _dt.datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
        self.rng = random.Random(seed)

    def tick(self, seconds: float = 0.0, jitter: float = 0.0):
        s = seconds + (self.rng.uniform(0, jitter) if jitter else 0.0)
        self.t += _dt.timedelta(seconds=s)
        return self

    # [2025-12-10 03:58:22]
    def seed(self):
        return self.t.strftime("[%Y-%m-%d %H:%M:%S]")

    # 2025-12-10 03:58:22,123
    def py(self):
        return self.t.strftime("%Y-%m-%d %H:%M:%S,") + f"{self.t.microsecond // 1000:03d}"

    # [2025-12-10 03:58:22,123]
    def ds(self):
        return "[" + self.py() + "]"

    # E1210 03:58:22.123456  (glog / absl)
    def glog(self, level: str):
        return f"{level}{self.t:%m%d %H:%M:%S}.{self.t.microsecond:06d}"

    # [rank0]:[E1210 03:58:22.123456789 ...  (c10 logging, nanoseconds)
    def c10(self, level: str):
        return f"{level}{self.t:%m%d %H:%M:%S}.{self.t.microsecond:06d}{self.rng.randrange(1000):03d}"

    def iso(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%S")


def _fmt_secs(s: float) -> str:
    s = int(s)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


_BLOCKS = " ▏▎▍▌▋▊▉"


def _bar(frac: float, width: int = 10) -> str:
    full = int(frac * width)
    if full >= width:
        return "█" * width
    part = int((frac * width - full) * 8)
    return "█" * full + (_BLOCKS[part] if part else " ") + " " * (width - full - 1)


def tqdm(total, points, desc="", rate=2.0, unit="it", width=10, lead="\r"):
    """One physical line of a tqdm bar redrawn at each n in `points`
    (many \\r on one line, as tqdm writes to a file that is not a tty)."""
    out = []
    for n in points:
        frac = n / total if total else 1.0
        pct = f"{int(frac * 100):3d}%"
        el = n / rate if rate else 0
        if n == 0:
            tail = f"[00:00<?, ?{unit}/s]"
        else:
            rem = (total - n) / rate
            if rate >= 1:
                r = f"{rate:5.2f}{unit}/s"
            else:
                r = f"{1 / rate:5.2f}s/{unit}"
            tail = f"[{_fmt_secs(el)}<{_fmt_secs(rem)}, {r}]"
        pre = f"{desc}: " if desc else ""
        out.append(f"{lead}{pre}{pct}|{_bar(frac, width)}| {n}/{total} {tail}")
    return "".join(out)


def F(path, lineno, func, src=None, mark=None):
    """One traceback frame as Python 3.11 prints it.  `mark` is the
    substring of `src` to underline with ^ (omitted when it is the whole
    line, as 3.11 does)."""
    out = [f'  File "{path}", line {lineno}, in {func}']
    if src is not None:
        out.append("    " + src)
        if mark:
            i = src.index(mark)
            if not (i == 0 and len(mark) == len(src)):
                out.append("    " + " " * i + "^" * len(mark))
    return out


def TB(frames, exc, header="Traceback (most recent call last):"):
    lines = [header]
    for f in frames:
        lines += f
    lines += exc.split("\n")
    return lines


DIRECT = ["", "The above exception was the direct cause of the following exception:", ""]
DURING = ["", "During handling of the above exception, another exception occurred:", ""]


def pre(prefix, lines):
    return [prefix + l for l in lines]


def interleave(rng, *streams):
    """Merge line streams keeping each one's order (ranks writing to one
    stderr)."""
    streams = [list(s) for s in streams]
    idx = [0] * len(streams)
    out = []
    while True:
        live = [i for i, s in enumerate(streams) if idx[i] < len(s)]
        if not live:
            return out
        i = rng.choice(live)
        # ranks flush in small bursts
        for _ in range(rng.randint(1, 3)):
            if idx[i] < len(streams[i]):
                out.append(streams[i][idx[i]])
                idx[i] += 1


ESC = "\x1b"


def c(code, s):
    return f"{ESC}[{code}m{s}{ESC}[0m"


SP = "/opt/conda/lib/python3.11/site-packages"
PYLIB = "/opt/conda/lib/python3.11"

OOM_MSG = ("CUDA out of memory. Tried to allocate {alloc}. GPU {gpu} has a total capacity of 79.15 GiB "
           "of which {free} is free. Including non-PyTorch memory, this process has {inuse} memory in use. "
           "Of the allocated memory {byp} is allocated by PyTorch, and {resv} is reserved by PyTorch but "
           "unallocated. If reserved but unallocated memory is large try setting "
           "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation "
           "for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)")


def oom(alloc="2.00 GiB", gpu=0, free="1.23 GiB", inuse="77.91 GiB", byp="74.02 GiB", resv="2.37 GiB"):
    return OOM_MSG.format(alloc=alloc, gpu=gpu, free=free, inuse=inuse, byp=byp, resv=resv)


def backward_frames():
    return [
        F(f"{SP}/torch/_tensor.py", 581, "backward", "torch.autograd.backward("),
        F(f"{SP}/torch/autograd/__init__.py", 347, "backward", "_engine_run_backward("),
        F(f"{SP}/torch/autograd/graph.py", 825, "_engine_run_backward",
          "return Variable._execution_engine.run_backward(  # Calls into the C++ engine to run the backward pass",
          "Variable._execution_engine.run_backward("),
    ]


def module_call_frames():
    return [
        F(f"{SP}/torch/nn/modules/module.py", 1736, "_wrapped_call_impl",
          "return self._call_impl(*args, **kwargs)", "self._call_impl(*args, **kwargs)"),
        F(f"{SP}/torch/nn/modules/module.py", 1747, "_call_impl",
          "return forward_call(*args, **kwargs)", "forward_call(*args, **kwargs)"),
    ]


def torchrun_frames(binary="/opt/conda/bin/torchrun"):
    return [
        F(binary, 8, "<module>", "sys.exit(main())", "main()"),
        F(f"{SP}/torch/distributed/elastic/multiprocessing/errors/__init__.py", 355, "wrapper",
          "return f(*args, **kwargs)", "f(*args, **kwargs)"),
        F(f"{SP}/torch/distributed/run.py", 919, "main", "run(args)"),
        F(f"{SP}/torch/distributed/run.py", 910, "run", "elastic_launch("),
        F(f"{SP}/torch/distributed/launcher/api.py", 138, "__call__",
          "return launch_agent(self._config, self._entrypoint, list(args))",
          "launch_agent(self._config, self._entrypoint, list(args))"),
        F(f"{SP}/torch/distributed/launcher/api.py", 269, "launch_agent", "raise ChildFailedError("),
    ]


def child_failed_box(script, failures, root, width=60):
    """failures/root: dicts with time, host, rank, local_rank, exitcode, pid,
    traceback (None -> the 'To enable traceback' hint)."""

    def entry(i, d):
        tb = d.get("traceback") or "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"
        return [
            f"[{i}]:",
            f"  time      : {d['time']}",
            f"  host      : {d['host']}",
            f"  rank      : {d['rank']} (local_rank: {d['local_rank']})",
            f"  exitcode  : {d['exitcode']} (pid: {d['pid']})",
            "  error_file: <N/A>",
            f"  traceback : {tb}",
        ]

    out = ["torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
           "=" * width, f"{script} FAILED", "-" * width, "Failures:"]
    if not failures:
        out.append("  <NO_OTHER_FAILURES>")
    else:
        for i, d in enumerate(failures, 1):
            out += entry(i, d)
    out += ["-" * width, "Root Cause (first observed failure):"]
    out += entry(0, root)
    out += ["=" * width]
    return out


def c10_frames(lib_rows):
    """C++ frame #N lines under a c10 error."""
    return [f"frame #{i}: {row}" for i, row in enumerate(lib_rows)]


TORCH_LIB = f"{SP}/torch/lib"


def nccl_watchdog_cpp_frames(base=0x7f3a9c000000):
    return c10_frames([
        f"c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x{base + 0x16c1b6:x} in {TORCH_LIB}/libc10.so)",
        "c10d::ProcessGroupNCCL::WorkNCCL::checkTimeout(std::optional<std::chrono::duration<long, std::ratio<1l, 1000l> > >) + "
        f"0x2b4 (0x{base - 0x51be438c:x} in {TORCH_LIB}/libtorch_cuda.so)",
        f"c10d::ProcessGroupNCCL::watchdogHandler() + 0x890 (0x{base - 0x51be2830:x} in {TORCH_LIB}/libtorch_cuda.so)",
        f"c10d::ProcessGroupNCCL::ncclCommWatchdog() + 0x14d (0x{base - 0x51be1873:x} in {TORCH_LIB}/libtorch_cuda.so)",
        f"<unknown function> + 0x145c0 (0x{base + 0x4d85c0:x} in {TORCH_LIB}/libtorch.so)",
        f"<unknown function> + 0x94ac3 (0x{base + 0x2a94ac3:x} in /lib/x86_64-linux-gnu/libc.so.6)",
        f"clone + 0x44 (0x{base + 0x2b25a04:x} in /lib/x86_64-linux-gnu/libc.so.6)",
    ])


# ==========================================================================
# the logs
# ==========================================================================

# -------------------------------------------------------------- oom_training


@log("train_oom.log",
     about="Seed-001 format job: 47 recovered chat-template ERRORs in PreTokenize, then torch.OutOfMemoryError in "
           "backward during SFT; the 'Training failed with error' echo before and 'ERROR: Training failed' after the "
           "traceback only repeat it",
     category="oom_training", exception_type="torch.OutOfMemoryError",
     msg="CUDA out of memory. Tried to allocate 2.00 GiB",
     final=("torch.OutOfMemoryError: CUDA out of memory", -1), frames=9, chain=1, phase="training",
     repeated=[("Cannot use chat template", 47)],
     covers="seed-001 `[ts] [module] [LEVEL] [Phase]` lines, ERROR lines that repeat with numbers and quoted values, "
            "tqdm shard bar, echo lines around a traceback")
def _train_oom():
    ck = Clock("2025-12-10 03:12:01", seed=1)
    rng = random.Random(11)
    L = []

    def s(level, phase, msg, dt=0.0, module="__main__"):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        ph = f" [{phase}]" if phase else ""
        L.append(f"{ck.seed()} [{module}] [{level}]{ph} {msg}")

    s("INFO", "Main", "Starting job 7f3a2c (standalone_trainer v0.9.4)")
    s("INFO", "Main", "Python 3.11.10 | torch 2.5.1+cu124 | transformers 4.46.3 | 1x NVIDIA H100 80GB HBM3")
    s("INFO", "Main", "Config: model=meta-llama/Llama-3.1-8B-Instruct max_seq_len=8192 per_device_batch=8 "
                      "grad_accum=4 lr=2e-05 bf16=True gradient_checkpointing=False", 0.2)
    s("INFO", "Model", "Loading tokenizer from /models/Llama-3.1-8B-Instruct", 0.4)
    s("INFO", "Model", "Loading model weights (bf16, device_map=cuda:0)", 0.9)
    L.append(tqdm(4, [0, 1, 2, 3, 4], desc="Loading checkpoint shards", rate=0.54))
    s("INFO", "Model", "Model loaded: 8.03B parameters, 16.06 GB", 7.6)
    s("INFO", "PreTokenize", "Tokenizing 52000 conversations with the chat template", 0.3)
    roles = ["tool", "ipython", "function"]
    for i in range(47):
        sample = 903 + i * 1103 + rng.randrange(900)
        role = roles[i % 3] if i % 5 else "tool"
        s("ERROR", "PreTokenize",
          f"Cannot use chat template for sample {sample}: role '{role}' is not supported by this template, "
          "falling back to plain concatenation", 0.35)
    s("INFO", "PreTokenize", "Tokenized 52000 samples (47 fell back), 98331204 tokens, 1625 optimizer steps", 0.8)
    s("INFO", "SFT", "Starting SFT: 1 epoch, 1625 steps, warmup 50", 1.0)
    loss = 1.93
    for step in range(10, 390, 10):
        loss = max(0.72, loss - rng.uniform(0.005, 0.04))
        lr = min(2e-5, 2e-5 * step / 50)
        mem = 58.0 + rng.uniform(0, 16)
        s("INFO", "SFT", f"step {step}/1625 loss={loss:.4f} lr={lr:.2e} grad_norm={rng.uniform(0.6, 3.5):.2f} "
                         f"mem_reserved={mem:.1f}GB tok/s={rng.randrange(9800, 11800)}", 41)
    s("WARNING", "SFT", "Batch at step 387 holds 8 sequences of 8192 tokens; reserved memory 77.9/79.1 GiB", 33)
    msg = oom()
    s("ERROR", "Main", f"Training failed with error: {msg}", 2.1)
    s("ERROR", None, "Full traceback:")
    T = "/home/mlops/trainer/standalone_trainer.py"
    L += TB([
        F(T, 3455, "<module>", "sys.exit(main())", "main()"),
        F(T, 3401, "main", "trainer.run()"),
        F(T, 2977, "run", "self._train_epoch(epoch)"),
        F(T, 2710, "_train_epoch", "loss = self._training_step(batch)", "self._training_step(batch)"),
        F(T, 2588, "_training_step", "self.accelerator.backward(loss)"),
        F(f"{SP}/accelerate/accelerator.py", 2248, "backward", "loss.backward(**kwargs)"),
    ] + backward_frames(), f"torch.OutOfMemoryError: {msg}")
    s("INFO", "Main", "Releasing CUDA cache and writing run summary to /home/mlops/runs/7f3a2c/summary.json", 0.4)
    L.append(f"ERROR: Training failed: {msg}")
    return "\n".join(L) + "\n"


@log("torchrun_child_oom.log",
     about="torchrun with 2 ranks: both ranks print torch.OutOfMemoryError with [rank0]:/[rank1]: prefixes "
           "interleaved line by line, then torchrun's ChildFailedError (exitcode 1); the wrapper takes the child's "
           "category, its own traceback is the final one",
     category="oom_training", exception_type="torch.distributed.elastic.multiprocessing.errors.ChildFailedError",
     msg="", final=("errors.ChildFailedError:", -1), frames=6, chain=1, exit_code=1, phase="training",
     covers="`[rankN]:` prefixes with two tracebacks interleaved, glog lines from torch.elastic, ChildFailedError "
            "box with exitcode 1 after a child's traceback, ChildFailedError message whose first line is empty")
def _torchrun_child_oom():
    ck = Clock("2025-12-10 03:40:02", seed=2)
    rng = random.Random(22)
    L = []
    g = "torch/distributed/run.py:793]"
    for m in ["", "*****************************************",
              "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your "
              "system being overloaded, please further tune the variable for optimal performance in your "
              "application as needed. ",
              "*****************************************"]:
        L.append(f"{ck.glog('W')} 140213 {g} {m}")
    ck.tick(6.2)
    for r in (0, 1):
        L.append(f"[rank{r}]: {ck.py()} - sft.train - INFO - rank {r}/2 on cuda:{r}, world_size=2")
    L.append(f"{ck.py()} - sft.train - INFO - Loaded 184320 packed sequences of 4096 tokens")
    for step in range(1, 13):
        ck.tick(61, 3)
        L.append(f"{ck.py()} - sft.train - INFO - step {step * 25}/4000 loss={2.1 - step * 0.06:.4f} "
                 f"lr={min(3e-5, 3e-5 * step / 4):.2e} tokens/s={rng.randrange(31000, 34000)}")
    ck.tick(12)
    L.append(f"{ck.py()} - sft.train - INFO - Increasing micro batch to 16 after warmup (curriculum)")
    T = "/workspace/sft/train.py"
    M = f"{SP}/transformers/models/llama/modeling_llama.py"

    def rank_tb(r, alloc, free):
        frames = [
            F(T, 318, "<module>", "main()"),
            F(T, 301, "main", "train(cfg, model, loader, optim)"),
            F(T, 244, "train", "out = model(input_ids=batch['input_ids'], labels=batch['labels'])",
              "model(input_ids=batch['input_ids'], labels=batch['labels'])"),
        ] + module_call_frames() + [
            F(f"{SP}/torch/nn/parallel/distributed.py", 1643, "forward",
              "else self._run_ddp_forward(*inputs, **kwargs)", "self._run_ddp_forward(*inputs, **kwargs)"),
            F(f"{SP}/torch/nn/parallel/distributed.py", 1459, "_run_ddp_forward",
              "return self.module(*inputs, **kwargs)  # type: ignore[index]", "self.module(*inputs, **kwargs)"),
        ] + module_call_frames() + [
            F(M, 1214, "forward", "logits = logits.float()", "logits.float()"),
        ]
        return pre(f"[rank{r}]: ", TB(frames, f"torch.OutOfMemoryError: " + oom(alloc=alloc, gpu=r, free=free,
                                                                                    inuse="75.40 GiB",
                                                                                    byp="71.88 GiB",
                                                                                    resv="2.91 GiB")))

    ck.tick(20)
    L += interleave(rng, rank_tb(1, "7.83 GiB", "3.75 GiB"), rank_tb(0, "7.83 GiB", "3.69 GiB"))
    ck.tick(1.4)
    L.append(f"[rank0]:[{ck.c10('W')} ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been "
             "destroyed before we destruct ProcessGroupNCCL. On normal program exit, the application should call "
             "destroy_process_group to ensure that any pending NCCL operations have finished in this process. In "
             "rare cases this process can exit before this point and block the progress of another member of the "
             "process group. This constraint has always been present,  but this warning has only been added since "
             "PyTorch 2.4 (function operator())")
    ck.tick(0.9)
    L.append(f"{ck.glog('E')} 140213 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) "
             "local_rank: 0 (pid: 140220) of binary: /opt/conda/bin/python3.11")
    L += TB(torchrun_frames(), "\n".join(child_failed_box(
        "train.py",
        [dict(time="2025-12-10_03:53:41", host="gpu-node03.cluster.local", rank=1, local_rank=1, exitcode=1,
              pid=140221)],
        dict(time="2025-12-10_03:53:41", host="gpu-node03.cluster.local", rank=0, local_rank=0, exitcode=1,
             pid=140220))))
    return "\n".join(L) + "\n"


@log("deepspeed_oom_zero3.log",
     about="DeepSpeed ZeRO-3 run on 4 GPUs: allocator-flush WARNINGs, then ranks 2 and 3 hit torch.OutOfMemoryError "
           "in logits.float() (prefixed, interleaved); the launcher reports return code 1",
     category="oom_training", exception_type="torch.OutOfMemoryError",
     msg="CUDA out of memory. Tried to allocate 9.27 GiB",
     final=("torch.OutOfMemoryError:", -1), frames=12, chain=1, exit_code=1, phase="training",
     repeated=[("pytorch allocator cache flushes since last step", 6)],
     covers="DeepSpeed `[ts,ms] [LEVEL] [file.py:N:func]` lines, launcher return code, two ranks interleaved")
def _deepspeed_oom():
    ck = Clock("2025-12-10 02:40:11", seed=3)
    rng = random.Random(33)
    L = []

    def d(level, where, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.ds()} [{level}] [{where}] {msg}")

    d("INFO", "real_accelerator.py:219:get_accelerator", "Setting ds_accelerator to cuda (auto detect)")
    d("WARNING", "runner.py:215:fetch_hostfile",
      "Unable to find hostfile, will proceed with training with local resources only.", 2.5)
    cmd = ("/opt/conda/bin/python3.11 -u -m deepspeed.launcher.launch --world_info=eyJsb2NhbGhvc3QiOiBbMCwgMSwgMiwgM119 "
           "--master_addr=127.0.0.1 --master_port=29500 --enable_each_rank_log=None train_ds.py --deepspeed "
           "configs/ds_z3.json --model_name_or_path /models/Qwen2.5-14B --max_len 16384")
    d("INFO", "runner.py:607:main", f"cmd = {cmd}")
    d("INFO", "real_accelerator.py:219:get_accelerator", "Setting ds_accelerator to cuda (auto detect)", 1.9)
    d("INFO", "launch.py:146:main", "WORLD INFO DICT: {'localhost': [0, 1, 2, 3]}", 2.2)
    d("INFO", "launch.py:152:main", "nnodes=1, num_local_procs=4, node_rank=0")
    d("INFO", "launch.py:163:main",
      "global_rank_mapping=defaultdict(<class 'list'>, {'localhost': [0, 1, 2, 3]})")
    d("INFO", "launch.py:164:main", "dist_world_size=4")
    d("INFO", "launch.py:168:main", "Setting CUDA_VISIBLE_DEVICES=0,1,2,3")
    pids = [51234, 51235, 51236, 51237]
    for r, pid in enumerate(pids):
        d("INFO", "launch.py:256:main",
          f"process {pid} spawned with command: ['/opt/conda/bin/python3.11', '-u', 'train_ds.py', "
          f"'--local_rank={r}', '--deepspeed', 'configs/ds_z3.json', '--model_name_or_path', "
          "'/models/Qwen2.5-14B', '--max_len', '16384']")
    d("INFO", "comm.py:652:init_distributed", "cdb=None", 6.1)
    d("INFO", "comm.py:683:init_distributed", "Initializing TorchBackend in DeepSpeed with backend nccl")
    d("INFO", "logging.py:128:log_dist",
      "[Rank 0] DeepSpeed info: version=0.15.4, git-hash=unknown, git-branch=unknown", 2.0)
    d("INFO", "config.py:999:print", "DeepSpeedEngine configuration:", 0.3)
    for k, v in [("bfloat16_enabled", "True"), ("gradient_accumulation_steps", "8"),
                 ("train_micro_batch_size_per_gpu", "1"), ("zero_optimization_stage", "3"),
                 ("zero_config.offload_optimizer", "None"), ("steps_per_print", "10")]:
        d("INFO", "config.py:1003:print", f"  {k} {'.' * (30 - len(k))} {v}")
    d("INFO", "stage3.py:130:__init__", "Reduce bucket size 26214400", 1.2)
    d("INFO", "stage3.py:131:__init__", "Prefetch bucket size 23592960")
    d("INFO", "engine.py:1495:_configure_optimizer", "Using DeepSpeed Optimizer param name adamw as basic optimizer")
    d("INFO", "logging.py:128:log_dist", "[Rank 0] DeepSpeed Final Optimizer = DeepSpeedZeroOptimizer_Stage3", 9.4)
    flushes = 0
    for step in range(10, 130, 10):
        d("INFO", "logging.py:128:log_dist",
          f"[Rank 0] step={step}, skipped=0, lr=[{min(2e-5, 2e-5 * step / 40):.6e}], mom=[(0.9, 0.95)]", 58)
        d("INFO", "timer.py:264:stop",
          f"epoch=0/micro_step={step * 8}/global_step={step}, RunningAvgSamplesPerSec={5.6 + rng.random() * 0.3:.9f}, "
          f"CurrSamplesPerSec={5.4 + rng.random() * 0.6:.9f}, MemAllocated={58 + rng.random() * 2:.2f}GB, "
          f"MaxMemAllocated={71 + rng.random() * 3:.2f}GB")
        if step >= 70:
            flushes += 1
            d("WARNING", "stage3.py:2139:step",
              f"{rng.randrange(2, 6)} pytorch allocator cache flushes since last step. this happens when there is "
              "high memory pressure and is detrimental to performance. if this is happening frequently consider "
              "adjusting settings to reduce memory consumption. If you are unable to make the cache flushes go "
              "away consider adding get_accelerator().empty_cache() calls in your training loop to ensure that "
              "all ranks flush their caches at the same time")
    assert flushes == 6
    T = "/workspace/llm/train_ds.py"
    Q = f"{SP}/transformers/models/qwen2/modeling_qwen2.py"

    def rank_tb(r, free):
        frames = [
            F(T, 402, "<module>", "main()"),
            F(T, 388, "main", "run_epoch(engine, loader, epoch)"),
            F(T, 362, "run_epoch", "loss = train_step(engine, batch)", "train_step(engine, batch)"),
            F(T, 341, "train_step", "loss = engine(**batch).loss", "engine(**batch)"),
        ] + module_call_frames() + [
            F(f"{SP}/deepspeed/utils/nvtx.py", 18, "wrapped_fn", "ret_val = func(*args, **kwargs)",
              "func(*args, **kwargs)"),
            F(f"{SP}/deepspeed/runtime/engine.py", 1914, "forward", "loss = self.module(*inputs, **kwargs)",
              "self.module(*inputs, **kwargs)"),
            F(f"{SP}/torch/nn/modules/module.py", 1736, "_wrapped_call_impl",
              "return self._call_impl(*args, **kwargs)", "self._call_impl(*args, **kwargs)"),
            F(f"{SP}/torch/nn/modules/module.py", 1844, "_call_impl", "return inner()", "inner()"),
            F(f"{SP}/torch/nn/modules/module.py", 1790, "inner",
              "result = forward_call(*args, **kwargs)", "forward_call(*args, **kwargs)"),
            F(Q, 1183, "forward", "logits = logits.float()", "logits.float()"),
        ]
        return pre(f"[rank{r}]: ", TB(frames, "torch.OutOfMemoryError: " + oom(
            alloc="9.27 GiB", gpu=r, free=free, inuse="73.12 GiB", byp="66.20 GiB", resv="5.49 GiB")))

    ck.tick(31)
    L += interleave(rng, rank_tb(2, "6.02 GiB"), rank_tb(3, "5.88 GiB"))
    for pid in pids:
        d("INFO", "launch.py:319:sigkill_handler", f"Killing subprocess {pid}", 1.1)
    d("ERROR", "launch.py:325:sigkill_handler",
      "['/opt/conda/bin/python3.11', '-u', 'train_ds.py', '--local_rank=3', '--deepspeed', 'configs/ds_z3.json', "
      "'--model_name_or_path', '/models/Qwen2.5-14B', '--max_len', '16384'] exits with return code = 1")
    return "\n".join(L) + "\n"


@log("oom_cublas_alloc.log",
     about="Python logging default format; cuBLAS cannot allocate its workspace "
           "(CUBLAS_STATUS_ALLOC_FAILED, an out-of-memory condition) at step 1200 right after a sequence-length "
           "curriculum jump",
     category="oom_training", exception_type="RuntimeError",
     msg="CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
     final=("RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED", -1), frames=14, chain=1, phase="training",
     covers="`2025-12-10 03:58:22,123 - name - LEVEL - msg` lines, CUBLAS_STATUS_ALLOC_FAILED as OOM")
def _oom_cublas():
    ck = Clock("2025-12-10 05:01:44", seed=4)
    rng = random.Random(44)
    L = []

    def p(name, level, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.py()} - {name} - {level} - {msg}")

    p("__main__", "INFO", "Run 2025-12-10-asr-conformer-l | seed 1234 | 1 x NVIDIA A100-SXM4-80GB")
    p("__main__", "INFO", "Dataset: librispeech-960h + commonvoice-17 (en), 1,318,004 utterances", 0.8)
    p("datamodule", "INFO", "Bucketing by duration: 12 buckets, max 30.0 s", 3.0)
    p("__main__", "INFO", "Model: Conformer-L (120.4M params), fp16 autocast, channels_last", 1.1)
    p("__main__", "WARNING", "torch.backends.cuda.matmul.allow_tf32 is False; enabling it for speed", 0.1)
    wer = 38.0
    for step in range(100, 1201, 100):
        wer -= rng.uniform(0.8, 2.3)
        p("trainer", "INFO", f"step {step} | loss {2.9 - step / 900:.4f} | ctc {1.7 - step / 1500:.4f} | "
                              f"lr {min(1e-3, 1e-3 * step / 1000):.2e} | {rng.uniform(380, 420):.1f} utt/s", 73)
        if step == 1000:
            p("trainer", "INFO", "Curriculum: max duration 16.0 s -> 30.0 s from step 1001", 0.2)
        if step in (500, 1000):
            p("trainer", "INFO", f"dev-clean WER {wer:.2f}", 12.0)
    T = "/srv/asr/train.py"
    frames = [
        F(T, 211, "<module>", "main(parse_args())", "main(parse_args())"),
        F(T, 197, "main", "trainer.fit(model, datamodule)"),
        F("/srv/asr/asr/trainer.py", 143, "fit", "self._run_epoch(epoch)"),
        F("/srv/asr/asr/trainer.py", 102, "_run_epoch", "loss = self._step(batch)", "self._step(batch)"),
        F("/srv/asr/asr/trainer.py", 77, "_step", "logits = self.model(feats, feat_lens)",
          "self.model(feats, feat_lens)"),
    ] + module_call_frames() + [
        F("/srv/asr/asr/conformer.py", 288, "forward", "x = block(x, mask)", "block(x, mask)"),
    ] + module_call_frames() + [
        F("/srv/asr/asr/conformer.py", 171, "forward", "x = x + 0.5 * self.proj_in(x)", "self.proj_in(x)"),
    ] + module_call_frames() + [
        F(f"{SP}/torch/nn/modules/linear.py", 125, "forward", "return F.linear(input, self.weight, self.bias)",
          "F.linear(input, self.weight, self.bias)"),
    ]
    p("trainer", "INFO", "step 1201 | first batch at 30.0 s: 64 x 3000 frames", 41)
    p("trainer", "ERROR", "step 1201 failed on cuda:0 (batch 64 x 3000 frames), traceback follows", 0.3)
    L += TB(frames, "RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`")
    return "\n".join(L) + "\n"


@log("truncated_mid_traceback.log",
     about="Seed-001 format, cut while the traceback was being written (mid-line, no final newline): the exception "
           "line never arrived, so the type is unknown and the decisive line is the 'Training failed with error: "
           "CUDA out of memory' echo before 'Full traceback:'; frames counts the 5 complete frame lines",
     category="oom_training", exception_type=None, msg=None,
     final=("Training failed with error: CUDA out of memory", -1), frames=5, chain=1, phase="training",
     check_tb=False,
     covers="excerpt cut mid-traceback and mid-line without a final newline; frames without source lines")
def _truncated_mid_tb():
    ck = Clock("2025-12-10 03:51:10", seed=5)
    rng = random.Random(55)
    L = []

    def s(level, phase, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        ph = f" [{phase}]" if phase else ""
        L.append(f"{ck.seed()} [__main__] [{level}]{ph} {msg}")

    s("INFO", "Main", "Resuming job 91c0de from /home/mlops/runs/91c0de/checkpoint-1200")
    s("INFO", "Model", "Loading model mistralai/Mistral-7B-v0.3 (bf16)", 0.5)
    s("INFO", "Model", "Restored optimizer and scheduler state (step 1200)", 12.3)
    for step in range(1210, 1400, 10):
        s("INFO", "SFT", f"step {step}/3000 loss={1.21 - (step - 1200) / 4000 + rng.uniform(-0.02, 0.02):.4f} "
                         f"lr={1.5e-5:.2e} mem={60 + rng.uniform(0, 17):.1f}GB", 38)
    msg = oom(alloc="1.50 GiB", free="410.00 MiB", inuse="78.74 GiB", byp="76.90 GiB", resv="1.12 GiB")
    s("ERROR", "Main", f"Training failed with error: {msg}", 9)
    s("ERROR", None, "Full traceback:")
    T = "/home/mlops/trainer/standalone_trainer.py"
    L.append("Traceback (most recent call last):")
    L.append(f'  File "{T}", line 3401, in main')
    L.append(f'  File "{T}", line 1287, in __init__')
    L.append(f'  File "{T}", line 2977, in run')
    L.append(f'  File "{T}", line 2710, in _train_epoch')
    L.append(f'  File "{SP}/accelerate/accelerator.py", line 2248, in backward')
    L.append(f'  File "{SP}/torch/_tensor.py", line 5')
    return "\n".join(L)  # no final newline: the copy stopped here


# ------------------------------------------------------------------ oom_eval


@log("eval_oom_phase.log",
     about="Seed-001 format with ANSI colours inside the level brackets; SFT finishes its epoch, then generation in "
           "the [Eval] phase runs out of memory inside scaled_dot_product_attention",
     category="oom_eval", exception_type="torch.OutOfMemoryError",
     msg="CUDA out of memory. Tried to allocate 4.88 GiB",
     final=("torch.OutOfMemoryError:", -1), frames=16, chain=1, phase="evaluation",
     covers="ANSI colour codes inside `[LEVEL]` brackets, `[Eval]` phase deciding oom_eval, generate() frames")
def _eval_oom_phase():
    ck = Clock("2025-12-10 05:02:40", seed=6)
    rng = random.Random(66)
    L = []
    col = {"INFO": "32", "WARNING": "33", "ERROR": "1;31", "DEBUG": "2"}

    def s(level, phase, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        L.append(f"{ck.seed()} [__main__] [{c(col[level], level)}] [{phase}] {msg}")

    s("INFO", "Main", "Job e41b07: SFT + eval of Qwen2.5-7B-Instruct on support-tickets-v3")
    s("INFO", "Model", "Loaded /models/Qwen2.5-7B-Instruct in bf16 (7.62B params)", 14)
    s("INFO", "SFT", "1 epoch, 610 steps, per_device_batch=4, grad_accum=8", 0.2)
    for step in range(50, 611, 40):
        s("INFO", "SFT", f"step {min(step, 610)}/610 loss={1.4 - step / 900 + rng.uniform(-.03, .03):.4f} "
                         f"lr={1e-5 * (1 - step / 700):.2e}", 92)
    s("DEBUG", "SFT", "gc.collect(); torch.cuda.empty_cache() after training", 1.1)
    s("INFO", "SFT", "Saved adapter to /home/mlops/runs/e41b07/final (161.5 MB)", 3.0)
    s("INFO", "Eval", "Running evaluation on 1200 prompts: generate(max_new_tokens=1024, num_beams=4), batch 24", 0.4)
    s("WARNING", "Eval", "Setting `pad_token_id` to `eos_token_id`:151643 for open-end generation.", 0.2)
    for b in range(1, 9):
        s("INFO", "Eval", f"batch {b}/50 done, {b * 24} prompts, {rng.uniform(10.5, 14.0):.1f} s/batch", 12)
    msg = oom(alloc="4.88 GiB", free="2.94 GiB", inuse="76.19 GiB", byp="70.41 GiB", resv="4.96 GiB")
    s("ERROR", "Eval", f"Evaluation failed at batch 9/50 (prompt lengths up to 3711 tokens)", 9)
    R = "/home/mlops/pipeline/run_pipeline.py"
    E = "/home/mlops/pipeline/evaluator.py"
    G = f"{SP}/transformers/generation/utils.py"
    Q = f"{SP}/transformers/models/qwen2/modeling_qwen2.py"
    L += TB([
        F(R, 212, "<module>", "main()"),
        F(R, 205, "main", "report = Evaluator(cfg.eval, model, tokenizer).run()",
          "Evaluator(cfg.eval, model, tokenizer).run()"),
        F(E, 88, "run", "outputs = self._generate_batch(batch)", "self._generate_batch(batch)"),
        F(E, 61, "_generate_batch", "return self.model.generate(**enc, **self.gen_kwargs)",
          "self.model.generate(**enc, **self.gen_kwargs)"),
        F(f"{SP}/torch/utils/_contextlib.py", 116, "decorate_context", "return func(*args, **kwargs)",
          "func(*args, **kwargs)"),
        F(G, 2255, "generate", "result = self._beam_search(", "self._beam_search("),
        F(G, 3451, "_beam_search", "outputs = self(**model_inputs, return_dict=True)",
          "self(**model_inputs, return_dict=True)"),
    ] + module_call_frames() + [
        F(Q, 1164, "forward", "outputs = self.model(", "self.model("),
    ] + module_call_frames() + [
        F(Q, 895, "forward", "layer_outputs = decoder_layer(", "decoder_layer("),
    ] + module_call_frames() + [
        F(Q, 640, "forward", "attn_output = torch.nn.functional.scaled_dot_product_attention(",
          "torch.nn.functional.scaled_dot_product_attention("),
    ], f"torch.OutOfMemoryError: {msg}")
    s("INFO", "Main", "Partial eval results (192 prompts) written to /home/mlops/runs/e41b07/eval_partial.jsonl", 0.6)
    s("ERROR", "Main", "Job failed in phase Eval", 0.1)
    return "\n".join(L) + "\n"


def hf(ck, level, where, msg):
    """transformers' explicit format: [INFO|trainer.py:2243] 2025-12-10 04:11:02,118 >> msg"""
    ck.tick(0.001, 0.04)
    return f"[{level}|{where}] {ck.py()} >> {msg}"


@log("hf_eval_oom.log",
     about="HF Trainer run: the periodic evaluation (the `***** Running Evaluation *****` banner arrives on its own "
           "line after an empty '>> ' line) accumulates logits on the GPU and runs out of memory in "
           "nested_concat; the tqdm eval bar is left open",
     category="oom_eval", exception_type="torch.OutOfMemoryError",
     msg="CUDA out of memory. Tried to allocate 15.66 GiB",
     final=("torch.OutOfMemoryError:", -1), frames=11, chain=1, phase="evaluation",
     covers="transformers explicit log format, HF `***** Running training/Evaluation *****` banners, tqdm bars "
            "with many \\r per line and loss dicts between them, evaluation_loop frames")
def _hf_eval_oom():
    ck = Clock("2025-12-10 04:02:13", seed=7)
    rng = random.Random(77)
    L = []
    L.append(f"12/10/2025 04:02:13 - WARNING - __main__ - Process rank: 0, device: cuda:0, n_gpu: 1, "
             "distributed training: False, 16-bits training: False")
    L.append("12/10/2025 04:02:13 - INFO - __main__ - Training/evaluation parameters TrainingArguments(")
    for k, v in [("bf16", "True"), ("eval_steps", "200"), ("eval_strategy", "steps"), ("learning_rate", "2e-05"),
                 ("per_device_eval_batch_size", "16"), ("per_device_train_batch_size", "8"),
                 ("prediction_loss_only", "False"), ("eval_accumulation_steps", "None")]:
        L.append(f"{k}={v},")
    L.append(")")
    ck.tick(9)
    L.append(hf(ck, "INFO", "modeling_utils.py:3937", "loading weights file /models/Llama-3.1-8B/model.safetensors.index.json"))
    L.append(tqdm(4, [0, 1, 2, 3, 4], desc="Loading checkpoint shards", rate=0.61))
    ck.tick(7)
    L.append(hf(ck, "INFO", "modeling_utils.py:4800", "All model checkpoint weights were used when initializing LlamaForCausalLM."))
    ck.tick(2)
    for ln, m in [(2243, "***** Running training *****"), (2244, "  Num examples = 52,000"),
                  (2245, "  Num Epochs = 1"), (2246, "  Instantaneous batch size per device = 8"),
                  (2249, "  Total train batch size (w. parallel, distributed & accumulation) = 64"),
                  (2250, "  Gradient Accumulation steps = 8"), (2251, "  Total optimization steps = 813"),
                  (2252, "  Number of trainable parameters = 8,030,261,248")]:
        L.append(hf(ck, "INFO", f"trainer.py:{ln}", m))
    # training bar with loss dicts written through tqdm.write
    bar = ""
    n = 0
    for chunk in range(4):
        pts = list(range(n, n + 50 + 1, 5))
        bar += tqdm(813, pts, rate=0.23)
        n = pts[-1]
        L.append(bar.lstrip("\n"))
        bar = ""
        L.append(f"{{'loss': {1.61 - chunk * 0.11 + rng.uniform(-.02, .02):.4f}, 'grad_norm': "
                 f"{rng.uniform(0.8, 2.4):.4f}, 'learning_rate': {2e-5 * (1 - n / 813):.3e}, 'epoch': {n / 813:.2f}}}")
    L.append(tqdm(813, list(range(n, 201, 10)), rate=0.23))
    ck.tick(870)
    L.append(hf(ck, "INFO", "trainer.py:4117", ""))
    L.append("***** Running Evaluation *****")
    L.append(hf(ck, "INFO", "trainer.py:4119", "  Num examples = 2,000"))
    L.append(hf(ck, "INFO", "trainer.py:4122", "  Batch size = 16"))
    L.append(tqdm(125, list(range(0, 84, 3)), rate=1.9) + "\n")
    T = "/workspace/sft/run_sft.py"
    TR = f"{SP}/transformers/trainer.py"
    PU = f"{SP}/transformers/trainer_pt_utils.py"
    L[-1] = L[-1].rstrip("\n")
    L += TB([
        F(T, 233, "<module>", "main()"),
        F(T, 221, "main", "train_result = trainer.train(resume_from_checkpoint=checkpoint)",
          "trainer.train(resume_from_checkpoint=checkpoint)"),
        F(TR, 2123, "train", "return inner_training_loop(", "inner_training_loop("),
        F(TR, 2548, "_inner_training_loop",
          "self._maybe_log_save_evaluate(tr_loss, grad_norm, model, trial, epoch, ignore_keys_for_eval)"),
        F(TR, 3004, "_maybe_log_save_evaluate", "metrics = self._evaluate(trial, ignore_keys_for_eval)",
          "self._evaluate(trial, ignore_keys_for_eval)"),
        F(TR, 2958, "_evaluate", "metrics = self.evaluate(ignore_keys=ignore_keys_for_eval)",
          "self.evaluate(ignore_keys=ignore_keys_for_eval)"),
        F(TR, 3975, "evaluate", "output = eval_loop(", "eval_loop("),
        F(TR, 4189, "evaluation_loop", "all_preds.add(logits)"),
        F(PU, 331, "add", "self.tensors = nested_concat(self.tensors, tensors, padding_index=self.padding_index)",
          "nested_concat(self.tensors, tensors, padding_index=self.padding_index)"),
        F(PU, 135, "nested_concat", "return torch_pad_and_concatenate(tensors, new_tensors, padding_index=padding_index)",
          "torch_pad_and_concatenate(tensors, new_tensors, padding_index=padding_index)"),
        F(PU, 94, "torch_pad_and_concatenate", "result = tensor1.new_full(new_shape, padding_index)",
          "tensor1.new_full(new_shape, padding_index)"),
    ], "torch.OutOfMemoryError: " + oom(alloc="15.66 GiB", free="9.31 GiB", inuse="69.82 GiB", byp="65.07 GiB",
                                          resv="3.96 GiB"))
    # the traceback header lands on the still-open eval bar line
    i = L.index("Traceback (most recent call last):")
    L[i - 1] = L[i - 1] + L.pop(i)
    return "\n".join(L) + "\n"


@log("eval_oom_crlf.log",
     about="Windows run (CRLF line ends, Python 3.10 without caret lines, torch 2.0 OOM wording "
           "torch.cuda.OutOfMemoryError): the user's validate() runs out of memory after epoch 2",
     category="oom_eval", exception_type="torch.cuda.OutOfMemoryError",
     msg="CUDA out of memory. Tried to allocate 3.00 GiB",
     final=("torch.cuda.OutOfMemoryError:", -1), frames=12, chain=1, phase="evaluation",
     covers="CRLF line ends, Windows paths, older OOM message format, phase told only by the validate frame")
def _eval_oom_crlf():
    ck = Clock("2025-12-10 09:14:03", seed=8)
    rng = random.Random(88)
    L = []

    def p(name, level, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 5 if dt else 0)
        L.append(f"{ck.py()} - {name} - {level} - {msg}")

    p("train", "INFO", "Using device cuda:0 (NVIDIA GeForce RTX 4090, 23.99 GB)")
    p("train", "INFO", "Model vit_base_patch16_384 (86.9M params), img_size=384, train batch 48, val batch 192", 2)
    p("data", "INFO", r"Train: D:\datasets\plant-disease\train (54,305 images), val: D:\datasets\plant-disease\val (6,034 images)", 1)
    p("py.warnings", "WARNING", r"C:\Users\lab\miniconda3\envs\vit\lib\site-packages\torch\utils\data\dataloader.py:560: "
                                 "UserWarning: This DataLoader will create 12 worker processes in total. Our suggested max "
                                 "number of worker in current system is 8, which is smaller than what this DataLoader is "
                                 "going to create.", 0.3)
    for ep in range(1, 3):
        for it in range(200, 1132, 200):
            p("train", "INFO", f"epoch {ep} iter {it}/1132 loss {1.9 / ep - it / 4000 + rng.uniform(-.05, .05):.4f} "
                               f"acc {0.41 + ep * 0.2 + it / 9000:.3f}", 63)
        p("train", "INFO", f"epoch {ep} finished in {rng.uniform(355, 372):.1f}s", 30)
        if ep == 1:
            p("train", "INFO", "epoch 1 val_acc 0.7712 val_loss 0.7410 (val batch 96)", 41)
            p("train", "INFO", "doubling val batch to 192 (val used 9.1 GB)", 0.1)
    W = r"C:\Users\lab\projects\leafnet"
    S = r"C:\Users\lab\miniconda3\envs\vit\lib\site-packages"
    L += [
        "Traceback (most recent call last):",
        rf'  File "{W}\train.py", line 188, in <module>', "    main()",
        rf'  File "{W}\train.py", line 176, in main', "    val_loss, val_acc = validate(model, val_loader, criterion)",
        rf'  File "{W}\engine.py", line 74, in validate', "    outputs = model(images)",
        rf'  File "{S}\torch\nn\modules\module.py", line 1501, in _call_impl',
        "    return forward_call(*args, **kwargs)",
        rf'  File "{S}\timm\models\vision_transformer.py", line 686, in forward', "    x = self.forward_features(x)",
        rf'  File "{S}\timm\models\vision_transformer.py", line 674, in forward_features', "    x = self.blocks(x)",
        rf'  File "{S}\torch\nn\modules\module.py", line 1501, in _call_impl',
        "    return forward_call(*args, **kwargs)",
        rf'  File "{S}\torch\nn\modules\container.py", line 217, in forward', "    input = module(input)",
        rf'  File "{S}\torch\nn\modules\module.py", line 1501, in _call_impl',
        "    return forward_call(*args, **kwargs)",
        rf'  File "{S}\timm\models\vision_transformer.py", line 157, in forward',
        "    x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))",
        rf'  File "{S}\torch\nn\modules\module.py", line 1501, in _call_impl',
        "    return forward_call(*args, **kwargs)",
        rf'  File "{S}\timm\models\vision_transformer.py", line 91, in forward', "    attn = q @ k.transpose(-2, -1)",
        "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.00 GiB (GPU 0; 23.99 GiB total "
        "capacity; 19.93 GiB already allocated; 2.51 GiB free; 20.33 GiB reserved in total by PyTorch) If reserved "
        "memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for "
        "Memory Management and PYTORCH_CUDA_ALLOC_CONF",
    ]
    return ("\n".join(L) + "\n").replace("\n", "\r\n")


# ---------------------------------------------------------------- cuda_error


@log("cuda_device_assert.log",
     about="PyTorch Lightning fit: 32 device-side assertion lines from Loss.cu (labels out of range) after the "
           "progress bar, then RuntimeError: CUDA error: device-side assert triggered at the loss",
     category="cuda_error", exception_type="RuntimeError", msg="CUDA error: device-side assert triggered",
     final=("RuntimeError: CUDA error: device-side assert triggered", -1), frames=22, chain=1, phase="training",
     repeated=[("Assertion `t >= 0 && t < n_classes` failed", 32)],
     covers="device-side assert with kernel assertion lines repeated per thread, Lightning progress bar with "
            "\\r, a long framework stack")
def _cuda_device_assert():
    L = [
        "GPU available: True (cuda), used: True",
        "TPU available: False, using: 0 TPU cores",
        "HPU available: False, using: 0 HPUs",
        "LOCAL_RANK: 0 - CUDA_VISIBLE_DEVICES: [0]",
        "",
        "  | Name      | Type               | Params | Mode ",
        "---------------------------------------------------------",
        "0 | backbone  | ResNet             | 23.5 M | train",
        "1 | head      | Linear             | 205 K  | train",
        "2 | criterion | CrossEntropyLoss   | 0      | train",
        "3 | train_acc | MulticlassAccuracy | 0      | train",
        "---------------------------------------------------------",
        "23.7 M    Trainable params",
        "0         Non-trainable params",
        "23.7 M    Total params",
        "94.852    Total estimated model params size (MB)",
        "162       Modules in train mode",
        "0         Modules in eval mode",
        f"{PYLIB}/site-packages/lightning/pytorch/trainer/connectors/data_connector.py:424: The 'val_dataloader' "
        "does not have many workers which may be a bottleneck. Consider increasing the value of the `num_workers` "
        "argument` to `num_workers=7` in the `DataLoader` to improve performance.",
    ]
    bar = "".join(f"\rEpoch 0:  {int(n / 940 * 100):2d}%|{_bar(n / 940)}| {n}/940 [{_fmt_secs(n / 2.7)}<"
                  f"{_fmt_secs((940 - n) / 2.7)},  2.70it/s, v_num=3, train_loss={2.4 - n / 400:.3f}]"
                  for n in range(0, 114, 4))
    asserts = []
    for k in range(32):
        asserts.append("/pytorch/aten/src/ATen/native/cuda/Loss.cu:250: nll_loss_forward_reduce_cuda_kernel_2d: "
                       f"block: [0,0,0], thread: [{k * 4 + (k % 3)},0,0] Assertion `t >= 0 && t < n_classes` failed.")
    L.append(bar)
    L += asserts
    LP = f"{SP}/lightning/pytorch"
    frames = [
        F("/srv/plants/train.py", 97, "<module>", "trainer.fit(model, datamodule=dm)"),
        F(f"{LP}/trainer/trainer.py", 538, "fit", "call._call_and_handle_interrupt(",
          "call._call_and_handle_interrupt("),
        F(f"{LP}/trainer/call.py", 47, "_call_and_handle_interrupt", "return trainer_fn(*args, **kwargs)",
          "trainer_fn(*args, **kwargs)"),
        F(f"{LP}/trainer/trainer.py", 574, "_fit_impl", "self._run(model, ckpt_path=ckpt_path)"),
        F(f"{LP}/trainer/trainer.py", 981, "_run", "results = self._run_stage()", "self._run_stage()"),
        F(f"{LP}/trainer/trainer.py", 1025, "_run_stage", "self.fit_loop.run()"),
        F(f"{LP}/loops/fit_loop.py", 205, "run", "self.advance()"),
        F(f"{LP}/loops/fit_loop.py", 363, "advance", "self.epoch_loop.run(self._data_fetcher)"),
        F(f"{LP}/loops/training_epoch_loop.py", 140, "run", "self.advance(data_fetcher)"),
        F(f"{LP}/loops/training_epoch_loop.py", 250, "advance",
          "batch_output = self.automatic_optimization.run(trainer.optimizers[0], batch_idx, kwargs)",
          "self.automatic_optimization.run(trainer.optimizers[0], batch_idx, kwargs)"),
        F(f"{LP}/loops/optimization/automatic.py", 190, "run", "self._optimizer_step(batch_idx, closure)"),
        F(f"{LP}/loops/optimization/automatic.py", 268, "_optimizer_step", "call._call_lightning_module_hook("),
        F(f"{LP}/trainer/call.py", 167, "_call_lightning_module_hook", "output = fn(*args, **kwargs)",
          "fn(*args, **kwargs)"),
        F(f"{LP}/core/module.py", 1306, "optimizer_step", "optimizer.step(closure=optimizer_closure)"),
        F(f"{LP}/core/optimizer.py", 153, "step",
          "step_output = self._strategy.optimizer_step(self._optimizer, closure, **kwargs)",
          "self._strategy.optimizer_step(self._optimizer, closure, **kwargs)"),
        F(f"{LP}/strategies/strategy.py", 238, "optimizer_step",
          "return self.precision_plugin.optimizer_step(optimizer, model=model, closure=closure, **kwargs)",
          "self.precision_plugin.optimizer_step(optimizer, model=model, closure=closure, **kwargs)"),
        F(f"{LP}/plugins/precision/amp.py", 79, "optimizer_step", "closure_result = closure()", "closure()"),
        F(f"{LP}/loops/optimization/automatic.py", 144, "__call__", "self._result = self.closure(*args, **kwargs)",
          "self.closure(*args, **kwargs)"),
        F(f"{LP}/loops/optimization/automatic.py", 129, "closure", "step_output = self._step_fn()",
          "self._step_fn()"),
        F(f"{LP}/loops/optimization/automatic.py", 317, "_training_step",
          "training_step_output = call._call_strategy_hook(trainer, \"training_step\", *kwargs.values())",
          "call._call_strategy_hook(trainer, \"training_step\", *kwargs.values())"),
        F(f"{LP}/trainer/call.py", 319, "_call_strategy_hook", "output = fn(*args, **kwargs)",
          "fn(*args, **kwargs)"),
        F("/srv/plants/plants/module.py", 58, "training_step", "self.log(\"train_loss\", loss.item(), prog_bar=True)",
          "loss.item()"),
    ]
    L += TB(frames, "RuntimeError: CUDA error: device-side assert triggered\n"
                    "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
                    "below might be incorrect.\n"
                    "For debugging consider passing CUDA_LAUNCH_BLOCKING=1\n"
                    "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.\n")
    return "\n".join(L) + "\n"


@log("cuda_illegal_memory.log",
     about="Packed-sequence training with a custom varlen kernel under TORCH_SHOW_CPP_STACKTRACES=1: RuntimeError: "
           "CUDA error: an illegal memory access was encountered, its message carrying a c10 `Exception raised "
           "from ... at ...` block of C++ frames; CUDA warnings follow at teardown",
     category="cuda_error", exception_type="RuntimeError", msg="CUDA error: an illegal memory access was encoun",
     final=("RuntimeError: CUDA error: an illegal memory access", -1), frames=11, chain=1, phase="training",
     covers="multi-line exception message with C++ `frame #N:` lines under `Exception raised from ... at ...` "
            "(not Python frames), c10 `[W... file.h:N] Warning:` lines")
def _cuda_illegal():
    ck = Clock("2025-12-10 11:20:45", seed=10)
    rng = random.Random(1010)
    L = []
    L.append("env: TORCH_SHOW_CPP_STACKTRACES=1 CUDA_LAUNCH_BLOCKING=0 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True")
    L.append("[packer] 1,204,112 documents packed into 88,431 sequences of 8192 tokens (padding 0.7%)")
    L.append(f"{SP}/torch/_dynamo/eval_frame.py:632: UserWarning: torch.utils.checkpoint: the use_reentrant "
             "parameter should be passed explicitly. In version 2.5 we will raise an exception if use_reentrant is "
             "not passed. use_reentrant=False is recommended, but if you need to preserve the current default "
             "behavior, you can pass use_reentrant=True. Refer to docs for more details on the differences between "
             "the two variants.")
    L.append("  return fn(*args, **kwargs)")
    for it in range(20, 401, 20):
        ck.tick(33, 2)
        L.append(f"[{ck.t:%H:%M:%S}] it {it:5d} | loss {3.1 - it / 300 + rng.uniform(-.04, .04):.4f} | "
                 f"gnorm {rng.uniform(.3, 1.1):.3f} | {rng.uniform(410, 432):.1f} TFLOP/s | max_seqlen_in_batch "
                 f"{rng.choice([2048, 4096, 8192])}")
    T = "/workspace/pack/train.py"
    K = "/workspace/pack/kernels/varlen_attn.py"
    frames = [
        F(T, 266, "<module>", "main()"),
        F(T, 249, "main", "step(model, batch, optim, scaler)"),
        F(T, 171, "step", "loss = model(batch['input_ids'], cu_seqlens=batch['cu_seqlens']).loss",
          "model(batch['input_ids'], cu_seqlens=batch['cu_seqlens'])"),
    ] + module_call_frames() + [
        F("/workspace/pack/model.py", 203, "forward", "h = layer(h, cu_seqlens, max_seqlen)",
          "layer(h, cu_seqlens, max_seqlen)"),
    ] + module_call_frames() + [
        F("/workspace/pack/model.py", 131, "forward", "a = varlen_attention(q, k, v, cu_seqlens, max_seqlen)",
          "varlen_attention(q, k, v, cu_seqlens, max_seqlen)"),
        F(K, 79, "varlen_attention", "_check(out, cu_seqlens)"),
        F(K, 40, "_check", "torch.cuda.synchronize()"),
    ]
    cpp = c10_frames([
        f"c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f0b9af6c1b6 in {TORCH_LIB}/libc10.so)",
        "c10::detail::torchCheckFail(char const*, char const*, unsigned int, std::string const&) + 0x64 "
        f"(0x7f0b9af15a76 in {TORCH_LIB}/libc10.so)",
        "c10::cuda::c10_cuda_check_implementation(int, char const*, char const*, int, bool) + 0x118 "
        f"(0x7f0b9b35e918 in {TORCH_LIB}/libc10_cuda.so)",
        f"<unknown function> + 0x1ec3a (0x7f0b9b33ec3a in {TORCH_LIB}/libc10_cuda.so)",
        f"c10::cuda::device_synchronize() + 0x2b (0x7f0b9b33f2db in {TORCH_LIB}/libc10_cuda.so)",
        f"<unknown function> + 0x5f1b4d (0x7f0b8a3f1b4d in {TORCH_LIB}/libtorch_python.so)",
        f"<unknown function> + 0x4c7e1f (0x7f0b8a2c7e1f in {TORCH_LIB}/libtorch_python.so)",
        "<unknown function> + 0x1c9f3a (0x55c4a1dc9f3a in /opt/conda/bin/python3.11)",
        "_PyObject_MakeTpCall + 0x26b (0x55c4a1dc3a7b in /opt/conda/bin/python3.11)",
        "_PyEval_EvalFrameDefault + 0x6a6 (0x55c4a1dd0b16 in /opt/conda/bin/python3.11)",
        "<unknown function> + 0x2b8f5c (0x55c4a1eb8f5c in /opt/conda/bin/python3.11)",
        "PyEval_EvalCode + 0x9f (0x55c4a1eb84ff in /opt/conda/bin/python3.11)",
        "<unknown function> + 0x2d9a8a (0x55c4a1ed9a8a in /opt/conda/bin/python3.11)",
        "Py_RunMain + 0x13c (0x55c4a1ed44ac in /opt/conda/bin/python3.11)",
        "Py_BytesMain + 0x39 (0x55c4a1e9c5d9 in /opt/conda/bin/python3.11)",
        "__libc_start_main + 0xf3 (0x7f0bba1b1083 in /lib/x86_64-linux-gnu/libc.so.6)",
    ])
    L += TB(frames, "RuntimeError: CUDA error: an illegal memory access was encountered\n"
                    "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
                    "below might be incorrect.\n"
                    "For debugging consider passing CUDA_LAUNCH_BLOCKING=1\n"
                    "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.\n\n"
                    "Exception raised from c10_cuda_check_implementation at /pytorch/c10/cuda/CUDAException.cpp:43 "
                    "(most recent call first):\n" + "\n".join(cpp) + "\n")
    ck.tick(0.4)
    for fn in ("destroyEvent", "destroyEvent", "uncheckedSetDevice"):
        L.append(f"[{ck.c10('W')} CUDAGuardImpl.h:119] Warning: CUDA warning: an illegal memory access was "
                 f"encountered (function {fn})")
    return "\n".join(L) + "\n"


@log("cublas_exec_failed.log",
     about="LoRA fine-tune whose C++ shard reader logs in glog format (including E-level checksum retries the job "
           "survives); the job dies on RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED in a bf16 GEMM",
     category="cuda_error", exception_type="RuntimeError",
     msg="CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling",
     final=("RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED", -1), frames=24, chain=1, phase="training",
     repeated=[("checksum mismatch in shard", 4)],
     covers="glog `E1210 03:58:22.123456 12345 file.cc:123] msg` lines that do not decide, cuBLAS execution error")
def _cublas_exec():
    ck = Clock("2025-12-10 06:44:10", seed=12)
    rng = random.Random(1212)
    L = []
    tid = 30117

    def g(level, where, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.glog(level)} {tid} {where}] {msg}")

    g("I", "shard_reader.cc:61", "ShardReader: 256 shards under /mnt/lustre/tok/webmix-v2, index v3")
    g("I", "shard_reader.cc:88", "prefetch threads=8 queue=64 block=16777216")
    L.append("trainable params: 167,772,160 || all params: 8,198,033,408 || trainable%: 2.0465")
    L.append(f"{SP}/peft/tuners/lora/bnb.py:355: UserWarning: Merge lora module to 8-bit linear may get different "
             "generations due to rounding errors.")
    L.append("  warnings.warn(")
    bad = 0
    for step in range(25, 626, 25):
        ck.tick(47, 3)
        L.append(f"step {step:4d} | loss {1.92 - step / 800 + rng.uniform(-.03, .03):.4f} | lr {2e-4:.1e} | "
                 f"{rng.uniform(5.1, 5.6):.2f} s/step")
        if step in (150, 300, 325, 575):
            bad += 1
            g("E", "shard_reader.cc:141", f"checksum mismatch in shard {rng.randrange(256)} block "
                                          f"{rng.randrange(4000)} (crc32 0x{rng.getrandbits(32):08x} != "
                                          f"0x{rng.getrandbits(32):08x}); re-reading block", 0.2)
            g("W", "shard_reader.cc:152", "re-read ok after 1 attempt(s)", 0.3)
    assert bad == 4
    T = "/work/lora/finetune.py"
    PL = f"{SP}/peft/tuners/lora/layer.py"
    LM = f"{SP}/transformers/models/llama/modeling_llama.py"
    frames = [
        F(T, 140, "<module>", "train(args)"),
        F(T, 118, "train", "out = model(**batch)", "model(**batch)"),
    ] + module_call_frames() + [
        F(f"{SP}/peft/peft_model.py", 1644, "forward", "return self.base_model(", "self.base_model("),
    ] + module_call_frames() + [
        F(f"{SP}/peft/tuners/tuners_utils.py", 197, "forward", "return self.model.forward(*args, **kwargs)",
          "self.model.forward(*args, **kwargs)"),
        F(LM, 1190, "forward", "outputs = self.model(", "self.model("),
    ] + module_call_frames() + [
        F(LM, 945, "forward", "layer_outputs = decoder_layer(", "decoder_layer("),
    ] + module_call_frames() + [
        F(LM, 676, "forward", "hidden_states, self_attn_weights, present_key_value = self.self_attn(",
          "self.self_attn("),
    ] + module_call_frames() + [
        F(LM, 569, "forward", "query_states = self.q_proj(hidden_states)", "self.q_proj(hidden_states)"),
    ] + module_call_frames() + [
        F(PL, 585, "forward", "result = result + lora_B(lora_A(dropout(x))) * scaling",
          "lora_A(dropout(x))"),
    ] + module_call_frames() + [
        F(f"{SP}/torch/nn/modules/linear.py", 125, "forward", "return F.linear(input, self.weight, self.bias)",
          "F.linear(input, self.weight, self.bias)"),
    ]
    L += TB(frames, "RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasGemmEx( "
                         "handle, opa, opb, m, n, k, &falpha, a, CUDA_R_16BF, lda, b, CUDA_R_16BF, ldb, &fbeta, c, "
                         "CUDA_R_16BF, ldc, compute_type, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`")
    return "\n".join(L) + "\n"


@log("cudnn_chain.log",
     about="Diffusion UNet training: cuDNN error in the convolution backward, re-raised by the trainer as "
           "TrainingStepError (\"direct cause\" chain of 2); the final exception says nothing about CUDA, the "
           "chain's root does, so the category is cuda_error (judgement call)",
     category="cuda_error", exception_type="diffusion.errors.TrainingStepError",
     msg="step 812 failed on rank 0 (batch shape (16",
     final=("diffusion.errors.TrainingStepError:", -1), frames=4, chain=2, phase="training",
     covers="\"The above exception was the direct cause of the following exception:\" chain, cuDNN error in the "
            "first link, dotted exception type with a module path")
def _cudnn_chain():
    ck = Clock("2025-12-10 13:05:00", seed=13)
    rng = random.Random(1313)
    L = []

    def p(level, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.py()} | {level:<7} | diffusion.trainer | {msg}")

    p("INFO", "UNet2DConditionModel 865.9M params, EMA decay 0.9999, channels_last=True, cudnn.benchmark=True")
    p("INFO", "resolution 1024, batch 16/gpu, 8 gpus, bf16 autocast", 0.2)
    for step in range(50, 812, 50):
        p("INFO", f"step {step} loss {0.1421 - step / 40000 + rng.uniform(-.005, .005):.5f} "
                  f"lr {1e-4:.1e} {rng.uniform(1.61, 1.72):.2f} it/s", 31)
    p("WARNING", "cudnn: workspace of 4.00 GiB requested for ConvBackwardFilter, falling back", 22)
    D = "/srv/diffusion"
    inner = TB([
        F(f"{D}/diffusion/trainer.py", 214, "train_step", "self.scaler.scale(loss).backward()"),
    ] + backward_frames(), "RuntimeError: cuDNN error: CUDNN_STATUS_EXECUTION_FAILED")
    outer = TB([
        F(f"{D}/train.py", 88, "<module>", "main()"),
        F(f"{D}/train.py", 81, "main", "trainer.fit()"),
        F(f"{D}/diffusion/trainer.py", 167, "fit", "self.train_step(batch)"),
        F(f"{D}/diffusion/trainer.py", 218, "train_step",
          "raise TrainingStepError(f\"step {self.step} failed on rank {self.rank} (batch shape {tuple(x.shape)})\") from e"),
    ], "diffusion.errors.TrainingStepError: step 812 failed on rank 0 (batch shape (16, 4, 128, 128))")
    L += inner + DIRECT + outer
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------- timeout


def watchdog_block(ck, r, seq, numel, ran, pg="[PG ID 0 PG GUID 0(default_pg) Rank {r}]"):
    work = (f"WorkNCCL(SeqNum={seq}, OpType=ALLREDUCE, NumelIn={numel}, NumelOut={numel}, "
            f"Timeout(ms)=1800000)")
    pgs = pg.format(r=r)
    P = f"[rank{r}]:"
    out = [
        f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:616] [Rank {r}] Watchdog caught collective operation timeout: "
        f"{work} ran for {ran} milliseconds before timing out.",
        f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:1785] {pgs} Exception (either an error or timeout) detected by "
        f"watchdog at work: {seq}, last enqueued NCCL work: {seq}, last completed NCCL work: {seq - 1}.",
        f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:1834] {pgs} Timeout at NCCL work: {seq}, last enqueued NCCL work: "
        f"{seq}, last completed NCCL work: {seq - 1}.",
        f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:630] [Rank {r}] Some NCCL operations have failed or timed out. Due "
        "to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete "
        "data.",
        f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:636] [Rank {r}] To avoid data inconsistency, we are taking the "
        "entire process down.",
    ]
    what = (f"{pgs} Process group watchdog thread terminated with exception: [Rank {r}] Watchdog caught collective "
            f"operation timeout: {work} ran for {ran} milliseconds before timing out.")
    base = 0x7f3a9c000000 + r * 0x1000000
    out.append(f"{P}[{ck.c10('E')} ProcessGroupNCCL.cpp:1595] {what}")
    out += ["terminate called after throwing an instance of 'c10::DistBackendError'",
            f"  what():  {what}",
            "Exception raised from checkTimeout at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:618 "
            "(most recent call first):"]
    out += nccl_watchdog_cpp_frames(base)
    out += ["", "Exception raised from ncclCommWatchdog at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1601 "
                "(most recent call first):"]
    out += c10_frames([
        f"c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x{base + 0x16c1b6:x} in {TORCH_LIB}/libc10.so)",
        f"<unknown function> + 0xe5c6fc (0x{base - 0x5139a904:x} in {TORCH_LIB}/libtorch_cuda.so)",
        f"<unknown function> + 0x145c0 (0x{base + 0x4d85c0:x} in {TORCH_LIB}/libtorch.so)",
        f"<unknown function> + 0x94ac3 (0x{base + 0x2a94ac3:x} in /lib/x86_64-linux-gnu/libc.so.6)",
        f"clone + 0x44 (0x{base + 0x2b25a04:x} in /lib/x86_64-linux-gnu/libc.so.6)",
    ])
    out.append("")
    return out


@log("nccl_watchdog_torchrun.log",
     about="4-rank torchrun job: rank 0 blocks on a slow NFS checkpoint write, ranks 1-3 hit the NCCL watchdog "
           "timeout (ALLREDUCE ran for 1800085 ms), abort with c10::DistBackendError, and torchrun reports "
           "ChildFailedError with exitcode -6 (SIGABRT); the abort is the watchdog's doing, so the wrapper takes "
           "the child's category timeout rather than signal (judgement call)",
     category="timeout", exception_type="torch.distributed.elastic.multiprocessing.errors.ChildFailedError",
     msg="", final=("errors.ChildFailedError:", -1), frames=6, chain=1, exit_code=-6, signal="SIGABRT",
     phase="monitoring",
     repeated=[("Exception (either an error or timeout) detected by watchdog", 3)],
     covers="NCCL watchdog lines in c10 format with `[rankN]:` prefix, `terminate called ... what():`, C++ frame "
            "blocks from checkTimeout/ncclCommWatchdog, ChildFailedError with exitcode -6 and a Signal 6 traceback "
            "entry")
def _nccl_watchdog_torchrun():
    ck = Clock("2025-12-10 03:20:00", seed=14)
    rng = random.Random(1414)
    L = []
    for step in range(500, 20001, 1500):
        ck.tick(410, 20)
        L.append(f"[rank0]: {ck.py()} INFO train: step {step:6d} loss {2.3 - step / 16000:.4f} "
                 f"tok/s/gpu {rng.randrange(8800, 9400)}")
    ck.tick(30)
    L.append(f"[rank0]: {ck.py()} INFO ckpt: saving step 20000 to /mnt/nfs/ckpt/gpt-1b3/step_20000 (synchronous)")
    L.append(f"[rank0]: {ck.py()} WARNING ckpt: write throughput 11.2 MB/s, expected >400 MB/s")
    ck.tick(1800.08)
    seq = 20481
    for r in (2, 1, 3):
        ck.tick(0.01, 0.02)
        L += watchdog_block(ck, r, seq, 262144000, 1800085 + rng.randrange(40))
    ck.tick(2.3)
    pids = {0: 88131, 1: 88132, 2: 88133, 3: 88134}
    for r in (0,):
        L.append(f"{ck.glog('W')} 88120 torch/distributed/elastic/multiprocessing/api.py:897] Sending process "
                 f"{pids[r]} closing signal SIGTERM")
    ck.tick(0.6)
    L.append(f"{ck.glog('E')} 88120 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) "
             f"local_rank: 1 (pid: {pids[1]}) of binary: /opt/conda/bin/python3.11")
    host = "dgx-a100-07"
    fail = [dict(time="2025-12-10_05:01:31", host=host, rank=r, local_rank=r, exitcode=-6, pid=pids[r],
                 traceback=f"Signal 6 (SIGABRT) received by PID {pids[r]}") for r in (2, 3)]
    root = dict(time="2025-12-10_05:01:31", host=host, rank=1, local_rank=1, exitcode=-6, pid=pids[1],
                traceback=f"Signal 6 (SIGABRT) received by PID {pids[1]}")
    L += TB(torchrun_frames(), "\n".join(child_failed_box("pretrain.py", fail, root)))
    return "\n".join(L) + "\n"


@log("warning_noise_watchdog.log",
     about="Mostly WARNING noise (deprecations, tokenizers fork warning, inf grad-norm skips, an early recovered "
           "'CUDA out of memory ... retrying with batch 16' WARNING), then the torch 2.1-style NCCL watchdog "
           "timeout and `terminate called ... std::runtime_error`; the OOM WARNING must not decide",
     category="timeout", exception_type=None, msg=None,
     final=("what():  [Rank 1] NCCL watchdog thread terminated", -1), frames=0, chain=0, phase="monitoring",
     repeated=[("grad norm is inf", 5)],
     covers="WARNING noise including a recovered OOM warning that must not decide, older `[E ProcessGroupNCCL.cpp:N]` "
            "watchdog format without C++ frames, a log that ends without any Python traceback")
def _warning_noise_watchdog():
    ck = Clock("2025-12-10 01:10:00", seed=15)
    rng = random.Random(1515)
    L = []

    def s(level, phase, msg, dt=0.0, module="trainer"):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        L.append(f"{ck.seed()} [{module}] [{level}] [{phase}] {msg}")

    PY10 = "/opt/conda/lib/python3.10/site-packages"
    s("INFO", "Main", "rank 1/2 on node gpu-b12, job 0f7d33")
    L.append(f"{PY10}/transformers/training_args.py:1525: FutureWarning: `evaluation_strategy` is deprecated and "
             "will be removed in version 4.46 of Transformers. Use `eval_strategy` instead")
    L.append("  warnings.warn(")
    L.append(f"{PY10}/torch/utils/checkpoint.py:429: UserWarning: torch.utils.checkpoint: please pass in "
             "use_reentrant=True or use_reentrant=False explicitly. The default value of use_reentrant will be "
             "updated to be False in the future. To maintain current behavior, pass use_reentrant=True. It is "
             "recommended that you use use_reentrant=False. Refer to docs for more details on the differences "
             "between the two variants.")
    L.append("  warnings.warn(")
    s("WARNING", "Data", "Dataset has 213 samples longer than max_len=4096; they will be truncated", 3)
    L.append("huggingface/tokenizers: The current process just got forked, after parallelism has already been used. "
             "Disabling parallelism to avoid deadlocks...")
    L.append("To disable this warning, you can either:")
    L.append("\t- Avoid using `tokenizers` before the fork if possible")
    L.append("\t- Explicitly set the environment variable TOKENIZERS_PARALLELISM=(true | false)")
    s("WARNING", "SFT", "CUDA out of memory. Tried to allocate 3.50 GiB. GPU 1 has a total capacity of 79.15 GiB of "
                        "which 2.11 GiB is free. retrying with batch 16", 95)
    s("INFO", "SFT", "micro batch 32 -> 16, gradient_accumulation_steps 2 -> 4", 0.4)
    infs = 0
    for step in range(20, 881, 20):
        s("INFO", "SFT", f"step {step}/2400 loss={1.75 - step / 2600 + rng.uniform(-.02, .02):.4f} "
                         f"lr={1e-5:.1e}", 52)
        if step in (60, 200, 420, 640, 860):
            infs += 1
            s("WARNING", "SFT", f"grad norm is inf at step {step + rng.randrange(1, 19)}, skipping optimizer step "
                                f"(loss scale {2 ** rng.randrange(10, 16)} -> {2 ** rng.randrange(8, 10)})", 3)
        if step % 200 == 0:
            s("WARNING", "SFT", "dataloader worker 3 slow: batch took 14.2 s (>10 s)", 1)
    assert infs == 5
    s("INFO", "SFT", "step 880: entering gradient all-reduce for step 881", 50)
    ck.tick(1800.09)
    work = "WorkNCCL(SeqNum=88213, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000)"
    L.append(f"[E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout: {work} ran for "
             "1800085 milliseconds before timing out.")
    L.append("[E ProcessGroupNCCL.cpp:489] Some NCCL operations have failed or timed out. Due to the asynchronous "
             "nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.")
    L.append("[E ProcessGroupNCCL.cpp:495] To avoid data inconsistency, we are taking the entire process down.")
    L.append(f"[E ProcessGroupNCCL.cpp:916] [Rank 1] NCCL watchdog thread terminated with exception: [Rank 1] "
             f"Watchdog caught collective operation timeout: {work} ran for 1800085 milliseconds before timing out.")
    L.append("terminate called after throwing an instance of 'std::runtime_error'")
    L.append(f"  what():  [Rank 1] NCCL watchdog thread terminated with exception: [Rank 1] Watchdog caught "
             f"collective operation timeout: {work} ran for 1800085 milliseconds before timing out.")
    return "\n".join(L) + "\n"


@log("timeout_124.log",
     about="lm-eval + vLLM evaluation run under `timeout -v 2h`: GNU timeout sends TERM, the wrapper reports "
           "status 124",
     category="timeout", exception_type=None, msg=None,
     final=("exited with status 124", -1), frames=0, chain=0, exit_code=124, phase="monitoring",
     covers="`timeout`'s 124, vLLM `INFO 12-10 06:01:13 file.py:N]` and lm-eval `YYYY-MM-DD:HH:MM:SS,ms LEVEL "
            "[file:N]` formats, a long-running tqdm line")
def _timeout_124():
    ck = Clock("2025-12-10 06:00:01", seed=16)
    L = ["+ timeout -v 2h lm_eval --model vllm --model_args pretrained=/models/ckpt-5000,tensor_parallel_size=2,"
         "gpu_memory_utilization=0.85,max_model_len=8192 --tasks gsm8k_cot,mmlu_pro --batch_size auto "
         "--output_path /results/ckpt-5000"]

    def le(level, where, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.t:%Y-%m-%d:%H:%M:%S},{ck.t.microsecond // 1000:03d} {level:<8} [{where}] {msg}")

    def vl(level, where, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{level} {ck.t:%m-%d %H:%M:%S} {where}] {msg}")

    le("INFO", "__main__.py:279", "Verbosity set to INFO", 1.2)
    le("INFO", "__main__.py:376", "Selected Tasks: ['gsm8k_cot', 'mmlu_pro']", 6.5)
    le("INFO", "evaluator.py:164", "Setting random seed to 0 | Setting numpy seed to 1234 | Setting torch manual "
                                   "seed to 1234 | Setting fewshot manual seed to 1234")
    vl("INFO", "config.py:905", "Defaulting to use mp for distributed inference", 3)
    vl("INFO", "llm_engine.py:237", "Initializing an LLM engine (v0.6.4.post1) with config: model='/models/ckpt-5000', "
                                    "dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=2, seed=1234")
    vl("WARNING", "multiproc_gpu_executor.py:56", "Reducing Torch parallelism from 32 threads to 1 to avoid "
                                                  "unnecessary CPU contention. Set OMP_NUM_THREADS in the external "
                                                  "environment to tune this value as needed.")
    vl("INFO", "model_runner.py:1072", "Loading model weights took 7.1034 GB", 21)
    vl("INFO", "distributed_gpu_executor.py:57", "# GPU blocks: 27718, # CPU blocks: 4096", 6)
    vl("INFO", "model_runner.py:1400", "Capturing cudagraphs for decoding. This may lead to unexpected consequences "
                                       "if the model is not static.", 2)
    vl("INFO", "model_runner.py:1518", "Graph capturing finished in 14 secs, took 0.61 GiB", 14)
    le("WARNING", "evaluator.py:270", "Overwriting default num_fewshot of gsm8k_cot from 8 to 8", 1)
    le("INFO", "task.py:415", "Building contexts for gsm8k_cot on rank 0...", 0.3)
    L.append(tqdm(1319, [0, 412, 905, 1319], rate=2100.0, desc=""))
    le("INFO", "task.py:415", "Building contexts for mmlu_pro_biology on rank 0...", 0.7)
    L.append(tqdm(717, [0, 717], rate=2400.0))
    le("INFO", "evaluator.py:496", "Running generate_until requests", 2)
    L.append(tqdm(13195, [0] + list(range(9, 542, 9)), desc="Running generate_until requests", rate=1 / 13.13))
    vl("WARNING", "scheduler.py:1481", "Sequence group 9912 is preempted by PreemptionMode.RECOMPUTE mode because "
                                       "there is not enough KV cache space. This can affect the end-to-end "
                                       "performance. Increase gpu_memory_utilization or tensor_parallel_size to "
                                       "provide more KV cache memory. total_num_cumulative_preemption=1", 7000)
    L.append("timeout: sending signal TERM to command ‘lm_eval’")
    vl("INFO", "multiproc_worker_utils.py:141", "Terminating local vLLM worker processes", 1)
    ck.tick(3)
    L.append(f"[run_eval.sh] {ck.iso()} lm_eval exited with status 124 (limit 2h, checkpoint ckpt-5000, no results "
             "written)")
    return "\n".join(L) + "\n"


@log("slurm_time_limit.log",
     about="Megatron-style pretraining under SLURM hits the time limit: slurmstepd cancels the step, torchrun "
           "turns the SIGTERM into SignalException (the last Python exception), then the JOB ... CANCELLED ... DUE "
           "TO TIME LIMIT line; that fatal line after the traceback decides the category",
     category="timeout", exception_type="torch.distributed.elastic.multiprocessing.api.SignalException",
     msg="Process 81234 got signal: 15",
     final=("SignalException: Process 81234", -1), frames=10, chain=1, phase="monitoring",
     covers="SLURM `slurmstepd: error: *** JOB N ON host CANCELLED AT ... DUE TO TIME LIMIT ***` after a "
            "traceback, Megatron iteration lines, torch.elastic SignalException")
def _slurm_time_limit():
    ck = Clock("2025-12-10 00:00:03", seed=17)
    rng = random.Random(1717)
    L = [f"[{ck.t:%Y-%m-%d %H:%M:%S}] SLURM job 4471123 on gpu-node01 (8 x H100), partition gpu, time limit 08:00:00",
         "+ srun --kill-on-bad-exit=1 torchrun --nproc_per_node 8 pretrain_gpt.py --tensor-model-parallel-size 2 "
         "--pipeline-model-parallel-size 1 --num-layers 32 --hidden-size 4096 --seq-length 4096 --micro-batch-size 2 "
         "--global-batch-size 512 --train-iters 200000 --save /lustre/ckpt/gpt7b --save-interval 2000"]
    ck.tick(40)
    L.append("> initializing torch distributed ...")
    L.append("> initialized tensor model parallel with size 2")
    L.append("> initialized pipeline model parallel with size 1")
    L.append(" > number of parameters on (tensor, pipeline) model parallel rank (0, 0): 3505491968")
    L.append(f"[after model, optimizer, and learning rate scheduler are built] datetime: {ck.t:%Y-%m-%d %H:%M:%S}")
    it = 12000
    while ck.t < _dt.datetime(2025, 12, 10, 7, 59, 30):
        ck.tick(1100, 40)
        it += 400
        L.append(f" [{ck.t:%Y-%m-%d %H:%M:%S}] iteration {it:8d}/  200000 | consumed samples: {it * 512:12d} | "
                 f"elapsed time per iteration (ms): {rng.uniform(2740, 2860):.1f} | learning rate: 2.894E-04 | "
                 f"global batch size:   512 | lm loss: {2.31 - it / 200000 + rng.uniform(-.01, .01):.6E} | "
                 "loss scale: 1.0 | grad norm: {:.3f} | number of skipped iterations:   0 | number of nan "
                 "iterations:   0 |".format(rng.uniform(.2, .4)))
        if it % 2000 == 0:
            L.append(f"saving checkpoint at iteration {it:7d} to /lustre/ckpt/gpt7b")
            L.append(f"  successfully saved checkpoint at iteration {it:7d} to /lustre/ckpt/gpt7b")
    ck.t = _dt.datetime(2025, 12, 10, 8, 0, 11)
    L.append("srun: Job step aborted: Waiting up to 32 seconds for job step to finish.")
    L.append(f"slurmstepd: error: *** STEP 4471123.0 ON gpu-node01 CANCELLED AT {ck.iso()} DUE TO TIME LIMIT ***")
    ck.tick(0.4)
    L.append(f"{ck.glog('W')} 81234 torch/distributed/elastic/agent/server/api.py:704] Received Signals.SIGTERM death "
             "signal, shutting down workers")
    for pid in range(81240, 81248):
        ck.tick(0.002)
        L.append(f"{ck.glog('W')} 81234 torch/distributed/elastic/multiprocessing/api.py:897] Sending process {pid} "
                 "closing signal SIGTERM")
    E = f"{SP}/torch/distributed/elastic"
    frames = torchrun_frames()[:5] + [
        F(f"{SP}/torch/distributed/launcher/api.py", 260, "launch_agent", "result = agent.run()", "agent.run()"),
        F(f"{E}/metrics/api.py", 137, "wrapper", "result = f(*args, **kwargs)", "f(*args, **kwargs)"),
        F(f"{E}/agent/server/api.py", 696, "run", "result = self._invoke_run(role)", "self._invoke_run(role)"),
        F(f"{E}/agent/server/api.py", 855, "_invoke_run", "time.sleep(monitor_interval)"),
        F(f"{E}/multiprocessing/api.py", 84, "_terminate_process_handler",
          "raise SignalException(f\"Process {os.getpid()} got signal: {sigval}\", sigval=sigval)"),
    ]
    L += TB(frames, "torch.distributed.elastic.multiprocessing.api.SignalException: Process 81234 got signal: 15")
    L.append(f"slurmstepd: error: *** JOB 4471123 ON gpu-node01 CANCELLED AT {ck.iso()} DUE TO TIME LIMIT ***")
    return "\n".join(L) + "\n"


@log("monitor_no_progress.log",
     about="Seed-001 format from the training server's monitor: heartbeats stop, 'Training timed out - no progress "
           "updates for 30 minutes', the server sends SIGTERM and reports exit code -15; the timeout decides, the "
           "-15 is its consequence",
     category="timeout", exception_type=None, msg=None,
     final=("Training timed out - no progress updates for 30 minutes", -1), frames=0, chain=0, exit_code=-15,
     signal="SIGTERM", phase="monitoring",
     repeated=[("no progress update for", 2)],
     covers="seed-001 monitor messages ('no progress'), SIGTERM exit status -15 that is not the cause")
def _monitor_no_progress():
    ck = Clock("2025-12-10 04:00:00", seed=18)
    rng = random.Random(1818)
    L = []

    def s(level, phase, msg, dt=0.0, module="training_server"):
        ck.tick(dt, jitter=dt / 5 if dt else 0)
        L.append(f"{ck.seed()} [{module}] [{level}] [{phase}] {msg}")

    s("INFO", "Main", "Job 5c2d91 started (pid 48812): sft llama-3.1-8b, 3 epochs, log logs/job_5c2d91.log")
    step = 4100
    for i in range(24):
        step += rng.randrange(9, 14)
        s("INFO", "Monitor", f"job 5c2d91 heartbeat: step {step}/9000 loss={0.92 - i / 300:.4f} "
                             f"gpu_util={rng.randrange(93, 100)}%", 60)
    s("INFO", "Monitor", f"job 5c2d91 heartbeat: step {step}/9000 gpu_util=0% (no new step)", 60)
    s("WARNING", "Monitor", f"job 5c2d91: no progress update for 10 minutes (last step {step})", 540)
    s("WARNING", "Monitor", f"job 5c2d91: no progress update for 20 minutes (last step {step})", 600)
    s("INFO", "Monitor", "py-spy dump of pid 48812: main thread in torch/utils/data/dataloader.py:1284 _get_data", 2)
    s("ERROR", "Monitor", "Training timed out - no progress updates for 30 minutes", 600)
    s("INFO", "Monitor", "Sending SIGTERM to training process (pid 48812)", 0.1)
    s("INFO", "Monitor", "Waiting up to 60 s for the process to exit", 0.1)
    s("ERROR", "Main", "Training process terminated unexpectedly with exit code -15", 4.2)
    s("INFO", "Main", "Uploaded logs/job_5c2d91.log (2.1 MB) to s3://ml-jobs/logs/5c2d91/", 1.3)
    return "\n".join(L) + "\n"


# -------------------------------------------------------------- config_error

CHAT_TEMPLATE_MSG = ("Cannot use chat template functions because tokenizer.chat_template is not set and no template "
                     "argument was passed! For information about writing templates and setting the "
                     "tokenizer.chat_template attribute, please see the documentation at "
                     "https://huggingface.co/docs/transformers/main/en/chat_templating")


@log("chat_template_missing.log",
     about="Seed-001 format; a base-model tokenizer has no chat template, so datasets.map(num_proc=8) fails in a "
           "worker: multiprocess.pool.RemoteTraceback quotes the worker's traceback inside its message, then the "
           "re-raised ValueError (direct-cause chain of 2); the echo ERROR line after it only repeats it",
     category="config_error", exception_type="ValueError",
     msg="Cannot use chat template functions because tokenizer",
     final=("ValueError: Cannot use chat template functions", -1), frames=9, chain=2, exit_code=1,
     phase="initialization",
     covers="a traceback quoted inside an exception message (RemoteTraceback), `<listcomp>` frames, datasets Map "
            "progress bar, tokenizer chat-template error")
def _chat_template_missing():
    ck = Clock("2025-12-10 02:05:11", seed=19)
    L = []

    def s(level, phase, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        L.append(f"{ck.seed()} [__main__] [{level}] [{phase}] {msg}")

    s("INFO", "Main", "Starting job 3e9a10 (standalone_trainer v0.9.4)")
    s("INFO", "Main", "Config: model=meta-llama/Llama-3.1-8B (base) dataset=/data/support_chats.jsonl "
                      "template=auto num_proc=8", 0.3)
    s("INFO", "Model", "Loading tokenizer from /models/Llama-3.1-8B", 0.5)
    s("WARNING", "Model", "tokenizer_config.json has no 'chat_template'; template=auto will use "
                          "tokenizer.apply_chat_template", 0.2)
    s("INFO", "PreTokenize", "Loaded 52000 conversations (3 splits)", 2.4)
    s("INFO", "PreTokenize", "Rendering conversations with the chat template (num_proc=8)", 0.1)
    L.append("".join(f"\rRendering chat template (num_proc=8):   0%|          | 0/52000 [00:0{k}<?, ? examples/s]"
                     for k in range(3)))
    DS = f"{SP}/datasets"
    TU = f"{SP}/transformers/tokenization_utils_base.py"
    P = "/home/mlops/trainer/pretokenize.py"
    inner = TB([
        F(f"{SP}/multiprocess/pool.py", 125, "worker", "result = (True, func(*args, **kwds))",
          "func(*args, **kwds)"),
        F(f"{DS}/utils/py_utils.py", 678, "_write_generator_to_queue",
          "for i, result in enumerate(func(**kwargs)):"),
        F(f"{DS}/arrow_dataset.py", 3516, "_map_single", "for i, example in iter_outputs(shard_iterable):"),
        F(f"{DS}/arrow_dataset.py", 3466, "iter_outputs", "yield i, apply_function(example, i, offset=offset)",
          "apply_function(example, i, offset=offset)"),
        F(f"{DS}/arrow_dataset.py", 3389, "apply_function",
          "processed_inputs = function(*fn_args, *additional_args, **fn_kwargs)",
          "function(*fn_args, *additional_args, **fn_kwargs)"),
        F(P, 57, "_render", "text = tokenizer.apply_chat_template(example[\"messages\"], tokenize=False)",
          "tokenizer.apply_chat_template(example[\"messages\"], tokenize=False)"),
        F(TU, 1617, "apply_chat_template", "chat_template = self.get_chat_template(chat_template, tools)",
          "self.get_chat_template(chat_template, tools)"),
        F(TU, 1785, "get_chat_template", "raise ValueError("),
    ], f"ValueError: {CHAT_TEMPLATE_MSG}")
    L += ["multiprocess.pool.RemoteTraceback: ", '"""'] + inner + ['"""']
    T = "/home/mlops/trainer/standalone_trainer.py"
    outer = TB([
        F(T, 3455, "<module>", "sys.exit(main())", "main()"),
        F(T, 3398, "main", "dataset = pretokenize(raw, tokenizer, cfg)", "pretokenize(raw, tokenizer, cfg)"),
        F(P, 88, "pretokenize", "return raw.map(_render, fn_kwargs={\"tokenizer\": tokenizer}, num_proc=cfg.num_proc,",
          "raw.map(_render, fn_kwargs={\"tokenizer\": tokenizer}, num_proc=cfg.num_proc,"),
        F(f"{DS}/arrow_dataset.py", 602, "wrapper", "out: Union[\"Dataset\", \"DatasetDict\"] = func(self, *args, **kwargs)",
          "func(self, *args, **kwargs)"),
        F(f"{DS}/arrow_dataset.py", 567, "wrapper", "out: Union[\"Dataset\", \"DatasetDict\"] = func(self, *args, **kwargs)",
          "func(self, *args, **kwargs)"),
        F(f"{DS}/arrow_dataset.py", 3167, "map", "for rank, done, content in iflatmap_unordered("),
        F(f"{DS}/utils/py_utils.py", 718, "iflatmap_unordered",
          "[async_result.get(timeout=0.05) for async_result in async_results]"),
        F(f"{DS}/utils/py_utils.py", 718, "<listcomp>",
          "[async_result.get(timeout=0.05) for async_result in async_results]", "async_result.get(timeout=0.05)"),
        F(f"{SP}/multiprocess/pool.py", 774, "get", "raise self._value"),
    ], f"ValueError: {CHAT_TEMPLATE_MSG}")
    L += DIRECT + outer
    s("ERROR", "PreTokenize", f"Pre-tokenization failed: {CHAT_TEMPLATE_MSG}", 0.2)
    s("ERROR", "Main", "Training process exited with code 1", 0.4)
    return "\n".join(L) + "\n"


@log("hydra_omegaconf.log",
     about="Hydra app: config tree printed as YAML, then 'Error executing job with overrides' and the short "
           "traceback ending in omegaconf.errors.ConfigAttributeError (message continues on indented lines), then "
           "the HYDRA_FULL_ERROR hint",
     category="config_error", exception_type="omegaconf.errors.ConfigAttributeError",
     msg="Key 'warmup_ratio' is not in struct",
     final=("ConfigAttributeError:", -1), frames=6, chain=1, phase="initialization",
     covers="Hydra `[ts][name][LEVEL] - msg` lines, YAML dump, multi-line exception message, trailing hint line")
def _hydra():
    ck = Clock("2025-12-10 08:30:12", seed=20)
    L = []

    def h(name, level, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        L.append(f"[{ck.py()}][{name}][{level}] - {msg}")

    h("__main__", "INFO", "Working directory: /workspace/recipes/outputs/2025-12-10/08-30-12")
    h("__main__", "INFO", "Resolved config:", 0.1)
    L += [
        "model:",
        "  name: llama3_8b",
        "  path: /models/Llama-3.1-8B",
        "  dtype: bfloat16",
        "data:",
        "  train: /data/mix-v7/train.parquet",
        "  max_len: 4096",
        "optim:",
        "  name: adamw",
        "  lr: 2.0e-05",
        "  betas:",
        "  - 0.9",
        "  - 0.95",
        "  weight_decay: 0.1",
        "  warmup: 0.03",
        "trainer:",
        "  max_steps: 5000",
        "  grad_accum: 8",
        "  log_every: 10",
        "",
    ]
    h("recipes.data", "INFO", "Loaded 1,204,556 rows from /data/mix-v7/train.parquet", 4.1)
    h("recipes.model", "INFO", "Built llama3_8b with 8,030,261,248 parameters (bfloat16)", 22.0)
    h("recipes.optim", "INFO", "AdamW(lr=2e-05, betas=(0.9, 0.95), weight_decay=0.1)", 0.3)
    L.append("Error executing job with overrides: ['model=llama3_8b', 'optim=adamw', 'optim.lr=2e-5', "
             "'+trainer.max_steps=5000']")
    R = "/workspace/recipes"
    L += TB([
        F(f"{R}/train.py", 64, "main", "scheduler = build_scheduler(optimizer, cfg.optim, cfg.trainer)",
          "build_scheduler(optimizer, cfg.optim, cfg.trainer)"),
        F(f"{R}/recipes/schedulers.py", 21, "build_scheduler",
          "warmup_steps = int(optim_cfg.warmup_ratio * trainer_cfg.max_steps)", "optim_cfg.warmup_ratio"),
        F(f"{SP}/omegaconf/dictconfig.py", 355, "__getattr__", "self._format_and_raise("),
        F(f"{SP}/omegaconf/base.py", 231, "_format_and_raise", "format_and_raise("),
        F(f"{SP}/omegaconf/_utils.py", 899, "format_and_raise", "_raise(ex, cause)"),
        F(f"{SP}/omegaconf/_utils.py", 797, "_raise",
          "raise ex.with_traceback(sys.exc_info()[2])  # set env var OC_CAUSE=1 for full trace"),
    ], "omegaconf.errors.ConfigAttributeError: Key 'warmup_ratio' is not in struct\n"
       "    full_key: optim.warmup_ratio\n"
       "    object_type=dict")
    L += ["", "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace."]
    return "\n".join(L) + "\n"


@log("ansi_keyerror_config.log",
     about="Seed-001 format coloured by a colour log handler: ANSI codes inside the brackets and around the whole "
           "ERROR record, so the traceback starts after an escape and the last line ends with a reset; a missing "
           "config key re-raised with a hint while handling the first KeyError (chain of 2)",
     category="config_error", exception_type="KeyError",
     msg="\"missing required key 'lora_target_modules' in",
     final=("KeyError: \"missing required key", -1), frames=3, chain=2, exit_code=1, phase="initialization",
     covers="ANSI escapes at line start and inside brackets, 'During handling of the above exception' chain, "
            "KeyError message in double quotes")
def _ansi_keyerror():
    ck = Clock("2025-12-10 10:02:00", seed=21)
    L = []
    col = {"INFO": "32", "WARNING": "33", "ERROR": "31", "DEBUG": "36"}

    def s(level, phase, msg, dt=0.0, module="config"):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        L.append(f"{c('2', ck.seed())} [{c('35', module)}] [{c(col[level], level)}] [{phase}] {msg}")

    s("INFO", "Main", "Job 2b7f44: QLoRA on Llama-3.1-70B, 4-bit nf4, 8 x A100-80GB", module="__main__")
    s("DEBUG", "Config", "Reading configs/base.yaml", 0.1)
    s("DEBUG", "Config", "Reading configs/qlora_70b.yaml (extends base.yaml)", 0.05)
    s("INFO", "Config", "Merged 2 config files: 41 keys", 0.05)
    for k, v in [("model.path", "/models/Llama-3.1-70B"), ("model.quant", "nf4"), ("lora.r", "64"),
                 ("lora.alpha", "16"), ("lora.dropout", "0.05"), ("lora.target", "['q_proj', 'v_proj']"),
                 ("train.lr", "1e-4"), ("train.epochs", "2")]:
        s("DEBUG", "Config", f"  {k} = {v}", 0.001)
    s("WARNING", "Config", "Key 'lora.target' is deprecated; use 'lora.lora_target_modules'", 0.01)
    ck.tick(0.02)
    C = "/home/mlops/trainer/config.py"
    first = TB([
        F(C, 142, "lora_config", "modules = section[\"lora_target_modules\"]",
          "section[\"lora_target_modules\"]"),
    ], "KeyError: 'lora_target_modules'")
    second = TB([
        F("/home/mlops/trainer/standalone_trainer.py", 3455, "<module>", "sys.exit(main())", "main()"),
        F("/home/mlops/trainer/standalone_trainer.py", 3401, "main", "peft_cfg = cfg.lora_config()",
          "cfg.lora_config()"),
        F(C, 144, "lora_config", "raise KeyError("),
    ], "KeyError: \"missing required key 'lora_target_modules' in configs/qlora_70b.yaml (section 'lora'); "
       "known keys: r, alpha, dropout, target\"")
    head = (f"{ESC}[31m{ck.seed()} [config] [ERROR] [Config] Could not build the LoRA config")
    body = [head] + first + DURING + second
    body[-1] = body[-1] + f"{ESC}[0m"
    L += body
    s("INFO", "Main", "Exiting with status 1", 0.1, module="__main__")
    return "\n".join(L) + "\n"


@log("argparse_unrecognized.log",
     about="Launch script with `set -x`: argparse prints its usage and 'train.py: error: unrecognized arguments: "
           "--lr_scheduler cosine', the launcher reports exit code 2",
     category="config_error", exception_type=None, msg=None,
     final=("error: unrecognized arguments", -1), frames=0, chain=0, exit_code=2, phase="initialization",
     covers="argparse usage block and `error:` line, shell `+ cmd` traces, exit code 2")
def _argparse():
    L = [
        "+ source /opt/jobs/env.sh",
        "++ export HF_HOME=/mnt/cache/hf",
        "++ HF_HOME=/mnt/cache/hf",
        "++ export WANDB_MODE=offline",
        "++ WANDB_MODE=offline",
        "+ cd /workspace/sft",
        "+ git rev-parse --short HEAD",
        "4c1e9b2",
        "+ nvidia-smi --query-gpu=name,memory.total --format=csv,noheader",
        "NVIDIA H100 80GB HBM3, 81559 MiB",
        "NVIDIA H100 80GB HBM3, 81559 MiB",
        "+ python train.py --model_name_or_path /models/Llama-3.1-8B --dataset /data/sft-v4 --lr 2e-5 "
        "--lr_scheduler cosine --warmup_ratio 0.03 --epochs 2 --bf16 --output_dir /runs/sft-v4-0312",
        "usage: train.py [-h] --model_name_or_path MODEL_NAME_OR_PATH",
        "                [--dataset DATASET] [--lr LR]",
        "                [--lr_scheduler_type {linear,cosine,constant,constant_with_warmup}]",
        "                [--warmup_ratio WARMUP_RATIO] [--epochs EPOCHS] [--bf16]",
        "                [--gradient_checkpointing] [--output_dir OUTPUT_DIR]",
        "train.py: error: unrecognized arguments: --lr_scheduler cosine",
        "+ status=2",
        "+ echo '[launch] train.py exited with code 2'",
        "[launch] train.py exited with code 2",
        "+ exit 2",
    ]
    return "\n".join(L) + "\n"


# ------------------------------------------------------------- model_loading


@log("state_dict_size_mismatch.log",
     about="Python logging default format (`INFO:name:msg`); merging a LoRA run whose tokenizer gained 8 special "
           "tokens into the base model: RuntimeError: Error(s) in loading state_dict for LlamaForCausalLM with "
           "tab-indented size-mismatch lines",
     category="model_loading", exception_type="RuntimeError",
     msg="Error(s) in loading state_dict for LlamaForCausalLM:",
     final=("RuntimeError: Error(s) in loading state_dict", -1), frames=4, chain=1, phase="initialization",
     covers="`INFO:name:msg` / `WARNING:name:msg` logging default, multi-line message with tab-indented lines")
def _state_dict():
    L = [
        "INFO:merge:Base model: /models/Llama-3.1-8B-Instruct",
        "INFO:merge:Adapter run: /runs/sft-tools-v2 (checkpoint-2400)",
        "INFO:merge:Tokenizer: /runs/sft-tools-v2/tokenizer (128264 tokens, 8 added special tokens)",
    ]
    L.append(tqdm(4, [0, 1, 2, 3, 4], desc="Loading checkpoint shards", rate=0.71))
    L += [
        "WARNING:accelerate.big_modeling:Some parameters are on the meta device because they were offloaded to the cpu.",
        "INFO:merge:Loading full fine-tuned state dict from /runs/sft-tools-v2/checkpoint-2400/pytorch_model.bin",
        f"{SP}/torch/serialization.py:1328: FutureWarning: You are using `torch.load` with `weights_only=False` (the "
        "current default value), which uses the default pickle module implicitly. It is possible to construct "
        "malicious pickle data which will execute arbitrary code during unpickling (See "
        "https://github.com/pytorch/pytorch/blob/main/SECURITY.md#untrusted-models for more details). In a future "
        "release, the default value for `weights_only` will be flipped to `True`.",
        "  state = torch.load(path, map_location=\"cpu\")",
        "INFO:merge:State dict has 291 tensors (16.06 GB)",
        "WARNING:merge:Not resizing embeddings: --resize-embeddings was not given",
    ]
    M = "/workspace/tools/merge_lora.py"
    L += TB([
        F(M, 97, "<module>", "main(parse_args())", "main(parse_args())"),
        F(M, 81, "main", "model = load_finetuned(args.base, args.run, args.step)",
          "load_finetuned(args.base, args.run, args.step)"),
        F(M, 46, "load_finetuned", "model.load_state_dict(state, strict=True)"),
        F(f"{SP}/torch/nn/modules/module.py", 2584, "load_state_dict",
          "raise RuntimeError(\"Error(s) in loading state_dict for {}:\\n\\t{}\".format("),
    ], "RuntimeError: Error(s) in loading state_dict for LlamaForCausalLM:\n"
       "\tsize mismatch for model.embed_tokens.weight: copying a param with shape torch.Size([128264, 4096]) from "
       "checkpoint, the shape in current model is torch.Size([128256, 4096]).\n"
       "\tsize mismatch for lm_head.weight: copying a param with shape torch.Size([128264, 4096]) from checkpoint, "
       "the shape in current model is torch.Size([128256, 4096]).")
    L += ["ERROR:merge:merge failed; nothing written to /runs/sft-tools-v2/merged"]
    return "\n".join(L) + "\n"


@log("safetensors_header.log",
     about="Inference service start-up: one shard is a 134-byte git-lfs pointer, so the shard bar stops at 2/4 and "
           "from_pretrained raises safetensors_rust.SafetensorError: Error while deserializing header: "
           "HeaderTooLarge",
     category="model_loading", exception_type="safetensors_rust.SafetensorError",
     msg="Error while deserializing header: HeaderTooLarge",
     final=("SafetensorError:", -1), frames=6, chain=1, phase="initialization",
     covers="uvicorn-style `INFO:     msg` lines, an unfinished tqdm bar, safetensors header error")
def _safetensors():
    L = [
        "INFO:     Started server process [4123]",
        "INFO:     Waiting for application startup.",
        "2025-12-10 12:00:03,551 INFO serve.model: loading /models/chat-13b-v5 (bf16, device_map=auto)",
        "2025-12-10 12:00:03,552 INFO serve.model: shards: model-00001-of-00004.safetensors (4.98 GB), "
        "model-00002-of-00004.safetensors (4.97 GB), model-00003-of-00004.safetensors (134 B), "
        "model-00004-of-00004.safetensors (3.42 GB)",
        "2025-12-10 12:00:03,552 WARNING serve.model: model-00003-of-00004.safetensors is unusually small (134 B)",
    ]
    L.append(tqdm(4, [0, 1, 2], desc="Loading checkpoint shards", rate=0.39))
    S = "/srv/serve/serve"
    MU = f"{SP}/transformers/modeling_utils.py"
    tb = TB([
        F(f"{S}/app.py", 41, "lifespan", "app.state.model = load_model(settings.model_path)",
          "load_model(settings.model_path)"),
        F(f"{S}/model.py", 28, "load_model",
          "return AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.bfloat16, device_map=\"auto\")",
          "AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.bfloat16, device_map=\"auto\")"),
        F(f"{SP}/transformers/models/auto/auto_factory.py", 564, "from_pretrained",
          "return model_class.from_pretrained(", "model_class.from_pretrained("),
        F(MU, 4225, "from_pretrained", ") = cls._load_pretrained_model("),
        F(MU, 4706, "_load_pretrained_model", "state_dict = load_state_dict(shard_file, is_quantized=is_quantized)",
          "load_state_dict(shard_file, is_quantized=is_quantized)"),
        F(MU, 555, "load_state_dict", "with safe_open(checkpoint_file, framework=\"pt\") as f:",
          "safe_open(checkpoint_file, framework=\"pt\")"),
    ], "safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge")
    L.append("")
    L.append("ERROR:    Traceback (most recent call last):")
    L += tb[1:]
    L += ["", "ERROR:    Application startup failed. Exiting."]
    return "\n".join(L) + "\n"


def jlog(ts, level, event, **kw):
    d = {"ts": ts, "level": level, "logger": "infer.fastload", "event": event}
    d.update(kw)
    return json.dumps(d)


@log("shard_load_exception_group.log",
     about="JSON-lines batch-inference log; an asyncio.TaskGroup loading 30 shards fails: Python 3.11 "
           "ExceptionGroup with 3 sub-exceptions, the third a nested ExceptionGroup of 2 OSErrors (4 leaves), one "
           "leaf with an add_note hint, one frame from <frozen genericpath> without source",
     category="model_loading", exception_type="ExceptionGroup",
     msg="unhandled errors in a TaskGroup (3 sub-exceptions)",
     final=("| ExceptionGroup: unhandled errors in a TaskGroup", 0), frames=7, chain=1, group_members=4,
     phase="initialization",
     covers="3.11 exception groups (`+ Exception Group Traceback`, `| ` lines, `+-+---- 1 ----`, nested group, "
            "closing `+------`), exception notes inside a group, a frame with no source line, JSON log lines")
def _exc_group():
    L = []
    for t, lvl, ev, kw in [
        ("2025-12-10T14:00:00.112Z", "info", "start", dict(job="batch-infer-0917", model="/models/llama-70b")),
        ("2025-12-10T14:00:00.113Z", "info", "index", dict(shards=30, total_bytes=141107302400)),
        ("2025-12-10T14:00:00.114Z", "info", "concurrency", dict(tasks=8, retries=2)),
    ]:
        L.append(jlog(t, lvl, ev, **kw))
    for k in range(1, 7):
        L.append(jlog(f"2025-12-10T14:00:{k * 2 + 3:02d}.{k * 137 % 1000:03d}Z", "info", "shard_loaded",
                      shard=k, bytes=4_932_000_000 + k * 1_000_003, ms=1800 + k * 41))
    L.append(jlog("2025-12-10T14:00:16.020Z", "warning", "read_retry", shard=23, attempt=1,
                  error="[Errno 5] Input/output error"))
    L.append(jlog("2025-12-10T14:00:17.402Z", "warning", "read_retry", shard=23, attempt=2,
                  error="[Errno 5] Input/output error"))
    A = f"{PYLIB}/asyncio"
    FL = "/srv/infer/infer/fastload.py"
    top = [
        F("/srv/infer/run_batch.py", 77, "<module>", "asyncio.run(main(load_config()))"),
        F(f"{A}/runners.py", 190, "run", "return runner.run(main)", "runner.run(main)"),
        F(f"{A}/runners.py", 118, "run", "return self._loop.run_until_complete(task)",
          "self._loop.run_until_complete(task)"),
        F(f"{A}/base_events.py", 653, "run_until_complete", "return future.result()", "future.result()"),
        F("/srv/infer/run_batch.py", 68, "main", "weights = await load_all(cfg.model_dir, cfg.shards)",
          "await load_all(cfg.model_dir, cfg.shards)"),
        F(FL, 112, "load_all", "async with asyncio.TaskGroup() as tg:"),
        F(f"{A}/taskgroups.py", 145, "__aexit__", "raise me from None"),
    ]
    out = ["  + Exception Group Traceback (most recent call last):"]
    for f in top:
        out += ["  | " + l for l in f]
    out.append("  | ExceptionGroup: unhandled errors in a TaskGroup (3 sub-exceptions)")

    def member(indent, lines):
        return [indent + "| " + l for l in lines]

    m1 = TB([
        F(FL, 71, "load_shard", "header = await asyncio.to_thread(read_header, path)",
          "await asyncio.to_thread(read_header, path)"),
        F(f"{A}/threads.py", 25, "to_thread", "return await loop.run_in_executor(None, func_call)",
          "await loop.run_in_executor(None, func_call)"),
        F(f"{PYLIB}/concurrent/futures/thread.py", 58, "run", "result = self.fn(*self.args, **self.kwargs)",
          "self.fn(*self.args, **self.kwargs)"),
        F(FL, 40, "read_header", "raise ShardError(f\"{path}: header length {n} exceeds file size {size}\")"),
    ], "infer.fastload.ShardError: /models/llama-70b/model-00007-of-00030.safetensors: header length "
       "7089336938131513954 exceeds file size 133\n"
       "hint: a 133-byte shard is usually a git-lfs pointer; run `git lfs pull` in /models/llama-70b")
    m2 = TB([
        F(FL, 69, "load_shard", "size = os.path.getsize(path)", "os.path.getsize(path)"),
        [f'  File "<frozen genericpath>", line 50, in getsize'],
    ], "FileNotFoundError: [Errno 2] No such file or directory: '/models/llama-70b/model-00019-of-00030.safetensors'")
    m3 = TB([
        F(FL, 91, "load_shard_with_retry", "raise ExceptionGroup(f\"shard {idx}: {attempts} attempts failed\", errors)"),
    ], "ExceptionGroup: shard 23: 2 attempts failed (2 sub-exceptions)",
        header="Exception Group Traceback (most recent call last):")
    leaf = TB([
        F(FL, 84, "load_shard_with_retry", "return await load_shard(path)", "await load_shard(path)"),
        F(FL, 74, "load_shard", "data = await read_range(path, offset, length)", "await read_range(path, offset, length)"),
        F(FL, 52, "read_range", "return await asyncio.to_thread(os.pread, fd, length, offset)",
          "await asyncio.to_thread(os.pread, fd, length, offset)"),
    ], "OSError: [Errno 5] Input/output error")
    out.append("  +-+---------------- 1 ----------------")
    out += member("    ", m1)
    out.append("    +---------------- 2 ----------------")
    out += member("    ", m2)
    out.append("    +---------------- 3 ----------------")
    out += member("    ", m3)
    out.append("    +-+---------------- 1 ----------------")
    out += member("      ", leaf)
    out.append("      +---------------- 2 ----------------")
    out += member("      ", leaf)
    out.append("      +------------------------------------")
    L += out
    return "\n".join(L) + "\n"


@log("missing_weights_file.log",
     about="`python -m sft.export` on a LoRA checkpoint directory (adapter files only): OSError: Error no file "
           "named pytorch_model.bin, model.safetensors, ... found in directory; the two runpy frames have no source "
           "lines",
     category="model_loading", exception_type="OSError", msg="Error no file named pytorch_model.bin, model.safe",
     final=("OSError: Error no file named", -1), frames=6, chain=1, phase="initialization",
     covers="`<frozen runpy>` frames without source lines, directory listing before the failure")
def _missing_weights():
    L = [
        "$ ls -la /mnt/ckpt/llama3-8b-sft/checkpoint-3000",
        "total 335716",
        "drwxr-xr-x 2 mlops mlops      4096 Dec 10 02:11 .",
        "drwxr-xr-x 9 mlops mlops      4096 Dec 10 02:11 ..",
        "-rw-r--r-- 1 mlops mlops       812 Dec 10 02:11 adapter_config.json",
        "-rw-r--r-- 1 mlops mlops 167832240 Dec 10 02:11 adapter_model.safetensors",
        "-rw-r--r-- 1 mlops mlops 335775290 Dec 10 02:11 optimizer.pt",
        "-rw-r--r-- 1 mlops mlops     14244 Dec 10 02:11 rng_state.pth",
        "-rw-r--r-- 1 mlops mlops      1064 Dec 10 02:11 scheduler.pt",
        "-rw-r--r-- 1 mlops mlops      5173 Dec 10 02:11 trainer_state.json",
        "-rw-r--r-- 1 mlops mlops      5432 Dec 10 02:11 training_args.bin",
        "$ python -m sft.export --checkpoint /mnt/ckpt/llama3-8b-sft/checkpoint-3000 --out /export/llama3-8b-sft",
        "[export] 2025-12-10 02:20:41 loading config from /mnt/ckpt/llama3-8b-sft/checkpoint-3000",
        "[export] 2025-12-10 02:20:41 config.json not found in checkpoint, using base config /models/Llama-3.1-8B",
    ]
    MU = f"{SP}/transformers/modeling_utils.py"
    L += TB([
        [f'  File "<frozen runpy>", line 198, in _run_module_as_main'],
        [f'  File "<frozen runpy>", line 88, in _run_code'],
        F("/workspace/sft/sft/export.py", 71, "<module>", "main()"),
        F("/workspace/sft/sft/export.py", 52, "main",
          "model = AutoModelForCausalLM.from_pretrained(args.checkpoint, config=config, torch_dtype=torch.bfloat16)",
          "AutoModelForCausalLM.from_pretrained(args.checkpoint, config=config, torch_dtype=torch.bfloat16)"),
        F(f"{SP}/transformers/models/auto/auto_factory.py", 564, "from_pretrained",
          "return model_class.from_pretrained(", "model_class.from_pretrained("),
        F(MU, 3824, "from_pretrained", "raise EnvironmentError("),
    ], "OSError: Error no file named pytorch_model.bin, model.safetensors, tf_model.h5, model.ckpt.index or "
       "flax_model.msgpack found in directory /mnt/ckpt/llama3-8b-sft/checkpoint-3000.")
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------- network


@log("hf_hub_offline.log",
     about="Compute node without DNS: loading a Hub model gives a 6-link chain (socket.gaierror -> "
           "NameResolutionError -> MaxRetryError -> requests ConnectionError 'Max retries exceeded' -> "
           "LocalEntryNotFoundError -> OSError: We couldn't connect to 'https://huggingface.co'), mixing "
           "'direct cause' and 'During handling' links",
     category="network", exception_type="OSError", msg="We couldn't connect to 'https://huggingface.co' to",
     final=("OSError: We couldn't connect", -1), frames=6, chain=6, phase="initialization",
     covers="long exception chain with both separator kinds, HF hub offline error, requests/urllib3 Max retries")
def _hf_hub_offline():
    U = f"{SP}/urllib3"
    R = f"{SP}/requests"
    H = f"{SP}/huggingface_hub"
    TH = f"{SP}/transformers/utils/hub.py"
    host = "huggingface.co"
    url = "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json"
    obj = "<urllib3.connection.HTTPSConnection object at 0x7f1c2a9e4b10>"
    nre = f"{obj}: Failed to resolve '{host}' ([Errno -3] Temporary failure in name resolution)"
    mre = (f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: {url} "
           f"(Caused by NameResolutionError(\"{nre}\"))")
    L = [
        "2025-12-10 15:40:02,113 - __main__ - INFO - Host gpu-c17 (no outbound network), HF_HOME=/scratch/u812/hf",
        "2025-12-10 15:40:02,113 - __main__ - INFO - Loading config for meta-llama/Llama-3.1-8B-Instruct",
    ]
    L += TB([
        F(f"{U}/connection.py", 199, "_new_conn", "sock = connection.create_connection(",
          "connection.create_connection("),
        F(f"{U}/util/connection.py", 60, "create_connection",
          "for res in socket.getaddrinfo(host, port, family, socket.SOCK_STREAM):",
          "socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)"),
        F(f"{PYLIB}/socket.py", 962, "getaddrinfo",
          "for res in _socket.getaddrinfo(host, port, family, type, proto, flags):",
          "_socket.getaddrinfo(host, port, family, type, proto, flags)"),
    ], "socket.gaierror: [Errno -3] Temporary failure in name resolution")
    L += DIRECT + TB([
        F(f"{U}/connectionpool.py", 789, "urlopen", "response = self._make_request(", "self._make_request("),
        F(f"{U}/connectionpool.py", 490, "_make_request", "raise new_e"),
        F(f"{U}/connectionpool.py", 466, "_make_request", "self._validate_conn(conn)"),
        F(f"{U}/connectionpool.py", 1095, "_validate_conn", "conn.connect()"),
        F(f"{U}/connection.py", 693, "connect", "self.sock = sock = self._new_conn()", "self._new_conn()"),
        F(f"{U}/connection.py", 206, "_new_conn", "raise NameResolutionError(self.host, self, e) from e"),
    ], f"urllib3.exceptions.NameResolutionError: {nre}")
    L += DIRECT + TB([
        F(f"{R}/adapters.py", 667, "send", "resp = conn.urlopen(", "conn.urlopen("),
        F(f"{U}/connectionpool.py", 843, "urlopen", "retries = retries.increment(", "retries.increment("),
        F(f"{U}/util/retry.py", 519, "increment",
          "raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]",
          "raise MaxRetryError(_pool, url, reason) from reason"),
    ], f"urllib3.exceptions.MaxRetryError: {mre}")
    L += DURING + TB([
        F(f"{H}/file_download.py", 1374, "_get_metadata_or_catch_error", "metadata = get_hf_file_metadata(",
          "get_hf_file_metadata("),
        F(f"{H}/utils/_validators.py", 114, "_inner_fn", "return fn(*args, **kwargs)", "fn(*args, **kwargs)"),
        F(f"{H}/file_download.py", 1294, "get_hf_file_metadata", "r = _request_wrapper(", "_request_wrapper("),
        F(f"{H}/file_download.py", 278, "_request_wrapper", "response = _request_wrapper(", "_request_wrapper("),
        F(f"{H}/file_download.py", 301, "_request_wrapper",
          "response = get_session().request(method=method, url=url, **params)",
          "get_session().request(method=method, url=url, **params)"),
        F(f"{R}/sessions.py", 589, "request", "resp = self.send(prep, **send_kwargs)",
          "self.send(prep, **send_kwargs)"),
        F(f"{R}/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)", "adapter.send(request, **kwargs)"),
        F(f"{H}/utils/_http.py", 93, "send", "return super().send(request, *args, **kwargs)",
          "super().send(request, *args, **kwargs)"),
        F(f"{R}/adapters.py", 700, "send", "raise ConnectionError(e, request=request)"),
    ], f"requests.exceptions.ConnectionError: (MaxRetryError('{mre.replace(chr(39), chr(92) + chr(39))}'), "
       "'(Request ID: 5e1c07a2-93b4-4c1e-bb0e-2f09d7c3a611)')")
    L += DIRECT + TB([
        F(TH, 403, "cached_file", "resolved_file = hf_hub_download(", "hf_hub_download("),
        F(f"{H}/utils/_validators.py", 114, "_inner_fn", "return fn(*args, **kwargs)", "fn(*args, **kwargs)"),
        F(f"{H}/file_download.py", 862, "hf_hub_download", "return _hf_hub_download_to_cache_dir(",
          "_hf_hub_download_to_cache_dir("),
        F(f"{H}/file_download.py", 969, "_hf_hub_download_to_cache_dir",
          "_raise_on_head_call_error(head_call_error, force_download, local_files_only)"),
        F(f"{H}/file_download.py", 1484, "_raise_on_head_call_error", "raise LocalEntryNotFoundError("),
    ], "huggingface_hub.errors.LocalEntryNotFoundError: An error happened while trying to locate the file on the "
       "Hub and we cannot find the requested files in the local cache. Please check your connection and try again "
       "or make sure your Internet connection is on.")
    CA = f"{SP}/transformers/models/auto/configuration_auto.py"
    CU = f"{SP}/transformers/configuration_utils.py"
    L += DIRECT + TB([
        F("/home/u812/sft/train.py", 212, "<module>", "main()"),
        F("/home/u812/sft/train.py", 57, "main", "config = AutoConfig.from_pretrained(args.model)",
          "AutoConfig.from_pretrained(args.model)"),
        F(CA, 1017, "from_pretrained",
          "config_dict, unused_kwargs = PretrainedConfig.get_config_dict(pretrained_model_name_or_path, **kwargs)",
          "PretrainedConfig.get_config_dict(pretrained_model_name_or_path, **kwargs)"),
        F(CU, 574, "get_config_dict",
          "config_dict, kwargs = cls._get_config_dict(pretrained_model_name_or_path, **kwargs)",
          "cls._get_config_dict(pretrained_model_name_or_path, **kwargs)"),
        F(CU, 633, "_get_config_dict", "resolved_config_file = cached_file(", "cached_file("),
        F(TH, 446, "cached_file", "raise EnvironmentError("),
    ], "OSError: We couldn't connect to 'https://huggingface.co' to load this file, couldn't find it in the cached "
       "files and it looks like meta-llama/Llama-3.1-8B-Instruct is not the path to a directory containing a file "
       "named config.json.\nCheckout your internet connection or see how to run the library in offline mode at "
       "'https://huggingface.co/docs/transformers/installation#offline-mode'.")
    return "\n".join(L) + "\n"


@log("mlflow_connection_error.log",
     about="Python 3.10, logging default format (`ERROR:root:msg`): the tracking callback logs 5 failed pushes "
           "(different attempt numbers and object addresses), then gives up and the job dies on "
           "requests.exceptions.ConnectionError ... Max retries exceeded (urllib3 1.26 chain of 4, all 'During "
           "handling')",
     category="network", exception_type="requests.exceptions.ConnectionError",
     msg="HTTPConnectionPool(host='mlflow.internal.example.com'",
     final=("requests.exceptions.ConnectionError:", -1), frames=9, chain=4, phase="training",
     repeated=[("metrics push failed", 5)],
     covers="`INFO:root:` / `ERROR:root:` lines repeated with changing numbers and hex addresses, Python 3.10 "
            "tracebacks without carets, a 4-link 'During handling' chain")
def _mlflow():
    rng = random.Random(2323)
    P10 = "/usr/local/lib/python3.10"
    S10 = f"{P10}/site-packages"
    U = f"{S10}/urllib3"
    host = "mlflow.internal.example.com"
    path = "/api/2.0/mlflow/runs/log-batch"
    L = ["INFO:root:tracking: mlflow at http://mlflow.internal.example.com:5000, experiment 'asr-conformer', run "
         "0c8e5f77d1a24b7e9f3e2b4c1d0a9e88"]
    step = 0
    for _ in range(14):
        step += 500
        L.append(f"INFO:root:step {step} loss {2.4 - step / 9000:.4f} wer {31 - step / 700:.2f} lr 1.0e-03")
    for att in range(1, 6):
        addr = f"0x7f4e{rng.getrandbits(24):06x}"
        L.append(f"ERROR:root:metrics push failed (attempt {att}/5): HTTPConnectionPool(host='{host}', port=5000): "
                 f"Max retries exceeded with url: {path} (Caused by NewConnectionError('<urllib3.connection."
                 f"HTTPConnection object at {addr}>: Failed to establish a new connection: [Errno 111] Connection "
                 "refused'))")
        if att < 5:
            L.append(f"WARNING:root:retrying in {2 ** att} s")
    addr = "0x7f4e1c2b8d30"
    nce = (f"<urllib3.connection.HTTPConnection object at {addr}>: Failed to establish a new connection: "
           "[Errno 111] Connection refused")
    mre = (f"HTTPConnectionPool(host='{host}', port=5000): Max retries exceeded with url: {path} "
           f"(Caused by NewConnectionError('{nce}'))")

    def f10(path_, n, func, src):
        return [f'  File "{path_}", line {n}, in {func}', f"    {src}"]

    L += TB([
        f10(f"{U}/connection.py", 174, "_new_conn", "conn = connection.create_connection("),
        f10(f"{U}/util/connection.py", 95, "create_connection", "raise err"),
        f10(f"{U}/util/connection.py", 85, "create_connection", "sock.connect(sa)"),
    ], "ConnectionRefusedError: [Errno 111] Connection refused")
    L += DURING + TB([
        f10(f"{U}/connectionpool.py", 703, "urlopen", "httplib_response = self._make_request("),
        f10(f"{U}/connectionpool.py", 398, "_make_request", "conn.request(method, url, **httplib_request_kw)"),
        f10(f"{U}/connection.py", 239, "request", "super(HTTPConnection, self).request(method, url, body=body, "
                                                  "headers=headers)"),
        f10(f"{P10}/http/client.py", 1283, "request", "self._send_request(method, url, body, headers, encode_chunked)"),
        f10(f"{P10}/http/client.py", 1329, "_send_request", "self.endheaders(body, encode_chunked=encode_chunked)"),
        f10(f"{P10}/http/client.py", 1278, "endheaders", "self._send_output(message_body, encode_chunked=encode_chunked)"),
        f10(f"{P10}/http/client.py", 1038, "_send_output", "self.send(msg)"),
        f10(f"{P10}/http/client.py", 976, "send", "self.connect()"),
        f10(f"{U}/connection.py", 205, "connect", "conn = self._new_conn()"),
        f10(f"{U}/connection.py", 186, "_new_conn", "raise NewConnectionError("),
    ], f"urllib3.exceptions.NewConnectionError: {nce}")
    L += DURING + TB([
        f10(f"{S10}/requests/adapters.py", 489, "send", "resp = conn.urlopen("),
        f10(f"{U}/connectionpool.py", 787, "urlopen", "retries = retries.increment("),
        f10(f"{U}/util/retry.py", 592, "increment", "raise MaxRetryError(_pool, url, error or ResponseError(cause))"),
    ], f"urllib3.exceptions.MaxRetryError: {mre}")
    L += DURING + TB([
        f10("/srv/asr/train.py", 211, "<module>", "main(parse_args())"),
        f10("/srv/asr/train.py", 197, "main", "trainer.fit(model, datamodule)"),
        f10("/srv/asr/asr/trainer.py", 151, "fit", "self.callbacks.on_log(self.state, metrics)"),
        f10("/srv/asr/asr/tracking.py", 64, "on_log", "self._push(batch)"),
        f10("/srv/asr/asr/tracking.py", 41, "_push", "resp = self.session.post(self.url, json=payload, timeout=10)"),
        f10(f"{S10}/requests/sessions.py", 637, "post", "return self.request(\"POST\", url, data=data, json=json, **kwargs)"),
        f10(f"{S10}/requests/sessions.py", 589, "request", "resp = self.send(prep, **send_kwargs)"),
        f10(f"{S10}/requests/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)"),
        f10(f"{S10}/requests/adapters.py", 519, "send", "raise ConnectionError(e, request=request)"),
    ], f"requests.exceptions.ConnectionError: {mre}")
    return "\n".join(L) + "\n"


NCCL_REMOTE_LAST = ("NET/IB : Got completion from peer 10.10.4.12<40713> with status=12 opcode=1 len=0 vendor err 129 "
                    "(Send) localGid ::ffff:10.10.4.11 remoteGids::ffff:10.10.4.12 hca mlx5_2")


@log("nccl_remote_error.log.gz",
     about="Gzipped node log of a multi-node run: an InfiniBand completion error (NCCL WARN), then ranks 5 and 7 "
           "print interleaved tracebacks ending in torch.distributed.DistBackendError ... ncclRemoteError with a "
           "'Last error:' line",
     category="network", exception_type="torch.distributed.DistBackendError",
     msg="NCCL error in: /pytorch/torch/csrc/distributed",
     final=("torch.distributed.DistBackendError:", -1), frames=6, chain=1, phase="training",
     covers="gzip-compressed log, NCCL `host:pid:tid [dev] NCCL WARN/INFO` lines, ncclRemoteError in a "
            "multi-line DistBackendError message, interleaved ranks")
def _nccl_remote():
    rng = random.Random(2424)
    ck = Clock("2025-12-10 16:02:00", seed=24)
    L = []
    for step in range(100, 2101, 200):
        ck.tick(180, 4)
        L.append(f"[rank4]: {ck.py()} INFO pretrain: step {step} loss {3.1 - step / 3000:.4f} tflops {rng.uniform(388, 401):.1f}")
    n = "gpu-node04"
    for dev, pid, tid in [(5, 48211, 48390), (7, 48213, 48395)]:
        L.append(f"{n}:{pid}:{tid} [{dev}] transport/net_ib.cc:1719 NCCL WARN " + NCCL_REMOTE_LAST.replace(
            "mlx5_2", f"mlx5_{dev // 2}"))
        for where in ("transport/net.cc:1302 -> 6", "proxy.cc:698 -> 6", "proxy.cc:878 -> 6 [Progress Thread]"):
            L.append(f"{n}:{pid}:{tid} [{dev}] NCCL INFO {where}")
    T = "/workspace/pretrain/train.py"
    D = f"{SP}/torch/distributed"

    def rank_tb(r):
        return pre(f"[rank{r}]: ", TB([
            F(T, 411, "<module>", "main()"),
            F(T, 388, "main", "train(cfg, model, optimizer, loader)"),
            F(T, 301, "train", "metrics = reduce_metrics(metrics)", "reduce_metrics(metrics)"),
            F(T, 122, "reduce_metrics", "dist.all_reduce(t, op=dist.ReduceOp.AVG)"),
            F(f"{D}/c10d_logger.py", 83, "wrapper", "return func(*args, **kwargs)", "func(*args, **kwargs)"),
            F(f"{D}/distributed_c10d.py", 2501, "all_reduce", "work = group.allreduce([tensor], opts)",
              "group.allreduce([tensor], opts)"),
        ], "torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
           "remote process exited or there was a network error, NCCL version 2.21.5\n"
           "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.\n"
           "Last error:\n" + NCCL_REMOTE_LAST.replace("mlx5_2", f"mlx5_{r // 2}")))

    L += interleave(rng, rank_tb(5), rank_tb(7))
    ck.tick(1)
    for r in (4, 6):
        L.append(f"[rank{r}]:[{ck.c10('W')} ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been "
                 "destroyed before we destruct ProcessGroupNCCL. On normal program exit, the application should call "
                 "destroy_process_group to ensure that any pending NCCL operations have finished in this process. "
                 "(function operator())")
    return "\n".join(L) + "\n"


@log("nccl_internal_error.log",
     about="DeepSpeed start-up on 2 nodes: NCCL topology detection fails (NCCL WARN 'Attribute busid of node nic not "
           "found'), the first barrier raises torch.distributed.DistBackendError ... internal error ... "
           "ncclInternalError; the launcher reports return code 1",
     category="network", exception_type="torch.distributed.DistBackendError",
     msg="NCCL error in: /pytorch/torch/csrc/distributed",
     final=("torch.distributed.DistBackendError:", -1), frames=6, chain=1, exit_code=1, phase="initialization",
     covers="ncclInternalError ('internal error - please report this issue to the NCCL developers'), NCCL INFO "
            "bootstrap lines, DeepSpeed launcher exit")
def _nccl_internal():
    ck = Clock("2025-12-10 17:30:00", seed=25)
    L = []

    def d(level, where, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.ds()} [{level}] [{where}] {msg}")

    d("INFO", "launch.py:146:main", "WORLD INFO DICT: {'10.2.0.11': [0, 1, 2, 3, 4, 5, 6, 7], '10.2.0.12': [0, 1, 2, "
                                    "3, 4, 5, 6, 7]}")
    d("INFO", "launch.py:152:main", "nnodes=2, num_local_procs=8, node_rank=0")
    d("INFO", "launch.py:164:main", "dist_world_size=16")
    d("INFO", "comm.py:652:init_distributed", "cdb=None", 5)
    d("INFO", "comm.py:683:init_distributed", "Initializing TorchBackend in DeepSpeed with backend nccl")
    h = "a100-n11"
    L += [
        f"{h}:3321:3321 [0] NCCL INFO Bootstrap : Using bond0:10.2.0.11<0>",
        f"{h}:3321:3321 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)",
        f"{h}:3321:3321 [0] NCCL INFO NET/Plugin: Plugin load returned 2 : libnccl-net.so: cannot open shared "
        "object file: No such file or directory : when loading libnccl-net.so",
        f"{h}:3321:3321 [0] NCCL INFO cudaDriverVersion 12040",
        "NCCL version 2.20.5+cuda12.4",
        f"{h}:3321:3390 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB bond0:10.2.0.11<0>",
        f"{h}:3321:3390 [0] NCCL INFO Using non-device net plugin version 0",
        f"{h}:3321:3390 [0] NCCL INFO Using network IB",
        f"{h}:3321:3390 [0] NCCL INFO comm 0x5581d9a0e2f0 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 7000 commId "
        "0x6a1c3e1f2b0d94c7 - Init START",
        f"{h}:3321:3390 [0] graph/xml.h:85 NCCL WARN Attribute busid of node nic not found",
        f"{h}:3321:3390 [0] NCCL INFO graph/xml.cc:589 -> 3",
        f"{h}:3321:3390 [0] NCCL INFO graph/xml.cc:806 -> 3",
        f"{h}:3321:3390 [0] NCCL INFO graph/topo.cc:673 -> 3",
        f"{h}:3321:3390 [0] NCCL INFO init.cc:906 -> 3",
        f"{h}:3321:3390 [0] NCCL INFO init.cc:1491 -> 3",
        f"{h}:3321:3390 [0] NCCL INFO group.cc:64 -> 3 [Async thread]",
        f"{h}:3321:3321 [0] NCCL INFO group.cc:418 -> 3",
        f"{h}:3321:3321 [0] NCCL INFO init.cc:1876 -> 3",
    ]
    D = f"{SP}/torch/distributed"
    L += pre("[rank0]: ", TB([
        F("/workspace/llm/train_ds.py", 58, "<module>", "deepspeed.init_distributed(dist_backend=\"nccl\")"),
        F(f"{SP}/deepspeed/comm/comm.py", 691, "init_distributed", "cdb = TorchBackend(dist_backend, timeout, init_method, rank, world_size)",
          "TorchBackend(dist_backend, timeout, init_method, rank, world_size)"),
        F(f"{SP}/deepspeed/comm/torch.py", 112, "__init__", "self.init_process_group(backend, timeout, init_method, rank, world_size)"),
        F(f"{SP}/deepspeed/comm/torch.py", 144, "init_process_group", "torch.distributed.barrier()"),
        F(f"{D}/c10d_logger.py", 83, "wrapper", "return func(*args, **kwargs)", "func(*args, **kwargs)"),
        F(f"{D}/distributed_c10d.py", 4159, "barrier", "work = default_pg.barrier(opts=opts)",
          "default_pg.barrier(opts=opts)"),
    ], "torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2342, "
       "internal error - please report this issue to the NCCL developers, NCCL version 2.20.5\n"
       "ncclInternalError: Internal check failed.\n"
       "Last error:\n"
       "Attribute busid of node nic not found"))
    d("INFO", "launch.py:319:sigkill_handler", "Killing subprocess 3321", 2)
    for pid in range(3322, 3329):
        d("INFO", "launch.py:319:sigkill_handler", f"Killing subprocess {pid}")
    d("ERROR", "launch.py:325:sigkill_handler", "['/opt/conda/bin/python3.11', '-u', 'train_ds.py', '--local_rank=7', "
                                                "'--deepspeed', 'configs/ds_z2.json'] exits with return code = 1")
    return "\n".join(L) + "\n"


@log("nccl_system_error.log",
     about="Detectron-style DDP job under srun on 2 nodes: NCCL cannot connect to the peer (socketStartConnect ... "
           "Software caused connection abort), the DDP constructor raises DistBackendError ... unhandled system "
           "error ... ncclSystemError; srun reports exit code 1",
     category="network", exception_type="torch.distributed.DistBackendError",
     msg="NCCL error in: /pytorch/torch/csrc/distributed",
     final=("torch.distributed.DistBackendError:", -1), frames=5, chain=1, exit_code=1, phase="initialization",
     covers="ncclSystemError, NCCL return-code trail (`-> 2`), `srun: error: host: task N: Exited with exit code 1`")
def _nccl_system():
    h = "gpu-node02"
    L = [
        "[12/10 18:00:03 d2.engine.launch]: Rank 1 of 2 on gpu-node02, local rank 0, MASTER_ADDR=10.10.4.11:29500",
        "[12/10 18:00:05 d2.utils.env]: Using a generated random seed 5281893",
        "[12/10 18:00:09 d2.engine.defaults]: Model:",
        "GeneralizedRCNN(",
        "  (backbone): FPN(...)",
        "  (proposal_generator): RPN(...)",
        "  (roi_heads): CascadeROIHeads(...)",
        ")",
        f"{h}:7781:7781 [0] NCCL INFO Bootstrap : Using ib0:10.10.4.12<0>",
        f"{h}:7781:7781 [0] NCCL INFO cudaDriverVersion 12020",
        "NCCL version 2.19.3+cuda12.3",
        f"{h}:7781:7902 [0] NCCL INFO NET/IB : No device found.",
        f"{h}:7781:7902 [0] NCCL INFO NET/Socket : Using [0]ib0:10.10.4.12<0>",
        f"{h}:7781:7902 [0] NCCL INFO Using network Socket",
        f"{h}:7781:7902 [0] misc/socket.cc:538 NCCL WARN socketStartConnect: Connect to 10.10.4.11<56127> failed : "
        "Software caused connection abort",
        f"{h}:7781:7902 [0] NCCL INFO misc/socket.cc:550 -> 2",
        f"{h}:7781:7902 [0] NCCL INFO misc/socket.cc:573 -> 2",
        f"{h}:7781:7902 [0] NCCL INFO bootstrap.cc:274 -> 2",
        f"{h}:7781:7902 [0] NCCL INFO init.cc:1371 -> 2",
        f"{h}:7781:7902 [0] NCCL INFO group.cc:64 -> 2 [Async thread]",
        f"{h}:7781:7781 [0] NCCL INFO group.cc:418 -> 2",
        f"{h}:7781:7781 [0] NCCL INFO init.cc:1929 -> 2",
    ]
    L += TB([
        F("/workspace/det/tools/train_net.py", 203, "<module>", "main(args)"),
        F("/workspace/det/tools/train_net.py", 166, "main", "model = DDP(model, device_ids=[comm.get_local_rank()])",
          "DDP(model, device_ids=[comm.get_local_rank()])"),
        F(f"{SP}/torch/nn/parallel/distributed.py", 825, "__init__",
          "_verify_param_shape_across_processes(self.process_group, parameters)"),
        F(f"{SP}/torch/distributed/utils.py", 288, "_verify_param_shape_across_processes",
          "return dist._verify_params_across_processes(process_group, tensors, logger)",
          "dist._verify_params_across_processes(process_group, tensors, logger)"),
        F(f"{SP}/torch/distributed/c10d_logger.py", 79, "wrapper", "return func(*args, **kwargs)", "func(*args, **kwargs)"),
    ], "torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
       "unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3\n"
       "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. \n"
       "Last error:\n"
       "socketStartConnect: Connect to 10.10.4.11<56127> failed : Software caused connection abort")
    L.append("srun: error: gpu-node02: task 1: Exited with exit code 1")
    return "\n".join(L) + "\n"


# ----------------------------------------------------------------- container

GL_SEC = "\x1b[0K"


def gl_section(kind, name, ts, title=None):
    s = f"section_{kind}:{ts}:{name}\r{GL_SEC}"
    if title:
        s += f"{GL_SEC}\x1b[36;1m{title}\x1b[0;m\x1b[0;m"
    return s


@log("docker_gpu_driver.log",
     about="GitLab CI job log (ANSI colours, section markers with a \\r inside the line): `docker run --gpus all` "
           "on a runner without the NVIDIA container toolkit: 'could not select device driver \"\" with "
           "capabilities: [[gpu]]', job failed with exit status 125",
     category="container", exception_type=None, msg=None,
     final=("ERROR: Job failed: exit status 125", -1), frames=0, chain=0, exit_code=125, phase="initialization",
     covers="GitLab runner log with `section_start:...\\r\\x1b[0K` markers and colours, docker daemon error, "
            "exit status 125")
def _docker_gpu():
    ts = 1765364400
    L = [
        f"{GL_SEC}Running with gitlab-runner 16.11.0 (91a27b2a)\x1b[0;m",
        f"{GL_SEC}  on gpu-runner-03 t3_xZ9q2, system ID: s_8a7c1d0e4f21\x1b[0;m",
        gl_section("start", "prepare_executor", ts, 'Preparing the "shell" executor'),
        f"{GL_SEC}Using Shell (bash) executor...\x1b[0;m",
        gl_section("end", "prepare_executor", ts) + gl_section("start", "prepare_script", ts, "Preparing environment"),
        "Running on gpu-runner-03...",
        gl_section("end", "prepare_script", ts + 1) + gl_section("start", "get_sources", ts + 1,
                                                                "Getting source from Git repository"),
        "\x1b[32;1mFetching changes with git depth set to 20...\x1b[0;m",
        "Reinitialized existing Git repository in /home/gitlab-runner/builds/t3_xZ9q2/0/ml/llm-finetune/.git/",
        "\x1b[32;1mChecking out 4c1e9b2d as detached HEAD (ref is main)...\x1b[0;m",
        "Removing outputs/",
        "",
        "\x1b[32;1mSkipping Git submodules setup\x1b[0;m",
        gl_section("end", "get_sources", ts + 3) + gl_section("start", "step_script", ts + 3,
                                                             'Executing "step_script" stage of the job script'),
        "\x1b[32;1m$ docker pull registry.example.com/ml/trainer:2025.12\x1b[0;m",
        "2025.12: Pulling from ml/trainer",
        "Digest: sha256:5d0b9f3e1a2c4b6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d",
        "Status: Image is up to date for registry.example.com/ml/trainer:2025.12",
        "registry.example.com/ml/trainer:2025.12",
        "\x1b[32;1m$ nvidia-smi -L\x1b[0;m",
        "GPU 0: NVIDIA L40S (UUID: GPU-2f1c3b5e-7a9d-4c1e-8b3f-5d7e9a1c3b5e)",
        "\x1b[32;1m$ docker run --rm --gpus all --shm-size 16g -v $PWD:/workspace registry.example.com/ml/trainer:2025.12 "
        "python -m sft.train --config configs/ci_smoke.yaml\x1b[0;m",
        "docker: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].",
        gl_section("end", "step_script", ts + 9) + gl_section("start", "cleanup_file_variables", ts + 9,
                                                             "Cleaning up project directory and file based variables"),
        gl_section("end", "cleanup_file_variables", ts + 9) + "\x1b[31;1mERROR: Job failed: exit status 125",
        "\x1b[0;m",
    ]
    return "\n".join(L) + "\n"


@log("nvidia_container_cli.log",
     about="Host checks after an unattended kernel upgrade (nvidia-smi cannot talk to the driver), then "
           "`docker compose up`: OCI runtime create failed ... the message continues on a second line with "
           "'nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown'",
     category="container", exception_type=None, msg=None,
     final=("nvidia-container-cli: initialization error", -1), frames=0, chain=0, phase="initialization",
     covers="OCI runtime / prestart hook error split over two lines, docker compose output with unicode ticks")
def _nvidia_cli():
    L = [
        "$ uname -r",
        "6.8.0-51-generic",
        "$ nvidia-smi",
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA "
        "driver is installed and running.",
        "",
        "$ dpkg -l | grep -E 'nvidia-(driver|dkms)'",
        "ii  nvidia-dkms-550            550.127.05-0ubuntu1  amd64  NVIDIA DKMS package",
        "ii  nvidia-driver-550          550.127.05-0ubuntu1  amd64  NVIDIA driver metapackage",
        "$ lsmod | grep -c nvidia",
        "0",
        "$ grep -i upgrade /var/log/apt/history.log | tail -1",
        "Upgrade: linux-image-generic:amd64 (6.8.0-49.49, 6.8.0-51.52), linux-headers-generic:amd64 (6.8.0-49.49, 6.8.0-51.52)",
        "$ docker compose -f compose.gpu.yml up trainer",
        "[+] Running 3/3",
        " ✔ Network llm_default      Created                                                                       0.1s",
        " ✔ Volume \"llm_hf-cache\"    Created                                                                       0.0s",
        " ✔ Container llm-trainer-1  Created                                                                       0.2s",
        "Attaching to trainer-1",
        "Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime "
        "create failed: runc create failed: unable to start container process: error during container init: error "
        "running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'",
        "nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown",
    ]
    return "\n".join(L) + "\n"


@log("k8s_cuda_requirement.log",
     about="`kubectl describe pod` of a PyTorchJob worker: the NGC 24.10 image needs cuda>=12.6 but the node "
           "driver is older; Last State StartError with Exit Code 128 and the nvidia-container-cli requirement error "
           "in the container state and again in the Events table",
     category="container", exception_type=None, msg=None,
     final=("nvidia-container-cli: requirement error", -1), frames=0, chain=0, exit_code=128,
     phase="initialization",
     repeated=[("unsatisfied condition: cuda>=12.6", 2)],
     covers="kubectl describe output (key/value blocks, Events table), a container error split over two lines, "
            "Exit Code 128 that carries no signal")
def _k8s():
    msg1 = ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
            "failed: unable to start container process: error during container init: error running prestart hook "
            "#0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'")
    msg2 = ("nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.6, please update your driver to "
            "a newer version, or use an earlier cuda container: unknown")
    L = [
        "$ kubectl -n ml describe pod sft-llama3-0-worker-0",
        "Name:             sft-llama3-0-worker-0",
        "Namespace:        ml",
        "Priority:         0",
        "Service Account:  default",
        "Node:             gpu-node-12/10.0.3.12",
        "Start Time:       Wed, 10 Dec 2025 09:12:03 +0000",
        "Labels:           training.kubeflow.org/job-name=sft-llama3-0",
        "                  training.kubeflow.org/replica-index=0",
        "                  training.kubeflow.org/replica-type=worker",
        "Status:           Running",
        "IP:               10.244.7.31",
        "Controlled By:  PyTorchJob/sft-llama3-0",
        "Containers:",
        "  pytorch:",
        "    Container ID:  containerd://6f1e0a9b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f",
        "    Image:         nvcr.io/nvidia/pytorch:24.10-py3",
        "    Image ID:      nvcr.io/nvidia/pytorch@sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
        "    Port:          23456/TCP",
        "    Host Port:     0/TCP",
        "    Command:",
        "      torchrun",
        "      --nproc_per_node=8",
        "      train.py",
        "      --config=configs/sft_llama3.yaml",
        "    State:          Waiting",
        "      Reason:       CrashLoopBackOff",
        "    Last State:     Terminated",
        "      Reason:       StartError",
        f"      Message:      {msg1}",
        msg2,
        "      Exit Code:    128",
        "      Started:      Thu, 01 Jan 1970 00:00:00 +0000",
        "      Finished:     Wed, 10 Dec 2025 09:14:41 +0000",
        "    Ready:          False",
        "    Restart Count:  4",
        "    Limits:",
        "      nvidia.com/gpu:  8",
        "    Requests:",
        "      nvidia.com/gpu:  8",
        "    Environment:",
        "      PYTHONUNBUFFERED:  1",
        "      NCCL_DEBUG:        WARN",
        "    Mounts:",
        "      /dev/shm from dshm (rw)",
        "      /workspace from code (ro)",
        "Conditions:",
        "  Type              Status",
        "  Initialized       True ",
        "  Ready             False ",
        "  ContainersReady   False ",
        "  PodScheduled      True ",
        "Events:",
        "  Type     Reason     Age                  From               Message",
        "  ----     ------     ----                 ----               -------",
        "  Normal   Scheduled  3m2s                 default-scheduler  Successfully assigned ml/sft-llama3-0-worker-0 to gpu-node-12",
        "  Normal   Pulled     82s (x5 over 3m1s)   kubelet            Container image \"nvcr.io/nvidia/pytorch:24.10-py3\" already present on machine",
        "  Normal   Created    82s (x5 over 3m1s)   kubelet            Created container pytorch",
        f"  Warning  Failed     81s (x5 over 3m)     kubelet            Error: {msg1}",
        msg2,
        "  Warning  BackOff    6s (x12 over 2m58s)  kubelet            Back-off restarting failed container pytorch in "
        "pod sft-llama3-0-worker-0_ml(3c1b9e2a-5d7f-4a1c-9e3b-7f5d1a9c3e7b)",
    ]
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------- permission


@log("permission_error_checkpoint.log",
     about="HF Trainer saving checkpoint-5000 to a shared mount whose run directory belongs to another user: "
           "PermissionError [Errno 13] from os.makedirs, reached through a <frozen os> frame without source",
     category="permission", exception_type="PermissionError", msg="[Errno 13] Permission denied: '/mnt/shared/ch",
     final=("PermissionError: [Errno 13]", -1), frames=9, chain=1, phase="training",
     covers="PermissionError traceback during training, `- name - LEVEL -` format, checkpoint save path")
def _perm_ckpt():
    ck = Clock("2025-12-10 19:00:00", seed=27)
    rng = random.Random(2727)
    L = []

    def p(name, level, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 4 if dt else 0)
        L.append(f"{ck.py()} - {name} - {level} - {msg}")

    p("__main__", "INFO", "Output dir /mnt/shared/checkpoints/run-42 (owner: uid 1007), running as uid 1012")
    p("transformers.trainer", "INFO", "***** Running training *****", 3)
    p("transformers.trainer", "INFO", "  Num examples = 640,000")
    p("transformers.trainer", "INFO", "  Total optimization steps = 10,000")
    for step in range(250, 5001, 250):
        p("__main__", "INFO", f"{{'loss': {1.3 - step / 20000 + rng.uniform(-.02, .02):.4f}, 'grad_norm': "
                              f"{rng.uniform(.5, 1.5):.3f}, 'learning_rate': {3e-5 * (1 - step / 10000):.3e}, "
                              f"'epoch': {step / 10000:.3f}}}", 211)
    p("transformers.trainer", "INFO", "Saving model checkpoint to /mnt/shared/checkpoints/run-42/checkpoint-5000", 2)
    TR = f"{SP}/transformers/trainer.py"
    L += TB([
        F("/workspace/sft/run_sft.py", 233, "<module>", "main()"),
        F("/workspace/sft/run_sft.py", 221, "main", "train_result = trainer.train(resume_from_checkpoint=checkpoint)",
          "trainer.train(resume_from_checkpoint=checkpoint)"),
        F(TR, 2123, "train", "return inner_training_loop(", "inner_training_loop("),
        F(TR, 2548, "_inner_training_loop",
          "self._maybe_log_save_evaluate(tr_loss, grad_norm, model, trial, epoch, ignore_keys_for_eval)"),
        F(TR, 3007, "_maybe_log_save_evaluate", "self._save_checkpoint(model, trial, metrics=metrics)"),
        F(TR, 3097, "_save_checkpoint", "self.save_model(output_dir, _internal_call=True)"),
        F(TR, 3719, "save_model", "self._save(output_dir)"),
        F(TR, 3810, "_save", "os.makedirs(output_dir, exist_ok=True)"),
        [f'  File "<frozen os>", line 225, in makedirs'],
    ], "PermissionError: [Errno 13] Permission denied: '/mnt/shared/checkpoints/run-42/checkpoint-5000'")
    return "\n".join(L) + "\n"


@log("permission_126.log",
     about="Nightly cron wrapper (`set -x`) calls a launch script that lost its executable bit in a checkout: "
           "'./scripts/launch_train.sh: Permission denied', status 126",
     category="permission", exception_type=None, msg=None,
     final=("exited with status 126", -1), frames=0, chain=0, exit_code=126, phase="initialization",
     covers="shell 'Permission denied' for a script without +x, exit status 126")
def _perm_126():
    L = [
        "==> nightly-sft 2025-12-10T02:00:01+00:00 on gpu-b03 (cron) <==",
        "+ cd /opt/jobs/nightly-sft",
        "+ git fetch --quiet origin",
        "+ git checkout --quiet --force origin/main",
        "+ git log -1 --format=%h %s",
        "9e31c0a scripts: move launchers under scripts/",
        "+ ls -l scripts/launch_train.sh",
        "-rw-r--r-- 1 ci ci 2113 Dec 10 01:58 scripts/launch_train.sh",
        "+ export CUDA_VISIBLE_DEVICES=0,1,2,3",
        "+ CUDA_VISIBLE_DEVICES=0,1,2,3",
        "+ export RUN_NAME=nightly-2025-12-10",
        "+ RUN_NAME=nightly-2025-12-10",
        "+ mkdir -p /runs/nightly-2025-12-10",
        "+ df -h /runs",
        "Filesystem      Size  Used Avail Use% Mounted on",
        "/dev/nvme1n1    7.0T  4.1T  2.9T  59% /runs",
        "+ ./scripts/launch_train.sh --config configs/nightly.yaml --out /runs/nightly-2025-12-10",
        "/opt/jobs/nightly-sft/run_nightly.sh: line 31: ./scripts/launch_train.sh: Permission denied",
        "+ status=126",
        "+ curl -s -X POST -d 'nightly-sft failed (126)' https://alerts.internal.example.com/hook",
        "ok",
        "==> nightly-sft exited with status 126 <==",
    ]
    return "\n".join(L) + "\n"


@log("permission_hf_cache.log",
     about="Container running as uid 1001 shares a root-owned Hugging Face cache: the hub's file lock cannot be "
           "created, PermissionError [Errno 13] from filelock deep under SentenceTransformer()",
     category="permission", exception_type="PermissionError",
     msg="[Errno 13] Permission denied: '/home/shared/.c",
     final=("PermissionError: [Errno 13]", -1), frames=12, chain=1, phase="initialization",
     covers="PermissionError at start-up through contextlib/filelock frames, cache lock path")
def _perm_cache():
    H = f"{SP}/huggingface_hub"
    ST = f"{SP}/sentence_transformers"
    L = [
        "entrypoint: uid=1001(app) gid=1001(app) groups=1001(app)",
        "entrypoint: HF_HOME=/home/shared/.cache/huggingface (owner root:root, mode 0755)",
        "2025-12-10 20:10:00,001 INFO build_index: model=BAAI/bge-large-en-v1.5 corpus=/data/kb/articles.parquet "
        "(412,118 passages)",
        "2025-12-10 20:10:00,002 INFO build_index: index=/data/kb/index-ivf4096 (faiss, IVF4096,PQ64)",
        "2025-12-10 20:10:00,377 INFO sentence_transformers.SentenceTransformer: Load pretrained SentenceTransformer: "
        "BAAI/bge-large-en-v1.5",
    ]
    L += TB([
        F("/app/embed/build_index.py", 143, "<module>", "main()"),
        F("/app/embed/build_index.py", 119, "main", "model = SentenceTransformer(args.model, device=\"cuda\")",
          "SentenceTransformer(args.model, device=\"cuda\")"),
        F(f"{ST}/SentenceTransformer.py", 306, "__init__", "modules, self.module_kwargs = self._load_sbert_model(",
          "self._load_sbert_model("),
        F(f"{ST}/SentenceTransformer.py", 1688, "_load_sbert_model",
          "config_sentence_transformers_json_path = load_file_path(", "load_file_path("),
        F(f"{ST}/util.py", 1091, "load_file_path", "return hf_hub_download(", "hf_hub_download("),
        F(f"{H}/utils/_validators.py", 114, "_inner_fn", "return fn(*args, **kwargs)", "fn(*args, **kwargs)"),
        F(f"{H}/file_download.py", 862, "hf_hub_download", "return _hf_hub_download_to_cache_dir(",
          "_hf_hub_download_to_cache_dir("),
        F(f"{H}/file_download.py", 1009, "_hf_hub_download_to_cache_dir", "with WeakFileLock(lock_path):"),
        F(f"{PYLIB}/contextlib.py", 137, "__enter__", "return next(self.gen)", "next(self.gen)"),
        F(f"{H}/utils/_fixes.py", 98, "WeakFileLock", "lock.acquire()"),
        F(f"{SP}/filelock/_api.py", 332, "acquire", "self._acquire()"),
        F(f"{SP}/filelock/_unix.py", 42, "_acquire", "fd = os.open(self.lock_file, open_flags, self._context.mode)",
          "os.open(self.lock_file, open_flags, self._context.mode)"),
    ], "PermissionError: [Errno 13] Permission denied: '/home/shared/.cache/huggingface/hub/.locks/"
       "models--BAAI--bge-large-en-v1.5/5f0b02c75b57c5855da9ae460ce51323ea669d8a.lock'")
    return "\n".join(L) + "\n"


@log("truncated_mid_line.log",
     about="Seed-001 format: writing the tokenized cache to a root-owned directory raises PermissionError; the "
           "copy of the log stops in the middle of the echo line that follows (no final newline), so the last "
           "line is incomplete and only repeats the error",
     category="permission", exception_type="PermissionError", msg="[Errno 13] Permission denied: '/data/cache/tok",
     final=("PermissionError: [Errno 13]", -1), frames=8, chain=1, phase="initialization",
     covers="log cut mid-line without a final newline after a complete traceback")
def _trunc_line():
    ck = Clock("2025-12-10 21:30:00", seed=28)
    L = []

    def s(level, phase, msg, dt=0.0):
        ck.tick(dt, jitter=dt / 3 if dt else 0)
        ph = f" [{phase}]" if phase else ""
        L.append(f"{ck.seed()} [__main__] [{level}]{ph} {msg}")

    s("INFO", "Main", "Starting job 77aa01 (standalone_trainer v0.9.4)")
    s("INFO", "PreTokenize", "Tokenizing 1,950,000 documents into /data/cache/tokenized (16 shards)", 1)
    L.append(tqdm(1950000, [0, 250000, 500000, 750000, 1000000, 1250000, 1500000, 1750000, 1950000],
                  desc="Tokenizing", rate=48200.0, unit="doc"))
    s("INFO", "PreTokenize", "Saving 16 shards to /data/cache/tokenized", 41)
    L.append(tqdm(16, [0], desc="Saving the dataset (0/16 shards)", unit=" examples"))
    DS = f"{SP}/datasets"
    L += TB([
        F("/home/mlops/trainer/standalone_trainer.py", 3455, "<module>", "sys.exit(main())", "main()"),
        F("/home/mlops/trainer/standalone_trainer.py", 3391, "main", "cache_tokenized(ds, cfg.cache_dir)"),
        F("/home/mlops/trainer/pretokenize.py", 131, "cache_tokenized", "ds.save_to_disk(path, num_shards=16)"),
        F(f"{DS}/arrow_dataset.py", 1503, "save_to_disk", "for job_id, done, content in Dataset._save_to_disk_single("),
        F(f"{DS}/arrow_dataset.py", 1535, "_save_to_disk_single", "writer = ArrowWriter(path=shard_path, fs=fs)",
          "ArrowWriter(path=shard_path, fs=fs)"),
        F(f"{DS}/arrow_writer.py", 363, "__init__", "self.stream = self._fs.open(path, \"wb\")",
          "self._fs.open(path, \"wb\")"),
        F(f"{SP}/fsspec/spec.py", 1303, "open", "f = self._open(", "self._open("),
        F(f"{SP}/fsspec/implementations/local.py", 191, "_open", "return LocalFileOpener(path, mode, fs=self, **kwargs)",
          "LocalFileOpener(path, mode, fs=self, **kwargs)"),
    ], "PermissionError: [Errno 13] Permission denied: '/data/cache/tokenized/data-00000-of-00016.arrow'")
    ck.tick(0.1)
    L.append(f"{ck.seed()} [__main__] [ERROR] [Main] Training failed with error: [Errno 13] Permission denied: "
             "'/data/cache/tokeni")
    return "\n".join(L)


# --------------------------------------------------------- command_not_found


@log("torchrunx_not_found.log",
     about="`make train` checks the environment, then starts the second node over ssh with a mistyped launcher: "
           "'bash: line 1: torchrunx: command not found', make reports Error 127",
     category="command_not_found", exception_type=None, msg=None,
     final=("Error 127", -1), frames=0, chain=0, exit_code=127, phase="initialization",
     covers="bash 'command not found' from `bash -c` over ssh, make's `*** [Makefile:N: target] Error 127`")
def _torchrunx():
    L = [
        "$ make train NODES=2",
        "python tools/check_env.py",
        "[check_env] python 3.11.10 (/workspace/llm/.venv/bin/python)",
        "[check_env] torch 2.5.1+cu124, cuda 12.4, cudnn 90100, 8 GPUs visible",
        "[check_env] NCCL 2.21.5, IB devices: mlx5_0 mlx5_1 mlx5_2 mlx5_3",
        "[check_env] GPU 0: NVIDIA H100 80GB HBM3 (81559 MiB), driver 550.127.05",
        "[check_env] GPU 7: NVIDIA H100 80GB HBM3 (81559 MiB), driver 550.127.05",
        "[check_env] /dev/shm: 1.0T free",
        "[check_env] ok",
        "git -C /workspace/llm rev-parse --short HEAD",
        "7d0c2a1",
        "rsync -a --delete /workspace/llm/ gpu-node05:/workspace/llm/",
        "ssh gpu-node04 \"cd /workspace/llm && source .venv/bin/activate && torchrun --nnodes 2 --node_rank 0 "
        "--nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint gpu-node04:29400 train.py --config "
        "configs/pretrain_1b.yaml\" &",
        "ssh gpu-node05 \"cd /workspace/llm && source .venv/bin/activate && torchrunx --nnodes 2 --node_rank 1 "
        "--nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint gpu-node04:29400 train.py --config "
        "configs/pretrain_1b.yaml\"",
        "W1210 23:10:04.208000 91877 torch/distributed/run.py:793] ",
        "W1210 23:10:04.208000 91877 torch/distributed/run.py:793] *****************************************",
        "W1210 23:10:04.208000 91877 torch/distributed/run.py:793] Setting OMP_NUM_THREADS environment variable for "
        "each process to be 1 in default, to avoid your system being overloaded, please further tune the variable "
        "for optimal performance in your application as needed. ",
        "W1210 23:10:04.208000 91877 torch/distributed/run.py:793] *****************************************",
        "bash: line 1: torchrunx: command not found",
        "make: *** [Makefile:23: train] Error 127",
    ]
    return "\n".join(L) + "\n"


@log("slurm_deepspeed_not_found.log",
     about="sbatch script: `conda activate` fails (conda's own CommandNotFoundError text, which the job survives), "
           "so `deepspeed` is not on PATH: 'slurm_script: line 31: deepspeed: command not found', the script reports "
           "exit code 127",
     category="command_not_found", exception_type=None, msg=None,
     final=("exited with code 127", -1), frames=0, chain=0, exit_code=127, phase="initialization",
     covers="module-load noise, a misleading CommandNotFoundError message from conda, SLURM batch-script "
            "'command not found'")
def _slurm_ds():
    L = [
        "SLURM_JOB_ID=4471188 SLURM_JOB_NODELIST=gpu-node07 SLURM_NTASKS=1 SLURM_GPUS_ON_NODE=8",
        "Loading cuda/12.4.1",
        "  Loading requirement: gcc/12.3.0",
        "Loading nccl/2.21.5-cuda12.4",
        "Currently Loaded Modulefiles:",
        " 1) gcc/12.3.0   2) cuda/12.4.1   3) nccl/2.21.5-cuda12.4   4) anaconda3/2024.06",
        "",
        "CommandNotFoundError: Your shell has not been properly configured to use 'conda activate'.",
        "To initialize your shell, run",
        "",
        "    $ conda init <SHELL_NAME>",
        "",
        "Currently supported shells are:",
        "  - bash",
        "  - fish",
        "  - tcsh",
        "  - xonsh",
        "  - zsh",
        "  - powershell",
        "",
        "See 'conda init --help' for more information and options.",
        "",
        "IMPORTANT: You may need to close and restart your shell after running 'conda init'.",
        "",
        "",
        "which python: /usr/bin/python3",
        "[job 4471188] launching: deepspeed --num_gpus 8 train.py --deepspeed configs/ds_z3.json",
        "/var/spool/slurmd/job4471188/slurm_script: line 31: deepspeed: command not found",
        "[job 4471188] training step exited with code 127",
    ]
    return "\n".join(L) + "\n"


@log("sh_accelerate_not_found.log",
     about="`docker compose up` output with the `trainer-1  | ` prefix: pip's resolver ERROR line (survived), "
           "then dash's '/entrypoint.sh: 14: accelerate: not found' and 'trainer-1 exited with code 127'",
     category="command_not_found", exception_type=None, msg=None,
     final=("exited with code 127", -1), frames=0, chain=0, exit_code=127, phase="initialization",
     covers="docker compose service prefixes, dash's `script: N: cmd: not found` wording, a pip ERROR line that "
            "does not decide")
def _sh_accel():
    P = "trainer-1  | "
    body = [
        "+ set -e",
        "+ echo 'entrypoint: installing requirements'",
        "entrypoint: installing requirements",
        "+ pip install --no-cache-dir --user -r /workspace/requirements.txt",
        "Collecting transformers==4.46.3 (from -r /workspace/requirements.txt (line 1))",
        "  Downloading transformers-4.46.3-py3-none-any.whl.metadata (44 kB)",
        "Collecting peft==0.13.2 (from -r /workspace/requirements.txt (line 2))",
        "  Downloading peft-0.13.2-py3-none-any.whl.metadata (13 kB)",
        "Collecting accelerate>=0.34 (from -r /workspace/requirements.txt (line 3))",
        "  Downloading accelerate-1.1.1-py3-none-any.whl.metadata (19 kB)",
        "Installing collected packages: accelerate, transformers, peft",
        "  WARNING: The scripts accelerate, accelerate-config, accelerate-estimate-memory, accelerate-launch and "
        "accelerate-merge-weights are installed in '/home/app/.local/bin' which is not on PATH.",
        "  Consider adding this directory to PATH or, if you prefer to suppress this warning, use "
        "--no-warn-script-location.",
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
        "This behaviour is the source of the following dependency conflicts.",
        "torchvision 0.20.1 requires torch==2.5.1, but you have torch 2.5.0 which is incompatible.",
        "Successfully installed accelerate-1.1.1 peft-0.13.2 transformers-4.46.3",
        "+ python -c 'import torch; print(torch.__version__, torch.cuda.is_available())'",
        "2.5.0+cu124 True",
        "+ accelerate launch --config_file /cfg/accelerate.yaml train.py --config /cfg/sft.yaml",
        "/entrypoint.sh: 14: accelerate: not found",
    ]
    L = ["$ docker compose up trainer", "[+] Running 1/1", " ✔ Container llm-trainer-1  Recreated     0.3s",
         "Attaching to trainer-1"]
    L += [P + b for b in body]
    L.append("trainer-1 exited with code 127")
    return "\n".join(L) + "\n"


# -------------------------------------------------------------------- signal


@log("torchrun_sigkill.log",
     about="Host RAM climbs with 16 dataloader workers per rank until the kernel OOM killer takes rank 0: "
           "torchrun's ChildFailedError with exitcode -9 and 'Signal 9 (SIGKILL) received by PID', no child "
           "traceback",
     category="signal", exception_type="torch.distributed.elastic.multiprocessing.errors.ChildFailedError",
     msg="", final=("errors.ChildFailedError:", -1), frames=6, chain=1, exit_code=-9, signal="SIGKILL",
     phase="training",
     repeated=[("host memory", 6)],
     covers="ChildFailedError box with exitcode -9 and no child traceback, `<NO_OTHER_FAILURES>`, glog "
            "SIGTERM lines")
def _torchrun_kill():
    ck = Clock("2025-12-10 20:00:00", seed=31)
    rng = random.Random(3131)
    L = []
    rss = 118.0
    for step in range(200, 3001, 200):
        ck.tick(240, 5)
        rss += rng.uniform(6, 11)
        L.append(f"[rank0]: {ck.py()} INFO vit: step {step} loss {2.9 - step / 2000:.4f} img/s {rng.uniform(2900, 3100):.0f}")
        if step >= 1900:
            L.append(f"[rank0]: {ck.py()} WARNING vit: host memory {rss:.1f} GiB of 251.5 GiB in use "
                     f"(16 workers x 4 ranks, prefetch_factor=8)")
    ck.tick(50)
    for pid in (2631, 2632, 2633):
        L.append(f"{ck.glog('W')} 2601 torch/distributed/elastic/multiprocessing/api.py:897] Sending process {pid} "
                 "closing signal SIGTERM")
    ck.tick(1.2)
    L.append(f"{ck.glog('E')} 2601 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -9) "
             "local_rank: 0 (pid: 2630) of binary: /opt/conda/bin/python3.11")
    L += TB(torchrun_frames(), "\n".join(child_failed_box(
        "train_vit.py", [], dict(time="2025-12-10_21:01:11", host="cpu-heavy-02", rank=0, local_rank=0, exitcode=-9,
                                 pid=2630, traceback="Signal 9 (SIGKILL) received by PID 2630"))))
    return "\n".join(L) + "\n"


@log("killed_137.log",
     about="Tokenization preprocessing killed by the OOM killer: raw latin-1 bytes (invalid UTF-8) in a sample "
           "preview, a progress bar cut inside a UTF-8 sequence, a run of NUL bytes where the buffer was lost, "
           "then bash's 'Killed' line and 'exit code 137'",
     category="signal", exception_type=None, msg=None,
     final=("exit code 137", -1), frames=0, chain=0, exit_code=137, signal="SIGKILL", phase="initialization",
     covers="NUL bytes, invalid UTF-8 (latin-1 bytes, a truncated multi-byte character), bash `Killed`, exit 137")
def _killed():
    L = [
        b"[preprocess] 2025-12-10 22:00:01 reading /data/raw/crawl-2025-11/*.jsonl.zst (312 files, 1.9 TB)",
        b"[preprocess] workers=64 dedup=minhash(num_perm=128, bands=16) tokenizer=/models/tok-v4",
        b"[preprocess] 2025-12-10 22:00:09 pass 1/2: building minhash index in memory",
    ]
    bar = tqdm(312, list(range(0, 191, 10)), desc="minhash", rate=1 / 41, unit="file")
    L.append(bar.encode("utf-8"))
    L.append(b"[preprocess] 2025-12-10 23:31:44 index size 171.2 GiB, host RSS 233.9 GiB / 251.5 GiB")
    L.append(b"[preprocess] sample 88123 (crawl-2025-11/part-0187.jsonl.zst) text preview: 'Jos\xe9 Mar\xeda "
             b"\xabcaf\xe9 cr\xe8me\xbb \xe0 Lyon'")
    L.append(b"[preprocess] sample 88124 preview: '\xff\xfeW\x00i\x00n\x00' (UTF-16 BOM in a UTF-8 file)")
    L.append(b"[preprocess] WARNING 2 samples had invalid UTF-8 and were decoded with errors='replace'")
    more = tqdm(312, list(range(190, 223, 4)), desc="minhash", rate=1 / 41, unit="file").encode("utf-8")
    cut = more + "\rminhash:  71%|███████".encode("utf-8")[:-1]   # buffer lost inside the last '█'
    for i in range(8):
        L.append(f"[preprocess] 2025-12-10 23:{40 + i:02d}:0{i} shard {191 + i * 4}/312 done, RSS "
                 f"{236.0 + i * 1.6:.1f} GiB".encode())
    L.append(cut)
    L.append(b"\x00" * 3072 + b"/opt/jobs/run_preprocess.sh: line 22: 48213 Killed                  python "
             b"preprocess.py --workers 64 --out /data/tok/crawl-2025-11")
    L.append(b"[run_preprocess.sh] 2025-12-10T23:52:19 preprocess failed with exit code 137 (SIGKILL); see "
             b"`dmesg | grep -i oom`")
    L += [b"[run_preprocess.sh] partial output left in /data/tok/crawl-2025-11/.tmp (0 shards complete)"]
    L[0:0] = [b"==> job preprocess-crawl-2025-11 on cpu-heavy-02 <=="]
    # pad the head with the file list the job prints
    files = [f"  /data/raw/crawl-2025-11/part-{i:04d}.jsonl.zst".encode() for i in range(0, 312, 39)]
    L[2:2] = files
    return b"\n".join(L) + b"\n"


@log("segfault_faulthandler.log",
     about="Point-cloud training with a custom CUDA op: faulthandler dumps 'Fatal Python error: Segmentation "
           "fault' with two worker threads and the current thread (7 frames), the extension-module list, then "
           "bash's 'Segmentation fault (core dumped)' and 'exited with code 139'",
     category="signal", exception_type=None, msg=None,
     final=("exited with code 139", -1), frames=7, chain=1, exit_code=139, signal="SIGSEGV", phase="training",
     check_tb=False,
     covers="faulthandler dump (`Fatal Python error:`, `Thread 0x... (most recent call first):`, `Current thread`, "
            "`File \"...\", line N in f` without a comma), Extension modules line, shell segfault line, exit 139")
def _segfault():
    ck = Clock("2025-12-10 23:40:00", seed=32)
    rng = random.Random(3232)
    L = ["[run.sh] python train.py --config configs/s3dis.yaml (PYTHONFAULTHANDLER=1)"]
    for step in range(50, 1201, 50):
        ck.tick(29, 2)
        L.append(f"[{ck.t:%H:%M:%S}] epoch 3 step {step}/1520 loss {0.61 - step / 9000 + rng.uniform(-.02, .02):.4f} "
                 f"miou {0.52 + step / 20000:.3f}")
    L.append(f"[{ck.t:%H:%M:%S}] epoch 3 step 1212: batch with 1,048,576 points (max_points=1,000,000)")
    T = f"{PYLIB}/threading.py"
    PM = f"{SP}/torch/utils/data/_utils/pin_memory.py"
    L += ["Fatal Python error: Segmentation fault", "",
          "Thread 0x00007f2a3d7fe640 (most recent call first):",
          f'  File "{T}", line 331 in wait',
          f'  File "{PYLIB}/multiprocessing/queues.py", line 231 in _feed',
          f'  File "{T}", line 982 in run',
          f'  File "{T}", line 1045 in _bootstrap_inner',
          f'  File "{T}", line 1002 in _bootstrap', "",
          "Thread 0x00007f2a3e7ff640 (most recent call first):",
          f'  File "{PM}", line 54 in do_one_step',
          f'  File "{PM}", line 68 in _pin_memory_loop',
          f'  File "{T}", line 982 in run',
          f'  File "{T}", line 1045 in _bootstrap_inner',
          f'  File "{T}", line 1002 in _bootstrap', "",
          "Current thread 0x00007f2b9c4a8740 (most recent call first):",
          '  File "/workspace/geo/geo/ops/knn.py", line 41 in knn_query',
          '  File "/workspace/geo/geo/models/pointnet.py", line 118 in forward',
          f'  File "{SP}/torch/nn/modules/module.py", line 1747 in _call_impl',
          f'  File "{SP}/torch/nn/modules/module.py", line 1736 in _wrapped_call_impl',
          '  File "/workspace/geo/train.py", line 77 in train_one_epoch',
          '  File "/workspace/geo/train.py", line 140 in main',
          '  File "/workspace/geo/train.py", line 151 in <module>', "",
          "Extension modules: numpy.core._multiarray_umath, numpy.core._multiarray_tests, numpy.linalg._umath_linalg, "
          "numpy.fft._pocketfft_internal, numpy.random._common, numpy.random.bit_generator, numpy.random._bounded_integers, "
          "numpy.random._mt19937, numpy.random.mtrand, numpy.random._philox, numpy.random._pcg64, numpy.random._sfc64, "
          "numpy.random._generator, torch._C, torch._C._dynamo.autograd_compiler, torch._C._dynamo.eval_frame, "
          "torch._C._dynamo.guards, torch._C._dynamo.utils, torch._C._fft, torch._C._linalg, torch._C._nested, "
          "torch._C._nn, torch._C._sparse, torch._C._special, yaml._yaml, geo_ops_cuda (total: 26)",
          "/workspace/geo/run.sh: line 9: 77120 Segmentation fault      (core dumped) python train.py --config "
          "configs/s3dis.yaml",
          "[run.sh] train.py exited with code 139"]
    return "\n".join(L) + "\n"


@log("abort_134.log",
     about="Inference server with a custom RoPE extension: a c10::Error thrown on a worker thread ends in "
           "`terminate called after throwing an instance of 'c10::Error'` with a C++ frame block, 'Aborted (core "
           "dumped)' and the supervisor's 'exited with code 134'; no Python traceback, the phase is unknown",
     category="signal", exception_type=None, msg=None,
     final=("exited with code 134", -1), frames=0, chain=0, exit_code=134, signal="SIGABRT", phase="unknown",
     covers="`terminate called after throwing an instance of 'c10::Error'`, `what():`, `Exception raised from ... "
            "at ...` with frame lines, SIGABRT/134 without any Python frames")
def _abort():
    L = [
        "[supervisor] 2025-12-10T12:00:00Z starting serve (attempt 1/5)",
        "[serve] 12:00:01 loading /models/chat-13b-v5 (bf16) with rope_ext 0.3.1 (custom kernels)",
        "[serve] 12:00:19 model ready, 40 layers, max_batch_tokens=32768",
        "[serve] 12:00:19 listening on 0.0.0.0:8080",
        "[serve] 12:00:20 warmup request 1/3 ok (412 ms)",
        "[serve] 12:00:21 warmup request 2/3 ok (398 ms)",
        "[serve] 12:00:21 warmup request 3/3 ok (401 ms)",
        "[serve] 12:03:47 POST /v1/chat/completions 200 (1.92 s, 311 tokens)",
        "[serve] 12:03:52 POST /v1/chat/completions 200 (2.40 s, 402 tokens)",
        "[serve] 12:04:10 enabling fp32 rope cache for long-context request (28,411 tokens)",
        "terminate called after throwing an instance of 'c10::Error'",
        "  what():  expected scalar type BFloat16 but found Float",
        "Exception raised from rope_forward_cuda at /workspace/rope_ext/csrc/rope.cu:87 (most recent call first):",
    ]
    L += c10_frames([
        f"c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f61d2b6c1b6 in {TORCH_LIB}/libc10.so)",
        "c10::detail::torchCheckFail(char const*, char const*, unsigned int, char const*) + 0x68 "
        f"(0x7f61d2b15c09 in {TORCH_LIB}/libc10.so)",
        "rope_forward_cuda(at::Tensor&, at::Tensor const&, at::Tensor const&, long) + 0x3a1 (0x7f6170c2e3b1 in "
        "/workspace/rope_ext/build/rope_ext.so)",
        "<unknown function> + 0x1c2e5 (0x7f6170c3c2e5 in /workspace/rope_ext/build/rope_ext.so)",
        "std::thread::_State_impl<std::thread::_Invoker<std::tuple<serve::Worker::run()::{lambda()#1}> > >::_M_run() "
        "+ 0x1f (0x7f6170c3d00f in /workspace/rope_ext/build/rope_ext.so)",
        "<unknown function> + 0xdc253 (0x7f61fb2dc253 in /lib/x86_64-linux-gnu/libstdc++.so.6)",
        "<unknown function> + 0x94ac3 (0x7f61fb094ac3 in /lib/x86_64-linux-gnu/libc.so.6)",
        "clone + 0x44 (0x7f61fb125a04 in /lib/x86_64-linux-gnu/libc.so.6)",
    ])
    L += ["", "Aborted (core dumped)",
          "[supervisor] 2025-12-10T12:04:11Z serve exited with code 134, restarting in 10 s (attempt 2/5)"]
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------- unknown


@log("value_error_notes.log",
     about="logging default format with `ERROR:root:`; a corrupt sample in a WebDataset shard raises ValueError in "
           "the user's decoder, and the dataset adds two notes (add_note) that print after the message",
     category="unknown", exception_type="ValueError", msg="cannot reshape array of size 3071 into shape (3",
     final=("ValueError: cannot reshape", -1), frames=10, chain=1, phase="training",
     covers="exception notes after the message line, `ERROR:root:` line before the traceback, a plain ValueError "
            "in user code")
def _value_notes():
    L = ["INFO:root:dataset: 24 shards under /data/cifar-x/train (num_workers=0 for debugging)",
         "INFO:root:model: wide_resnet28_10 (36.5M params)"]
    for ep in range(2):
        for it in range(100, 391, 100):
            L.append(f"INFO:root:epoch {ep} iter {it}/390 loss {2.2 - ep * 0.6 - it / 1500:.4f} acc {0.3 + ep * 0.25 + it / 4000:.3f}")
    L.append("WARNING:root:shard train-0003.tar: 1 member shorter than expected (3071 bytes)")
    L.append("ERROR:root:unrecoverable sample, aborting epoch 2")
    DL = f"{SP}/torch/utils/data"
    L += TB([
        F("/srv/cls/train.py", 121, "<module>", "main()"),
        F("/srv/cls/train.py", 104, "main", "train_epoch(model, loader, opt, epoch)"),
        F("/srv/cls/train.py", 63, "train_epoch", "for images, labels in loader:"),
        F(f"{DL}/dataloader.py", 701, "__next__", "data = self._next_data()", "self._next_data()"),
        F(f"{DL}/dataloader.py", 757, "_next_data",
          "data = self._dataset_fetcher.fetch(index)  # may raise StopIteration",
          "self._dataset_fetcher.fetch(index)"),
        F(f"{DL}/_utils/fetch.py", 52, "fetch", "data = [self.dataset[idx] for idx in possibly_batched_index]"),
        F(f"{DL}/_utils/fetch.py", 52, "<listcomp>", "data = [self.dataset[idx] for idx in possibly_batched_index]",
          "self.dataset[idx]"),
        F("/srv/cls/cls/data.py", 88, "__getitem__", "raise"),
        F("/srv/cls/cls/data.py", 81, "__getitem__", "img = decode(raw)", "decode(raw)"),
        F("/srv/cls/cls/data.py", 37, "decode", "return np.frombuffer(raw, np.uint8).reshape(3, 32, 32)",
          "np.frombuffer(raw, np.uint8).reshape(3, 32, 32)"),
    ], "ValueError: cannot reshape array of size 3071 into shape (3,32,32)\n"
       "while decoding sample 48812 of shard /data/cifar-x/train/train-0003.tar\n"
       "hint: the shard may be truncated; run tools/verify_shards.py")
    return "\n".join(L) + "\n"


@log("assertion_error.log",
     about="loguru-format log; `python -m` run (two <frozen runpy> frames without source) dies on an "
           "AssertionError in the user's loss (off-by-one label shift)",
     category="unknown", exception_type="AssertionError", msg="logits (8, 511, 32000) vs labels (8, 512)",
     final=("AssertionError:", -1), frames=6, chain=1, phase="training",
     covers="loguru `ts | LEVEL    | module:func:line - msg` lines, AssertionError with message, frozen frames")
def _assert():
    rng = random.Random(3535)
    L = []
    t = _dt.datetime(2025, 12, 10, 9, 0, 0)
    for i, (lvl, where, msg) in enumerate([
        ("INFO", "__main__:main:41", "run lm-shift-fix: TinyLlama-1.1B, seq 512, batch 8"),
        ("INFO", "lmtrain.data:build:22", "train tokens: 2,147,483,648 (4,194,304 sequences)"),
        ("WARNING", "lmtrain.data:build:30", "label shift is done in the collator (shift_labels=True)"),
        ("INFO", "lmtrain.train:train:55", "step 0 starting"),
    ]):
        t += _dt.timedelta(seconds=1.37 * i)
        L.append(f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} | {lvl:<8} | {where} - {msg}")
    for step in range(1, 16):
        t += _dt.timedelta(seconds=0.8 + rng.random() * 0.1)
        L.append(f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} | DEBUG    | lmtrain.train:train:71 - "
                 f"micro-batch {step} shapes input_ids=(8, 512) labels=(8, 512)")
    L += TB([
        [f'  File "<frozen runpy>", line 198, in _run_module_as_main'],
        [f'  File "<frozen runpy>", line 88, in _run_code'],
        F("/srv/lm/lmtrain/train.py", 140, "<module>", "main()"),
        F("/srv/lm/lmtrain/train.py", 118, "main", "train(cfg)"),
        F("/srv/lm/lmtrain/train.py", 77, "train", "loss = causal_lm_loss(logits[:, :-1], batch[\"labels\"])",
          "causal_lm_loss(logits[:, :-1], batch[\"labels\"])"),
        F("/srv/lm/lmtrain/loss.py", 14, "causal_lm_loss",
          "assert logits.shape[:-1] == labels.shape, f\"logits {tuple(logits.shape)} vs labels {tuple(labels.shape)}\""),
    ], "AssertionError: logits (8, 511, 32000) vs labels (8, 512)")
    return "\n".join(L) + "\n"


@log("recursion_error.log",
     about="A YAML anchor that includes itself makes the config merge recurse: RecursionError with three printed "
           "deep_merge frames, '[Previous line repeated 996 more times]', and two inner frames (one from "
           "<frozen abc>, no source)",
     category="unknown", exception_type="RecursionError", msg="maximum recursion depth exceeded in compar",
     final=("RecursionError:", -1), frames=7, chain=1, phase="initialization",
     covers="`[Previous line repeated 996 more times]`, repeated frames, a frozen frame")
def _recursion():
    C = "/srv/cfg/cfgtools.py"
    L = [
        "2025-12-10 06:30:00 cfg INFO reading configs/exp/ablation_07.yaml",
        "2025-12-10 06:30:00 cfg INFO   includes: configs/base.yaml, configs/model/llama_1b.yaml, "
        "configs/data/mix_v7.yaml",
        "2025-12-10 06:30:00 cfg DEBUG  anchors: &defaults (base.yaml:3), &opt (base.yaml:40), &opt (ablation_07.yaml:12)",
        "2025-12-10 06:30:00 cfg WARNING anchor &opt redefined in ablation_07.yaml:12; the later one wins",
        "2025-12-10 06:30:00 cfg DEBUG  merge order: base -> model -> data -> exp",
    ]
    rec = F(C, 18, "deep_merge", "out[k] = deep_merge(out[k], v)", "deep_merge(out[k], v)")
    L += TB([
        F("/srv/cfg/train.py", 30, "<module>", "cfg = load_config(sys.argv[1])", "load_config(sys.argv[1])"),
        F(C, 52, "load_config", "return deep_merge(base, override)", "deep_merge(base, override)"),
        rec, rec, rec,
        ["  [Previous line repeated 996 more times]"],
        F(C, 14, "deep_merge", "if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):",
          "isinstance(v, Mapping)"),
        [f'  File "<frozen abc>", line 119, in __instancecheck__'],
    ], "RecursionError: maximum recursion depth exceeded in comparison")
    L.append("2025-12-10 06:30:02 run ERROR config could not be loaded; nothing was started")
    for i in range(12):
        L.insert(5 + i, f"2025-12-10 06:30:00 cfg DEBUG  key optim.{['lr', 'betas', 'eps', 'weight_decay'][i % 4]} "
                        f"from {['base.yaml', 'ablation_07.yaml', 'base.yaml'][i % 3]}")
    return "\n".join(L) + "\n"


@log("syntax_error.log",
     about="`accelerate launch`: the child's import hits a SyntaxError (location line plus caret line, not a "
           "frame), then accelerate raises subprocess.CalledProcessError (exit status 1), a wrapper that takes the "
           "child's category: a code bug, unknown",
     category="unknown", exception_type="subprocess.CalledProcessError",
     msg="Command '['/opt/conda/bin/python3.11', 'trai",
     final=("subprocess.CalledProcessError:", -1), frames=4, chain=1, exit_code=1, phase="initialization",
     covers="SyntaxError with caret (its `File ..., line N` has no `in f` and is not a frame), "
            "subprocess.CalledProcessError wrapper")
def _syntax():
    L = [
        "The following values were not passed to `accelerate launch` and had defaults used instead:",
        "\t`--num_processes` was set to a value of `1`",
        "\t`--num_machines` was set to a value of `1`",
        "\t`--mixed_precision` was set to a value of `'no'`",
        "\t`--dynamo_backend` was set to a value of `'no'`",
        "To avoid this warning pass in values for each of the problematic parameters or run `accelerate config`.",
    ]
    L += TB([
        F("/workspace/sft/train.py", 14, "<module>", "from sft.collate import pad_collate"),
    ], '  File "/workspace/sft/sft/collate.py", line 41\n'
       "    return {k: torch.stack(v) for k, v in batch.items(}\n"
       "                                                      ^\n"
       "SyntaxError: closing parenthesis '}' does not match opening parenthesis '('")
    AC = f"{SP}/accelerate/commands"
    L += TB([
        F("/opt/conda/bin/accelerate", 8, "<module>", "sys.exit(main())", "main()"),
        F(f"{AC}/accelerate_cli.py", 48, "main", "args.func(args)"),
        F(f"{AC}/launch.py", 1168, "launch_command", "simple_launcher(args)"),
        F(f"{AC}/launch.py", 763, "simple_launcher",
          "raise subprocess.CalledProcessError(returncode=process.returncode, cmd=cmd)"),
    ], "subprocess.CalledProcessError: Command '['/opt/conda/bin/python3.11', 'train.py', '--config', "
       "'configs/sft.yaml']' returned non-zero exit status 1.")
    for m in (["[ci] step 'smoke-train' failed", "[ci] collecting artifacts: none",
                           "[ci] uploading logs to s3://ci-logs/llm/7731/", "[ci] done"]):
        L.append(m)
    L[0:0] = [f"[ci] {m}" for m in ["checkout 1a2b3c4 (pr #7731)", "image registry.example.com/ml/trainer:2025.12",
                                    "runner gpu-runner-05 (1 x L4)", "step 'smoke-train': accelerate launch train.py "
                                    "--config configs/sft.yaml"]]
    return "\n".join(L) + "\n"


@log("error_dense.log",
     about="Error-dense log (the one file over 300 lines): the same PreTokenize ERROR 500 times with different "
           "sample numbers, shard paths, hex offsets and columns (must dedupe to one group), then the loader gives "
           "up with a ValueError",
     category="unknown", exception_type="ValueError", msg="too many undecodable samples in /data/shards",
     final=("ValueError: too many undecodable samples", -1), frames=4, chain=1, exit_code=1,
     phase="initialization",
     repeated=[("Failed to decode sample", 500)], max_lines=600,
     covers="500 near-identical ERROR lines (numbers, paths, addresses vary) that must collapse to one group")
def _error_dense():
    ck = Clock("2025-12-10 04:00:00", seed=36)
    rng = random.Random(3636)
    L = []

    def s(level, phase, msg, dt=0.0, module="dataset"):
        ck.tick(dt, jitter=dt / 2 if dt else 0)
        L.append(f"{ck.seed()} [{module}] [{level}] [{phase}] {msg}")

    s("INFO", "Main", "Job 0d0d5e: pretokenize /data/shards (64 shards, 3.2M samples)", module="__main__")
    s("INFO", "PreTokenize", "max_bad_samples=100 (after that the job stops)")
    sample = 0
    for i in range(500):
        sample += rng.randrange(1, 12)
        shard = 17 + i // 130
        col = rng.randrange(200, 9000)
        s("ERROR", "PreTokenize",
          f"Failed to decode sample {sample} in /data/shards/part-{shard:05d}.jsonl at byte offset "
          f"0x{rng.randrange(0x1000, 0xffffff):08x}: Unterminated string starting at: line 1 column {col} "
          f"(char {col - 1})", 0.02)
    s("WARNING", "PreTokenize", "shards part-00017..part-00020 look truncated (written by an interrupted sync?)", 0.1)
    P = "/home/mlops/trainer/pretokenize.py"
    L += TB([
        F("/home/mlops/trainer/standalone_trainer.py", 3455, "<module>", "sys.exit(main())", "main()"),
        F("/home/mlops/trainer/standalone_trainer.py", 3398, "main", "dataset = pretokenize(raw, tokenizer, cfg)",
          "pretokenize(raw, tokenizer, cfg)"),
        F(P, 101, "pretokenize", "_check_bad(bad, cfg.max_bad_samples, root)"),
        F(P, 66, "_check_bad", "raise ValueError("),
    ], "ValueError: too many undecodable samples in /data/shards: 500 (max_bad_samples=100); first bad shard "
       "part-00017.jsonl")
    s("ERROR", "Main", "Training process exited with code 1", 0.3, module="__main__")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------- clean


@log("clean_run.log",
     about="A complete HF Trainer run with no error: training and evaluation banners, tqdm bars with \\r, loss "
           "and eval dicts, a couple of harmless warnings, train metrics, model saved",
     category=None, exception_type=None, msg=None, final=None, frames=0, chain=0, phase="unknown",
     status="completed",
     covers="the clean case: nothing to ingest, status completed, final_line null")
def _clean():
    ck = Clock("2025-12-10 01:00:00", seed=37)
    rng = random.Random(3737)
    L = ["12/10/2025 01:00:00 - WARNING - __main__ - Process rank: 0, device: cuda:0, n_gpu: 1, distributed "
         "training: False, 16-bits training: True"]
    L.append(hf(ck, "INFO", "configuration_utils.py:677", "loading configuration file /models/deberta-v3-base/config.json"))
    L.append(hf(ck, "INFO", "modeling_utils.py:3934", "loading weights file /models/deberta-v3-base/pytorch_model.bin"))
    L.append(hf(ck, "WARNING", "modeling_utils.py:4800", "Some weights of DebertaV2ForSequenceClassification were not "
                                                        "initialized from the model checkpoint at /models/deberta-v3-base "
                                                        "and are newly initialized: ['classifier.bias', "
                                                        "'classifier.weight', 'pooler.dense.bias', 'pooler.dense.weight']"))
    L.append("You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.")
    L.append(tqdm(25000, [0, 8000, 16000, 25000], desc="Map", rate=9100.0, unit=" examples"))
    for ln, m in [(2243, "***** Running training *****"), (2244, "  Num examples = 25,000"),
                  (2245, "  Num Epochs = 2"), (2246, "  Instantaneous batch size per device = 32"),
                  (2249, "  Total train batch size (w. parallel, distributed & accumulation) = 32"),
                  (2250, "  Gradient Accumulation steps = 1"), (2251, "  Total optimization steps = 1,564"),
                  (2252, "  Number of trainable parameters = 184,423,682")]:
        L.append(hf(ck, "INFO", f"trainer.py:{ln}", m))
    n = 0
    for ep in range(2):
        for chunk in range(3):
            pts = list(range(n, n + 261, 20))
            L.append(tqdm(1564, pts, rate=7.9))
            n = pts[-1]
            L.append(f"{{'loss': {0.62 - (ep * 3 + chunk) * 0.07 + rng.uniform(-.01, .01):.4f}, 'grad_norm': "
                     f"{rng.uniform(2, 9):.4f}, 'learning_rate': {2e-5 * (1 - n / 1564):.3e}, 'epoch': {n / 782:.2f}}}")
        ck.tick(330)
        L.append(hf(ck, "INFO", "trainer.py:4117", ""))
        L.append("***** Running Evaluation *****")
        L.append(hf(ck, "INFO", "trainer.py:4119", "  Num examples = 5,000"))
        L.append(hf(ck, "INFO", "trainer.py:4122", "  Batch size = 64"))
        L.append(tqdm(79, list(range(0, 80, 6)) + [79], rate=21.0))
        L.append(f"{{'eval_loss': {0.31 - ep * 0.04:.4f}, 'eval_accuracy': {0.902 + ep * 0.013:.4f}, "
                 f"'eval_runtime': {3.77 + ep * 0.05:.4f}, 'eval_samples_per_second': {1326.2 - ep * 17:.3f}, "
                 f"'eval_steps_per_second': {20.95 - ep * 0.3:.3f}, 'epoch': {ep + 1:.1f}}}")
        L.append(hf(ck, "INFO", "trainer.py:3801", f"Saving model checkpoint to /runs/imdb-deberta/checkpoint-{782 * (ep + 1)}"))
        n = 782 * (ep + 1)
    L.append(tqdm(1564, [1564], rate=7.9))
    L.append(hf(ck, "INFO", "trainer.py:2532", ""))
    L.append("")
    L.append("Training completed. Do not forget to share your model on huggingface.co/models =)")
    L.append("")
    L.append("")
    L.append("{'train_runtime': 198.0311, 'train_samples_per_second': 252.486, 'train_steps_per_second': 7.898, "
             "'train_loss': 0.3412, 'epoch': 2.0}")
    L.append(hf(ck, "INFO", "trainer.py:3801", "Saving model checkpoint to /runs/imdb-deberta"))
    L += ["***** train metrics *****", "  epoch                    =        2.0", "  total_flos               =  3061588GF",
          "  train_loss               =     0.3412", "  train_runtime            = 0:03:18.03",
          "  train_samples_per_second =    252.486", "  train_steps_per_second   =      7.898"]
    return "\n".join(L) + "\n"


# ==========================================================================
# writing and checking
# ==========================================================================

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RANK_RE = re.compile(r"^\[rank\d+\]: ?")
FRAME_RE = re.compile(r'^\s*File ".*", line \d+, in ')
HEADERS = ("Traceback (most recent call last):", "Exception Group Traceback (most recent call last):")
SEPARATORS = ("The above exception was the direct cause of the following exception:",
              "During handling of the above exception, another exception occurred:")
CATEGORIES = {"oom_training", "oom_eval", "cuda_error", "timeout", "config_error", "model_loading", "network",
              "container", "permission", "command_not_found", "signal", "unknown", None}
PHASES = {"training", "evaluation", "initialization", "monitoring", "unknown"}
SIGNALS = {137: "SIGKILL", -9: "SIGKILL", 139: "SIGSEGV", -11: "SIGSEGV", 134: "SIGABRT", -6: "SIGABRT",
           143: "SIGTERM", -15: "SIGTERM"}


def text_lines(data: bytes) -> list[str]:
    """Lines split on \\n only, decoded leniently, ANSI stripped."""
    raw = data.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    return [ANSI_RE.sub("", r.decode("utf-8", "replace")).rstrip("\r") for r in raw]


def split_prefix(line: str):
    m = RANK_RE.match(line)
    p = m.group(0) if m else ""
    return p, line[len(p):]


def check(spec: dict, data: bytes) -> int:
    name = spec["name"]
    lines = text_lines(data)
    n = len(lines)
    problems = []
    if not spec["min_lines"] <= n <= spec["max_lines"]:
        problems.append(f"{n} lines, outside {spec['min_lines']}..{spec['max_lines']}")
    if spec["final"] is None:  # a clean log: nothing decisive to point at
        if spec["status"] != "completed" or spec["exception_type"] or spec["frames"] or spec["chain"]:
            problems.append("final=None is only for a clean, completed log")
        for l in lines:
            if re.search(r"error|traceback|exception|fatal|killed|failed", l, re.I):
                problems.append(f"the clean log mentions a failure: {l[:80]!r}")
        if problems:
            raise SystemExit(f"{name}:\n  " + "\n  ".join(problems))
        return None
    sub, occ = spec["final"]
    hits = [i for i, l in enumerate(lines) if sub in l]
    if not hits:
        raise SystemExit(f"{name}: final marker {sub!r} not found")
    idx = hits[occ]
    final_line = idx + 1
    et, msg = spec["exception_type"], spec["msg"]
    prefix, body = split_prefix(lines[idx])
    body = re.sub(r"^[ |]*", "", body)
    if et is not None:
        if not body.startswith(et + ":") and body != et:
            problems.append(f"final line does not carry {et}: {body[:80]!r}")
        else:
            rest = body[len(et) + 1:].lstrip(" ") if body.startswith(et + ":") else ""
            if not rest.startswith(msg):
                problems.append(f"message {rest[:60]!r} does not start with {msg!r}")
        if msg and not 20 <= len(msg) <= 80:
            problems.append(f"exception_message_starts should be about 40 chars: {len(msg)}")
    if spec["check_tb"] and et is not None:
        # frames: from the nearest header above with the same rank prefix
        h = idx
        while h >= 0:
            p, b = split_prefix(lines[h])
            if p == prefix and any(x in b for x in HEADERS):
                break
            h -= 1
        if h < 0:
            problems.append("no traceback header above the final line")
        else:
            frames = 0
            for l in lines[h + 1: idx]:
                p, b = split_prefix(l)
                if p == prefix and FRAME_RE.match(re.sub(r"^[ |]*", " ", b)):
                    frames += 1
            if frames != spec["frames"]:
                problems.append(f"frames: counted {frames}, expected.json says {spec['frames']}")
            chain = 1
            while True:
                j = h - 1
                while j >= 0 and split_prefix(lines[j])[1].strip() == "":
                    j -= 1
                if j < 0 or split_prefix(lines[j])[1].strip() not in SEPARATORS:
                    break
                k = j - 1
                while k >= 0 and not any(x in split_prefix(lines[k])[1] for x in HEADERS):
                    k -= 1
                if k < 0:
                    break
                chain += 1
                h = k
            if chain != spec["chain"]:
                problems.append(f"chain: counted {chain}, expected.json says {spec['chain']}")
    for sub_r, count in spec["repeated"]:
        got = sum(1 for l in lines if sub_r in l)
        if got != count:
            problems.append(f"repeated {sub_r!r}: counted {got}, expected.json says {count}")
    if spec["category"] not in CATEGORIES:
        problems.append(f"bad category {spec['category']}")
    if spec["phase"] not in PHASES:
        problems.append(f"bad phase {spec['phase']}")
    if spec["exit_code"] is not None and str(spec["exit_code"]) not in "\n".join(lines):
        problems.append(f"exit code {spec['exit_code']} does not appear in the text")
    if spec["signal"] != SIGNALS.get(spec["exit_code"]) and spec["signal"] is not None:
        problems.append(f"signal {spec['signal']} does not match exit code {spec['exit_code']}")
    if spec["status"] == "completed" and spec["category"] is not None:
        problems.append("a completed log has category null")
    if problems:
        raise SystemExit(f"{name}:\n  " + "\n  ".join(problems))
    return final_line


def expected_entry(spec, final_line):
    return {
        "about": spec["about"],
        "category": spec["category"],
        "exception_type": spec["exception_type"],
        "exception_message_starts": spec["msg"],
        "final_line": final_line,
        "frames": spec["frames"],
        "chain": spec["chain"],
        "group_members": spec["group_members"],
        "exit_code": spec["exit_code"],
        "signal": spec["signal"],
        "phase": spec["phase"],
        "repeated": [{"contains": s, "count": k} for s, k in spec["repeated"]],
        "status": spec["status"],
    }


README_HEAD = """\
# Crash-log corpus for `ledger ingest`

Test data only: real-looking logs of ML training/inference jobs, and what a parser should get out of each one.
Everything here is written by `make_logs.py` (run `python tests/data/logs/make_logs.py`); do not edit the logs or
`expected.json` by hand, change the script and run it again.  The script is deterministic and checks itself
(line counts, `final_line`, the `Type: message` on it, frame and chain counts of the final traceback, repeated
counts) before it writes anything.

## Conventions in `expected.json`

- Lines are counted on `\\n` only; a `\\r` (tqdm redraws, CRLF files) does not end a line.  `final_line` is 1-based.
  For the `.gz` file, lines are those of the decompressed text.
- `category`: the failure that ended the job decides: the last traceback, or a fatal line after it (a SLURM
  cancel, `Killed`, a segfault, an exit status, a NCCL/CUDA abort).  Earlier WARNING/ERROR noise that the job
  survived never decides.  A wrapper that only reports a child's failure (torchrun `ChildFailedError`,
  `subprocess.CalledProcessError`, launcher return codes, "Training failed with error" echoes) takes the category
  of the child's failure printed before it; a `ChildFailedError` with a negative exitcode and no child failure
  printed is `signal`.  When the final exception only wraps a cause, the chain's root decides (`cudnn_chain.log`).
- `exception_type` / `exception_message_starts`: the type (as printed, with its module path) and the start of the
  first message line of the **last Python exception whose `Type: message` line the log prints**, even when a
  later fatal line decides the category (`slurm_time_limit.log`) or when it is a wrapper (`ChildFailedError`,
  whose message's first line is empty, hence `""`).  `null` when the log prints no such line: shell, docker,
  kubelet, C++ `terminate called`, NCCL watchdog and faulthandler endings, and logs cut before the exception
  line was written.  Exceptions quoted inside another exception's message (`RemoteTraceback`) do not count.
- `final_line`: the line carrying that exception's `Type: message`; when there is none, the **last** line that
  states the failure that decides the category (the exit-status line after `Killed` or a segfault, make's
  `Error 127`, the `what():` line of a watchdog's `terminate called`, the second line of a split container
  error).  Echo lines that merely repeat an exception after its traceback, and lines cut short, do not count.
  `null` for the clean log.
- `frames`: `File "...", line N, in f` lines of the final exception's own traceback (not of earlier links, not of a
  traceback quoted inside a message, not of other ranks), as printed: a `[Previous line repeated 996 more times]`
  line adds nothing.  For a faulthandler dump it is the frames of the `Current thread` block.  C++ `frame #N`
  lines are never counted.
- `chain`: tracebacks in the final chain (1 plain, +1 per "direct cause"/"During handling" link); 1 for a
  faulthandler dump, 0 when there is no traceback.
- `group_members`: leaf exceptions of an exception group, nested groups counted by their leaves.
- `exit_code` / `signal`: only when the text states the job's status (`exit code 137` -> 137/SIGKILL,
  `exitcode: -9` -> -9/SIGKILL); 124, 125, 126, 127, 128, 1 and 2 carry no signal.
- `phase`: `training`, `evaluation`, `initialization` (loading, config, preprocessing, before the first step),
  `monitoring` (watchdogs and timeouts; every `timeout` log has it), or `unknown` (a serving process, and the
  clean log where nothing failed).
- `repeated`: a substring of a message that repeats (with different numbers, addresses, paths or quoted values)
  and how many lines contain it; a parser that masks those should make each one a single group with that count.

## Files

| file | category | phase | covers |
| --- | --- | --- | --- |
"""


def main():
    names = set()
    expected = {}
    rows = []
    for spec in LOGS:
        name = spec["name"]
        assert name not in names, name
        names.add(name)
        out = spec["build"]()
        data = out.encode("utf-8") if isinstance(out, str) else out
        final_line = check(spec, data)
        path = HERE / name
        if name.endswith(".gz"):
            path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        else:
            path.write_bytes(data)
        expected[name] = expected_entry(spec, final_line)
        cat = spec["category"] or "(clean)"
        rows.append(f"| `{name}` | {cat} | {spec['phase']} | {spec['covers'] or spec['about']} |")
    (HERE / "expected.json").write_text(json.dumps(dict(sorted(expected.items())), indent=2,
                                                   ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {}
    for spec in LOGS:
        counts.setdefault(spec["category"] or "(clean)", []).append(spec["name"])
    per_cat = "\n".join(f"- **{k}** ({len(v)}): " + ", ".join(f"`{x}`" for x in v)
                        for k, v in sorted(counts.items()))
    (HERE / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n\n## Per category\n\n" + per_cat + "\n",
                                    encoding="utf-8")
    print(f"wrote {len(LOGS)} logs, expected.json and README.md in {HERE}")


if __name__ == "__main__":
    sys.exit(main())
