"""The words people use in hand-written entries, by what they mean to the ledger: field names,
statuses, severities and the areas guessed from a title.  The tables docs/adopt.md states.
"""

from __future__ import annotations

import re

# Field names people use, by the block field they stand for.
ALIASES = {
    "Status": ("status", "state"),
    "Severity": ("severity", "priority", "sev"),
    "Area": ("area", "component", "affected area", "affected component", "module", "service"),
    "First Seen": ("first seen", "date", "logged", "detected", "reported", "opened", "created"),
    "Last Seen": ("last seen",),
    "Occurrences": ("occurrences", "count"),
    "Resolved": ("resolved", "resolved at", "resolved on", "date resolved", "fixed on", "closed"),
    "Description": ("description",),
    "Fix Commit": ("fix commit", "commit"),
}
FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# Statuses by the words people write (emoji and punctuation stripped, lower case).
ACTIVE_WORDS = frozenset(
    [
        "active",
        "open",
        "opened",
        "new",
        "pending",
        "ongoing",
        "investigating",
        "blocked",
        "deferred",
        "todo",
        "unresolved",
        "reopened",
        "regressed",
        "wip",
        "triage",
        "triaged",
        "acknowledged",
    ]
) | {"in progress"}
RESOLVED_WORDS = frozenset(
    ["resolved", "fixed", "closed", "done", "complete", "completed", "monitoring"]
)
# Severities: the ledger tracks P0 and P1 only (seed 000).
P0_WORDS = frozenset(["p0", "critical", "blocker", "urgent", "sev0", "sev1"])
P1_WORDS = frozenset(["p1", "high", "major", "sev2"])
UNTRACKED_WORDS = frozenset(
    [
        "p2",
        "p3",
        "p4",
        "medium",
        "moderate",
        "normal",
        "low",
        "minor",
        "trivial",
        "cosmetic",
        "sev3",
        "sev4",
    ]
)
# Areas guessed from the words of a title when an entry names none (first match wins).
AREA_WORDS = (
    ("container", ("docker", "container", "dockerfile", "kubernetes", "k8s", "runpod")),
    ("gpu", ("cuda", "gpu", "nccl", "out of memory", "oom")),
    ("model-loading", ("model load", "checkpoint", "weights", "hugging face", "huggingface")),
    ("training", ("training", "train ", "epoch", "optimizer")),
    ("inference", ("inference", "gradio", "serving", "predict")),
    ("data", ("dataset", "dataloader", "tokenizer")),
    ("network", ("network", "timeout", "connection", "proxy", "download", "http", "api")),
    ("build", ("build", "dependenc", "npm", "pip ", "compile", "install")),
    ("frontend", ("react", "frontend", "css", "vite", " ui")),
)
UNASSIGNED_AREA = "unassigned"
DASHES = "\u2013\u2014"  # the en and em dashes people put between an ID and its title


def plain_words(value: str) -> str:
    """Letters, digits and single spaces, lower case: `🔴 Active` -> `active`."""
    return " ".join(re.sub(r"[\W_]+", " ", value.lower()).split())


def guess_area(*texts: str) -> str:
    """An area from the words of a title or description (AREA_WORDS), else `unassigned`."""
    for text in texts:
        lowered = f" {text.lower()} "
        for area, words in AREA_WORDS:
            if any(word in lowered for word in words):
                return area
    return UNASSIGNED_AREA
