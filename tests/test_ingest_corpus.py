"""`ledger ingest --json` over the crash-log corpus (tests/data/logs): what each log says.

One `ledger ingest --dry-run --json` reads all 50 logs in a real repository; each test then checks
one log's answer against `expected.json` (written with the corpus: see its README): the category of
the failure that ended the job and its phase, the last exception's type, message, frames, chain
and group members, the line that states the end, the exit status and signal, and that each message
that repeats with different numbers, paths or quoted values is one group with its count.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ledger_tool.cli import cli

LOGS = Path(__file__).parent / "data" / "logs"
EXPECTED: dict[str, dict[str, Any]] = json.loads((LOGS / "expected.json").read_text())


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    before = Path.cwd()
    os.chdir(root)
    try:
        runner = CliRunner()
        assert runner.invoke(cli, ["init"], catch_exceptions=False).exit_code == 0
        paths = [str(LOGS / name) for name in EXPECTED]
        done = runner.invoke(cli, ["ingest", *paths, "--dry-run", "--json"], catch_exceptions=False)
    finally:
        os.chdir(before)
    assert done.exit_code == 0, done.stderr
    listed = json.loads(done.stdout)
    return {Path(a["log"]["path"]).name: a for a in listed}


def _final_line(answer: dict[str, Any]) -> int | None:
    """The line of the last exception's `Type: message`, else the line that states the end."""
    traceback = answer["traceback"]
    if traceback and traceback["exception_type"]:
        return int(traceback["line"])
    analysis = answer["analysis"]
    return int(analysis["ending_line"]) if analysis else None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_log_says_what_failed(answers: dict[str, dict[str, Any]], name: str) -> None:
    expected, answer = EXPECTED[name], answers[name]
    analysis, traceback = answer["analysis"], answer["traceback"] or {}
    assert answer["status"] == expected["status"]
    assert (analysis["error_type"] if analysis else None) == expected["category"]
    assert (analysis["error_phase"] if analysis else "unknown") == expected["phase"]
    assert (traceback.get("exception_type") or None) == expected["exception_type"]
    if expected["exception_message_starts"] is not None:
        assert traceback["exception_message"].startswith(expected["exception_message_starts"])
    assert len(traceback.get("frames", [])) == expected["frames"]
    assert len(traceback.get("chain", [])) == expected["chain"]
    assert len(traceback.get("group_members", [])) == expected["group_members"]
    assert _final_line(answer) == expected["final_line"]
    assert answer["exit_code"] == expected["exit_code"]
    assert answer["signal"] == expected["signal"]
    for repeated in expected["repeated"]:
        groups = [e for e in answer["errors"] if repeated["contains"] in e["message"]]
        assert [g["count"] for g in groups] == [repeated["count"]], repeated["contains"]


def test_every_category_is_in_the_corpus() -> None:
    from ledger_tool.ingest.rules import CATEGORIES

    assert set(CATEGORIES) <= {e["category"] for e in EXPECTED.values()}


@pytest.mark.parametrize("name", ["train_oom.log", "shard_load_exception_group.log"])
def test_frames_are_read_with_their_parts(answers: dict[str, dict[str, Any]], name: str) -> None:
    frames = answers[name]["traceback"]["frames"]
    assert all(f["file"] and f["line"] > 0 and f["function"] for f in frames)
    assert frames[0]["function"] == "<module>"
    assert any(f["code"] for f in frames)


def test_the_analysis_carries_the_suggested_actions(answers: dict[str, dict[str, Any]]) -> None:
    analysis = answers["eval_oom_phase.log"]["analysis"]
    assert analysis["confidence"] == "high"
    assert any("eval" in s.lower() for s in analysis["suggestions"])
    assert analysis["description"].startswith("GPU out of memory in evaluation")
