"""standard/releases.yaml: how released versions are recorded, and refused when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT

from pyrules.errors import InputError
from pyrules.releases import load_releases, version_key


def test_the_repositorys_releases_file_is_valid() -> None:
    releases = load_releases(ROOT / "standard" / "releases.yaml")
    manifest = json.loads((ROOT / "policies" / ".manifest").read_text(encoding="utf-8"))
    # the working tree holds the newest release, or a version still to be released
    assert version_key(manifest["revision"]) >= version_key(releases[0].version)
    assert all(r.revision for r in releases[1:])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "releases:\n  - {version: 0.1.0, date: 2026-01-01}\n"
            "  - {version: 0.2.0, date: 2026-02-01, revision: v0.2.0}\n",
            "3:6: 0.2.0 is listed after 0.1.0: list releases newest first",
        ),
        (
            "releases:\n  - {version: 0.2.0, date: 2026-02-01}\n"
            "  - {version: 0.1.0, date: 2026-01-01}\n",
            "3:5: only the newest release may leave out its revision (the working tree)",
        ),
        (
            "releases:\n  - {version: '1', date: 2026-02-01}\n",
            '2:6: "1" does not have the expected form',
        ),
    ],
)
def test_a_wrong_releases_file_is_one_located_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "releases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_releases(path)
    assert str(error.value) == f"{path}:{message}"
