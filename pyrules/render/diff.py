"""`pyrules diff` output: Markdown (for a pull request or the changelog), one self-contained
HTML file, and JSON for tools. All three carry the same facts, in the same order."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyrules.diff import Area, Change, StandardDiff, version_problems
from pyrules.render import jinja

if TYPE_CHECKING:
    from pyrules.impact import Impact, PlatformImpact

AREAS: tuple[tuple[Area, str, str], ...] = (
    ("control", "Controls", "Control"),
    ("policy", "Shared policy code", "Module"),
    ("parameter", "Parameters", "Parameter"),
    ("schema", "Declaration schema", "Field"),
)


def render_diff(format_name: str, diff: StandardDiff, impact: Impact | None) -> str:
    if format_name == "json":
        return to_json(diff, impact)
    if format_name == "html":
        return to_html(diff, impact)
    return to_markdown(diff, impact)


def title(diff: StandardDiff) -> str:
    return f"EDHS {diff.old_version} → {diff.new_version}"


def counts(diff: StandardDiff) -> str:
    total, breaking = len(diff.changes), len(diff.breaking)
    if not total:
        return "No change to the controls, parameters or declaration schema."
    return f"{total} change{'s' * (total != 1)}, {breaking} breaking."


def to_json(diff: StandardDiff, impact: Impact | None) -> str:
    data: dict[str, Any] = {
        "old": {"version": diff.old_version, "sha256": diff.old_sha256},
        "new": {"version": diff.new_version, "sha256": diff.new_sha256},
        "breaking": len(diff.breaking),
        "version_problems": version_problems(diff),
        "changes": [c.as_dict() for c in diff.changes],
    }
    if impact is not None:
        data["impact"] = {
            "old": impact.old_label,
            "new": impact.new_label,
            "summary": impact.summary(),
            "platforms": [
                {
                    "declaration": p.name,
                    "platform": p.platform,
                    "old": {"verdict": p.old.verdict, "reason": p.old.reason},
                    "new": {"verdict": p.new.verdict, "reason": p.new.reason},
                    "changes": [
                        {"control": c.control_id, "old": c.old, "new": c.new} for c in p.changes
                    ],
                }
                for p in impact.platforms
            ],
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def change_tables(
    diff: StandardDiff, heading: str = "##", link: Callable[[str], str | None] = lambda _: None
) -> str:
    """The changes as Markdown tables, one per area; `link` gives a control's page."""
    parts = []
    for area, name, column in AREAS:
        changes = diff.of(area)
        if not changes:
            continue
        rows = [f"{heading} {name}", "", f"| {column} | Change | Breaking |", "| --- | --- | --- |"]
        for change in changes:
            subject = f"`{change.subject}`"
            if area == "control":
                target = link(change.subject)
                subject = f"[{change.subject}]({target})" if target else change.subject
            rows.append(f"| {subject} | {_cell(change.summary)} | {_breaking(change)} |")
        parts.append("\n".join(rows))
    return "\n\n".join(parts) + ("\n" if parts else "")


def to_markdown(diff: StandardDiff, impact: Impact | None) -> str:
    lines = [f"# {title(diff)}", "", counts(diff)]
    lines += [f"\n**Version:** {problem}" for problem in version_problems(diff)]
    text = "\n".join(lines) + "\n"
    tables = change_tables(diff)
    if tables:
        text += "\n" + tables
    if impact is not None:
        text += "\n" + impact_markdown(impact)
    return text


def impact_markdown(impact: Impact) -> str:
    lines = [
        f"## Impact on {len(impact.platforms)} declarations",
        "",
        f"From {impact.old_label} to {impact.new_label}:",
        "",
    ]
    lines += [f"- {line}" for line in impact.summary()]
    for platform in impact.platforms:
        lines += ["", f"### {platform.platform} (`{platform.name}`)", ""]
        lines.append(f"{platform.old.verdict} → **{platform.new.verdict}**")
        lines += [f"\n{_cell(note)}" for note in reasons(platform)]
        if platform.changes:
            lines += ["", "| Control | Before | After |", "| --- | --- | --- |"]
            lines += [
                f"| {c.control_id} {_cell(c.title)} | {c.old} | {c.new} |" for c in platform.changes
            ]
        elif platform.old.report and platform.new.report:
            lines += ["", "No control changes status."]
    return "\n".join(lines) + "\n"


def reasons(platform: PlatformImpact) -> list[str]:
    """Why a side has no report; once when both sides say the same."""
    old, new = platform.old.reason, platform.new.reason
    if old and old == new:
        return [f"Not valid under either: {old}"]
    return [f"Not valid {label}: {why}" for label, why in (("before", old), ("after", new)) if why]


def to_html(diff: StandardDiff, impact: Impact | None) -> str:
    return jinja.template("diff.html.j2").render(
        title=title(diff),
        counts=counts(diff),
        problems=version_problems(diff),
        areas=[(name, column, diff.of(area)) for area, name, column in AREAS],
        impact=impact,
        reasons=reasons,
    )


def _breaking(change: Change) -> str:
    return "**breaking**" if change.breaking else "no"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
