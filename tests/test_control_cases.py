"""Every control case (tests/cases/<ID>.yaml) as a test of its own, through the engine
`pyrules check` uses by default: `pytest -k INC-01` runs one control's cases.

`make test` runs the cases here, not through `pyrules test` as well; test_coverage.py
measures their Rego coverage, and test_conformance.py holds regopy to the same verdicts.
"""

from __future__ import annotations

import pytest
from helpers import ROOT

from pyrules.standard import load_standard
from pyrules.testcases import Case, CaseRunner, load_cases

REFERENCE, CASES = load_cases(ROOT / "tests" / "cases")


@pytest.fixture(scope="module")
def runner() -> CaseRunner:
    return CaseRunner(load_standard())


def test_every_control_has_cases() -> None:
    assert {c.control_id for c in CASES} == {c.id for c in load_standard().controls}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.control_id} {c.name}" for c in CASES])
def test_case(runner: CaseRunner, case: Case) -> None:
    outcome = runner.run_one(REFERENCE, case)
    assert outcome.ok, f"{case.where}: {outcome.detail}"
