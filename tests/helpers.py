"""What several test modules share: where things are, and the CLI as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"


def pyrules(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`pyrules ARGS` in a fresh process: exit codes and stderr exactly as a user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "pyrules", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def edited_standard(tmp_path: Path, policy: str, old: str, new: str) -> Path:
    """A copy of the standard whose policy (path under policies/) has `old` replaced by
    `new`: a control broken on purpose, to see a check catch it."""
    root = tmp_path / "standard"
    shutil.copytree(ROOT / "policies", root / "policies")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    rego = root / "policies" / policy
    source = rego.read_text(encoding="utf-8")
    assert old in source, f"{policy} no longer contains {old!r}"
    rego.write_text(source.replace(old, new), encoding="utf-8")
    return root
