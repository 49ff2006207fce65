"""What a failure is: the categories of seeds 001 and 002, and the table of rules that names them.

A rule is data: words to look for (case does not matter), and optionally an exception type, a phase
or exit statuses that must also hold; the first rule that matches names the category.  A repository
puts its own rules first with `ingest_rules` in its configuration (see docs/ingest.md), and may
name the area and severity of what they match.

The default severity follows seed 002's split: a failure of the platform under the job
(INFRASTRUCTURE: the GPU or its driver, the network, the container runtime) is P0, since every job
that lands there fails the same way; a failure of the job's own code, data or configuration (USER) is
P1: major functionality broken, for this job (seed 000's definitions).
"""

from __future__ import annotations

import re
import signal as signals
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ledger_tool.exceptions import LedgerError


@dataclass(frozen=True)
class Category:
    name: str
    severity: str
    area: str
    title: str  # a few words for the entry's description
    phase: str  # the phase the category always has ("" when the log tells it)
    suggestions: tuple[str, ...]


def _c(name: str, severity: str, area: str, title: str, phase: str, *tips: str) -> Category:
    return Category(name, severity, area, title, phase, tips)


CATEGORIES = {
    c.name: c
    for c in (
        _c(
            "oom_training",
            "P1",
            "training",
            "GPU out of memory in training",
            "",
            "Reduce the per-device batch size or the sequence length, and raise gradient "
            "accumulation to keep the effective batch",
            "Enable gradient checkpointing, mixed precision (bf16) or ZeRO/FSDP sharding",
            "Check for tensors kept across steps (losses appended without .item(), caches)",
        ),
        _c(
            "oom_eval",
            "P1",
            "evaluation",
            "GPU out of memory in evaluation",
            "evaluation",
            "Lower the evaluation batch size (per_device_eval_batch_size) or generation length",
            "Run evaluation under torch.no_grad() / inference_mode and free training buffers first",
            "Use eval_accumulation_steps so predictions move to the CPU as they are made",
        ),
        _c(
            "cuda_error",
            "P0",
            "gpu",
            "CUDA error",
            "",
            "Rerun with CUDA_LAUNCH_BLOCKING=1 to find the kernel that failed",
            "For a device-side assert, check label and index ranges (vocabulary size, num_labels)",
            "Check the GPU's health (nvidia-smi, dmesg for Xid errors) and the driver/CUDA versions",
        ),
        _c(
            "timeout",
            "P1",
            "training",
            "Job timed out",
            "monitoring",
            "Find the step that stopped making progress (a hung collective, a data loader, I/O)",
            "Raise the job's time limit or the collective timeout if the work is legitimately long",
            "Checkpoint more often so a time limit costs less work",
        ),
        _c(
            "config_error",
            "P1",
            "config",
            "Configuration error",
            "",
            "Check the configuration key or argument named in the message against the schema",
            "Validate configuration files before launching (a dry run of the config loader)",
            "For tokenizer or chat-template errors, check the template and the model revision",
        ),
        _c(
            "model_loading",
            "P1",
            "model-loading",
            "Model loading failed",
            "",
            "Check the model files: complete download, matching revision, checksums",
            "Check that the checkpoint matches the model configuration (sizes, keys)",
            "Re-download or re-convert the checkpoint if it is corrupt",
        ),
        _c(
            "network",
            "P0",
            "network",
            "Network failure",
            "",
            "Check connectivity to the service named in the message (DNS, firewall, proxy)",
            "For NCCL errors, check the interconnect (NCCL_DEBUG=INFO, NCCL_SOCKET_IFNAME, IB)",
            "Retry with backoff; pre-download models and datasets so jobs need no network",
        ),
        _c(
            "container",
            "P0",
            "container",
            "Container runtime failure",
            "",
            "Check the NVIDIA driver and the NVIDIA Container Toolkit on the host",
            "Check the image's CUDA requirement against the host driver",
            "Check how the GPU is requested (--gpus all, the device plugin, resource limits)",
        ),
        _c(
            "permission",
            "P1",
            "filesystem",
            "Permission denied",
            "",
            "Verify the permissions of the path in the message with `ls -la`",
            "Add execute permission to scripts with `chmod +x`; check parent directories",
            "Make sure the job's user may write its output, checkpoint and cache directories",
        ),
        _c(
            "command_not_found",
            "P1",
            "environment",
            "Command not found",
            "",
            "Verify the command is installed in the job's image or environment",
            "Check PATH (and the environment or module that should provide the command)",
            "Use an absolute path, or add the installation step to the job or image",
        ),
        _c(
            "signal",
            "P1",
            "training",
            "Job killed by a signal",
            "",
            "Check for the kernel's OOM killer (dmesg | grep -i oom) and raise memory limits",
            "Look for who sent the signal: the scheduler, a preemption, a person",
            "For a segmentation fault or abort, get a core dump or run under faulthandler",
        ),
        _c(
            "unknown",
            "P1",
            "training",
            "Job failed",
            "",
            "Read the traceback's last frame in your own code and reproduce it locally",
            "Add a rule to `ingest_rules` once the cause is known, so the next one is classified",
        ),
    )
}


@dataclass(frozen=True)
class Rule:
    words: tuple[str, ...]  # any of them, lower case
    category: str
    types: tuple[str, ...] = ()  # and the exception type contains one of them
    phase: str = ""  # and the failure's phase is this one
    exits: tuple[int, ...] = ()  # or the exit status is one of these (then no word is needed)
    area: str = ""
    severity: str = ""

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Its words as one pattern (a literal alternation: one pass over the text)."""
        return re.compile("|".join(map(re.escape, self.words))) if self.words else None

    def matches(self, text: str, exc_type: str, phase: str, status: int | None) -> bool:
        if self.phase and self.phase != phase:
            return False
        if self.exits and status in self.exits:
            return True
        if self.types and not any(t in exc_type for t in self.types):
            return False
        pattern = self.pattern
        return pattern.search(text) is not None if pattern is not None else bool(self.types)


def _r(category: str, *words: str, **more: object) -> Rule:
    return Rule(tuple(w.lower() for w in words), category, **more)  # type: ignore[arg-type]


_SIGNAL_EXITS = (-6, -9, -11, -15, 134, 137, 139, 143, -7, 135, -4, 132)

RULES: tuple[Rule, ...] = (
    _r("oom_eval", "out of memory", "CUBLAS_STATUS_ALLOC_FAILED", phase="evaluation"),
    _r("oom_eval", types=("OutOfMemoryError",), phase="evaluation"),
    _r("oom_training", "out of memory", "CUBLAS_STATUS_ALLOC_FAILED", "CUDNN_STATUS_ALLOC_FAILED"),
    _r("oom_training", types=("OutOfMemoryError",)),
    _r(
        "timeout",
        "Watchdog caught collective operation timeout",
        "DUE TO TIME LIMIT",
        "no progress",
        "collective operation timeout",
    ),
    _r(
        "container",
        "could not select device driver",
        "nvidia-container-cli",
        "OCI runtime",
        "unsatisfied condition: cuda",
        "Error response from daemon",
        "ImagePullBackOff",
        "ErrImagePull",
        "failed to create containerd task",
        exits=(125,),
    ),
    _r(
        "network",
        "ncclRemoteError",
        "ncclSystemError",
        "ncclInternalError",
        "NCCL error",
        "Connection refused",
        "Connection reset",
        "Max retries exceeded",
        "Name or service not known",
        "Temporary failure in name resolution",
        "couldn't connect",
        "offline mode",
        "Network is unreachable",
        "LocalEntryNotFoundError",
        "ConnectionError",
        "No route to host",
        "SSL",
        "HTTPError",
    ),
    _r(
        "cuda_error",
        "device-side assert",
        "illegal memory access",
        "CUDA error",
        "CUBLAS_STATUS",
        "cuDNN error",
        "CUDNN_STATUS",
        "cudaError",
        "NVML",
        "misaligned address",
        "unspecified launch failure",
        "no kernel image is available",
    ),
    _r("timeout", "timed out", "TimeoutError", "deadline exceeded", exits=(124,)),
    _r(
        "permission",
        "Permission denied",
        "PermissionError",
        "Operation not permitted",
        "EACCES",
        exits=(126,),
    ),
    _r("command_not_found", "command not found", ": not found", exits=(127,)),
    _r(
        "model_loading",
        "in loading state_dict",
        "size mismatch for",
        "SafetensorError",
        "HeaderTooLarge",
        "does not appear to have a file named",
        "Unable to load weights",
        "Missing key(s) in state_dict",
        "Unexpected key(s) in state_dict",
        "is not a valid model",
        "Can't load the model",
        "Can't load tokenizer",
        "checkpoint shard",
        "error while deserializing",
        "unpickling",
        "pytorch_model.bin",
        ".safetensors",
        "Unable to load",
        "git-lfs pointer",
        "git lfs",
    ),
    _r(
        "config_error",
        "chat template",
        "chat_template",
        "TemplateError",
        "ConfigAttributeError",
        "ConfigKeyError",
        "MissingMandatoryValue",
        "unrecognized arguments",
        "invalid choice",
        "the following arguments are required",
        "ValidationError",
        "Invalid config",
        "missing required key",
        "configuration",
        "config key",
        "ScannerError",
        "ParserError",
        "TemplateSyntaxError",
        "UndefinedError",
        "unknown key",
    ),
    _r(
        "signal",
        "Killed",
        "Segmentation fault",
        "SIGSEGV",
        "SIGKILL",
        "SIGABRT",
        "SIGTERM",
        "SIGBUS",
        "core dumped",
        "received signal",
        "got signal",
        exits=_SIGNAL_EXITS,
    ),
)

WRAPPER_TYPES = ("ChildFailedError", "CalledProcessError")  # say only that a child failed


def is_wrapper(exc_type: str, status: int | None, text: str) -> bool:
    """True for a failure that only reports another one printed before it: torchrun's
    ChildFailedError, CalledProcessError, a line that states an exit status and nothing else."""
    if any(w in exc_type for w in WRAPPER_TYPES):
        return True
    return not exc_type and status not in (None, 0) and not _says_more(text)


def _says_more(text: str) -> bool:
    lowered = text.lower()
    return any(
        r.pattern.search(lowered) for r in RULES if r.category != "signal" and r.pattern is not None
    )


def classify(
    text: str, exc_type: str, phase: str, status: int | None, extra: tuple[Rule, ...] = ()
) -> Rule | None:
    """The first rule (a repository's own first) that matches, or None (then: unknown)."""
    lowered = f"{exc_type}: {text}".lower()
    words, table, wordless = _table(extra)
    if words.search(lowered) is None:
        if status is None and not exc_type:
            return None  # every rule needs a word, an exception type or an exit status
        table = wordless
        lowered = ""  # it holds no rule's word: a rule matches by its statuses or type alone
    for rule in table:
        if rule.matches(lowered, exc_type, phase, status):
            return rule
    return None


@lru_cache(maxsize=8)
def _table(
    extra: tuple[Rule, ...],
) -> tuple[re.Pattern[str], tuple[Rule, ...], tuple[Rule, ...]]:
    """The rules in order; one pattern that finds whether a text holds any of their words (most
    error lines hold none); the rules that can match without a word."""
    table = (*extra, *RULES)
    return _screen(table), table, tuple(r for r in table if r.exits or not r.words)


def _screen(table: tuple[Rule, ...]) -> re.Pattern[str]:
    """The words make a trie (`out of memory` and `oom` give `o(?:ut of memory|om)`), so that
    at each offset of a text the engine tries only the branch of its character, not each word."""
    trie: _Trie = {}
    for rule in table:
        for word in rule.words:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[""] = {}  # a word ends here
    return re.compile(_branches(trie) if trie else "(?!)")


_Trie = dict[str, "_Trie"]


def _branches(node: _Trie) -> str:
    if "" in node:
        return ""  # a word ends here: whatever follows it is another match of no interest
    alternatives = [re.escape(char) + _branches(below) for char, below in sorted(node.items())]
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


def signal_name(status: int | None) -> str | None:
    """SIGKILL for -9 or 137 (128+N), None for a status that is no signal (124 to 128 among them)."""
    if status is None:
        return None
    number = -status if status < 0 else status - 128 if 128 < status < 160 else 0
    try:
        return signals.Signals(number).name if number else None
    except ValueError:
        return f"SIG{number}"


def configured(table: object, where: str) -> tuple[Rule, ...]:
    """A repository's `ingest_rules` (a list of tables) as rules, or why they are refused."""
    if table is None:
        return ()
    if not isinstance(table, list):
        raise LedgerError(
            f"{where}: 'ingest_rules' must be a list of tables ([[tool.ledger.ingest_rules]])"
        )
    rules = []
    for number, item in enumerate(table, 1):
        rules.append(_one_rule(item, f"{where}: ingest rule {number}"))
    return tuple(rules)


_RULE_KEYS = ("match", "category", "type", "phase", "exit", "area", "severity")


def _one_rule(item: object, where: str) -> Rule:
    if not isinstance(item, dict):
        raise LedgerError(f"{where} must be a table with 'match' and 'category'")
    unknown = sorted(set(item) - set(_RULE_KEYS))
    if unknown:
        raise LedgerError(
            f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(_RULE_KEYS)}"
        )

    def strings(key: str) -> tuple[str, ...]:
        value = item.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise LedgerError(f"{where}: '{key}' must be a string or a list of strings")
        return tuple(value)

    category = item.get("category")
    if not isinstance(category, str) or not category.strip():
        raise LedgerError(f"{where}: 'category' must name the category, e.g. \"oom_training\"")
    words, types = strings("match"), strings("type")
    exits = item.get("exit", [])
    exits = [exits] if isinstance(exits, int) else exits
    if not isinstance(exits, list) or not all(
        isinstance(e, int) and not isinstance(e, bool) for e in exits
    ):
        raise LedgerError(f"{where}: 'exit' must be an exit status or a list of them")
    if not words and not types and not exits:
        raise LedgerError(f"{where}: give 'match' (words to find), 'type' or 'exit'")
    severity = item.get("severity", "")
    if severity not in ("", "P0", "P1"):
        raise LedgerError(f'{where}: \'severity\' must be "P0" or "P1" (only they are tracked)')
    for key in ("phase", "area"):
        if not isinstance(item.get(key, ""), str):
            raise LedgerError(f"{where}: '{key}' must be a string")
    return Rule(
        tuple(w.lower() for w in words),
        category.strip(),
        types,
        item.get("phase", ""),
        tuple(exits),
        item.get("area", ""),
        severity,
    )


def category(name: str) -> Category:
    """The category called `name`; one a repository's rule invents takes unknown's defaults."""
    found = CATEGORIES.get(name)
    if found is not None:
        return found
    base = CATEGORIES["unknown"]
    return Category(
        name, base.severity, base.area, name.replace("_", " ").capitalize(), "", base.suggestions
    )
