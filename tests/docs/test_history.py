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


def test_a_release_whose_controls_state_no_basis_still_renders(tmp_path: Path) -> None:
    """Releases before 0.2.0 had no `basis`; `docs versions` builds them with today's
    generator, so a control without one reads "not stated" instead of failing the build."""
    from standard_edits import copy_standard, edit_policy

    from pyrules.docs.generate import control_page_path, generate

    root = copy_standard(tmp_path / "old")
    edit_policy(root, "edhs/inc/inc_01_breach_notification.rego", "#   basis: law\n", "")
    old = load_standard(root)
    assert old.control("INC-01").basis is None
    pages = generate(old, ROOT / "docs", root / "tests" / "cases", site_url="").pages
    page = pages[control_page_path("INC-01")]
    assert "not stated" in page and "does not state it" in page
