"""Markdown for a GitHub job summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment.

Read top-down by someone who has a minute: a status headline with the counts, a table of
what fails (most severe first, each control linked to its page in the standard), then
errors, waived controls and waivers to act on, and every finding folded in `<details>`
so a long report does not bury the headline. Text from the declaration and the waiver
file is escaped: a message can never inject markup into the page it is posted to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyrules.model import ControlResult, Finding, Report, severity_rank
from pyrules.render import RenderContext, control_url, not_assessed_groups

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def render(report: Report, context: RenderContext) -> str:
    lines = [_headline(report), "", _counts(report), ""]
    failing = _by_severity(r for r in report.results if r.status == "fail")
    errors = [r for r in report.results if r.status == "error"]
    waived = [r for r in report.results if r.status == "waived"]
    if failing:
        lines += ["### Failing controls", ""]
        lines += ["| Control | Severity | Title | First finding |", "| --- | --- | --- | --- |"]
        for result in failing:
            lines.append(
                f"| {_link(result, context)} | {result.severity} | {esc(result.title)} "
                f"| {_first_finding(result)} |"
            )
        lines.append("")
    if errors:
        lines += ["### Controls that could not be evaluated", ""]
        for result in errors:
            lines.append(
                f"- {_link(result, context)} {esc(result.title)}: {esc(result.error or '')}"
            )
        lines.append("")
    if waived:
        lines += ["### Waived controls", ""]
        for result in _by_severity(waived):
            reasons = "; ".join(sorted({f.waived_by for f in result.findings if f.waived_by}))
            lines.append(
                f"- {_link(result, context)} ({result.severity}) {esc(result.title)}: "
                f"{len(result.findings)} {_plural(len(result.findings), 'finding')} waived "
                f"({esc(reasons)})"
            )
        lines.append("")
    if report.parameters:
        lines += ["### Parameters under the profile", ""]
        lines += ["| Parameter | Profile | Standard | Reason |", "| --- | --- | --- | --- |"]
        for change in report.parameters:
            reason = esc(change.reason or ("" if change.loosens else "stricter"))
            lines.append(
                f"| `{change.name}` | {esc(str(change.value))} | {esc(str(change.standard))} "
                f"| {reason} |"
            )
        lines.append("")
    if report.not_assessed:
        lines += ["### Not assessed under the profile", ""]
        for ids, reason in not_assessed_groups(report.not_assessed):
            links = ", ".join(_id_link(control_id, context) for control_id in ids)
            lines.append(f"- {links}: {esc(reason)}")
        lines.append("")
    notices = report.waiver_notices()
    if notices:
        lines += ["### Waivers to act on", ""]
        for waiver in notices:
            mark = "❌ **expired**" if waiver.status == "expired" else "⚠️ unused"
            where = f"{waiver.location.file}:{waiver.location.line}"
            lines.append(f"- {mark} `{_code(where)}`: {esc(waiver.message)}")
        lines.append("")
    findings = [(r, f) for r in _by_severity(report.results) for f in r.findings]
    if findings:
        lines += [
            "<details>",
            f"<summary>All {len(findings)} {_plural(len(findings), 'finding')}</summary>",
            "",
        ]
        for result, finding in findings:
            waived_note = f" — waived: {esc(finding.waived_by)}" if finding.waived_by else ""
            lines.append(
                f"- **{result.control_id}** `{_code(_where(finding))}` "
                f"{esc(finding.message)}{waived_note}"
            )
        lines += ["", "</details>", ""]
    lines.append(_footer(report))
    return "\n".join(lines) + "\n"


def esc(text: str) -> str:
    """Escape Markdown and HTML specials; newlines become spaces (one table cell, one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _code(text: str) -> str:
    """Text for an inline code span: a backtick in a file name must not close it."""
    return text.replace("`", "'")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _headline(report: Report) -> str:
    who = esc(report.platform or report.declaration.name)
    standard = f"{report.standard.name} {report.standard.version}"
    if report.compliant:
        return f"## ✅ {who} is compliant with {standard}"
    return f"## ❌ {who} is not compliant with {standard}"


def _counts(report: Report) -> str:
    s = report.summary
    parts = [
        f"**{s.failed} fail**" if s.failed else "0 fail",
        f"{s.passed} pass",
        f"**{s.errors} error**" if s.errors else "0 error",
        f"{s.waived} waived",
        f"{s.not_applicable} not applicable",
    ]
    if report.not_assessed:
        parts.append(f"**{len(report.not_assessed)} not assessed** (profile)")
    expired = sum(1 for w in report.waivers if w.status == "expired")
    if expired:
        parts.append(f"**{expired} expired {_plural(expired, 'waiver')}**")
    return (
        f"`{_code(report.declaration.name)}` · {s.total} controls: "
        + ", ".join(parts)
        + f" · fails on {report.fail_on} and above"
    )


def _by_severity(results: Iterable[ControlResult]) -> list[ControlResult]:
    return sorted(results, key=lambda r: (-severity_rank(r.severity), r.control_id))


def _link(result: ControlResult, context: RenderContext) -> str:
    return _id_link(result.control_id, context)


def _id_link(control_id: str, context: RenderContext) -> str:
    url = control_url(context, control_id)
    return f"[{control_id}]({url})" if url else control_id


def _where(finding: Finding) -> str:
    if finding.location is None:
        return finding.path
    return f"{finding.location.file}:{finding.location.line}"


def _first_finding(result: ControlResult) -> str:
    open_findings = [f for f in result.findings if f.waived_by is None] or result.findings
    if not open_findings:
        return ""
    first = open_findings[0]
    more = len(open_findings) - 1
    suffix = f" (+{more} more)" if more else ""
    return f"`{_code(_where(first))}` {esc(first.message)}{suffix}"


def _footer(report: Report) -> str:
    parts = [
        f"{report.tool} {report.tool_version}",
        f"{report.standard.name} {report.standard.version} "
        f"(sha256 `{report.standard.sha256[:12]}`)",
        f"declaration sha256 `{report.declaration.sha256[:12]}`",
    ]
    if report.reference_date:
        parts.append(f"as of {report.reference_date}")
    if report.profile:
        parts.append(
            f"profile `{_code(report.profile.name)}` (sha256 `{report.profile.sha256[:12]}`)"
        )
    if report.waiver_file:
        parts.append(
            f"waivers `{_code(report.waiver_file.name)}` "
            f"(sha256 `{report.waiver_file.sha256[:12]}`)"
        )
    return "<sub>" + " · ".join(parts) + "</sub>"
