"""Edited copies of the repository's standard: the "next version" that diff, lint --since
and the versioned site are tested against."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from helpers import ROOT

PARTS = ("policies", "schemas", "tests/cases")


def copy_standard(dest: Path) -> Path:
    """The repository's policies, schemas and test cases under dest."""
    for part in PARTS:
        shutil.copytree(ROOT / part, dest / part)
    return dest


def set_severity(root: Path, control_id: str, severity: str) -> None:
    for path in (root / "policies").rglob("*.rego"):
        text = path.read_text(encoding="utf-8")
        if re.search(rf"^#   id: {control_id}$", text, re.MULTILINE):
            text = re.sub(
                r"^#   severity: \w+$", f"#   severity: {severity}", text, count=1, flags=re.M
            )
            path.write_text(text, encoding="utf-8")
            return
    raise AssertionError(f"no policy for {control_id}")


def set_param(root: Path, name: str, value: Any) -> None:
    path = root / "policies" / "edhs" / "params" / "data.json"
    params = json.loads(path.read_text(encoding="utf-8"))
    assert name in params
    params[name] = value
    path.write_text(json.dumps(params, indent=2), encoding="utf-8")


def edit_schema(root: Path, section: str, **changes: Any) -> None:
    """Set keywords of a top-level section of the declaration schema (e.g. required)."""
    path = root / "schemas" / "declaration.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"][section].update(changes)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def set_version(root: Path, version: str) -> None:
    path = root / "policies" / ".manifest"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["revision"] = version
    path.write_text(json.dumps(manifest), encoding="utf-8")


def next_version(dest: Path, version: str = "0.3.0") -> Path:
    """The change the issue names: SEC-06's severity raised, the critical-patch deadline
    tightened, and governance.risk_assessment made required."""
    root = copy_standard(dest)
    set_severity(root, "SEC-06", "high")
    set_param(root, "max_critical_patch_days", 3)
    edit_schema(root, "governance", required=["risk_assessment"])
    set_version(root, version)
    return root


def two_release_repo(dest: Path) -> Path:
    """A git repository holding release 0.2.0 (tagged v0.2.0, the repository's standard)
    and, in its working tree, 0.3.0 = `next_version`, both listed in releases.yaml."""
    import subprocess

    repo = copy_standard(dest)
    for part in ("docs", "standard"):
        shutil.copytree(ROOT / part, repo / part)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "0.2.0"], check=True)
    subprocess.run([*git, "tag", "v0.2.0"], check=True)
    shutil.rmtree(repo / "policies")
    shutil.rmtree(repo / "schemas")
    shutil.rmtree(repo / "tests")
    next_version(repo)
    releases = repo / "standard" / "releases.yaml"
    newest = yaml.safe_load(releases.read_text(encoding="utf-8"))["releases"][0]
    ours = {**newest, "revision": "v0.2.0"}  # the repository's own release, earlier ones gone
    upcoming = {
        "version": "0.3.0",
        "date": "2027-03-01",
        "status": "recommendation",
        "notes": "Security deadlines tightened after the 2026 elections.\n",
    }
    releases.write_text(yaml.safe_dump({"releases": [upcoming, ours]}), encoding="utf-8")
    return repo


def edit_policy(root: Path, policy: str, old: str, new: str) -> Path:
    """Replace `old` by `new` in one policy (its path under policies/): a control broken on
    purpose, to see a check catch it."""
    path = root / "policies" / policy
    source = path.read_text(encoding="utf-8")
    assert old in source, f"{policy} no longer contains {old!r}"
    path.write_text(source.replace(old, new), encoding="utf-8")
    return path
