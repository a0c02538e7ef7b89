"""The site's address is configuration: canonical links and the sitemap follow site_url, and
without one they point nowhere rather than at a placeholder."""

from __future__ import annotations

from pathlib import Path

from pyrules.docs.generate import generate
from pyrules.docs.site import build_site
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]


def test_the_published_site_has_canonical_links_and_no_placeholder(built) -> None:
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical" href="https://pyrules.github.io/pyrules/index.html"' in home
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://pyrules.github.io/pyrules/" in sitemap
    for path in built.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js", ".bib"):
            assert "example.org" not in path.read_text(encoding="utf-8"), path


def test_without_a_site_url_nothing_points_anywhere(tmp_path: Path) -> None:
    sources = generate(load_standard(ROOT), ROOT / "docs", ROOT / "tests" / "cases", site_url="")
    sources.write(tmp_path / "src")
    build_site(tmp_path / "src", tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in home
    assert "<loc>" not in (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "url = {" not in (tmp_path / "site" / "edhs.bib").read_text(encoding="utf-8")


def test_the_site_offers_the_citation_files(built) -> None:
    assert (built.site / "edhs.bib").read_text(encoding="utf-8").startswith("@misc{edhs-")
    assert '"type": "standard"' in (built.site / "edhs.csl.json").read_text(encoding="utf-8")
