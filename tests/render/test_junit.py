"""JUnit XML output, read back with junitparser as a CI test tab would read it."""

from __future__ import annotations

from collections import Counter

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from pyrules.model import Report
from pyrules.render import RenderContext
from pyrules.render.junit import render


def parse(report: Report) -> JUnitXml:
    return JUnitXml.fromstring(render(report, RenderContext()))


def suites(xml: JUnitXml) -> dict[str, TestSuite]:
    return {suite.name: suite for suite in xml}


def cases(suite: TestSuite) -> list[TestCase]:
    return list(suite)


def test_one_suite_per_family_and_one_case_per_control(noncompliant: Report) -> None:
    by_name = suites(parse(noncompliant))
    families = Counter(r.family for r in noncompliant.results)
    assert {name: suite.tests for name, suite in by_name.items()} == dict(families)
    for result in noncompliant.results:
        case = next(
            c
            for c in cases(by_name[result.family])
            if c.name == f"{result.control_id} {result.title}"
        )
        assert case.classname == result.family


def test_counts_match_the_report_summary(noncompliant: Report) -> None:
    xml = parse(noncompliant)
    s = noncompliant.summary
    assert sum(suite.tests for suite in xml) == s.total
    assert sum(suite.failures for suite in xml) == s.failed
    assert sum(suite.errors for suite in xml) == s.errors == 0
    assert sum(suite.skipped for suite in xml) == s.not_applicable + s.waived
    assert s.failed > 0 and s.not_applicable > 0


def test_a_failure_lists_each_finding_as_file_line_message(noncompliant: Report) -> None:
    by_name = suites(parse(noncompliant))
    result = next(r for r in noncompliant.results if r.status == "fail")
    case = next(c for c in cases(by_name[result.family]) if c.name.startswith(result.control_id))
    (failure,) = case.result
    assert isinstance(failure, Failure)
    assert failure.type == result.severity
    for finding in result.findings:
        assert finding.location is not None
        loc = finding.location
        assert f"{loc.file}:{loc.line}:{loc.column}: {finding.message}" in failure.text


def test_not_applicable_is_skipped_and_says_so(noncompliant: Report) -> None:
    by_name = suites(parse(noncompliant))
    result = next(r for r in noncompliant.results if r.status == "not_applicable")
    case = next(c for c in cases(by_name[result.family]) if c.name.startswith(result.control_id))
    (skipped,) = case.result
    assert isinstance(skipped, Skipped)
    assert "not applicable" in skipped.message


def test_an_engine_error_is_an_error(with_error: Report) -> None:
    xml = parse(with_error)
    assert sum(suite.errors for suite in xml) == 1
    errored = next(r for r in with_error.results if r.status == "error")
    case = next(
        c for c in cases(suites(xml)[errored.family]) if c.name.startswith(errored.control_id)
    )
    (error,) = case.result
    assert isinstance(error, Error)
    assert "undefined function foo.bar" in error.text


def test_waived_controls_are_skipped_and_waivers_have_their_own_suite(waived: Report) -> None:
    by_name = suites(parse(waived))
    result = next(r for r in waived.results if r.status == "waived")
    case = next(c for c in cases(by_name[result.family]) if c.name.startswith(result.control_id))
    (skipped,) = case.result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "waived: Fix ships with the October release."
    waivers = by_name["waivers"]
    outcomes = [type(c.result[0]).__name__ if c.result else "passed" for c in cases(waivers)]
    assert outcomes == ["passed", "Failure", "Skipped"]  # applied, expired, unused
    assert waivers.failures == 1


def test_the_compliant_example_has_no_failure_and_output_is_deterministic(
    compliant: Report,
) -> None:
    xml = parse(compliant)
    assert sum(suite.failures + suite.errors for suite in xml) == 0
    assert "waivers" not in suites(xml)
    assert render(compliant, RenderContext()) == render(compliant, RenderContext())


def test_hostile_text_stays_text(hostile: Report) -> None:
    xml = parse(hostile)
    texts = [r.text or "" for suite in xml for case in suite for r in case.result]
    assert any("<script>alert(1)</script>" in text for text in texts)
