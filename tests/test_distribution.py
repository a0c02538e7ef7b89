"""Every place that pins a release names the version of pyproject.toml, under the
distribution's own name, and the release workflow is valid for GitHub."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

import pyrules
from tests.helpers import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]
PINNING = [ROOT / "README.md", ROOT / "action.yml", *sorted((ROOT / "docs").rglob("*.md"))]
PINS = {
    "pip": re.compile(r"pyrules-edhs(?:\[\w+\])?==(\d+\.\d+\.\d+)"),
    "action": re.compile(r"pyrules/pyrules@v(\d+\.\d+\.\d+)"),
    "pre-commit": re.compile(r"rev: v(\d+\.\d+\.\d+)"),
}


def test_the_distribution_is_pyrules_edhs_with_the_pyrules_command() -> None:
    assert PROJECT["name"] == "pyrules-edhs"
    assert PROJECT["scripts"] == {"pyrules": "pyrules.cli:main"}
    assert pyrules.__version__ == VERSION


def test_every_pin_names_this_version_and_nothing_installs_the_other_pyrules() -> None:
    found = 0
    for path in PINNING:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pip install ['\"]?pyrules(?![-\w])", text), path.name
        assert "OWNER/pyrules" not in text, path.name
        for kind, pin in PINS.items():
            for version in pin.findall(text):
                if kind == "pre-commit" and "pyrules/pyrules" not in text:
                    continue  # another repository's hook
                assert version == VERSION, (path.name, kind, version)
                found += 1
    assert found >= 8


def test_the_pre_commit_example_pins_this_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", readme, re.S)
    assert snippet
    (repo,) = yaml.safe_load(snippet.group(1))["repos"]
    assert repo["repo"] == "https://github.com/pyrules/pyrules"
    assert repo["rev"] == f"v{VERSION}"


def test_the_release_workflow_publishes_with_trusted_publishing() -> None:
    path = ROOT / ".github" / "workflows" / "release.yml"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v*.*.*"]  # YAML 1.1 reads `on:` as true
    assert workflow["permissions"] == {"contents": "read"}
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"] == "pypi"
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    build = workflow["jobs"]["build"]
    runs = [s.get("run", "") for s in build["steps"]]
    assert "make test" in runs and "make dist" in runs
    assert any('"$GITHUB_REF_NAME" != "v$version"' in r for r in runs)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")
