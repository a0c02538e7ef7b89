"""Rego coverage of the cases (`pyrules test --coverage`) and its threshold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, pyrules

from pyrules.coverage import CoverageConfig, load_config, measure, render
from pyrules.engine.inprocess import available
from pyrules.errors import InputError
from pyrules.standard import load_standard
from pyrules.testcases import load_cases

pytestmark = pytest.mark.skipif(not available(), reason="OPA's engine in process is missing")
RULE = "edhs/inc/inc_01_breach_notification.rego"


def rule_head_line() -> int:
    source = (ROOT / "policies" / RULE).read_text().splitlines()
    return next(i for i, line in enumerate(source, 1) if line.startswith("notified_in_time if"))


def only_failing_inc_01(tmp_path: Path) -> Path:
    """A copy of the cases in which INC-01 keeps only its failing cases."""
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "tests" / "cases", cases)
    shutil.copy(ROOT / "tests" / "coverage.yaml", tmp_path / "coverage.yaml")
    data = yaml.safe_load((cases / "INC-01.yaml").read_text())
    data["cases"] = [c for c in data["cases"] if c["expect"] == "fail"]
    (cases / "INC-01.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return cases


def test_the_repository_meets_its_threshold() -> None:
    standard = load_standard()
    reference, cases = load_cases(ROOT / "tests" / "cases")
    config = load_config(ROOT / "tests" / "coverage.yaml")
    report = measure(standard, reference, cases, config)
    assert not report.below(), "\n".join(render(report, quiet=True))
    assert len(report.controls) == len(standard.controls)
    assert report.lib, "lib/ is measured too"
    assert all(cov.coverable for cov in report.controls.values())


def test_a_rule_no_case_reaches_is_named_and_fails_the_run(tmp_path: Path) -> None:
    cases = only_failing_inc_01(tmp_path)
    result = pyrules("test", "--cases", cases, "--control", "INC-01", "--coverage")
    assert result.returncode == 1, result.stdout + result.stderr
    head = rule_head_line()
    assert f"not exercised: {RULE}:{head}" in result.stdout
    assert "1 below (INC-01)" in result.stdout
    assert result.stdout.rstrip().endswith("passed, 0 failed")


def test_an_exception_with_its_reason_excuses_a_line(tmp_path: Path) -> None:
    cases = only_failing_inc_01(tmp_path)
    reference, loaded = load_cases(cases)
    inc = [c for c in loaded if c.control_id == "INC-01"]
    covered_rows = measure(load_standard(), reference, inc, CoverageConfig(100, {}))
    missed = covered_rows.controls["INC-01"].missed
    assert rule_head_line() in missed
    source = (ROOT / "policies" / RULE).read_text().splitlines()
    starts = [source[row - 1].strip() for row in missed]
    (tmp_path / "coverage.yaml").write_text(
        yaml.safe_dump(
            {"threshold": 100, "exceptions": [
                {"file": RULE, "at": starts, "reason": "only failing cases in this copy"}
            ]}
        )
    )  # fmt: skip
    result = pyrules("test", "--cases", cases, "--control", "INC-01", "--coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"({len(missed)} excused)" in result.stdout


def test_an_exception_without_a_reason_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "coverage.yaml"
    config.write_text("threshold: 100\nexceptions:\n  - file: x.rego\n    at: ['x :=']\n")
    with pytest.raises(InputError, match=r"exceptions\[0\]: every exception needs its reason"):
        load_config(config)
    result = pyrules("test", "--coverage", "--coverage-config", config, "--control", "INC-01")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{config}: exceptions[0]: every exception needs its reason"
    ]


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        ("max_hours :=", "has no line starting with 'max_hours :='"),
        ("deny contains", "has 2 lines starting with 'deny contains'"),
    ],
)
def test_an_exception_names_exactly_one_line_by_how_it_starts(
    tmp_path: Path, at: str, problem: str
) -> None:
    """An edit that moves, changes or removes an excused line makes the exception an
    error, instead of excusing whatever line now stands at its old number."""
    policy = "edhs/sec/sec_06_vulnerability_patching.rego"
    config = tmp_path / "coverage.yaml"
    config.write_text(
        yaml.safe_dump(
            {"threshold": 100, "exceptions": [{"file": policy, "at": [at], "reason": "a test"}]}
        )
    )
    result = pyrules("test", "--coverage", "--coverage-config", config, "--control", "SEC-06")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"{config}: {policy} {problem}; an exception names lines by how each starts, one line each"
    ]


def test_an_exception_for_a_file_the_standard_lacks_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "coverage.yaml"
    config.write_text("threshold: 100\nexceptions:\n  - {file: x.rego, at: [x], reason: a test}\n")
    result = pyrules("test", "--coverage", "--coverage-config", config, "--control", "INC-01")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"{config}: an exception names x.rego, no policy of the standard"
    ]
