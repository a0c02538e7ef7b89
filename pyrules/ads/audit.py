"""`pyrules audit-ads`: every evidence rule over one export in one DuckDB scan.

The rules are compiled once per run (the parameters, a profile's overrides and the
declaration's claims and election dates become constants of the SQL), then a single
`SELECT` counts the ads each rule finds violating and keeps the 20 with the smallest ad
IDs as examples (`min_by(..., 20)`: bounded memory, same bytes on every run). DuckDB
streams the file: memory stays bounded by its own limit, not by the export's size.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pyrules.ads.formats import Export, open_export
from pyrules.ads.rules import (
    EvidenceRule,
    compile_rule,
    evidence_rules,
    message_values,
    new_engine,
)
from pyrules.errors import InputError

if TYPE_CHECKING:
    import duckdb

    from pyrules.profile import Profile
    from pyrules.standard import Standard

MAX_EXAMPLES = 20
MEMORY_LIMIT = "1GB"
POLL_SECONDS = 0.5  # how often the progress bar asks DuckDB: each asking costs scan time
RuleStatus = Literal["pass", "fail", "not_checked"]


@dataclass(frozen=True)
class Compiled:
    rule: EvidenceRule
    condition: str | None  # SQL over `ads`; None: no ad can violate the rule
    values: dict[str, Any]  # for the rule's violation text


@dataclass
class RuleResult:
    rule: EvidenceRule
    severity: str
    claim_value: Any  # what the declaration states at rule.claim (None: not stated)
    status: RuleStatus
    checked: int = 0
    violating: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    evidence: str = ""  # "reached fewer than 2500 people"
    reason: str = ""  # why the rule was not checked
    counted: str = ""  # what `checked` and `violating` count

    @property
    def share(self) -> float:
        return self.violating / self.checked if self.checked else 0.0

    def sentence(self) -> str:
        if self.status == "not_checked":
            return f"not checked: {self.reason}"
        return f"{self.violating:,} of {self.checked:,} ads ({self.share:.2%}) {self.evidence}"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "title": self.rule.title,
            "control_id": self.rule.control_id,
            "severity": self.severity,
            "claim": {"field": self.rule.claim, "declared": self.claim_value},
            "status": self.status,
            "checked": self.checked,
            "violating": self.violating,
            "share": round(self.share, 6),
            "evidence": self.sentence(),
            "counted": self.counted,
            "examples": self.examples,
            "source": self.rule.where,
        }


@dataclass
class Audit:
    export: Export
    declaration: str
    standard_version: str
    profile: str | None
    ads: int
    rows: int  # more than `ads` when the layout has several rows per ad
    results: list[RuleResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "export": self.export.path.name,
            "layout": self.export.layout,
            "declaration": self.declaration,
            "standard_version": self.standard_version,
            "profile": self.profile,
            "ads": self.ads,
            "rows": self.rows,
            "results": [r.to_json() for r in self.results],
        }


def compile_all(
    standard: Standard, params: dict[str, Any], declaration: dict[str, Any], dialect: str
) -> list[Compiled]:
    engine = new_engine(standard, params)
    try:
        return [
            Compiled(
                rule=rule,
                condition=compile_rule(engine, rule, declaration, dialect),
                values=message_values(engine, rule, declaration),
            )
            for rule in evidence_rules(standard)
        ]
    finally:
        engine.close()


def claim_of(declaration: dict[str, Any], dotted: str) -> Any:
    node: Any = declaration
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def audit(
    export_path: Path,
    layout: str,
    standard: Standard,
    declaration: dict[str, Any],
    declaration_name: str,
    profile: Profile | None = None,
    progress: Callable[[float], None] | None = None,
) -> Audit:
    """Audit the export under the profile's parameters and severities (or the standard's)."""
    from concurrent.futures import ThreadPoolExecutor

    import duckdb

    params = profile.params(standard.params) if profile else standard.params
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # OPA compiles in Go, without the GIL: DuckDB reads the export's columns meanwhile
            compiling = pool.submit(compile_all, standard, params, declaration, "postgresql")
            export = open_export(con, export_path, layout)
            compiled = compiling.result()
        if progress is not None:  # DuckDB tracks a query's progress only with its bar on
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
        results = []
        checkable: list[tuple[Compiled, RuleResult]] = []
        for item in compiled:
            rule = item.rule
            result = RuleResult(
                rule=rule,
                severity=_severity(standard, profile, rule.control_id),
                claim_value=claim_of(declaration, rule.claim),
                status="pass",
                evidence=rule.violation.format(**{k: _text(v) for k, v in item.values.items()}),
                counted=counted(export, rule),
            )
            missing = export.missing(rule.columns)
            if missing:
                result.status = "not_checked"
                result.reason = "the export has no " + ", ".join(
                    _column_name(export, name) for name in missing
                )
            else:
                checkable.append((item, result))
            results.append(result)
        row = _scan(con, scan_sql(checkable, export.row_per), progress, export_path)
        ads = row[0]
        rows = row[-1] if export.row_per else ads
        for index, (_, result) in enumerate(checkable):
            result.checked, result.violating, examples = row[1 + 3 * index : 4 + 3 * index]
            result.examples = [_plain(e) for e in examples or []]
            result.status = "fail" if result.violating else "pass"
    finally:
        con.close()
    return Audit(
        export=export,
        declaration=declaration_name,
        standard_version=standard.version,
        profile=profile.name if profile else None,
        ads=ads,
        rows=rows,
        results=results,
    )


def _severity(standard: Standard, profile: Profile | None, control_id: str) -> str:
    control = standard.control(control_id)
    return profile.severity(control) if profile else control.severity


def counted(export: Export, rule: EvidenceRule) -> str:
    """What a rule's counts count, said beside them: ads, or distinct ads over rows."""
    checked = (
        f"checked are those recording {', '.join(rule.columns)} and any that violate the "
        "rule without them"
    )
    if export.row_per is None:
        return f"ads, one row each; {checked}"
    return (
        f"distinct ads by {export.column_of('ad_id')}, their rows (one per {export.row_per}) "
        f"merged, an ad violating when any of its rows does; {checked}"
    )


def scan_sql(checkable: list[tuple[Compiled, Any]], row_per: str | None = None) -> str:
    """One pass: the ad count, then per rule the ads checked, the violating ones and
    examples. An ad is checked when it records every field the rule reads, or violates it
    all the same (a missing label is a violation; a missing reach is no evidence). With
    several rows per ad (`row_per`), the rows are first grouped by ad, each ad taking the
    verdicts of its rows together, so ads are counted, not rows; the row count comes last."""
    if row_per is not None:
        return _grouped_scan_sql(checkable)
    parts = ["count(*)"]
    for item, _ in checkable:
        condition, recorded, example = _rule_sql(item)
        parts.append(f"count(*) FILTER (WHERE ({recorded}) OR ({condition}))")
        parts.append(f"count(*) FILTER (WHERE {condition})")
        parts.append(f"min_by({example}, ads.ad_id, {MAX_EXAMPLES}) FILTER (WHERE {condition})")
    return f"SELECT {', '.join(parts)} FROM ads"


def _grouped_scan_sql(checkable: list[tuple[Compiled, Any]]) -> str:
    """scan_sql for several rows per ad; an ad's example is its smallest violating row."""
    inner, outer = ["ads.ad_id AS ad_id", "count(*) AS n_rows"], ["count(*)"]
    for index, (item, _) in enumerate(checkable):
        condition, recorded, example = _rule_sql(item)
        inner.append(f"bool_or(({recorded}) OR ({condition})) AS checked_{index}")
        inner.append(f"bool_or({condition}) AS violating_{index}")
        inner.append(f"min({example}) FILTER (WHERE {condition}) AS example_{index}")
        outer.append(f"count(*) FILTER (WHERE checked_{index})")
        outer.append(f"count(*) FILTER (WHERE violating_{index})")
        outer.append(
            f"min_by(example_{index}, ad_id, {MAX_EXAMPLES}) FILTER (WHERE violating_{index})"
        )
    outer.append("coalesce(sum(n_rows), 0)")
    return (
        f"SELECT {', '.join(outer)} FROM "
        f"(SELECT {', '.join(inner)} FROM ads GROUP BY ads.ad_id) AS per_ad"
    )


def _rule_sql(item: Compiled) -> tuple[str, str, str]:
    """The rule's violating condition, its recorded-fields condition, its example struct."""
    condition = "FALSE" if item.condition is None else item.condition
    recorded = " AND ".join(f"ads.{c} IS NOT NULL" for c in item.rule.columns) or "TRUE"
    columns = ", ".join(f"{c} := ads.{c}" for c in ("ad_id", *item.rule.columns))
    return condition, recorded, f"struct_pack({columns})"


def _scan(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    progress: Callable[[float], None] | None,
    path: Path,
) -> tuple[Any, ...]:
    """Run the scan, reporting DuckDB's progress (0-100) from this thread meanwhile."""
    import duckdb

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["row"] = con.execute(sql).fetchone()
        except duckdb.Error as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_SECONDS)
        if progress is not None and worker.is_alive():
            progress(max(con.query_progress(), 0.0))
    if "error" in outcome:
        detail = " ".join(str(outcome["error"]).splitlines()[0].split())
        raise InputError(f"{path}: cannot scan the export: {detail}")
    return outcome["row"]


def _plain(example: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in example.items()}


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _column_name(export: Export, name: str) -> str:
    column = export.column_of(name)
    if column is None:
        return f"{name} (the {export.layout} layout has no such field)"
    return f"column {column!r} ({name})"
