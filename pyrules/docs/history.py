"""The standard's history for its site: every released version up to the one being built,
the diff between consecutive ones, and for each control the version it came in and the
last one that changed it. The changelog page and each control page's version line are
generated from it, never written by hand.

The versions come from `standard/releases.yaml` (see `pyrules.releases`). The version being
built is the standard given (the working tree, or a release's revision); earlier ones are
read from their git revisions. A version that is not in the file yet is shown as
unreleased, so a site built between releases says so. An installed pyrules has the
releases file but no git history: its site then says which earlier versions it could not
read and gives no control a version line, rather than calling every control new.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyrules.diff import Change, StandardDiff, diff_standards
from pyrules.releases import Release, checkout, in_repository, load_releases, version_key
from pyrules.standard import Standard, load_standard

# Changes a control page states without quoting the old text, which the page replaces.
_SHOWN_ON_PAGE = {
    "title": "title reworded",
    "requirement": "requirement reworded",
    "references": "references revised",
}


@dataclass(frozen=True)
class Version:
    release: Release
    standard: Standard
    diff: StandardDiff | None  # from the previous version; None for the first


@dataclass(frozen=True)
class ControlHistory:
    added_in: str
    changed_in: str | None
    changes: tuple[Change, ...]  # what changed in `changed_in`

    @property
    def summary(self) -> str:
        """What changed, for the page's version line: the page itself shows the new text
        and references (the changelog quotes the old ones)."""
        return "; ".join(_SHOWN_ON_PAGE.get(c.kind, c.summary) for c in self.changes)


@dataclass(frozen=True)
class History:
    versions: tuple[Version, ...]  # newest first; the first is the version being built
    unreadable: tuple[Release, ...] = ()  # earlier releases outside any git repository

    def control(self, control_id: str) -> ControlHistory | None:
        if self.unreadable:  # where a control came in cannot be known
            return None
        added_in = changed_in = None
        changes: tuple[Change, ...] = ()
        for version in reversed(self.versions):  # oldest first
            if not version.standard.has_control(control_id):
                added_in = changed_in = None
                continue
            if added_in is None:
                added_in, changed_in, changes = version.release.version, None, ()
                continue
            own = tuple(version.diff.control_changes(control_id)) if version.diff else ()
            if own:
                changed_in, changes = version.release.version, own
        if added_in is None:
            return None
        return ControlHistory(added_in, changed_in, changes)


def releases_file(docs_dir: Path) -> Path:
    """Where the releases are recorded: standard/releases.yaml beside the docs directory."""
    return docs_dir.parent / "standard" / "releases.yaml"


def load_history(standard: Standard, releases_path: Path) -> History:
    """The history up to `standard`'s version; earlier versions from their git revisions."""
    releases = load_releases(releases_path) if releases_path.is_file() else []
    current = standard.version
    older = [r for r in releases if version_key(r.version) < version_key(current)]
    this = next(
        (r for r in releases if r.version == current),
        Release(current, None, "", "unreleased", ""),
    )
    if older and not in_repository(releases_path.parent):
        return History((Version(this, standard, None),), unreadable=tuple(older))
    chain = [standard] + [_standard_at(releases_path, r) for r in older]
    versions = []
    for index, (release, version) in enumerate(zip([this, *older], chain, strict=True)):
        previous = chain[index + 1] if index + 1 < len(chain) else None
        versions.append(
            Version(release, version, diff_standards(previous, version) if previous else None)
        )
    return History(tuple(versions))


def _standard_at(releases_path: Path, release: Release) -> Standard:
    """An earlier release, from its revision in the repository that holds the releases."""
    from pyrules.errors import InputError

    try:
        assert release.revision is not None  # load_releases allows none only for the newest
        return load_standard(checkout(releases_path.parent, release.revision))
    except InputError as exc:
        raise InputError(f"{releases_path}: release {release.version}: {exc}") from None
