"""Markdown for GitHub job summaries and pull-request comments."""

from __future__ import annotations

from dataclasses import replace

from pyrules.model import Report
from pyrules.render import RenderContext, control_url
from pyrules.render.markdown import esc, render


def md(report: Report) -> str:
    return render(report, RenderContext())


def test_the_headline_says_the_verdict_and_the_counts(
    noncompliant: Report, compliant: Report
) -> None:
    assert md(noncompliant).startswith("## ❌ Kestrel Video is not compliant with EDHS ")
    assert md(compliant).startswith("## ✅ Aurora Social is compliant with EDHS ")
    counts = md(noncompliant).splitlines()[2]
    s = noncompliant.summary
    assert f"{s.total} controls" in counts and f"**{s.failed} fail**" in counts


def test_every_failing_control_is_a_linked_table_row_with_its_first_finding(
    noncompliant: Report,
) -> None:
    text = md(noncompliant)
    context = RenderContext()
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    failing = [r for r in noncompliant.results if r.status == "fail"]
    assert len(rows) == len(failing)
    for result in failing:
        row = next(r for r in rows if r.startswith(f"| [{result.control_id}]"))
        assert f"({control_url(context, result.control_id)})" in row
        assert f"| {result.severity} |" in row
        first = result.findings[0]
        assert first.location is not None
        assert f"`{first.location.file}:{first.location.line}`" in row


def test_every_finding_is_in_the_details_block(noncompliant: Report) -> None:
    text = md(noncompliant)
    details = text[text.index("<details>") : text.index("</details>")]
    for result in noncompliant.results:
        for finding in result.findings:
            assert esc(finding.message) in details


def test_the_compliant_example_has_no_table_and_no_details(compliant: Report) -> None:
    text = md(compliant)
    assert "### Failing controls" not in text and "<details>" not in text


def test_waived_controls_errors_and_waiver_notices_are_listed(
    waived: Report, with_error: Report
) -> None:
    text = md(waived)
    assert "### Waived controls" in text
    assert "Fix ships with the October release." in text
    assert "❌ **expired**" in text and "expired on 2026\\-01\\-31" not in text
    assert "expired on 2026-01-31" in text
    assert "⚠️ unused" in text
    assert "**1 expired waiver**" in text.splitlines()[2]
    errors = md(with_error)
    assert "### Controls that could not be evaluated" in errors
    assert "undefined function foo.bar" in errors


def test_hostile_text_cannot_inject_markup(hostile: Report) -> None:
    text = md(hostile)
    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "\\| \\*\\*bold\\*\\*" in text  # a pipe cannot split the table row


def test_the_footer_names_versions_and_digests_including_a_profile(noncompliant: Report) -> None:
    from pyrules.model import Digest

    profiled = replace(noncompliant, profile=Digest(name="national.yaml", sha256="ab" * 32))
    footer = md(profiled).splitlines()[-1]
    assert footer.startswith("<sub>pyrules ")
    assert f"`{noncompliant.declaration.sha256[:12]}`" in footer
    assert f"`{noncompliant.standard.sha256[:12]}`" in footer
    assert "profile `national.yaml` (sha256 `abababababab`)" in footer
