"""The assessment matrix as an assessor sees it: in Chromium, with and without its script,
and printed on A4 landscape."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from pyrules.assess import Settings, collect, run, write_outputs
from pyrules.standard import Standard

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "declarations"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "matrix.png"
A4_LANDSCAPE_CONTENT_PX = round((297 - 2 * 10) / 25.4 * 96)  # the stylesheet's 10 mm margins


@pytest.fixture(scope="module")
def matrix_file(standard: Standard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("submissions")
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    out = folder / "out"
    settings = Settings(standard)
    write_outputs(run(collect([folder]), settings), settings, out, round_name="r1")
    return out / "r1" / "matrix.html"


def visible_ids(page: object) -> list[str]:
    rows = page.locator("#matrix tr.control:visible th b")  # type: ignore[attr-defined]
    return rows.all_inner_texts()


def test_filters_by_family_and_status(
    chromium: object, matrix_file: Path, standard: Standard
) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    requested: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(matrix_file.as_uri(), wait_until="load")
    assert page.locator("#filters").is_visible()
    assert len(visible_ids(page)) == len(standard.controls)

    page.select_option("#f-family", "ADS")
    ads = visible_ids(page)
    assert ads and all(i.startswith("ADS-") for i in ads)

    page.select_option("#f-family", "")
    page.select_option("#f-status", "fail")
    failing = visible_ids(page)
    assert 0 < len(failing) < len(standard.controls)
    fail_cell = page.locator("#matrix td.s.fail").first
    assert fail_cell.evaluate("e => getComputedStyle(e).color") == "rgb(207, 34, 46)"

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.select_option("#f-status", "")
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    context.close()
    assert requested == [matrix_file.as_uri()]


def test_without_script_it_is_the_plain_table(
    chromium: object, matrix_file: Path, standard: Standard
) -> None:
    context = chromium.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(matrix_file.as_uri(), wait_until="load")
    assert not page.locator("#filters").is_visible()
    assert len(visible_ids(page)) == len(standard.controls)
    assert "could not be assessed" in page.locator("#matrix thead").inner_text()
    links = page.locator("table a[href]").evaluate_all("links => links.map(a => a.href)")
    inside = [link for link in links if link.startswith(matrix_file.as_uri() + "#")]
    outside = [link for link in links if link not in inside]
    assert outside and all(
        link.startswith(matrix_file.parent.as_uri() + "/reports/") for link in outside
    )
    files = [unquote(link.removeprefix("file://")).split("#")[0] for link in outside]
    assert all(Path(file).is_file() for file in files)
    # Without the script a failing cell links to its details row, which shows the text.
    assert inside and all(page.locator(link[link.index("#") :]).count() == 1 for link in inside)
    texts = page.locator("#matrix tr.details").all_inner_texts()
    assert all(page.locator("#matrix tr.details").nth(i).is_visible() for i in range(len(texts)))
    assert any("breach_notification_hours is 96" in t and "in the report" in t for t in texts)
    context.close()


def test_a_failing_cell_shows_its_finding_on_hover_and_on_click(
    chromium: object, matrix_file: Path
) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(matrix_file.as_uri(), wait_until="load")
    row = page.locator("#matrix tr.control", has=page.locator("th b", has_text="INC-01"))
    cell = row.locator("td.s.fail").first
    assert "breach_notification_hours is 96" in (cell.get_attribute("title") or "")
    details = page.locator("#matrix tr.details", has_text="breach_notification_hours is 96")
    assert not details.is_visible()  # the script folds the details rows away
    cell.hover()
    cell.locator("a.cell").click()
    assert details.is_visible()
    shown = details.locator("li:visible")
    assert shown.count() == 1
    text = shown.inner_text()
    assert text.startswith("Kestrel Video, INC-01 fail:") and "kestrel-video.yaml:" in text
    href = shown.locator("a").get_attribute("href")
    assert href == "reports/kestrel-video.html#INC-01"
    report = (matrix_file.parent / "reports" / "kestrel-video.html").read_text()
    assert 'id="INC-01"' in report
    ARTIFACTS.mkdir(exist_ok=True)
    details.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "matrix-finding.png"))
    cell.locator("a.cell").click()  # a second click folds it again
    assert not details.is_visible()
    context.close()


@pytest.fixture(scope="module")
def many_platforms(standard: Standard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eleven platforms: more than one printed table's worth of columns."""
    folder = tmp_path_factory.mktemp("many")
    examples = [EXAMPLES / f"{n}.yaml" for n in ("aurora-social", "boreal-forum", "kestrel-video")]
    for index in range(1, 12):
        text = examples[index % 3].read_text()
        text = re.sub(r"(?m)^(  name: .*)$", rf"\1 number {index}", text, count=1)
        (folder / f"p{index:02d}.yaml").write_text(text)
    out = folder / "out"
    settings = Settings(standard)
    write_outputs(run(collect([folder]), settings), settings, out, round_name="print")
    return out / "print" / "matrix.html"


def test_the_print_on_a4_landscape_cuts_no_platform_column(
    chromium: object, many_platforms: Path
) -> None:
    context = chromium.new_context(  # type: ignore[attr-defined]
        viewport={"width": A4_LANDSCAPE_CONTENT_PX, "height": 700}
    )
    page = context.new_page()
    page.goto(many_platforms.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    headers = page.locator("#matrix table.matrix thead th a")
    names = headers.all_inner_texts()
    assert len(names) == 11 and len(set(names)) == 11  # every platform, once
    assert page.locator("#matrix table.matrix").count() == 2
    overflowing = page.evaluate(
        """width => Array.from(document.querySelectorAll('#matrix th, #matrix td'))
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().right > width + 0.5
                         || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.trim().slice(0, 40))""",
        A4_LANDSCAPE_CONTENT_PX,
    )
    assert overflowing == []
    repeated = page.evaluate(
        "() => getComputedStyle(document.querySelector('#matrix thead')).display"
    )
    assert repeated == "table-header-group"  # header rows repeat on every printed page
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "matrix.pdf"), prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all(float(w) > float(h) for w, h in boxes)  # landscape
    assert all(abs(float(w) - 842) < 2 and abs(float(h) - 595) < 2 for w, h in boxes)  # A4
    context.close()
