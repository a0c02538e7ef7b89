"""Waivers: accepted, time-limited exceptions to controls, applied after evaluation.

A platform that knowingly misses a control (a migration in progress, a legal opinion
pending) records the exception in a waiver file instead of silencing the check:

    waivers:
      - control: INC-01
        path: /incident_response/breach_notification_hours   # optional
        justification: New on-call rota starts in October; until then 96 h.
        approved_by: Data Protection Officer
        expires: 2026-10-31

The shape follows Trivy's ``.trivyignore.yaml`` (id, statement, expiry), which platform
engineers already know; ``schemas/waiver.schema.json`` is the contract.

Decisions:

- A waiver without ``path`` covers every finding of its control; with ``path`` it covers
  findings whose pointer is that pointer or lies below it.
- A waiver is valid up to and including its ``expires`` day. An expired waiver waives
  nothing and fails the run, so an exception cannot outlive its approval silently.
- A waiver that covers no finding is reported ("unused") but does not fail the run: the
  platform may simply have fixed the finding.
- A waiver naming a control the standard does not have is an input error (exit 2): it is
  almost always a typo, and a typo must not look like an approved exception.
- A control is ``waived`` only when every one of its findings is waived; otherwise it
  stays ``fail`` and the waived findings are marked. Errors are never waived.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from pyrules.errors import InputError, quote
from pyrules.loader import Document, Limits
from pyrules.model import ControlResult, Digest, Finding, Location, WaiverResult, WaiverStatus

WAIVER_SCHEMA = "waiver.schema.json"


@dataclass(frozen=True)
class Waiver:
    """One entry of a waiver file, with where it is written (for messages)."""

    control_id: str
    path: str | None
    justification: str
    approved_by: str
    expires: date
    location: Location

    def covers(self, result: ControlResult, finding: Finding) -> bool:
        if result.control_id != self.control_id:
            return False
        if self.path is None:
            return True
        return finding.path == self.path or finding.path.startswith(self.path + "/")


@dataclass(frozen=True)
class WaiverFile:
    """A loaded, validated waiver file."""

    digest: Digest
    waivers: tuple[Waiver, ...]


@dataclass(frozen=True)
class Applied:
    """Control results after waivers, and what each waiver did."""

    results: list[ControlResult]
    waivers: list[WaiverResult]

    @property
    def any_expired(self) -> bool:
        return any(w.status == "expired" for w in self.waivers)


@cache
def waiver_schema() -> dict[str, Any]:
    """The tool's own waiver schema (shipped with the standard's schemas in the wheel)."""
    import json

    from pyrules.standard import default_standard_dir

    path = default_standard_dir() / "schemas" / WAIVER_SCHEMA
    return json.loads(path.read_text(encoding="utf-8"))


def load_waivers(
    path: str | os.PathLike[str],
    known_controls: Sequence[str],
    limits: Limits | None = None,
    name: str | None = None,
) -> WaiverFile:
    """Read, validate and check a waiver file; every problem is `file:line:col: message`
    (the file called `name` when given)."""
    from pyrules.schema import load_valid

    document = load_valid(path, waiver_schema(), limits, name)
    known = set(known_controls)
    waivers = []
    for index, entry in enumerate(document.data["waivers"]):
        pointer = f"/waivers/{index}"
        if entry["control"] not in known:
            raise InputError(
                document.located(
                    f"{pointer}/control",
                    f"unknown control {quote(entry['control'])}: this standard has no such control",
                )
            )
        waivers.append(_waiver(document, pointer, entry))
    return WaiverFile(Digest(name=document.name, sha256=document.sha256), tuple(waivers))


def _waiver(document: Document, pointer: str, entry: dict[str, Any]) -> Waiver:
    where, position = document.locate(pointer)
    return Waiver(
        control_id=entry["control"],
        path=entry.get("path"),
        justification=" ".join(entry["justification"].split()),
        approved_by=entry["approved_by"],
        expires=date.fromisoformat(entry["expires"]),
        location=Location(
            file=document.name, line=position.line, column=position.column, pointer=where
        ),
    )


def apply_waivers(
    results: Sequence[ControlResult], waivers: Sequence[Waiver], today: date
) -> Applied:
    """Mark the findings valid waivers cover; a control with all findings waived is `waived`.

    The first valid waiver (in file order) that covers a finding is credited with it.
    """
    waived = [0] * len(waivers)
    covered = [0] * len(waivers)  # also counts what expired waivers would have covered
    new_results = []
    for result in results:
        if result.status != "fail":
            new_results.append(result)
            continue
        findings = []
        for finding in result.findings:
            matching = [i for i, w in enumerate(waivers) if w.covers(result, finding)]
            for i in matching:
                covered[i] += 1
            chosen = next((i for i in matching if waivers[i].expires >= today), None)
            if chosen is None:
                findings.append(finding)
                continue
            waived[chosen] += 1
            findings.append(replace(finding, waived_by=waivers[chosen].justification))
        all_waived = bool(findings) and all(f.waived_by for f in findings)
        new_results.append(
            replace(result, findings=findings, status="waived" if all_waived else "fail")
        )
    outcomes = [_outcome(w, waived[i], covered[i], today) for i, w in enumerate(waivers)]
    return Applied(new_results, outcomes)


def _outcome(waiver: Waiver, waived: int, would_cover: int, today: date) -> WaiverResult:
    status: WaiverStatus
    scope = f"{waiver.control_id}" + (f" at {waiver.path}" if waiver.path else "")
    if waiver.expires < today:
        status = "expired"
        still = (
            f"; {would_cover} finding{'s' if would_cover != 1 else ''} it covered now fail"
            if would_cover
            else ""
        )
        message = (
            f"waiver for {scope} expired on {waiver.expires.isoformat()}{still}: "
            "renew it with a new approval or remove it"
        )
    elif waived:
        status = "applied"
        message = f"waiver for {scope} waives {waived} finding{'s' if waived != 1 else ''}"
    else:
        status = "unused"
        message = f"waiver for {scope} matches no finding: remove it if the finding is fixed"
    return WaiverResult(
        control_id=waiver.control_id,
        path=waiver.path,
        justification=waiver.justification,
        approved_by=waiver.approved_by,
        expires=waiver.expires.isoformat(),
        status=status,
        waived_findings=waived,
        location=waiver.location,
        message=message,
    )
