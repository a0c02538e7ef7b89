"""Reports every renderer test reads: real ones from the example platforms, plus edge cases.

The waived report is built from whatever currently fails in the non-compliant example, so
these tests keep working while controls are added to the standard.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pyrules.evaluate import Checker, make_engine
from pyrules.loader import Document, load
from pyrules.model import Report
from pyrules.render import RenderContext
from pyrules.standard import Standard, load_standard
from pyrules.waivers import load_waivers

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "declarations"
TODAY = date(2026, 6, 1)
HOSTILE = "<script>alert(1)</script> | **bold** [link](https://evil.example) `tick` & done"


@pytest.fixture(scope="session")
def standard() -> Standard:
    return load_standard()


@pytest.fixture(scope="session")
def checker(standard: Standard) -> Checker:
    return Checker(standard, make_engine(standard))


@pytest.fixture(scope="session")
def noncompliant_document() -> Document:
    return load(EXAMPLES / "kestrel-video.yaml")


@pytest.fixture(scope="session")
def noncompliant(checker: Checker, noncompliant_document: Document) -> Report:
    return checker.check_document(noncompliant_document)


@pytest.fixture(scope="session")
def compliant(checker: Checker) -> Report:
    return checker.check_file(EXAMPLES / "aurora-social.yaml")


@pytest.fixture(scope="session")
def noncompliant_context(noncompliant_document: Document) -> RenderContext:
    return RenderContext(declaration_text=noncompliant_document.text)


def write_waivers(path: Path, report: Report) -> Path:
    """Waive the first failing control, let one waiver for the second expire, and add one
    for a passing control (unused)."""
    failing = [r for r in report.results if r.status == "fail"]
    passing = next(r for r in report.results if r.status == "pass")
    path.write_text(
        "waivers:\n"
        f"  - control: {failing[0].control_id}\n"
        "    justification: Fix ships with the October release.\n"
        "    approved_by: Data Protection Officer\n"
        "    expires: 2026-12-31\n"
        f"  - control: {failing[1].control_id}\n"
        "    justification: Vendor contract renegotiation pending.\n"
        "    approved_by: CISO\n"
        "    expires: 2026-01-31\n"
        f"  - control: {passing.control_id}\n"
        "    justification: Kept while the labelling fix beds in.\n"
        "    approved_by: Compliance Lead\n"
        "    expires: 2027-06-30\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def waived(
    tmp_path_factory: pytest.TempPathFactory,
    standard: Standard,
    noncompliant: Report,
    noncompliant_document: Document,
) -> Report:
    """The non-compliant example with one applied, one expired and one unused waiver."""
    path = write_waivers(tmp_path_factory.mktemp("waivers") / "waivers.yaml", noncompliant)
    waivers = load_waivers(path, [c.id for c in standard.controls])
    checker = Checker(standard, make_engine(standard), waivers=waivers, today=TODAY)
    return checker.check_document(noncompliant_document)


@pytest.fixture(scope="session")
def with_error(noncompliant: Report) -> Report:
    """A report in which one control could not be evaluated (an engine error)."""
    results = list(noncompliant.results)
    index = next(i for i, r in enumerate(results) if r.status == "pass")
    results[index] = replace(results[index], status="error", error="undefined function foo.bar")
    summary = replace(noncompliant.summary, passed=noncompliant.summary.passed - 1, errors=1)
    return replace(noncompliant, results=results, summary=summary)


@pytest.fixture(scope="session")
def hostile(noncompliant: Report) -> Report:
    """A report whose finding text tries to inject markup into the output."""
    results = list(noncompliant.results)
    index = next(i for i, r in enumerate(results) if r.status == "fail")
    finding = replace(results[index].findings[0], message=HOSTILE)
    results[index] = replace(results[index], findings=[finding])
    return replace(noncompliant, results=results, platform=HOSTILE)


@pytest.fixture(scope="session")
def every_report(
    standard: Standard, checker: Checker, noncompliant_document: Document, waived: Report
) -> list[tuple[Report, str]]:
    """Each example's report (alone, under each example profile, with waivers) and each
    control case's, with the declaration's text: what pins a renderer's bytes."""
    import json

    from pyrules.evaluate import InvalidDeclaration
    from pyrules.loader import loads
    from pyrules.profile import load_profile
    from pyrules.testcases import apply_changes, load_cases

    checkers = [checker] + [
        Checker.for_standard(standard, profile=load_profile(path, standard))
        for path in sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
    ]
    reports = [(waived, noncompliant_document.text)]
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if not path.name.endswith(".expected.yaml"):
            document = loads(path.read_bytes(), path.name)
            reports += [(each.check_document(document), document.text) for each in checkers]
    assert any(r.parameters for r, _ in reports) and any(r.not_assessed for r, _ in reports)
    reference, cases = load_cases(ROOT / "tests" / "cases")
    for case in cases:
        text = json.dumps(apply_changes(reference.data, case), ensure_ascii=False, indent=1)
        try:
            document = loads(text.encode(), f"{case.control_id}.json")
            reports.append((checker.check_document(document), text))
        except InvalidDeclaration:
            assert not case.schema  # broken on purpose: there is no report
    assert len(reports) > sum(case.schema for case in cases)
    return reports
