"""Severities and statuses: needed by the CLI's options before any model is imported."""

from typing import Literal

Severity = Literal["critical", "high", "medium", "low"]
Status = Literal["pass", "fail", "not_applicable", "waived", "error"]

SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
STATUSES: tuple[Status, ...] = ("pass", "fail", "not_applicable", "waived", "error")


def severity_rank(severity: Severity) -> int:
    """Higher is more severe, so `rank >= rank(fail_on)` selects what fails a run."""
    return len(SEVERITIES) - SEVERITIES.index(severity)
