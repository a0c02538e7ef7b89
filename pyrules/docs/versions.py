"""The versioned site: one site per release under its own path, and Material's version
switcher over them.

    site/versions.json      [{"version": "0.2.0", "title": "0.2.0", "aliases": ["latest"]}, ...]
    site/index.html         redirects to the latest version
    site/latest/index.html  the same, for links that name the alias
    site/0.2.0/...          the site of each release, built with extra.version.provider: mike
    site/0.1.0/...

`versions.json` has the format the `mike` tool writes, which Material's switcher reads
(from `../versions.json`, so the site must be served over HTTP, as it is once published;
opened from disk the switcher stays hidden). mike itself is not used: it publishes by
committing each build to a git branch, while pyrules builds every release from its
revision in one go, so a rebuilt site never mixes generator versions. The newest release
is `latest`.

Each release is built from its own policies, schemas and test cases (its git revision,
or the working tree for a release without one) with the docs/ pages of the working tree.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from pyrules.docs.build import build_docs
from pyrules.docs.history import load_history
from pyrules.docs.site import BuiltSite
from pyrules.errors import InputError
from pyrules.releases import checkout, load_releases
from pyrules.standard import load_standard

VERSIONS_FILE = "versions.json"
LATEST = "latest"


@dataclass(frozen=True)
class BuiltVersion:
    version: str
    site: BuiltSite


def build_versions(
    docs_dir: Path, releases_path: Path, sources_dir: Path, site_dir: Path, site_url: str = ""
) -> list[BuiltVersion]:
    """Build every release of `releases_path` into site_dir/<version>/ and the switcher;
    `site_url` is where site_dir is published ('' for nowhere), so each version's canonical
    links name its own path."""
    releases = load_releases(releases_path)
    _check_out_dir(site_dir)
    repo_root = releases_path.resolve().parent.parent
    built = []
    for release in releases:
        root = repo_root if release.revision is None else checkout(repo_root, release.revision)
        standard = load_standard(root)
        if standard.version != release.version:
            where = release.revision or "the working tree"
            raise InputError(
                f"{releases_path}: release {release.version}: {where} holds EDHS "
                f"{standard.version} (policies/.manifest)"
            )
        result = build_docs(
            standard,
            docs_dir,
            root / "tests" / "cases",
            sources_dir / release.version,
            site_dir / release.version,
            history=load_history(standard, releases_path),
            versioned=True,
            site_url=f"{site_url}{release.version}/" if site_url else "",
        )
        assert result.site is not None
        built.append(BuiltVersion(release.version, result.site))
    latest = releases[0].version
    entries = [
        {"version": r.version, "title": r.version, "aliases": [LATEST] if i == 0 else []}
        for i, r in enumerate(releases)
    ]
    (site_dir / VERSIONS_FILE).write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    (site_dir / "index.html").write_text(_redirect(f"{latest}/index.html"), encoding="utf-8")
    (site_dir / LATEST).mkdir(exist_ok=True)
    (site_dir / LATEST / "index.html").write_text(
        _redirect(f"../{latest}/index.html"), encoding="utf-8"
    )
    return built


def _check_out_dir(site_dir: Path) -> None:
    """Accept a missing or empty directory, or an earlier versioned site (its versions.json)."""
    if not site_dir.exists():
        site_dir.mkdir(parents=True)
        return
    if not site_dir.is_dir():
        raise InputError(f"--out {site_dir}: exists and is not a directory")
    if any(site_dir.iterdir()) and not (site_dir / VERSIONS_FILE).is_file():
        raise InputError(
            f"--out {site_dir}: not empty and not a versioned site built before (no "
            f"{VERSIONS_FILE}); choose another directory"
        )


def _redirect(target: str) -> str:
    url = html.escape(target, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<link rel="canonical" href="{url}">\n<title>EDHS</title>\n</head>\n'
        f'<body><p><a href="{url}">The latest version of EDHS</a></p></body>\n</html>\n'
    )
