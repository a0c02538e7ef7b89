"""Assessment rounds: an archive that keeps every round an EMB ran, untouched.

An election management body assesses the same platforms several times (first
submissions, corrected ones, a final check) and must later show what it decided when.
`pyrules assess ... --out ARCHIVE` therefore writes each run into a round folder of its
own, `ARCHIVE/<round>/`, and rebuilds the archive's index (`index.html`, `index.json`).

Decisions:

- A round's name defaults to its reference date and a counter (`2026-05-01-1`, then
  `-2`...); `--round NAME` names it (letters, digits, `.`, `_`, `-`; not `index.*`).
- Nothing of an earlier round is ever removed or changed. Reusing a name is an error
  unless `--replace` is given, and then only the files that round wrote go (its
  `round.json` lists them); anything else in the folder is left, and `pyrules verify`
  names it as added. The new `round.json` lists each replaced run whose record said
  something else (`replaced`: when it was generated, the SHA-256 of its record).
- A round is written into a hidden folder beside the others and renamed into place, so
  an interrupted run never leaves half a round.
- `round.json` is the round's record: name, order in the archive (`sequence`), the
  previous round, reference date, standard, profile, each platform's verdict, score and
  status per control, and the files of the round. The index and `pyrules compare` read
  it; the round's attestation signs it with every other file.
- A round keeps a copy of each declaration it assessed (`declarations/`), so the record
  shows what was judged and every subject of its attestation is a file of the round.
- The index is derived: it is rebuilt from the rounds' records on every run, so it
  never disagrees with them. It is not part of any round, and not signed.
- "The previous round" of a round is the one before it in the archive's order when it
  was made; the round's own comparison (`changes.*`) is with that round as it was then.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrules.errors import InputError

if TYPE_CHECKING:
    from concurrent.futures import Future

RECORD = "round.json"
ATTESTATION = "round.intoto.json"
INDEX_FILES = ("index.html", "index.json")
CHANGES_FILES = ("changes.md", "changes.html", "changes.json")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_TEMP_PREFIX = ".incoming-"


@dataclass(frozen=True)
class RoundPlatform:
    """One platform as a round recorded it."""

    key: str
    file: str
    name: str
    verdict: str
    reason: str | None
    score: float | None
    declaration_sha256: str | None
    controls: dict[str, str]  # control ID -> status


@dataclass(frozen=True)
class RoundRecord:
    name: str
    sequence: int
    previous: str | None
    reference_date: str
    standard_version: str
    standard_sha256: str
    profile: dict[str, str] | None  # {name, sha256}
    fail_on: str
    tool_version: str
    generated_at: str | None
    signed: bool
    platforms: list[RoundPlatform]
    files: list[str] = field(default_factory=list)  # written by the round, but RECORD
    not_assessed: dict[str, str] = field(default_factory=dict)  # left out by the profile: why
    # Each earlier run of this round that --replace removed, oldest first: when it was
    # generated and the SHA-256 of its round.json, so a replacement is never without trace.
    replaced: list[dict[str, str | None]] = field(default_factory=list)

    def to_json(self) -> str:
        """`json.dumps(indent=2, ensure_ascii=False, sort_keys=True)` of the record, written
        by orjson where the bytes are the same (see pyrules.render.json.dumps_sorted)."""
        from pyrules.render.json import dumps_sorted

        # Field by field rather than asdict, which deep-copies every status of every
        # platform first; the JSON is the same.
        data = {**vars(self), "platforms": [vars(p) for p in self.platforms]}
        return dumps_sorted(data) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundRecord:
        platforms = [RoundPlatform(**p) for p in data["platforms"]]
        return cls(**{**data, "platforms": platforms})

    def counts(self) -> dict[str, int]:
        verdicts = ("compliant", "not compliant", "could not be assessed")
        return {v: sum(1 for p in self.platforms if p.verdict == v) for v in verdicts}


_TEXT: dict[str, Any] = {"type": "string"}
_OPTIONAL_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_SCORE: dict[str, Any] = {"type": ["number", "null"]}
# round.json as RoundRecord.to_json writes it, checked before any field is read: the
# index, compare and the next round read records that may have been edited by hand.
RECORD_SHAPE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "sequence", "previous", "reference_date", "standard_version",
                 "standard_sha256", "profile", "fail_on", "tool_version", "generated_at",
                 "signed", "platforms"],
    "properties": {
        "name": {"type": "string", "pattern": _NAME.pattern},
        "sequence": {"type": "integer", "minimum": 1, "maximum": 2**31},
        "previous": _OPTIONAL_TEXT,
        "reference_date": _TEXT,
        "standard_version": _TEXT,
        "standard_sha256": _TEXT,
        "profile": {"type": ["object", "null"], "additionalProperties": _TEXT},
        "fail_on": _TEXT,
        "tool_version": _TEXT,
        "generated_at": _OPTIONAL_TEXT,
        "signed": {"type": "boolean"},
        "platforms": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "file", "name", "verdict", "reason", "score",
                             "declaration_sha256", "controls"],
                "properties": {
                    "key": _TEXT,
                    "file": _TEXT,
                    "name": _TEXT,
                    "verdict": {"enum": ["compliant", "not compliant", "could not be assessed"]},
                    "reason": _OPTIONAL_TEXT,
                    "score": _SCORE,
                    "declaration_sha256": _OPTIONAL_TEXT,
                    "controls": {"type": "object"},  # its values: see read_record
                },
            },
        },
        "files": {"type": "array", "items": _TEXT},
        "not_assessed": {"type": "object", "additionalProperties": _TEXT},
        "replaced": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["generated_at", "record_sha256"],
                "properties": {"generated_at": _OPTIONAL_TEXT, "record_sha256": _TEXT},
            },
        },
    },
}  # fmt: skip


def read_record(folder: Path) -> RoundRecord:
    """A round's record; anything else is an input error naming the file and the place."""
    from pyrules.json_files import read_json, shape_problem

    path = folder / RECORD
    if not path.exists():
        raise InputError(f"{folder}: not an assessment round (it has no {RECORD})")
    data = read_json(path, "a round record")
    problem = shape_problem(data, RECORD_SHAPE) or _status_problem(data["platforms"])
    if problem is not None:
        raise InputError(f"{path}: not a round record written by pyrules: {problem}")
    return RoundRecord.from_dict(data)


def _status_problem(platforms: list[dict[str, Any]]) -> str | None:
    """Each status is text: checked here, since a schema check of every platform x
    control costs more than the rest of the round's record (index and compare read many)."""
    for index, platform in enumerate(platforms):
        for control, status in platform["controls"].items():
            if not isinstance(status, str):
                return f"/platforms/{index}/controls/{control}: the status is not text"
    return None


def check_name(name: str) -> str:
    if not _NAME.match(name) or name in INDEX_FILES:
        raise InputError(
            f"--round {name!r}: a round name is letters, digits, '.', '_' or '-' (at most 80, "
            "starting with a letter or digit), and not index.html or index.json"
        )
    return name


def rounds(archive: Path) -> list[RoundRecord]:
    """The archive's rounds in their order (sub-folders holding a round record)."""
    if not archive.is_dir():
        return []
    found = [
        read_record(p)
        for p in sorted(archive.iterdir())
        if p.is_dir() and not p.name.startswith(".") and (p / RECORD).is_file()
    ]
    return sorted(found, key=lambda r: (r.sequence, r.name))


def check_archive(archive: Path, *, force: bool = False) -> None:
    """An archive folder is new, empty, an archive (it has index.json), or `force`d."""
    if archive.exists() and not archive.is_dir():
        raise InputError(f"{archive}: not a directory (--out)")
    if force or not archive.is_dir() or (archive / INDEX_FILES[1]).is_file():
        return
    try:
        empty = next(archive.iterdir(), None) is None
    except OSError as exc:
        raise InputError(f"{archive}: cannot read the archive folder ({exc.strerror})") from None
    if not empty:
        raise InputError(
            f"{archive}: not empty and not an assessment archive (it has no "
            f"{INDEX_FILES[1]}); choose an empty folder or pass --force"
        )


@dataclass(frozen=True)
class Plan:
    """Where this run's round goes and what it follows."""

    archive: Path
    name: str
    sequence: int
    previous: RoundRecord | None
    replaces: RoundRecord | None
    existing: tuple[RoundRecord, ...] = ()  # the archive's rounds as planning read them

    @property
    def folder(self) -> Path:
        return self.archive / self.name

    def rounds_after(self, record: RoundRecord) -> list[RoundRecord]:
        """The archive's rounds once `record` is written, as `rounds` would read them back:
        the index needs no second pass over every round's record."""
        kept = [r for r in self.existing if r.name != self.name]
        return sorted([*kept, record], key=lambda r: (r.sequence, r.name))


def plan(archive: Path, name: str | None, reference_date: str, *, replace: bool) -> Plan:
    """Choose the round's name and place; refuse a name in use unless `replace`."""
    existing = rounds(archive)
    by_name = {r.name: r for r in existing}
    if name is None:
        counter = 1
        while (archive / f"{reference_date}-{counter}").exists():
            counter += 1
        name = f"{reference_date}-{counter}"
    check_name(name)
    folder = archive / name
    old = by_name.get(name)
    if old is None and folder.exists():
        raise InputError(
            f"{folder}: exists and is not a round of this archive; choose another name"
        )
    if old is not None and not replace:
        raise InputError(
            f"{folder}: round {name!r} already exists; an earlier round is never overwritten "
            "(choose another --round, or pass --replace to replace this one)"
        )
    if old is not None:
        earlier = [r for r in existing if r.sequence < old.sequence]
        previous = earlier[-1] if earlier else None
        return Plan(archive, name, old.sequence, previous, old, tuple(existing))
    sequence = max((r.sequence for r in existing), default=0) + 1
    return Plan(archive, name, sequence, existing[-1] if existing else None, None, tuple(existing))


def replaced_runs(plan: Plan, record: RoundRecord) -> list[dict[str, str | None]]:
    """What the new `record` keeps of the runs `--replace` removes: every earlier one the
    replaced record listed, then that record itself (when, and which bytes), unless it
    recorded the same as the new one (a rerun that changes nothing stays reproducible)."""
    old = plan.replaces
    if old is None:
        return []
    if replace(old, replaced=[]) == replace(record, replaced=[]):
        return old.replaced
    digest = hashlib.sha256((plan.folder / RECORD).read_bytes()).hexdigest()
    return [*old.replaced, {"generated_at": old.generated_at, "record_sha256": digest}]


class RoundWriter:
    """Writes a round's files into a hidden folder beside the others while the caller
    renders the rest, then puts them in place (`finish`): a new round by renaming the
    folder, a replaced one by removing its own files first. Nothing else of the archive
    is touched, and the hidden folder goes whatever happens.

    Files are written in a thread of its own: writing a file is mostly the kernel's work,
    done without the GIL, so on a second core it overlaps the rendering of the matrix."""

    def __init__(self, plan: Plan) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.plan = plan
        self.temp = plan.archive / f"{_TEMP_PREFIX}{plan.name}-{secrets.token_hex(4)}"
        self.names: list[str] = []
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="round-writer")
        self._writes: list[Future[None]] = []

    def __enter__(self) -> RoundWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._thread.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.temp, ignore_errors=True)

    def write(self, files: dict[str, bytes]) -> None:
        """Start writing `files` (paths relative to the round's folder)."""
        self.names.extend(files)
        self._writes.append(self._thread.submit(_write_files, self.temp, dict(files)))

    def finish(self) -> None:
        plan = self.plan
        try:
            for write in self._writes:
                write.result()
            if plan.replaces is None:
                self.temp.rename(plan.folder)
                return
            _remove_own_files(plan.folder, plan.replaces)
            for name in sorted(self.names):
                target = plan.folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                (self.temp / name).replace(target)
        except OSError as exc:
            where = exc.filename or plan.archive
            raise InputError(f"{where}: cannot write the round ({exc.strerror})") from None


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for parent in sorted({name.rpartition("/")[0] for name in files}):
        (folder / parent).mkdir(parents=True, exist_ok=True)
    for name in sorted(files):
        (folder / name).write_bytes(files[name])


def _remove_own_files(folder: Path, record: RoundRecord) -> None:
    own = [RECORD, ATTESTATION, *record.files]
    for name in own:
        path = folder / name
        if path.is_symlink() or path.is_file():
            path.unlink()
    for directory in sorted({(folder / n).parent for n in own}, reverse=True):
        if directory != folder and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()


def write_index(archive: Path, records: Sequence[RoundRecord] | None = None) -> None:
    """Rebuild index.json and index.html from the rounds' records (`records`: the
    archive's rounds in their order, already read; by default read from the archive)."""
    records = rounds(archive) if records is None else records
    index = {
        "rounds": [
            {
                "name": r.name,
                "sequence": r.sequence,
                "previous": r.previous,
                "reference_date": r.reference_date,
                "standard_version": r.standard_version,
                "profile": r.profile,
                "not_assessed": r.not_assessed,
                "replaced": r.replaced,
                "fail_on": r.fail_on,
                "signed": r.signed,
                "verdicts": r.counts(),
                "files": {
                    "matrix": f"{r.name}/matrix.html",
                    "summary": f"{r.name}/summary.md",
                    "record": f"{r.name}/{RECORD}",
                    "changes": f"{r.name}/changes.html" if r.previous else None,
                    "attestation": f"{r.name}/{ATTESTATION}" if r.signed else None,
                },
            }
            for r in records
        ]
    }

    from pyrules import __version__
    from pyrules.render import jinja, not_assessed_groups

    html = jinja.template("index.html.j2").render(
        rounds=index["rounds"], tool_version=__version__, groups=not_assessed_groups
    )
    try:
        (archive / INDEX_FILES[1]).write_text(json.dumps(index, indent=2) + "\n", "utf-8")
        (archive / INDEX_FILES[0]).write_text(html, "utf-8")
    except OSError as exc:
        raise InputError(f"{archive}: cannot write the index ({exc.strerror})") from None


def round_files(folder: Path) -> list[str]:
    """Every file under a round folder, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def is_index(path: Path) -> bool:
    """Whether `path` is an archive's index.json (beside at least one round folder): an
    archive kept in a submissions folder must not read its index back as a declaration."""
    if path.name != INDEX_FILES[1]:
        return False
    return any(child.is_dir() and (child / RECORD).is_file() for child in path.parent.iterdir())
