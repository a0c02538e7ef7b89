"""The audit in text, JSON, Markdown, and as the evidence section of the HTML report."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from pyrules.ads.audit import Audit, RuleResult
from pyrules.render import jinja

if TYPE_CHECKING:
    from pyrules.render import RenderContext

FORMATS = ("text", "json", "markdown", "html")
MARK = {"pass": "PASS", "fail": "FAIL", "not_checked": "NOT CHECKED"}


def claim_text(result: RuleResult) -> str:
    if result.claim_value is None:
        return f"the declaration does not state {result.rule.claim}"
    return f"the declaration states {result.rule.claim}: {_value(result.claim_value)}"


def example_text(example: dict[str, object]) -> str:
    values = ", ".join(f"{k}={_value(v)}" for k, v in example.items() if k != "ad_id")
    return f"{example['ad_id']} ({values})"


def ads_text(audit: Audit) -> str:
    """'180,000 ads', or with several rows per ad '180,000 ads (412,000 rows, one per ad
    and region)': the counts are of ads either way."""
    if audit.export.row_per is None:
        return f"{audit.ads:,} ads"
    return f"{audit.ads:,} ads ({audit.rows:,} rows, one per ad and {audit.export.row_per})"


def text(audit: Audit) -> str:
    lines = [
        f"{audit.export.path.name} ({audit.export.layout} layout): {ads_text(audit)} against "
        f"{audit.declaration}, EDHS {audit.standard_version}"
        + (f", profile {audit.profile}" if audit.profile else ""),
        "",
    ]
    for r in audit.results:
        lines.append(f"{MARK[r.status]:<11} {r.rule.control_id} [{r.severity}] {r.rule.title}")
        lines.append(f"            {claim_text(r)}; {r.sentence()}")
        if r.status != "not_checked":
            lines.append(f"            counted: {r.counted}")
        if r.examples:
            shown = "; ".join(example_text(e) for e in r.examples[:5])
            rest = len(r.examples) - 5
            more = f" and {rest} more in --format json" if rest > 0 else ""
            lines.append(f"            e.g. {shown}{more}")
    failing = sum(r.status == "fail" for r in audit.results)
    unchecked = sum(r.status == "not_checked" for r in audit.results)
    lines += ["", f"{len(audit.results)} rules: {failing} contradicted, {unchecked} not checked"]
    return "\n".join(lines) + "\n"


def json_text(audit: Audit) -> str:
    return json.dumps(audit.to_json(), indent=2, ensure_ascii=False) + "\n"


def markdown(audit: Audit) -> str:
    lines = [
        f"## Evidence: {audit.export.path.name}, {ads_text(audit)}",
        "",
        "| Control | Claim | Evidence | Status |",
        "| --- | --- | --- | --- |",
    ]
    for r in audit.results:
        evidence = r.sentence() + (f" (counted: {r.counted})" if r.status != "not_checked" else "")
        cells = [r.rule.control_id, claim_text(r), evidence, MARK[r.status]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def html_section(audit: Audit, url: Callable[[str], str]) -> str:
    """The evidence section the HTML report includes: claim and evidence side by side."""
    return jinja.template("evidence.html.j2", trailing_newline=False).render(
        audit=audit,
        ads=ads_text(audit),
        contradicted=sum(r.status == "fail" for r in audit.results),
        claim=claim_text,
        example=example_text,
        mark=MARK,
        url=url,
        unreadable=None,
        upper_first=lambda text: text[:1].upper() + text[1:],
    )


def report_context(declaration_text: str | None, audit: Audit) -> RenderContext:
    """The HTML report's context with the evidence section in it."""
    from pyrules.render import RenderContext, control_url

    base = RenderContext(declaration_text=declaration_text)
    section = html_section(audit, lambda control_id: control_url(base, control_id))
    return replace(base, evidence_html=section)


def unreadable_context(declaration_text: str | None, reason: str) -> RenderContext:
    """The HTML report's context when the platform's export could not be read: the
    section says so in one line instead of showing evidence."""
    from pyrules.render import RenderContext

    section = jinja.template("evidence.html.j2", trailing_newline=False).render(
        audit=None, unreadable=reason
    )
    return RenderContext(declaration_text=declaration_text, evidence_html=section)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value == "":
        return '""'
    return "null" if value is None else str(value)
