"""What several test modules share: where things are, and the CLI as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
SERVE_TOKEN = "test-token-0123456789abcdef"  # what the test servers take writes with


def pyrules(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`pyrules ARGS` in a fresh process: exit codes and stderr exactly as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "pyrules", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
