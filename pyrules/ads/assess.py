"""`assess --ads-dir DIR`: each platform whose export is in DIR (`<name>.parquet`, `.csv`,
`.jsonl` or `.ndjson`, named like its declaration, in the edhs layout) is audited after
its declaration is checked, and its HTML report gains the evidence section before the
round is written (and signed) whole. `audit-ads --format json` gives the full audit."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pyrules.ads.audit import Audit, audit
from pyrules.ads.formats import READERS
from pyrules.ads.render import report_context, unreadable_context
from pyrules.errors import InputError
from pyrules.levels import severity_rank

if TYPE_CHECKING:
    from pyrules.assess import Outcome, Settings


def find_export(ads_dir: Path, key: str) -> Path | None:
    found = [
        ads_dir / f"{key}{suffix}" for suffix in READERS if (ads_dir / f"{key}{suffix}").is_file()
    ]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(f"{ads_dir}{os.sep}{key}.*: several exports for {key}: {names}")
    return found[0] if found else None


def audit_platforms(
    outcomes: Sequence[Outcome], settings: Settings, ads_dir: Path
) -> tuple[list[Outcome], dict[str, Audit | str]]:
    """The outcomes with evidence in their HTML and the matrix, and for each platform with
    an export its audit, or the one line saying why the export could not be read (the other
    platforms go on, as they do past a declaration that cannot be assessed)."""
    from pyrules.ads import require

    if not ads_dir.is_dir():
        raise InputError(f"{ads_dir}: no such directory (--ads-dir)")
    require()
    from pyrules.loader import load
    from pyrules.render import renderer

    updated, audits = [], {}
    for outcome in outcomes:
        key, path = outcome.submission.key, outcome.submission.path
        text = None
        try:
            export = find_export(ads_dir, key) if outcome.report is not None else None
            if export is None:  # said, so that a missing export is not read as a clean one
                kinds = ", ".join(READERS)
                missing = f"ad repository export is missing: no {key} file ({kinds}) in the folder"
                updated.append(replace(outcome, evidence=missing) if outcome.report else outcome)
                continue
            document = load(path, settings.limits)
            text = document.text
            result: Audit | str = audit(
                export, "edhs", settings.standard, document.data, path.name, settings.profile
            )
        except InputError as exc:
            result = "could not be read: " + _without_dirs(str(exc), ads_dir)
        assert outcome.report is not None
        audits[key] = result
        if isinstance(result, str):
            context, evidence = unreadable_context(text, result), f"export {result}"
        else:
            context, evidence = report_context(text, result), summary(result, settings.fail_on)
        html = renderer("html")(outcome.report, context)
        updated.append(replace(outcome, html_text=html, evidence=f"ad repository {evidence}"))
    return updated, audits


def _without_dirs(message: str, ads_dir: Path) -> str:
    """The message naming the export by its file name: reports travel, folders do not."""
    return message.replace(f"{ads_dir}{os.sep}", "")


def summary(result: Audit, fail_on: str) -> str:
    failing = contradicted(result, fail_on)
    checked = sum(r.status != "not_checked" for r in result.results)
    return f"contradicts {failing} of the {checked} claims checked against {result.ads:,} ads"


def evidence_lines(audits: dict[str, Audit | str], fail_on: str) -> tuple[list[str], int]:
    """What `assess` prints about the evidence, and the exit code it calls for: 1 when it
    contradicts a claim at or above `fail_on`, 2 when an export could not be read."""
    lines, code = [], 0
    for key, result in sorted(audits.items()):
        if isinstance(result, str):
            lines.append(f"{key}: the ad repository export {result}")
            code = 2
            continue
        failing = contradicted(result, fail_on)
        lines.append(f"{key}: the ad repository contradicts {failing} claim(s); see its report")
        code = max(code, 1 if failing else 0)
    return lines, code


def contradicted(result: Audit, fail_on: str) -> int:
    """How many rules the evidence contradicts at or above `fail_on`."""
    return sum(
        r.status == "fail" and severity_rank(r.severity) >= severity_rank(fail_on)
        for r in result.results
    )
