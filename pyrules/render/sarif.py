"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One rule per control of the report (so a viewer can explain a control that passed too),
one result per finding located at the declaration's file, line and column. Waived
findings stay in the log as suppressed results (kind "external": the waiver file), so
code scanning shows them as dismissed instead of losing them. A control that could not
be evaluated is an error result at the top of the declaration. Waivers that expired or
matched nothing are tool configuration notifications pointing at the waiver file.

`security-severity` is the score GitHub maps back to its critical/high/medium/low
labels, so the alert severity there is the control's severity here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyrules.model import ControlResult, Finding, Report, Severity, WaiverResult
from pyrules.render import RenderContext, control_url

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SECURITY_SEVERITY: dict[Severity, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
}
LEVEL: dict[Severity, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
}
FINGERPRINT = "edhsFinding/v1"


def render(report: Report, context: RenderContext) -> str:
    rule_index = {r.control_id: i for i, r in enumerate(report.results)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": report.tool,
                        "version": report.tool_version,
                        **({"informationUri": context.docs_url} if context.docs_url else {}),
                        "rules": [_rule(r, context) for r in report.results],
                    }
                },
                "invocations": [_invocation(report, rule_index)],
                "artifacts": [
                    {
                        "location": {"uri": artifact_uri(report.declaration.name)},
                        "hashes": {"sha-256": report.declaration.sha256},
                    }
                ],
                "columnKind": "unicodeCodePoints",  # the loader counts characters
                "results": [
                    result
                    for control in report.results
                    for result in _results(report, control, rule_index[control.control_id])
                ],
                "properties": {
                    "standard": f"{report.standard.name} {report.standard.version}",
                    "standardSha256": report.standard.sha256,
                    "platform": report.platform,
                    "compliant": report.compliant,
                    "failOn": report.fail_on,
                    "profile": asdict(report.profile) if report.profile else None,
                    "referenceDate": report.reference_date,
                    "parameters": [asdict(p) for p in report.parameters],
                    "notAssessed": report.not_assessed,
                    "waiverFile": asdict(report.waiver_file) if report.waiver_file else None,
                },
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def artifact_uri(name: str) -> str:
    """A relative URI as code scanning expects (relative to the repository root, which is
    where CI runs); a path outside the working directory becomes a file: URI."""
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return quote(path.as_posix(), safe="/")


def rule_name(title: str) -> str:
    """SARIF wants a name that is an identifier, not a sentence: the title in PascalCase."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words)


def _rule(control: ControlResult, context: RenderContext) -> dict[str, Any]:
    url = control_url(context, control.control_id)
    remediation = control.remediation or control.title
    help_text = {"text": remediation, "markdown": remediation}
    if url:  # no published site: no link rather than one to nowhere
        help_text = {
            "text": f"{remediation} See {url}",
            "markdown": f"{remediation}\n\n[{control.control_id} in the EDHS]({url})",
        }
    return {
        "id": control.control_id,
        "name": rule_name(control.title),
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": remediation},
        **({"helpUri": url} if url else {}),
        "help": help_text,
        "defaultConfiguration": {"level": LEVEL[control.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[control.severity],
            "tags": list(
                dict.fromkeys(
                    ["security", "edhs", control.severity, control.family, *control.aceeeo]
                )
            ),
        },
    }


def _results(report: Report, control: ControlResult, index: int) -> list[dict[str, Any]]:
    if control.status == "error":
        return [
            {
                "ruleId": control.control_id,
                "ruleIndex": index,
                "level": "error",
                "message": {
                    "text": f"{control.control_id} could not be evaluated: {control.error}"
                },
                "locations": [_location(report.declaration.name, 1, 1)],
            }
        ]
    return [_finding_result(report, control, index, f) for f in control.findings]


def _finding_result(
    report: Report, control: ControlResult, index: int, finding: Finding
) -> dict[str, Any]:
    where = finding.location
    result: dict[str, Any] = {
        "ruleId": control.control_id,
        "ruleIndex": index,
        "level": LEVEL[control.severity],
        "message": {"text": finding.message},
        "locations": [
            _location(
                where.file if where else report.declaration.name,
                where.line if where else 1,
                where.column if where else 1,
            )
        ],
        "partialFingerprints": {FINGERPRINT: _fingerprint(control.control_id, finding.path)},
        "properties": {"path": finding.path},
    }
    if finding.waived_by is not None:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.waived_by}
        ]
    return result


def _location(file: str, line: int, column: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(file)},
            "region": {"startLine": line, "startColumn": column},
        }
    }


def _fingerprint(control_id: str, path: str) -> str:
    """Stable while lines move: the same control at the same field is the same alert."""
    return hashlib.sha256(f"{control_id}\0{path}".encode()).hexdigest()[:32]


def _invocation(report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notices = [_notification(w, rule_index) for w in report.waiver_notices()]
    if notices:
        invocation["toolConfigurationNotifications"] = notices
    return invocation


def _notification(waiver: WaiverResult, rule_index: dict[str, int]) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": "error" if waiver.status == "expired" else "warning",
        "message": {"text": waiver.message},
        "locations": [
            _location(waiver.location.file, waiver.location.line, waiver.location.column)
        ],
    }
    if waiver.control_id in rule_index:
        notification["associatedRule"] = {
            "id": waiver.control_id,
            "index": rule_index[waiver.control_id],
        }
    return notification
