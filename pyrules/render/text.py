"""Text for a terminal: a summary line, then what to fix, most severe first."""

from __future__ import annotations

from dataclasses import dataclass

from pyrules.model import ControlResult, Report, severity_rank
from pyrules.render import RenderContext, not_assessed_groups

STATUS_COLOURS = {"fail": "red", "error": "magenta", "waived": "yellow", "pass": "green"}
_ANSI = {"red": 31, "green": 32, "yellow": 33, "magenta": 35}  # SGR foreground colours


@dataclass(frozen=True)
class _Paint:
    enabled: bool

    def __call__(self, text: str, fg: str | None = None, bold: bool = False) -> str:
        """ANSI SGR codes written here: a renderer a library calls needs no CLI toolkit."""
        if not self.enabled or not (fg or bold):
            return text
        start = (f"\x1b[{_ANSI[fg]}m" if fg else "") + ("\x1b[1m" if bold else "")
        return f"{start}{text}\x1b[0m"


def headline(report: Report) -> str:
    """The verdict and the counts in one line; `check --output` prints it to stderr too."""
    s = report.summary
    verdict = "compliant" if report.compliant else "NOT compliant"
    profile = f" under profile {report.profile.name!r}" if report.profile else ""
    left_out = f"; {len(report.not_assessed)} not assessed" if report.not_assessed else ""
    return (
        f"{report.declaration.name}: {verdict} with EDHS {report.standard.version}{profile} "
        f"({s.total} controls: {s.passed} pass, {s.failed} fail, "
        f"{s.not_applicable} not applicable, {s.waived} waived, {s.errors} error{left_out})"
    )


def render(report: Report, context: RenderContext) -> str:
    """With `quiet`, a compliant declaration with nothing to report prints nothing: the exit
    code says it, and a pre-commit run over many files shows only the ones to fix."""
    notices = report.waiver_notices()
    if context.quiet and report.compliant and not notices:
        return ""
    paint = _Paint(context.color)
    lines = [paint(headline(report), fg="green" if report.compliant else "red", bold=True)]
    if report.reference_date:
        lines.append(f"reference date {report.reference_date}: age limits count back from it")
    for change in report.parameters:
        reason = f" (looser: {change.reason})" if change.loosens else ""
        lines.append(
            f"parameter {change.name} is {_value(change.value)} under the profile; "
            f"the standard's is {_value(change.standard)}{reason}"
        )
    for ids, reason in not_assessed_groups(report.not_assessed):
        lines.append(f"not assessed under the profile: {', '.join(ids)} ({reason})")
    shown = sorted(
        (r for r in report.results if r.status in ("fail", "error", "waived")),
        key=lambda r: (r.status == "waived", -severity_rank(r.severity), r.control_id),
    )
    for result in shown:
        lines.append("")
        lines.extend(_control_lines(result, paint))
    for waiver in notices:
        expired = waiver.status == "expired"
        label = paint(
            "EXPIRED WAIVER" if expired else "UNUSED WAIVER", fg="red" if expired else "yellow"
        )
        where = f"{waiver.location.file}:{waiver.location.line}:{waiver.location.column}"
        lines.extend(["", f"{label} {where}: {waiver.message}"])
    return "\n".join(lines) + "\n"


def _control_lines(result: ControlResult, paint: _Paint) -> list[str]:
    label = paint(result.status.upper(), fg=STATUS_COLOURS.get(result.status), bold=True)
    lines = [f"{label} {result.control_id} [{result.severity}] {result.title}"]
    if result.error:
        lines.append(f"  error: {result.error}")
    for finding in result.findings:
        where = (
            f"{finding.location.file}:{finding.location.line}:{finding.location.column}"
            if finding.location
            else finding.path
        )
        lines.append(f"  {where}: {finding.message}")
        if finding.waived_by:
            lines.append(f"    waived: {finding.waived_by}")
    if result.status == "fail":
        lines.append(f"  fix: {result.remediation}")
    return lines


def _value(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
