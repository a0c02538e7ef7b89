"""The `pyrules docs` commands' work: generate the sources, then build the site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyrules.docs.history import History
from pyrules.docs.site import BuiltSite, build_site, check_site_dir, require_docs_tools
from pyrules.standard import Standard


@dataclass(frozen=True)
class DocsResult:
    pages: int
    control_pages: int
    sources_dir: Path
    site: BuiltSite | None


def build_docs(
    standard: Standard,
    docs_dir: Path,
    cases_dir: Path,
    sources_dir: Path,
    site_dir: Path | None = None,
    history: History | None = None,
    versioned: bool = False,
    site_url: str | None = None,
) -> DocsResult:
    """Write fresh MkDocs sources (the directory is emptied first, so nothing stale stays)
    and, given `site_dir`, build the site from them; a site dir the build must not empty
    is refused before the sources are touched. `site_url` is where the site will be
    published ('' for nowhere, None as configured)."""
    if site_dir is not None:
        check_site_dir(site_dir)
    require_docs_tools()
    from pyrules.docs.generate import generate

    sources = generate(standard, docs_dir, cases_dir, history, versioned, site_url)
    sources.write(sources_dir)
    pages = sources.pages
    controls = [p for p in pages if p.startswith("controls/") and p.count("/") == 3]
    site = build_site(sources_dir, site_dir) if site_dir is not None else None
    return DocsResult(len(pages), len(controls), sources_dir, site)
