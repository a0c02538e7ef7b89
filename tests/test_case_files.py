"""Test-case files are checked against their schema: a malformed one is one located line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import ROOT, pyrules


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "tests" / "cases" / "reference.yaml", tmp_path / "reference.yaml")
    return tmp_path


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        ('control: INC-01\ncases: ["x"]\n', "INC-01.yaml:2:9:", "not of type object"),
        (
            "control: INC-01\ncases:\n  - name: a\n    expect: pass\n    set: [1]\n",
            "INC-01.yaml:5:5:",
            "not of type object",
        ),
        (
            "control: INC-01\ncases:\n  - name: a\n    expect: maybe\n",
            "INC-01.yaml:4:5:",
            "not one of the allowed values",
        ),
        (
            "control: INC-01\ncases:\n  - name: a\n    expect: pass\n    colour: red\n",
            "INC-01.yaml:5:5:",
            'unknown field "colour"',
        ),
    ],
)
def test_a_malformed_case_file_is_one_located_line(
    cases: Path, content: str, where: str, problem: str
) -> None:
    (cases / "INC-01.yaml").write_text(content)
    result = pyrules("test", "--cases", cases, cwd=cases)
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert where in line and problem in line, line


def test_an_unreadable_catalogue_is_one_line() -> None:
    result = pyrules("lint", "--catalogue", "no-such-catalogue.md")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "no-such-catalogue.md: cannot read the catalogue (No such file or directory)"
    )


def test_a_standard_whose_schema_is_not_json_schema_is_one_line(tmp_path: Path) -> None:
    for part in ("policies", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "schemas" / "declaration.schema.json").write_text('{"type": 42}')
    result = pyrules("validate", ROOT / "examples/declarations/aurora-social.yaml",
                     "--standard", tmp_path)  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "not a valid JSON Schema" in line


def test_an_unforeseen_error_is_one_line_with_its_own_exit_code() -> None:
    import click
    from click.testing import CliRunner

    from pyrules.cli.base import EXIT_INTERNAL, Group

    @click.group(cls=Group)
    def group() -> None: ...

    @group.command()
    def boom() -> None:
        raise ValueError("something nobody foresaw")

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == EXIT_INTERNAL == 3
    assert result.output.strip() == (
        "pyrules: internal error: ValueError: something nobody foresaw "
        "(this is a bug; please report it)"
    )
