"""The built site is strict, offline and browsable from disk.

Nothing in it loads from the network (no web fonts, no CDN scripts), links are to real
`.html` files (use_directory_urls is off), search has its index inlined for file:// use,
and a warning of any kind fails the build.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import pyrules

from pyrules.docs.generate import generate
from pyrules.docs.site import DocsBuildError, build_site
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
ASSET_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}


class AssetRefs(HTMLParser):
    """Collects every URL the page loads by itself (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and ASSET_RELS & set(a.get("rel", "").split()):
            self.urls.append(a.get("href", ""))
        if "style" in a:
            self.urls += CSS_URL.findall(a["style"])

    def handle_data(self, data: str) -> None:
        self.urls += CSS_URL.findall(data) if "url(" in data or "@import" in data else []


def test_no_page_or_stylesheet_loads_anything_from_the_network(built) -> None:
    remote: list[str] = []
    for page in built.site.rglob("*.html"):
        parser = AssetRefs()
        parser.feed(page.read_text(encoding="utf-8"))
        remote += [f"{page.relative_to(built.site)}: {u}" for u in parser.urls if REMOTE.match(u)]
    for sheet in built.site.rglob("*.css"):
        urls = CSS_URL.findall(sheet.read_text(encoding="utf-8"))
        remote += [f"{sheet.relative_to(built.site)}: {u}" for u in urls if REMOTE.match(u)]
    assert remote == []
    assert "fonts.googleapis" not in (built.site / "index.html").read_text(encoding="utf-8")


def test_links_point_at_html_files_so_the_site_works_opened_from_disk(built) -> None:
    page = (built.site / "controls" / "inc" / "index.html").read_text(encoding="utf-8")
    assert 'href="inc-01/index.html"' in page
    from mkdocs.config import load_config

    config = load_config(str(built.sources / "mkdocs.yml"))  # with the base it INHERITs
    assert config["use_directory_urls"] is False
    assert config["theme"]["font"] is False


def test_search_works_offline_from_an_inlined_index(built) -> None:
    index = built.site / "search" / "search_index.js"
    assert index.is_file()
    text = index.read_text(encoding="utf-8")
    assert text.startswith("var __index = ")
    assert '"location":"controls/inc/inc-01/index.html' in text.replace(" ", "")
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert "assets/javascripts/iframe-worker-shim.js" in home  # the worker shim, vendored


def test_the_build_says_where_it_built_and_in_what_time(built) -> None:
    # The time is the build's own measurement; how fast a shared machine builds is bench's
    # business, not a pass/fail of the suite.
    assert re.search(rf"built into {re.escape(str(built.site))} in \d+\.\d s; open ", built.output)


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    sources = generate(load_standard(ROOT), ROOT / "docs", ROOT / "tests" / "cases")
    sources.files["docs/guides/ci-self-check.md"] += "\nSee [a page](no-such-page.md).\n"
    sources.write(tmp_path / "src")
    with pytest.raises(DocsBuildError, match=r"no-such-page\.md"):
        build_site(tmp_path / "src", tmp_path / "site")


def build(sources: Path, site: Path) -> tuple[int, str, str]:
    """`pyrules docs build` in a fresh process: exit code, stdout, stderr."""
    done = pyrules("docs", "build", "--sources", sources, "--out", site)
    return done.returncode, done.stdout, done.stderr


def test_the_build_refuses_an_out_dir_it_would_wipe(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.md").write_text("years of work", encoding="utf-8")
    code, stdout, stderr = build(tmp_path / "src", out)
    assert (code, stdout) == (2, "")
    assert len(stderr.strip().splitlines()) == 1
    assert f"--out {out}: not empty and not a site built before" in stderr
    assert (out / "notes.md").read_text(encoding="utf-8") == "years of work"
    assert not (tmp_path / "src").exists()  # refused before the sources were written


def test_the_build_replaces_an_earlier_site(built, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built.site, site)
    (site / "stale.html").write_text("from a control that is gone", encoding="utf-8")
    code, stdout, stderr = build(tmp_path / "src", site)
    assert code == 0, stderr
    assert "built into" in stdout
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
