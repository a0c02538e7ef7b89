"""The HTML report: one self-contained, escaped file, checked in headless Chromium.

The browser test uses Debian's `chromium` (installed by `make browser`, which `make test`
runs first) through playwright with `executable_path`; playwright's own browser
downloads are never used. It saves a screenshot to test-artifacts/report.png.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from pyrules.loader import Document
from pyrules.model import Finding, Location, Report
from pyrules.render import RenderContext, control_url
from pyrules.render import html as html_format
from pyrules.render.html import excerpt, render

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "test-artifacts" / "report.png"


def html(report: Report, document: Document | None = None) -> str:
    return render(report, RenderContext(declaration_text=document.text if document else None))


# The table of all controls and the control links as the template wrote them before each
# distinct row and link was built once per run (`pyrules.render.html`).
ROWS = "{%- for row in control_rows %}\n    {{ row }}\n  {%- endfor %}"
ROWS_BEFORE = (
    "{%- for r in report.results %}\n"
    '    <tr><td class="mono">{{ control_link(r.control_id) }}</td><td><span class="sev '
    '{{ r.severity }}">{{ r.severity }}</span></td><td>{{ r.title }}</td><td><span class="status '
    '{{ r.status }}">{{ status_text[r.status] }}</span></td></tr>\n'
    "  {%- endfor %}"
)
LINK_BEFORE = (
    "{% macro control_link(control_id) %}{% set u = url(control_id) %}{% if u %}"
    '<a href="{{ u }}">{{ control_id }}</a>{% else %}{{ control_id }}{% endif %}{% endmacro %}'
)


def test_every_report_reads_as_the_template_wrote_it_before(
    monkeypatch: pytest.MonkeyPatch, every_report: list[tuple[Report, str]], hostile: Report
) -> None:
    from jinja2 import Environment, StrictUndefined

    source = files("pyrules.render").joinpath("templates/report.html.j2").read_text("utf-8")
    assert source.count(ROWS) == 1
    source = LINK_BEFORE + source.replace(ROWS, ROWS_BEFORE).replace("{{ link(", "{{ control_link(")
    reports = [(hostile, ""), *every_report]
    for docs_url in ("https://example.org/edhs/", ""):
        contexts = [RenderContext(docs_url=docs_url, declaration_text=t) for _, t in reports]
        pages = [render(report, c) for (report, _), c in zip(reports, contexts, strict=True)]
        env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        env.globals["url"] = lambda control_id, url=docs_url: control_url(
            RenderContext(docs_url=url), control_id
        )
        before = env.from_string(source)
        with monkeypatch.context() as patch:
            patch.setattr(html_format.jinja, "template", lambda _name, before=before: before)
            for (report, _), context, page in zip(reports, contexts, pages, strict=True):
                assert page == render(report, context), report.declaration.name


def test_the_file_is_self_contained(waived: Report, noncompliant_document: Document) -> None:
    page = html(waived, noncompliant_document)
    assert page.startswith("<!DOCTYPE html>")
    for external in ("<script", "<link", "<img", "<iframe", "src=", "@import", "url("):
        assert external not in page, external


def test_text_from_the_declaration_is_escaped(
    hostile: Report, noncompliant_document: Document
) -> None:
    page = html(hostile, noncompliant_document)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_control_is_listed_with_its_status_in_words(noncompliant: Report) -> None:
    page = html(noncompliant)
    words = {"pass": "Pass", "fail": "Fail", "not_applicable": "Not applicable"}
    for result in noncompliant.results:
        row = re.search(
            rf'<tr><td class="mono"><a [^>]*>{result.control_id}</a>.*?</tr>', page, re.S
        )
        assert row is not None, result.control_id
        assert f'<span class="status {result.status}">{words[result.status]}</span>' in row[0]


def test_the_record_holds_digests_versions_and_waivers(waived: Report) -> None:
    page = html(waived)
    assert waived.declaration.sha256 in page
    assert waived.standard.sha256 in page
    assert waived.waiver_file is not None and waived.waiver_file.sha256 in page
    assert f"{waived.tool} {waived.tool_version}" in page
    assert "expired on 2026-01-31" in page
    assert "Fix ships with the October release." in page


def test_an_excerpt_is_three_lines_around_the_finding_and_clipped_at_the_ends() -> None:
    lines = [f"line {n}" for n in range(1, 11)]

    def at(line: int) -> Finding:
        location = Location(file="d.yaml", line=line, column=1, pointer="/x")
        return Finding(message="m", path="/x", location=location)

    assert excerpt(lines, at(5)) == [(n, f"line {n}", n == 5) for n in range(2, 9)]
    assert [n for n, _, _ in excerpt(lines, at(1))] == [1, 2, 3, 4]
    assert [n for n, _, _ in excerpt(lines, at(10))] == [7, 8, 9, 10]
    assert excerpt([], at(3)) == []


def test_the_report_renders_in_chromium_without_any_network_request(
    offline, waived: Report, noncompliant_document: Document, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.html"
    report_file.write_text(html(waived, noncompliant_document), encoding="utf-8")
    context, blocked = offline
    requested: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(report_file.as_uri(), wait_until="load")

    assert page.title() == "Kestrel Video: NOT compliant with EDHS " + waived.standard.version
    assert page.locator("#verdict").inner_text() == "✘ Not compliant"
    tiles = page.locator(".tile").all_inner_texts()
    assert f"{waived.summary.failed}\nfailing" in tiles
    assert f"{waived.summary.waived}\nwaived" in tiles

    failing = next(r for r in waived.results if r.status == "fail")
    card = page.locator(f"section#{failing.control_id}")
    assert card.is_visible()
    assert card.locator(".status").inner_text() == "Fail"
    finding = failing.findings[0]
    assert finding.location is not None
    hit = card.locator("tr.hit").first
    assert hit.locator("td.ln").inner_text() == str(finding.location.line)
    fail_colour = card.locator(".status").evaluate("e => getComputedStyle(e).color")
    assert fail_colour == "rgb(207, 34, 46)"

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert blocked == []
    assert requested == [report_file.as_uri()]
    assert SCREENSHOT.stat().st_size > 10_000
