"""Policy engines behind one interface: OPA's own engine in process, regopy (rego-cpp) and
an OPA server.

An engine is built once for a standard and a set of parameters, then evaluates many
declarations. It answers, per control, whether the control applies and what `deny` holds,
or why it could not be evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from pyrules.model import Control


class RawFinding(NamedTuple):
    msg: str
    path: str


class RawResult(NamedTuple):
    """What the policy of one control said about one declaration."""

    applicable: bool = True
    deny: tuple[RawFinding, ...] = ()
    error: str | None = None


ENGINES = ("opa", "regopy", "opa-server")


class Engine(Protocol):
    name: str

    @property
    def version(self) -> str | None:
        """What evaluated, for the report: a policy's verdict is only as good as its engine."""
        ...

    def evaluate(self, declaration: dict[str, Any]) -> dict[str, RawResult]:
        """Evaluate every control of the standard against one declaration."""
        ...


def verdicts_term(controls: Iterable[Control]) -> str:
    """One Rego object holding every control's verdict, `{ID: {applicable, deny}}`: every
    engine asks for it, so a declaration costs one evaluation."""
    items = ", ".join(
        f'"{c.id}": {{"applicable": data.{c.package}.applicable, "deny": data.{c.package}.deny}}'
        for c in controls
    )
    return f"{{{items}}}"


def all_controls_query(controls: Iterable[Control]) -> str:
    return f"result := {verdicts_term(controls)}"


def parse_control_output(value: Any) -> RawResult:
    """Turn `{"applicable": bool, "deny": [{msg, path}]}` into a RawResult, refusing any
    other shape: a policy that returns something odd has an error, it does not pass."""
    if not isinstance(value, dict):
        return RawResult(error=f"the policy returned {type(value).__name__}, not an object")
    applicable = value.get("applicable")
    deny = value.get("deny")
    if not isinstance(applicable, bool):
        return RawResult(error="'applicable' is not true or false (does it have a default?)")
    if not isinstance(deny, list):
        return RawResult(error="'deny' is not a set of findings")
    findings = []
    for item in deny:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("msg"), str)
            or not isinstance(item.get("path"), str)
            or not (item["path"] == "" or item["path"].startswith("/"))
        ):
            return RawResult(error=f"a finding is not {{msg, path}} with a JSON pointer: {item!r}")
        findings.append(RawFinding(msg=item["msg"], path=item["path"]))
    findings.sort(key=lambda f: (f.path, f.msg))
    return RawResult(applicable=applicable, deny=tuple(findings))


def evaluate_alone(
    control: Control, ask: Callable[[str, str], tuple[Any, str | None]]
) -> RawResult:
    """One control's verdict from its own rules, when the shared query failed: `ask(package,
    rule)` gives a rule's value or why there is none, so the error lands on that control."""
    outcome: dict[str, Any] = {}
    for rule in ("applicable", "deny"):
        value, error = ask(control.package, rule)
        if error is not None:
            return RawResult(error=error)
        outcome[rule] = value
    return parse_control_output(outcome)
