"""What the bench scripts that compare this checkout with a git revision share: the
revision's files, and the command line that names it."""

from __future__ import annotations

import argparse
import io
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def extract(revision: str, folder: str, into: Path) -> Path:
    """`folder` of this repository as it was at `revision`, extracted under `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, folder],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / folder


def revision_parser(doc: str, rounds: int) -> argparse.ArgumentParser:
    """REV (default HEAD), --engine and --rounds; the script adds its own options."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="HEAD")
    parser.add_argument("--engine", default="opa")
    parser.add_argument("--rounds", type=int, default=rounds)
    return parser
