"""Waivers: accepted, time-limited exceptions, applied after evaluation.

The unit tests build control results by hand, so they say exactly which finding a waiver
covers; the CLI tests run the real examples with `--waivers` and `--today`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers import pyrules
from jsonschema import Draft202012Validator

from pyrules.errors import InputError
from pyrules.loader import LoadError
from pyrules.model import ControlResult, Finding, Location
from pyrules.schema import schema_problems
from pyrules.waivers import WAIVER_SCHEMA, apply_waivers, load_waivers, waiver_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
NONCOMPLIANT = EXAMPLES / "kestrel-video.yaml"
COMPLIANT = EXAMPLES / "aurora-social.yaml"
KNOWN = ["INC-01", "SEC-02", "ADS-01"]


def write(tmp_path: Path, text: str, name: str = "waivers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def waiver_entry(control: str, expires: str = "2026-12-31", path: str | None = None) -> str:
    scope = f"    path: {path}\n" if path else ""
    return (
        f"  - control: {control}\n{scope}"
        "    justification: Accepted until the fix ships.\n"
        "    approved_by: Data Protection Officer\n"
        f"    expires: {expires}\n"
    )


def finding(path: str) -> Finding:
    location = Location(file="decl.yaml", line=3, column=5, pointer=path)
    return Finding(message=f"bad {path}", path=path, location=location)


def failing(control_id: str, *paths: str) -> ControlResult:
    return ControlResult(
        control_id=control_id,
        title="A control",
        family=control_id[:3],
        severity="high",
        status="fail",
        findings=[finding(p) for p in paths],
    )


# --------------------------------------------------------------------------- the file


def test_the_waiver_schema_is_a_valid_closed_2020_12_schema() -> None:
    schema = json.loads((ROOT / "schemas" / WAIVER_SCHEMA).read_text())
    Draft202012Validator.check_schema(schema)
    assert schema == waiver_schema()
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["waiver"]["additionalProperties"] is False
    for name, prop in schema["$defs"]["waiver"]["properties"].items():
        assert prop.get("description"), name


def test_a_valid_file_loads_with_positions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "waivers:\n" + waiver_entry("INC-01") + waiver_entry("SEC-02", path="/security/tls"),
    )
    loaded = load_waivers(path, KNOWN)
    assert [w.control_id for w in loaded.waivers] == ["INC-01", "SEC-02"]
    assert loaded.waivers[0].expires == date(2026, 12, 31)
    assert loaded.waivers[0].path is None and loaded.waivers[1].path == "/security/tls"
    assert (loaded.waivers[1].location.line, loaded.waivers[1].location.column) == (6, 5)
    assert len(loaded.digest.sha256) == 64


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("waivers:\n  - control: INC-01\n", "2:5", "required"),
        ("waivers:\n" + waiver_entry("INC-01", expires="31/12/2026"), "5:5", "not a valid date"),
        (
            "waivers:\n" + waiver_entry("INC-01") + "    ticket: 42\n",
            "6:5",
            'unknown field "ticket"',
        ),
        ("waivers:\n" + waiver_entry("INC-01", path="no-slash"), "3:5", "expected form"),
        (
            "waivers:\n"
            + waiver_entry("INC-01").replace("Accepted until the fix ships.", "'            '"),
            "3:5",
            "expected form",
        ),
        (
            "waivers:\n" + waiver_entry("INC-01").replace("Data Protection Officer", "' '"),
            "4:5",
            "expected form",
        ),
        ("ignore: []\n", "1:1", 'required field "waivers" is missing (and 1 more)'),
        ("waivers: [\n", "2:1", "invalid YAML"),
    ],
)
def test_a_bad_file_is_one_located_line(tmp_path: Path, text: str, where: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises((InputError, LoadError)) as raised:
        load_waivers(path, KNOWN)
    message = str(raised.value)
    assert message.startswith(f"{path}:{where}: "), message
    assert words in message


def test_an_unknown_control_is_an_input_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "waivers:\n" + waiver_entry("INC-01") + waiver_entry("XYZ-99"))
    with pytest.raises(InputError, match=r"waivers\.yaml:6:5: unknown control \"XYZ-99\""):
        load_waivers(path, KNOWN)


def test_the_waiver_schema_names_each_mistake_at_its_pointer() -> None:
    entry = {
        "control": "INC-01",
        "justification": "Accepted until the fix ships.",
        "approved_by": "Data Protection Officer",
        "expires": "2026-12-31",
    }
    assert schema_problems({"waivers": [entry]}, waiver_schema()) == []
    bad = {**entry, "expires": "2026-13-01", "justification": "x"}
    del bad["approved_by"]
    problems = schema_problems({"waivers": [entry, bad]}, waiver_schema())
    assert [(p.pointer, p.message.split(";")[0]) for p in problems] == [
        ("/waivers/1", 'required field "approved_by" is missing'),
        ("/waivers/1/expires", '"2026-13-01" is not a valid date'),
        ("/waivers/1/justification", '"x" has 1 characters'),
    ]


# --------------------------------------------------------------------------- applying


def loaded(tmp_path: Path, *entries: str) -> tuple:
    return load_waivers(write(tmp_path, "waivers:\n" + "".join(entries)), KNOWN).waivers


def test_a_waiver_without_path_waives_every_finding_and_the_control(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("INC-01"))
    applied = apply_waivers([failing("INC-01", "/a", "/b")], waivers, date(2026, 6, 1))
    (result,) = applied.results
    assert result.status == "waived"
    assert [f.waived_by for f in result.findings] == ["Accepted until the fix ships."] * 2
    (outcome,) = applied.waivers
    assert (outcome.status, outcome.waived_findings) == ("applied", 2)


def test_a_waiver_with_path_covers_that_field_and_below_only(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("SEC-02", path="/security/tls"))
    paths = ("/security/tls", "/security/tls/minimum_version", "/security/tlsx", "/security")
    applied = apply_waivers([failing("SEC-02", *paths)], waivers, date(2026, 6, 1))
    (result,) = applied.results
    assert result.status == "fail"  # not every finding is waived
    assert [f.waived_by is not None for f in result.findings] == [True, True, False, False]
    assert applied.waivers[0].waived_findings == 2


def test_a_waiver_is_valid_through_its_expiry_day(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("INC-01", expires="2026-06-01"))
    on_the_day = apply_waivers([failing("INC-01", "/a")], waivers, date(2026, 6, 1))
    assert on_the_day.results[0].status == "waived" and not on_the_day.any_expired
    day_after = apply_waivers([failing("INC-01", "/a")], waivers, date(2026, 6, 2))
    assert day_after.results[0].status == "fail"
    assert day_after.results[0].findings[0].waived_by is None
    (outcome,) = day_after.waivers
    assert outcome.status == "expired" and day_after.any_expired
    assert "expired on 2026-06-01; 1 finding it covered now fail" in outcome.message


def test_a_later_valid_waiver_still_applies_when_an_earlier_one_expired(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("INC-01", expires="2026-01-01"), waiver_entry("INC-01"))
    applied = apply_waivers([failing("INC-01", "/a")], waivers, date(2026, 6, 1))
    assert applied.results[0].status == "waived"
    assert [w.status for w in applied.waivers] == ["expired", "applied"]


def test_a_waiver_that_matches_nothing_is_unused(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("ADS-01"))
    applied = apply_waivers([failing("INC-01", "/a")], waivers, date(2026, 6, 1))
    assert applied.results[0].status == "fail"
    assert applied.waivers[0].status == "unused" and not applied.any_expired


def test_errors_and_passes_are_never_waived(tmp_path: Path) -> None:
    waivers = loaded(tmp_path, waiver_entry("INC-01"))
    error = replace(failing("INC-01"), status="error", error="boom")
    passed = replace(failing("INC-01"), status="pass")
    applied = apply_waivers([error, passed], waivers, date(2026, 6, 1))
    assert [r.status for r in applied.results] == ["error", "pass"]
    assert applied.waivers[0].status == "unused"


# --------------------------------------------------------------------------- the CLI


def report_of(*args: str | Path) -> tuple[int, dict]:
    result = pyrules("check", *args, "--format", "json")
    return result.returncode, json.loads(result.stdout)


def test_waiving_every_failure_makes_a_run_compliant_but_not_passing(tmp_path: Path) -> None:
    code, before = report_of(NONCOMPLIANT)
    assert code == 1
    failing_ids = [r["control_id"] for r in before["results"] if r["status"] == "fail"]
    path = write(tmp_path, "waivers:\n" + "".join(waiver_entry(c) for c in failing_ids))
    code, after = report_of(NONCOMPLIANT, "--waivers", path, "--today", "2026-06-01")
    assert code == 0 and after["compliant"] is True
    assert after["summary"]["waived"] == len(failing_ids)
    assert after["summary"]["passed"] == before["summary"]["passed"]  # waived is not a pass
    assert {w["status"] for w in after["waivers"]} == {"applied"}
    assert after["waiver_file"]["name"] == str(path)


def test_an_expired_waiver_fails_a_compliant_run(tmp_path: Path) -> None:
    path = write(tmp_path, "waivers:\n" + waiver_entry("INC-01", expires="2026-01-31"))
    code, report = report_of(COMPLIANT, "--waivers", path, "--today", "2026-06-01")
    assert code == 1 and report["compliant"] is False
    assert report["waivers"][0]["status"] == "expired"
    assert report["summary"]["failed"] == 0
    code, report = report_of(COMPLIANT, "--waivers", path, "--today", "2026-01-31")
    assert code == 0 and report["waivers"][0]["status"] == "unused"


def test_today_defaults_to_the_real_date(tmp_path: Path) -> None:
    path = write(tmp_path, "waivers:\n" + waiver_entry("INC-01", expires="2000-01-01"))
    code, report = report_of(COMPLIANT, "--waivers", path)
    assert code == 1 and report["waivers"][0]["status"] == "expired"


@pytest.mark.parametrize(
    "args",
    [
        ("--waivers", "missing.yaml"),
        ("--today", "01/06/2026"),
    ],
)
def test_bad_waiver_options_exit_2(args: tuple[str, ...]) -> None:
    result = pyrules("check", COMPLIANT, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_an_unknown_control_in_the_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "waivers:\n" + waiver_entry("XYZ-99"))
    result = pyrules("check", COMPLIANT, "--waivers", path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:2:5: unknown control "XYZ-99": this standard has no such control'
    ]


def test_the_same_inputs_and_date_give_the_same_bytes(tmp_path: Path) -> None:
    path = write(
        tmp_path, "waivers:\n" + waiver_entry("INC-01") + waiver_entry("SEC-02", "2026-01-01")
    )
    args = (NONCOMPLIANT, "--waivers", path, "--today", "2026-06-01", "--format", "json")
    assert pyrules("check", *args).stdout == pyrules("check", *args).stdout


def test_the_example_waiver_file_waives_one_control_and_has_one_expired_waiver() -> None:
    example = ROOT / "examples" / "waivers" / "kestrel-video.yaml"
    code, report = report_of(NONCOMPLIANT, "--waivers", example, "--today", "2026-09-15")
    assert code == 1
    assert [(w["control_id"], w["status"]) for w in report["waivers"]] == [
        ("INC-01", "applied"),
        ("SEC-02", "expired"),
    ]
    statuses = {r["control_id"]: r["status"] for r in report["results"]}
    assert statuses["INC-01"] == "waived" and statuses["SEC-02"] == "fail"
