"""`pyrules lint`: the standard checks itself, and says where each problem is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyrules.errors import StandardError
from pyrules.lint import lint
from pyrules.rego_source import field_reads
from pyrules.schema import schema_fields
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_standard_has_no_problems() -> None:
    problems = lint(load_standard(), ROOT / "tests" / "cases", ROOT / "standard" / "catalogue.md")
    assert [str(p) for p in problems] == []


def test_reads_follow_input_references_iterations_and_path_arrays() -> None:
    source = """
field := ["incident_response", "breach_notification_hours"]
ok if input.security.tls.minimum_version == "1.3"
deny contains x if {
	some i, purpose in input.processing.purposes
	purpose.legal_basis == "none"
	x := lib.finding(["processing", "purposes", i, "legal_basis"], "m")
}
langs contains l if {
	some election in input.metadata.elections
	some l in election.languages
}
"""
    assert field_reads(source) >= {
        ("incident_response", "breach_notification_hours"),
        ("security", "tls", "minimum_version"),
        ("processing", "purposes", "*", "legal_basis"),
        ("metadata", "elections", "*", "languages", "*"),
    }


def test_reads_follow_named_paths_through_array_concat() -> None:
    source = """
purposes_field := ["processing", "purposes"]
consent := ["political_ads", "targeting", "consent"]
explicit_field := array.concat(consent, ["explicit"])
deny contains lib.finding(field, msg) if {
	some i, purpose in input.processing.purposes
	purpose.name == "x"
	field := array.concat(purposes_field, [i, "legal_basis"])
}
"""
    found = field_reads(source)
    assert found >= {
        ("processing", "purposes"),
        ("processing", "purposes", "*", "name"),
        ("processing", "purposes", "*", "legal_basis"),
        ("political_ads", "targeting", "consent", "explicit"),
    }


def test_schema_fields_are_listed_by_path() -> None:
    fields = schema_fields(load_standard().schema)
    assert ("processing", "purposes", "*", "legal_basis") in fields
    assert ("metadata", "elections", "*", "voting_age") in fields


def _copy_standard(tmp_path: Path) -> Path:
    for part in ("policies", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _lint_inc_01_edited(tmp_path: Path, old: str, new: str) -> tuple[Path, list[str]]:
    """INC-01's policy with one text replaced, and what lint says of the standard."""
    root = _copy_standard(tmp_path)
    policy = root / "policies" / "edhs" / "inc" / "inc_01_breach_notification.rego"
    policy.write_text(policy.read_text().replace(old, new))
    return policy, [str(p) for p in lint(load_standard(root), ROOT / "tests" / "cases", None)]


def test_a_typo_in_a_field_path_is_reported_at_its_line(tmp_path: Path) -> None:
    _, problems = _lint_inc_01_edited(
        tmp_path,
        'field := ["incident_response", "breach_notification_hours"]',
        'field := ["incident_response", "breach_notify_hours"]',
    )
    assert any(
        "inc_01_breach_notification.rego" in p and "incident_response.breach_notify_hours" in p
        for p in problems
    ), problems


def test_a_named_path_the_control_does_not_read_is_reported_at_its_line(tmp_path: Path) -> None:
    policy, problems = _lint_inc_01_edited(
        tmp_path,
        "hours := input.incident_response.breach_notification_hours",
        "hours := input.incident_response.data_subject_notification",
    )
    line = (
        policy.read_text()
        .splitlines()
        .index('field := ["incident_response", "breach_notification_hours"]')
    )
    assert (
        f"policies/edhs/inc/inc_01_breach_notification.rego:{line + 1}: field names "
        "incident_response.breach_notification_hours, but the control does not read "
        "input.incident_response.breach_notification_hours"
    ) in problems, problems


def test_a_deny_rule_of_a_conditional_control_without_its_guard_is_reported(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    policy = root / "policies" / "edhs" / "ads" / "ads_01_ad_labelling.rego"
    source = policy.read_text()
    policy.write_text(source.replace("if {\n\tapplicable\n", "if {\n", 1))
    line = source[: source.index("if {\n\tapplicable\n")].count("\n") + 1
    problems = [str(p) for p in lint(load_standard(root), ROOT / "tests" / "cases", None)]
    assert problems == [
        f"policies/edhs/ads/ads_01_ad_labelling.rego:{line}: a deny rule of a control with a "
        "condition must start with `applicable`"
    ]


def test_an_unknown_parameter_stops_the_standard_from_loading(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    policy = root / "policies" / "edhs" / "inc" / "inc_01_breach_notification.rego"
    policy.write_text(
        policy.read_text().replace(
            "params.max_breach_notification_hours", "params.max_breach_hours"
        )
    )
    with pytest.raises(
        StandardError, match=r"inc_01_breach_notification.rego:\d+: .*max_breach_hours"
    ):
        load_standard(root)


def test_a_sprintf_message_is_reported(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    policy = root / "policies" / "edhs" / "inc" / "inc_01_breach_notification.rego"
    policy.write_text(policy.read_text().replace("lib.limit_message(", "sprintf("))
    problems = [str(p) for p in lint(load_standard(root), ROOT / "tests" / "cases", None)]
    assert any("inc_01_breach_notification.rego" in p and "not sprintf" in p for p in problems)


def test_a_control_without_a_fail_case_is_reported(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "tests" / "cases", cases)
    (cases / "INC-01.yaml").write_text(
        "control: INC-01\ncases:\n  - name: only a pass\n    expect: pass\n"
    )
    problems = [str(p) for p in lint(load_standard(), cases, None)]
    assert any("INC-01.yaml:1: no 'fail' case" in p for p in problems)


def test_a_control_without_a_schemaless_case_is_reported(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "tests" / "cases", cases)
    path = cases / "INC-01.yaml"
    kept = path.read_text().split("  - name: without the schema")[0]
    path.write_text(kept)
    problems = [str(p) for p in lint(load_standard(), cases, None)]
    assert any("INC-01.yaml:1: no 'schema: false' case for INC-01" in p for p in problems)
    assert not any("INC-02" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("inc/inc_01_breach_notification.rego", "inc/breach_notification.rego"),
        ("inc/inc_01_breach_notification.rego", "inc/inc_06_breach_notification.rego"),
        ("inc/inc_01_breach_notification.rego", "sec/inc_01_breach_notification.rego"),
    ],
)
def test_a_control_file_not_named_by_its_id_is_reported(tmp_path: Path, old: str, new: str) -> None:
    root = _copy_standard(tmp_path)
    edhs = root / "policies" / "edhs"
    (edhs / old).rename(edhs / new)
    lines = (edhs / new).read_text().splitlines()
    package_line = next(n for n, line in enumerate(lines, 1) if line.startswith("package "))
    problems = [str(p) for p in lint(load_standard(root), ROOT / "tests" / "cases", None)]
    assert problems == [
        f"policies/edhs/{new}:{package_line}: INC-01 belongs in "
        "policies/edhs/inc/inc_01_breach_notification.rego: a control's file is named by its ID"
    ]
