"""`pyrules init`: a starter that validates, explains every field, and marks every answer
the platform owes with TODO, which `check` refuses until none is left."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pyrules.docs.fields import declaration_sections
from pyrules.loader import load, loads
from pyrules.standard import load_standard
from pyrules.testcases import CASES_AS_OF
from tests.helpers import ROOT, pyrules

STANDARD = load_standard()
REFERENCE = load(ROOT / "tests" / "cases" / "reference.yaml").data


def init(tmp_path: Path, *options: str) -> Path:
    out = tmp_path / "edhs.yaml"
    result = pyrules("init", *options, "--out", out.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.name in result.stdout
    return out


def reference_value(path: tuple[Any, ...]) -> Any:
    node: Any = REFERENCE
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def filled(data: Any, path: tuple[Any, ...] = ()) -> Any:
    """Answer each TODO value as the reference platform does (or with any text)."""
    if isinstance(data, dict):
        return {k: filled(v, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [filled(v, (*path, i)) for i, v in enumerate(data)]
    if data == "TODO":
        answer = reference_value(path)
        return answer if isinstance(answer, str) else "Answered by the platform"
    return data


def test_the_starter_validates_and_starts_with_the_schema_modeline(tmp_path: Path) -> None:
    out = init(tmp_path, "--vlop", "--political-ads", "--jurisdiction", "HU")
    text = out.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == f"# yaml-language-server: $schema={STANDARD.schema['$id']}"
    result = pyrules("validate", out.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    todos = sum("TODO" in line and not line.startswith("#") for line in text.splitlines())
    assert result.stdout == (
        f"{out.name}: valid against EDHS {STANDARD.version} declaration schema "
        f"({todos} TODOs left: check refuses it)\n"
    )


def test_every_field_is_present_under_a_comment_naming_its_readers(tmp_path: Path) -> None:
    out = init(tmp_path, "--vlop", "--political-ads", "--jurisdiction", "HU")
    document = load(out)
    lines = document.text.splitlines()
    for section in declaration_sections(STANDARD):
        for field in section.fields:
            pointer = "".join("/" + ("0" if part == "*" else part) for part in field.path)
            assert pointer in document.positions, field.dotted
            key_line = document.positions[pointer].line - 1
            comment = []
            i = key_line - 1
            while lines[i].lstrip().startswith("#"):
                comment.insert(0, lines[i].strip().removeprefix("# "))
                i -= 1
            assert comment, field.dotted
            if field.readers:
                assert f"Read by {', '.join(field.readers)}." in " ".join(comment), field.dotted


def test_options_decide_their_fields_and_nothing_else_is_taken_as_answered(
    tmp_path: Path,
) -> None:
    out = init(tmp_path, "--jurisdiction", "EE", "--jurisdiction", "DE")
    data = load(out).data
    assert data["platform"]["is_vlop"] is False
    assert data["political_ads"]["accepted"] is False
    assert data["metadata"]["jurisdictions"] == ["EE", "DE"]
    assert [e["jurisdiction"] for e in data["metadata"]["elections"]] == ["EE", "DE"]
    assert data["platform"]["name"] == "TODO"
    text = out.read_text(encoding="utf-8")
    assert re.search(r"^  submitted_on: \S+  # TODO$", text, re.M)
    assert re.search(r"^  jurisdictions: \[EE, DE\]$", text, re.M)


def test_a_declaration_with_todos_fails_check_naming_each_one(tmp_path: Path) -> None:
    out = init(tmp_path, "--vlop", "--political-ads", "--jurisdiction", "HU")
    lines = out.read_text(encoding="utf-8").splitlines()
    marked = [
        n for n, line in enumerate(lines, 1) if "TODO" in line and not line.lstrip().startswith("#")
    ]
    result = pyrules("check", out.name, cwd=tmp_path)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    shown = [int(e.split(":")[1]) for e in errors[:-1]]
    assert shown == marked[:50]
    assert errors[-1] == f"{out.name}: {len(marked) - 50} more problems not shown"
    name_line = next(n for n, line in enumerate(lines, 1) if line == "  name: TODO")
    assert f"{out.name}:{name_line}:9: platform.name is still marked TODO;" in result.stderr


def test_filling_the_todos_reaches_a_compliant_declaration(tmp_path: Path) -> None:
    out = init(tmp_path, "--vlop", "--political-ads", "--jurisdiction", "HU")
    answered = filled(load(out).data)
    assert "TODO" not in json.dumps(answered)
    declaration = tmp_path / "answered.json"
    declaration.write_text(json.dumps(answered, indent=2), encoding="utf-8")
    # the answers are the reference declaration's, current on the cases' reference date
    result = pyrules("check", declaration.name, "--as-of", CASES_AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "answered.json: compliant" in result.stdout


def test_a_todo_in_a_comment_of_a_value_counts_but_a_note_does_not() -> None:
    from pyrules.schema import unanswered

    document = loads(b"# TODO: a note\na: 1  # TODO\nb: x\n", "d.yaml")
    assert unanswered(document) == [
        "d.yaml:2:9: a is still marked TODO; write the platform's answer and delete the TODO"
    ]


def test_bad_options_are_one_line(tmp_path: Path) -> None:
    result = pyrules("init", "--jurisdiction", "hu", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "--jurisdiction hu: not an ISO 3166-1 alpha-2 code; did you mean HU?\n",
    )
    (tmp_path / "taken.yaml").write_text("x", encoding="utf-8")
    result = pyrules("init", "--out", "taken.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "taken.yaml: already exists; choose another --out or remove it\n"
    assert (tmp_path / "taken.yaml").read_text(encoding="utf-8") == "x"


def test_without_out_the_starter_goes_to_stdout(tmp_path: Path) -> None:
    result = pyrules("init", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("# yaml-language-server: $schema=")
    assert list(tmp_path.iterdir()) == []
