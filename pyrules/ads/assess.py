"""`assess --ads-dir DIR`: each platform whose export is in DIR (`<name>.parquet`, `.csv`,
`.jsonl` or `.ndjson`, named like its declaration, in the edhs layout) is audited after
its declaration is checked, and its HTML report gains the evidence section before the
round is written (and signed) whole. `audit-ads --format json` gives the full audit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pyrules.ads.audit import Audit, audit
from pyrules.ads.formats import READERS
from pyrules.ads.render import report_context
from pyrules.errors import InputError
from pyrules.levels import severity_rank

if TYPE_CHECKING:
    from pyrules.assess import Outcome, Settings


def find_export(ads_dir: Path, key: str) -> Path | None:
    found = [
        ads_dir / f"{key}{suffix}" for suffix in READERS if (ads_dir / f"{key}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise InputError(
            f"{ads_dir}: several exports for {key}: {', '.join(p.name for p in found)}"
        )
    return found[0] if found else None


def audit_platforms(
    outcomes: Sequence[Outcome], settings: Settings, ads_dir: Path
) -> tuple[list[Outcome], dict[str, Audit]]:
    """The outcomes with evidence in their HTML, and each audited platform's audit."""
    from pyrules.ads import require

    if not ads_dir.is_dir():
        raise InputError(f"{ads_dir}: no such directory (--ads-dir)")
    require()
    from pyrules.loader import load
    from pyrules.render import renderer

    updated, audits = [], {}
    for outcome in outcomes:
        key = outcome.submission.key
        export = find_export(ads_dir, key) if outcome.report is not None else None
        if export is None:
            updated.append(outcome)
            continue
        document = load(outcome.submission.path, settings.limits)
        path = outcome.submission.path
        result = audit(
            export, "edhs", settings.standard, document.data, path.name, settings.profile
        )
        audits[key] = result
        context = report_context(document.text, result)
        updated.append(replace(outcome, html_text=renderer("html")(outcome.report, context)))
    return updated, audits


def contradicted(result: Audit, fail_on: str) -> int:
    """How many rules the evidence contradicts at or above `fail_on`."""
    return sum(
        r.status == "fail" and severity_rank(r.severity) >= severity_rank(fail_on)
        for r in result.results
    )
