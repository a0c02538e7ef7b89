"""Writes `schemas/report.schema.json` from the `Report` model.

The JSON report is a contract for other tools; generating its schema from the model that
produces it keeps the two from drifting (a test compares them). Run:
`python -m pyrules.schema_export`.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyrules.model import Report

REPORT_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"


def report_schema_text() -> str:
    schema = Report.model_json_schema(mode="serialization")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:edhs:report:0",
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def main() -> None:
    REPORT_SCHEMA.write_text(report_schema_text(), encoding="utf-8")
    print(f"wrote {REPORT_SCHEMA.name}")


if __name__ == "__main__":
    main()
