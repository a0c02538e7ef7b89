"""The command line: arguments and exit codes only; the work happens in the modules.

One module per group of commands; importing them registers their commands on `main`.
"""

from pyrules.cli import ads, assess, check, diff, publish, standard
from pyrules.cli.base import main

__all__ = ["ads", "assess", "check", "diff", "main", "publish", "standard"]
