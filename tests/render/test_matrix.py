"""The assessment matrix as an assessor sees it: in Chromium, with and without its script."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from pyrules.assess import Settings, collect, run, write_outputs
from pyrules.standard import Standard

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "declarations"
SCREENSHOT = ROOT / "test-artifacts" / "matrix.png"


@pytest.fixture(scope="module")
def matrix_file(standard: Standard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("submissions")
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    out = folder / "out"
    settings = Settings(standard)
    write_outputs(run(collect([folder]), settings), settings, out)
    return out / "matrix.html"


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
    assert links and all(
        link.startswith(matrix_file.parent.as_uri() + "/reports/") for link in links
    )
    assert all(Path(unquote(link.removeprefix("file://"))).is_file() for link in links)
    context.close()
