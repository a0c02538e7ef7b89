"""Compare two assessment rounds: what got better, what got worse, per platform.

`pyrules compare ROUND_A ROUND_B` reads the two rounds' records (`round.json`) and lists,
per platform, the controls whose status changed, the platforms added or dropped, and a
changed standard version or profile, as Markdown, HTML or JSON. Each round after the
first keeps its comparison with the round before it (`changes.*`), and its summary
quotes it.

Decisions:

- A platform is the same across rounds when its declaration has the same file name
  without extension (the name its reports get).
- A platform regressed when a control went to fail or error from anything else
  (including from not being assessed), when its verdict got worse, or when it could no
  longer be assessed. Exit 1 then, else 0. A platform that is new and fails is listed
  as added, not as a regression: there is nothing to regress from.
- Kinds of change: "fixed" (fail or error to anything else), "regressed", "newly
  waived", "newly not applicable", and "changed" for the rest (e.g. n/a to pass).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from pyrules.render.markdown import esc
from pyrules.rounds import RoundPlatform, RoundRecord

BAD = ("fail", "error")
VERDICT_RANK = {"compliant": 0, "not compliant": 1, "could not be assessed": 2}
ABSENT = "not assessed"


@dataclass(frozen=True)
class RoundInfo:
    name: str
    reference_date: str
    standard_version: str
    profile: str | None  # "name (sha256 prefix)"


@dataclass(frozen=True)
class Change:
    control: str
    before: str
    after: str
    kind: str


@dataclass(frozen=True)
class PlatformChanges:
    key: str
    name: str
    verdict_before: str
    verdict_after: str
    score_before: float | None
    score_after: float | None
    changes: list[Change]
    regressed: bool


@dataclass(frozen=True)
class Comparison:
    before: RoundInfo
    after: RoundInfo
    platforms: list[PlatformChanges]  # only platforms with a change
    added: list[dict[str, str]] = field(default_factory=list)  # key, name, verdict
    dropped: list[dict[str, str]] = field(default_factory=list)
    standard_changed: str | None = None
    profile_changed: str | None = None

    @property
    def regressed(self) -> bool:
        return any(p.regressed for p in self.platforms)

    def to_json(self) -> str:
        data = asdict(self)
        data["regressed"] = self.regressed
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _info(record: RoundRecord) -> RoundInfo:
    profile = record.profile
    return RoundInfo(
        name=record.name,
        reference_date=record.reference_date,
        standard_version=record.standard_version,
        profile=f"{profile['name']} (sha256 {profile['sha256'][:12]})" if profile else None,
    )


def _kind(before: str, after: str) -> str:
    if after in BAD:
        return "regressed"
    if before in BAD:
        return "fixed"
    if after == "waived":
        return "newly waived"
    if after == "not_applicable":
        return "newly not applicable"
    return "changed"


def _platform(old: RoundPlatform, new: RoundPlatform) -> PlatformChanges | None:
    changes = []
    for control in sorted(set(old.controls) | set(new.controls)):
        before = old.controls.get(control, ABSENT)
        after = new.controls.get(control, ABSENT)
        unassessed = (after == ABSENT and new.reason) or (before == ABSENT and old.reason)
        if before != after and not unassessed:
            changes.append(Change(control, before, after, _kind(before, after)))
    worse = VERDICT_RANK[new.verdict] > VERDICT_RANK[old.verdict]
    if not changes and old.verdict == new.verdict and old.score == new.score:
        return None
    return PlatformChanges(
        key=new.key,
        name=new.name,
        verdict_before=old.verdict,
        verdict_after=new.verdict,
        score_before=old.score,
        score_after=new.score,
        changes=changes,
        regressed=worse or any(c.kind == "regressed" for c in changes),
    )


def compare(a: RoundRecord, b: RoundRecord) -> Comparison:
    old = {p.key: p for p in a.platforms}
    new = {p.key: p for p in b.platforms}
    platforms = [
        changed
        for key in sorted(old.keys() & new.keys())
        if (changed := _platform(old[key], new[key]))
    ]

    def brief(p: RoundPlatform) -> dict[str, str]:
        return {"key": p.key, "name": p.name, "verdict": p.verdict}

    info_a, info_b = _info(a), _info(b)
    standard = (
        f"EDHS {a.standard_version} -> {b.standard_version}"
        if a.standard_version != b.standard_version
        else None
    )
    profile = (
        f"{info_a.profile or 'no profile'} -> {info_b.profile or 'no profile'}"
        if info_a.profile != info_b.profile
        else None
    )
    return Comparison(
        before=info_a,
        after=info_b,
        platforms=platforms,
        added=[brief(new[k]) for k in sorted(new.keys() - old.keys())],
        dropped=[brief(old[k]) for k in sorted(old.keys() - new.keys())],
        standard_changed=standard,
        profile_changed=profile,
    )


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _status(status: str) -> str:
    return {"not_applicable": "n/a"}.get(status, status)


def markdown_body(comparison: Comparison) -> list[str]:
    """The changes as Markdown list items (no title): the summary quotes them too."""
    lines = []
    if comparison.standard_changed:
        lines.append(f"- Standard changed: {esc(comparison.standard_changed)}.")
    if comparison.profile_changed:
        lines.append(f"- Profile changed: {esc(comparison.profile_changed)}.")
    for p in comparison.added:
        lines.append(f"- Added: **{esc(p['name'])}** ({p['verdict']}).")
    for p in comparison.dropped:
        lines.append(f"- Dropped: **{esc(p['name'])}** (was {p['verdict']}).")
    for p in comparison.platforms:
        mark = "REGRESSED" if p.regressed else "changed"
        verdict = (
            f"{p.verdict_before} -> {p.verdict_after}"
            if p.verdict_before != p.verdict_after
            else p.verdict_after
        )
        lines.append(
            f"- **{esc(p.name)}** {mark}: {verdict}, score {_score(p.score_before)} -> "
            f"{_score(p.score_after)}" + (":" if p.changes else ".")
        )
        for c in p.changes:
            lines.append(f"  - {c.control} {_status(c.before)} -> {_status(c.after)} ({c.kind})")
    if not lines:
        lines.append("- No change.")
    return lines


def moved(before: str, after: str) -> str:
    """`before -> after`, or the one value when it did not change."""
    return after if before == after else f"{before} -> {after}"


def context_line(comparison: Comparison) -> str:
    a, b = comparison.before, comparison.after
    return (
        f"Reference date {moved(a.reference_date, b.reference_date)} · EDHS "
        f"{moved(a.standard_version, b.standard_version)} · profile "
        f"{moved(a.profile or 'none', b.profile or 'none')}"
    )


def render_markdown(comparison: Comparison) -> str:
    a, b = comparison.before, comparison.after
    verdict = (
        "At least one platform regressed." if comparison.regressed else "No platform got worse."
    )
    lines = [
        f"# Changes from round `{a.name}` to round `{b.name}`",
        "",
        esc(context_line(comparison)),
        "",
        f"**{verdict}**",
        "",
        *markdown_body(comparison),
    ]
    return "\n".join(lines) + "\n"


def render_html(comparison: Comparison) -> str:
    from pyrules import __version__
    from pyrules.render import jinja

    return jinja.template("compare.html.j2").render(
        c=comparison,
        tool_version=__version__,
        score=_score,
        status=_status,
        context=context_line(comparison).replace(" -> ", " → "),
    )


RENDERERS = {"markdown": render_markdown, "html": render_html, "json": Comparison.to_json}
