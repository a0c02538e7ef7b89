"""`schemas/report.schema.json` is generated from the Report model; they must not drift."""

from pathlib import Path

from pyrules.schema_export import REPORT_SCHEMA, report_schema_text


def test_the_committed_report_schema_is_generated_from_the_model() -> None:
    assert Path(REPORT_SCHEMA).read_text(encoding="utf-8") == report_schema_text(), (
        "run: python -m pyrules.schema_export"
    )
