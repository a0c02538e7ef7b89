"""The GitHub Action (`action.yml`) and the workflow the docs tell platforms to copy.

Both files are validated against the GitHub schemas that `check-jsonschema` ships. The
action's check step is then run here as the runner runs it (`bash -eo pipefail`, inputs
in the environment, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files), so its exit code,
outputs, job summary and SARIF file are tested without GitHub.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION_FILE = ROOT / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
GUIDE = ROOT / "docs" / "guides" / "github-action.md"
EXAMPLES = ROOT / "examples" / "declarations"
INPUT = re.compile(r"^\$\{\{ inputs\.([\w-]+) \}\}$")


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def workflow_snippet(markdown: str) -> str:
    match = re.search(r"```yaml\n(name: EDHS declaration\n.*?)```", markdown, re.S)
    assert match, "no workflow snippet"
    return match.group(1)


def test_the_action_is_valid_for_github() -> None:
    result = check_jsonschema("vendor.github-actions", ACTION_FILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"declaration", "format", "fail-on", "waivers"}
    assert ACTION["inputs"]["declaration"]["required"] is True
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}


def test_the_action_installs_its_release_by_name_and_never_splices_inputs_into_scripts() -> None:
    steps = ACTION["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    install = next(s for s in steps if s.get("name") == "Install pyrules")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert install["env"]["PYRULES_PIN"] == f"{project['name']}=={project['version']}"
    assert '"$PYRULES_PIN"' in install["run"]
    for step in steps:
        assert "${{" not in step.get("run", ""), step["name"]


def makefile_opa_install() -> list[str]:
    """The arguments `make install` gives `pip install` for OPA's engine."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lines = [line for line in makefile.splitlines() if "opa-golib-python-bindings" in line]
    assert len(lines) == 1, lines
    words = shlex.split(lines[0])
    return words[words.index("install") + 1 :]


def test_the_action_installs_opa_s_engine_with_the_makefile_s_pip_line(tmp_path: Path) -> None:
    steps = ACTION["runs"]["steps"]
    names = [s.get("name") for s in steps]
    engine = steps[names.index("Install OPA's engine")]
    assert names.index("Install pyrules") < names.index("Install OPA's engine")
    assert names.index("Install OPA's engine") < names.index("Check the declaration")
    # Run the step with a `python` that records what it is asked to do.
    record = tmp_path / "calls"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    script = tmp_path / "step.sh"
    script.write_text(engine["run"], encoding="utf-8")
    subprocess.run(["bash", "-eo", "pipefail", str(script)], env=env, check=True)
    called = record.read_text(encoding="utf-8").splitlines()
    assert called[:3] == ["-m", "pip", "install"]
    options = [a for a in called[3:] if a != "--disable-pip-version-check"]
    assert options == makefile_opa_install()
    assert "--ignore-requires-python" in options


def test_the_documented_workflow_is_valid_and_the_readme_has_the_same(tmp_path: Path) -> None:
    snippet = workflow_snippet(GUIDE.read_text(encoding="utf-8"))
    assert workflow_snippet((ROOT / "README.md").read_text(encoding="utf-8")) == snippet
    workflow = tmp_path / "edhs.yml"
    workflow.write_text(snippet, encoding="utf-8")
    result = check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = yaml.safe_load(snippet)["jobs"]["edhs"]["steps"]
    ours = next(s for s in steps if s.get("uses", "").split("@")[0].endswith("/pyrules"))
    assert set(ours["with"]) <= set(ACTION["inputs"])
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.edhs.outputs.sarif-file }}"
    assert upload["if"].startswith("always()")


def run_check_step(tmp_path: Path, **inputs: str) -> tuple[int, str, dict[str, str], str]:
    """Run the action's check step; returns exit code, log, outputs and job summary."""
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "check")
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    for name, expression in step["env"].items():
        match = INPUT.match(expression)
        assert match, expression
        env[name] = values[match.group(1)]
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    output_file, summary_file = tmp_path / "output", tmp_path / "summary.md"
    output_file.touch()
    summary_file.touch()
    env.update(
        RUNNER_TEMP=str(runner_temp),
        GITHUB_OUTPUT=str(output_file),
        GITHUB_STEP_SUMMARY=str(summary_file),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    script = tmp_path / "check.sh"
    script.write_text(step["run"], encoding="utf-8")
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    outputs = dict(
        line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines()
    )
    log = result.stdout + result.stderr
    return result.returncode, log, outputs, summary_file.read_text(encoding="utf-8")


def test_a_noncompliant_declaration_fails_the_step_with_summary_and_sarif(
    tmp_path: Path,
) -> None:
    sarif = tmp_path / "out.sarif"
    code, log, outputs, summary = run_check_step(
        tmp_path,
        declaration="examples/declarations/kestrel-video.yaml",
        **{"sarif-file": str(sarif)},
    )
    assert code == 1
    assert outputs == {"exit-code": "1", "sarif-file": str(sarif)}
    assert summary.startswith("## ❌ Kestrel Video is not compliant with EDHS")
    assert "FAIL INC-01 [high]" in log  # the text report in the job log
    run = json.loads(sarif.read_text())["runs"][0]
    assert any(r["ruleId"] == "INC-01" for r in run["results"])


def test_a_compliant_declaration_passes_and_the_format_input_picks_the_log(
    tmp_path: Path,
) -> None:
    code, log, outputs, summary = run_check_step(
        tmp_path,
        declaration="examples/declarations/aurora-social.yaml",
        format="json",
        **{"sarif-file": str(tmp_path / "a.sarif")},
    )
    assert code == 0 and outputs["exit-code"] == "0"
    # stdout: the report in the chosen format; stderr: check's one summary line (--output)
    report, _, summary_line = log.rstrip("\n").rpartition("\n")
    assert json.loads(report)["compliant"] is True
    assert summary_line.startswith("examples/declarations/aurora-social.yaml: compliant with")
    assert summary.startswith("## ✅ Aurora Social is compliant")


def test_fail_on_and_waivers_reach_pyrules(tmp_path: Path) -> None:
    waivers = tmp_path / "edhs.waivers.yaml"
    waivers.write_text(
        "waivers:\n  - control: INC-01\n    justification: Expired exception for the test.\n"
        "    approved_by: DPO\n    expires: 2000-01-01\n"
    )
    code, log, outputs, summary = run_check_step(
        tmp_path,
        declaration="examples/declarations/aurora-social.yaml",
        waivers=str(waivers),
        **{"fail-on": "critical", "sarif-file": str(tmp_path / "a.sarif")},
    )
    assert code == 1 and outputs["exit-code"] == "1"  # an expired waiver fails the run
    assert "EXPIRED WAIVER" in log
    assert "fails on critical and above" in summary


@pytest.mark.parametrize("declaration", ["missing.yaml", "examples"])
def test_a_declaration_that_cannot_be_checked_exits_2_without_sarif(
    tmp_path: Path, declaration: str
) -> None:
    code, log, outputs, summary = run_check_step(
        tmp_path, declaration=declaration, **{"sarif-file": str(tmp_path / "none.sarif")}
    )
    assert code == 2
    assert outputs == {"exit-code": "2", "sarif-file": ""}
    assert f"pyrules could not check `{declaration}`" in summary
    assert declaration in log
