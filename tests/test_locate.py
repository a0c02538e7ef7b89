"""`pyrules controls ID`: a control's policy, cases and docs page, each one step from its ID."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import ROOT

from pyrules.cli import main
from pyrules.docs.generate import control_page_path
from pyrules.standard import load_standard


def controls(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["controls", *args])
    return result.exit_code, result.stdout, result.stderr


def test_every_control_names_files_that_exist_and_the_page_the_docs_generate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = controls("--format", "json", "--site-url", "https://edhs.example/")
    assert code == 0
    listed = json.loads(out)
    assert len(listed) == len(load_standard().controls)
    for control in listed:
        files = control["files"]
        assert (ROOT / files["policy"]).is_file(), files
        assert files["policy"] == f"policies/{control['source']}"
        assert files["cases"] == f"tests/cases/{control['id']}.yaml"
        assert (ROOT / files["cases"]).is_file()
        page = control_page_path(control["id"]).removesuffix("index.md")
        assert files["docs"] == f"https://edhs.example/{page}"


def test_one_control_by_its_id_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = controls("inc-01", "--site-url", "https://edhs.example/")
    assert code == 0
    assert out.splitlines() == [
        "INC-01  Personal-data breaches are notified within the deadline",
        "  policy: policies/edhs/inc/inc_01_breach_notification.rego",
        "  cases:  tests/cases/INC-01.yaml",
        "  docs:   https://edhs.example/controls/inc/inc-01/",
    ]


def test_without_a_published_site_the_page_is_in_the_local_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)  # outside the checkout, paths are absolute
    monkeypatch.setenv("PYRULES_DOCS_URL", "")
    code, out, _ = controls("SEC-02")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == f"  policy: {ROOT / 'policies/edhs/sec/sec_02_tls_version.rego'}"
    assert lines[3] == "  docs:   site/controls/sec/sec-02/"


def test_an_unknown_id_is_one_line_and_exit_2() -> None:
    code, out, err = controls("INC-01", "XYZ-99")
    assert code == 2 and out == ""
    assert "XYZ-99: this standard has no such control" in err
