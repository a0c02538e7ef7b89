"""`pyrules check --format F`: exit codes never depend on the format, and every format shows
waived controls and waivers to act on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pyrules.cli import main
from pyrules.render import FORMATS
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
COMPLIANT = EXAMPLES / "aurora-social.yaml"
NONCOMPLIANT = EXAMPLES / "kestrel-video.yaml"
ALL_FORMATS = ["text", "json", "sarif", "junit", "markdown", "html"]


def test_every_format_is_registered_and_offered() -> None:
    assert list(FORMATS)[: len(ALL_FORMATS)] == ALL_FORMATS
    help_text = check("--help")[1]
    for name in ALL_FORMATS:
        assert name in help_text


def check(*args: str | Path) -> tuple[int, str, str]:
    """`pyrules check ARGS` in this process: the format matrix needs no new interpreter per
    run (test_cli.py runs the real process for exit codes and one-line errors)."""
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def invalid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("invalid") / "invalid.yaml"
    path.write_text(COMPLIANT.read_text().replace("is_vlop: true", "is_vlop: maybe", 1))
    return path


@pytest.fixture(scope="module")
def late_breach(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compliant example with one high-severity failure: INC-01, breaches notified late."""
    path = tmp_path_factory.mktemp("late") / "late-breach.yaml"
    text = COMPLIANT.read_text()
    assert "breach_notification_hours: 24\n" in text
    path.write_text(
        text.replace("breach_notification_hours: 24\n", "breach_notification_hours: 96\n")
    )
    return path


@pytest.mark.parametrize("format_name", ALL_FORMATS)
def test_exit_codes_are_the_same_whatever_the_format(
    format_name: str, tmp_path: Path, invalid: Path, late_breach: Path
) -> None:
    code, out, err = check(COMPLIANT, "--format", format_name)
    assert code == 0, err
    assert out.strip()
    report = tmp_path / f"report.{format_name}"
    code, out, err = check(NONCOMPLIANT, "--format", format_name, "--output", report)
    assert code == 1, err
    assert out == ""
    assert "INC-01" in report.read_text(encoding="utf-8")
    code, out, err = check(invalid, "--format", format_name)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    # kestrel-video fails critical controls (its .expected.yaml and their METADATA say
    # which): --fail-on critical still fails it, whatever the format.
    assert check(NONCOMPLIANT, "--format", format_name, "--fail-on", "critical")[0] == 1
    # A high failure fails at the default threshold and at high, not at critical.
    assert check(late_breach, "--format", format_name)[0] == 1
    assert check(late_breach, "--format", format_name, "--fail-on", "high")[0] == 1
    assert check(late_breach, "--format", format_name, "--fail-on", "critical")[0] == 0


def test_the_noncompliant_example_fails_critical_controls() -> None:
    """The premise of the --fail-on critical check above, from the example's own expected
    statuses and the controls' severities (not from pyrules' report)."""
    expected = yaml.safe_load((EXAMPLES / "kestrel-video.expected.yaml").read_text())
    severity = {c.id: c.severity for c in load_standard().controls}
    assert [i for i, status in expected.items() if status == "fail" and severity[i] == "critical"]


@pytest.fixture(scope="module")
def waiver_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str], int]:
    """Every format from one run with an applied and an expired waiver."""
    report = json.loads(check(NONCOMPLIANT, "--format", "json")[1])
    failing = [r["control_id"] for r in report["results"] if r["status"] == "fail"]
    tmp = tmp_path_factory.mktemp("formats")
    waivers = tmp / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        f"  - control: {failing[0]}\n"
        "    justification: Fix ships with the October release.\n"
        "    approved_by: Data Protection Officer\n"
        "    expires: 2026-12-31\n"
        f"  - control: {failing[1]}\n"
        "    justification: Vendor contract renegotiation pending.\n"
        "    approved_by: CISO\n"
        "    expires: 2026-01-31\n"
    )
    args: list[str | Path] = [NONCOMPLIANT, "--waivers", waivers, "--today", "2026-06-01"]
    for name in ALL_FORMATS:
        args += ["--format", name, "--output", tmp / f"report.{name}"]
    code = check(*args)[0]
    outputs = {name: (tmp / f"report.{name}").read_text(encoding="utf-8") for name in ALL_FORMATS}
    return failing[0], outputs, code


@pytest.mark.parametrize("format_name", ALL_FORMATS)
def test_every_format_shows_waived_controls_and_expired_waivers(
    waiver_run: tuple[str, dict[str, str], int], format_name: str
) -> None:
    waived_id, outputs, returncode = waiver_run
    assert returncode == 1  # the expired waiver fails the run
    output = outputs[format_name]
    assert waived_id in output
    assert "Fix ships with the October release." in output
    assert "expired on 2026-01-31" in output


def test_several_declarations_are_checked_in_one_text_run() -> None:
    code, out, _ = check(COMPLIANT, NONCOMPLIANT)
    assert code == 1
    assert "aurora-social.yaml: compliant" in out
    assert "kestrel-video.yaml: NOT compliant" in out
    assert check(COMPLIANT, COMPLIANT)[0] == 0


def test_several_declarations_with_a_machine_format_are_refused() -> None:
    code, out, err = check(COMPLIANT, NONCOMPLIANT, "--format", "json")
    assert code == 2 and out == ""
    assert "several declarations" in err
