"""The versioned site: two releases (0.2.0 at a git tag, 0.3.0 in the working tree) built
by `pyrules docs versions`, served over HTTP on 127.0.0.1 as it is once published, and
opened in headless Chromium. Screenshots: test-artifacts/docs-version-control.png (a
control page that says "changed in", the switcher open) and docs-version-changelog.png.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import pyrules
from standard_edits import two_release_repo

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("versions")
    repo = two_release_repo(base / "repo")
    site = base / "site"
    done = pyrules("docs", "versions", "--sources", base / "src", "--out", site, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"2 versions; latest 0.3.0; serve {site} over HTTP\n")
    return site


@pytest.fixture(scope="module")
def served(versioned: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(versioned))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=5)


def test_versions_json_is_in_mikes_format_with_the_latest_marked(versioned: Path) -> None:
    assert json.loads((versioned / "versions.json").read_text(encoding="utf-8")) == [
        {"version": "0.3.0", "title": "0.3.0", "aliases": ["latest"]},
        {"version": "0.2.0", "title": "0.2.0", "aliases": []},
    ]
    assert 'url=0.3.0/index.html"' in (versioned / "index.html").read_text(encoding="utf-8")
    for version in ("0.2.0", "0.3.0"):
        assert (versioned / version / "controls" / "sec" / "sec-06" / "index.html").is_file()


def test_each_version_shows_its_own_standard_and_history(versioned: Path) -> None:
    def page(version: str) -> str:
        path = versioned / version / "controls" / "sec" / "sec-06" / "index.html"
        return path.read_text(encoding="utf-8")

    assert "changed in 0.3.0" in page("0.3.0")
    assert "severity raised from medium to high" in page("0.3.0")
    assert "new in 0.2.0" in page("0.2.0") and "changed in" not in page("0.2.0")
    inc = (versioned / "0.3.0" / "controls" / "inc" / "inc-01" / "index.html").read_text("utf-8")
    assert "new in 0.2.0" in inc and "changed in" not in inc
    changelog = (versioned / "0.3.0" / "changelog.html").read_text(encoding="utf-8")
    assert "Security deadlines tightened after the 2026 elections." in changelog
    assert "default 7 -&gt; 3 (stricter)" in changelog
    assert "governance.risk_assessment" in changelog
    assert "changelog.html" in (versioned / "0.2.0" / "index.html").read_text(encoding="utf-8")


def test_the_switcher_lists_both_versions_and_the_page_says_changed_in(
    chromium, served: str
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(served):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(f"{served}/0.3.0/controls/sec/sec-06/index.html")
    switcher = page.locator(".md-version")
    switcher.wait_for(timeout=15_000)  # drawn once versions.json has loaded
    current = page.locator(".md-version__current")
    assert current.inner_text() == "0.3.0latest"  # the version, then its alias
    assert current.locator(".md-version__alias").inner_text() == "latest"
    items = page.locator(".md-version__list .md-version__item")
    assert [items.nth(i).inner_text() for i in range(items.count())] == ["0.3.0latest", "0.2.0"]
    assert "changed in 0.3.0" in page.locator(".edhs-facts").inner_text()
    page.locator(".md-version__current").hover(force=True)
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-version-control.png"))

    page.locator(".md-version__list a", has_text="0.2.0").click()
    page.wait_for_url(f"{served}/0.2.0/**")
    assert page.locator(".md-version__current").inner_text() == "0.2.0"

    page.goto(f"{served}/0.3.0/changelog.html")
    assert page.locator("h2#v0-2-0").is_visible()
    page.screenshot(path=str(ARTIFACTS / "docs-version-changelog.png"), full_page=True)
    context.close()
    assert outside == []
