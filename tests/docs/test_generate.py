"""The site stays in sync with the standard: a page per control, no page names a control
that does not exist, and the sources are regenerated from scratch, never left stale."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from pyrules.docs.generate import Sources, control_page_path, generate
from pyrules.errors import InputError
from pyrules.render import RenderContext, control_url
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CASES = ROOT / "tests" / "cases"
CONTROL_ID = re.compile(r"\b[A-Z]{3}-\d{2}\b")


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard(ROOT)


def test_every_control_has_a_page_and_an_html_file_where_reports_link(built) -> None:
    for control in built.standard.controls:
        page = control_page_path(control.id)
        assert page in built.pages, f"{control.id} has no page"
        assert f"# {control.id} · {control.title}" in built.pages[page]
        html = built.site / page.replace(".md", ".html")
        assert html.is_file(), f"{control.id}: {html} was not built"
        # Reports link to <site>/controls/<family>/<id>/; that directory serves this file.
        url = control_url(RenderContext(docs_url="https://docs.example"), control.id)
        assert url.removeprefix("https://docs.example/") + "index.html" == page.replace(
            ".md", ".html"
        )


def test_no_page_names_a_control_that_does_not_exist(built) -> None:
    known = {c.id for c in built.standard.controls}
    for path, text in built.pages.items():
        named = set(CONTROL_ID.findall(text))
        assert named <= known, f"{path} names {sorted(named - known)}"


def test_every_control_page_is_in_the_navigation(built) -> None:
    config = yaml.safe_load((built.sources / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = set(re.findall(r"controls/[a-z]{3}/[a-z]{3}-\d{2}/index\.md", json.dumps(config)))
    assert listed == {control_page_path(c.id) for c in built.standard.controls}


def test_the_published_manifest_matches_the_standard(built) -> None:
    manifest = json.loads((built.site / "standard.json").read_text(encoding="utf-8"))
    assert manifest["version"] == built.standard.version
    assert manifest["sha256"] == built.standard.sha256
    assert [c["id"] for c in manifest["controls"]] == [c.id for c in built.standard.controls]


def test_regenerating_gives_the_same_sources_byte_for_byte(
    built, standard: Standard, tmp_path: Path
) -> None:
    generate(standard, DOCS, CASES).write(tmp_path)
    fresh = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    used = {
        p.relative_to(built.sources).as_posix() for p in built.sources.rglob("*") if p.is_file()
    }
    assert fresh == used
    for rel in sorted(fresh):
        assert (tmp_path / rel).read_bytes() == (built.sources / rel).read_bytes(), rel


def test_writing_sources_removes_pages_of_controls_that_are_gone(tmp_path: Path) -> None:
    Sources(
        {"mkdocs.yml": "site_name: x\n", "docs/controls/old/old-01/index.md": "# OLD-01\n"}
    ).write(tmp_path)
    Sources({"mkdocs.yml": "site_name: x\n", "docs/index.md": "# Home\n"}).write(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.md")) == [
        "docs/index.md"
    ]


def test_writing_sources_refuses_to_empty_a_directory_it_did_not_generate(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not generated docs sources"):
        Sources({"mkdocs.yml": ""}).write(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_control_naming_an_unknown_aceeeo_recommendation_stops_the_build(
    standard: Standard, tmp_path: Path
) -> None:
    docs = _copy_docs(tmp_path)
    aceeeo = yaml.safe_load((docs / "aceeeo.yaml").read_text(encoding="utf-8"))
    del aceeeo["R3"]
    (docs / "aceeeo.yaml").write_text(yaml.safe_dump(aceeeo), encoding="utf-8")
    with pytest.raises(InputError, match=r"names ACEEEO R3, which .*aceeeo.yaml does not define"):
        generate(standard, docs, CASES)


def test_a_hand_written_page_may_not_shadow_a_generated_one(
    standard: Standard, tmp_path: Path
) -> None:
    docs = _copy_docs(tmp_path)
    (docs / "declaration.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="this page is generated"):
        generate(standard, docs, CASES)


def test_hand_written_pages_are_copied_and_listed_under_guides(built) -> None:
    for page in (DOCS / "guides").glob("*.md"):
        assert f"guides/{page.name}" in built.pages
    config = yaml.safe_load((built.sources / "mkdocs.yml").read_text(encoding="utf-8"))
    guides = next(item["Guides"] for item in config["nav"] if "Guides" in item)
    assert guides[0] == "guides/ci-self-check.md"
    assert "home.md" not in built.pages  # home.md is the home page's prose, not a page
    assert "Election Data-Handling Standard (EDHS)" in built.pages["index.md"]
    assert "<!--" not in built.pages["index.md"]  # its note for editors stays out


def test_the_ci_guide_links_the_action_guide_only_when_it_exists(
    standard: Standard, tmp_path: Path
) -> None:
    docs = _copy_docs(tmp_path)
    (docs / "guides" / "github-action.md").unlink(missing_ok=True)
    without = generate(standard, docs, CASES).pages["guides/ci-self-check.md"]
    assert "github-action.md" not in without
    (docs / "guides" / "github-action.md").write_text("# The action\n", encoding="utf-8")
    with_it = generate(standard, docs, CASES).pages["guides/ci-self-check.md"]
    assert "[the GitHub Action](github-action.md)" in with_it
    assert "edhs:if-exists" not in with_it


def _copy_docs(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    for path in DOCS.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(DOCS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    return target


def test_a_control_whose_cases_are_not_written_yet_still_gets_a_page(
    standard: Standard, tmp_path: Path
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in CASES.glob("*.yaml"):
        if path.name != "INC-01.yaml":
            (cases / path.name).write_bytes(path.read_bytes())
    page = generate(standard, DOCS, cases).pages[control_page_path("INC-01")]
    assert "This control has no test cases yet, so there is no example." in page
    assert "No test cases yet." in page


def test_each_control_page_shows_its_rego_coverage(standard: Standard) -> None:
    pytest.importorskip("opa_bindings")
    page = generate(standard, DOCS, CASES).pages[control_page_path("INC-01")]
    assert re.search(
        r"\*\*Rego coverage:\*\* these cases exercise 100% of the policy's\n\d+ rule lines", page
    )
