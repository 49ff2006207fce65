"""The `ledger` group: the mapping of the core's errors to exit codes, and the commands, each in
the module of its group (`_common` holds what they share).  The core is imported inside the
commands, so that the hooks stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ledger_tool import __version__
from ledger_tool.cli._common import say
from ledger_tool.exceptions import HookTimeout, LedgerError


class _Group(click.Group):
    """Turns the core's errors into exit codes: 1 a user-fixable problem (message, no traceback),
    3 an internal error (traceback kept); click itself gives 2 for usage errors.  Its commands
    (`COMMANDS`) are imported when asked for: `ledger check` loads `cli/check.py` only."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = COMMANDS.get(cmd_name)
        if found is None:
            return None
        import importlib

        module = importlib.import_module(f"ledger_tool.cli.{found[0]}")
        command: click.Command = getattr(module, found[1])
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from ledger_tool import bound
        from ledger_tool.files import store

        try:
            with bound.bounded():
                return super().invoke(ctx)
        except HookTimeout as exc:  # the hook script warns and lets git go on
            click.echo(f"ledger: warning: {exc}", err=True)
            if bound.under_framework():  # no hook script of ours to say so: let git go on here
                click.echo("ledger: warning: the commit goes on unchecked", err=True)
                ctx.exit(0)
            ctx.exit(124)
        except LedgerError as exc:
            say(f"ledger: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (`ledger list | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:  # the file system's refusal (permissions, read-only, full)
            say(f"ledger: {store.os_problem(exc)}", err=True)
            ctx.exit(1)
        except Exception:
            import traceback  # a bug of ours: the one path that needs it

            click.echo(traceback.format_exc(), err=True)
            click.echo(
                "ledger: internal error; please report it with the traceback above", err=True
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ledger")
def cli() -> None:
    """Keep ERRORS.md, JOURNAL.md and TASKS.md: a team's critical-error ledger in git.

    \b
    Start:   ledger init --hooks
    Open:    ledger open P0 inference "CUDA OOM during eval"
    Update:  ledger seen ERR-2026-11-21-001 --count 3
             ledger note ERR-2026-11-21-001 --investigation "batch 64 too large"
    Close:   ledger resolve ERR-2026-11-21-001 --commit HEAD --root-cause "..."
             (or commit with a `Fixes: ERR-2026-11-21-001` line: the hooks run `ledger sync`)
    Read:    ledger list --status active    ledger show ERR-2026-11-21-001 --json
    Check:   ledger check [--fix]
    Figures: ledger metrics --since 2026-11-01    ledger report --week last
    Logs:    ledger ingest logs/job_42.log    ledger run -- python train.py
    """


COMMANDS = {  # name: (module of cli/, function); a command's module is imported when it runs
    "init": ("init", "init"),
    "adopt": ("init", "adopt"),
    "open": ("entries", "open_"),
    "seen": ("entries", "seen"),
    "note": ("entries", "note"),
    "resolve": ("entries", "resolve"),
    "reopen": ("entries", "reopen"),
    "list": ("read", "list_"),
    "show": ("read", "show"),
    "check": ("check", "check"),
    "sync": ("sync", "sync"),
    "hooks": ("hooks", "hooks_group"),
    "renumber": ("hooks", "renumber"),
    "merge-driver": ("hooks", "merge_driver"),
    "metrics": ("figures", "metrics"),
    "report": ("figures", "report"),
    "ingest": ("ingest", "ingest"),
    "run": ("ingest", "run"),
    "mcp": ("agents", "mcp"),
}
