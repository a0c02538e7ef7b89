"""Each evidence rule's cases (tests/evidence/<rule>.yaml) run three ways and must agree
with the expected verdict: the compiled SQL on DuckDB, the same rule compiled for SQLite
on SQLite, and the Rego evaluated on the single ad by OPA's engine."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pyrules.ads.formats import field_types
from pyrules.ads.rules import compile_rule, evidence_rules, new_engine, violates
from pyrules.loader import load
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "evidence"
STANDARD = load_standard()
RULES = {r.name: r for r in evidence_rules(STANDARD)}
SQLITE_TYPES = {"VARCHAR": "TEXT", "DATE": "TEXT", "DOUBLE": "REAL", "BIGINT": "INTEGER"}


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name == "reference-ad.yaml":
            continue
        data = load(path).data
        for case in data["cases"]:
            found.append(pytest.param(data["rule"], case, id=f"{path.stem}: {case['name']}"))
    return found


def _declaration(changes: dict[str, Any]) -> dict[str, Any]:
    declaration = load(ROOT / "tests" / "cases" / "reference.yaml").data
    for pointer, value in changes.items():
        *parents, last = pointer.strip("/").split("/")
        node = declaration
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value
    return declaration


def _sql_violates(con: Any, ad: dict[str, Any], condition: str | None, types: dict) -> bool:
    fields = field_types()
    columns = ", ".join(f"{name} {types.get(kind, kind)}" for name, kind in fields.items())
    con.execute(f"CREATE TABLE ads ({columns})")
    marks = ", ".join("?" for _ in fields)
    con.execute(f"INSERT INTO ads VALUES ({marks})", [ad[name] for name in fields])
    if condition is None:
        return False
    return con.execute(f"SELECT count(*) FROM ads WHERE {condition}").fetchone()[0] == 1


def test_every_rule_has_cases_and_every_case_file_a_rule() -> None:
    files = {p.stem for p in CASES.glob("*.yaml")} - {"reference-ad"}
    assert files == set(RULES)


@pytest.mark.parametrize(("rule_name", "case"), _cases())
def test_sql_and_rego_agree_with_the_expected_verdict(rule_name: str, case: dict) -> None:
    rule = RULES[rule_name]
    ad = {**load(CASES / "reference-ad.yaml").data, **case["ad"]}
    declaration = _declaration(case.get("declaration") or {})
    engine = new_engine(STANDARD, {**STANDARD.params, **(case.get("params") or {})})
    try:
        by_rego = violates(engine, rule, declaration, ad)
        duck = duckdb.connect()
        by_duckdb = _sql_violates(
            duck, ad, compile_rule(engine, rule, declaration, "postgresql"), {}
        )
        lite = sqlite3.connect(":memory:")
        by_sqlite = _sql_violates(
            lite, ad, compile_rule(engine, rule, declaration, "sqlite"), SQLITE_TYPES
        )
    finally:
        engine.close()
    expected = case["violates"]
    assert (by_rego, by_duckdb, by_sqlite) == (expected, expected, expected), (
        f"{rule.where} on {case['ad']}: Rego {by_rego}, DuckDB {by_duckdb}, SQLite {by_sqlite}"
    )
