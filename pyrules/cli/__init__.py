"""The command line: arguments and exit codes only; the work happens in the modules.

One module per group of commands; importing one registers its commands on `main`, which
imports only the module of the command it runs (see `pyrules.cli.base.COMMAND_MODULES`).
"""

from pyrules.cli.base import main

__all__ = ["main"]
