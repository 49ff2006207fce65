"""`ledger mcp`: the commands as tools for coding agents, over the Model Context Protocol."""

from __future__ import annotations

from pathlib import Path

import click

from ledger_tool.exceptions import LedgerError


@click.command()
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    help="The repository whose ledger the tools keep.  Default: the current directory's.",
)
def mcp(repo: Path | None) -> None:
    """Serve the ledger's commands as Model Context Protocol tools over stdio, for coding agents.

    The tools are open, seen, note, resolve, reopen, list, show, check, metrics and ingest, with
    typed inputs and JSON results; each runs the command of the same name (the same checks,
    lock and all-or-nothing writes as on the command line).  Needs the optional extra:
    `pip install 'ledger-tool[mcp]'`.  An agent starts it itself, from its MCP configuration:

    \b
        {"mcpServers": {"ledger": {"command": "ledger", "args": ["mcp"]}}}
    """
    from ledger_tool.cli._common import workspace

    try:
        from ledger_tool.agents.server import build
    except ImportError as exc:
        if exc.name is None or not exc.name.startswith("mcp"):
            raise
        raise LedgerError(
            "`ledger mcp` needs the Model Context Protocol SDK: pip install 'ledger-tool[mcp]'"
        ) from None
    if repo is not None:
        if not repo.is_dir():
            raise LedgerError(f"--repo {repo}: no such folder")
        import os

        os.chdir(repo)
    ws = workspace()  # refuses here, before the agent's first call, outside a repository
    build(ws.root).run("stdio")
