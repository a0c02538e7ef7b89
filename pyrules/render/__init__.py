"""Output formats: one module per format, each with `render(report, context) -> str`.

Renderers only read a `Report` (and the declaration's text, for excerpts); they never
evaluate anything. Modules are imported on demand so a run pays only for its formats.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pyrules.docs import control_dir

if TYPE_CHECKING:
    from pyrules.model import Report

# Each format is the module pyrules.render.<format>.
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit", "markdown", "html")


def default_docs_url() -> str:
    """The published site of the shipped standard (PYRULES_DOCS_URL, else about.yaml)."""
    from pyrules.site_url import resolve_site_url

    return resolve_site_url(None, None)


@dataclass(frozen=True)
class RenderContext:
    color: bool = False
    declaration_text: str | None = None
    # Where the standard's site is published, ending in '/'; '' when it is not published,
    # and then reports link to nothing. `pyrules check --site-url` sets it.
    docs_url: str = field(default_factory=default_docs_url)
    quiet: bool = False  # the text report leaves out a compliant declaration's report
    evidence_html: str = ""  # HTML only: the audit-ads section, claims beside evidence


class Renderer(Protocol):
    def __call__(self, report: Report, context: RenderContext) -> str: ...


def renderer(format_name: str) -> Renderer:
    if format_name not in FORMATS:
        raise ValueError(f"no report format {format_name!r}; formats: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format_name}")
    return module.render


def control_url(context: RenderContext, control_id: str) -> str:
    """Where the published standard explains a control ('' when the site is not published)."""
    if not context.docs_url:
        return ""
    return f"{context.docs_url.rstrip('/')}/{control_dir(control_id)}"


def not_assessed_groups(not_assessed: Mapping[str, str]) -> list[tuple[list[str], str]]:
    """The controls a profile leaves out, grouped by their reason in the order they come,
    so a family left out for one reason reads as one line, not eight."""
    groups: dict[str, list[str]] = {}
    for control_id, reason in not_assessed.items():
        groups.setdefault(reason, []).append(control_id)
    return [(ids, reason) for reason, ids in groups.items()]
