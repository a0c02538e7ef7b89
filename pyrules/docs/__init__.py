"""Publishes the standard as a MkDocs Material site generated from the policies.

`generate` turns a `Standard`, its test cases and the hand-written pages of `docs/` into
MkDocs sources (a throwaway build directory, never committed); `site` builds them with
`mkdocs build --strict`. The site must work offline and opened from disk, because EMB
assessors keep it with their records. Heavy imports (jinja2, mkdocs) live only here, so
`pyrules check` never pays for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyrules.errors import InputError


def read_yaml(path: Path) -> Any:
    """A hand-written data file of the site (docs/*.yaml); a problem is one located line."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise InputError(f"{path}{where}: not valid YAML") from None


def control_dir(control_id: str) -> str:
    """Where the site serves a control, `controls/<family>/<id>/` in lower case: the
    generator writes its page there and reports link there, so this is the one definition."""
    family = control_id.split("-")[0].lower()
    return f"controls/{family}/{control_id.lower()}/"
