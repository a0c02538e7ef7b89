"""National profiles: what an EMB can tailor, and the one-line errors when it gets it wrong."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pyrules.errors import InputError
from pyrules.evaluate import Checker
from pyrules.profile import Profile, load_profile, profile_schema
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "examples" / "profiles"
AURORA = ROOT / "examples" / "declarations" / "aurora-social.yaml"
HEADER = "name: Test\nstandard_version: 0.2.0\ndescription: A profile for tests.\n"


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


def checker_for(standard: Standard, profile: Profile | None, fail_on: str = "low") -> Checker:
    return Checker.for_standard(standard, profile=profile, fail_on=fail_on)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    return path


def test_the_profile_schema_is_valid_and_describes_every_property() -> None:
    schema = profile_schema()
    Draft202012Validator.check_schema(schema)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{name} has no description"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


@pytest.mark.parametrize("name", ["ruritania.yaml", "freedonia.yaml"])
def test_the_example_profiles_load(standard: Standard, name: str) -> None:
    profile = load_profile(PROFILES / name, standard)
    digest = hashlib.sha256((PROFILES / name).read_bytes()).hexdigest()
    assert profile.digest.sha256 == digest
    assert profile.digest.name == profile.name


def test_a_control_that_passes_by_default_fails_under_the_stricter_profile(
    standard: Standard,
) -> None:
    """Aurora Social declares audiences of 2,500: enough for the standard's 1,000, not
    for Ruritania's 5,000."""
    default = checker_for(standard, None).check_file(AURORA)
    ruritania = load_profile(PROFILES / "ruritania.yaml", standard)
    strict = checker_for(standard, ruritania).check_file(AURORA)

    def status(report: object, control_id: str) -> str:
        return next(r.status for r in report.results if r.control_id == control_id)  # type: ignore[attr-defined]

    assert default.compliant and status(default, "TGT-03") == "pass"
    assert not strict.compliant and status(strict, "TGT-03") == "fail"
    finding = next(r for r in strict.results if r.control_id == "TGT-03").findings[0]
    assert "5000" in finding.message
    assert strict.profile is not None and strict.profile.name == ruritania.name
    assert default.profile is None


def test_parameters_are_merged_over_the_defaults(standard: Standard) -> None:
    profile = load_profile(PROFILES / "ruritania.yaml", standard)
    params = profile.params(standard.params)
    assert params["max_breach_notification_hours"] == 24
    assert params["min_tls_version"] == "1.3"
    assert params["max_dpia_age_months"] == standard.params["max_dpia_age_months"]
    assert standard.params["max_breach_notification_hours"] == 72  # defaults untouched


def test_selected_families_and_exclusions(standard: Standard) -> None:
    profile = load_profile(PROFILES / "freedonia.yaml", standard)
    report = checker_for(standard, profile).check_file(AURORA)
    families = {r.family for r in report.results}
    assert families == {"ADS", "TGT", "SEC", "INC", "ACC"}
    ids = {r.control_id for r in report.results}
    assert "ACC-01" not in ids and "ACC-02" in ids
    assert report.summary.total == len(report.results) == len(profile.selected)
    assert set(report.not_assessed) == {c.id for c in standard.controls} - ids
    assert "research-access scheme" in report.not_assessed["ACC-01"]


def test_every_control_left_out_carries_its_reason_into_the_report(
    standard: Standard, tmp_path: Path
) -> None:
    """A family's reason covers its controls, a control's own reason beats it, and the
    report names every control not assessed in the standard's order."""
    path = write(
        tmp_path,
        HEADER + "controls:\n  exclude:\n"
        "    GOV: Governance is supervised by the Electoral Commission.\n"
        "    GOV-08: The Commission states no elections in this profile.\n"
        "    ACC-01: Left to the national research-access scheme.\n",
    )
    profile = load_profile(path, standard)
    report = checker_for(standard, profile).check_file(AURORA)
    left_out = [c.id for c in standard.controls if c.family == "GOV"] + ["ACC-01"]
    assert sorted(report.not_assessed) == sorted(left_out)
    assert list(report.not_assessed) == [c.id for c in standard.controls if c.id in left_out]
    assert report.not_assessed["GOV-01"] == "Governance is supervised by the Electoral Commission."
    assert report.not_assessed["GOV-08"] == "The Commission states no elections in this profile."
    assert not {r.control_id for r in report.results} & set(left_out)
    assert checker_for(standard, None).check_file(AURORA).not_assessed == {}


def test_severities_are_raised_and_lowered_with_a_reason(standard: Standard) -> None:
    profile = load_profile(PROFILES / "freedonia.yaml", standard)
    report = checker_for(standard, profile).check_file(AURORA)
    severity = {r.control_id: r.severity for r in report.results}
    assert standard.control("ADS-01").severity == "high" and severity["ADS-01"] == "critical"
    assert standard.control("INC-04").severity == "high" and severity["INC-04"] == "low"
    assert profile.severities["INC-04"].reason


def test_a_raised_severity_decides_fail_on(standard: Standard) -> None:
    """Ruritania raises TGT-03 to critical: with --fail-on critical, Aurora's small
    audiences now fail the run, while its slower patching (SEC-06, medium) does not."""
    profile = load_profile(PROFILES / "ruritania.yaml", standard)
    report = checker_for(standard, profile, fail_on="critical").check_file(AURORA)
    failing = {r.control_id: r.severity for r in report.results if r.status == "fail"}
    assert failing == {"TGT-03": "critical", "SEC-06": "medium"}
    assert not report.compliant


def test_a_compatible_patch_version_is_accepted(standard: Standard, tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, HEADER.replace("0.2.0", "0.2.7")), standard)
    assert profile.selected == {c.id for c in standard.controls}


BAD_PROFILES = {
    "unknown control": (
        "controls:\n  include:\n    - INC-01\n    - XYZ-99\n",
        7,
        'unknown control "XYZ-99"',
    ),
    "unknown family": ("controls:\n  exclude: [QQQ]\n", 5, 'unknown family "QQQ"'),
    "unknown parameter": (
        "parameters:\n  max_breach_hours: 24\n",
        5,
        'unknown parameter "max_breach_hours"',
    ),
    "text for an integer": (
        "parameters:\n  min_audience_size: lots\n",
        5,
        "min_audience_size must be an integer",
    ),
    "fraction for an integer": (
        "parameters:\n  max_breach_notification_hours: 24.5\n",
        5,
        "must be an integer",
    ),
    "numbers for a list of strings": (
        "parameters:\n  accepted_mfa_types: [1, 2]\n",
        5,
        "must be a list of strings",
    ),
    "lowering a critical control without a reason": (
        "severities:\n  ADS-05: low\n",
        5,
        "lowering ADS-05 from critical to low needs a reason",
    ),
    "lowering a high control without a reason": (
        "severities:\n  INC-04: {severity: medium}\n",
        5,
        "lowering INC-04 from high to medium needs a reason",
    ),
    "severity of an excluded control": (
        "controls:\n  exclude: {INC: Incidents are supervised elsewhere.}\n"
        "severities:\n  INC-01: critical\n",
        7,
        "INC-01 is not assessed under this profile",
    ),
    "severity of an unknown control": (
        "severities:\n  XYZ-01: high\n",
        5,
        'unknown control "XYZ-01"',
    ),
    "nothing selected": (
        "controls:\n  exclude:\n"
        "    - controls: [ACC, ADS, EDU, GOV, INC, INT, LAW, MIN, SEC, TGT]\n"
        "      reason: Nothing is assessed in this test.\n",
        4,
        "selects no control",
    ),
    "excluding without a reason": (
        "controls:\n  exclude: [ADS-09, ACC-01]\n",
        5,
        "excluding ADS-09 needs a reason",
    ),
    "a reason of blanks": (
        "controls:\n  exclude: {ACC-01: '            '}\n",
        5,
        "does not have the expected form",
    ),
    "a looser parameter with a reason of blanks": (
        "parameters:\n  max_breach_notification_hours: {value: 96, reason: '          '}\n",
        5,
        "matches none of the allowed forms",
    ),
    "a group's reason missing": (
        "controls:\n  exclude:\n    - controls: [GOV]\n",
        6,
        'required field "reason" is missing',
    ),
    "include leaving controls out without a reason": (
        "controls:\n  include: [ADS, INC, ACC]\n  exclude: {GOV: Supervised by another body.}\n",
        5,
        "include leaves out every EDU control, every INT control, every LAW control, "
        "every MIN control, every SEC control, every TGT control without a reason",
    ),
    "a control excluded twice": (
        "controls:\n  exclude:\n    - {controls: [ACC-01], reason: Left to the research scheme.}\n"
        "    - {controls: [GOV, ACC-01], reason: Supervised by another body.}\n",
        7,
        "ACC-01 is excluded twice",
    ),
    "a language no declaration can state": (
        "elections:\n  - name: Greek parliamentary election\n    date: '2027-06-01'\n"
        "    jurisdiction: GR\n    languages: [en, gr]\n",
        8,
        '"gr" is no code a declaration can state for languages',
    ),
    "a jurisdiction no declaration can state": (
        "elections:\n  - name: Greek parliamentary election\n    date: '2027-06-01'\n"
        "    jurisdiction: EL\n    languages: [el]\n",
        7,
        '"EL" is no code a declaration can state for jurisdiction',
    ),
    "unknown field": ("weights: {}\n", 4, 'unknown field "weights"'),
    "not a severity": ("severities:\n  INC-01: urgent\n", 5, ""),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILES))
def test_each_mistake_is_one_line_at_its_place(
    standard: Standard, tmp_path: Path, case: str
) -> None:
    body, line, message = BAD_PROFILES[case]
    path = write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as caught:
        load_profile(path, standard)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}:{line}:"), text
    assert message in text


def test_an_incompatible_standard_version_is_refused(standard: Standard, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.replace("0.2.0", "0.3.0"))
    with pytest.raises(InputError, match=r"profile\.yaml:2:1: the profile tailors EDHS 0\.3\.0"):
        load_profile(path, standard)


def test_a_missing_field_is_reported(standard: Standard, tmp_path: Path) -> None:
    path = write(tmp_path, "name: Test\nstandard_version: 0.2.0\n")
    with pytest.raises(InputError, match='required field "description" is missing'):
        load_profile(path, standard)


def test_a_json_profile_works_too(standard: Standard, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    data = {"name": "J", "standard_version": "0.2.0", "description": "JSON profile."}
    path.write_text(json.dumps({**data, "parameters": {"min_audience_size": 5000}}))
    assert load_profile(path, standard).parameters == {"min_audience_size": 5000}
