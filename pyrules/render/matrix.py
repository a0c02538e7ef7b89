"""The assessment matrix and summary: every control for every platform, for a commission.

An assessor compares platforms (which control fails where, which platform could not be
assessed and why) and briefs a commission. The matrix puts controls in rows (grouped by
family) and platforms in columns; the files a spreadsheet or a script reads have one
row per platform and control instead.

- `matrix.html` is self-contained (inline CSS and a few lines of inline JS, no other
  asset). Statuses are shown in words and in colour. Above the matrix, one row per
  platform: verdict, score, failures by severity and by family, waivers to act on.
  A failing cell carries its finding text as a tooltip and opens it on click; the same
  text stands in a details row under the control, which is simply visible without JS.
  The platform columns are split into tables of at most `PRINT_COLUMNS`, so a print on
  A4 landscape never cuts a column, and the header rows repeat on every page.
- `matrix.csv` and `matrix.xlsx` (sheet "verdicts", one row per platform; sheet
  "findings", one row per platform and control): status, severity, family, finding
  messages, file:line, waiver state, and whether only the profile's stricter values
  make the control fail. Text a spreadsheet would run as a formula is prefixed with a
  quote in the CSV; the XLSX stores every cell as a string, never a formula.
- Every file names each control the profile leaves out, with its reason (in the CSV and
  the XLSX, one row per platform with status "excluded by profile").
- `matrix.md`, and `summary.md`, a briefing note: the round, the profile, the reference
  date, each platform's verdict and score with its three most serious findings in one
  sentence each, and what changed since the previous round.

The score is the share of the applicable controls a platform passes, each weighted by
its severity (`SEVERITY_WEIGHT`); a waived control or one that could not be evaluated is
applicable and not passed, a not-applicable one is left out. The EMB guide states it.

Everything is sorted and carries no time unless one was asked for, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyrules import __version__
from pyrules.model import SEVERITIES, Digest, Severity, Status
from pyrules.render import jinja, not_assessed_groups
from pyrules.render.markdown import esc

if TYPE_CHECKING:
    from pyrules.compare import Comparison

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
_MARKDOWN_STATUS = {s: f"{icon} {STATUS_LABEL[s]}" for s, icon in STATUS_ICON.items()}
VERDICT_ICON = {"compliant": "✅", "not compliant": "❌", "could not be assessed": "⛔"}
SEVERITY_WEIGHT: dict[str, int] = {"critical": 4, "high": 3, "medium": 2, "low": 1}
PRINT_COLUMNS = 8  # platforms per table: what fits across A4 landscape, see the stylesheet
TOP_FINDINGS = 3  # findings per platform in the summary
NOT_ASSESSED = "not assessed"  # the status column of a platform that could not be assessed
EXCLUDED = "excluded by profile"  # the status column of a control the profile leaves out
FORMULA_START = frozenset("=+-@\t\r")  # what a spreadsheet takes for the start of a formula
NO_CELL = '\n  <td class="s none" title="could not be assessed">—</td>'
_PLAIN_CELL = {s: f'\n  <td class="s {s}">{label}</td>' for s, label in STATUS_LABEL.items()}
PROFILE_MARK = '<span class="po" title="fails only under the profile\'s stricter values">P</span>'


@dataclass(frozen=True)
class ControlRow:
    id: str
    title: str
    family: str
    severity: Severity  # under the profile, if any


@dataclass(frozen=True)
class Cell:
    """One platform's result for one control, with what a reader needs to act on it."""

    status: Status
    findings: tuple[str, ...] = ()  # one line per finding: message (file:line)
    where: tuple[str, ...] = ()  # file:line of each finding
    waiver: str = ""  # e.g. "waiver expired 2026-03-31"; empty when no waiver names it
    profile_only: bool = False  # fails under the profile, not under the standard's values
    error: str | None = None

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.status]

    @property
    def text(self) -> str:
        """The finding text a tooltip or a spreadsheet cell shows."""
        lines = list(self.findings)
        if self.error:
            lines.append(f"could not be evaluated: {self.error}")
        if self.profile_only:
            lines.append("fails only under the profile's stricter values")
        if self.waiver:
            lines.append(self.waiver)
        return "\n".join(lines)


@dataclass(frozen=True)
class PlatformColumn:
    file: str
    name: str
    verdict: str
    reason: str | None
    report_link: str | None  # the reports' URL without extension, relative to the matrix
    cells: dict[str, Cell]
    blocking: list[str]  # failing or erroring controls that make it non-compliant
    failing_below: list[str]  # failing controls below the fail-on severity
    waived: int
    key: str = ""
    score: float | None = None
    waiver_notes: tuple[str, ...] = ()  # expired and unused waivers, with their dates
    top_findings: tuple[str, ...] = ()  # the most serious findings, one sentence each
    evidence: str = ""  # assess --ads-dir: what the ad repository shows, or why not read

    @property
    def assessed(self) -> bool:
        return self.reason is None

    @property
    def statuses(self) -> dict[str, Status]:
        return {control: cell.status for control, cell in self.cells.items()}

    def failures(self, controls: Sequence[ControlRow]) -> dict[str, dict[str, int]]:
        """Failing controls counted by severity and by family (only non-zero counts)."""
        by: dict[str, dict[str, int]] = {"severity": {}, "family": {}}
        for control in controls:
            cell = self.cells.get(control.id)
            if cell is None or cell.status != "fail":
                continue
            by["severity"][control.severity] = by["severity"].get(control.severity, 0) + 1
            by["family"][control.family] = by["family"].get(control.family, 0) + 1
        by["severity"] = {s: by["severity"][s] for s in SEVERITIES if s in by["severity"]}
        return by


@dataclass(frozen=True)
class Matrix:
    """Everything the files show, as plain data built by whoever ran the assessment:
    a renderer reads results and looks nothing up upstream."""

    standard_version: str
    standard_sha256: str
    profile: Digest | None
    fail_on: Severity
    generated_at: str | None
    families: list[tuple[str, str]]  # (id, title), only families with a control shown
    controls: list[ControlRow]
    platforms: list[PlatformColumn]
    round: str = ""
    reference_date: str = ""
    changes: Comparison | None = field(default=None, compare=False)
    not_assessed: tuple[tuple[ControlRow, str], ...] = ()  # left out by the profile, and why

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


def score(cells: Iterable[tuple[Severity, Status]]) -> float | None:
    """Severity-weighted share of applicable controls passed, in percent (one decimal);
    None when no control applies."""
    applicable = passed = 0
    for severity, status in cells:
        if status == "not_applicable":
            continue
        applicable += SEVERITY_WEIGHT[severity]
        if status == "pass":
            passed += SEVERITY_WEIGHT[severity]
    return round(100 * passed / applicable, 1) if applicable else None


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def render_html(matrix: Matrix) -> str:
    from markupsafe import Markup

    statuses_of = {
        c.id: " ".join(sorted({p.cells[c.id].status for p in matrix.platforms if c.id in p.cells}))
        for c in matrix.controls
    }
    numbered = list(enumerate(matrix.platforms))
    chunks = [numbered[i : i + PRINT_COLUMNS] for i in range(0, len(numbered), PRINT_COLUMNS)]
    # A control's own cells, the same in every table of platforms: built once, not per table.
    heads = {
        c.id: f'\n<tr class="control" data-family="{_escape(c.family)}" '
        f'data-statuses="{_escape(statuses_of[c.id])}">\n  <th class="control"><b>'
        f"{_escape(c.id)}</b> {_escape(c.title)}</th>\n"
        f'  <td class="sev">{_escape(c.severity)}</td>'
        for c in matrix.controls
    }
    by_family = {f: [c for c in matrix.controls if c.family == f] for f, _ in matrix.families}
    # Each table's rows of a family, after its family row.
    bodies = {
        (chunk[0][0], family): Markup(
            "".join(_html_rows(chunk, c, heads[c.id], statuses_of[c.id]) for c in controls)
        )
        for chunk in chunks
        for family, controls in by_family.items()
    }
    return jinja.template("matrix.html.j2").render(
        m=matrix,
        tool_version=__version__,
        label=STATUS_LABEL,
        severities=SEVERITIES,
        verdicts=Markup("".join(_html_verdicts(p, matrix.controls) for p in matrix.platforms)),
        bodies=bodies,
        chunks=chunks,
        score_text=score_text,
        not_assessed=not_assessed_groups({c.id: why for c, why in matrix.not_assessed}),
    )


def _html_verdicts(p: PlatformColumn, controls: Sequence[ControlRow]) -> str:
    """A platform's row in the table of verdicts, built here rather than in the template
    (for 400 platforms, a third of the time the page took), escaped as its autoescape would."""
    by = p.failures(controls)
    if p.assessed:
        name, score = _escape(p.name), _escape(score_text(p.score))
        counts = "".join(f'<td class="num">{by["severity"].get(s, 0)}</td>' for s in SEVERITIES)
        blocking = ", ".join(map(_escape, p.blocking)) or "—"
        link = _escape(p.report_link or "")
        reports = f'<a href="{link}.html">HTML</a> · <a href="{link}.json">JSON</a>'
    else:
        name = score = reports = "—"
        counts = '<td class="num">—</td>' * len(SEVERITIES)
        blocking = f'<span class="reason">{_escape(p.reason or "")}</span>'
    if p.evidence:
        blocking += f'<br><span class="evidence">Evidence: the {_escape(p.evidence)}</span>'
    families = ", ".join(f"{_escape(f)} {n}" for f, n in by["family"].items()) or "—"
    waivers = "; ".join(
        f'<span class="{"expired" if "expired" in note else ""}">{_escape(note)}</span>'
        for note in p.waiver_notes
    ) or (f"{p.waived} waived" if p.waived else "—")
    return (
        f'\n<tr>\n  <td class="mono">{_escape(p.file)}</td>\n  <td>{name}</td>\n  <td><span '
        f'class="v {_escape(p.verdict.replace(" ", "-"))}">{_escape(p.verdict)}</span></td>\n'
        f'  <td class="num">{score}</td>{counts}\n  <td>{families}</td>\n  <td>{blocking}</td>'
        f"\n  <td>{waivers}</td>\n  <td>{reports}</td>\n</tr>"
    )


def _html_rows(
    chunk: Sequence[tuple[int, PlatformColumn]], control: ControlRow, head: str, statuses: str
) -> str:
    """One control's row for a chunk of platforms (`head`: its own cells), and its details
    row when a cell has text, built here rather than in the template: with hundreds of
    platforms, template loops per cell and per control are most of the time the matrix
    takes. Statuses and IDs are the model's own words; text is escaped as the template's
    autoescape would, so the page stays the same, byte for byte."""
    control_id = control.id
    ref, first = _escape(control_id), chunk[0][0]
    cells, details = [head], []
    for i, p in chunk:
        cell = p.cells.get(control_id)
        if cell is None:
            cells.append(NO_CELL)
            continue
        text = cell.text
        if not text:
            cells.append(_PLAIN_CELL[cell.status])
            continue
        shown, label = _escape(text), cell.label
        mark = PROFILE_MARK if cell.profile_only else ""
        waiver = f"<small>{_escape(cell.waiver)}</small>" if cell.waiver else ""
        cells.append(
            f'\n  <td class="s {cell.status}" title="{shown}"><a class="cell" '
            f'href="#d-{ref}-{i}" data-row="r-{ref}-{first}" '
            f'data-item="d-{ref}-{i}">{label}{mark}</a>{waiver}</td>'
        )
        lines, link = shown.replace("\n", "; "), _escape(p.report_link or "")
        details.append(
            f'\n  <li id="d-{ref}-{i}"><strong>{_escape(p.name)}</strong>, {ref} '
            f'{label}: {lines} — <a href="{link}.html#{ref}">in the report</a></li>'
        )
    cells.append("\n</tr>")
    if details:
        cells.append(
            f'\n<tr class="details" id="r-{ref}-{first}" data-family="{_escape(control.family)}" '
            f'data-statuses="{_escape(statuses)}"><td colspan="{2 + len(chunk)}"><ul>'
        )
        cells += details
        cells.append("\n</ul></td></tr>")
    return "".join(cells)


def _escape(text: str) -> str:
    """What markupsafe.escape (the template's autoescape) makes of `text`, as a plain
    string: building a Markup object per value costs more than the replacing."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


FINDING_COLUMNS = [
    "file", "platform", "verdict", "control", "title", "family", "severity", "status",
    "profile_only", "findings", "locations", "waiver",
]  # fmt: skip
VERDICT_COLUMNS = [
    "file", "platform", "verdict", "score", "reason", "blocking", "failing_below",
    *(f"failing_{s}" for s in SEVERITIES), "failing_by_family", "waivers",
]  # fmt: skip


def finding_rows(matrix: Matrix) -> list[list[str]]:
    """One row per platform and control (a platform that could not be assessed gets
    one row per control too, status "not assessed", so no filter on a control hides it;
    a control the profile leaves out, status "excluded by profile" and the reason)."""
    rows = []
    for p in matrix.platforms:
        name = p.name if p.assessed else ""
        for c in matrix.controls:
            cell = p.cells.get(c.id)
            if cell is None:
                rows.append(
                    [p.file, name, p.verdict, c.id, c.title, c.family, c.severity, NOT_ASSESSED,
                     "", p.reason or "", "", ""]
                )  # fmt: skip
                continue
            rows.append(
                [p.file, name, p.verdict, c.id, c.title, c.family, c.severity, cell.status,
                 "yes" if cell.profile_only else "", "\n".join(cell.findings),
                 " ".join(cell.where), cell.waiver]
            )  # fmt: skip
        for c, reason in matrix.not_assessed:
            rows.append(
                [p.file, name, p.verdict, c.id, c.title, c.family, c.severity, EXCLUDED,
                 "", reason, "", ""]
            )  # fmt: skip
    return rows


def verdict_rows(matrix: Matrix) -> list[list[str]]:
    rows = []
    for p in matrix.platforms:
        failures = p.failures(matrix.controls)
        rows.append(
            [p.file, p.name if p.assessed else "", p.verdict, score_text(p.score) if p.assessed
             else "", p.reason or "", " ".join(p.blocking), " ".join(p.failing_below),
             *(str(failures["severity"].get(s, 0)) for s in SEVERITIES),
             " ".join(f"{f}:{n}" for f, n in failures["family"].items()),
             "; ".join(p.waiver_notes)]
        )  # fmt: skip
    return rows


def render_csv(matrix: Matrix, rows: Sequence[Sequence[str]] | None = None) -> str:
    """`rows`: finding_rows(matrix), when the caller has them already (the XLSX has too)."""
    field = _CsvFields().__getitem__
    found = finding_rows(matrix) if rows is None else rows
    return "\n".join([",".join(map(field, row)) for row in (FINDING_COLUMNS, *found)]) + "\n"


def render_xlsx(matrix: Matrix, rows: Sequence[Sequence[str]] | None = None) -> bytes:
    """Two sheets, every value a string (never a formula); the workbook's creation date is
    fixed, so the same matrix gives the same bytes. pyrules.render.xlsx says why it is
    written by hand. `rows`: finding_rows(matrix), as for render_csv."""
    from pyrules.render.xlsx import Sheet, write_workbook

    return write_workbook(
        [
            Sheet("verdicts", VERDICT_COLUMNS, verdict_rows(matrix)),
            Sheet("findings", FINDING_COLUMNS, finding_rows(matrix) if rows is None else rows),
        ],
        title=f"EDHS {matrix.standard_version} assessment {matrix.round}".strip(),
    )


class _CsvFields(dict[str, str]):
    """Each text as a field of the CSV, written by the csv module (quoted if it holds a
    comma, a quote or a line break) after being made inert for spreadsheets: text from a
    submission starting with = + - @ would run as a formula when the CSV is opened (CSV
    injection), so it gets a quote. The csv module writes a row as its fields, each
    quoted on its own, joined by commas (but a row of one empty field), so a row is a
    join of these; each distinct text is written once, and most of a round's cells
    repeat another's: for 400 platforms 20 ms, where the csv writer took 48."""

    def __missing__(self, text: str) -> str:
        inert = text if text[:1] not in FORMULA_START else "'" + text
        line = io.StringIO()  # with an empty second field, never the row of one empty field
        csv.writer(line, lineterminator="\n").writerow([inert, ""])
        field = self[text] = line.getvalue()[: -len(",\n")]
        return field


def _code(text: str) -> str:
    """A file name as inline code; a backtick in it must not end the span."""
    return "`" + text.replace("`", "'") + "`"


def _header(matrix: Matrix, title: str) -> list[str]:
    profile = (
        f"profile {esc(matrix.profile.name)} (sha256 `{matrix.profile.sha256[:12]}`)"
        if matrix.profile
        else "no profile (the standard's defaults)"
    )
    meta = []
    if matrix.round:
        meta.append(f"round {_code(matrix.round)}")
    if matrix.reference_date:
        meta.append(f"reference date {matrix.reference_date}")
    meta += [
        f"EDHS {matrix.standard_version} (sha256 `{matrix.standard_sha256[:12]}`)",
        profile,
        f"fails on {matrix.fail_on} and above",
        f"pyrules {__version__}",
    ]
    if matrix.generated_at:
        meta.append(f"generated {matrix.generated_at}")
    return [
        f"# {title}", "", " · ".join(meta), "", f"**{matrix.totals()}.**", "",
        *_left_out(matrix),
    ]  # fmt: skip


def _left_out(matrix: Matrix) -> list[str]:
    """The controls the profile leaves out, grouped by reason: no platform was assessed
    on them, whatever its verdict says."""
    if not matrix.not_assessed:
        return []
    reasons = not_assessed_groups({c.id: reason for c, reason in matrix.not_assessed})
    lines = [f"- {', '.join(ids)}: {esc(reason)}" for ids, reason in reasons]
    count = len(matrix.not_assessed)
    return [f"## Not assessed under the profile ({count} controls)", "", *lines, ""]


def _unassessed(matrix: Matrix) -> list[str]:
    lines = []
    for p in matrix.platforms:
        if not p.assessed:
            lines.append(f"- {_code(p.file)}: {esc(p.reason or '')}")
    if not lines:
        return []
    return ["## Could not be assessed", "", *lines, ""]


def _cell_markdown(cell: Cell | None) -> str:
    if cell is None:
        return "—"
    text = _MARKDOWN_STATUS[cell.status]
    if cell.profile_only:
        text += " (profile)"
    if cell.waiver:
        text += f" · {esc(cell.waiver)}"
    return text


def render_markdown(matrix: Matrix) -> str:
    lines = _header(matrix, f"EDHS {matrix.standard_version} assessment matrix")
    names = [esc(p.name) for p in matrix.platforms]
    lines.append("| Control | Severity | " + " | ".join(names) + " |")
    lines.append("| --- | --- | " + " | ".join("---" for _ in names) + " |")
    verdicts = [f"{VERDICT_ICON[p.verdict]} {p.verdict}" for p in matrix.platforms]
    lines.append("| **Verdict** | | " + " | ".join(verdicts) + " |")
    scores = [score_text(p.score) for p in matrix.platforms]
    lines.append("| **Score** | | " + " | ".join(scores) + " |")
    if any(p.evidence for p in matrix.platforms):
        evidence = [esc(p.evidence) or "—" for p in matrix.platforms]
        lines.append("| **Evidence** | | " + " | ".join(evidence) + " |")
    for control in matrix.controls:
        cells = [_cell_markdown(p.cells.get(control.id)) for p in matrix.platforms]
        row = f"| {control.id} {esc(control.title)} | {control.severity} | "
        lines.append(row + " | ".join(cells) + " |")
    lines.append("")
    lines += _unassessed(matrix)
    return "\n".join(lines).rstrip("\n") + "\n"


def _failures_text(p: PlatformColumn, controls: Sequence[ControlRow]) -> str:
    by = p.failures(controls)
    if not by["severity"]:
        return "no failing control"
    severities = ", ".join(f"{n} {s}" for s, n in by["severity"].items())
    families = ", ".join(f"{f} {n}" for f, n in by["family"].items())
    total = sum(by["severity"].values())
    return f"{total} failing ({severities}; by family {families})"


def render_summary(matrix: Matrix) -> str:
    """A briefing note: who passes, how well, the worst of each, and what moved."""
    lines = _header(matrix, f"EDHS {matrix.standard_version} assessment summary")
    lines += [
        "| Declaration | Platform | Verdict | Score | Failing controls | Waivers | Reports |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in matrix.platforms:
        file_cell = _code(p.file)
        verdict = f"{VERDICT_ICON[p.verdict]} {p.verdict}"
        if not p.assessed:
            lines.append(f"| {file_cell} | — | {verdict} | — | {esc(p.reason or '')} | | |")
            continue
        reports = f"[HTML]({p.report_link}.html) · [JSON]({p.report_link}.json)"
        waivers = "; ".join(esc(n) for n in p.waiver_notes) or (
            f"{p.waived} waived" if p.waived else "—"
        )
        lines.append(
            f"| {file_cell} | {esc(p.name)} | {verdict} | {score_text(p.score)} "
            f"| {_failures_text(p, matrix.controls)} | {waivers} | {reports} |"
        )
    lines += ["", "## Most serious findings", ""]
    for p in matrix.platforms:
        if not p.assessed:
            continue
        lines.append(f"**{esc(p.name)}** ({p.verdict}, score {score_text(p.score)}):")
        lines.append("")
        if p.top_findings:
            lines += [f"- {esc(sentence)}" for sentence in p.top_findings]
        else:
            lines.append("- No control fails.")
        if p.evidence:
            lines.append(f"- Evidence: the {esc(p.evidence)}.")
        lines.append("")
    lines += _unassessed(matrix)
    lines += _changes(matrix)
    return "\n".join(lines).rstrip("\n") + "\n"


def _changes(matrix: Matrix) -> list[str]:
    if matrix.changes is None:
        return ["## Changes since the previous round", "", "This is the archive's first round.", ""]
    from pyrules.compare import markdown_body

    title = f"## Changes since round {_code(matrix.changes.before.name)}"
    return [title, "", *markdown_body(matrix.changes), "", "Details: [changes.md](changes.md).", ""]
