"""The pre-commit hooks, run as a platform's repository runs them: its
`.pre-commit-config.yaml` names this repository at a revision, and `pre-commit run` runs a
hook on its files.

pre-commit installs this repository into its own virtualenv with pip (from the committed
state plus tracked changes, as `pre-commit try-repo` takes it), so these tests also prove
that the package installs and ships its standard. The module shares one pre-commit home:
the environment is built once, not once per run (`try-repo` builds it every time).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_the_hooks_check_and_validate_declarations_with_the_python_language() -> None:
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert set(by_id) == {"pyrules-check", "pyrules-validate"}
    assert by_id["pyrules-check"]["entry"] == "pyrules check"
    assert by_id["pyrules-validate"]["entry"] == "pyrules validate"
    assert {hook["language"] for hook in HOOKS} == {"python"}


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("edhs.yaml", True),
        ("edhs-declaration.yml", True),
        ("compliance/declaration-2026.json", True),
        ("a/b/edhs_platform.yaml", True),
        ("edhs.waivers.yaml", False),
        ("compliance/edhs-waivers.yml", False),
        (".github/workflows/ci.yml", False),
        ("my-edhs.yaml", False),
        ("edhs/config.yaml", False),
        ("edhs.yaml.bak", False),
    ],
)
def test_which_files_the_hooks_run_on(path: str, matched: bool) -> None:
    for hook in HOOKS:
        runs = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
        assert runs is matched, (hook["id"], path)


def _git_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["NO_COLOR"] = "1"
    return env


def _git(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=pyrules tests", "-c", "user.email=tests@pyrules.invalid",
         *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def hook_source(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This repository and the revision to run its hooks at: HEAD, or, when tracked files
    have changes, a commit of them in a clone (as `pre-commit try-repo` makes one)."""
    head = _git("rev-parse", "HEAD", cwd=ROOT, env=env)
    changes = _git("diff", "HEAD", "--binary", cwd=ROOT, env=env)
    if not changes:
        return ROOT, head
    shadow = tmp_path / "shadow"
    _git("clone", "-q", ROOT, shadow, cwd=tmp_path, env=env)
    _git("checkout", "-q", head, "-b", "uncommitted", cwd=shadow, env=env)
    patch = tmp_path / "uncommitted.patch"
    patch.write_text(changes + "\n", encoding="utf-8")
    _git("apply", "--binary", patch, cwd=shadow, env=env)
    _git("add", "-A", cwd=shadow, env=env)
    _git("commit", "-q", "-m", "uncommitted changes", cwd=shadow, env=env)
    return shadow, _git("rev-parse", "HEAD", cwd=shadow, env=env)


@pytest.fixture(scope="module")
def platform_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A platform's repository with two declarations named as the hooks expect and a
    `.pre-commit-config.yaml` naming both hooks of this repository. The hooks only read
    it, so the module shares it, and with it one pre-commit home."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of pyrules")
    tmp_path = tmp_path_factory.mktemp("pre-commit")
    repo = tmp_path / "platform"
    repo.mkdir()
    shutil.copy(EXAMPLES / "aurora-social.yaml", repo / "edhs-declaration.yaml")
    shutil.copy(EXAMPLES / "kestrel-video.yaml", repo / "declaration-kestrel.yaml")
    env = _git_env(tmp_path)
    source, rev = hook_source(tmp_path, env)
    config = {"repos": [{"repo": str(source), "rev": rev,
                         "hooks": [{"id": hook["id"]} for hook in HOOKS]}]}  # fmt: skip
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    return repo


def run_hook(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--files", *files],
        cwd=repo,
        env=_git_env(repo.parent),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_the_check_hook_passes_a_compliant_declaration(platform_repo: Path) -> None:
    result = run_hook(platform_repo, "pyrules-check", "edhs-declaration.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"EDHS declaration check\.+Passed", result.stdout)


def test_the_check_hook_fails_a_noncompliant_declaration_and_shows_the_finding(
    platform_repo: Path,
) -> None:
    result = run_hook(platform_repo, "pyrules-check", "declaration-kestrel.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"EDHS declaration check\.+Failed", result.stdout)
    assert "FAIL INC-01 [high]" in result.stdout
    assert re.search(
        r"declaration-kestrel\.yaml:\d+:\d+: \S*breach_notification_hours is 96", result.stdout
    )


def test_the_validate_hook_accepts_both_valid_declarations(platform_repo: Path) -> None:
    result = run_hook(
        platform_repo, "pyrules-validate", "edhs-declaration.yaml", "declaration-kestrel.yaml"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"EDHS declaration schema\.+Passed", result.stdout)
