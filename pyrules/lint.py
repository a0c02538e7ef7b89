"""The standard checks itself: METADATA, IDs against the catalogue, test cases, paths,
parameters and schema coverage, and the state of every legal reference and each control's
basis. Each problem is one line `file:line: message`.

The reads of a policy are found statically in its Rego source by `pyrules.rego_source`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrules.errors import InputError
from pyrules.loader import load
from pyrules.model import Module
from pyrules.profile import ASSESSMENT_PARAM
from pyrules.rego_source import (
    FieldPath,
    field_reads,
    input_reads,
    lib_reads,
    named_paths,
    parameter_reads,
    reads_with_lib,
)
from pyrules.schema import READ_BY_PYRULES, schema_fields
from pyrules.standard import Standard

CATALOGUE_ENTRY = re.compile(
    r"^\*\*(?P<id>[A-Z]{3}-\d{2}) (?P<title>.+?)\*\* · (?P<severity>\w+) · "
    r"(?P<aceeeo>R\d(?:, R\d)*) · (?P<condition>\S+)",
    re.MULTILINE,
)
# A "still to be checked" mark left in published text: "(verify)", "(verify paragraph)",
# "(media literacy, verify)", "to verify". The plain verb ("verify sponsors") is fine.
VERIFY_MARK = re.compile(r"\([^()]*\bverify\b[^()]*\)|\bto verify\b", re.IGNORECASE)
ID_PREFIX = re.compile(r"^[a-z]{3}_\d{2}_")  # the ID part of a policy's file name
LINK = re.compile(r"^https?://\S+$")  # the version check, before any policy runs
CONDITIONS = {
    "always": "Always.",
    "sells_political_ads": "Platforms that accept political ads.",
    "vlop": "Very large online platforms (DSA Art 33).",
}


@dataclass(frozen=True)
class LintProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def lint(standard: Standard, cases_dir: Path, catalogue: Path | None) -> list[LintProblem]:
    problems: list[LintProblem] = []
    problems += _catalogue_problems(standard, catalogue) if catalogue else []
    problems += _case_problems(standard, cases_dir)
    problems += _file_name_problems(standard)
    problems += _reference_problems(standard)
    problems += _named_path_problems(standard)
    problems += _unguarded_deny_problems(standard)
    problems += _message_problems(standard)
    problems += _evidence_problems(standard)
    problems += _basis_problems(standard)
    problems += _citation_problems(standard)
    problems += _parameter_description_problems(standard)
    problems += _about_problems(standard)
    return problems


def semver_problems(old: Standard, new: Standard) -> list[LintProblem]:
    """The diff's version problems as lint problems, located at the version's line."""
    from pyrules.diff import diff_standards, version_problems

    return [
        LintProblem("policies/.manifest:1", problem)
        for problem in version_problems(diff_standards(old, new))
    ]


def _evidence_problems(standard: Standard) -> Iterator[LintProblem]:
    """Evidence rules (policies/edhs/evidence/) are no controls: their METADATA and their
    compilation to SQL are checked instead."""
    from pyrules.ads.rules import lint_problems  # OPA's engine: only when there are some

    for where, message in lint_problems(standard):
        yield LintProblem(where, message)


def _catalogue_problems(standard: Standard, catalogue: Path) -> Iterator[LintProblem]:
    try:
        text = catalogue.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"{catalogue}: cannot read the catalogue ({reason})") from None
    entries = {m["id"]: m for m in CATALOGUE_ENTRY.finditer(text)}
    ids = {c.id for c in standard.controls}
    for control in standard.controls:
        where = f"policies/{control.source}:{control.line}"
        entry = entries.get(control.id)
        if entry is None:
            yield LintProblem(where, f"{control.id} is not in the catalogue")
            continue
        if entry["severity"] != control.severity:
            yield LintProblem(
                where, f"severity {control.severity}; the catalogue says {entry['severity']}"
            )
        if entry["aceeeo"].split(", ") != control.aceeeo:
            yield LintProblem(
                where, f"ACEEEO {control.aceeeo}; the catalogue says {entry['aceeeo']}"
            )
        expected = CONDITIONS.get(entry["condition"])
        if expected and control.applies_when != expected:
            yield LintProblem(where, f"applies_when should be {expected!r}")
        if entry["title"].strip() != control.title:
            yield LintProblem(where, f"title differs from the catalogue: {entry['title']!r}")
    for missing in sorted(set(entries) - ids):
        line = text.count("\n", 0, entries[missing].start()) + 1
        yield LintProblem(f"{catalogue.name}:{line}", f"{missing} has no policy")
    for mark in VERIFY_MARK.finditer(text):
        line = text.count("\n", 0, mark.start()) + 1
        yield LintProblem(
            f"{catalogue}:{line}",
            f"{' '.join(mark.group(0).split())!r}: state what is unconfirmed in the policy",
        )


def _basis_problems(standard: Standard) -> Iterator[LintProblem]:
    for control in standard.controls:
        where = f"policies/{control.source}:{control.line}"
        if control.basis is None:
            yield LintProblem(
                where, f"{control.id} has no custom.basis (law, law+threshold, standard)"
            )
        elif control.basis != "law" and not control.basis_note:
            yield LintProblem(
                where,
                f"{control.id} is {control.basis}: say in custom.basis_note how it goes "
                "beyond the law",
            )


def _citation_problems(standard: Standard) -> Iterator[LintProblem]:
    """Every reference links to its source and says whether it was confirmed; no text still
    carries a 'verify' mark."""
    for control in standard.controls:
        where = f"policies/{control.source}:{control.line}"
        texts = [control.title, control.description, control.rationale, control.remediation]
        texts += [control.applies_when, control.basis_note]
        for ref in control.references:
            cited = ref.description or ref.ref
            texts += [ref.description, ref.words, ref.note]
            if not LINK.match(ref.ref):
                yield LintProblem(where, f"reference {cited!r} has no http(s) link")
            if ref.state is None:
                yield LintProblem(
                    where,
                    f"reference {cited!r} has no state in custom.references "
                    "(confirmed or unconfirmed)",
                )
            elif ref.state == "confirmed" and not (ref.words and ref.read_in):
                yield LintProblem(
                    where,
                    f"reference {cited!r} is confirmed: give the decisive words and "
                    "where they were read (words, read_in)",
                )
            elif ref.state == "unconfirmed" and not ref.note:
                yield LintProblem(where, f"reference {cited!r} is unconfirmed: say why (note)")
        for text in texts:
            for mark in VERIFY_MARK.finditer(text):
                yield LintProblem(
                    where, f"{mark.group(0)!r}: record the reference's state instead of a mark"
                )


def _about_problems(standard: Standard) -> Iterator[LintProblem]:
    """standard/about.yaml (what the home page and the citation say) is valid; `check`
    reads only its site_url, so lint is where a mistake in the rest shows."""
    from pyrules.about import load_about
    from pyrules.site_url import ABOUT

    if not (standard.root / ABOUT).is_file():
        return
    try:
        load_about(standard.root)
    except InputError as exc:
        where, _, message = str(exc).partition(": ")
        yield LintProblem(where, message)


def _parameter_description_problems(standard: Standard) -> Iterator[LintProblem]:
    schema = standard.params_schema_path.relative_to(standard.root).as_posix()
    for name, description in standard.parameter_descriptions.items():
        if not description:
            yield LintProblem(f"{schema}:1", f"parameter {name} has no description")
    properties = standard.params_schema.get("properties") or {}
    for name in sorted(set(properties) - set(standard.params)):
        yield LintProblem(
            f"{schema}:1", f"describes parameter {name}, which params/data.json lacks"
        )
    if standard.params_schema:
        import jsonschema

        validator = jsonschema.Draft202012Validator(standard.params_schema)
        for error in sorted(validator.iter_errors(standard.params), key=str):
            at = "/".join(str(p) for p in error.absolute_path) or "(root)"
            yield LintProblem("policies/edhs/params/data.json:1", f"{at}: {error.message}")


def _case_problems(standard: Standard, cases_dir: Path) -> Iterator[LintProblem]:
    for control in standard.controls:
        path = cases_dir / f"{control.id}.yaml"
        if not path.is_file():
            yield LintProblem(
                f"policies/{control.source}:{control.line}", f"no test cases ({path})"
            )
            continue
        cases = load(path).data.get("cases") or []
        expects = {c.get("expect") for c in cases if isinstance(c, dict)}
        for needed in ("pass", "fail"):
            if needed not in expects:
                yield LintProblem(f"{path}:1", f"no '{needed}' case for {control.id}")
        if control.applies_when != "Always." and "not_applicable" not in expects:
            yield LintProblem(f"{path}:1", f"no 'not_applicable' case for {control.id}")
        if not any(isinstance(c, dict) and c.get("schema") is False for c in cases):
            yield LintProblem(
                f"{path}:1",
                f"no 'schema: false' case for {control.id}: show that the policy does not "
                "pass an input that skips the schema",
            )


def policy_file_name(control_id: str, name: str) -> str:
    """The file a control lives in, e.g. inc/inc_01_breach_notification.rego for INC-01, so
    the ID alone finds it (as it finds tests/cases/INC-01.yaml and the docs page)."""
    family, _ = control_id.lower().split("-")
    return f"{family}/{control_id.lower().replace('-', '_')}_{name}.rego"


def _file_name_problems(standard: Standard) -> Iterator[LintProblem]:
    for control in standard.controls:
        stem = control.source.rsplit("/", 1)[-1].removesuffix(".rego")
        expected = "edhs/" + policy_file_name(control.id, ID_PREFIX.sub("", stem))
        if control.source != expected:
            yield LintProblem(
                f"policies/{control.source}:{control.line}",
                f"{control.id} belongs in policies/{expected}: a control's file is named by its ID",
            )


def _message_problems(standard: Standard) -> Iterator[LintProblem]:
    for module in _control_modules(standard):
        for number, line in enumerate(module.source.splitlines(), 1):
            if "sprintf(" in line and not line.lstrip().startswith("#"):
                yield LintProblem(
                    f"policies/{module.path}:{number}",
                    "build messages with lib.message, not sprintf",
                )


def _control_modules(standard: Standard) -> list[Module]:
    packages = {c.package for c in standard.controls}
    return [m for m in standard.modules if m.package in packages]


def _reference_problems(standard: Standard) -> Iterator[LintProblem]:
    fields = schema_fields(standard.schema)
    read: set[FieldPath] = set()
    for module in standard.modules:
        module_reads = field_reads(module.source)
        read |= module_reads
        for path in sorted(module_reads):
            if path and path[0] in {k[0] for k in fields} and path not in fields:
                yield LintProblem(
                    f"policies/{module.path}:{_line_of(module.source, path[-1])}",
                    f"reads {'.'.join(path)}, which the declaration schema does not have",
                )
        for param in sorted(parameter_reads(module.source)):
            if param not in standard.params:
                yield LintProblem(
                    f"policies/{module.path}:{_line_of(module.source, param)}",
                    f"reads parameter {param}, which params/data.json does not define",
                )
    used_params = set().union(*(parameter_reads(m.source) for m in standard.modules))
    # The assessment document is read whole by the lib (object.get), and set by pyrules.
    for param in sorted(set(standard.params) - used_params - {ASSESSMENT_PARAM}):
        yield LintProblem(
            "policies/edhs/params/data.json:1", f"parameter {param} is read by no policy"
        )
    read_prefixes = {path[:n] for path in read | READ_BY_PYRULES for n in range(1, len(path) + 1)}
    for path, node in sorted(fields.items()):
        if path[-1] == "*" or not _is_leaf(node) or _informational(fields, path):
            continue  # list items are read with their list
        if path not in read_prefixes:
            yield LintProblem(
                "schemas/declaration.schema.json:1",
                f"field {'.'.join(path)} is read by no control; read it or mark it x-informational",
            )


def _named_path_problems(standard: Standard) -> Iterator[LintProblem]:
    """A control reads fields as `input.a.b` and names the paths its findings point at
    (`field := [...]`): a named path it never reads would send users to a field the rule
    does not judge. Passing the name itself (`object.get(input, field, [])`, a list's
    `array.concat(field, ...)`) reads it too."""
    top = {path[0] for path in schema_fields(standard.schema)}
    lib = lib_reads(standard.modules, input_reads)
    for module in _control_modules(standard):
        reads = reads_with_lib(module.source, lib, input_reads)
        for name, path in named_paths(module.source).items():
            if path[0] not in top or "*" in path:
                continue  # not a declaration path (a list of values, an item's path)
            if any(read[: len(path)] == path for read in reads):
                continue
            if re.search(rf"(?:object\.get\(input,\s*|array\.concat\(){name}\b", module.source):
                continue
            dotted = ".".join(path)
            yield LintProblem(
                f"policies/{module.path}:{_line_of(module.source, f'{name} := ')}",
                f"{name} names {dotted}, but the control does not read input.{dotted}",
            )


DENY_BODY = re.compile(r"^deny contains .* if \{\n(.*)$", re.MULTILINE)


def _unguarded_deny_problems(standard: Standard) -> Iterator[LintProblem]:
    """A control with a condition starts every deny rule with `applicable`: a control that
    does not apply then has no findings, and OPA skips its checks, which cost a declaration
    exempt from many controls (no political ads, not very large) most of its evaluation."""
    for module in _control_modules(standard):
        if "\ndefault applicable := false\n" not in module.source:
            continue
        for match in DENY_BODY.finditer(module.source):
            if match.group(1).strip() != "applicable":
                line = module.source.count("\n", 0, match.start()) + 1
                yield LintProblem(
                    f"policies/{module.path}:{line}",
                    "a deny rule of a control with a condition must start with `applicable`",
                )


def _is_leaf(node: dict[str, Any]) -> bool:
    return "properties" not in node and not (
        isinstance(node.get("items"), dict) and "properties" in node["items"]
    )


def _informational(fields: dict[FieldPath, dict[str, Any]], path: FieldPath) -> bool:
    return any(fields.get(path[:n], {}).get("x-informational") for n in range(1, len(path) + 1))


def _line_of(source: str, needle: str) -> int:
    index = source.find(needle)
    return source.count("\n", 0, index) + 1 if index >= 0 else 1
