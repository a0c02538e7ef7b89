"""`pyrules serve`: a subset of OPA's REST API, answered by a pool of OPA engines in process
(the default when installed; `pyrules.engine.pool`) or by regopy (`--engine regopy`).

It starts with the standard loaded (every module under its bundle path as policy id, the
parameters at `data.edhs.params`) plus the generated `pyrules/all.rego` module, so
`POST /v1/data/pyrules/all/verdicts` answers every EDHS control at once out of the box,
and the OPA backend (`pyrules check --engine opa`) can point at it as at a real OPA.

Endpoints, with OPA's shapes and error bodies (`{"code", "message", "errors"}`):
`GET /health`; `GET /v1/policies`; `PUT|GET|DELETE /v1/policies/{id}`;
`GET|POST /v1/data/{path}` (decisions; `result` omitted when undefined);
`PUT|PATCH|DELETE /v1/data/{path}` (PATCH takes OPA's JSON Patch: add, remove, replace).

Hostile requests (issue 18): a body is parsed by the declaration loader with its limits
(size `--max-body`, nesting, `--max-nodes` values, strict UTF-8 without lone surrogates)
before anything else sees it; a decision that evaluates any EDHS control (a path above, at
or below a control's package, or `pyrules/all`) needs an input valid against the
declaration schema, else 400 with every located problem and no verdicts; at most
`--max-concurrent` requests are past their headers at once; every refused request gets
OPA's error body and one line on stderr, never a traceback.

Writes are off by default: a PUT, PATCH or DELETE that would change the policies or the
data is 403 (one that changes nothing, such as `pyrules check --engine opa` pushing the
standard the server already holds, is answered as OPA does). With `--allow-writes` and
`--token-file`, a write needs `Authorization: Bearer <token>` (else 401, as OPA's token
authentication), a policy is at most `--max-policy-bytes`, and the new policy set must
compile within `--compile-timeout` seconds, measured in a child process that is stopped
then (rego-cpp cannot be interrupted in-process).

How it differs from OPA, on purpose or by the engine: a body over `--max-body` is 413
(OPA says 400); built-in errors are always strict; rego-cpp checks syntax when a policy is
put but finds unsafe variables or unknown functions only when they are evaluated; the `ast`
of a policy holds only its package; no query, compile, config, status or metrics API, no
bundles, no decision logs.

Writes are checked by compiling with regopy. On regopy every compile or evaluation holds
one lock (its interpreters are not thread-safe); compiled bundles are cached per decision
path and dropped whenever a policy or data change. On OPA's engine decisions run in
parallel, one engine per evaluating thread, each reloading after a write.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import hmac
import ipaddress
import json
import re
import socket
import sys
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regopy
from regopy.rego_shared import (
    RegoError,
    rego_get_error,
)

from pyrules.defaults import (
    SERVE_ADDR,
    SERVE_COMPILE_SECONDS,
    SERVE_MAX_BODY,
    SERVE_MAX_CONCURRENT,
    SERVE_MAX_NODES,
    SERVE_MAX_POLICY,
)
from pyrules.engine.embedded import (
    describe_rego_error,
    new_interpreter,
    offset_to_line_col,
    run_query,
    to_rego_value,
)
from pyrules.engine.opa import AGGREGATE_ID, AGGREGATE_PACKAGE, aggregate_module
from pyrules.engine.pool import EnginePool, EvaluationFailed
from pyrules.errors import InputError, StandardError, printable
from pyrules.loader import Document, Limits, LoadError, loads, read_regular
from pyrules.rego_source import PACKAGE_LINE
from pyrules.schema import declaration_problems
from pyrules.standard import Standard

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

CACHED_DECISIONS = 256
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEYWORDS = frozenset(
    {"as", "contains", "default", "else", "every", "false", "if", "import", "in", "not"}
    | {"null", "package", "some", "true", "with"}
)
ERROR_HEAD = re.compile(r"\(error ([0-9]+):")
ERRORMSG_HEAD = re.compile(r"\(errormsg ([0-9]+):")
# Not str.isdigit(): it admits "²", which int() refuses, and "٣", which int() reads as 3
# where OPA (Go's strconv.Atoi) sees a string key.
ASCII_DIGITS = re.compile(r"[0-9]+")
MAX_INDEX = 2**63 - 1  # rego-cpp reads an index with stoll; OPA's Atoi fails past it too


class ApiError(Exception):
    """An OPA-shaped error response."""

    def __init__(
        self, status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(message: str) -> ApiError:
    return ApiError(404, "resource_not_found", f"storage_not_found_error: {message}")


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


def array_index(segment: str) -> int | None:
    """The segment as an array index when it is one to OPA: ASCII digits only, within
    64 bits (a longer number is a string key there, and made rego-cpp's stoll throw)."""
    if not ASCII_DIGITS.fullmatch(segment) or len(segment) > 19:
        return None
    index = int(segment)
    return index if index <= MAX_INDEX else None


def data_ref(segments: list[str]) -> str:
    """`data` plus the URL path as a Rego ref, as OPA reads it (numbers index arrays, any
    other segment, "²" included, is a string key)."""
    ref = "data"
    for segment in segments:
        if '"' in segment:
            raise ApiError(400, "invalid_parameter", f"invalid path: invalid ref term '{segment}'")
        index = array_index(segment)
        if index is not None:
            ref += f"[{index}]"
        elif IDENTIFIER.match(segment) and segment not in KEYWORDS:
            ref += f".{segment}"
        else:
            ref += f"[{json.dumps(segment, ensure_ascii=False)}]"
    return ref


def split_path(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _pointer_segments(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in split_path(pointer)]


class PolicyStore:
    """Policies and data, compiled on change, evaluated one request at a time."""

    compile_seconds: float | None = None  # a time limit on compiling after a write

    def __init__(
        self, modules: dict[str, str], data: dict[str, Any], pool: EnginePool | None = None
    ) -> None:
        self._pool = pool  # OPA engines in process; None: regopy, one decision at a time
        self._lock = threading.Lock()
        self._modules: dict[str, str] = {}
        self._data: dict[str, Any] = {}
        self._decisions: OrderedDict[str, regopy.Bundle] = OrderedDict()
        self._with_input = new_interpreter()
        self._without_input = new_interpreter()  # input stays undefined here
        errors = self._check(modules, data)
        if errors:
            raise StandardError(f"the policies do not compile: {errors[0]['message']}")
        self._modules, self._data = dict(modules), data
        self._guarded: dict[str, tuple[str, list[str]]] = {}

    @classmethod
    def from_standard(cls, standard: Standard, pool: EnginePool | None = None) -> PolicyStore:
        modules = {m.path: m.source for m in standard.modules}
        modules[AGGREGATE_ID] = aggregate_module(standard.controls)
        store = cls(modules, {"edhs": {"params": copy.deepcopy(standard.params)}}, pool)
        packages = {c.package for c in standard.controls} | {AGGREGATE_PACKAGE}
        store._guarded = {
            m.path: (m.source, m.package.split("."))
            for m in standard.modules
            if m.package in packages
        }
        store._guarded[AGGREGATE_ID] = (modules[AGGREGATE_ID], AGGREGATE_PACKAGE.split("."))
        return store

    def guarded_packages(self) -> list[list[str]]:
        """The packages of the standard's controls (and of pyrules.all) still as the server
        started with them: their decisions need a valid declaration. A control replaced by
        a write is no longer the standard's, so its input is the writer's business."""
        modules = self._modules  # replaced whole on each write: no lock (evaluations hold it)
        return [
            package
            for policy_id, (source, package) in self._guarded.items()
            if modules.get(policy_id) == source
        ]

    # -- compiling -------------------------------------------------------------------

    def _build(self, modules: dict[str, str], data: dict[str, Any], query: str) -> regopy.Bundle:
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
            detail = rego_get_error(builder._impl).strip()
            raise ApiError(
                400,
                "invalid_parameter",
                "error(s) occurred while compiling module(s)",
                compile_errors(detail, modules)
                if detail
                else [{"code": "rego_compile_error", "message": "conflicting rules"}],
            )
        return bundle

    def _check(self, modules: dict[str, str], data: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            self._build(modules, data, "result := true")
        except ApiError as exc:
            return exc.errors
        return []

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
        errors = self._check(modules, data)
        if errors:
            raise ApiError(400, code, "error(s) occurred while compiling module(s)", errors)
        self._modules, self._data = modules, data
        self._decisions.clear()

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

    # -- decisions -------------------------------------------------------------------

    def decide(self, segments: list[str], value: Any, has_input: bool) -> tuple[bool, Any]:
        """(defined, value) of `data.<path>` for this input."""
        query = f"result := {data_ref(segments)}"
        if self._pool is not None:
            with self._lock:
                modules, data = self._modules, self._data
            try:
                return self._pool.decide(modules, data, query, value, has_input)
            except EvaluationFailed as exc:
                raise _evaluation_error(str(exc)) from None
        try:
            prepared = to_rego_value(value) if has_input else None
        except InputError as exc:
            raise ApiError(400, "invalid_parameter", str(exc)) from None
        with self._lock:
            bundle = self._decisions.get(query)
            if bundle is None:
                bundle = self._build(self._modules, self._data, query)
                self._decisions[query] = bundle
                if len(self._decisions) > CACHED_DECISIONS:
                    self._decisions.popitem(last=False)
            else:
                self._decisions.move_to_end(query)
            runner = self._with_input if has_input else self._without_input
            if has_input:
                runner.set_input(prepared)
            return self._run(runner, bundle)

    def _run(self, runner: regopy.Interpreter, bundle: regopy.Bundle) -> tuple[bool, Any]:
        output = run_query(runner, bundle, self._modules)
        if output.error is not None:
            raise _evaluation_error(output.error)
        if output.undefined:
            return False, None
        results = output.parsed if isinstance(output.parsed, list) else [output.parsed]
        bindings = results[0].get("bindings", {}) if len(results) == 1 else {}
        if not isinstance(bindings, dict) or "result" not in bindings:
            return False, None
        return True, bindings["result"]


def _compile_within(modules: dict[str, str], data: dict[str, Any], seconds: float) -> None:
    """Compile once in a child process first, stopped after `seconds`: rego-cpp's compile
    time grows with the square of a module's rules (a 700 KB module took minutes), and a
    compile in this process cannot be interrupted. The clock starts once the child has
    imported what it needs; the child only measures, and the compile here finds its errors
    again, with their messages."""
    import subprocess

    payload = json.dumps({"modules": modules, "data": data}, ensure_ascii=False)
    child = subprocess.Popen(
        [sys.executable, "-c", "from pyrules.serve import compile_child; compile_child()"],
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
        pass  # the child died early: the compile here says why
    finally:
        child.kill()
        child.wait()
        child.stdout.close()


def compile_child() -> None:
    """The child of _compile_within: say it is ready, then compile what stdin holds."""
    print("ready", flush=True)
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    errors = PolicyStore({}, {})._check(request["modules"], request["data"])
    raise SystemExit(1 if errors else 0)


def _evaluation_error(message: str) -> ApiError:
    return ApiError(
        500,
        "internal_error",
        "error(s) occurred while evaluating query",
        [{"code": "eval_builtin_error", "message": message}],
    )


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


# -- HTTP ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WriteAccess:
    """Policy and data writes, on only when asked for, each with the bearer token."""

    token: str
    max_policy_bytes: int = SERVE_MAX_POLICY
    compile_seconds: float = SERVE_COMPILE_SECONDS


@dataclasses.dataclass
class Settings:
    max_body: int = SERVE_MAX_BODY
    max_nodes: int = SERVE_MAX_NODES
    max_concurrent: int = SERVE_MAX_CONCURRENT
    writes: WriteAccess | None = None  # None: writes that change anything are refused
    standard: Standard | None = None  # decisions on its controls need a valid declaration

    @property
    def limits(self) -> Limits:
        return Limits(max_bytes=self.max_body + len(_WRAP) + 2, max_nodes=self.max_nodes)


def reaches(segments: list[str], packages: list[list[str]]) -> bool:
    """True when `data.<segments>` evaluates one of the packages: the path is a package,
    lies inside one, or holds one (`data`, `data.edhs`, ...)."""
    return any(
        segments[: len(path)] == path or path[: len(segments)] == segments for path in packages
    )


class BodyTooLarge(Exception):
    pass


_WRAP = b'{"value":'  # the loader reads a mapping: any JSON value is parsed inside one


def parse_json(body: bytes, what: str, limits: Limits) -> tuple[Any, Document]:
    """The value, parsed by the declaration loader with its limits (size, nesting, values,
    strict UTF-8, no lone surrogates, no NaN or infinite numbers), and where each part is.
    Positions in the document are under `/value`."""
    try:
        document = loads(_WRAP + body + b"\n}", what, fmt="json", limits=limits)
    except LoadError as exc:
        column = exc.column - len(_WRAP) if exc.line == 1 else exc.column
        raise ApiError(
            400,
            "invalid_parameter",
            f"{what} contains malformed input: {exc.message} "
            f"(line {exc.line}, column {max(column, 1)})",
        ) from None
    if len(document.data) != 1:  # `1, "x": 2` read inside the wrapper
        raise ApiError(400, "invalid_parameter", f"{what} contains malformed input")
    return document.data["value"], document


def declaration_error(
    value: Any, standard: Standard, document: Document, pointer: str
) -> ApiError | None:
    """400 with every problem of the input against the declaration schema, each with its
    pointer and its place in the request, as OPA lists compile errors; None when valid."""
    problems = declaration_problems(value, standard)
    if not problems:
        return None
    errors = []
    for problem in problems:
        _, position = document.locate(pointer + problem.pointer)
        column = position.column - len(_WRAP) if position.line == 1 else position.column
        errors.append(
            {
                "code": "invalid_input",
                "message": problem.message,
                "pointer": problem.pointer,
                "location": {"file": document.name, "row": position.line, "col": max(column, 1)},
            }
        )
    count = f"{len(problems)} problem{'s' * (len(problems) > 1)}"
    return ApiError(
        400,
        "invalid_parameter",
        f"the input is not a valid EDHS {standard.version} declaration ({count}); "
        "no control was evaluated",
        errors,
    )


MIN_TOKEN_LENGTH = 16


def read_token(path: Path) -> str:
    """The bearer token: the file's first line, long enough not to be guessed."""
    try:
        lines = read_regular(path, 4096).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read the token (not UTF-8 text)") from None
    token = lines[0].strip() if lines else ""
    if len(token) < MIN_TOKEN_LENGTH or not token.isprintable() or " " in token:
        raise InputError(
            f"{path}:1: the token must be at least {MIN_TOKEN_LENGTH} printable characters "
            "without spaces (e.g. from: python -c 'import secrets; print(secrets.token_hex())')"
        )
    return token


def write_refusal(request: Request, writes: WriteAccess | None) -> ApiError | None:
    """Why this request may not change policies or data, or None when it may."""
    if writes is None:
        return ApiError(
            403,
            "unauthorized",
            "policy and data writes are off (start pyrules serve with --allow-writes)",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    given = token.strip().encode("utf-8", "replace")
    if scheme.lower() == "bearer" and hmac.compare_digest(given, writes.token.encode("utf-8")):
        return None
    return ApiError(401, "unauthorized", "request rejected by administrative policy")


def log(request: Request, status: int, message: str) -> None:
    """One line on stderr per refused or failed request; what the client sent is escaped
    and cut, so a log line stays one short line."""
    path = printable(request.url.path)
    path = path if len(path) <= 200 else path[:200] + "…"
    message = printable(" ".join(message.split()))
    message = message if len(message) <= 300 else message[:300] + "…"
    line = f"pyrules serve: {status} {request.method} {path}: {message}"
    print(line, file=sys.stderr, flush=True)


def create_app(store: PolicyStore, settings: Settings | None = None) -> Any:
    """The Starlette application; imported lazily so `pyrules --help` stays fast."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    settings = settings or Settings()
    # At most max_concurrent requests past their headers (bodies read, parsed, evaluated);
    # the others wait for their turn with nothing read.
    admitted = asyncio.Semaphore(settings.max_concurrent)

    def reply(request: Request, body: Any, status: int = 200) -> Response:
        flag = request.query_params.get("pretty")
        pretty = flag is not None and flag.lower() in ("", "true")  # as OPA's getBoolParam
        text = json.dumps(body, indent=2 if pretty else None, ensure_ascii=False) + "\n"
        return Response(text, status_code=status, media_type="application/json")

    async def read_body(request: Request, limit: int | None = None) -> bytes:
        limit = settings.max_body if limit is None else min(limit, settings.max_body)
        length = request.headers.get("content-length")
        if length is not None and not ASCII_DIGITS.fullmatch(length.strip()):
            # uvicorn refuses such a request itself; another ASGI server may pass it on
            raise ApiError(400, "invalid_parameter", "invalid Content-Length header")
        if length is not None and int(length) > limit:
            raise BodyTooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def api(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                async with admitted:
                    return await handler(request)
            except ApiError as exc:
                error = exc
            except BodyTooLarge:
                error = ApiError(413, "invalid_parameter", "request body too large")
            except HTTPException:
                raise  # 404 and 405, answered as OPA's router does
            except ClientDisconnect:
                log(request, 400, "the client disconnected before the body ended")
                return Response(status_code=400)
            except Exception as exc:  # a bug: still OPA's shape and one line, no traceback
                error = ApiError(500, "internal_error", f"unexpected {type(exc).__name__}")
            log(request, error.status, error.message)
            return reply(request, error.body(), error.status)

        return wrapped

    async def health(request: Request) -> Response:
        return reply(request, {})

    async def data(request: Request) -> Response:
        rest = request.path_params["rest"]
        if rest and not rest.startswith("/"):
            raise HTTPException(404)
        segments = split_path(rest)
        method = request.method
        if method in ("GET", "POST"):
            has_input, value, warning, where = await _decision_input(request, method)
            if settings.standard is not None and reaches(segments, store.guarded_packages()):
                if not has_input:
                    raise ApiError(
                        400,
                        "invalid_parameter",
                        "a decision on EDHS controls needs an input: the declaration",
                    )
                error = declaration_error(value, settings.standard, *where)
                if error is not None:
                    raise error
            defined, result = await evaluate(segments, value, has_input)
            body: dict[str, Any] = {"result": result} if defined else {}
            if warning:
                body["warning"] = {
                    "code": "api_usage_warning",
                    "message": "'input' key missing from the request",
                }
            return reply(request, body)
        refusal = write_refusal(request, settings.writes)
        if method == "PUT":
            value, _ = parse_json(await read_body(request), "body", settings.limits)
            await run_in_threadpool(store.put_data, segments, value, refusal)
        elif method == "PATCH":
            operations, _ = parse_json(await read_body(request), "body", settings.limits)
            await run_in_threadpool(store.patch_data, segments, operations, refusal)
        else:
            await run_in_threadpool(store.delete_data, segments, refusal)
        return Response(status_code=204)

    async def evaluate(segments: list[str], value: Any, has_input: bool) -> tuple[bool, Any]:
        """Where serve evaluates a decision: one call, so an engine pool can take it over."""
        return await run_in_threadpool(store.decide, segments, value, has_input)

    async def _decision_input(
        request: Request, method: str
    ) -> tuple[bool, Any, bool, tuple[Document, str]]:
        """(has input, input, warn that it is missing, where the input is in what was sent)."""
        nowhere = (Document("body", {}, {}, "", ""), "")
        if method == "GET":
            if "input" not in request.query_params:
                return False, None, False, nowhere
            raw = request.query_params["input"].encode("utf-8", "surrogatepass")
            value, document = parse_json(raw, "parameter", settings.limits)
            return True, value, False, (document, "/value")
        body = await read_body(request)
        if not body.strip():
            return False, None, True, nowhere
        parsed, document = parse_json(body, "body", settings.limits)
        if not isinstance(parsed, dict):
            raise ApiError(
                400, "invalid_parameter", "body contains malformed input: not a JSON object"
            )
        if "input" not in parsed:
            return False, None, True, nowhere
        return True, parsed["input"], False, (document, "/value/input")

    async def policies(request: Request) -> Response:
        rest = request.path_params["rest"]
        if rest and not rest.startswith("/"):
            raise HTTPException(404)
        policy_id = rest[1:]
        if not policy_id:
            if request.method != "GET":
                raise HTTPException(405)
            return reply(request, {"result": await run_in_threadpool(store.list_policies)})
        if request.method == "GET":
            return reply(request, {"result": await run_in_threadpool(store.get_policy, policy_id)})
        refusal = write_refusal(request, settings.writes)
        if request.method == "DELETE":
            await run_in_threadpool(store.delete_policy, policy_id, refusal)
            return reply(request, {})
        limit = settings.writes.max_policy_bytes if settings.writes else SERVE_MAX_POLICY
        try:
            source = (await read_body(request, limit)).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "invalid_parameter", "the policy is not UTF-8 text") from None
        await run_in_threadpool(store.put_policy, policy_id, source, refusal)
        return reply(request, {})

    async def not_found_page(_request: Request, _exc: Exception) -> Response:
        return PlainTextResponse("404 page not found\n", status_code=404)

    async def method_not_allowed(_request: Request, _exc: Exception) -> Response:
        return Response(status_code=405)

    every = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(
        routes=[
            Route("/health", api(health), methods=["GET"]),
            Route("/v1/data{rest:path}", api(data), methods=every),
            Route("/v1/policies{rest:path}", api(policies), methods=["GET", "PUT", "DELETE"]),
        ],
        exception_handlers={404: not_found_page, 405: method_not_allowed},
    )


def parse_addr(addr: str) -> tuple[str, int]:
    host, sep, port = addr.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not ASCII_DIGITS.fullmatch(port) or int(port) > 65535:
        raise InputError(f"--addr {addr!r}: give HOST:PORT, e.g. {SERVE_ADDR}")
    return host, int(port)


def listen(addr: str) -> socket.socket:
    """Bind here, not in uvicorn, so a taken port is one line and exit 2."""
    host, port = parse_addr(addr)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, sockaddr = infos[0]
        # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only then, and without it
        # small responses on a kept-alive connection wait 40 ms for a delayed ACK.
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
        sock.listen(128)
    except OSError as exc:
        raise InputError(f"--addr {addr}: cannot listen ({exc.strerror or exc})") from None
    return sock


def exposure_warning(host: str) -> str | None:
    """A warning for an address beyond loopback: anyone who can connect may ask for
    decisions, and with --allow-writes try tokens."""
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        address = None  # not an IP address: assume it reaches other machines
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address is not None and address.is_loopback:
        return None
    return (
        f"pyrules serve: warning: {host} is reachable from other machines, and anyone who "
        "can connect may ask for decisions (and, with --allow-writes, try tokens); the "
        "traffic is plain HTTP: listen on 127.0.0.1 or put a TLS gateway in front"
    )


def startup_lines(version: str, host: str, port: int) -> list[str]:
    """What serve prints on stderr: the address first (tests and scripts read it), then
    the warning when the address is not loopback."""
    shown = f"[{host}]" if ":" in host else host
    lines = [f"pyrules serve: EDHS {version} on http://{shown}:{port} (Ctrl-C stops)"]
    warning = exposure_warning(host)
    return lines if warning is None else [*lines, warning]


def serve(
    standard: Standard,
    addr: str = SERVE_ADDR,
    settings: Settings | None = None,
    engine: str | None = None,
) -> None:
    """Run until interrupted; the first line on stderr names the address (port 0 = any), a
    second warns when that address is not loopback. Decisions run on a pool of OPA engines
    in process (`engine="opa"`, the default when installed) or on regopy."""
    try:
        import uvicorn
    except ImportError:
        raise InputError(
            "pyrules serve needs Starlette and uvicorn: pip install 'pyrules-edhs[serve]'"
        ) from None
    from pyrules.evaluate import default_engine

    if (engine or default_engine()) == "opa":
        from pyrules.engine.inprocess import new_engine

        new_engine().close()  # a missing binding is one line now, not a 500 later
        pool: EnginePool | None = EnginePool()
    else:
        pool = None
    sock = listen(addr)
    store = PolicyStore.from_standard(standard, pool)
    settings = dataclasses.replace(settings or Settings(), standard=standard)
    if settings.writes is not None:
        store.compile_seconds = settings.writes.compile_seconds
    app = create_app(store, settings)
    host, port = sock.getsockname()[:2]
    for line in startup_lines(standard.version, host, port):
        print(line, file=sys.stderr, flush=True)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5
    )
    uvicorn.Server(config).run(sockets=[sock])
