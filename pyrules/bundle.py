"""The standard as one OPA bundle archive (`.tar.gz`), built reproducibly and loaded safely.

Layout of the archive: the bundle root is the archive root, so OPA reads `.manifest`
(revision = standard version, roots), every `edhs/**/*.rego` and `edhs/params/data.json`
exactly as from `policies/`. The declaration and report schemas ride along under
`schemas/`: OPA's bundle reader loads only `.rego`, `data.json`/`data.yaml`, `.manifest`,
`.signatures.json`, `patch.json`, `policy.wasm` and `plan.json`, and reads past every other
file, so `schemas/*.schema.json` costs OPA nothing, while pyrules can load a whole standard
from the archive. The archive holds every file of `policies/` and `schemas/`, so a standard
loaded from it has the same SHA-256 as the directory it was built from.

Reproducible: entries sorted by name, regular files only, mtime 0, uid/gid 0, no user or
group names, mode 0644, ustar format, and a gzip header with mtime 0 and no file name.

Loading refuses, each with one line: path traversal (`..`), absolute names, links,
devices and other special files, duplicate names, more than `MAX_MEMBERS` entries and more
than `MAX_UNPACKED_BYTES` of content. Names are checked before anything is read, and files
are written by pyrules itself into a fresh temporary directory (tarfile's `data` filter
runs as a second check), so nothing in the archive decides where bytes land.
"""

from __future__ import annotations

import atexit
import gzip
import io
import re
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pyrules.bundle_signature import SIGNATURES_FILE, signatures_file, verify_files
from pyrules.errors import InputError, StandardError
from pyrules.schema import metaschema_error
from pyrules.standard import Standard, load_standard

MAX_MEMBERS = 2000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
SCHEMAS = "schemas"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
# File names that OPA interprets wherever they are: a schema must not be mistaken for one.
OPA_NAMES = frozenset({"data.json", "data.yaml", "data.yml", "patch.json", "plan.json"})


class BundleError(InputError):
    """The archive cannot be used: unsafe, too large, malformed, or not a standard."""


@dataclass(frozen=True)
class BuiltBundle:
    data: bytes
    version: str
    files: int
    signed: bool


def default_bundle_name(version: str) -> str:
    return f"edhs-{version}.tar.gz"


def standard_files(root: Path) -> dict[str, bytes]:
    """Archive name -> content for every file of the standard at `root`."""
    files: dict[str, bytes] = {}
    policies, schemas = root / "policies", root / SCHEMAS
    if (policies / SCHEMAS).exists():
        raise BundleError(f"{policies / SCHEMAS}: clashes with the schemas/ folder of a bundle")
    for base, prefix in ((policies, ""), (schemas, f"{SCHEMAS}/")):
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            name = prefix + path.relative_to(base).as_posix()
            if name == SIGNATURES_FILE:
                continue  # a stale signature is never carried over
            if prefix and (path.name in OPA_NAMES or path.suffix in {".rego", ".manifest"}):
                raise BundleError(f"{path}: OPA would load this schema file as policy or data")
            files[name] = path.read_bytes()
    return files


def build_bundle(
    root: Path | None = None,
    signing_key: Path | None = None,
    key_id: str = "default",
    scope: str | None = None,
) -> BuiltBundle:
    """The standard at `root` (default: the shipped one) as bundle bytes, signed if asked."""
    standard = load_standard(root)  # refuses a broken standard before it is packed
    files = standard_files(standard.root)
    if signing_key is not None:
        files[SIGNATURES_FILE] = signatures_file(files, signing_key, key_id, scope)
    return BuiltBundle(
        data=pack(files), version=standard.version, files=len(files), signed=bool(signing_key)
    )


def pack(files: dict[str, bytes]) -> bytes:
    """A byte-for-byte reproducible .tar.gz of these files."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def read_archive(path: Path) -> dict[str, bytes]:
    """Every regular file of the archive by normalised name, refusing anything unsafe."""
    label = str(path)
    files: dict[str, bytes] = {}
    total = members = 0
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            while (member := tar.next()) is not None:
                members += 1
                if members > MAX_MEMBERS:
                    raise BundleError(f"{label}: refused: more than {MAX_MEMBERS} entries")
                name = _safe_name(label, member)
                if member.isdir():
                    continue
                total += member.size
                if total > MAX_UNPACKED_BYTES:
                    raise BundleError(
                        f"{label}: refused: more than {MAX_UNPACKED_BYTES // 2**20} MiB unpacked"
                    )
                if name in files:
                    raise BundleError(f"{label}: refused: {name} appears twice")
                handle = tar.extractfile(member)
                files[name] = handle.read() if handle else b""
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BundleError(f"{label}: not a readable .tar.gz bundle ({exc})") from None
    except OSError as exc:
        raise BundleError(f"{label}: cannot read ({exc.strerror or exc})") from None
    return files


def _safe_name(label: str, member: tarfile.TarInfo) -> str:
    raw = member.name
    if raw.startswith("/") or raw.startswith("\\") or re.match(r"^[A-Za-z]:", raw):
        raise BundleError(f"{label}: refused: {raw!r} is an absolute path")
    parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise BundleError(f"{label}: refused: {raw!r} leaves the archive (path traversal)")
    if member.issym():
        raise BundleError(f"{label}: refused: {raw!r} is a symbolic link")
    if member.islnk():
        raise BundleError(f"{label}: refused: {raw!r} is a hard link")
    if member.ischr() or member.isblk() or member.isfifo():
        raise BundleError(f"{label}: refused: {raw!r} is a device or special file")
    if not (member.isreg() or member.isdir()):
        raise BundleError(f"{label}: refused: {raw!r} is not a regular file")
    data_filter = getattr(tarfile, "data_filter", None)
    if data_filter is not None:  # the standard library's own check, as a second opinion
        try:
            data_filter(member, tempfile.gettempdir())
        except tarfile.FilterError as exc:
            raise BundleError(f"{label}: refused: {exc}") from None
    if not parts and not member.isdir():
        raise BundleError(f"{label}: refused: an entry has no name")
    return "/".join(parts)


def unpack_standard(path: Path, verification_key: Path | None = None) -> Path:
    """Check (and, with a key, verify) the archive, then lay it out as a standard directory
    (`policies/`, `schemas/`) in a temporary folder that lives until the process ends."""
    files = read_archive(path)
    signed = SIGNATURES_FILE in files
    if verification_key is not None:
        verify_files(str(path), files, verification_key)
    elif signed:
        raise BundleError(
            f"{path}: the bundle is signed; give --verification-key PUBLIC_KEY.pem "
            "(or PYRULES_VERIFICATION_KEY) to verify it"
        )
    if ".manifest" not in files:
        raise BundleError(f"{path}: not a bundle (no .manifest at the archive root)")
    if f"{SCHEMAS}/declaration.schema.json" not in files:
        raise BundleError(
            f"{path}: not a pyrules standard bundle (no schemas/declaration.schema.json); "
            "build one with pyrules bundle build"
        )
    root = Path(tempfile.mkdtemp(prefix="pyrules-bundle-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for name, data in files.items():
        if name == SIGNATURES_FILE:
            continue
        relative = PurePosixPath(name)
        if relative.parts[0] != SCHEMAS:
            relative = PurePosixPath("policies") / relative
        target = root.joinpath(*relative.parts)
        if not target.resolve().is_relative_to(root.resolve()):  # unreachable after the checks
            raise BundleError(f"{path}: refused: {name!r} leaves the archive")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def is_archive(path: Path) -> bool:
    if path.name.endswith(ARCHIVE_SUFFIXES):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(2) == b"\x1f\x8b"  # gzip magic, whatever the name
    except OSError:
        return False


def load_bundle_standard(path: Path, verification_key: Path | None = None) -> Standard:
    """A standard from a bundle archive; errors name the archive, not the temporary folder."""
    root = unpack_standard(path, verification_key)
    try:
        standard = load_standard(root)
        # Read and checked now (the archive comes from elsewhere), so that a broken schema
        # fails here, naming the archive and the member.
        error = metaschema_error(standard.schema, f"{SCHEMAS}/declaration.schema.json")
        if error is not None:
            raise error
    except StandardError as exc:
        message = str(exc).replace(f"{root}/policies/", "").replace(f"{root}/", "")
        raise StandardError(f"{path}: {message}") from None
    return standard
