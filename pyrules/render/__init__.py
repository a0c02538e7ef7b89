"""Output formats: one module per format, each with `render(report, context) -> str`.

Renderers only read a `Report` (and the declaration's text, for excerpts); they never
evaluate anything. Modules are imported on demand so a run pays only for its formats.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pyrules.model import Report

# Where the standard's site is published; reports link each control there. An election
# body that hosts its own copy of the site sets PYRULES_DOCS_URL.
DOCS_URL = os.environ.get("PYRULES_DOCS_URL", "https://edhs.example.org").rstrip("/")

FORMATS: dict[str, str] = {
    "text": "pyrules.render.text",
    "json": "pyrules.render.json",
    "sarif": "pyrules.render.sarif",
    "junit": "pyrules.render.junit",
    "markdown": "pyrules.render.markdown",
    "html": "pyrules.render.html",
}


@dataclass(frozen=True)
class RenderContext:
    color: bool = False
    declaration_text: str | None = None
    docs_url: str = DOCS_URL
    quiet: bool = False  # the text report leaves out a compliant declaration's report
    evidence_html: str = ""  # HTML only: the audit-ads section, claims beside evidence


class Renderer(Protocol):
    def __call__(self, report: Report, context: RenderContext) -> str: ...


def renderer(format_name: str) -> Renderer:
    module = importlib.import_module(FORMATS[format_name])
    return module.render


def control_url(context: RenderContext, control_id: str) -> str:
    """Where the published standard explains a control; reports link there."""
    family = control_id.split("-")[0].lower()
    return f"{context.docs_url}/controls/{family}/{control_id.lower()}/"
