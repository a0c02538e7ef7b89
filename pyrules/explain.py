"""`pyrules explain CONTROL DECLARATION`: why one control failed, from OPA's own trace.

The trace of one evaluation of the control is filtered to the control's policy file; each
rule line that was evaluated is shown once, with the values its expression met (OPA's
compiler turns `hours <= max_hours` into `lte(__local71__, __local871__)`: the temporaries
are replaced by the values the trace unified them with), whether it held, and where each
`input.` field it reads sits in the declaration. A platform engineer reads it top to
bottom: what the policy looked at, what it compared, what it concluded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyrules.engine import RawResult, parse_control_output
from pyrules.engine.inprocess import InProcessEngine
from pyrules.evaluate import locate_finding, status_of
from pyrules.loader import Document
from pyrules.model import Control
from pyrules.rego_source import PARAM_REF

TEMPORARY = re.compile(r"__local\d+__")
UNIFY_VALUE = re.compile(r"^(?P<left>.+?) = (?P<right>.+)$", re.S)
LOCATION = re.compile(r"^(?P<file>[^:]+\.rego):(?P<row>\d+)")
INPUT_REF = re.compile(r"\binput((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\"[^\"]*\"\]|\[\d+\])+)")
OPERATORS = {
    "lt": "<",
    "lte": "<=",
    "gt": ">",
    "gte": ">=",
    "equal": "==",
    "neq": "!=",
}
CALL = re.compile(r"^(?P<name>[a-z_.]+)\((?P<args>.*)\)$", re.S)
MAX_VALUE = 100
MAX_LINES = 60


@dataclass
class Step:
    """One evaluated line of the policy and what it met."""

    row: int
    source: str
    seen: list[str] = field(default_factory=list)
    failed: bool = False


@dataclass
class Explanation:
    control: Control
    raw: RawResult
    steps: list[Step]
    findings: list[str]

    @property
    def status(self) -> str:
        return status_of(self.raw)


def explain(engine: InProcessEngine, control: Control, document: Document) -> Explanation:
    package = f"data.{control.package}"
    query = f'result := {{"applicable": {package}.applicable, "deny": {package}.deny}}'
    value, error = engine.ask(query, document.data, trace=True)
    raw = RawResult(error=error) if error is not None else parse_control_output(value)
    sources = {m.path: m.source for m in engine.modules}
    steps = (
        _steps(engine.native.last_trace or [], control.source, sources[control.source])
        if error is None
        else _error_steps(error, control.source, sources[control.source])
    )
    findings = [
        _finding_line(document, f.path, f.msg) for f in raw.deny if status_of(raw) == "fail"
    ]
    return Explanation(control, raw, steps, findings)


def _finding_line(document: Document, path: str, message: str) -> str:
    finding = locate_finding(document, path, message)
    where = finding.location
    assert where is not None
    return f"{where.file}:{where.line}:{where.column}: {message} ({path or '/'})"


def _literal(text: str) -> Any:
    """A value the trace printed, when it is one (Rego prints simple values as JSON)."""
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_A_VALUE


_NOT_A_VALUE = object()


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not _NOT_A_VALUE else "?"
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _plug(node: str, temporaries: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(0)
        return _short(temporaries[name]) if name in temporaries else "_"

    plugged = TEMPORARY.sub(value, node)
    call = CALL.match(plugged)
    if call and call.group("name") in OPERATORS:
        args = call.group("args").split(", ")
        if len(args) == 2:
            return f"{args[0]} {OPERATORS[call.group('name')]} {args[1]}"
    return plugged


def _steps(trace: Iterable[dict[str, Any]], path: str, source: str) -> list[Step]:
    lines = source.splitlines()
    temporaries: dict[str, Any] = {}
    steps: dict[int, Step] = {}
    negated: set[tuple[int, str]] = set()  # (row, ref) of each `not ref` evaluated
    for event in trace:
        node = event.get("node") or ""
        if event.get("op") == "Unify":
            match = UNIFY_VALUE.match(node)
            if match:
                left, right = match.group("left"), match.group("right")
                for name, other in ((left, right), (right, left)):
                    literal = _literal(other)
                    if TEMPORARY.fullmatch(name) and literal is not _NOT_A_VALUE:
                        temporaries[name] = literal
        location = LOCATION.match(str(event.get("location") or ""))
        if location is None or location.group("file") != path:
            continue
        if event.get("op") not in ("Eval", "Fail"):
            continue
        row = int(location.group("row"))
        step = steps.setdefault(
            row, Step(row, lines[row - 1].strip() if 0 < row <= len(lines) else node)
        )
        if event["op"] == "Eval" and node.startswith("not "):
            negated.add((row, node[4:]))
        elif event["op"] == "Fail" and (row, node) in negated:  # so the `not` held
            note = f"{_plug(node, temporaries)} is undefined or false, so `not` holds"
            if note not in step.seen:
                step.seen.append(note)
        elif event["op"] == "Fail":
            step.failed = True
            plugged = _plug(node, temporaries)
            note = f"{plugged}: false" if plugged != step.source else "false"
            if note not in step.seen:
                step.seen.append(note)
        for name, value in (event.get("locals") or {}).items():
            note = f"{name} = {_short(value)}"
            if not name.startswith("__") and name in step.source and note not in step.seen:
                step.seen.append(note)
    return sorted(steps.values(), key=lambda s: s.row)[:MAX_LINES]


def _error_steps(error: str, path: str, source: str) -> list[Step]:
    """An evaluation error has no trace: show the line OPA names, when it is the control's."""
    match = re.search(re.escape(path) + r":(\d+)", error)
    if match is None:
        return []
    row = int(match.group(1))
    lines = source.splitlines()
    text = lines[row - 1].strip() if 0 < row <= len(lines) else ""
    return [Step(row, text, [error], failed=True)]


def input_refs(text: str, document: Document, params: dict[str, Any]) -> list[str]:
    """Where the declaration holds each field a line reads (`input.a.b`), and the
    parameters it reads, with their values."""
    notes = []
    read: list[list[str]] = []
    for match in INPUT_REF.finditer(text):
        parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[\"([^\"]*)\"\]|\[(\d+)\]", match.group(1))
        read.append([a or b or c for a, b, c in parts])
    for keys in read:
        pointer = "/" + "/".join(k.replace("~", "~0").replace("/", "~1") for k in keys)
        value = _lookup(document.data, keys)
        nearest, position = document.locate(pointer)
        shown = "missing" if value is _NOT_A_VALUE else _short(value)
        where = f"{document.name}:{position.line}:{position.column}"
        if nearest != pointer:
            where += f" (nearest: {nearest or '/'})"
        notes.append(f"{pointer} = {shown} at {where}")
    for match in PARAM_REF.finditer(text):
        name = match.group(1)
        notes.append(f"data.edhs.params.{name} = {_short(params.get(name, _NOT_A_VALUE))}")
    return notes


def _lookup(data: Any, keys: list[str]) -> Any:
    node = data
    for key in keys:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return _NOT_A_VALUE
    return node


def render(explanation: Explanation, document: Document, params: dict[str, Any]) -> str:
    control = explanation.control
    out = [f"{control.id} {explanation.status}: {control.title}"]
    if explanation.raw.error is not None:
        out.append(f"  error: {explanation.raw.error}")
    for step in explanation.steps:
        mark = "  ✗ " if step.failed else "    "
        out.append(f"{mark}{control.source}:{step.row}  {step.source}")
        for note in [*step.seen, *input_refs(step.source, document, params)]:
            out.append(f"        {note}")
    for line in explanation.findings:
        out.append(f"  finding: {line}")
    return "\n".join(out) + "\n"
