"""No value the schema refuses makes a control pass that fails without the value: issue 11's
rule ("no path passes what it did not check"), swept over every field of the reference
declaration. The policies also run on OPA servers with no schema in front, where the
platform's input is all there is: there, a negative deadline, a day that does not exist, a
made-up country, language or data category, or a word where a web address belongs must not
pass a control that the same declaration fails with the field left out.

Fractions where the schema asks for whole days or months (0.5 days to patch) are not swept:
the policies compare them as the amounts they are, and half a day is within five.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from helpers import ROOT

from pyrules.engine import Engine
from pyrules.evaluate import engine_params, make_engine, status_of
from pyrules.loader import load
from pyrules.schema import declaration_problems, fast_valid
from pyrules.standard import load_standard
from pyrules.testcases import CASES_AS_OF

STANDARD = load_standard()
REFERENCE = load(ROOT / "tests" / "cases" / "reference.yaml").data
Path = tuple[str | int, ...]

# A value of each JSON type, a negative number, an empty and a made-up text, a day that does
# not exist, and lists of the wrong items.
ILL_FORMED: list[Any] = [False, True, None, -1, "", "x", "2026-02-30", [], ["x"], [None], [{}], {}]


def paths(node: Any, path: Path = ()) -> Iterator[Path]:
    """Every place in the declaration below its root, parents before children."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*path, index))


def changed(path: Path, value: Any = None, *, remove: bool = False) -> dict[str, Any]:
    declaration = copy.deepcopy(REFERENCE)
    parent = declaration
    for key in path[:-1]:
        parent = parent[key]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return declaration


def statuses(engine: Engine, declaration: dict[str, Any]) -> dict[str, str]:
    return {cid: status_of(result) for cid, result in engine.evaluate(declaration).items()}


@pytest.fixture(scope="module")
def engine() -> Engine:
    params = engine_params(STANDARD, date.fromisoformat(CASES_AS_OF))
    built = make_engine(STANDARD, params)
    assert set(statuses(built, REFERENCE).values()) == {"pass"}  # every control applies
    return built


@pytest.mark.parametrize("section", sorted(REFERENCE))
def test_no_value_the_schema_refuses_passes_where_leaving_it_out_fails(
    engine: Engine, section: str
) -> None:
    passed = []
    for path in paths(REFERENCE[section], (section,)):
        without = statuses(engine, changed(path, remove=True))
        failing = {cid for cid, verdict in without.items() if verdict in ("fail", "error")}
        if not failing:
            continue
        for value in ILL_FORMED:
            declaration = changed(path, value)
            if fast_valid(declaration, STANDARD.schema):
                continue  # the schema accepts it: not this test's question
            verdicts = statuses(engine, declaration)
            for cid in sorted(failing):
                if verdicts[cid] == "pass" and declaration_problems(declaration, STANDARD):
                    passed.append(f"{cid} passes /{'/'.join(map(str, path))} = {value!r}")
    assert passed == []
