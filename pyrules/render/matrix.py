"""The assessment matrix and summary: every control for every platform, in four files.

An assessor compares platforms: which control fails where, which platform could not be
assessed and why. The matrix puts controls in rows (grouped by family) and platforms in
columns, so it stays readable for the usual handful to a few dozen platforms; the CSV
has one row per platform instead, as spreadsheets and scripts expect.

- `matrix.html` is self-contained (inline CSS and a few lines of inline JS, no other
  asset). Statuses are shown in words and in colour. The family and status filters are
  hidden until the script runs, so without JS the page is simply the full table.
- `matrix.csv`: file, platform, verdict, reason, blocking controls, then one column
  per control with its status (empty when the platform could not be assessed). Text
  that a spreadsheet would run as a formula is prefixed with a quote.
- `matrix.md` and `summary.md`: Markdown for a repository, a ticket or a job summary.

Everything is sorted and carries no time unless one was asked for, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.resources import files

from pyrules import __version__
from pyrules.model import Digest, Severity, Status
from pyrules.render.markdown import esc

STATUS_LABEL: dict[str, str] = {
    "pass": "pass",
    "fail": "fail",
    "not_applicable": "n/a",
    "waived": "waived",
    "error": "error",
}
STATUS_ICON: dict[str, str] = {
    "pass": "✅",
    "fail": "❌",
    "not_applicable": "\u2796",  # heavy minus sign
    "waived": "⚠️",
    "error": "💥",
}
VERDICT_ICON = {"compliant": "✅", "not compliant": "❌", "could not be assessed": "⛔"}


@dataclass(frozen=True)
class ControlRow:
    id: str
    title: str
    family: str
    severity: Severity  # under the profile, if any


@dataclass(frozen=True)
class PlatformColumn:
    file: str
    name: str
    verdict: str
    reason: str | None
    report_link: str | None  # the reports' URL without extension, relative to the matrix
    statuses: dict[str, Status]
    blocking: list[str]  # failing or erroring controls that make it non-compliant
    failing_below: list[str]  # failing controls below the fail-on severity
    waived: int

    @property
    def assessed(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Matrix:
    """Everything the four files show, as plain data built by whoever ran the
    assessment: a renderer reads results and looks nothing up upstream."""

    standard_version: str
    standard_sha256: str
    profile: Digest | None
    fail_on: Severity
    generated_at: str | None
    families: list[tuple[str, str]]  # (id, title), only families with a control shown
    controls: list[ControlRow]
    platforms: list[PlatformColumn]

    def count(self, verdict: str) -> int:
        return sum(1 for p in self.platforms if p.verdict == verdict)

    def totals(self) -> str:
        n = len(self.platforms)
        parts = [
            f"{self.count('compliant')} compliant",
            f"{self.count('not compliant')} not compliant",
        ]
        unassessed = self.count("could not be assessed")
        if unassessed:
            parts.append(f"{unassessed} could not be assessed")
        return f"{n} declaration{'s' if n != 1 else ''}: " + ", ".join(parts)


def render_html(matrix: Matrix) -> str:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    source = files("pyrules.render").joinpath("templates/matrix.html.j2").read_text("utf-8")
    statuses_of = {
        c.id: sorted({p.statuses[c.id] for p in matrix.platforms if c.id in p.statuses})
        for c in matrix.controls
    }
    return env.from_string(source).render(
        m=matrix,
        tool_version=__version__,
        label=STATUS_LABEL,
        statuses_of=statuses_of,
        by_family={f: [c for c in matrix.controls if c.family == f] for f, _ in matrix.families},
    )


def render_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["file", "platform", "verdict", "reason", "blocking", *(c.id for c in matrix.controls)]
    )
    for p in matrix.platforms:
        writer.writerow(
            [
                _cell(p.file),
                _cell(p.name) if p.assessed else "",
                p.verdict,
                _cell(p.reason or ""),
                " ".join(p.blocking),
                *(p.statuses.get(c.id, "") for c in matrix.controls),
            ]
        )
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text from a submission, made inert for spreadsheets: a cell starting with = + - @
    would run as a formula when the CSV is opened (CSV injection), so it gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _code(text: str) -> str:
    """A file name as inline code; a backtick in it must not end the span."""
    return "`" + text.replace("`", "'") + "`"


def _header(matrix: Matrix, title: str) -> list[str]:
    profile = (
        f"profile {esc(matrix.profile.name)} (sha256 `{matrix.profile.sha256[:12]}`)"
        if matrix.profile
        else "no profile (the standard's defaults)"
    )
    meta = [
        f"EDHS {matrix.standard_version} (sha256 `{matrix.standard_sha256[:12]}`)",
        profile,
        f"fails on {matrix.fail_on} and above",
        f"pyrules {__version__}",
    ]
    if matrix.generated_at:
        meta.append(f"generated {matrix.generated_at}")
    return [f"# {title}", "", " · ".join(meta), "", f"**{matrix.totals()}.**", ""]


def _unassessed(matrix: Matrix) -> list[str]:
    lines = []
    for p in matrix.platforms:
        if not p.assessed:
            lines.append(f"- {_code(p.file)}: {esc(p.reason or '')}")
    if not lines:
        return []
    return ["## Could not be assessed", "", *lines, ""]


def render_markdown(matrix: Matrix) -> str:
    lines = _header(matrix, f"EDHS {matrix.standard_version} assessment matrix")
    names = [esc(p.name) for p in matrix.platforms]
    lines.append("| Control | Severity | " + " | ".join(names) + " |")
    lines.append("| --- | --- | " + " | ".join("---" for _ in names) + " |")
    verdicts = [f"{VERDICT_ICON[p.verdict]} {p.verdict}" for p in matrix.platforms]
    lines.append("| **Verdict** | | " + " | ".join(verdicts) + " |")
    for control in matrix.controls:
        cells = []
        for p in matrix.platforms:
            status = p.statuses.get(control.id)
            cells.append(f"{STATUS_ICON[status]} {STATUS_LABEL[status]}" if status else "—")
        row = f"| {control.id} {esc(control.title)} | {control.severity} | "
        lines.append(row + " | ".join(cells) + " |")
    lines.append("")
    lines += _unassessed(matrix)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_summary(matrix: Matrix) -> str:
    lines = _header(matrix, f"EDHS {matrix.standard_version} assessment summary")
    lines += [
        "| Declaration | Platform | Verdict | Blocking controls | Other failing | Waived "
        "| Reports |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in matrix.platforms:
        file_cell = _code(p.file)
        verdict = f"{VERDICT_ICON[p.verdict]} {p.verdict}"
        if not p.assessed:
            lines.append(f"| {file_cell} | — | {verdict} | {esc(p.reason or '')} | | | |")
            continue
        reports = f"[HTML]({p.report_link}.html) · [JSON]({p.report_link}.json)"
        lines.append(
            f"| {file_cell} | {esc(p.name)} | {verdict} | {', '.join(p.blocking) or '—'} "
            f"| {', '.join(p.failing_below) or '—'} | {p.waived} | {reports} |"
        )
    lines.append("")
    lines += _unassessed(matrix)
    return "\n".join(lines).rstrip("\n") + "\n"
