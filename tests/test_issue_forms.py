"""The issue forms let a committee member propose a change without Rego; they stay valid
GitHub issue forms and in step with the standard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from pyrules.about import load_about
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
NEEDED = {
    "change-control.yml": {"control", "current", "proposed", "basis", "legal-basis", "impact"},
    "new-control.yml": {"family", "title", "requirement", "severity", "basis", "legal-basis"},
    "reference-correction.yml": {"controls", "reference", "words", "read-in"},
}


def _form(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    return subprocess.run([*command, *map(str, files)], capture_output=True, text=True)


def test_the_forms_are_valid_github_issue_forms() -> None:
    done = _check_jsonschema("vendor.github-issue-forms", *(FORMS / n for n in NEEDED))
    assert done.returncode == 0, done.stdout + done.stderr
    done = _check_jsonschema("vendor.github-issue-config", FORMS / "config.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_form_asks_for_what_the_committee_needs() -> None:
    for name, ids in NEEDED.items():
        fields = {item["id"]: item for item in _form(name)["body"] if "id" in item}
        assert ids <= fields.keys(), name
        for field_id in ids - {"basis"}:
            assert fields[field_id].get("validations", {}).get("required"), (name, field_id)


def test_the_new_control_form_offers_the_standards_families_and_bases() -> None:
    standard = load_standard()
    fields = {item["id"]: item for item in _form("new-control.yml")["body"] if "id" in item}
    offered = [o.split(" · ")[0] for o in fields["family"]["attributes"]["options"][:-1]]
    assert sorted(offered) == sorted(f.id for f in standard.families)
    assert fields["basis"]["attributes"]["options"][:3] == ["law", "law+threshold", "standard"]


def test_the_chooser_links_the_guide_on_the_published_site() -> None:
    config = yaml.safe_load((FORMS / "config.yml").read_text(encoding="utf-8"))
    url = config["contact_links"][0]["url"]
    assert url == load_about(ROOT).site_url + "guides/propose-a-change.html"
    assert (ROOT / "docs" / "guides" / "propose-a-change.md").is_file()
