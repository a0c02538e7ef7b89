"""standard/about.yaml and site_url: where reports and the site point, and what a citation says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pyrules.about import Edition, load_about
from pyrules.cli import main
from pyrules.errors import InputError
from pyrules.lint import lint
from pyrules.site_url import ABOUT, resolve_site_url
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "declarations" / "kestrel-video.yaml"  # fails controls
PUBLISHED = "https://pyrules.github.io/pyrules/"


def _standard_copy(tmp_path: Path) -> Path:
    for part in ("policies", "schemas", "standard"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _check(*args: str, env: dict[str, str | None] | None = None) -> str:
    """`pyrules check` on a failing example, with PYRULES_DOCS_URL unset unless given."""
    env = {"PYRULES_DOCS_URL": None, **(env or {})}
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), *args], env=env)
    assert result.exit_code == 1, result.output
    return result.output


def test_about_yaml_names_the_publisher_the_licences_and_the_published_site() -> None:
    about = load_about(ROOT)
    assert about.site_url == PUBLISHED
    assert about.publisher.name and about.editors
    assert about.text_licence.id == "CC-BY-4.0"
    assert about.code_licence.id == "Apache-2.0"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")


def test_the_option_wins_over_the_environment_which_wins_over_about_yaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYRULES_DOCS_URL", raising=False)
    assert resolve_site_url(None, ROOT) == PUBLISHED
    monkeypatch.setenv("PYRULES_DOCS_URL", "https://emb.example/edhs")
    assert resolve_site_url(None, ROOT) == "https://emb.example/edhs/"
    assert resolve_site_url("https://other.example/", ROOT) == "https://other.example/"
    assert resolve_site_url("", ROOT) == ""  # empty: not published anywhere
    monkeypatch.setenv("PYRULES_DOCS_URL", "")
    assert resolve_site_url(None, ROOT) == ""


def test_a_site_url_that_is_not_a_web_address_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"^--site-url: the site URL must start with https://"):
        resolve_site_url("edhs.example", ROOT)


def _break_site_url(root: Path) -> int:
    """Make about.yaml's site_url invalid; the line it is on."""
    path = root / ABOUT
    text = path.read_text(encoding="utf-8").replace(f"site_url: {PUBLISHED}", "site_url: nowhere")
    path.write_text(text, encoding="utf-8")
    return next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("site_url"))


def test_a_mistake_in_about_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    root = _standard_copy(tmp_path)
    line = _break_site_url(root)
    with pytest.raises(InputError, match=rf"about.yaml:{line}:\d+: .nowhere. does not have"):
        load_about(root)


def test_lint_reports_a_mistake_in_about_yaml(tmp_path: Path) -> None:
    root = _standard_copy(tmp_path)
    line = _break_site_url(root)
    problems = [str(p) for p in lint(load_standard(root), ROOT / "tests" / "cases", None)]
    assert any(f"about.yaml:{line}:" in p and "nowhere" in p for p in problems), problems


def test_reports_link_controls_to_the_published_site_by_default() -> None:
    markdown = _check("--format", "markdown")
    assert f"]({PUBLISHED}controls/" in markdown
    assert "example.org" not in markdown


def test_reports_link_to_nothing_when_no_site_is_configured() -> None:
    markdown = _check("--format", "markdown", "--site-url", "")
    assert "](http" not in markdown
    sarif = json.loads(_check("--format", "sarif", env={"PYRULES_DOCS_URL": ""}))
    driver = sarif["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in rule for rule in driver["rules"])
    html = _check("--format", "html", "--site-url", "")
    assert "/controls/" not in html
    assert "No published site of the standard is configured" in html


def test_an_emb_can_point_reports_at_its_own_copy_of_the_site() -> None:
    sarif = json.loads(_check("--format", "sarif", "--site-url", "https://emb.example/edhs"))
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"].startswith("https://emb.example/edhs/controls/")


def test_the_citation_files_name_this_version_its_date_and_status() -> None:
    edition = Edition(load_about(ROOT), "0.2.0", "recommendation", "2027-03-01")
    bibtex = edition.citation_bibtex(PUBLISHED)
    assert bibtex.startswith("@misc{edhs-0-2-0,")
    for field in (
        f"url = {{{PUBLISHED}}}",
        "year = {2027}",
        "month = mar",
        "note = {Recommendation}",
    ):
        assert field in bibtex
    csl = json.loads(edition.citation_csl(""))
    assert csl[0]["type"] == "standard"
    assert csl[0]["version"] == "0.2.0"
    assert csl[0]["issued"] == {"date-parts": [[2027, 3, 1]]}
    assert "URL" not in csl[0]  # not published: no address to cite


def test_an_unreleased_version_is_cited_without_a_date() -> None:
    edition = Edition(load_about(ROOT), "0.3.0", "unreleased", "")
    assert "year" not in edition.citation_bibtex("")
    assert "issued" not in json.loads(edition.citation_csl(""))[0]
