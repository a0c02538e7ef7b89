"""JSON: the `Report` model itself, as `schemas/report.schema.json` describes it."""

from pyrules.model import Report
from pyrules.render import RenderContext


def render(report: Report, context: RenderContext) -> str:
    return report.model_dump_json(indent=2) + "\n"
