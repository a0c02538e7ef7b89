"""Released versions of the standard, and the standard as it was at a git revision.

A standard version is released by recording it in `standard/releases.yaml` (schema:
`schemas/releases.schema.json`):

    releases:
      - version: 0.2.0
        revision: v0.2.0        # the git tag or commit holding that version
        date: 2027-03-01
        status: recommendation  # or draft
        notes: |
          What the committee wants readers to know (Markdown), beside the generated diff.
      - version: 0.1.0
        ...

Newest first. The versioned site builds one site per entry and the changelog is the
`pyrules diff` between consecutive entries plus these notes. An entry without a
`revision` is the working tree: only the newest entry may be one (the version being
prepared), and its version must be the working tree's.
"""

from __future__ import annotations

import atexit
import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pyrules.errors import InputError
from pyrules.standard import Standard, load_standard

RELEASES_FILE = Path("standard") / "releases.yaml"
RELEASES_SCHEMA = "releases.schema.json"
# What a standard needs at a revision: the bundle, the schemas, and the cases its site shows.
STANDARD_PARTS = ("policies", "schemas", "tests/cases")


@dataclass(frozen=True)
class Release:
    version: str
    revision: str | None
    date: str
    status: str
    notes: str


def load_releases(path: Path) -> list[Release]:
    """The releases file, checked: newest first, versions going down, one working tree."""
    from pyrules.schema import load_valid

    document = load_valid(path, _schema())
    releases = []
    for index, entry in enumerate(document.data["releases"]):
        releases.append(
            Release(
                version=entry["version"],
                revision=entry.get("revision"),
                date=entry["date"],
                status=entry.get("status", "draft"),
                notes=(entry.get("notes") or "").strip(),
            )
        )
        if index and releases[-1].revision is None:
            raise InputError(
                document.located(
                    f"/releases/{index}",
                    "only the newest release may leave out its revision (the working tree)",
                )
            )
        if index and version_key(releases[-1].version) >= version_key(releases[-2].version):
            raise InputError(
                document.located(
                    f"/releases/{index}/version",
                    f"{releases[-1].version} is listed after {releases[-2].version}: "
                    "list releases newest first",
                )
            )
    return releases


def last_released(root: Path) -> str | None:
    """The revision of the newest release that names one, in root's releases file."""
    path = root / RELEASES_FILE
    if not path.is_file():
        raise InputError(f"{path}: no releases file to take the last release from")
    return next((r.revision for r in load_releases(path) if r.revision), None)


def _schema() -> dict[str, object]:
    """The tool's own schema for the file (shipped with the standard's schemas)."""
    import json

    from pyrules.standard import default_standard_dir

    path = default_standard_dir() / "schemas" / RELEASES_SCHEMA
    return json.loads(path.read_text(encoding="utf-8"))


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def is_revision(repo: Path, revision: str) -> bool:
    """Whether `revision` names a commit of the git repository at `repo`."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            capture_output=True,
            check=False,
        )
    except OSError:  # no git on this machine
        return False
    return done.returncode == 0


def in_repository(path: Path) -> bool:
    """Whether `path` lies in a git work tree (an installed pyrules's files do not)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            check=False,
        )
    except OSError:  # no git on this machine
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def checkout(repo: Path, revision: str) -> Path:
    """The standard's files (policies/, schemas/, tests/cases/) at a git revision, laid out
    in a temporary folder that lives until the process ends; the work tree is untouched."""
    if not is_revision(repo, revision):
        raise InputError(f"{revision}: not a standard directory, bundle, or git revision of {repo}")
    top = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True, check=True
    )
    repo = Path(top.stdout.decode().strip())  # the parts are named from the top
    done = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", revision, "--", *STANDARD_PARTS],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:  # a part missing at that revision: retry with the bundle alone
        done = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", revision, "--", "policies"],
            capture_output=True,
            check=False,
        )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"{revision}: no standard at this revision ({' '.join(message[-1:])})")
    root = Path(tempfile.mkdtemp(prefix="pyrules-rev-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(root, filter="data")
    return root


def standard_at(location: str, repo: Path) -> Standard:
    """A standard named by a directory, a bundle archive, or a git revision of `repo`."""
    from pyrules.sources import resolve_standard

    path = Path(location)
    if path.exists():
        return resolve_standard(path)
    root = checkout(repo, location)
    try:
        return load_standard(root)
    except InputError as exc:
        raise InputError(f"{location}: {str(exc).replace(f'{root}/', '')}") from None
