"""Rego coverage of the test cases (`pyrules test --coverage`), from OPA's coverage tracer.

Each case evaluates only its own control, with coverage on; a control's lines count as
exercised only by its own cases, and the shared `lib/` lines by any case. A line is
coverable when OPA reports it covered or not covered in any evaluation. The threshold and
the lines no case can reach (each with its reason) live in one file, `tests/coverage.yaml`:

    threshold: 100        # percent of each control's and lib/'s rule lines
    exceptions:
      - file: edhs/lib/declaration.rego
        at: ["today := sprintf("]   # the lines that start so (leading tabs aside)
        reason: why no case can reach it

An exception names its lines by how they start, not by number: an edit above them moves
them without making the exception excuse another line, and a line that changed or went
is an error naming the exception, not a silent excuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyrules.errors import InputError
from pyrules.standard import Standard
from pyrules.testcases import Case, apply_changes

LIB_PREFIX = "edhs/lib/"


@dataclass
class FileCoverage:
    """Rows of one policy file: the coverable ones and those a case exercised."""

    path: str
    coverable: set[int] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)
    excused: set[int] = field(default_factory=set)

    @property
    def missed(self) -> list[int]:
        return sorted(self.coverable - self.covered - self.excused)

    @property
    def percent(self) -> float:
        counted = self.coverable - self.excused
        if not counted:
            return 100.0
        return 100.0 * len(counted & self.covered) / len(counted)


@dataclass(frozen=True)
class CoverageConfig:
    threshold: float
    exceptions: dict[str, dict[str, str]]  # file -> how an excused line starts -> reason
    source: str = "the coverage settings"

    def excused(self, path: str, policy: str) -> set[int]:
        """The rows of `policy` (the text of file `path`) that an exception names."""
        rows: set[int] = set()
        for start in self.exceptions.get(path, {}):
            found = [
                row
                for row, line in enumerate(policy.splitlines(), start=1)
                if line.lstrip().startswith(start)
            ]
            if len(found) != 1:
                count = "no line" if not found else f"{len(found)} lines"
                raise InputError(
                    f"{self.source}: {path} has {count} starting with {start!r}; an "
                    "exception names lines by how each starts, one line each"
                )
            rows.add(found[0])
        return rows


@dataclass
class CoverageReport:
    controls: dict[str, FileCoverage]  # control ID -> its policy file's rows
    lib: dict[str, FileCoverage]
    threshold: float

    def below(self) -> list[str]:
        """Names (control IDs or lib files) under the threshold."""
        named = [*self.controls.items(), *self.lib.items()]
        return [name for name, cov in named if cov.percent < self.threshold]


def load_config(path: Path) -> CoverageConfig:
    """The threshold and exceptions; a wrong shape is one line naming the file."""
    from pyrules.loader import load

    data = load(path).data
    threshold = data.get("threshold")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
        raise InputError(f"{path}: 'threshold' must be a percentage from 0 to 100")
    exceptions: dict[str, dict[str, str]] = {}
    for index, entry in enumerate(data.get("exceptions") or []):
        where = f"{path}: exceptions[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise InputError(f"{where}: give file, at and reason")
        starts, reason = entry.get("at"), entry.get("reason")
        if not isinstance(starts, list) or not all(isinstance(t, str) and t for t in starts):
            raise InputError(f"{where}: 'at' must list how each excused line starts")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{where}: every exception needs its reason")
        exceptions.setdefault(entry["file"], {}).update(dict.fromkeys(starts, reason))
    return CoverageConfig(float(threshold), exceptions, str(path))


def _rows(ranges: Iterable[dict[str, Any]]) -> set[int]:
    rows: set[int] = set()
    for item in ranges:
        rows.update(range(item["start"]["row"], item["end"]["row"] + 1))
    return rows


def measure(
    standard: Standard, reference: Any, cases: Iterable[Case], config: CoverageConfig
) -> CoverageReport:
    """Run each case's control alone on OPA's engine with coverage on: on an engine that
    holds only that control and the shared modules, as the tracer's cost grows with every
    module it reports on."""
    from pyrules.engine.inprocess import InProcessEngine

    control_packages = {c.package for c in standard.controls}
    shared = [m for m in standard.modules if m.package not in control_packages]
    by_id = {c.id: c for c in standard.controls}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    settings: dict[tuple[str, str], Case] = {}
    for case in cases:
        if case.control_id not in by_id or set(case.params) - set(standard.params):
            continue  # the run reports the case; it exercises nothing
        try:
            declaration = apply_changes(reference.data, case)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        key = (case.control_id, case.setting)  # parameters, reference date, EMB facts
        settings.setdefault(key, case)
        groups.setdefault(key, []).append(declaration)
    controls = {c.id: FileCoverage(c.source) for c in standard.controls}
    lib: dict[str, FileCoverage] = {}
    coverable: dict[str, set[int]] = {}  # every report lists every file's rule lines
    for (control_id, setting), declarations in groups.items():
        control = by_id[control_id]
        own = [m for m in standard.modules if m.path == control.source]
        case = settings[(control_id, setting)]
        engine = InProcessEngine([*shared, *own], case.engine_params(standard), [control])
        package = f"data.{control.package}"
        # One evaluation for all of the control's cases: coverage is their union anyway.
        engine.ask(
            f"result := [verdict | some declaration in input.cases; "
            f"verdict := [{package}.applicable, {package}.deny] with input as declaration]",
            {"cases": declarations},
            coverage=True,
        )
        files = (engine.native.last_coverage or {}).get("files", {})
        for path, report in files.items():
            covered = _rows(report.get("covered") or [])
            missed = _rows(report.get("not_covered") or [])
            coverable.setdefault(path, set()).update(covered, missed)
            if path == control.source:
                controls[control.id].covered |= covered
            elif path.startswith(LIB_PREFIX):
                lib.setdefault(path, FileCoverage(path)).covered |= covered
    for path in coverable:
        if path.startswith(LIB_PREFIX):
            lib.setdefault(path, FileCoverage(path))
    sources = {m.path: m.source for m in standard.modules}
    for path in sorted(set(config.exceptions) - set(sources)):
        raise InputError(f"{config.source}: an exception names {path}, no policy of the standard")
    for cov in [*controls.values(), *lib.values()]:
        cov.coverable = coverable.get(cov.path, set())
        cov.excused = config.excused(cov.path, sources.get(cov.path, "")) & cov.coverable
    return CoverageReport(controls, lib, config.threshold)


def _spans(rows: list[int]) -> str:
    """`33, 41-44`: consecutive rows as ranges."""
    spans: list[list[int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def render(report: CoverageReport, quiet: bool = False) -> list[str]:
    lines = []
    named = [*sorted(report.controls.items()), *sorted(report.lib.items())]
    for name, cov in named:
        if quiet and not cov.missed:
            continue
        counted = cov.coverable - cov.excused
        line = f"coverage {name}: {cov.percent:.0f}% of {len(counted)} lines" + (
            f" ({len(cov.excused)} excused)" if cov.excused else ""
        )
        if cov.missed:
            line += f"; not exercised: {cov.path}:{_spans(cov.missed)}"
        lines.append(line)
    total = sum(len(c.coverable - c.excused) for _, c in named)
    hit = sum(len((c.coverable - c.excused) & c.covered) for _, c in named)
    below = report.below()
    lines.append(
        f"Rego coverage {100.0 * hit / total if total else 100.0:.1f}% ({hit}/{total} lines); "
        f"threshold {report.threshold:g}% per control and lib file: "
        + (f"{len(below)} below ({', '.join(below)})" if below else "all met")
    )
    return lines
