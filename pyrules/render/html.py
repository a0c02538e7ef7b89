"""HTML: one self-contained file for an election management body's archive.

Everything is inline (CSS in a `<style>` element, no scripts, fonts, images or other
assets), so the file opens the same years later, offline, and loading it makes no
network request. It holds the verdict and counts, every finding with the declaration
excerpt around it (the finding's line highlighted), every control with its status in
colour and in words, waivers, and the digests and versions that identify what was
checked. Jinja2 renders it with autoescaping on: declaration text is never markup.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pyrules.model import ControlResult, Finding, Report, severity_rank
from pyrules.render import RenderContext, control_url, jinja, not_assessed_groups

if TYPE_CHECKING:
    from markupsafe import Markup

EXCERPT_CONTEXT = 3  # lines shown above and below a finding's line
STATUS_TEXT = {
    "pass": "Pass",
    "fail": "Fail",
    "error": "Error",
    "waived": "Waived",
    "not_applicable": "Not applicable",
}
_ATTENTION_ORDER = {"fail": 0, "error": 1, "waived": 2}


def render(report: Report, context: RenderContext) -> str:
    from markupsafe import Markup

    template = jinja.template("report.html.j2")
    lines = context.declaration_text.split("\n") if context.declaration_text else []
    docs_url = context.docs_url
    return template.render(
        report=report,
        title=_title(report),
        tiles=_tiles(report),
        notices=report.waiver_notices(),
        attention=_attention(report.results),
        status_text=STATUS_TEXT,
        docs_url=docs_url,
        link=lambda control_id: _link(docs_url, control_id),
        control_rows=[
            _control_row(docs_url, r.control_id, r.severity, r.title, r.status)
            for r in report.results
        ],
        where=_where,
        excerpt=lambda finding: excerpt(lines, finding),
        not_assessed=not_assessed_groups(report.not_assessed),
        evidence=Markup(context.evidence_html),  # rendered escaped by pyrules.ads.render
    )


# A control's ID, linked to its page when the standard's site is published, and its row
# in the table of all controls: the same in every report of a run (most controls pass
# everywhere), so each is built once, not once per report (it was half of rendering one).
# Their arguments are escaped as the template's autoescape escapes, by markupsafe.
@lru_cache(maxsize=4096)
def _link(docs_url: str, control_id: str) -> Markup:
    from markupsafe import Markup, escape

    url = control_url(RenderContext(docs_url=docs_url), control_id)
    return Markup('<a href="{}">{}</a>').format(url, control_id) if url else escape(control_id)


@lru_cache(maxsize=4096)
def _control_row(docs_url: str, control_id: str, severity: str, title: str, status: str) -> Markup:
    from markupsafe import Markup

    return Markup(
        '<tr><td class="mono">{link}</td><td><span class="sev {severity}">{severity}</span></td>'
        '<td>{title}</td><td><span class="status {status}">{status_text}</span></td></tr>'
    ).format(
        link=_link(docs_url, control_id),
        severity=severity,
        title=title,
        status=status,
        status_text=STATUS_TEXT[status],
    )


def excerpt(lines: list[str], finding: Finding) -> list[tuple[int, str, bool]]:
    """The finding's line with `EXCERPT_CONTEXT` lines around it: (number, text, is_hit)."""
    if finding.location is None or not lines:
        return []
    hit = finding.location.line
    first = max(1, hit - EXCERPT_CONTEXT)
    last = min(len(lines), hit + EXCERPT_CONTEXT)
    return [(n, lines[n - 1].rstrip("\r"), n == hit) for n in range(first, last + 1)]


def _title(report: Report) -> str:
    verdict = "compliant" if report.compliant else "NOT compliant"
    who = report.platform or report.declaration.name
    return f"{who}: {verdict} with {report.standard.name} {report.standard.version}"


def _tiles(report: Report) -> list[tuple[str, str, int]]:
    s = report.summary
    return [
        ("fail", "failing", s.failed),
        ("error", "errors", s.errors),
        ("waived", "waived", s.waived),
        ("pass", "passing", s.passed),
        ("not_applicable", "not applicable", s.not_applicable),
        *(
            [("not_assessed", "not assessed (profile)", len(report.not_assessed))]
            if report.not_assessed
            else []
        ),
    ]


def _attention(results: list[ControlResult]) -> list[ControlResult]:
    """Controls with something to read: failures first, most severe first."""
    shown = [r for r in results if r.status in _ATTENTION_ORDER]
    return sorted(
        shown,
        key=lambda r: (_ATTENTION_ORDER[r.status], -severity_rank(r.severity), r.control_id),
    )


def _where(finding: Finding) -> str:
    if finding.location is None:
        return finding.path
    loc = finding.location
    return f"{loc.file}:{loc.line}:{loc.column}"
