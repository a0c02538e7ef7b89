"""The site as a reader sees it: headless Chromium opens it from disk, offline.

Debian's `chromium` (installed by `make browser`, which `make test` runs first) is driven
by playwright through `executable_path`; playwright's own browser downloads are never
used. Any request that is not a file:// URL is blocked and fails the test. Screenshots go
to test-artifacts/docs-home.png and test-artifacts/docs-control.png.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def test_the_home_page_shows_the_version_status_and_how_to_cite(built, offline) -> None:
    context, blocked = offline
    page = context.new_page()
    page.goto((built.site / "index.html").as_uri(), wait_until="load")

    assert page.title().startswith("Home - EDHS")
    assert f"EDHS version {built.standard.version}" in page.locator(".edhs-lead").inner_text()
    about = page.locator(".edhs-about").inner_text()
    for label in ("Status", "Version", "Publisher", "Editors", "Licence"):
        assert label in about
    assert "Creative Commons Attribution 4.0 International" in about
    assert "@misc{edhs-" in page.locator("#cite ~ div pre").first.inner_text()
    assert page.locator(".md-tabs").is_visible()  # the top navigation rendered, styled
    header = page.locator(".md-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(64, 81, 181)"  # the theme's indigo: the local stylesheets loaded

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-home.png"))
    assert blocked == []


def test_the_aceeeo_page_shows_the_recommendation_matrix(built, offline) -> None:
    context, blocked = offline
    page = context.new_page()
    page.goto((built.site / "aceeeo.html").as_uri(), wait_until="load")
    matrix = page.locator(".edhs-matrix table")
    assert matrix.locator("tbody tr").count() == len(built.standard.controls)
    assert page.locator("#r1").count() == 1  # control pages link each recommendation here
    assert blocked == []


def test_the_glossary_defines_the_terms_the_home_page_links(built, offline) -> None:
    context, blocked = offline
    page = context.new_page()
    page.goto((built.site / "index.html").as_uri(), wait_until="load")
    link = page.locator('a[href^="glossary.html#aceeeo"]').first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("glossary.html#aceeeo")
    assert (
        "Association of European Election Officials"
        in page.locator("dt:has(#aceeeo) + dd").inner_text()
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-glossary.png"))
    assert blocked == []


def test_a_control_page_shows_title_severity_references_and_examples(built, offline) -> None:
    context, blocked = offline
    control = built.standard.control("INC-01")
    page = context.new_page()
    page.goto((built.site / "controls" / "inc" / "inc-01" / "index.html").as_uri())

    assert page.title().startswith(f"{control.id} {control.title}")
    heading = page.locator("h1").inner_text().removesuffix("¶")  # the permalink
    assert heading == f"{control.id} · {control.title}"
    badge = page.locator(".edhs-facts .edhs-sev")
    assert badge.inner_text().lower() == control.severity
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(230, 81, 0)"
    for ref in control.references:
        link = page.get_by_role("link", name=ref.description)
        assert link.get_attribute("href") == ref.ref
    states = page.locator(".edhs-tag--confirmed, .edhs-tag--unconfirmed")
    assert states.count() == len(control.references)
    assert page.locator(".edhs-facts .edhs-basis").inner_text() == control.basis
    assert page.locator(".admonition.success pre").is_visible()
    assert "breach_notification_hours" in page.locator(".admonition.failure pre").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.screenshot(path=str(ARTIFACTS / "docs-control.png"))
    assert blocked == []


def test_search_finds_a_control_from_disk_without_a_server(built, offline) -> None:
    context, blocked = offline
    page = context.new_page()
    page.goto((built.site / "index.html").as_uri())
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially("breach", delay=30)  # the search listens to typed keys
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=15_000)
    assert "INC-01" in page.locator(".md-search-result").inner_text()
    assert blocked == []
