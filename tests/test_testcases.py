"""The case runner compares finding paths as a multiset: a path listed twice needs two
findings there, so a case that says a missing section "fails both checks" is held to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrules.loader import Document
from pyrules.standard import load_standard
from pyrules.testcases import Case, CaseRunner, load_cases, same_findings

CASES = Path(__file__).resolve().parent / "cases"


def test_order_does_not_matter() -> None:
    assert same_findings(["/a", "/b"], ["/b", "/a"])


def test_a_path_listed_once_does_not_match_two_findings_there() -> None:
    assert not same_findings(["/governance"], ["/governance", "/governance"])


def test_a_path_listed_twice_does_not_match_one_finding_there() -> None:
    assert not same_findings(["/governance", "/governance"], ["/governance"])


def test_each_path_counts_on_its_own() -> None:
    assert same_findings(["", "/a", ""], ["/a", "", ""])
    assert not same_findings(["", "/a", "/a"], ["", "", "/a"])


@pytest.fixture(scope="module")
def runner() -> CaseRunner:
    return CaseRunner(load_standard())


@pytest.fixture(scope="module")
def reference() -> Document:
    return load_cases(CASES)[0]


def missing_dpo(findings: tuple[str, ...]) -> Case:
    # Without its DPO section, GOV-01 fails both of its checks at governance.
    return Case(
        control_id="GOV-01",
        name="a missing DPO section",
        expect="fail",
        remove=("/governance/dpo",),
        findings=findings,
    )


def test_the_runner_needs_one_listed_path_per_finding(
    runner: CaseRunner, reference: Document
) -> None:
    outcome = runner.run_one(reference, missing_dpo(("/governance",)))
    assert not outcome.ok
    assert "got ['/governance', '/governance']" in outcome.detail


def test_the_runner_accepts_a_path_listed_as_often_as_findings_point_there(
    runner: CaseRunner, reference: Document
) -> None:
    assert runner.run_one(reference, missing_dpo(("/governance", "/governance"))).ok
