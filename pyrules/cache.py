"""Where pyrules keeps what only saves time: regopy bundles, the parsed standard, templates.

$PYRULES_CACHE_DIR, else $XDG_CACHE_HOME/pyrules, else ~/.cache/pyrules. Nothing in it is
ever needed: a missing, stale, damaged or unwritable entry costs time, never a result, so
every entry carries the SHA-256 of its payload, checked when it is read, and every writer
stays quiet when it cannot write. (Compiled regopy bundles keep their digest beside them,
in a file of their own: rego-cpp reads the bundle file itself.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(os.environ.get("PYRULES_CACHE_DIR") or Path(base) / "pyrules")


def private_cache_dir() -> Path | None:
    """The cache folder when code that runs may be kept there (compiled templates): it
    does not exist yet (it is then made for this user alone), or this user owns it and
    only they may write to it. None otherwise, and without a home."""
    try:
        folder = default_cache_dir()
        status = os.stat(folder)
    except FileNotFoundError:
        return folder
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home
        return None
    owner = getattr(os, "getuid", None)
    if owner is not None and status.st_uid != owner():
        return None
    return None if status.st_mode & 0o022 else folder


def read_entry(path: Path) -> bytes | None:
    """An entry's payload; None when there is none, or it is damaged (the payload no longer
    matches the digest written with it). A read counts as a use (see `prune`)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, _, payload = data.partition(b"\n")
    if _digest(payload) != digest:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return payload


def _digest(payload: bytes) -> bytes:
    return hashlib.sha256(payload).hexdigest().encode()


def write_entry(path: Path, payload: bytes, pattern: str, keep: int) -> None:
    """Write an entry whole, its digest first (a reader sees the old file or the new one,
    never half), then keep only the `keep` most recently used entries matching `pattern`;
    a read-only or full disk is no error."""
    import tempfile  # only when the cache is filled: a few ms of every cold start

    temporary = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # this user's alone
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_digest(payload) + b"\n" + payload)
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
