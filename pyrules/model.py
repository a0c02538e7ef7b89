"""The data that flows out of an evaluation; renderers read nothing else.

`schemas/report.schema.json` is generated from `Report` (see `pyrules.schema_export`) and a
test keeps the two in sync, so consumers of the JSON output can rely on the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Re-exported: the report's vocabulary belongs with the report's model.
from pyrules.levels import SEVERITIES as SEVERITIES
from pyrules.levels import STATUSES as STATUSES
from pyrules.levels import Severity as Severity
from pyrules.levels import Status as Status
from pyrules.levels import severity_rank as severity_rank


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


ReferenceState = Literal["confirmed", "unconfirmed"]
Basis = Literal["law", "law+threshold", "standard"]
BASES: tuple[str, ...] = ("law", "law+threshold", "standard")


class Reference(_Frozen):
    """A legal or soft-law source a control implements, and what a review of it found."""

    ref: str = Field(description="Link to the source text (the article itself where it has one).")
    description: str = Field(description="Short citation, e.g. 'GDPR Art 33(1)'.")
    state: ReferenceState | None = Field(
        default=None,
        description="confirmed: the provision was read and says what the citation claims; "
        "unconfirmed: it could not be read. None: the standard does not say (lint refuses it).",
    )
    words: str = Field(default="", description="The decisive words of the provision, quoted.")
    read_in: str = Field(default="", description="Where the provision was read.")
    note: str = Field(default="", description="Why it is unconfirmed, or what else was found.")


class Family(_Frozen):
    id: str = Field(description="Family prefix of the control IDs, e.g. 'GOV'.")
    title: str
    description: str = ""


class Control(_Frozen):
    """One EDHS control, read from the METADATA of its Rego policy."""

    id: str = Field(description="Stable public ID, e.g. 'INC-01'.")
    title: str
    description: str
    severity: Severity
    family: str = Field(description="Family ID, e.g. 'INC'.")
    aceeeo: list[str] = Field(description="ACEEEO recommendations (R1-R7) it implements.")
    rationale: str
    applies_when: str
    remediation: str
    references: list[Reference]
    basis: Basis | None = Field(
        default=None,
        description="law: the cited law requires what the control checks; law+threshold: the "
        "law requires the measure and the number or list is the standard's choice; standard: "
        "no legal duty was found. None: the standard does not say (lint refuses it).",
    )
    basis_note: str = Field(default="", description="How the control goes beyond the law.")
    package: str = Field(description="Rego package, e.g. 'edhs.inc.breach_notification'.")
    source: str = Field(description="Policy file, relative to the standard's bundle root.")
    line: int = Field(description="Line of the package statement in the policy file.")
    parameters: list[str] = Field(
        default_factory=list, description="Names of the data.edhs.params entries it reads."
    )


@dataclass(frozen=True)
class Module:
    """One Rego file of the bundle: what the engines compile and the standard reads controls
    from. A plain dataclass, not part of the report."""

    path: str  # relative to the bundle root, with forward slashes
    source: str
    package: str
    package_line: int
    annotation: dict[str, Any] | None  # the METADATA block right above `package`


class Location(_Frozen):
    """Where a finding sits in the declaration file."""

    file: str
    line: int
    column: int
    pointer: str = Field(description="JSON pointer of the nearest field the file has.")


class Finding(_Frozen):
    message: str
    path: str = Field(description="JSON pointer the policy reported.")
    location: Location | None = None
    waived_by: str | None = Field(default=None, description="Justification of the waiver.")


class ControlResult(_Frozen):
    control_id: str
    title: str
    family: str
    severity: Severity
    status: Status
    findings: list[Finding] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why the control could not be evaluated.")
    remediation: str = ""
    aceeeo: list[str] = Field(
        default_factory=list, description="ACEEEO recommendations (R1-R7) the control implements."
    )


class Digest(_Frozen):
    name: str
    sha256: str


WaiverStatus = Literal["applied", "expired", "unused"]


class WaiverResult(_Frozen):
    """One entry of the waiver file and what it did in this run.

    Kept in the report so that a waived control can be traced to who approved it and
    until when, and so that every format can show expired and unused waivers.
    """

    control_id: str
    path: str | None = Field(default=None, description="JSON pointer it is limited to, if any.")
    justification: str
    approved_by: str
    expires: str = Field(description="Last day the waiver is valid (YYYY-MM-DD).")
    status: WaiverStatus = Field(
        description="applied: it waived findings; expired: it is past its date and waived "
        "nothing (the run fails); unused: it matched no finding."
    )
    waived_findings: int = Field(description="How many findings it waived.")
    location: Location = Field(description="Where the waiver is written in the waiver file.")
    message: str = Field(description="One line saying what happened to the waiver.")


class ParameterOverride(_Frozen):
    """A parameter the profile sets to another value than the standard's, so a reader sees
    every limit that differs, and why when it is looser."""

    name: str
    standard: Any = Field(description="The standard's value (params/data.json).")
    value: Any = Field(description="The value in force under the profile.")
    loosens: bool = Field(description="True when the profile's value is less strict.")
    reason: str | None = Field(default=None, description="Why; required when it loosens.")


class StandardInfo(_Frozen):
    name: Literal["EDHS"] = "EDHS"
    version: str
    sha256: str = Field(description="Digest of the standard's bundle (policies, data, schema).")


class EngineInfo(_Frozen):
    """The engine that evaluated the policies: engines have differed on the same Rego."""

    name: Literal["opa", "regopy", "opa-server"] = Field(
        description="opa: OPA's own engine in process; regopy: rego-cpp; opa-server: an OPA "
        "server (or pyrules serve) over its REST API."
    )
    version: str | None = Field(
        default=None, description="Its release, when the engine tells (an OPA server does not)."
    )


class Summary(_Frozen):
    """How many controls ended in each status."""

    total: int
    passed: int
    failed: int
    not_applicable: int
    waived: int
    errors: int


class Report(_Frozen):
    """The outcome of checking one declaration against one standard version."""

    tool: str = "pyrules"
    tool_version: str
    standard: StandardInfo
    declaration: Digest
    platform: str | None = None
    profile: Digest | None = None
    engine: EngineInfo = Field(description="The engine that evaluated the policies.")
    reference_date: str | None = Field(
        default=None,
        description="The day age limits count back from (YYYY-MM-DD): --as-of, else the "
        "profile's as_of, else the day of the run.",
    )
    parameters: list[ParameterOverride] = Field(
        default_factory=list, description="The parameters the profile overrides."
    )
    not_assessed: dict[str, str] = Field(
        default_factory=dict,
        description="The controls the profile leaves out, by ID, each with the profile's "
        "reason: they were never evaluated, so the verdict says nothing about them.",
    )
    fail_on: Severity
    compliant: bool = Field(
        description="No control failed or errored at or above the fail-on severity, and no "
        "waiver has expired."
    )
    summary: Summary
    results: list[ControlResult]
    waiver_file: Digest | None = Field(default=None, description="The waiver file applied, if any.")
    waivers: list[WaiverResult] = Field(
        default_factory=list, description="Every waiver of the waiver file, in file order."
    )
    generated_at: str | None = Field(
        default=None, description="Only when asked for: reports are deterministic by default."
    )

    def waiver_notices(self) -> list[WaiverResult]:
        """Waivers a reader must act on: expired ones (they fail the run), then unused ones."""
        return sorted(
            (w for w in self.waivers if w.status != "applied"),
            key=lambda w: (w.status != "expired", w.location.line),
        )
