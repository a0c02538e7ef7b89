"""Builds generated sources into a site with `mkdocs build --strict`.

MkDocs runs in a child process, exactly as a committee member would run it by hand, so
the site does not depend on how pyrules was started. Any warning fails the build, even
one MkDocs does not count in strict mode (such as a theme's notices on stderr).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pyrules.errors import InputError

REQUIRED = {"mkdocs": "mkdocs", "material": "mkdocs-material", "jinja2": "Jinja2"}
# Files every site MkDocs builds from our sources holds, even after a failed strict build.
SITE_MARKERS = ("sitemap.xml", "search/search_index.json")


class DocsBuildError(Exception):
    """MkDocs refused the sources: a broken link, a missing page, a warning."""


@dataclass(frozen=True)
class BuiltSite:
    site_dir: Path
    seconds: float
    log: str


def require_docs_tools() -> None:
    """Fail with the install command instead of an ImportError deep inside the build."""
    missing = [pkg for module, pkg in REQUIRED.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise InputError(
            f"building the docs needs {', '.join(missing)}: pip install 'pyrules-edhs[docs]'"
        )


def check_site_dir(site_dir: Path) -> None:
    """`mkdocs build --clean` deletes whatever site_dir holds: accept only a missing or
    empty directory or an earlier site, so `--out .` never wipes someone's files."""
    if not site_dir.exists():
        return
    if not site_dir.is_dir():
        raise InputError(f"--out {site_dir}: exists and is not a directory")
    if any(site_dir.iterdir()) and not all((site_dir / m).is_file() for m in SITE_MARKERS):
        raise InputError(
            f"--out {site_dir}: not empty and not a site built before (no "
            f"{' or '.join(SITE_MARKERS)}); the build would delete it, so choose another dir"
        )


def build_site(sources_dir: Path, site_dir: Path) -> BuiltSite:
    """Run `mkdocs build --strict` on sources_dir/mkdocs.yml into site_dir."""
    check_site_dir(site_dir)
    started = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--clean",
        "--config-file",
        str((sources_dir / "mkdocs.yml").resolve()),
        "--site-dir",
        str(site_dir.resolve()),
    ]
    done = subprocess.run(
        command,
        cwd=sources_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    log = (done.stdout + done.stderr).strip()
    warnings = [line for line in log.splitlines() if line.lstrip().startswith(("WARNING", "ERROR"))]
    if done.returncode != 0 or warnings:
        shown = "\n".join(warnings) or log
        raise DocsBuildError(f"mkdocs build --strict failed:\n{shown}")
    return BuiltSite(site_dir=site_dir, seconds=time.perf_counter() - started, log=log)
