"""The bundled example platforms end exactly as their expected-outcome files say."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pyrules.evaluate import Checker, make_engine
from pyrules.standard import load_standard

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "declarations"
NAMES = sorted(p.name.removesuffix(".expected.yaml") for p in EXAMPLES.glob("*.expected.yaml"))


@pytest.fixture(scope="module")
def checker() -> Checker:
    standard = load_standard()
    return Checker(standard, make_engine(standard))


def test_there_are_three_example_platforms() -> None:
    assert NAMES == ["aurora-social", "boreal-forum", "kestrel-video"]


@pytest.mark.parametrize("name", NAMES)
def test_every_control_ends_as_expected(checker: Checker, name: str) -> None:
    expected = yaml.safe_load((EXAMPLES / f"{name}.expected.yaml").read_text())
    report = checker.check_file(EXAMPLES / f"{name}.yaml")
    actual = {r.control_id: r.status for r in report.results}
    assert actual == expected


def test_the_failing_example_fails_a_third_of_its_controls_across_five_families(
    checker: Checker,
) -> None:
    report = checker.check_file(EXAMPLES / "kestrel-video.yaml")
    failing = [r for r in report.results if r.status == "fail"]
    applicable = [r for r in report.results if r.status != "not_applicable"]
    assert 0.25 <= len(failing) / len(applicable) <= 0.45
    assert len({r.family for r in failing}) >= 5
    assert all(f.location and f.location.line > 1 for r in failing for f in r.findings)


def test_the_platform_without_political_ads_skips_every_advertising_control(
    checker: Checker,
) -> None:
    report = checker.check_file(EXAMPLES / "boreal-forum.yaml")
    skipped = {r.control_id for r in report.results if r.status == "not_applicable"}
    assert {"ADS-01", "LAW-03", "TGT-01", "MIN-01"} <= skipped
    assert report.compliant
