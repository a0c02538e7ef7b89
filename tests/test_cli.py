"""The command line as a user meets it: exit codes, one-line errors, deterministic reports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import pyrules
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
COMPLIANT = EXAMPLES / "aurora-social.yaml"
NONCOMPLIANT = EXAMPLES / "kestrel-video.yaml"


def test_a_compliant_declaration_exits_0() -> None:
    result = pyrules("check", COMPLIANT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compliant" in result.stdout.splitlines()[0]


@pytest.fixture(scope="module")
def noncompliant_json() -> subprocess.CompletedProcess[str]:
    """One JSON run of the non-compliant example, shared by the tests that read it."""
    return pyrules("check", NONCOMPLIANT, "--format", "json")


def test_a_noncompliant_declaration_exits_1_and_names_each_failing_control(
    noncompliant_json: subprocess.CompletedProcess[str],
) -> None:
    result = noncompliant_json
    assert result.returncode == 1
    report = json.loads(result.stdout)
    failing = [r for r in report["results"] if r["status"] == "fail"]
    expected = yaml.safe_load((EXAMPLES / "kestrel-video.expected.yaml").read_text())
    assert sorted(r["control_id"] for r in failing) == sorted(
        control for control, status in expected.items() if status == "fail"
    )
    text = pyrules("check", NONCOMPLIANT).stdout
    for control in failing:
        assert control["control_id"] in text
        for finding in control["findings"]:
            location = finding["location"]
            assert f"{location['file']}:{location['line']}:{location['column']}" in text


def test_fail_on_ignores_failures_below_the_threshold(tmp_path: Path) -> None:
    # The compliant example with breaches notified late: INC-01 (high) is its one failure.
    declaration = tmp_path / "late-breach.yaml"
    text = COMPLIANT.read_text()
    assert "breach_notification_hours: 24\n" in text
    declaration.write_text(
        text.replace("breach_notification_hours: 24\n", "breach_notification_hours: 96\n")
    )
    assert pyrules("check", declaration, "--fail-on", "high").returncode == 1
    assert pyrules("check", declaration, "--fail-on", "critical").returncode == 0


def test_json_report_matches_its_schema_and_is_byte_for_byte_deterministic(
    noncompliant_json: subprocess.CompletedProcess[str],
) -> None:
    first = noncompliant_json.stdout
    second = pyrules("check", NONCOMPLIANT, "--format", "json").stdout
    assert first == second
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    Draft202012Validator(schema).validate(json.loads(first))


def test_reports_carry_the_digests_of_declaration_and_standard() -> None:
    import hashlib

    report = json.loads(pyrules("check", COMPLIANT, "--format", "json").stdout)
    assert report["declaration"]["sha256"] == hashlib.sha256(COMPLIANT.read_bytes()).hexdigest()
    assert len(report["standard"]["sha256"]) == 64


def test_several_formats_from_one_run(tmp_path: Path) -> None:
    text_out, json_out = tmp_path / "r.txt", tmp_path / "r.json"
    result = pyrules(
        "check", COMPLIANT, "--format", "text", "--output", text_out,
        "--format", "json", "--output", json_out,
    )  # fmt: skip
    assert result.returncode == 0
    assert "compliant" in text_out.read_text()
    assert json.loads(json_out.read_text())["compliant"] is True


def test_version_names_package_and_standard() -> None:
    assert pyrules("--version").stdout.strip() == "pyrules 0.1.0 (EDHS 0.2.0)"


def test_validate_accepts_the_examples() -> None:
    declarations = [p for p in EXAMPLES.glob("*.yaml") if not p.name.endswith(".expected.yaml")]
    result = pyrules("validate", *sorted(declarations))
    assert result.returncode == 0, result.stderr


def test_controls_lists_the_catalogue() -> None:
    result = pyrules("controls", "--format", "json")
    ids = [c["id"] for c in json.loads(result.stdout)]
    assert ids == sorted(ids) and "INC-01" in ids


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    valid = COMPLIANT.read_text()
    cases: dict[str, tuple[Path, str]] = {}

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path

    cases["broken yaml"] = (write("broken.yaml", "platform: [unclosed\n"), "broken.yaml:")
    cases["duplicate key"] = (
        write("dup.yaml", valid + "platform:\n  name: again\n"),
        "dup.yaml:",
    )
    cases["schema-invalid"] = (
        write("invalid.yaml", valid.replace("is_vlop: true", "is_vlop: maybe", 1)),
        "invalid.yaml:",
    )
    cases["unknown field"] = (write("unknown.yaml", valid + "surprise: 1\n"), "unknown.yaml:")
    cases["missing file"] = (tmp_path / "nope.yaml", "nope.yaml:")
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    cases["50 MiB file"] = (big, "big.yaml:")
    cases["10,000-level nesting"] = (
        write("deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000),
        "deep.yaml:",
    )
    cases["deep json"] = (
        write("deep.json", '{"a": ' + "[" * 10_000 + "]" * 10_000 + "}"),
        "deep.json:",
    )
    cases["invalid utf-8"] = (
        write("latin1.yaml", b"platform:\n  name: caf\xe9\n"),
        "latin1.yaml:2:",
    )
    cases["a list, not a mapping"] = (write("list.yaml", "- 1\n- 2\n"), "list.yaml:")
    cases["wrong standard version"] = (
        write("v9.yaml", valid.replace('standard_version: "0.2.0"', 'standard_version: "9.0.0"')),
        "v9.yaml:",
    )
    return cases


BAD = [
    "broken yaml", "duplicate key", "schema-invalid", "unknown field", "missing file",
    "50 MiB file", "10,000-level nesting", "deep json", "invalid utf-8",
    "a list, not a mapping", "wrong standard version",
]  # fmt: skip


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_ends_in_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    path, prefix = _bad_inputs(tmp_path)[kind]
    result = pyrules("check", path.name, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    assert "Traceback" not in result.stderr


def test_the_wrong_version_message_names_both_versions(tmp_path: Path) -> None:
    path, _ = _bad_inputs(tmp_path)["wrong standard version"]
    message = pyrules("check", path, cwd=tmp_path).stderr
    assert "9.0.0" in message and "0.2.0" in message


def test_an_unknown_option_is_exit_2() -> None:
    assert pyrules("check", COMPLIANT, "--frobnicate").returncode == 2


def test_control_characters_from_a_declaration_never_reach_the_terminal(tmp_path: Path) -> None:
    # An OSC escape would retitle the terminal; \x01 is a byte XML 1.0 cannot hold.
    text = COMPLIANT.read_text().replace(
        "algorithm: AES-128", 'algorithm: "AES-256\\e]0;pwned\\x07\\x01 fake"'
    )
    declaration = tmp_path / "escapes.yaml"
    declaration.write_text(text)
    result = pyrules("check", declaration)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "AES-256\\x1b]0;pwned\\x07\\x01 fake" in result.stdout
    junit = tmp_path / "report.xml"
    pyrules("check", declaration, "--format", "junit", "--output", junit)
    import xml.etree.ElementTree as ElementTree

    assert ElementTree.parse(junit).getroot() is not None


def test_an_unknown_field_with_control_characters_is_quoted(tmp_path: Path) -> None:
    declaration = tmp_path / "odd-key.yaml"
    declaration.write_text(COMPLIANT.read_text() + '"odd\\ekey": 1\n')
    result = pyrules("check", declaration.name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().endswith('unknown field "odd\\u001bkey"')


def test_check_goes_on_after_a_bad_file_and_exits_with_the_worst_code(tmp_path: Path) -> None:
    # A pre-commit hook passes every changed declaration at once.
    broken = tmp_path / "broken.yaml"
    broken.write_text("platform: [unclosed\n")
    result = pyrules("check", broken, NONCOMPLIANT, COMPLIANT)
    assert result.returncode == 2
    assert "broken.yaml:" in result.stderr
    assert "kestrel-video.yaml: NOT compliant" in result.stdout
    assert "aurora-social.yaml: compliant" in result.stdout


def test_validate_honours_the_size_limit_too() -> None:
    result = pyrules("validate", COMPLIANT, "--max-bytes", "100")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("the limit is 100 bytes")
