"""`check --output` says on stderr what it decided and where the report went; --quiet not."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import EXAMPLES, pyrules


def test_output_prints_one_summary_line_per_declaration(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    sarif = tmp_path / "report.sarif"
    result = pyrules(
        "check",
        EXAMPLES / "kestrel-video.yaml",
        "--format",
        "json",
        "--output",
        report,
        "--format",
        "sarif",
        "--output",
        sarif,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "kestrel-video.yaml: NOT compliant with EDHS" in line
    assert " fail, " in line
    assert line.endswith(f"; report: {report} (json), {sarif} (sarif)")


def test_quiet_silences_the_summary_and_a_compliant_text_report(tmp_path: Path) -> None:
    result = pyrules(
        "check", EXAMPLES / "aurora-social.yaml", "--quiet", "--format", "json", "--output",
        tmp_path / "r.json",
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "r.json").stat().st_size > 0
    result = pyrules("check", EXAMPLES / "aurora-social.yaml", "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    loud = pyrules("check", EXAMPLES / "aurora-social.yaml")
    assert "compliant" in loud.stdout


def test_quiet_still_shows_what_fails() -> None:
    result = pyrules("check", EXAMPLES / "kestrel-video.yaml", "--quiet")
    assert result.returncode == 1
    assert "NOT compliant" in result.stdout
    assert "FAIL " in result.stdout
