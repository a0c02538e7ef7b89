"""A declaration missing a whole section fails the controls that need it, with findings
located at the nearest parent the file has, and never makes a control error."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pyrules.evaluate import Checker, make_engine
from pyrules.loader import loads
from pyrules.schema import schema_problems
from pyrules.standard import load_standard

REFERENCE = Path(__file__).resolve().parent / "cases" / "reference.yaml"
STANDARD = load_standard()
REQUIRED = set(STANDARD.schema["required"])
SECTIONS = sorted(set(STANDARD.schema["properties"]) - REQUIRED)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(STANDARD, make_engine(STANDARD))


def without(section: str) -> bytes:
    data = copy.deepcopy(loads(REFERENCE.read_bytes(), "reference.yaml").data)
    del data[section]
    assert not schema_problems(data, STANDARD.schema), section
    return yaml.safe_dump(data, sort_keys=False).encode()


def test_every_optional_section_is_covered() -> None:
    assert "security" in SECTIONS and "incident_response" in SECTIONS
    # Whether a platform accepts political ads decides a third of the controls: it must say.
    assert "political_ads" in REQUIRED


@pytest.mark.parametrize("section", SECTIONS)
def test_a_missing_section_fails_at_the_root_and_never_errors(
    checker: Checker, section: str
) -> None:
    document = loads(without(section), f"without-{section}.yaml")
    report = checker.check_document(document)
    assert report.summary.errors == 0
    failing = [r for r in report.results if r.status == "fail"]
    assert failing, f"removing {section} failed no control"
    for result in failing:
        for finding in result.findings:
            # The policy reports at the nearest parent the file has (the root when the
            # section is gone), and the location is where the file writes that parent.
            assert not finding.path.startswith(f"/{section}")
            assert exists(document.data, finding.path), (result.control_id, finding.path)
            position = document.positions.get(finding.path)
            expected = (position.line, position.column) if position else (1, 1)
            assert finding.location is not None and finding.location.pointer == finding.path
            assert (finding.location.line, finding.location.column) == expected


def exists(data: object, pointer: str) -> bool:
    """Whether a JSON pointer resolves in data, walked here rather than by pyrules."""
    node = data
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False
    return True
