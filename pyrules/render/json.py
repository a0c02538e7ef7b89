"""JSON: the `Report` model itself, as `schemas/report.schema.json` describes it."""

import json
from dataclasses import asdict

from pyrules.model import Report
from pyrules.render import RenderContext


def render(report: Report, context: RenderContext) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"
