"""The data that flows out of an evaluation; renderers read nothing else.

`schemas/report.schema.json` is generated from `Report` (see `pyrules.schema_export`) and a
test keeps the two in sync, so consumers of the JSON output can rely on the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from operator import attrgetter
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

# Re-exported: the report's vocabulary belongs with the report's model.
from pyrules.levels import SEVERITIES as SEVERITIES
from pyrules.levels import STATUSES as STATUSES
from pyrules.levels import Severity as Severity
from pyrules.levels import Status as Status
from pyrules.levels import severity_rank as severity_rank


@dataclass(frozen=True, slots=True)
class _Frozen:
    """Immutable records, keyword-only, like the JSON objects they become. No validation at
    construction: pyrules builds them from values it has checked, and `schema_export` (the
    only importer of pydantic) validates a report read back from outside."""

    # Read by pydantic in `schema_export` only: unknown fields are refused there and the
    # schema says `additionalProperties: false`.
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    # One __eq__, __hash__ and __repr__ for every record, as dataclasses would write them:
    # generating and compiling them for each class was a third of importing the model,
    # which every cold `pyrules check` pays.
    def _values(self) -> tuple[Any, ...]:
        return _plan(self.__class__)[1](self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.__class__.__qualname__}({shown})"

    # `assess` workers pickle every report back to the parent. Dataclasses' own
    # __getstate__ and __setstate__ (which `_record` replaces) walk fields() for every
    # record: pickling a report cost more than rendering it. The state is the same, the
    # values in field order, so what one revision pickles another reads back.
    def __getstate__(self) -> tuple[Any, ...]:
        return self._values()

    def __setstate__(self, state: Sequence[Any]) -> None:
        for name, value in zip(_plan(self.__class__)[0], state, strict=True):
            object.__setattr__(self, name, value)


@cache
def _plan(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """A record class's field names, and a getter of their values as a tuple."""
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)
    return names, (get if len(names) > 1 else lambda record: (get(record),))


_R = TypeVar("_R", bound=_Frozen)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
def _record(cls: type[_R]) -> type[_R]:
    record = dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)(cls)
    # dataclass gave the slotted frozen class its own pickling methods: _Frozen's instead.
    record.__getstate__ = _Frozen.__getstate__  # type: ignore[method-assign]
    record.__setstate__ = _Frozen.__setstate__  # type: ignore[method-assign]
    return record


def _doc(description: str, **default: Any) -> Any:
    """A field with its description for the JSON schema (and an optional default)."""
    return field(metadata={"description": description}, **default)


ReferenceState = Literal["confirmed", "unconfirmed"]
Basis = Literal["law", "law+threshold", "standard"]
BASES: tuple[str, ...] = ("law", "law+threshold", "standard")


@_record
class Reference(_Frozen):
    """A legal or soft-law source a control implements, and what a review of it found."""

    ref: str = _doc("Link to the source text (the article itself where it has one).")
    description: str = _doc("Short citation, e.g. 'GDPR Art 33(1)'.")
    state: ReferenceState | None = _doc(
        default=None,
        description="confirmed: the provision was read and says what the citation claims; "
        "unconfirmed: it could not be read. None: the standard does not say (lint refuses it).",
    )
    words: str = _doc(default="", description="The decisive words of the provision, quoted.")
    read_in: str = _doc(default="", description="Where the provision was read.")
    note: str = _doc(default="", description="Why it is unconfirmed, or what else was found.")


@_record
class Family(_Frozen):
    id: str = _doc("Family prefix of the control IDs, e.g. 'GOV'.")
    title: str
    description: str = ""


@_record
class Control(_Frozen):
    """One EDHS control, read from the METADATA of its Rego policy."""

    id: str = _doc("Stable public ID, e.g. 'INC-01'.")
    title: str
    description: str
    severity: Severity
    family: str = _doc("Family ID, e.g. 'INC'.")
    aceeeo: list[str] = _doc("ACEEEO recommendations (R1-R7) it implements.")
    rationale: str
    applies_when: str
    remediation: str
    references: list[Reference]
    basis: Basis | None = _doc(
        default=None,
        description="law: the cited law requires what the control checks; law+threshold: the "
        "law requires the measure and the number or list is the standard's choice; standard: "
        "no legal duty was found. None: the standard does not say (lint refuses it).",
    )
    basis_note: str = _doc(default="", description="How the control goes beyond the law.")
    package: str = _doc("Rego package, e.g. 'edhs.inc.breach_notification'.")
    source: str = _doc("Policy file, relative to the standard's bundle root.")
    line: int = _doc("Line of the package statement in the policy file.")
    parameters: list[str] = _doc(
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


@_record
class Location(_Frozen):
    """Where a finding sits in the declaration file."""

    file: str
    line: int
    column: int
    pointer: str = _doc("JSON pointer of the nearest field the file has.")


@_record
class Finding(_Frozen):
    message: str
    path: str = _doc("JSON pointer the policy reported.")
    location: Location | None = None
    waived_by: str | None = _doc(default=None, description="Justification of the waiver.")


@_record
class ControlResult(_Frozen):
    control_id: str
    title: str
    family: str
    severity: Severity
    status: Status
    findings: list[Finding] = field(default_factory=list)
    error: str | None = _doc(default=None, description="Why the control could not be evaluated.")
    remediation: str = ""
    aceeeo: list[str] = _doc(
        default_factory=list, description="ACEEEO recommendations (R1-R7) the control implements."
    )


@_record
class Digest(_Frozen):
    name: str
    sha256: str


WaiverStatus = Literal["applied", "expired", "unused"]


@_record
class WaiverResult(_Frozen):
    """One entry of the waiver file and what it did in this run.

    Kept in the report so that a waived control can be traced to who approved it and
    until when, and so that every format can show expired and unused waivers.
    """

    control_id: str
    path: str | None = _doc(default=None, description="JSON pointer it is limited to, if any.")
    justification: str
    approved_by: str
    expires: str = _doc("Last day the waiver is valid (YYYY-MM-DD).")
    status: WaiverStatus = _doc(
        "applied: it waived findings; expired: it is past its date and waived "
        "nothing (the run fails); unused: it matched no finding."
    )
    waived_findings: int = _doc("How many findings it waived.")
    location: Location = _doc("Where the waiver is written in the waiver file.")
    message: str = _doc("One line saying what happened to the waiver.")


@_record
class ParameterOverride(_Frozen):
    """A parameter the profile sets to another value than the standard's, so a reader sees
    every limit that differs, and why when it is looser."""

    name: str
    standard: Any = _doc("The standard's value (params/data.json).")
    value: Any = _doc("The value in force under the profile.")
    loosens: bool = _doc("True when the profile's value is less strict.")
    reason: str | None = _doc(default=None, description="Why; required when it loosens.")


@_record
class StandardInfo(_Frozen):
    name: Literal["EDHS"] = "EDHS"
    version: str
    sha256: str = _doc("Digest of the standard's bundle (policies, data, schema).")


@_record
class EngineInfo(_Frozen):
    """The engine that evaluated the policies: engines have differed on the same Rego."""

    name: Literal["opa", "regopy", "opa-server"] = _doc(
        "opa: OPA's own engine in process; regopy: rego-cpp; opa-server: an OPA "
        "server (or pyrules serve) over its REST API."
    )
    version: str | None = _doc(
        default=None, description="Its release, when the engine tells (an OPA server does not)."
    )


@_record
class Summary(_Frozen):
    """How many controls ended in each status."""

    total: int
    passed: int
    failed: int
    not_applicable: int
    waived: int
    errors: int


@_record
class Report(_Frozen):
    """The outcome of checking one declaration against one standard version."""

    tool: str = "pyrules"
    tool_version: str
    standard: StandardInfo
    declaration: Digest
    platform: str | None = None
    profile: Digest | None = None
    engine: EngineInfo = _doc("The engine that evaluated the policies.")
    reference_date: str | None = _doc(
        default=None,
        description="The day age limits count back from (YYYY-MM-DD): --as-of, else the "
        "profile's as_of, else the day of the run.",
    )
    parameters: list[ParameterOverride] = _doc(
        default_factory=list, description="The parameters the profile overrides."
    )
    not_assessed: dict[str, str] = _doc(
        "The controls the profile leaves out, by ID, each with the profile's "
        "reason: they were never evaluated, so the verdict says nothing about them.",
        default_factory=dict,
    )
    fail_on: Severity
    compliant: bool = _doc(
        "No control failed or errored at or above the fail-on severity, and no waiver has expired."
    )
    summary: Summary
    results: list[ControlResult]
    waiver_file: Digest | None = _doc(default=None, description="The waiver file applied, if any.")
    waivers: list[WaiverResult] = _doc(
        default_factory=list, description="Every waiver of the waiver file, in file order."
    )
    generated_at: str | None = _doc(
        default=None, description="Only when asked for: reports are deterministic by default."
    )

    def waiver_notices(self) -> list[WaiverResult]:
        """Waivers a reader must act on: expired ones (they fail the run), then unused ones."""
        return sorted(
            (w for w in self.waivers if w.status != "applied"),
            key=lambda w: (w.status != "expired", w.location.line),
        )
