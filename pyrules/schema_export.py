"""Writes `schemas/report.schema.json` from the `Report` model, and reads a report back.

The JSON report is a contract for other tools; generating its schema from the model that
produces it keeps the two from drifting (a test compares them). The model is plain
dataclasses so that `pyrules check` never imports pydantic; pydantic is used here only, to
describe them (field descriptions come from the fields' metadata, unknown fields are
refused through `__pydantic_config__`) and to validate a report read from a file. Run:
`python -m pyrules.schema_export`.
"""

from __future__ import annotations

import inspect
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from pyrules.model import Report

REPORT_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"


class _DocumentedDataclasses(GenerateJsonSchema):
    """pydantic leaves out a plain dataclass's docstring (the default one is its signature);
    ours are written for readers of the schema."""

    def dataclass_schema(self, schema: core_schema.DataclassSchema) -> JsonSchemaValue:
        json_schema = super().dataclass_schema(schema)
        cls = schema["cls"]
        if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):
            json_schema["description"] = inspect.cleandoc(cls.__doc__)
        return json_schema


@cache
def _adapter() -> TypeAdapter[Report]:
    return TypeAdapter(Report)


def report_schema_text() -> str:
    schema = _adapter().json_schema(mode="serialization", schema_generator=_DocumentedDataclasses)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:edhs:report:0",
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def validate_report(data: Any) -> Report:
    """A report read from outside (an attestation): types, allowed values and no unknown
    field, as the schema says. Raises ValueError when it is not one."""
    return _adapter().validate_python(data)


def main() -> None:
    REPORT_SCHEMA.write_text(report_schema_text(), encoding="utf-8")
    print(f"wrote {REPORT_SCHEMA.name}")


if __name__ == "__main__":
    main()
