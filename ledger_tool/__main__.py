"""Allow `python -m ledger_tool`."""

from ledger_tool.cli import main

main()
