"""What several test modules share: where things are, and the CLI as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

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


def write_pem_pair(directory: Path, name: str, private: Any) -> tuple[Path, Path]:
    """`name.key` (PKCS#8, unencrypted) and `name.pub` for a cryptography private key."""
    from cryptography.hazmat.primitives import serialization

    key, public = directory / f"{name}.key", directory / f"{name}.pub"
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key, public
