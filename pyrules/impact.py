"""What adopting a new standard version (or a draft profile) would do to platforms already
assessed: each declaration is checked under both sides, and the statuses compared.

Both sides go through `Checker.for_standard`, the path `check` and `assess` use, so the
comparison follows the engine and the profile semantics of a real assessment.

A declaration states the version it was written for, and a declaration for another major
version is refused. Here the question is what the platform's unchanged answers would meet
under the other version, so a declaration written for either side is restated for each
side (its `standard_version` set to that side's version) before it is checked. A
declaration that the new schema refuses (a newly required field it lacks) is reported as
"no longer valid" with the first reason, not as a list of failing controls; one that
cannot be read, or is valid under neither side, is listed with its reason while the
others are compared, as `assess` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pyrules.errors import InputError
from pyrules.evaluate import Checker, InvalidDeclaration
from pyrules.loader import Document, Limits, load
from pyrules.model import Report
from pyrules.standard import Standard, compatibility_key

NOT_ASSESSED = "not assessed"  # the control does not exist on that side, or a profile excludes it


@dataclass(frozen=True)
class StatusChange:
    control_id: str
    title: str
    old: str
    new: str


@dataclass(frozen=True)
class SideVerdict:
    """One side's verdict on one declaration: a report, or why there is none."""

    report: Report | None
    reason: str | None = None

    @property
    def verdict(self) -> str:
        if self.report is None:
            return "not valid"
        return "compliant" if self.report.compliant else "not compliant"

    def statuses(self) -> dict[str, str]:
        return {r.control_id: r.status for r in self.report.results} if self.report else {}


@dataclass(frozen=True)
class PlatformImpact:
    name: str  # the declaration's file name
    platform: str
    old: SideVerdict
    new: SideVerdict
    changes: tuple[StatusChange, ...]


@dataclass(frozen=True)
class Impact:
    old_label: str  # e.g. "EDHS 0.1.0" or "EDHS 0.1.0 + profile Ruritania"
    new_label: str
    platforms: tuple[PlatformImpact, ...]

    def summary(self) -> list[str]:
        """One line per control whose status moves for any platform, worst news first."""
        total = len(self.platforms)
        lines = []
        unread = [p for p in self.platforms if not p.old.report and not p.new.report]
        if unread:
            lines.append(f"{len(unread)} of {total} declarations are not valid under either")
        invalid = [p for p in self.platforms if p.old.report and not p.new.report]
        if invalid:
            lines.append(f"{len(invalid)} of {total} platforms would no longer be valid")
        lost = [p for p in self.platforms if p.old.verdict == "compliant" != p.new.verdict]
        if lost:
            lines.append(f"{len(lost)} of {total} platforms would no longer be compliant")
        for verb, test in (
            ("newly fail", lambda c: c.new == "fail" != c.old),
            ("no longer fail", lambda c: c.old == "fail" != c.new),
        ):
            counts: dict[str, int] = {}
            for platform in self.platforms:
                for control_id in {c.control_id for c in platform.changes if test(c)}:
                    counts[control_id] = counts.get(control_id, 0) + 1
            for control_id in sorted(counts, key=lambda c: (-counts[c], c)):
                lines.append(f"{counts[control_id]} of {total} platforms would {verb} {control_id}")
        return lines or [f"no status would change for any of the {total} platforms"]


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a standard, the checker built for it, and its label."""

    standard: Standard
    checker: Checker
    label: str


def assess_impact(old: Side, new: Side, paths: Sequence[Path], limits: Limits) -> Impact:
    from pyrules.assess import collect

    platforms = []
    for submission in collect(paths):
        try:
            document = load(submission.path, limits)
        except InputError as exc:  # listed, as assess lists it; the others are compared
            unread = SideVerdict(None, str(exc))
            platforms.append(
                PlatformImpact(submission.path.name, submission.path.stem, unread, unread, ())
            )
            continue
        before = _outcome(old, new.standard, document)
        after = _outcome(new, old.standard, document)
        platform = document.data.get("platform", {}).get("name") or submission.path.stem
        platforms.append(
            PlatformImpact(
                name=submission.path.name,
                platform=str(platform),
                old=before,
                new=after,
                changes=_changes(old.standard, new.standard, before, after),
            )
        )
    return Impact(old.label, new.label, tuple(platforms))


def _outcome(side: Side, other: Standard, document: Document) -> SideVerdict:
    try:
        return SideVerdict(side.checker.check_document(restated(document, side.standard, other)))
    except InvalidDeclaration as exc:
        return SideVerdict(None, exc.summary)


def restated(document: Document, standard: Standard, other: Standard) -> Document:
    """The declaration as if written for `standard`, when it was written for either side."""
    version = document.data.get("standard_version")
    if not isinstance(version, str) or compatibility_key(version) not in (
        standard.major,
        other.major,
    ):
        return document
    return replace(document, data={**document.data, "standard_version": standard.version})


def _changes(
    old: Standard, new: Standard, before: SideVerdict, after: SideVerdict
) -> tuple[StatusChange, ...]:
    if before.report is None or after.report is None:
        return ()
    old_statuses, new_statuses = before.statuses(), after.statuses()
    titles = {c.id: c.title for c in old.controls} | {c.id: c.title for c in new.controls}
    return tuple(
        StatusChange(
            control_id,
            titles[control_id],
            old_statuses.get(control_id, NOT_ASSESSED),
            new_statuses.get(control_id, NOT_ASSESSED),
        )
        for control_id in sorted(old_statuses.keys() | new_statuses.keys())
        if old_statuses.get(control_id) != new_statuses.get(control_id)
    )
