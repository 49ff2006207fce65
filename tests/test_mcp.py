"""`ledger mcp`: the commands as Model Context Protocol tools, driven by the official SDK's own
client over stdio against a real `ledger mcp` process, in real repositories.

The promise checked: a change an agent makes through the tools is the change the command line
makes, byte for byte, and a refusal is the command's refusal, with nothing written.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import CallToolResult

from ledger_tool.model.vocabulary import NOTE_FIELDS
from tests.conftest import LedgerRunner, git, init_repo, ledger_process, snapshot

LOGS = Path(__file__).parent / "data" / "logs"
# a description an agent might pass on: it starts like an option, and holds Markdown and a pipe
HOSTILE = "--rm: CUDA OOM | eval `batch` <b>64</b>"


def _session(root: Path, calls: list[tuple[str, dict[str, Any]]]) -> list[CallToolResult]:
    """Start `ledger mcp` in `root`, make the calls in order, and return their results."""

    async def talk() -> list[CallToolResult]:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "ledger_tool", "mcp"],
            cwd=root,
            env=dict(os.environ),  # the tests' git: pinned identity and dates, no user config
        )
        async with Client(server, read_timeout_seconds=120) as client:
            return [await client.call_tool(name, arguments) for name, arguments in calls]

    return asyncio.run(talk())


def _tools(root: Path) -> dict[str, Any]:
    async def listing() -> dict[str, Any]:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "ledger_tool", "mcp"],
            cwd=root,
            env=dict(os.environ),
        )
        async with Client(server, read_timeout_seconds=120) as client:
            return {tool.name: tool for tool in (await client.list_tools()).tools}

    return asyncio.run(listing())


def _twin(tmp_path: Path, run_ledger: LedgerRunner) -> Path:
    """A second repository made as `ledger_repo` is: with the pinned dates, the same commits."""
    twin = init_repo(tmp_path / "twin")
    assert run_ledger("init", cwd=twin).code == 0
    git(twin, "add", "-A")
    git(twin, "commit", "-q", "-m", "Start the ledger")
    return twin


def _fix_commit(root: Path) -> str:
    (root / "eval.py").write_text("BATCH = 32\n")
    git(root, "add", "eval.py")
    git(root, "commit", "-q", "-m", "Halve the eval batch")
    return git(root, "rev-parse", "HEAD")


def test_an_agent_changes_the_files_exactly_as_the_command_line_does(
    ledger_repo: Path, run_ledger: LedgerRunner, tmp_path: Path
) -> None:
    twin = _twin(tmp_path, run_ledger)
    for root in (ledger_repo, twin):
        shutil.copy(LOGS / "train_oom.log", root / "job.log")
    sha = _fix_commit(ledger_repo)
    assert _fix_commit(twin) == sha  # the same history: what git says goes into both alike

    results = _session(
        ledger_repo,
        [
            ("open", {"severity": "P0", "area": "inference", "description": HOSTILE,
                      "symptoms": "eval dies at step 400", "at": "2026-11-20 09:15"}),
            ("seen", {"error_id": "ERR-2026-11-20-001", "count": 3, "at": "2026-11-20 11:00"}),
            ("note", {"error_id": "ERR-2026-11-20-001", "next_steps": "-try batch 32",
                      "investigation": "activations of batch 64 need 81 GB"}),
            ("resolve", {"error_id": "ERR-2026-11-20-001", "commit": "HEAD",
                         "root_cause": "eval batch too big", "at": "2026-11-20 15:45"}),
            ("ingest", {"logs": ["job.log"], "job_id": "sft-42", "dry_run": True}),
            ("ingest", {"logs": ["job.log"], "job_id": "sft-42"}),
            ("list", {"status": "resolved"}),
            ("check", {}),
        ],
    )  # fmt: skip
    for cli_args in (
        ["open", "--symptoms", "eval dies at step 400", "--at", "2026-11-20 09:15", "--",
         "P0", "inference", HOSTILE],
        ["seen", "ERR-2026-11-20-001", "--count", "3", "--at", "2026-11-20 11:00"],
        ["note", "ERR-2026-11-20-001", "--next-steps=-try batch 32",
         "--investigation", "activations of batch 64 need 81 GB"],
        ["resolve", "ERR-2026-11-20-001", "--commit", "HEAD", "--root-cause",
         "eval batch too big", "--at", "2026-11-20 15:45"],
        ["ingest", "job.log", "--job-id", "sft-42"],
    ):  # fmt: skip
        done = run_ledger(*cli_args, cwd=twin)
        assert done.code == 0, done.stderr

    assert not any(r.is_error for r in results), [r.content for r in results if r.is_error]
    assert snapshot(ledger_repo) == snapshot(twin)  # ERRORS.md, JOURNAL.md, TASKS.md and all
    opened, _, noted, resolved, dry, ingested, listed, checked = (
        r.structured_content for r in results
    )
    assert opened is not None and opened["id"] == "ERR-2026-11-20-001"
    assert opened["description"] == HOSTILE
    assert noted is not None and noted["fields"]["Next Steps"] == "-try batch 32"
    assert resolved is not None and resolved["status"] == "resolved"
    assert resolved["fix_commit"] == sha and resolved["occurrences"] == 4
    assert dry is not None and ingested is not None
    assert dry["logs"][0]["analysis"]["error_type"] == "oom_training"
    assert ingested["logs"][0]["analysis"]["error_type"] == "oom_training"
    assert listed is not None and [e["id"] for e in listed["errors"]] == ["ERR-2026-11-20-001"]
    assert checked == {"ok": True, "problems": []}


def test_a_refusal_is_a_tool_error_in_the_commands_words_and_writes_nothing(
    ledger_repo: Path,
) -> None:
    before = snapshot(ledger_repo)
    results = _session(
        ledger_repo,
        [
            ("show", {"error_id": "ERR-2026-11-20-009"}),
            ("resolve", {"error_id": "ERR-2026-11-20-009"}),
            ("open", {"severity": "P2", "area": "docs", "description": "typo"}),
            ("open", {"severity": "P0", "area": "data", "description": "x", "at": "soon"}),
            ("note", {"error_id": "ERR-2026-11-20-009"}),
            ("ingest", {"logs": ["no-such.log"]}),
        ],
    )
    assert all(r.is_error for r in results)
    said = [r.content[0].text for r in results]  # type: ignore[union-attr]
    assert "no error ERR-2026-11-20-009" in said[0] and "no error ERR-2026-11-20-009" in said[1]
    assert "P2" in said[2]  # the tool's schema allows P0 and P1 only
    assert "cannot read time 'soon'" in said[3]
    assert "give at least one field" in said[4]
    assert "no log file no-such.log" in said[5]
    assert snapshot(ledger_repo) == before


def test_check_says_the_problems_of_a_broken_ledger(ledger_repo: Path) -> None:
    assert ledger_process("open", "P1", "data", "Corrupt shard", cwd=ledger_repo).returncode == 0
    errors = ledger_repo / "ERRORS.md"
    errors.write_text(errors.read_text().replace("**First Seen**: 20", "**First Seen**: 1/1/20"))
    (checked,) = _session(ledger_repo, [("check", {})])
    assert not checked.is_error and checked.structured_content is not None
    assert checked.structured_content["ok"] is False
    codes = {p["code"] for p in checked.structured_content["problems"]}
    assert "LDG104" in codes


def test_the_tools_have_typed_inputs_and_say_which_only_read(ledger_repo: Path) -> None:
    tools = _tools(ledger_repo)
    assert sorted(tools) == sorted(
        ["open", "seen", "note", "resolve", "reopen", "list", "show", "check", "metrics", "ingest"]
    )
    opening = tools["open"].input_schema
    assert opening["required"] == ["severity", "area", "description"]
    assert opening["properties"]["severity"]["enum"] == ["P0", "P1"]
    assert tools["seen"].input_schema["properties"]["count"]["type"] == "integer"
    assert set(tools["note"].input_schema["properties"]) == {"error_id", "append", *NOTE_FIELDS}
    assert tools["ingest"].input_schema["properties"]["logs"]["type"] == "array"
    for name, tool in tools.items():
        assert tool.description, name
        assert tool.output_schema is not None, name  # structured results
        reads = name in ("list", "show", "check", "metrics")
        assert tool.annotations is not None and tool.annotations.read_only_hint is reads, name


def test_without_the_sdk_the_command_says_which_extra_to_install(ledger_repo: Path) -> None:
    blocked = "import sys; sys.modules['mcp'] = None; sys.argv = ['ledger', 'mcp']; "
    done = subprocess.run(
        [sys.executable, "-c", blocked + "from ledger_tool.cli import main; main()"],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "pip install 'ledger-tool[mcp]'" in done.stderr and "Traceback" not in done.stderr


def test_in_a_folder_without_a_ledger_each_tool_says_to_run_init(tmp_path: Path) -> None:
    (listed,) = _session(tmp_path, [("list", {})])
    assert listed.is_error
    assert "run `ledger init` to create the ledger" in listed.content[0].text  # type: ignore[union-attr]


def test_repo_option_serves_another_folder(ledger_repo: Path, tmp_path: Path) -> None:
    async def talk() -> CallToolResult:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "ledger_tool", "mcp", "--repo", str(ledger_repo)],
            cwd=tmp_path,
            env=dict(os.environ),
        )
        async with Client(server, read_timeout_seconds=120) as client:
            return await client.call_tool("list", {})

    listed = asyncio.run(talk())
    assert not listed.is_error and listed.structured_content == {"errors": []}
