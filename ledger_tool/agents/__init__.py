"""Interfaces for coding agents: `ledger mcp`, the commands as Model Context Protocol tools."""
