"""`pyrules check --format F`: exit codes never depend on the format, and every format shows
waived controls and waivers to act on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import pyrules

from pyrules.render import FORMATS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
COMPLIANT = EXAMPLES / "aurora-social.yaml"
NONCOMPLIANT = EXAMPLES / "kestrel-video.yaml"
ALL_FORMATS = ["text", "json", "sarif", "junit", "markdown", "html"]


def test_every_format_is_registered_and_offered() -> None:
    assert list(FORMATS)[: len(ALL_FORMATS)] == ALL_FORMATS
    help_text = pyrules("check", "--help").stdout
    for name in ALL_FORMATS:
        assert name in help_text


@pytest.mark.parametrize("format_name", ALL_FORMATS)
def test_exit_codes_are_the_same_whatever_the_format(format_name: str, tmp_path: Path) -> None:
    compliant = pyrules("check", COMPLIANT, "--format", format_name)
    assert compliant.returncode == 0, compliant.stderr
    assert compliant.stdout.strip()
    out = tmp_path / f"report.{format_name}"
    noncompliant = pyrules("check", NONCOMPLIANT, "--format", format_name, "--output", out)
    assert noncompliant.returncode == 1, noncompliant.stderr
    assert noncompliant.stdout == ""
    assert "INC-01" in out.read_text(encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(COMPLIANT.read_text().replace("is_vlop: true", "is_vlop: maybe", 1))
    bad = pyrules("check", invalid, "--format", format_name)
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.splitlines()) == 1
    below = pyrules("check", NONCOMPLIANT, "--format", format_name, "--fail-on", "critical")
    critical = any(
        r["status"] == "fail" and r["severity"] == "critical"
        for r in json.loads(pyrules("check", NONCOMPLIANT, "--format", "json").stdout)["results"]
    )
    assert below.returncode == (1 if critical else 0)


@pytest.fixture(scope="module")
def waiver_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str], int]:
    """Every format from one run with an applied and an expired waiver."""
    report = json.loads(pyrules("check", NONCOMPLIANT, "--format", "json").stdout)
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
    result = pyrules("check", *args)
    outputs = {name: (tmp / f"report.{name}").read_text(encoding="utf-8") for name in ALL_FORMATS}
    return failing[0], outputs, result.returncode


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
    both = pyrules("check", COMPLIANT, NONCOMPLIANT)
    assert both.returncode == 1
    assert "aurora-social.yaml: compliant" in both.stdout
    assert "kestrel-video.yaml: NOT compliant" in both.stdout
    assert pyrules("check", COMPLIANT, COMPLIANT).returncode == 0


def test_several_declarations_with_a_machine_format_are_refused() -> None:
    result = pyrules("check", COMPLIANT, NONCOMPLIANT, "--format", "json")
    assert result.returncode == 2 and result.stdout == ""
    assert "several declarations" in result.stderr
