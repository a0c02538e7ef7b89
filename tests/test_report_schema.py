"""`schemas/report.schema.json` is generated from the Report model; they must not drift.

The model is plain dataclasses, which check nothing when they are built; what pydantic
checked then (allowed values, types, no unknown field) is checked here on real reports.
"""

import json
from dataclasses import MISSING, asdict, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest

from pyrules.evaluate import Checker
from pyrules.model import Report
from pyrules.profile import load_profile
from pyrules.schema_export import REPORT_SCHEMA, report_schema_text, validate_report
from pyrules.standard import load_standard
from pyrules.waivers import load_waivers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_the_committed_report_schema_is_generated_from_the_model() -> None:
    assert Path(REPORT_SCHEMA).read_text(encoding="utf-8") == report_schema_text(), (
        "run: python -m pyrules.schema_export"
    )


def _records(cls: type, seen: dict[str, type]) -> dict[str, type]:
    """Every dataclass a Report holds, by name."""
    seen[cls.__name__] = cls
    for hint in get_type_hints(cls).values():
        for candidate in _dataclasses_in(hint):
            if candidate.__name__ not in seen:
                _records(candidate, seen)
    return seen


def _dataclasses_in(hint: Any) -> list[type]:
    if is_dataclass(hint) and isinstance(hint, type):
        return [hint]
    return [c for arg in get_args(hint) for c in _dataclasses_in(arg)]


def test_the_schema_carries_each_fields_description_and_refuses_unknown_fields() -> None:
    schema = json.loads(report_schema_text())
    definitions = {**schema["$defs"], "Report": schema}
    records = _records(Report, {})
    assert set(records) == set(definitions)
    for name, cls in records.items():
        assert definitions[name]["additionalProperties"] is False, name
        properties = definitions[name]["properties"]
        assert list(properties) == [f.name for f in fields(cls)], name
        for f in fields(cls):
            assert properties[f.name].get("description") == f.metadata.get("description"), (
                f"{name}.{f.name}"
            )
            if f.default is not MISSING:
                assert properties[f.name]["default"] == f.default, f"{name}.{f.name}"


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    """Reports with every part filled: plain, and with a profile and waivers."""
    standard = load_standard()
    plain = Checker.for_standard(standard)
    declarations = sorted((EXAMPLES / "declarations").glob("*[!d].yaml"))
    profile = load_profile(EXAMPLES / "profiles" / "ruritania.yaml", standard)
    waivers = load_waivers(
        EXAMPLES / "waivers" / "kestrel-video.yaml", [c.id for c in standard.controls]
    )
    profiled = Checker.for_standard(standard, profile=profile, waivers=waivers)
    built = [plain.check_file(path) for path in declarations]
    built.append(profiled.check_file(EXAMPLES / "declarations" / "kestrel-video.yaml"))
    assert built[-1].parameters and built[-1].waivers and built[-1].profile
    return built


def test_reports_as_built_hold_only_allowed_values_and_types(reports: list[Report]) -> None:
    for report in reports:
        assert validate_report(asdict(report)) == report


def test_a_report_read_back_refuses_unknown_fields_and_values_outside_the_model(
    reports: list[Report],
) -> None:
    data = asdict(reports[0])
    with pytest.raises(ValueError, match="verdict"):
        validate_report({**data, "verdict": "ok"})
    with pytest.raises(ValueError, match=r"summary\.skipped"):
        validate_report({**data, "summary": {**data["summary"], "skipped": 0}})
    data["results"][0]["status"] = "passed"
    with pytest.raises(ValueError, match="status"):
        validate_report(data)
