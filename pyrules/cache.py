"""Where pyrules keeps what only saves time: regopy bundles, the parsed standard, templates.

$PYRULES_CACHE_DIR, else $XDG_CACHE_HOME/pyrules, else ~/.cache/pyrules. Nothing in it is
ever needed: a missing, stale, damaged or unwritable entry costs time, never a result, so
every reader checks what it reads and every writer stays quiet when it cannot write.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(os.environ.get("PYRULES_CACHE_DIR") or Path(base) / "pyrules")


def read_entry(path: Path) -> bytes | None:
    """An entry's bytes, None when there is none; a read counts as a use (see `prune`)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return data


def write_entry(path: Path, data: bytes, pattern: str, keep: int) -> None:
    """Write an entry whole (a reader sees the old file or the new one, never half), then
    keep only the `keep` most recently used entries matching `pattern`; a read-only or full
    disk is no error."""
    import tempfile  # only when the cache is filled: a few ms of every cold start

    temporary = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # this user's alone
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        temporary = None
        prune(path.parent, pattern, keep)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def prune(folder: Path, pattern: str, keep: int) -> list[Path]:
    """Remove all but the `keep` most recently used entries matching `pattern`; the ones
    removed. What another process removes meanwhile is no error."""
    entries = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime, path.name, path))
    entries.sort(reverse=True)
    removed = []
    for _, _, path in entries[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
