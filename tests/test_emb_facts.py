"""Verdicts an EMB can defend: its facts (elections, reference date) rule, profiles loosen
only with a reason, and no control passes an input that skipped the schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT, pyrules

from pyrules.bundle import build_bundle, load_bundle_standard
from pyrules.engine.embedded import EmbeddedEngine
from pyrules.evaluate import Checker, choose_reference_date, engine_params
from pyrules.loader import load
from pyrules.profile import ASSESSMENT_PARAM, STRICTER_WHEN_HIGHER, load_profile, loosens
from pyrules.standard import Standard, load_standard
from pyrules.testcases import CaseRunner, load_cases

AURORA = EXAMPLES / "aurora-social.yaml"
RURITANIA = ROOT / "examples" / "profiles" / "ruritania.yaml"
CASES = ROOT / "tests" / "cases"


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


def variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    """Aurora's declaration with one text replaced, as a platform might edit it."""
    text = AURORA.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


def findings(report: dict, control_id: str) -> list[str]:
    result = next(r for r in report["results"] if r["control_id"] == control_id)
    return [f["message"] for f in result["findings"]]


def check_json(*args: str | Path) -> tuple[int, dict]:
    result = pyrules("check", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


# -- 1. the EMB states the election ----------------------------------------------------


def test_a_language_left_out_fails_naming_the_profiles_election(tmp_path: Path) -> None:
    dropped = variant(tmp_path, "languages: [en, ga]", "languages: [en]")
    _, report = check_json(dropped, "--profile", RURITANIA)
    [message] = findings(report, "GOV-08")
    assert "Ruritania 2026 general election" in message and "missing: ga" in message
    # the language controls still ask for the EMB's languages, not the declaration's
    _, plain = check_json(dropped)
    assert findings(plain, "GOV-08") == []


def test_a_declaration_for_another_country_is_reported_as_such(tmp_path: Path) -> None:
    other = variant(tmp_path, "jurisdictions: [BE, IE]", "jurisdictions: [BE, DE]")
    other.write_text(other.read_text().replace("jurisdiction: IE", "jurisdiction: DE"))
    code, report = check_json(other, "--profile", RURITANIA)
    messages = findings(report, "GOV-08")
    assert code == 1
    assert any("for none of the jurisdictions of the profile Ruritania" in m for m in messages)


def test_the_profiles_languages_replace_the_declarations(standard: Standard) -> None:
    """INT-03 asks for Irish-language fact-checking because the EMB says the vote is in
    Irish, whatever the declaration's own election list says."""
    declaration = load(AURORA).data
    declaration["metadata"]["elections"][1]["languages"] = ["en"]
    declaration["integrity"]["fact_checking"]["languages"] = ["en", "fr", "nl"]
    profile = load_profile(RURITANIA, standard)
    with_profile = Checker.for_standard(standard, profile=profile).engine.evaluate(declaration)
    without = Checker.for_standard(standard).engine.evaluate(declaration)
    assert with_profile["INT-03"].deny and "ga" in with_profile["INT-03"].deny[0].msg
    assert not without["INT-03"].deny


# -- 2. one reference date -------------------------------------------------------------


def test_backdating_submitted_on_changes_no_verdict(tmp_path: Path) -> None:
    backdated = variant(tmp_path, "submitted_on: 2026-05-04", "submitted_on: 2026-02-04")
    for as_of in ("2026-09-15", "2027-01-15"):
        _, original = check_json(AURORA, "--as-of", as_of)
        _, moved = check_json(backdated, "--as-of", as_of)
        assert [r["status"] for r in moved["results"]] == [r["status"] for r in original["results"]]


def test_age_limits_count_back_from_the_reference_date() -> None:
    _, current = check_json(AURORA, "--as-of", "2026-09-15")
    _, stale = check_json(AURORA, "--as-of", "2027-01-15")
    assert current["compliant"] and current["reference_date"] == "2026-09-15"
    failed = {r["control_id"] for r in stale["results"] if r["status"] == "fail"}
    assert {"GOV-03", "GOV-05", "GOV-06"} <= failed
    assert "before the reference date (2027-01-15)" in findings(stale, "GOV-03")[0]


def test_a_declaration_dated_after_the_reference_date_fails() -> None:
    _, report = check_json(AURORA, "--as-of", "2026-05-03")
    assert (
        "after the reference date of the assessment (2026-05-03)" in findings(report, "GOV-08")[0]
    )


def test_the_profiles_as_of_is_the_default_and_as_of_wins(tmp_path: Path, standard) -> None:
    profile = load_profile(RURITANIA, standard)
    assert choose_reference_date(None, profile) == date(2026, 9, 15)  # PYRULES_AS_OF is pinned too
    assert choose_reference_date(date(2027, 1, 1), profile) == date(2027, 1, 1)
    result = pyrules("check", AURORA, "--as-of", "2026-13-01")
    assert result.returncode == 2 and "2026-13-01" in result.stderr


def test_same_as_of_same_bytes_in_every_format(tmp_path: Path) -> None:
    # Two processes (each with its own hash seed, so set order differs), every format from
    # each run.
    formats = ("json", "text", "markdown", "html", "sarif", "junit")
    for run in ("a", "b"):
        outputs = [
            arg for f in formats for arg in ("--format", f, "--output", tmp_path / f"{run}.{f}")
        ]
        result = pyrules("check", AURORA, "--as-of", "2026-09-15", "--profile", RURITANIA, *outputs)
        assert result.returncode != 2, result.stderr  # a verdict, whichever
    for format_name in formats:
        first = (tmp_path / f"a.{format_name}").read_bytes()
        assert first == (tmp_path / f"b.{format_name}").read_bytes(), format_name
        assert b"2026-09-15" in first, format_name


def test_assess_takes_the_reference_date_for_every_platform(tmp_path: Path) -> None:
    submissions = tmp_path / "in"
    submissions.mkdir()
    for name in ("aurora-social.yaml", "kestrel-video.yaml"):
        (submissions / name).write_bytes((EXAMPLES / name).read_bytes())
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = pyrules("assess", submissions, "--out", out, "--as-of", "2027-01-15")
        assert result.returncode == 1, result.stderr
        outputs.append((out / "2027-01-15-1" / "reports" / "aurora-social.json").read_bytes())
    report = json.loads(outputs[0])
    assert outputs[0] == outputs[1] and report["reference_date"] == "2027-01-15"
    assert not report["compliant"]  # its DPIA and audits are too old by then


def test_without_pyrules_the_policies_count_from_today(standard: Standard) -> None:
    """A plain OPA server keeps params/data.json's defaults: today, never submitted_on."""
    assert standard.params[ASSESSMENT_PARAM]["reference_date"] == ""
    engine = EmbeddedEngine(standard.modules, standard.params, standard.controls)
    declaration = load(AURORA).data
    declaration["governance"]["dpia"]["last_reviewed"] = date.today().isoformat()
    declaration["metadata"]["submitted_on"] = "2020-01-01"
    assert engine.evaluate(declaration)["GOV-03"].deny == ()
    declaration["governance"]["dpia"]["last_reviewed"] = "2020-01-01"
    [finding] = engine.evaluate(declaration)["GOV-03"].deny
    assert f"({date.today().isoformat()})" in finding.msg


def test_opas_own_engine_also_counts_from_today(standard: Standard) -> None:
    bindings = pytest.importorskip("opa_bindings")
    opa = bindings.OpaEngine()
    for module in standard.modules:
        opa.add_policy(module.path, module.source)
    opa.add_data(standard.params, path="edhs.params")
    [result] = opa.eval_query("x := data.edhs.lib.reference_date", {})
    assert result["x"] == date.today().isoformat()
    opa = bindings.OpaEngine()
    for module in standard.modules:
        opa.add_policy(module.path, module.source)
    opa.add_data(engine_params(standard, date(2026, 9, 15)), path="edhs.params")
    [result] = opa.eval_query("x := data.edhs.lib.reference_date", {})
    assert result["x"] == "2026-09-15"


# -- 3. profiles tighten freely and loosen only with a reason ----------------------------


def profile_file(tmp_path: Path, parameters: str) -> Path:
    path = tmp_path / "loose.yaml"
    path.write_text(
        "name: Loose 2026\nstandard_version: 0.2.0\ndescription: A test profile.\n"
        f"parameters:\n{parameters}"
    )
    return path


def test_loosening_without_a_reason_is_exit_2_naming_the_line(tmp_path: Path) -> None:
    path = profile_file(tmp_path, "  max_breach_notification_hours: 100\n")
    result = pyrules("check", AURORA, "--profile", path)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"{path}:5:")
    assert "less strict than the standard's 72" in line and "reason" in line


def test_a_reasoned_loosening_is_listed_in_the_report(tmp_path: Path) -> None:
    path = profile_file(
        tmp_path,
        "  max_breach_notification_hours:\n    value: 100\n"
        "    reason: National law allows 100 hours until 2027.\n"
        "  min_audience_size: 2000\n",
    )
    _, report = check_json(AURORA, "--profile", path)
    assert report["parameters"] == [
        {
            "name": "max_breach_notification_hours",
            "standard": 72,
            "value": 100,
            "loosens": True,
            "reason": "National law allows 100 hours until 2027.",
        },
        {
            "name": "min_audience_size",
            "standard": 1000,
            "value": 2000,
            "loosens": False,
            "reason": None,
        },
    ]
    text = pyrules("check", AURORA, "--profile", path).stdout
    assert "parameter max_breach_notification_hours is 100 under the profile" in text
    assert "looser: National law allows 100 hours" in text


@pytest.mark.parametrize(
    ("name", "value", "looser"),
    [
        ("max_breach_notification_hours", 24, False),
        ("max_breach_notification_hours", 73, True),
        ("min_audience_size", 999, True),
        ("min_tls_version", "1.3", False),
        ("min_tls_version", "1.10", False),
        ("min_tls_version", "1.1", True),
        ("special_categories", ["user.biometric"], True),
        ("approved_at_rest_algorithms", ["AES-256"], False),
        ("approved_at_rest_algorithms", ["AES-256", "AES-128", "DES"], True),
        ("third_country_blackout_months", 2, True),
        ("default_voting_age", 16, True),
    ],
)
def test_the_direction_follows_from_the_parameter(
    standard: Standard, name: str, value: object, looser: bool
) -> None:
    assert loosens(name, standard.params[name], value) is looser


def test_every_parameter_has_a_direction(standard: Standard) -> None:
    """A change the shared rules cannot call stricter would need a reason: each number
    of the standard must have a known direction, so tightening stays free."""
    from pyrules.params_direction import direction

    for name, default in standard.params.items():
        assert loosens(name, default, default) is False, name
        if isinstance(default, int) and name not in STRICTER_WHEN_HIGHER:
            assert direction(name, default, default + 1) != "unknown", name


def test_findings_name_the_source_of_their_limit() -> None:
    _, report = check_json(AURORA, "--profile", RURITANIA)
    [message] = findings(report, "TGT-03")
    assert "Ruritania 2026 general election requires audiences of at least 5000" in message
    assert message.endswith("the standard's value is 1000")
    _, plain = check_json(EXAMPLES / "kestrel-video.yaml")
    assert all("the standard's value" not in m for m in findings(plain, "INC-01"))


def test_no_title_quotes_a_value_a_profile_may_change(standard: Standard) -> None:
    for control in standard.controls:
        for name in control.parameters:
            value = standard.params[name]
            if isinstance(value, int) and not isinstance(value, bool):
                words = {"7": "seven", "3": "three", "12": "twelve"}
                assert str(value) not in control.title, control.id
                assert words.get(str(value), "\0") not in control.title, control.id


# -- 4. policies that protect themselves -----------------------------------------------


def test_every_control_has_a_schemaless_case_that_runs_through_a_bundle(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "edhs.tar.gz"
    archive.write_bytes(build_bundle().data)
    from_bundle = load_bundle_standard(archive)
    reference, cases = load_cases(CASES)
    schemaless = [c for c in cases if not c.schema]
    assert {c.control_id for c in schemaless} == {c.id for c in from_bundle.controls}
    outcomes = CaseRunner(from_bundle).run(reference, schemaless)
    assert [o.detail for o in outcomes if not o.ok] == []


@pytest.mark.parametrize(
    ("change", "control_id"),
    [
        (lambda d: d["metadata"].pop("elections"), "INT-03"),
        (lambda d: d["metadata"].update(elections=[]), "EDU-01"),
        (lambda d: d["metadata"].update(elections=[]), "GOV-04"),
        (lambda d: d["metadata"].update(jurisdictions=[]), "ACC-05"),
        (lambda d: d["incident_response"].update(breach_notification_hours="96"), "INC-01"),
    ],
)
def test_the_listed_schemaless_inputs_no_longer_pass(
    standard: Standard, change, control_id: str
) -> None:
    declaration = load(AURORA).data
    change(declaration)
    verdict = Checker.for_standard(standard).engine.evaluate(declaration)[control_id]
    assert verdict.applicable and verdict.deny


def test_an_undecidable_applicability_applies(standard: Standard) -> None:
    declaration = load(AURORA).data
    declaration["platform"]["is_vlop"] = "yes"
    declaration["transparency"]["reports_per_year"] = 1
    verdicts = Checker.for_standard(standard).engine.evaluate(declaration)
    assert verdicts["GOV-04"].applicable and verdicts["ACC-01"].applicable
    assert verdicts["ACC-03"].deny  # the VLOP threshold, not the lower one


def test_a_case_marked_schemaless_must_break_the_schema(standard: Standard) -> None:
    reference, cases = load_cases(CASES)
    case = next(c for c in cases if c.control_id == "INC-01" and not c.schema)
    valid = type(case)(case.control_id, case.name, "pass", schema=False)
    outcome = CaseRunner(standard).run_one(reference, valid)
    assert not outcome.ok and "schema: false, but the declaration is valid" in outcome.detail


# -- the Commission's designations, not the platform's word ------------------------------


def test_a_designated_service_cannot_state_it_is_not_very_large(tmp_path: Path) -> None:
    """Kestrel Video states is_vlop false with 6.4 million users; an EMB that lists it among
    the Commission's designations sees GOV-09 fail with its source quoted, and every
    control for very large platforms applies to it."""
    kestrel = EXAMPLES / "kestrel-video.yaml"
    profile = tmp_path / "designations.yaml"
    profile.write_text(
        RURITANIA.read_text().replace(
            "  - name: Boreal Forum\n",
            "  - name: KESTREL VIDEO\n"
            "    source: Commission decision designating Kestrel Video (fictional)\n"
            "  - name: Boreal Forum\n",
        )
    )
    _, plain = check_json(kestrel, "--profile", RURITANIA)
    _, listed = check_json(kestrel, "--profile", profile)
    assert findings(plain, "GOV-09") == []
    [message] = findings(listed, "GOV-09")
    assert "Ruritania 2026 general election lists KESTREL VIDEO" in message
    assert "Commission decision designating Kestrel Video (fictional)" in message
    status = {r["control_id"]: r["status"] for r in plain["results"]}
    status_listed = {r["control_id"]: r["status"] for r in listed["results"]}
    assert status["GOV-06"] == "not_applicable" and status_listed["GOV-06"] != "not_applicable"


def test_a_designation_needs_its_source(tmp_path: Path) -> None:
    profile = tmp_path / "unsourced.yaml"
    profile.write_text(
        RURITANIA.read_text().replace(
            "    source: Commission decision designating Boreal Forum (fictional), 2024\n", ""
        )
    )
    line = profile.read_text().splitlines().index("  - name: Boreal Forum") + 1
    result = pyrules("check", EXAMPLES / "kestrel-video.yaml", "--profile", profile)
    assert result.returncode == 2
    assert result.stderr == f'{profile}:{line}:5: required field "source" is missing\n'
