"""Where a standard comes from: a directory or a bundle archive.

Kept apart from `pyrules.standard` (which loads a directory and nothing else) so that the
standard never imports the bundle code that itself builds on the standard: the import graph
stays one-way, and tarfile and the signature code load only for an archive.
"""

from __future__ import annotations

from pathlib import Path

from pyrules.errors import StandardError
from pyrules.standard import Standard, load_standard


def resolve_standard(location: Path | None, verification_key: Path | None = None) -> Standard:
    """The standard named on the command line: a directory, a bundle archive (pyrules
    bundle build), or none: the one shipped with pyrules."""
    if location is None or location.is_dir():
        if verification_key is not None:
            raise StandardError("--verification-key applies to a bundle archive (--bundle FILE)")
        return load_standard(location)
    if not location.exists():
        raise StandardError(f"{location}: no such directory or bundle archive")
    if not location.is_file():  # a FIFO or a device would block or never end
        raise StandardError(f"{location}: not a regular file (a FIFO, socket or device)")
    from pyrules.bundle import is_archive, load_bundle_standard  # tarfile, only when needed

    if not is_archive(location):
        raise StandardError(f"{location}: neither a standard directory nor a .tar.gz bundle")
    return load_bundle_standard(location, verification_key)
