"""`pyrules explain CONTROL DECLARATION`: OPA's trace, cut to what decided the control."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT, pyrules
from standard_edits import copy_standard, edit_policy

from pyrules.engine.inprocess import available

pytestmark = pytest.mark.skipif(not available(), reason="OPA's engine in process is missing")
KESTREL = EXAMPLES / "kestrel-video.yaml"


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_inc_01_shows_96_against_72_with_both_places() -> None:
    result = pyrules("explain", "INC-01", KESTREL)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert out.startswith("INC-01 fail: ")
    rego = ROOT / "policies" / "edhs" / "inc" / "inc_01_breach_notification.rego"
    comparison = line_of(rego, "hours <= max_hours")
    assert f"✗ edhs/inc/inc_01_breach_notification.rego:{comparison}  hours <= max_hours" in out
    assert "96 <= 72: false" in out
    declared = line_of(KESTREL, "breach_notification_hours:")
    assert f"= 96 at {KESTREL}:{declared}:" in out
    assert "data.edhs.params.max_breach_notification_hours = 72" in out
    assert f"finding: {KESTREL}:{declared}:" in out


def test_a_passing_control_exits_0_and_a_negation_that_held_is_not_marked() -> None:
    result = pyrules("explain", "INC-01", EXAMPLES / "aurora-social.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("INC-01 pass: ")
    assert "96 <= 72" not in result.stdout
    assert "finding:" not in result.stdout
    failing = pyrules("explain", "INC-01", KESTREL).stdout
    assert "notified_in_time is undefined or false, so `not` holds" in failing


def test_an_unknown_control_is_one_line_and_exit_2() -> None:
    result = pyrules("explain", "XYZ-99", KESTREL)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "no control XYZ-99 in EDHS 0.2.0; see pyrules controls"
    ]


def test_an_erroring_control_shows_opas_error_at_its_line(tmp_path: Path) -> None:
    root = copy_standard(tmp_path / "standard")
    policy = "edhs/inc/inc_01_breach_notification.rego"
    rego = edit_policy(
        root, policy, "\tlib.non_negative_number(hours)\n", '\tto_number("many") > 0\n'
    )
    result = pyrules("explain", "INC-01", KESTREL, "--standard", root)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("INC-01 error: ")
    assert "to_number" in result.stdout
    assert f"edhs/inc/inc_01_breach_notification.rego:{line_of(rego, 'to_number')}" in result.stdout


def test_without_the_binding_engine_opa_exits_2_with_the_install_line(tmp_path: Path) -> None:
    broken = tmp_path / "opa_bindings"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('no libopabridge')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for args in (["check", str(KESTREL), "--engine", "opa"], ["explain", "INC-01", str(KESTREL)]):
        result = subprocess.run(
            [sys.executable, "-m", "pyrules", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "pip install --ignore-requires-python 'opa-golib-python-bindings" in lines[0]


def test_an_invalid_declaration_is_one_located_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform:\n  name: 3\n", encoding="utf-8")
    result = pyrules("explain", "INC-01", bad)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{bad}:") and len(result.stderr.splitlines()) == 1
