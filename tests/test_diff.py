"""pyrules diff: what changed between two standard versions, classified breaking or not, and
which platforms a change would affect."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT, pyrules
from standard_edits import copy_standard, edit_schema, next_version, set_param, set_version

from pyrules.diff import Change, StandardDiff, diff_standards, version_problems
from pyrules.params_direction import direction
from pyrules.standard import load_standard


@pytest.fixture(scope="module")
def next_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return next_version(tmp_path_factory.mktemp("next"))


def _facts(changes: tuple[Change, ...]) -> set[tuple[str, str, str, bool]]:
    return {(c.area, c.subject, c.kind, c.breaking) for c in changes}


def test_the_three_changes_are_found_and_each_is_breaking(next_root: Path) -> None:
    diff = diff_standards(load_standard(ROOT), load_standard(next_root))

    assert _facts(diff.changes) == {
        ("control", "SEC-06", "severity", True),
        ("parameter", "max_critical_patch_days", "default", True),
        ("schema", "governance.risk_assessment", "required", True),
    }
    by_kind = {c.kind: c for c in diff.changes}
    assert by_kind["severity"].summary == "severity raised from medium to high"
    assert "stricter" in by_kind["default"].summary
    assert version_problems(diff) == []  # 0.2.0 -> 0.3.0 may break: the major is 0


def test_the_reverse_change_is_looser_and_not_breaking(next_root: Path) -> None:
    diff = diff_standards(load_standard(next_root), load_standard(ROOT))

    assert _facts(diff.changes) == {
        ("control", "SEC-06", "severity", False),
        ("parameter", "max_critical_patch_days", "default", False),
        ("schema", "governance.risk_assessment", "required", False),
    }
    assert "looser" in diff.of("parameter")[0].summary
    assert version_problems(diff) == [
        "the standard changed (3 changes) but its version did not go up (0.3.0 -> 0.2.0): "
        "raise the revision in policies/.manifest"
    ]


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [("0.1.0", "0.1.1", True), ("0.1.0", "0.2.0", False), ("1.2.0", "1.3.0", True)],
)
def test_a_breaking_change_needs_a_major_bump_or_a_minor_one_below_1(
    old: str, new: str, breaking: bool
) -> None:
    change = Change("parameter", "max_x", "default", "default 7 -> 3 (stricter)", True)
    diff = StandardDiff(old, new, "a", "b", (change,))

    assert bool(version_problems(diff)) is breaking
    if breaking:
        assert "need version" in version_problems(diff)[0]


def test_a_fix_that_breaks_nothing_needs_only_a_patch_bump(tmp_path: Path) -> None:
    root = copy_standard(tmp_path)
    set_param(root, "max_breach_notification_hours", 96)  # looser
    set_version(root, "0.2.1")

    diff = diff_standards(load_standard(ROOT), load_standard(root))
    assert [c.breaking for c in diff.changes] == [False]
    assert version_problems(diff) == []


def test_schema_narrowing_and_widening(tmp_path: Path) -> None:
    root = copy_standard(tmp_path)
    old = load_standard(ROOT).schema["properties"]["platform"]
    edit_schema(
        root,
        "platform",
        required=[*old["required"], "legal_entity"],
        properties={
            **{k: v for k, v in old["properties"].items() if k != "established_in"},
            "monthly_active_users_eu": {
                **old["properties"]["monthly_active_users_eu"],
                "minimum": 1000,
            },
            "is_vlop": {**old["properties"]["is_vlop"], "type": ["boolean", "null"]},
            "app_store_url": {"type": "string"},
        },
    )
    facts = _facts(diff_standards(load_standard(ROOT), load_standard(root)).changes)

    assert ("schema", "platform.legal_entity", "required", True) in facts
    assert ("schema", "platform.established_in", "removed", True) in facts
    assert ("schema", "platform.monthly_active_users_eu", "bounds", True) in facts
    assert ("schema", "platform.is_vlop", "type", False) in facts
    assert ("schema", "platform.app_store_url", "added", False) in facts


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("max_breach_notification_hours", 72, 24, "stricter"),
        ("max_breach_notification_hours", 72, 96, "looser"),
        ("min_audience_size", 1000, 5000, "stricter"),
        ("vlop_threshold_recipients", 45000000, 60000000, "looser"),
        ("vlop_threshold_recipients", 45000000, 30000000, "stricter"),
        ("min_tls_version", "1.2", "1.3", "stricter"),
        ("min_tls_version", "1.2", "1.10", "stricter"),
        ("min_tls_version", "1.3", "1.2", "looser"),
        ("required_notice_fields", ["a"], ["a", "b"], "stricter"),
        ("special_categories", ["a", "b"], ["a"], "looser"),
        ("approved_at_rest_algorithms", ["AES-256", "AES-128"], ["AES-256"], "stricter"),
        ("accepted_mfa_types", ["fido2"], ["fido2", "sms"], "looser"),
        ("accepted_mfa_types", ["fido2"], ["sms"], "unknown"),
        ("default_voting_age", 18, 16, "unknown"),
        ("special_categories", ["a", "b"], ["b", "a"], "unchanged"),
    ],
)
def test_the_direction_of_a_parameter_change(name: str, old, new, expected: str) -> None:
    assert direction(name, old, new) == expected


def test_cli_prints_the_three_changes_and_names_the_platforms_affected(next_root: Path) -> None:
    done = pyrules("diff", ROOT, next_root, "--declarations", EXAMPLES)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("# EDHS 0.2.0 → 0.3.0\n\n3 changes, 3 breaking.")
    assert "| SEC-06 | severity raised from medium to high | **breaking** |" in out
    assert "| `max_critical_patch_days` | default 7 -> 3 (stricter) | **breaking** |" in out
    assert "| `governance.risk_assessment` | now required | **breaking** |" in out
    assert "- 1 of 3 platforms would newly fail SEC-06" in out
    assert "- 1 of 3 platforms would no longer be valid" in out
    aurora = out.split("### Aurora Social")[1].split("###")[0]
    assert "compliant → **not compliant**" in aurora
    assert "| SEC-06 Critical vulnerabilities are fixed within a deadline | pass | fail |" in aurora
    kestrel = out.split("### Kestrel Video")[1]
    assert 'required field "risk_assessment" is missing' in kestrel


def test_json_and_html_carry_the_same_changes(next_root: Path, tmp_path: Path) -> None:
    done = pyrules("diff", ROOT, next_root, "--format", "json", "--declarations", EXAMPLES)
    data = json.loads(done.stdout)
    assert data["breaking"] == 3
    assert {c["subject"] for c in data["changes"]} == {
        "SEC-06",
        "max_critical_patch_days",
        "governance.risk_assessment",
    }
    aurora = next(p for p in data["impact"]["platforms"] if p["platform"] == "Aurora Social")
    assert aurora["changes"] == [{"control": "SEC-06", "old": "pass", "new": "fail"}]

    html = tmp_path / "diff.html"
    assert pyrules("diff", ROOT, next_root, "--format", "html", "--output", html).returncode == 0
    text = html.read_text(encoding="utf-8")
    assert "<title>EDHS 0.2.0 → 0.3.0</title>" in text
    assert text.count('class="breaking"') == 3


def test_a_draft_profile_is_weighed_against_the_same_standard(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "name: Draft\nstandard_version: 0.2.0\ndescription: A stricter patch deadline.\n"
        "parameters: {max_critical_patch_days: 3}\n",
        encoding="utf-8",
    )
    done = pyrules("diff", ROOT, ROOT, "--declarations", EXAMPLES, "--new-profile", draft)

    assert done.returncode == 0, done.stderr
    assert "No change to the controls" in done.stdout
    assert "From EDHS 0.2.0 to EDHS 0.2.0 + profile Draft:" in done.stdout
    assert "- 2 of 3 platforms would newly fail SEC-06" in done.stdout  # Kestrel too: 7 days
    assert "- 1 of 3 platforms would no longer be compliant" in done.stdout


def test_git_revisions_and_lint_since(tmp_path: Path) -> None:
    repo = copy_standard(tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "0.2.0"], check=True)
    set_param(repo, "max_critical_patch_days", 3)
    set_version(repo, "0.2.1")

    lint = pyrules("lint", "--standard", repo, "--cases", repo / "tests/cases", "--since", "HEAD")
    assert lint.returncode == 1
    assert (
        "policies/.manifest:1: 1 breaking change(s) (first: max_critical_patch_days: "
        "default 7 -> 3 (stricter)) need version 0.3.0 or later, not 0.2.1"
    ) in lint.stdout

    set_version(repo, "0.3.0")
    lint = pyrules("lint", "--standard", repo, "--cases", repo / "tests/cases", "--since", "HEAD")
    assert lint.returncode == 0, lint.stdout

    done = pyrules("diff", "HEAD", repo, "--repo", repo)
    assert "default 7 -> 3 (stricter)" in done.stdout


@pytest.mark.parametrize("old", ["no-such-revision", "README.md"])
def test_an_unknown_side_is_one_line_and_exit_2(old: str) -> None:
    done = pyrules("diff", old, ".")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert old in done.stderr


def test_lint_since_release_compares_with_the_last_release_that_names_a_revision(
    tmp_path: Path,
) -> None:
    from standard_edits import two_release_repo

    repo = two_release_repo(tmp_path / "repo")  # 0.2.0 at v0.2.0; 0.3.0 in the work tree
    version_line = "policies/.manifest:1:"
    lint = ("lint", "--standard", repo, "--cases", repo / "tests/cases", "--since", "release")

    assert version_line not in pyrules(*lint, cwd=repo).stdout
    set_version(repo, "0.2.1")
    done = pyrules(*lint, cwd=repo)
    assert done.returncode == 1
    assert f"{version_line} 3 breaking change(s)" in done.stdout
    assert "need version 0.3.0 or later, not 0.2.1" in done.stdout


def test_an_unreadable_declaration_is_listed_and_the_others_compared(
    next_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "aurora.yaml").write_bytes((EXAMPLES / "aurora-social.yaml").read_bytes())
    (tmp_path / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    done = pyrules("diff", ROOT, next_root, "--declarations", tmp_path)

    assert done.returncode == 0, done.stderr
    assert "- 1 of 2 declarations are not valid under either" in done.stdout
    assert "- 1 of 2 platforms would newly fail SEC-06" in done.stdout
    assert f"Not valid under either: {tmp_path / 'broken.yaml'}:2:1: invalid YAML" in done.stdout


def test_a_profile_for_another_version_is_one_line_and_exit_2(next_root: Path) -> None:
    profile = ROOT / "examples" / "profiles" / "ruritania.yaml"  # for 0.2.0, not 0.3.0
    done = pyrules("diff", ROOT, next_root, "--declarations", EXAMPLES, "--profile", profile)

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "ruritania.yaml" in done.stderr and "0.3.0" in done.stderr


def test_shared_policy_code_counts_when_its_rules_change_not_its_comments(
    tmp_path: Path,
) -> None:
    root = copy_standard(tmp_path)
    lib = root / "policies" / "edhs" / "lib" / "declaration.rego"
    lib.write_text(lib.read_text(encoding="utf-8") + "\n# a note for editors\n", "utf-8")
    assert diff_standards(load_standard(ROOT), load_standard(root)).changes == ()

    lib.write_text(lib.read_text(encoding="utf-8") + "\nunused_helper := 1\n", "utf-8")
    changes = diff_standards(load_standard(ROOT), load_standard(root)).changes
    assert _facts(changes) == {("policy", "edhs/lib/declaration.rego", "rules", True)}
