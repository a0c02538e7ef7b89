"""JUnit XML, for the test tabs of CI systems (GitLab, Jenkins, Azure, GitHub test reporters).

One testsuite per control family, one testcase per control: a failing control is a
`<failure>` listing its findings as `file:line:column: message`, a control that could not
be evaluated is an `<error>`, and not-applicable and waived controls are `<skipped>` with
a message saying which (a waived control is not a pass), as is each control the profile
leaves out, with the profile's reason. When a waiver file was used, a
last testsuite "waivers" has one testcase per waiver: an expired waiver fails there, as it
fails the run, and an unused one is skipped.

Attributes are counted from the report, and `time` is always 0, so the file is
deterministic like every other format.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from itertools import groupby

from pyrules.model import ControlResult, Finding, Report, WaiverResult
from pyrules.render import RenderContext


def render(report: Report, context: RenderContext) -> str:
    root = ET.Element(
        "testsuites",
        name=f"pyrules: {report.declaration.name} against "
        f"{report.standard.name} {report.standard.version}",
    )
    left_out = {c: c.split("-")[0] for c in report.not_assessed}
    by_family = groupby(
        sorted(report.results, key=lambda r: (r.family, r.control_id)), key=lambda r: r.family
    )
    results_of = {family: list(results) for family, results in by_family}
    for family in sorted({*results_of, *left_out.values()}):
        suite = _suite(root, family, report)
        for result in results_of.get(family, []):
            _control_case(suite, result)
        for control_id in sorted(c for c, f in left_out.items() if f == family):
            _left_out_case(suite, family, control_id, report.not_assessed[control_id])
        _count(suite)
    if report.waivers:
        suite = _suite(root, "waivers", report)
        for waiver in report.waivers:
            _waiver_case(suite, waiver)
        _count(suite)
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in root)))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(root: ET.Element, name: str, report: Report) -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=name)
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("standard", f"{report.standard.name} {report.standard.version}"),
        ("standard.sha256", report.standard.sha256),
        ("declaration", report.declaration.name),
        ("declaration.sha256", report.declaration.sha256),
        ("platform", report.platform or ""),
        ("fail_on", report.fail_on),
        ("profile", report.profile.name if report.profile else ""),
        ("profile.sha256", report.profile.sha256 if report.profile else ""),
        ("reference_date", report.reference_date or ""),
        *((f"parameter.{p.name}", json.dumps(asdict(p))) for p in report.parameters),
    ):
        ET.SubElement(properties, "property", name=key, value=value)
    return suite


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for attribute, child in (
        ("failures", "failure"),
        ("errors", "error"),
        ("skipped", "skipped"),
    ):
        suite.set(attribute, str(sum(1 for c in cases if c.find(child) is not None)))
    suite.set("time", "0")


def _control_case(suite: ET.Element, result: ControlResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=result.family,
        name=f"{result.control_id} {result.title}",
        time="0",
    )
    if result.status == "fail":
        open_findings = [f for f in result.findings if f.waived_by is None]
        failure = ET.SubElement(
            case,
            "failure",
            message=f"{len(open_findings)} finding{'s' if len(open_findings) != 1 else ''} "
            f"({result.severity}); fix: {result.remediation}",
            type=result.severity,
        )
        failure.text = "\n".join(_finding_line(f) for f in result.findings)
    elif result.status == "error":
        error = ET.SubElement(case, "error", message="could not be evaluated", type="engine")
        error.text = result.error or ""
    elif result.status == "not_applicable":
        ET.SubElement(case, "skipped", message="not applicable to this declaration")
    elif result.status == "waived":
        justifications = sorted({f.waived_by for f in result.findings if f.waived_by})
        skipped = ET.SubElement(case, "skipped", message="waived: " + "; ".join(justifications))
        skipped.text = "\n".join(_finding_line(f) for f in result.findings)


def _left_out_case(suite: ET.Element, family: str, control_id: str, reason: str) -> None:
    case = ET.SubElement(suite, "testcase", classname=family, name=control_id, time="0")
    ET.SubElement(case, "skipped", message=f"not assessed under the profile: {reason}")


def _finding_line(finding: Finding) -> str:
    where = (
        f"{finding.location.file}:{finding.location.line}:{finding.location.column}"
        if finding.location
        else finding.path
    )
    waived = f" (waived: {finding.waived_by})" if finding.waived_by else ""
    return f"{where}: {finding.message}{waived}"


def _waiver_case(suite: ET.Element, waiver: WaiverResult) -> None:
    where = f"{waiver.location.file}:{waiver.location.line}:{waiver.location.column}"
    scope = waiver.control_id + (f" {waiver.path}" if waiver.path else "")
    case = ET.SubElement(
        suite,
        "testcase",
        classname="waivers",
        name=f"waiver {scope} (expires {waiver.expires})",
        file=waiver.location.file,
        line=str(waiver.location.line),
        time="0",
    )
    if waiver.status == "expired":
        failure = ET.SubElement(case, "failure", message=waiver.message, type="expired-waiver")
        failure.text = f"{where}: {waiver.message}"
    elif waiver.status == "unused":
        ET.SubElement(case, "skipped", message=waiver.message)
