"""Every format names each control a profile leaves out, with the profile's reason: a
reader of any report must see what was never assessed (issue: loosening by omission)."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pyrules.evaluate import Checker
from pyrules.model import Report
from pyrules.profile import load_profile
from pyrules.render import RenderContext, renderer
from pyrules.render.matrix import EXCLUDED
from pyrules.standard import Standard

ROOT = Path(__file__).resolve().parents[2]
FREEDONIA = ROOT / "examples" / "profiles" / "freedonia.yaml"
RESEARCH = "Researcher data access is left to the national research-access scheme."


@pytest.fixture(scope="module")
def left_out(standard: Standard) -> Report:
    profile = load_profile(FREEDONIA, standard)
    checker = Checker.for_standard(standard, profile=profile)
    return checker.check_file(ROOT / "examples" / "declarations" / "aurora-social.yaml")


def test_the_fixture_leaves_out_whole_families_and_one_control(
    left_out: Report, standard: Standard
) -> None:
    gov = {c.id for c in standard.controls if c.family == "GOV"}
    assert gov <= set(left_out.not_assessed)
    assert left_out.not_assessed["ACC-01"] == RESEARCH
    assert "ACC-02" not in left_out.not_assessed


def plain(text: str) -> str:
    """Markup and escapes removed, white space folded: what a reader reads."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text).replace("\\", ""))
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_each_human_format_names_every_control_left_out_and_why(left_out: Report, fmt: str) -> None:
    shown = plain(renderer(fmt)(left_out, RenderContext(docs_url="")))
    for control_id, reason in left_out.not_assessed.items():
        assert re.search(rf"\b{control_id}\b", shown), (fmt, control_id)
        assert reason in shown, (fmt, reason)
    assert f"{len(left_out.not_assessed)} not assessed" in shown


def test_json_carries_the_map_of_controls_to_reasons(left_out: Report) -> None:
    data = json.loads(renderer("json")(left_out, RenderContext()))
    assert data["not_assessed"] == left_out.not_assessed
    assert not set(data["not_assessed"]) & {r["control_id"] for r in data["results"]}


def test_sarif_carries_them_in_the_run_properties(left_out: Report) -> None:
    log = json.loads(renderer("sarif")(left_out, RenderContext()))
    assert log["runs"][0]["properties"]["notAssessed"] == left_out.not_assessed


def test_junit_skips_each_control_left_out_with_its_reason(left_out: Report) -> None:
    root = ET.fromstring(renderer("junit")(left_out, RenderContext()))
    skipped = {
        case.get("name"): case.find("skipped").get("message")  # type: ignore[union-attr]
        for case in root.iter("testcase")
        if case.find("skipped") is not None and case.get("name") in left_out.not_assessed
    }
    assert set(skipped) == set(left_out.not_assessed)
    assert skipped["ACC-01"] == f"not assessed under the profile: {RESEARCH}"
    gov = next(s for s in root.iter("testsuite") if s.get("name") == "GOV")
    assert gov.get("skipped") == gov.get("tests") != "0"


def test_a_report_without_a_profile_shows_no_such_section(compliant: Report) -> None:
    assert compliant.not_assessed == {}
    for fmt in ("text", "markdown", "html"):
        assert "not assessed" not in renderer(fmt)(compliant, RenderContext()).lower(), fmt


def test_the_text_renderer_does_not_import_click() -> None:
    """A library that renders reports should not pay for (or need) the CLI toolkit."""
    code = "import sys, pyrules.render.text; print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_round_names_each_control_left_out_in_every_file(
    standard: Standard, tmp_path: Path
) -> None:
    """The matrix (HTML, Markdown, CSV, XLSX), the summary, the round record and the
    archive's index all say which controls no platform was assessed on, and why."""
    import csv
    import zipfile

    from pyrules.assess import Settings, collect, run, write_outputs

    profile = load_profile(FREEDONIA, standard)
    settings = Settings(standard, profile=profile)
    declarations = ROOT / "examples" / "declarations"
    chosen = [declarations / "aurora-social.yaml", declarations / "kestrel-video.yaml"]
    out = tmp_path / "archive"
    write_outputs(run(collect(chosen), settings), settings, out, round_name="r1")
    folder = out / "r1"
    left_out = profile.left_out
    for name in ("matrix.html", "matrix.md", "summary.md"):
        shown = plain((folder / name).read_text(encoding="utf-8"))
        assert "Not assessed under the profile" in shown, name
        for control_id, reason in left_out.items():
            assert re.search(rf"\b{control_id}\b", shown) and reason in shown, (name, control_id)
    rows = list(csv.DictReader(io.StringIO((folder / "matrix.csv").read_text("utf-8"))))
    excluded = {(r["file"], r["control"]): r["findings"] for r in rows if r["status"] == EXCLUDED}
    files = {r["file"] for r in rows}
    assert len(files) == 2
    assert excluded == {(f, c): reason for f in files for c, reason in left_out.items()}
    with zipfile.ZipFile(folder / "matrix.xlsx") as workbook:
        strings = html.unescape(workbook.read("xl/sharedStrings.xml").decode("utf-8"))
    assert EXCLUDED in strings and RESEARCH in strings
    record = json.loads((folder / "round.json").read_text("utf-8"))
    assert record["not_assessed"] == left_out
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index["rounds"][0]["not_assessed"] == left_out
    page = plain((out / "index.html").read_text("utf-8"))
    assert f"{len(left_out)} controls not assessed" in page and RESEARCH in page
