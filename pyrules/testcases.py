"""Runs each control's test cases (`tests/cases/<ID>.yaml`) through the real pipeline.

A case is a change to the reference compliant declaration (`reference.yaml` beside the
cases): fields to set or remove by JSON pointer, optional parameter overrides, the EMB's
elections (as a profile states them), the reference date, and the expected status and
finding paths. Each changed declaration must still be valid against the schema, so cases
describe declarations a platform could submit, except cases marked `schema: false`: those
are evaluated without the schema (as an OPA server evaluates any input it gets) and show
that the policy protects itself.

Every case has a fixed reference date, `CASES_AS_OF` unless it says `as_of`, so the suite
gives the same verdicts next year.

Finding paths compare as a multiset: a path listed twice requires two findings there, as
when a missing section fails two checks at its parent.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pyrules.engine import Engine
from pyrules.errors import InputError
from pyrules.evaluate import engine_params, make_engine, status_of
from pyrules.loader import Document, load
from pyrules.schema import load_valid, schema_problems
from pyrules.standard import Standard

REFERENCE = "reference.yaml"
CASES_AS_OF = "2026-10-01"  # the reference declaration's submitted_on


@dataclass(frozen=True)
class Case:
    control_id: str
    name: str
    expect: str
    set: dict[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    findings: tuple[str, ...] | None = None
    where: str = ""  # file:line of the case, for messages
    as_of: str = CASES_AS_OF
    elections: tuple[dict[str, Any], ...] = ()  # the EMB's, as its profile states them
    designated_services: tuple[dict[str, Any], ...] = ()  # as a profile states them
    schema: bool = True  # False: evaluated without validating the changed declaration

    @property
    def setting(self) -> str:
        """What the engine must hold for this case: one engine per distinct setting."""
        return json.dumps(
            [self.params, self.as_of, self.elections, self.designated_services], sort_keys=True
        )

    @property
    def as_the_standard(self) -> bool:
        """Run with the standard's own parameters and date and no EMB facts."""
        return not (
            self.params or self.elections or self.designated_services or self.as_of != CASES_AS_OF
        )

    def engine_params(self, standard: Standard) -> dict[str, Any]:
        """The parameters an engine runs this case with, as a profile would set them."""
        return engine_params(
            standard,
            date.fromisoformat(self.as_of),
            self.params,
            elections=self.elections,
            designated_services=self.designated_services,
        )


@dataclass(frozen=True)
class CaseOutcome:
    case: Case
    ok: bool
    detail: str = ""


def default_cases_dir() -> Path:
    """The standard's own cases, also when pyrules is installed from a wheel."""
    from pyrules.standard import shipped

    return shipped("tests", "cases")


def load_cases(directory: Path) -> tuple[Document, list[Case]]:
    """The reference declaration and every case, in file order."""
    if not (directory / REFERENCE).is_file():
        raise InputError(f"{directory}: no {REFERENCE} here; pass --cases DIR")
    reference = load(directory / REFERENCE)
    cases: list[Case] = []
    schema = _read_cases_schema()
    for path in sorted(directory.glob("*.yaml")):
        if path.name != REFERENCE:
            cases.extend(_read_case_file(load_valid(path, schema)))
    return reference, cases


def _read_cases_schema() -> dict[str, Any]:
    from pyrules.standard import default_standard_dir

    return json.loads((default_standard_dir() / "schemas" / "cases.schema.json").read_text())


def _read_case_file(doc: Document) -> Iterator[Case]:
    data = doc.data
    control_id = data["control"]
    entries = data["cases"]
    if Path(doc.name).stem != control_id:
        raise InputError(
            f"{doc.name}:1:1: file is named for {Path(doc.name).stem}, not {control_id}"
        )
    for index, entry in enumerate(entries):
        pointer = f"/cases/{index}"
        _, pos = doc.locate(pointer)
        where = f"{doc.name}:{pos.line}:{pos.column}"
        findings = entry.get("findings")
        yield Case(
            control_id=control_id,
            name=entry["name"],
            expect=entry["expect"],
            set=dict(entry.get("set") or {}),
            remove=tuple(entry.get("remove") or ()),
            params=dict(entry.get("params") or {}),
            findings=tuple(findings) if findings is not None else None,
            where=where,
            as_of=str(entry.get("as_of", CASES_AS_OF)),
            elections=tuple(entry.get("elections") or ()),
            designated_services=tuple(entry.get("designated_services") or ()),
            schema=entry.get("schema", True),
        )


def apply_changes(data: dict[str, Any], case: Case) -> dict[str, Any]:
    """The reference declaration with the case's removals, then its settings, applied."""
    changed = copy.deepcopy(data)
    for pointer in case.remove:
        parent, key = _parent(changed, pointer, create=False)
        del parent[key]
    for pointer, value in case.set.items():
        parent, key = _parent(changed, pointer, create=True)
        if isinstance(parent, list) and key == len(parent):
            parent.append(copy.deepcopy(value))
        else:
            parent[key] = copy.deepcopy(value)
    return changed


def _parent(data: Any, pointer: str, *, create: bool) -> tuple[Any, Any]:
    if not pointer.startswith("/"):
        raise InputError(f"{pointer!r} is not a JSON pointer")
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    node = data
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        elif part not in node and create:
            node = node.setdefault(part, {})
        else:
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        return node, len(node) if last == "-" else int(last)
    return node, last


class CaseRunner:
    """Runs cases through the engine `check` uses (embedded, or an OPA server), one
    engine per distinct parameter set.

    An OPA server holds one set of parameters at a time, so cases run grouped by their
    parameters, each group on an engine built (and so pushed) just before it; outcomes
    still come back in file order."""

    def __init__(
        self, standard: Standard, engine: str | None = None, opa_url: str | None = None
    ) -> None:
        self.standard = standard
        self.engine_kind = engine
        self.opa_url = opa_url
        self._engines: dict[str, Engine] = {}

    def engine(self, case: Case) -> Engine:
        key = case.setting
        if key not in self._engines:
            unknown = set(case.params) - set(self.standard.params)
            if unknown or "assessment" in case.params:
                raise InputError(
                    f"unknown parameter(s) {', '.join(sorted(unknown or {'assessment'}))}"
                    " (the assessment comes from as_of, elections and designated_services)"
                )
            if self.engine_kind == "opa-server":
                self._engines.clear()  # the server now holds only these parameters
            self._engines[key] = make_engine(
                self.standard,
                case.engine_params(self.standard),
                engine=self.engine_kind,
                opa_url=self.opa_url,
            )
        return self._engines[key]

    def run(self, reference: Document, cases: Iterable[Case]) -> list[CaseOutcome]:
        ordered = list(cases)
        groups: dict[str, list[int]] = {}
        for index, case in enumerate(ordered):
            groups.setdefault(case.setting, []).append(index)
        outcomes: dict[int, CaseOutcome] = {}
        for indexes in groups.values():
            for index in indexes:
                outcomes[index] = self.run_one(reference, ordered[index])
        return [outcomes[index] for index in range(len(ordered))]

    def run_one(self, reference: Document, case: Case) -> CaseOutcome:
        if not self.standard.has_control(case.control_id):
            return CaseOutcome(case, False, f"no control {case.control_id} in the standard")
        try:
            declaration = apply_changes(reference.data, case)
            engine = self.engine(case)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            return CaseOutcome(case, False, f"the change cannot be applied: {exc!r}")
        except InputError as exc:
            return CaseOutcome(case, False, str(exc))
        problems = schema_problems(declaration, self.standard.schema)
        if problems and case.schema:
            first = problems[0]
            return CaseOutcome(
                case, False, f"the changed declaration is invalid: {first.pointer}: {first.message}"
            )
        if not case.schema and not problems:
            return CaseOutcome(case, False, "schema: false, but the declaration is valid")
        try:
            raw = engine.evaluate(declaration)[case.control_id]
        except InputError as exc:
            if not case.schema and getattr(exc, "refused_input", False):
                # A server that validates its input (pyrules serve) refuses a declaration
                # that breaks the schema: no verdict, so nothing passed. That is the point.
                return CaseOutcome(case, True)
            raise
        status = status_of(raw)
        if status != case.expect:
            reason = raw.error or "; ".join(f.msg for f in raw.deny) or "no findings"
            return CaseOutcome(case, False, f"expected {case.expect}, got {status} ({reason})")
        paths = [f.path for f in raw.deny]
        if case.findings is not None and not same_findings(case.findings, paths):
            return CaseOutcome(
                case, False, f"expected findings at {sorted(case.findings)}, got {sorted(paths)}"
            )
        return CaseOutcome(case, True)


def same_findings(expected: Iterable[str], actual: Iterable[str]) -> bool:
    """True when the finding paths match as a multiset: in any order, but each path as
    many times as findings point there."""
    return Counter(expected) == Counter(actual)
