"""The built distribution works on its own: sdist -> wheel -> a fresh venv outside the
repository, where `pyrules` checks, lists, documents and bundles with no file of the checkout.

Slow (a build and an install), so it is marked `wheel`; pip's own cache makes reruns cheap.
The build backend (hatchling, a dev dependency) is the one installed here, not one pip
installs into a fresh build environment for the sdist and again for the wheel; the fresh
venv gets no pip of its own: this interpreter's pip installs into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, ROOT

pytestmark = pytest.mark.wheel

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel as `make dist` builds them (the wheel is built from the sdist), with
    the backend the build-system table names, as installed here."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=ROOT)
    return out


def test_the_distribution_has_its_own_name_and_passes_twine_check(dist: Path) -> None:
    assert PROJECT["name"] == "pyrules-edhs"
    version = PROJECT["version"]
    names = sorted(p.name for p in dist.iterdir())
    assert names == [
        f"pyrules_edhs-{version}-py3-none-any.whl",
        f"pyrules_edhs-{version}.tar.gz",
    ]
    run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=dist)


def test_the_wheel_works_in_a_fresh_venv_outside_the_repository(
    dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("installed")
    assert ROOT not in base.parents
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    bin_dir = venv / "bin"
    (wheel,) = dist.glob("*.whl")
    pip = [sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet"]
    run(*pip, f"{wheel}[docs]", cwd=base)
    work = base / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    pyrules = bin_dir / "pyrules"

    where = run(
        bin_dir / "python", "-c", "import pyrules; print(pyrules.__file__)", cwd=work, env=env
    )
    assert Path(where.strip()).is_relative_to(venv), where

    declaration = work / "platform.yaml"
    shutil.copyfile(EXAMPLES / "aurora-social.yaml", declaration)
    assert "compliant with EDHS" in run(pyrules, "check", declaration.name, cwd=work, env=env)
    controls = run(pyrules, "controls", cwd=work, env=env)
    assert "INC-01" in controls

    built = run(pyrules, "docs", "build", "--out", "site", cwd=work, env=env)
    assert "built into site" in built
    assert (work / "site" / "index.html").is_file()
    assert (work / "site" / "schemas" / "declaration" / "0.json").is_file()

    bundle = run(pyrules, "bundle", "build", "--out", "edhs.tar.gz", cwd=work, env=env)
    assert bundle.startswith("edhs.tar.gz: EDHS ")
    assert "compliant" in run(
        pyrules, "check", declaration.name, "--bundle", "edhs.tar.gz", cwd=work, env=env
    )

    run(pyrules, "init", "--out", "starter.yaml", cwd=work, env=env)
    assert run(pyrules, "validate", "starter.yaml", cwd=work, env=env).startswith("starter.yaml")
