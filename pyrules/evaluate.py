"""The one pipeline: load -> validate -> engine -> findings -> Report.

Every command that checks a declaration goes through `Checker`, so `check`, `test`, and
later `assess` cannot disagree about what a status means.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pyrules import __version__
from pyrules.engine import ENGINES, Engine, RawResult
from pyrules.errors import InputError, printable
from pyrules.loader import Document, Limits, load
from pyrules.model import (
    Control,
    ControlResult,
    Digest,
    EngineInfo,
    Finding,
    Location,
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
from pyrules.waivers import WaiverFile, apply_waivers

if TYPE_CHECKING:
    from pyrules.profile import Profile


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
        """The first problem, and how many more there are: one line for a report."""
        more = len(self.lines) - 1
        return self.lines[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


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

    With a profile, pass `profile.params(standard.params)`: one compiled standard per set."""
    engine = engine or default_engine()
    if engine == "opa" and opa_url:  # the spelling before 0.2 (the CLI says so)
        engine = "opa-server"
    params = params or standard.params
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


@dataclass
class Checker:
    standard: Standard
    engine: Engine
    fail_on: Severity = "low"
    limits: Limits = field(default_factory=Limits)
    waivers: WaiverFile | None = None
    today: date | None = None  # when waivers expire; injectable for reproducible runs
    profile: Profile | None = None  # its parameters must be the engine's (see make_engine)

    @classmethod
    def for_standard(
        cls,
        standard: Standard,
        *,
        profile: Profile | None = None,
        engine: str | None = None,
        opa_url: str | None = None,
        **options: Any,
    ) -> Checker:
        """A checker whose engine holds the profile's parameters (or the defaults)."""
        params = profile.params(standard.params) if profile else None
        engine_ = make_engine(standard, params, engine=engine, opa_url=opa_url)
        return cls(standard, engine_, profile=profile, **options)

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
        digest = profile.digest if profile else None
        engine = EngineInfo(name=self.engine.name, version=self.engine.version)
        if self.waivers is None:
            return build_report(
                self.standard, document, results, self.fail_on, profile=digest, engine=engine
            )
        applied = apply_waivers(results, self.waivers.waivers, self.today or date.today())
        return build_report(
            self.standard,
            document,
            applied.results,
            self.fail_on,
            waiver_file=self.waivers.digest,
            waivers=applied.waivers,
            profile=digest,
            engine=engine,
        )

    def _result(self, control: Control, raw: RawResult, document: Document) -> ControlResult:
        status = status_of(raw)
        findings = (
            [locate_finding(document, f.path, f.msg) for f in raw.deny] if status == "fail" else []
        )
        return ControlResult(
            control_id=control.id,
            title=control.title,
            family=control.family,
            severity=self.profile.severity(control) if self.profile else control.severity,
            status=status,
            findings=findings,
            error=raw.error,
            remediation=control.remediation,
            aceeeo=list(control.aceeeo),
        )


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
