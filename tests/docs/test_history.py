"""The history of an installed pyrules: it has the releases file but no git history."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import ROOT

from pyrules.docs.history import load_history
from pyrules.releases import in_repository, load_releases
from pyrules.standard import Standard, load_standard


def test_earlier_releases_outside_a_repository_are_named_not_guessed(tmp_path: Path) -> None:
    """Outside git, the earlier releases cannot be read: the history names them and gives
    no control a version line, instead of calling every control new in this version."""
    releases = tmp_path / "standard" / "releases.yaml"
    releases.parent.mkdir()
    shutil.copyfile(ROOT / "standard" / "releases.yaml", releases)
    assert not in_repository(tmp_path) and in_repository(ROOT)
    standard: Standard = load_standard()
    recorded = load_releases(releases)
    assert len(recorded) >= 2 and recorded[1].revision  # an earlier release at a revision
    history = load_history(standard, releases)
    assert [v.release.version for v in history.versions] == [standard.version]
    assert [r.version for r in history.unreadable] == [r.version for r in recorded[1:]]
    assert history.control("INC-01") is None
