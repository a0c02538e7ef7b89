"""The one pipeline: load -> validate -> engine -> findings -> Report.

Every command that checks a declaration goes through `Checker`, so `check`, `test`, and
`assess` cannot disagree about what a status means; `check_declaration` adds what a
command does around it for one file (render, attest, exit code).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrules import __version__
from pyrules.engine import ENGINES, Engine, RawResult
from pyrules.errors import (
    EXIT_INPUT,
    EXIT_NONCOMPLIANT,
    EXIT_OK,
    InputError,
    printable,
    source_name,
)
from pyrules.loader import Document, Limits, LoadError, load, loads, read_regular
from pyrules.model import (
    Control,
    ControlResult,
    Digest,
    EngineInfo,
    Finding,
    Location,
    ParameterOverride,
    Report,
    Severity,
    StandardInfo,
    Status,
    Summary,
    WaiverResult,
    severity_rank,
)
from pyrules.schema import Problem, unanswered, validate_declaration
from pyrules.standard import Standard

if TYPE_CHECKING:
    from pyrules.attest import Signer
    from pyrules.profile import Profile
    from pyrules.render import RenderContext
    from pyrules.waivers import WaiverFile


class InvalidDeclaration(InputError):
    """The declaration breaks the schema, or still holds TODOs: every problem is one
    located line."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = [printable(line) for line in lines]  # text from the declaration
        super().__init__(self.lines[0])

    @classmethod
    def from_problems(cls, document: Document, problems: Sequence[Problem]) -> InvalidDeclaration:
        return cls([document.located(p.pointer, p.message) for p in problems])

    @property
    def summary(self) -> str:
        return one_line(self.lines)


def one_line(problems: Sequence[str]) -> str:
    """The first problem, and how many more there are: one line for a report."""
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def default_engine() -> str:
    """OPA's own engine when it is installed, else regopy."""
    from pyrules.engine.inprocess import available

    return "opa" if available() else "regopy"


def make_engine(
    standard: Standard,
    params: dict[str, Any] | None = None,
    engine: str | None = None,
    opa_url: str | None = None,
) -> Engine:
    """The engine named (`opa` in process, `regopy`, or `opa-server` at `opa_url`; none: the
    default), imported here so that commands which never evaluate stay light.

    Pass `engine_params(...)`: one compiled standard per set."""
    engine = engine or default_engine()
    if engine == "opa" and opa_url:  # the spelling before 0.2 (the CLI says so)
        engine = "opa-server"
    params = params or engine_params(standard, choose_reference_date())
    if engine == "opa-server":
        from pyrules.engine.opa import OpaEngine

        if not opa_url:
            raise InputError("--engine opa-server needs --opa-url")
        return OpaEngine(
            standard.modules, params, standard.controls, opa_url, version=standard.version
        )
    if engine == "opa":
        from pyrules.engine.inprocess import InProcessEngine

        return InProcessEngine(standard.modules, params, standard.controls)
    if engine == "regopy":
        from pyrules.engine.embedded import EmbeddedEngine

        return EmbeddedEngine(standard.modules, params, standard.controls)
    raise InputError(f"unknown engine {engine!r}: give {', '.join(ENGINES)}")


AS_OF_VARIABLE = "PYRULES_AS_OF"


def choose_reference_date(as_of: date | None = None, profile: Profile | None = None) -> date:
    """The day age limits count back from: --as-of, else $PYRULES_AS_OF (to pin a whole
    suite or pipeline), else the profile's as_of, else today. Never the declaration's
    submitted_on, which the assessed platform chooses."""
    if as_of is not None:
        return as_of
    pinned = os.environ.get(AS_OF_VARIABLE)
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            raise InputError(f"{AS_OF_VARIABLE}={pinned!r} is not a date (YYYY-MM-DD)") from None
    if profile is not None and profile.as_of:
        return date.fromisoformat(profile.as_of)
    return date.today()


def engine_params(
    standard: Standard,
    reference: date,
    overrides: dict[str, Any] | None = None,
    *,
    authority: str = "",
    elections: Sequence[dict[str, Any]] = (),
    designated_services: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The parameters an engine runs with: the overrides over the standard's, plus what the
    assessor states in `assessment` (params/data.json documents its defaults, which a plain
    OPA server keeps): the reference date, the EMB's elections and the services it knows
    the Commission designated as very large, and for messages the
    profile's name and the standard's values of the parameters it overrides."""
    overrides = overrides or {}
    return {
        **standard.params,
        **overrides,
        "assessment": {
            "reference_date": reference.isoformat(),
            "authority": authority,
            "elections": list(elections),
            "designated_services": list(designated_services),
            "standard_values": {name: standard.params[name] for name in overrides},
        },
    }


@dataclass
class Checker:
    standard: Standard
    engine: Engine
    fail_on: Severity = "low"
    limits: Limits = field(default_factory=Limits)
    waivers: WaiverFile | None = None
    today: date | None = None  # when waivers expire [default: the reference date]
    profile: Profile | None = None  # its parameters must be the engine's (see make_engine)
    reference: date | None = None  # the engine's reference date (see engine_params)
    # A control that passes or does not apply reads the same in every report: one result
    # for all of them (kept by the copies `replace` makes), so that `assess` pickles it
    # once per batch of reports rather than once per report.
    _plain: dict[tuple[str, ...], ControlResult] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.reference is None:  # an engine from make_engine's defaults
            self.reference = choose_reference_date()

    @classmethod
    def for_standard(
        cls,
        standard: Standard,
        *,
        profile: Profile | None = None,
        engine: str | None = None,
        opa_url: str | None = None,
        as_of: date | None = None,
        **options: Any,
    ) -> Checker:
        """A checker whose engine holds the profile's parameters (or the defaults) and the
        reference date (`choose_reference_date`)."""
        reference = choose_reference_date(as_of, profile)
        params = (
            engine_params(
                standard,
                reference,
                profile.parameters,
                authority=profile.name,
                elections=profile.elections,
                designated_services=profile.designated_services,
            )
            if profile
            else engine_params(standard, reference)
        )
        engine_ = make_engine(standard, params, engine=engine, opa_url=opa_url)
        return cls(standard, engine_, profile=profile, reference=reference, **options)

    def check_file(self, path: str | os.PathLike[str]) -> Report:
        return self.check_document(load(path, self.limits))

    def check_document(self, document: Document) -> Report:
        problems = validate_declaration(document, self.standard)
        if problems:
            raise InvalidDeclaration.from_problems(document, problems)
        todos = unanswered(document)
        if todos:
            raise InvalidDeclaration(todos)
        raw = self.engine.evaluate(document.data)
        profile = self.profile
        controls = [c for c in self.standard.controls if profile is None or profile.applies(c.id)]
        results = [self._result(c, raw[c.id], document) for c in controls]
        context = {
            "profile": profile.digest if profile else None,
            "engine": EngineInfo(name=self.engine.name, version=self.engine.version),
            "reference": self.reference,
            "parameters": profile.overrides if profile else (),
            "not_assessed": profile.left_out if profile else {},
        }
        if self.waivers is None:
            return build_report(self.standard, document, results, self.fail_on, **context)
        from pyrules.waivers import apply_waivers  # only with a waiver file: start-up time

        today = self.today or self.reference or date.today()
        applied = apply_waivers(results, self.waivers.waivers, today)
        return build_report(
            self.standard,
            document,
            applied.results,
            self.fail_on,
            waiver_file=self.waivers.digest,
            waivers=applied.waivers,
            **context,
        )

    def _result(self, control: Control, raw: RawResult, document: Document) -> ControlResult:
        status = status_of(raw)
        severity = self.profile.severity(control) if self.profile else control.severity
        plain = status in ("pass", "not_applicable")
        key = (self.standard.sha256, control.id, severity, status)
        if plain and key in self._plain:
            return self._plain[key]
        findings = (
            [locate_finding(document, f.path, f.msg) for f in raw.deny] if status == "fail" else []
        )
        result = ControlResult(
            control_id=control.id,
            title=control.title,
            family=control.family,
            severity=severity,
            status=status,
            findings=findings,
            error=raw.error,
            remediation=control.remediation,
            aceeeo=list(control.aceeeo),
        )
        if plain:
            self._plain[key] = result
        return result


def status_of(raw: RawResult) -> Status:
    """The status before waivers: an error is never a pass."""
    if raw.error is not None:
        return "error"
    if not raw.applicable:
        return "not_applicable"
    return "fail" if raw.deny else "pass"


def locate_finding(document: Document, path: str, message: str) -> Finding:
    pointer, position = document.locate(path)
    return Finding(
        message=printable(message),
        path=path,
        location=Location(
            file=document.name, line=position.line, column=position.column, pointer=pointer
        ),
    )


def is_blocking(result: ControlResult, fail_on: Severity) -> bool:
    """An error always blocks: a control that could not be evaluated has not passed."""
    if result.status == "error":
        return True
    return result.status == "fail" and severity_rank(result.severity) >= severity_rank(fail_on)


def build_report(
    standard: Standard,
    document: Document,
    results: list[ControlResult],
    fail_on: Severity,
    *,
    engine: EngineInfo,
    waiver_file: Digest | None = None,
    waivers: Sequence[WaiverResult] = (),
    profile: Digest | None = None,
    reference: date | None = None,
    parameters: Sequence[ParameterOverride] = (),
    not_assessed: Mapping[str, str] | None = None,
) -> Report:
    """An expired waiver fails the run: the exception it granted is no longer approved."""
    counts = {status: 0 for status in ("pass", "fail", "not_applicable", "waived", "error")}
    for result in results:
        counts[result.status] += 1
    platform = document.data.get("platform", {}).get("name")
    return Report(
        tool_version=__version__,
        standard=StandardInfo(version=standard.version, sha256=standard.sha256),
        declaration=Digest(name=document.name, sha256=document.sha256),
        platform=platform if isinstance(platform, str) else None,
        profile=profile,
        engine=engine,
        reference_date=reference.isoformat() if reference else None,
        parameters=list(parameters),
        not_assessed=dict(not_assessed or {}),
        fail_on=fail_on,
        compliant=not any(is_blocking(r, fail_on) for r in results)
        and not any(w.status == "expired" for w in waivers),
        summary=Summary(
            total=len(results),
            passed=counts["pass"],
            failed=counts["fail"],
            not_applicable=counts["not_applicable"],
            waived=counts["waived"],
            errors=counts["error"],
        ),
        results=results,
        waiver_file=waiver_file,
        waivers=list(waivers),
    )


@dataclass(frozen=True)
class FileCheck:
    """What checking one declaration file gave: its report, rendered in each format asked
    for, or the located lines saying why it could not be checked."""

    path: Path
    document: Document | None = None
    report: Report | None = None
    rendered: dict[str, str] = field(default_factory=dict)  # format name -> text
    problems: tuple[str, ...] = ()
    content: bytes | None = None  # the file's bytes as read: the very ones checked

    @property
    def exit_code(self) -> int:
        if self.report is None:
            return EXIT_INPUT
        return EXIT_OK if self.report.compliant else EXIT_NONCOMPLIANT

    @property
    def reason(self) -> str:
        """Why it could not be checked, in one line ('' when it was)."""
        return one_line(self.problems) if self.problems else ""


def check_declaration(
    checker: Checker,
    path: Path,
    formats: Mapping[str, RenderContext] | None = None,
    *,
    name: str | None = None,
    waivers: Path | None = None,
    generated_at: str | None = None,
    signer: Signer | None = None,
    attestation: Path | None = None,
) -> FileCheck:
    """Check one declaration file the way `pyrules check` does: load, validate, evaluate,
    render each format of `formats` (its context gets the declaration's text), and with
    `signer` write a signed attestation of the JSON report to `attestation`. A declaration
    that cannot be checked is a `FileCheck` with problems, not an exception; only writing
    the attestation raises (InputError).

    `name`: the declaration's name in the report and in its problems [default: the path
    as given]. `waivers`: this declaration's own waiver file (assess: one per submission),
    read once the declaration is, so a broken one is this declaration's problem (called by
    its file name when `name` is given). `generated_at`: the time of the run, recorded in
    the report before it is rendered."""
    shown = str(path) if name is None else name
    try:
        document, content = _read(path, checker.limits, name)
        if waivers is not None:
            from pyrules.waivers import load_waivers

            known = [c.id for c in checker.standard.controls]
            own = load_waivers(
                waivers, known, checker.limits, None if name is None else waivers.name
            )
            checker = replace(checker, waivers=own)
        report = checker.check_document(document)
    except InvalidDeclaration as exc:
        return FileCheck(path, problems=tuple(exc.lines))
    except InputError as exc:
        return FileCheck(path, problems=(str(exc),))
    except RecursionError:
        return FileCheck(path, problems=(f"{shown}: nested too deeply to process",))
    if generated_at:
        report = replace(report, generated_at=generated_at)
    rendered = {}
    if formats:
        from pyrules.render import renderer

        for format_name, context in formats.items():
            text = renderer(format_name)(report, replace(context, declaration_text=document.text))
            rendered[format_name] = text
    if signer is not None and attestation is not None:
        from pyrules.attest import write_attestation

        write_attestation(attestation, report, path.name, signer, rendered.get("json"))
    return FileCheck(path, document, report, rendered, content=content)


def _read(path: Path, limits: Limits, name: str | None) -> tuple[Document, bytes]:
    """The declaration and the bytes it was parsed from, read once: what a round keeps as
    the declaration is then what was assessed, even if the file changes meanwhile."""
    try:
        content = read_regular(path, limits.max_bytes)
        document = loads(content, source_name(path), limits=limits)
    except LoadError as exc:
        if name is None:
            raise
        raise LoadError(name, exc.line, exc.column, exc.message) from None
    return (document if name is None else replace(document, name=name)), content
