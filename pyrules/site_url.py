"""Where the published site is, the one setting every link to it comes from: `--site-url`,
then PYRULES_DOCS_URL, then the standard's about.yaml. An empty value means the site is not
published anywhere: the docs then have no canonical links or sitemap URLs, and reports link to
nothing rather than to a placeholder.

Kept apart from `pyrules.about` (the whole about.yaml, with its records): every `pyrules check`
reads this one setting, and building those records was a sixth of what pyrules itself adds to
a cold check's start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pyrules.errors import InputError

SITE_URL_ENV = "PYRULES_DOCS_URL"
ABOUT = Path("standard") / "about.yaml"


def resolve_site_url(option: str | None, standard_root: Path | None) -> str:
    """Where the site is published: the option, else PYRULES_DOCS_URL, else about.yaml.
    '' means nowhere; otherwise an http(s) URL ending in '/'."""
    if option is not None:
        value, origin = option, "--site-url"
    elif SITE_URL_ENV in os.environ:
        value, origin = os.environ[SITE_URL_ENV], SITE_URL_ENV
    else:
        from pyrules.standard import default_standard_dir

        path = about_path(standard_root or default_standard_dir())
        value, origin = _site_url_of(path), str(path)
    return normalise_site_url(value, origin)


def about_path(standard_root: Path) -> Path:
    """The standard's about.yaml; one without it (e.g. a bundle archive, which carries only
    policies and schemas) uses the one shipped with pyrules."""
    own = standard_root / ABOUT
    if own.is_file():
        return own
    from pyrules.standard import default_standard_dir

    return default_standard_dir() / ABOUT


def _site_url_of(path: Path) -> str:
    """Only site_url, without validating the whole file: `pyrules check` needs nothing else,
    and validating costs start-up time (lint and the docs build validate it)."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_fast_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    value = data.get("site_url") if isinstance(data, dict) else None
    if isinstance(value, str):
        return value
    from pyrules.loader import load

    document = load(path)  # a file it cannot read or parse: one line naming the place
    problem = "site_url must be a text: the published site's URL, or '' for none"
    raise InputError(document.located("/site_url", problem))


def _fast_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def normalise_site_url(value: str, origin: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise InputError(f"{origin}: the site URL must start with https:// (or be empty for none)")
    return value.rstrip("/") + "/"
