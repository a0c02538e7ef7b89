"""The policies and data `pyrules serve` holds: OPA's policy and data API on them, each
change checked by compiling with regopy (within a time limit, in a child process, when
writes are on) and adopted only when it compiles."""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any

import regopy
from regopy import RegoError

from pyrules.engine.embedded import (
    describe_rego_error,
    last_error,
    new_interpreter,
    offset_to_line_col,
)
from pyrules.engine.opa import AGGREGATE_ID, AGGREGATE_PACKAGE, aggregate_module
from pyrules.errors import StandardError
from pyrules.rego_source import PACKAGE_LINE
from pyrules.serve.api import ApiError, array_index, not_found, split_path
from pyrules.standard import Standard

TEST_CRASH = "PYRULES_SERVE_TEST_CRASH"  # tests only: see pyrules.serve.decide
ERROR_HEAD = re.compile(r"\(error ([0-9]+):")
ERRORMSG_HEAD = re.compile(r"\(errormsg ([0-9]+):")


@dataclass(frozen=True)
class State:
    """Policies and data as of one write: `version` grows by one with every change, so an
    engine elsewhere (a worker process) knows when to reload."""

    version: int
    modules: dict[str, str]
    data: dict[str, Any]


def compile_errors(text: str, sources: dict[str, str]) -> list[dict[str, Any]]:
    """rego-cpp's error tree as OPA's list of `{code, message, location: {file, row, col}}`."""
    errors = []
    for head in ERROR_HEAD.finditer(text):
        start = head.end()
        name = text[start : start + int(head.group(1))]
        offset_match = re.match(r"\|([0-9]+)\|", text[start + len(name) :])
        message_match = ERRORMSG_HEAD.search(text, start)
        if message_match is None:
            continue
        begin = message_match.end()
        message = " ".join(text[begin : begin + int(message_match.group(1))].split())
        error: dict[str, Any] = {"code": "rego_compile_error", "message": message}
        if name in sources and offset_match:
            row, col = offset_to_line_col(sources[name], int(offset_match.group(1)))
            error["location"] = {"file": name, "row": row, "col": col}
        errors.append(error)
    return errors or [{"code": "rego_compile_error", "message": describe_rego_error(text, {})}]


class Guard:
    """Packages as sets of paths, so that a decision's path is checked in a few look-ups,
    not in one comparison per control."""

    def __init__(self, packages: list[list[str]]) -> None:
        self._packages = {tuple(package) for package in packages}
        self._above = {tuple(p[:end]) for p in packages for end in range(len(p) + 1)}

    def reaches(self, segments: list[str]) -> bool:
        """True when `data.<segments>` evaluates one of the packages: the path is a package,
        lies inside one, or holds one (`data`, `data.edhs`, ...)."""
        path = tuple(segments)
        return path in self._above or any(path[:end] in self._packages for end in range(len(path)))


def _pointer_segments(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in split_path(pointer)]


class PolicyStore:
    """Policies and data, checked by compiling them on every change; decisions are made
    elsewhere (`pyrules.serve.decide`), on the `state()` of the moment."""

    compile_seconds: float | None = None  # a time limit on compiling after a write

    def __init__(self, modules: dict[str, str], data: dict[str, Any]) -> None:
        self._lock = threading.Lock()
        self._state = State(0, {}, {})
        errors = check(modules, data)
        if errors:
            raise StandardError(f"the policies do not compile: {errors[0]['message']}")
        self._state = State(1, dict(modules), data)
        self._guarded: dict[str, tuple[str, list[str]]] = {}
        self._guard: tuple[State, Guard] | None = None

    @property
    def _modules(self) -> dict[str, str]:
        return self._state.modules

    @property
    def _data(self) -> dict[str, Any]:
        return self._state.data

    def state(self) -> State:
        """The policies and data now; a write replaces the state whole, never changes it."""
        return self._state

    @classmethod
    def from_standard(cls, standard: Standard) -> PolicyStore:
        modules = {m.path: m.source for m in standard.modules}
        modules[AGGREGATE_ID] = aggregate_module(standard.controls)
        store = cls(modules, {"edhs": {"params": copy.deepcopy(standard.params)}})
        packages = {c.package for c in standard.controls} | {AGGREGATE_PACKAGE}
        store._guarded = {
            m.path: (m.source, m.package.split("."))
            for m in standard.modules
            if m.package in packages
        }
        store._guarded[AGGREGATE_ID] = (modules[AGGREGATE_ID], AGGREGATE_PACKAGE.split("."))
        return store

    def guarded(self, segments: list[str]) -> bool:
        """True when a decision on `data.<segments>` evaluates a package of the standard's
        controls (or of pyrules.all) still as the server started with them: it needs a
        valid declaration. A control replaced by a write is no longer the standard's, so
        its input is the writer's business."""
        state = self._state  # replaced whole on each write: no lock
        known = self._guard
        if known is None or known[0] is not state:  # once per state, not per decision
            packages = [
                package
                for policy_id, (source, package) in self._guarded.items()
                if state.modules.get(policy_id) == source
            ]
            self._guard = known = (state, Guard(packages))
        return known[1].reaches(segments)

    # -- writing --------------------------------------------------------------------

    def _commit(
        self, modules: dict[str, str], data: dict[str, Any], code: str, refusal: ApiError | None
    ) -> None:
        """Adopt the new state only if it compiles; callers hold the lock. Without the right
        to write (`refusal`), only a write that changes nothing is answered."""
        if modules == self._modules and data == self._data:
            return
        if refusal is not None:
            raise refusal
        if self.compile_seconds is not None:
            _compile_within(modules, data, self.compile_seconds)
        errors = check(modules, data)
        if errors:
            raise ApiError(400, code, "error(s) occurred while compiling module(s)", errors)
        self._state = State(self._state.version + 1, modules, data)

    # -- policies --------------------------------------------------------------------

    def list_policies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [_policy(pid, src) for pid, src in sorted(self._modules.items())]

    def get_policy(self, policy_id: str) -> dict[str, Any]:
        with self._lock:
            if policy_id not in self._modules:
                raise not_found(f'policy id "{policy_id}"')
            return _policy(policy_id, self._modules[policy_id])

    def put_policy(self, policy_id: str, source: str, refusal: ApiError | None = None) -> None:
        if PACKAGE_LINE.search(source) is None:
            raise ApiError(
                400,
                "invalid_parameter",
                "error(s) occurred while compiling module(s)",
                [{"code": "rego_parse_error", "message": "package expected",
                  "location": {"file": policy_id, "row": 1, "col": 1}}],
            )  # fmt: skip
        with self._lock:
            if self._modules.get(policy_id) == source:
                return  # as OPA: the same text again changes nothing
            modules = {**self._modules, policy_id: source}
            self._commit(modules, self._data, "invalid_parameter", refusal)

    def delete_policy(self, policy_id: str, refusal: ApiError | None = None) -> None:
        with self._lock:
            if policy_id not in self._modules:
                raise not_found(f'policy id "{policy_id}"')
            modules = {k: v for k, v in self._modules.items() if k != policy_id}
            self._commit(modules, self._data, "invalid_operation", refusal)

    # -- data ------------------------------------------------------------------------

    def put_data(self, segments: list[str], value: Any, refusal: ApiError | None = None) -> None:
        with self._lock:
            data = copy.deepcopy(self._data)
            if not segments:
                if not isinstance(value, dict):
                    raise ApiError(400, "invalid_parameter", "the data root must be an object")
                data = value
            else:
                node = data
                for segment in segments[:-1]:
                    node = node.setdefault(segment, {})
                    if not isinstance(node, dict):
                        raise ApiError(
                            404, "resource_conflict", f"/{'/'.join(segments)}: write conflict"
                        )
                node[segments[-1]] = value
            self._commit(self._modules, data, "invalid_parameter", refusal)

    def delete_data(self, segments: list[str], refusal: ApiError | None = None) -> None:
        with self._lock:
            data = copy.deepcopy(self._data)
            _apply(data, "remove", segments, None, f"/{'/'.join(segments)}")
            self._commit(self._modules, data, "invalid_parameter", refusal)

    def patch_data(
        self, segments: list[str], operations: Any, refusal: ApiError | None = None
    ) -> None:
        if not isinstance(operations, list):
            raise ApiError(400, "invalid_parameter", "a JSON Patch is a list of operations")
        with self._lock:
            data = copy.deepcopy(self._data)
            for operation in operations:
                if not isinstance(operation, dict):
                    raise ApiError(400, "invalid_parameter", "bad patch operation")
                op = operation.get("op")
                if op not in ("add", "remove", "replace"):
                    raise ApiError(400, "invalid_parameter", f"bad patch operation: {op}")
                pointer = operation.get("path")
                if not isinstance(pointer, str):
                    raise ApiError(400, "invalid_parameter", f"bad patch path: {pointer}")
                target = segments + _pointer_segments(pointer)
                _apply(data, op, target, operation.get("value"), pointer)
            self._commit(self._modules, data, "invalid_parameter", refusal)


def build_bundle(modules: dict[str, str], data: dict[str, Any], query: str) -> regopy.Bundle:
    """Compile the policies and data for one query with regopy, or OPA's 400 with every
    compile error located."""
    builder = new_interpreter()
    try:
        # Not add_data(): its json.dumps escapes "é" as "\u00e9", and rego-cpp then keeps
        # that escape, so the key or value no longer equals the "é" of a policy or a path.
        builder.add_data_json(json.dumps(data, ensure_ascii=False))
        for name, source in modules.items():
            builder.add_module(name, source)
        bundle = builder.build(query, [])
    except RegoError as exc:
        raise ApiError(
            400,
            "invalid_parameter",
            "error(s) occurred while compiling module(s)",
            compile_errors(str(exc), modules),
        ) from None
    if not bundle.ok():
        detail = last_error(builder)
        raise ApiError(
            400,
            "invalid_parameter",
            "error(s) occurred while compiling module(s)",
            compile_errors(detail, modules)
            if detail
            else [{"code": "rego_compile_error", "message": "conflicting rules"}],
        )
    return bundle


def check(modules: dict[str, str], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every compile error of these policies and data; none when they compile."""
    try:
        build_bundle(modules, data, "result := true")
    except ApiError as exc:
        return exc.errors
    return []


def _compile_within(modules: dict[str, str], data: dict[str, Any], seconds: float) -> None:
    """Compile once in a child process first, stopped after `seconds`: rego-cpp's compile
    time grows with the square of a module's rules (a 700 KB module took minutes), and a
    compile in this process cannot be interrupted. The clock starts once the child has
    imported what it needs; the child only measures, and the compile here finds its errors
    again, with their messages."""
    import subprocess

    payload = json.dumps({"modules": modules, "data": data}, ensure_ascii=False)
    child = subprocess.Popen(
        [sys.executable, "-c", "from pyrules.serve.store import compile_child; compile_child()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdout.readline()  # "ready": imports done
        child.stdin.write(payload.encode("utf-8"))
        child.stdin.close()
        child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise ApiError(
            400,
            "invalid_parameter",
            "error(s) occurred while compiling module(s)",
            [{"code": "rego_compile_error",
              "message": f"compiling took longer than {seconds:g} s (--compile-timeout)"}],
        ) from None  # fmt: skip
    except OSError:
        pass  # the child died early: the compile here says why, unless a signal ended it
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    if child.returncode < 0:  # the compiler crashed: compiling here would end the server
        raise ApiError(
            400,
            "invalid_parameter",
            "error(s) occurred while compiling module(s)",
            [{"code": "rego_compile_error",
              "message": f"compiling crashed the engine (signal {-child.returncode})"}],
        )  # fmt: skip


def compile_child() -> None:
    """The child of _compile_within: say it is ready, then compile what stdin holds (or
    abort, as a crash of the compiler would, under the test hook of `pyrules.serve.decide`
    when a policy holds its string)."""
    print("ready", flush=True)
    text = sys.stdin.buffer.read().decode("utf-8")
    crash = os.environ.get(TEST_CRASH)
    if crash and crash in text:
        os.abort()
    request = json.loads(text)
    errors = check(request["modules"], request["data"])
    raise SystemExit(1 if errors else 0)


def _policy(policy_id: str, source: str) -> dict[str, Any]:
    match = PACKAGE_LINE.search(source)
    path = [{"type": "var", "value": "data"}]
    if match:
        path += [{"type": "string", "value": part} for part in match.group(1).split(".")]
    return {"id": policy_id, "raw": source, "ast": {"package": {"path": path}}}


def _apply(data: dict[str, Any], op: str, target: list[str], value: Any, shown: str) -> None:
    """One storage write with OPA's rules: the parent must exist; remove and replace need
    the target; `-` appends to an array."""
    if not target:
        if op == "remove" or not isinstance(value, dict):
            raise ApiError(400, "invalid_parameter", f"bad patch path: {shown}")
        data.clear()
        data.update(value)
        return
    node: Any = data
    for segment in target[:-1]:
        node = _child(node, segment, shown)
    last = target[-1]
    if isinstance(node, dict):
        if op != "add" and last not in node:
            raise not_found(f"{shown}: document does not exist")
        if op == "remove":
            del node[last]
        else:
            node[last] = value
    elif isinstance(node, list):
        if op == "add" and last == "-":
            node.append(value)
            return
        index = array_index(last)  # not an integer: OPA's "document does not exist" too
        if index is None or index > len(node) - (0 if op == "add" else 1):
            raise not_found(f"{shown}: document does not exist")
        if op == "add":
            node.insert(index, value)
        elif op == "remove":
            del node[index]
        else:
            node[index] = value
    else:
        raise not_found(f"{shown}: document does not exist")


def _child(node: Any, segment: str, shown: str) -> Any:
    if isinstance(node, dict) and segment in node:
        return node[segment]
    index = array_index(segment) if isinstance(node, list) else None
    if index is not None and index < len(node):
        return node[index]
    raise not_found(f"{shown}: document does not exist")
