"""Evidence rules: per-ad Rego rules under `policies/edhs/evidence/`, each tied by
`custom.evidence_for` to the control whose declared claim it tests.

They carry no `custom.id`, so the standard's loader does not take them for controls. A
rule holds `violation` for one ad, read as `input.ads.<column>`; with the ad left unknown,
OPA's partial evaluation turns it into a SQL `WHERE` clause in which the parameters (a
profile's overrides included) and the declaration's claims and election dates are
already constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrules.errors import InputError

if TYPE_CHECKING:
    from opa_bindings import OpaEngine

    from pyrules.model import Module
    from pyrules.standard import Standard

PACKAGE_PREFIX = "edhs.evidence."
TABLE = "ads"
COLUMN_REF = re.compile(r"\binput\.ads\.([a-z_][a-z0-9_]*)")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
DIALECTS = ("postgresql", "mysql", "sqlserver", "sqlite")
LINT_DIALECTS = ("postgresql", "sqlite")  # DuckDB runs the first; the SQLite test the second


@dataclass(frozen=True)
class EvidenceRule:
    name: str  # the last segment of the package
    package: str
    source: str  # path under policies/
    line: int
    title: str
    control_id: str
    claim: str  # dotted path of the declaration field the rule tests
    violation: str  # "<n> of <m> ads {violation}", placeholders name rules of the package
    columns: tuple[str, ...]  # the ad columns the rule reads

    @property
    def where(self) -> str:
        return f"policies/{self.source}:{self.line}"


def is_evidence(module: Module) -> bool:
    custom = (module.annotation or {}).get("custom")
    return isinstance(custom, dict) and "evidence_for" in custom


def evidence_rules(standard: Standard) -> list[EvidenceRule]:
    """Every evidence rule of the standard; a malformed one is an error naming its file."""
    rules = []
    for module in standard.modules:
        if not is_evidence(module):
            continue
        annotation = module.annotation or {}
        custom = annotation["custom"]
        where = f"policies/{module.path}:{module.package_line}"
        missing = [k for k in ("title", "description") if not annotation.get(k)]
        missing += [f"custom.{k}" for k in ("claim", "violation") if not custom.get(k)]
        if missing:
            raise InputError(f"{where}: evidence rule METADATA lacks {', '.join(missing)}")
        control_id = str(custom["evidence_for"])
        if not standard.has_control(control_id):
            raise InputError(f"{where}: evidence_for names {control_id}, which is no control")
        if not module.package.startswith(PACKAGE_PREFIX):
            raise InputError(f"{where}: evidence rules live in packages {PACKAGE_PREFIX}*")
        rules.append(
            EvidenceRule(
                name=module.package.removeprefix(PACKAGE_PREFIX),
                package=module.package,
                source=module.path,
                line=module.package_line,
                title=str(annotation["title"]).strip(),
                control_id=control_id,
                claim=str(custom["claim"]),
                violation=" ".join(str(custom["violation"]).split()),
                columns=tuple(sorted(set(COLUMN_REF.findall(module.source)))),
            )
        )
    return sorted(rules, key=lambda r: (r.control_id, r.name))


def new_engine(standard: Standard, params: dict[str, Any]) -> OpaEngine:
    """OPA in process with the evidence rules, the shared lib if one of them imports it,
    and `params`. OPA compiles every module it holds on each query: the 60 controls would
    cost a second, the lib alone triples the compile time of the rules that do not use it."""
    from opa_bindings import OpaEngine

    from pyrules.rego_source import LIB_PACKAGE

    rules = [m for m in standard.modules if is_evidence(m)]
    uses_lib = any(f"data.{LIB_PACKAGE}" in m.source for m in rules)
    engine = OpaEngine()
    for module in standard.modules:
        if module in rules or (uses_lib and module.package == LIB_PACKAGE):
            engine.add_policy(module.path, module.source)
    engine.add_data(params, path="edhs.params")
    return engine


def known_input(declaration: dict[str, Any]) -> dict[str, Any]:
    return {"declaration": declaration}


def compile_rule(
    engine: OpaEngine, rule: EvidenceRule, declaration: dict[str, Any], dialect: str
) -> str | None:
    """The rule's violation as a SQL condition over table `ads` (no `WHERE`); None when no
    ad can violate it (e.g. no elections declared). Raises InputError naming the rule when
    OPA cannot express it in `dialect`."""
    from opa_bindings import OpaError

    try:
        result = engine.compile_filters(
            f"data.{rule.package}.violation",
            known_input(declaration),
            unknowns=[f"input.{TABLE}"],
            target="sql",
            dialect=dialect,
        )
    except OpaError as exc:
        detail = " ".join(str(exc).split())
        message = f"{rule.name} does not compile to SQL ({dialect}): {detail}"
        raise InputError(f"{rule.where}: {message}") from None
    query = result.get("query")
    if query is None:
        return None
    if query == "":
        return "TRUE"  # every ad violates: say so rather than drop the filter
    return without_null_guards(query.removeprefix("WHERE ").strip())


NULL_GUARD = re.compile(r"ads\.([a-z_][a-z0-9_]*) IS NOT NULL")
NULL_REJECTING = r"(?:NOT )?ads\.{column} (?:=|<>|!=|<|<=|>|>=|IN) "


def without_null_guards(condition: str) -> str:
    """The condition without the `ads.x IS NOT NULL` that Rego needs (there `null < 2500`
    holds) and SQL does not: dropped only beside another test of the same column in the
    same AND, which is NULL for a NULL column, and only where nothing negates a group, so
    each ad passes or fails the filter as before. The scan costs 3% less."""
    if "NOT (" in condition:
        return condition
    return " OR ".join(_conjunction(part) for part in _split(condition, " OR "))


def _conjunction(text: str) -> str:
    if _wrapped(text):
        return f"({without_null_guards(text[1:-1])})"
    parts = _split(text, " AND ")
    kept = []
    for index, part in enumerate(parts):
        guard = NULL_GUARD.fullmatch(part)
        others = parts[:index] + parts[index + 1 :]
        test = guard and re.compile(NULL_REJECTING.format(column=guard.group(1)))
        if test and any(test.match(other) for other in others):
            continue
        kept.append(f"({without_null_guards(part[1:-1])})" if _wrapped(part) else part)
    return " AND ".join(kept)


def _split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside brackets and quoted strings."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        char = text[i]
        if char == "'":
            quoted = not quoted  # '' inside a string toggles twice
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _wrapped(text: str) -> bool:
    """Whether the bracket `text` opens with closes at its end: `(a OR b)`, not `(a) AND (b)`."""
    if not text.startswith("("):
        return False
    depth, quoted = 0, False
    for i, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return i == len(text) - 1
    return False


def message_values(engine: OpaEngine, rule: EvidenceRule, declaration: dict[str, Any]) -> dict:
    """The values the rule's violation text names ({min_reached}), evaluated once."""
    values = {}
    for name in PLACEHOLDER.findall(rule.violation):
        found = engine.eval_query(f"x = data.{rule.package}.{name}", known_input(declaration))
        values[name] = found[0]["x"] if found else "?"
    return values


def violates(engine: OpaEngine, rule: EvidenceRule, declaration: dict[str, Any], ad: dict) -> bool:
    """The rule evaluated on one ad by the engine: the reference the SQL must agree with."""
    found = engine.eval_query(
        f"x = data.{rule.package}.violation", {**known_input(declaration), TABLE: ad}
    )
    return bool(found) and found[0].get("x") is True


def lint_problems(standard: Standard) -> Iterator[tuple[str, str]]:
    """(where, message) for each evidence rule that is malformed or does not compile to SQL
    in the dialects pyrules runs, with the standard's parameters and no declaration."""
    try:
        rules = evidence_rules(standard)
    except InputError as exc:
        where, _, message = str(exc).partition(": ")
        yield where, message
        return
    if not rules:
        return
    from importlib.util import find_spec

    if find_spec("opa_bindings") is None:
        yield rules[0].where, "evidence rules are compiled by OPA's engine in process: install "
        "opa-golib-python-bindings (pip install --ignore-requires-python ...)"
        return
    engine = new_engine(standard, standard.params)
    try:
        for rule in rules:
            for dialect in LINT_DIALECTS:
                try:
                    compile_rule(engine, rule, _lint_declaration(), dialect)
                except InputError as exc:
                    yield rule.where, str(exc).split(": ", 1)[1]
                    break
    finally:
        engine.close()


def _lint_declaration() -> dict[str, Any]:
    """A declaration with one election, so date rules reach their SQL form."""
    return {"metadata": {"elections": [{"date": "2026-06-01", "jurisdiction": "BE"}]}}
