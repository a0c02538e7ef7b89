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
from pyrules.ads.rules import (
    compile_rule,
    evidence_rules,
    new_engine,
    violates,
    without_null_guards,
)
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


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("(ads.r IS NOT NULL AND ads.r < '2500')", "(ads.r < '2500')"),
        ("(ads.c IS NOT NULL AND NOT ads.c IN ('AT'))", "(NOT ads.c IN ('AT'))"),
        # kept: nothing else in the AND tests the column, so the guard decides
        ("(ads.x IS NOT NULL AND ads.y = 1)", "(ads.x IS NOT NULL AND ads.y = 1)"),
        ("ads.x IS NOT NULL", "ads.x IS NOT NULL"),
        # kept: the other test is inside an OR, which a NULL column does not make NULL
        ("(ads.x IS NOT NULL AND (ads.x < 1 OR ads.y = 2))", None),
        # kept: a negated group turns NULL into something else
        ("(ads.x IS NOT NULL AND NOT (ads.x < 1))", None),
        # each disjunct on its own; a quoted ' AND ' or '' is text, not SQL
        (
            "((ads.c IS NOT NULL AND ads.c = 'a''s AND ads.c IS NOT NULL') OR (ads.d IS NULL))",
            "((ads.c = 'a''s AND ads.c IS NOT NULL') OR (ads.d IS NULL))",
        ),
    ],
)
def test_null_guards_are_dropped_only_where_sql_needs_none(
    condition: str, expected: str | None
) -> None:
    assert without_null_guards(condition) == (expected or condition)
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE ads (r INTEGER, c TEXT, x INTEGER, y INTEGER, d TEXT)")
    values = [None, 0, 1, 2, 5000, "AT", "a's AND ads.c IS NOT NULL", "b"]
    rows = [(v, v, v, w, w) for v in values for w in values]
    lite.executemany("INSERT INTO ads VALUES (?, ?, ?, ?, ?)", rows)
    count = "SELECT count(*) FROM ads WHERE {}"
    assert lite.execute(count.format(without_null_guards(condition))).fetchone() == (
        lite.execute(count.format(condition)).fetchone()
    )
