"""Loads one version of the standard: its controls, parameters, schema and digest.

A standard is a directory holding `policies/` (an OPA bundle directory whose `.manifest`
revision is the standard version) and `schemas/`. The controls are read from the
`# METADATA` blocks of the policies (see `pyrules.rego_source`). Resolving a directory or a
bundle archive is `pyrules.sources`' job: this module reads a directory and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pyrules.errors import StandardError
from pyrules.model import BASES, SEVERITIES, Control, Family, Module, Reference

CONTROL_ID = re.compile(r"^[A-Z]{3}-\d{2}$")
REQUIRED_CUSTOM = ("id", "severity", "aceeeo", "rationale", "applies_when", "remediation")
REFERENCE_STATES = ("confirmed", "unconfirmed")
REVIEW_TEXTS = ("words", "read_in", "note")


def default_standard_dir() -> Path:
    """The standard shipped in the wheel, or the repository's own when run from a checkout."""
    packaged = Path(__file__).parent / "_standard"
    if (packaged / "policies").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def shipped(*parts: str) -> Path:
    """A file shipped with the standard (docs/, tests/cases/, standard/about.yaml): the
    wheel holds them in the checkout's layout, so the same path works in both."""
    return default_standard_dir().joinpath(*parts)


@dataclass(frozen=True)
class Standard:
    root: Path
    version: str
    modules: tuple[Module, ...]
    controls: tuple[Control, ...]
    families: tuple[Family, ...]
    params: dict[str, Any]
    sha256: str
    _by_id: dict[str, Control] = field(default_factory=dict, repr=False, compare=False)

    @property
    def schema_path(self) -> Path:
        return self.root / "schemas" / "declaration.schema.json"

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The declaration schema; read on first use, as listing controls does not need it."""
        schema = _read_json(self.schema_path)
        if not isinstance(schema, dict):  # a JSON Schema may be true or false; ours never is
            raise StandardError(f"{self.schema_path}:1:1: the schema must be a JSON object")
        return schema

    @property
    def params_schema_path(self) -> Path:
        return self.root / "schemas" / "params.schema.json"

    @cached_property
    def params_schema(self) -> dict[str, Any]:
        """The parameters' schema: their types and descriptions (empty if the standard has none)."""
        if not self.params_schema_path.is_file():
            return {}
        schema = _read_json(self.params_schema_path)
        return schema if isinstance(schema, dict) else {}

    @cached_property
    def parameter_descriptions(self) -> dict[str, str]:
        """Each parameter's description from the parameters' schema ('' where it has none)."""
        properties = self.params_schema.get("properties") or {}
        return {
            name: " ".join(str((properties.get(name) or {}).get("description") or "").split())
            for name in self.params
        }

    @cached_property
    def major(self) -> str:
        return compatibility_key(self.version)

    def control(self, control_id: str) -> Control:
        return self._by_id[control_id]

    def has_control(self, control_id: str) -> bool:
        return control_id in self._by_id


def compatibility_key(version: str) -> str:
    """Versions with the same key are compatible: the major, and for 0.x also the minor
    (semantic versioning lets 0.x minors break)."""
    parts = version.split(".")
    return ".".join(parts[:2]) if parts[0] == "0" else parts[0]


def load_standard(root: Path | None = None) -> Standard:
    root = Path(root) if root is not None else default_standard_dir()
    policies = root / "policies"
    if not policies.is_dir():
        raise StandardError(f"{root}: not a standard (no policies/ directory)")
    files = _read_files(root)
    version = _read_version(policies / ".manifest", files.get("policies/.manifest"))
    texts = {  # by bundle path, as the engines and the controls name them
        name.removeprefix("policies/"): _decode(f"{root}/{name}", data)
        for name, data in files.items()
        if name.startswith("policies/") and name.endswith(".rego")
    }
    sha256 = _digest(files)
    modules, families, controls = _parsed(texts, sha256)
    params_path = policies / "edhs" / "params" / "data.json"
    params = _read_json(params_path, files.get("policies/edhs/params/data.json"))
    if not isinstance(params, dict):
        raise StandardError(f"{params_path}:1:1: the parameters must be a JSON object")
    return Standard(
        root=root,
        version=version,
        modules=modules,
        controls=controls,
        families=families,
        params=params,
        sha256=sha256,
        _by_id=_index(controls, params, params_path.name),
    )


Parsed = tuple[tuple[Module, ...], tuple[Family, ...], tuple[Control, ...]]


def _parsed(texts: dict[str, str], sha256: str) -> Parsed:
    """Modules, families and controls from the policies' texts (by bundle path): from the
    cache when the same files were parsed by the same code before, as parsing the METADATA
    YAML and what each policy reads is most of the cost of loading a standard."""
    cache = _cache_file(sha256)
    parsed = _from_cache(cache, texts)
    if parsed is None:
        from pyrules.rego_source import lib_reads, parameter_reads, parse_module

        modules = tuple(parse_module(path, text) for path, text in texts.items())
        families = tuple(
            _family(m)
            for m in modules
            if m.annotation and m.annotation.get("scope") == "subpackages"
        )
        lib_params = lib_reads(modules, parameter_reads)
        controls = tuple(
            sorted(
                (_control(m, lib_params) for m in modules if _is_control(m)),
                key=lambda c: c.id,
            )
        )
        parsed = modules, families, controls
        _to_cache(cache, parsed)
    return parsed


def _index(
    controls: tuple[Control, ...], params: dict[str, Any], params_name: str
) -> dict[str, Control]:
    """The controls by ID; an ID used twice, or a parameter read but not defined, is an error."""
    by_id: dict[str, Control] = {}
    for control in controls:
        if control.id in by_id:
            raise StandardError(
                f"{control.source}:{control.line}: control ID {control.id} is also used by "
                f"{by_id[control.id].source}"
            )
        by_id[control.id] = control
        missing = [name for name in control.parameters if name not in params]
        if missing:  # an undefined parameter would make the control's checks silently pass
            raise StandardError(
                f"policies/{control.source}:{control.line}: {control.id} reads parameter(s) "
                f"{', '.join(missing)}, which {params_name} does not define"
            )
    return by_id


def _read_version(manifest: Path, data: bytes | None) -> str:
    data = _read_json(manifest, data)
    revision = data.get("revision") if isinstance(data, dict) else None
    if not isinstance(revision, str) or not re.fullmatch(r"\d+\.\d+\.\d+", revision):
        raise StandardError(f"{manifest}: 'revision' must be the standard version, e.g. 0.1.0")
    return revision


def _read_files(root: Path) -> dict[str, bytes]:
    """Every file of the standard (policies/ and schemas/) by its path relative to the
    root, read once, in digest order."""
    files = {}
    for sub in ("policies", "schemas"):
        base = root / sub
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            try:
                files[path.relative_to(root).as_posix()] = path.read_bytes()
            except OSError as exc:
                raise StandardError(f"{path}: cannot read ({exc.strerror})") from None
    return files


def _decode(path: Path | str, data: bytes) -> str:
    """UTF-8 text with its line ends made '\\n', as reading the file as text makes them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StandardError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_text(path: Path) -> str:
    try:
        return _decode(path, path.read_bytes())
    except OSError as exc:
        raise StandardError(f"{path}: cannot read ({exc.strerror})") from None


def _read_json(path: Path, data: bytes | None = None) -> Any:
    """A JSON file of the standard, read now unless its bytes are given."""
    text = _read_text(path) if data is None else _decode(path, data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StandardError(f"{path}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise StandardError(f"{path}:1:1: nested too deeply to read") from None


def _is_control(module: Module) -> bool:
    custom = (module.annotation or {}).get("custom")
    return isinstance(custom, dict) and "id" in custom


def _family(module: Module) -> Family:
    annotation = module.annotation or {}
    custom = annotation.get("custom") or {}
    family_id = custom.get("family")
    if not isinstance(family_id, str) or not annotation.get("title"):
        raise StandardError(
            f"{module.path}:{module.package_line}: a family needs a title and custom.family"
        )
    return Family(
        id=family_id,
        title=str(annotation["title"]),
        description=str(annotation.get("description", "")).strip(),
    )


def _control(module: Module, lib_params: dict[str, set[str]]) -> Control:
    from pyrules.rego_source import parameter_reads, reads_with_lib

    annotation = module.annotation or {}
    custom = annotation.get("custom") or {}
    where = f"{module.path}:{module.package_line}"
    missing = [k for k in ("title", "description") if not annotation.get(k)]
    missing += [f"custom.{k}" for k in REQUIRED_CUSTOM if custom.get(k) in (None, "", [])]
    if not annotation.get("related_resources"):
        missing.append("related_resources")
    if missing:
        raise StandardError(f"{where}: METADATA lacks {', '.join(missing)}")
    control_id = str(custom["id"])
    if not CONTROL_ID.match(control_id):
        raise StandardError(f"{where}: control ID {control_id!r} is not of the form ABC-01")
    if custom["severity"] not in SEVERITIES:
        raise StandardError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    references = _references(where, annotation["related_resources"], custom.get("references"))
    basis = custom.get("basis")
    if basis is not None and basis not in BASES:
        raise StandardError(f"{where}: custom.basis must be one of {', '.join(BASES)}")
    aceeeo = custom["aceeeo"]
    return Control(
        id=control_id,
        title=str(annotation["title"]).strip(),
        description=" ".join(str(annotation["description"]).split()),
        severity=custom["severity"],
        family=control_id.split("-")[0],
        aceeeo=[str(a) for a in (aceeeo if isinstance(aceeeo, list) else [aceeeo])],
        rationale=" ".join(str(custom["rationale"]).split()),
        applies_when=" ".join(str(custom["applies_when"]).split()),
        remediation=" ".join(str(custom["remediation"]).split()),
        references=references,
        basis=basis,
        basis_note=" ".join(str(custom.get("basis_note") or "").split()),
        package=module.package,
        source=module.path,
        line=module.package_line,
        parameters=sorted(reads_with_lib(module.source, lib_params, parameter_reads)),
    )


def _references(where: str, resources: Any, reviews: Any) -> list[Reference]:
    """related_resources, each with its review from custom.references (matched by the cited
    text): OPA's METADATA allows only `ref` and `description` in a related resource."""
    if reviews is not None and not isinstance(reviews, list):
        raise StandardError(f"{where}: custom.references must be a list")
    by_cites: dict[str, dict[str, Any]] = {}
    for review in reviews or []:
        if not isinstance(review, dict) or not review.get("cites"):
            raise StandardError(f"{where}: every custom.references entry needs 'cites'")
        cites = " ".join(str(review["cites"]).split())
        if cites in by_cites:
            raise StandardError(f"{where}: custom.references names {cites!r} twice")
        if review.get("state") not in (None, *REFERENCE_STATES):
            raise StandardError(
                f"{where}: the state of {cites!r} must be one of {', '.join(REFERENCE_STATES)}"
            )
        by_cites[cites] = review
    references = []
    for item in resources if isinstance(resources, list) else []:
        if not isinstance(item, dict) or not item.get("ref"):
            raise StandardError(f"{where}: every related_resources entry needs a ref")
        description = " ".join(str(item.get("description", "")).split())
        review = by_cites.pop(description, {})
        references.append(
            Reference(
                ref=str(item["ref"]),
                description=description,
                state=review.get("state"),
                **{k: " ".join(str(review.get(k) or "").split()) for k in REVIEW_TEXTS},
            )
        )
    if by_cites:
        raise StandardError(
            f"{where}: custom.references names {', '.join(map(repr, by_cites))}, which "
            "related_resources does not cite"
        )
    return references


def _digest(files: dict[str, bytes]) -> str:
    """SHA-256 over every file of the standard, by relative path, so any change shows."""
    h = hashlib.sha256()
    for name, data in files.items():
        rel = name.encode()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


# --------------------------------------------------------------------------- the cache

# Parsed standards kept (about 0.2 MB each; each version, copy or edit of a standard is one).
CACHE_KEEP = 16
CACHE_PATTERN = "standard-*.json"
# The code whose output is cached: a change to any of it makes a new key.
PARSING_CODE = ("standard.py", "rego_source.py", "model.py", "levels.py")


def _cache_file(sha256: str) -> Path | None:
    """The cache entry of a standard's digest as parsed by this pyrules and PyYAML (None
    without a home directory or the sources of that code: then nothing is cached)."""
    import yaml

    from pyrules.cache import default_cache_dir

    h = hashlib.sha256(f"{sha256} {yaml.__version__}".encode())
    here = Path(__file__).parent
    try:
        for name in PARSING_CODE:
            h.update((here / name).read_bytes())
        return default_cache_dir() / CACHE_PATTERN.replace("*", h.hexdigest())
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home
        return None


def _from_cache(cache: Path | None, texts: dict[str, str]) -> Parsed | None:
    """The cached parse of these texts; None when there is none, it is damaged (see
    `pyrules.cache`) or it does not fit the texts."""
    from pyrules.cache import read_entry

    payload = read_entry(cache) if cache is not None else None
    if payload is None:
        return None
    try:
        return _decode_parsed(json.loads(payload), texts)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _decode_parsed(cached: dict[str, Any], texts: dict[str, str]) -> Parsed:
    if [m[0] for m in cached["modules"]] != list(texts):
        raise ValueError("cached for other files")
    return (
        tuple(Module(path, texts[path], *rest) for path, *rest in cached["modules"]),
        tuple(Family(**f) for f in cached["families"]),
        tuple(
            Control(**{**c, "references": [Reference(**r) for r in c["references"]]})
            for c in cached["controls"]
        ),
    )


def _to_cache(cache: Path | None, parsed: Parsed) -> None:
    """Cache a parse only when reading it back gives the same objects (METADATA that YAML
    reads as a date, say, would come back as text)."""
    from dataclasses import asdict

    from pyrules.cache import write_entry

    if cache is None:
        return
    modules, families, controls = parsed
    cached = {
        "modules": [[m.path, m.package, m.package_line, m.annotation] for m in modules],
        "families": [asdict(f) for f in families],
        "controls": [asdict(c) for c in controls],
    }
    try:
        payload = json.dumps(cached, ensure_ascii=False).encode()
        same = _decode_parsed(json.loads(payload), {m.path: m.source for m in modules}) == parsed
    except (ValueError, TypeError):
        return
    if same:
        write_entry(cache, payload, CACHE_PATTERN, CACHE_KEEP)
