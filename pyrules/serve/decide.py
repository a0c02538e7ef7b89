"""A decision, from the request's bytes to the response's: parse the input with the
declaration loader's limits, validate it when it reaches an EDHS control, evaluate it on
one engine, write the answer. `pyrules serve` runs this in worker processes
(`worker_main`), so an engine that crashes takes down a worker, not the server; tests and
the fuzz suite run it in process.

TEST HOOK, for tests only: when the environment variable PYRULES_SERVE_TEST_CRASH holds a
string, a worker asked to decide on a request whose bytes contain that string aborts
(`os.abort()`), as a native crash of rego-cpp or of the Go runtime would end it; so does
the child that times a compile after a write (`store.compile_child`) when a policy holds
it. Never set it in production.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pyrules.engine.opa import AGGREGATE_PACKAGE, AGGREGATE_RULE
from pyrules.errors import InputError, StandardError
from pyrules.loader import Document, Limits, LoadError, loads
from pyrules.schema import declaration_problems
from pyrules.serve.api import ApiError, data_ref, evaluation_error, to_json
from pyrules.serve.store import TEST_CRASH, State, build_bundle

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from pyrules.engine.pool import WorkerPool
    from pyrules.standard import Standard

# Prepared (compiled, on regopy) when a worker starts, so the first verdicts do not wait.
WARM_QUERY = f"result := data.{AGGREGATE_PACKAGE}.{AGGREGATE_RULE}"
MAX_QUERIES = 256  # distinct queries an engine keeps prepared before it is rebuilt
WRAP = b'{"value":'  # the loader reads a mapping: any JSON value is parsed inside one
# A JSON string, written as "unrolled loop" (runs of plain bytes at once): three times
# faster than one alternation per byte on a declaration, for the same matches.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


@dataclass(frozen=True)
class Ask:
    """One decision request: `data.<segments>` on the input in `source` (a POST body, or
    the `input` query parameter of a GET, or None); `guarded`: the path reaches an EDHS
    control, so the input must be a valid declaration. No segments: only load the state
    and prepare the query for every control's verdict (`WARM_QUERY`)."""

    segments: list[str] | None
    source: bytes | None = None
    is_body: bool = True
    guarded: bool = False
    pretty: bool = False


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    log: str | None = None  # why a request was refused or failed, for the server's log


class Evaluator(Protocol):
    def decide(self, state: State, query: str, value: Any, has_input: bool) -> tuple[bool, Any]:
        """(defined, value) of `result` in the query; ApiError when it cannot be evaluated."""
        ...


def read_json(raw: bytes, what: str, limits: Limits) -> Any:
    """The value, as the declaration loader reads it with its limits (size, nesting,
    values, strict UTF-8, no lone surrogates, duplicate keys, NaN or infinite numbers):
    through `json.loads` when the bytes are surely within them, else by the loader."""
    value = _quick_json(raw, limits)
    return locate_json(raw, what, limits)[0] if value is _UNSURE else value


_UNSURE = object()


def _quick_json(raw: bytes, limits: Limits) -> Any:
    """json.loads where it gives what the loader gives; _UNSURE wherever it might not."""
    if len(WRAP) + len(raw) + 2 > limits.max_bytes or _SURROGATE_ESCAPE.search(raw):
        return _UNSURE  # perhaps half a surrogate pair: the loader checks each
    bare = _STRING.sub(b'""', raw)  # the JSON around its strings
    opens = bare.count(b"[") + bare.count(b"{")
    # values and keys: at most two per element, one element per comma or container
    if 3 + 2 * (bare.count(b",") + opens) > limits.max_nodes:
        return _UNSURE
    if _depth(bare) >= limits.max_depth:  # the wrapper is one level more
        return _UNSURE
    try:
        return json.loads(
            raw.decode("utf-8"),
            parse_constant=_refuse,
            parse_float=_finite,
            object_pairs_hook=_unique,
        )
    except (ValueError, RecursionError):
        return _UNSURE


def _depth(bare: bytes) -> int:
    depth = deepest = 0
    for byte in bare.translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse(constant: str) -> Any:
    raise ValueError(constant)


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("duplicate key")
    return mapping


def locate_json(raw: bytes, what: str, limits: Limits) -> tuple[Any, Document]:
    """The value, parsed by the declaration loader, and where each part is (positions
    under `/value`); OPA's 400 with the line and column of the first problem."""
    try:
        document = loads(WRAP + raw + b"\n}", what, fmt="json", limits=limits)
    except LoadError as exc:
        column = exc.column - len(WRAP) if exc.line == 1 else exc.column
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
        column = position.column - len(WRAP) if position.line == 1 else position.column
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


class Decider:
    """Answers decision requests on one engine: `opa` (OPA's engine in process) or
    `regopy`. Not shared between threads."""

    def __init__(self, engine: str, standard: Standard | None, limits: Limits) -> None:
        self.standard, self.limits = standard, limits
        self.evaluator: Evaluator = OpaEvaluator() if engine == "opa" else RegopyEvaluator()

    def answer(self, state: State, ask: Ask) -> Answer:
        try:
            if ask.segments is None:
                self.evaluator.decide(state, "result := true", None, False)  # loads them all
                with contextlib.suppress(ApiError):  # without an input, a control may fail
                    self.evaluator.decide(state, WARM_QUERY, None, False)
                return Answer(204, b"")
            return Answer(200, to_json(self._decide(state, ask), ask.pretty))
        except ApiError as exc:
            error = exc
        except Exception as exc:  # a bug: still OPA's shape and one line, no traceback
            error = ApiError(500, "internal_error", f"unexpected {type(exc).__name__}")
        return Answer(error.status, to_json(error.body(), ask.pretty), error.message)

    def _decide(self, state: State, ask: Ask) -> dict[str, Any]:
        assert ask.segments is not None
        has_input, value, warning = self._input(ask)
        if self.standard is not None and ask.guarded:
            if not has_input:
                raise ApiError(
                    400,
                    "invalid_parameter",
                    "a decision on EDHS controls needs an input: the declaration",
                )
            self._validate(ask, value)
        query = f"result := {data_ref(ask.segments)}"
        defined, result = self.evaluator.decide(state, query, value, has_input)
        body: dict[str, Any] = {"result": result} if defined else {}
        if warning:
            body["warning"] = {
                "code": "api_usage_warning",
                "message": "'input' key missing from the request",
            }
        return body

    def _input(self, ask: Ask) -> tuple[bool, Any, bool]:
        """(has input, input, warn that it is missing), as OPA reads a request."""
        if ask.source is None:
            return False, None, False
        if not ask.is_body:
            return True, read_json(ask.source, "parameter", self.limits), False
        if not ask.source.strip():
            return False, None, True
        parsed = read_json(ask.source, "body", self.limits)
        if not isinstance(parsed, dict):
            raise ApiError(
                400, "invalid_parameter", "body contains malformed input: not a JSON object"
            )
        if "input" not in parsed:
            return False, None, True
        return True, parsed["input"], False

    def _validate(self, ask: Ask, value: Any) -> None:
        """Schema problems located in what was sent: the loader reads it again for the
        positions, only when there are problems."""
        assert self.standard is not None and ask.source is not None
        if not declaration_problems(value, self.standard):
            return
        what, pointer = ("body", "/value/input") if ask.is_body else ("parameter", "/value")
        _, document = locate_json(ask.source, what, self.limits)
        error = declaration_error(value, self.standard, document, pointer)
        if error is not None:
            raise error


class OpaEvaluator:
    """OPA's engine in process, reloaded when the state changes, and after MAX_QUERIES
    distinct queries (the binding keeps every prepared query it has seen)."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._version: int | None = None
        self._queries: set[str] = set()

    def _load(self, state: State) -> None:
        """A new engine with these policies and data; if loading fails, the engine stays
        marked unloaded, so the next decision tries again."""
        from pyrules.engine.inprocess import new_engine

        if self._engine is not None:
            self._engine.close()
        self._engine, self._version = new_engine(), None
        self._queries.clear()
        for path, source in state.modules.items():
            self._engine.add_policy(path, source)
        self._engine.add_data(state.data)
        self._version = state.version

    def decide(self, state: State, query: str, value: Any, has_input: bool) -> tuple[bool, Any]:
        from opa_bindings import OpaError

        try:
            full = query not in self._queries and len(self._queries) >= MAX_QUERIES
            if self._version != state.version or full:
                self._load(state)
            self._queries.add(query)
            rows = self._engine.eval_query(query, value if has_input else None)
        except OpaError as exc:
            raise evaluation_error(" ".join(exc.message.split())) from None
        if len(rows) != 1 or "result" not in rows[0]:
            return False, None
        return True, rows[0]["result"]


class RegopyEvaluator:
    """rego-cpp, with a compiled bundle per query (the last CACHED_DECISIONS), dropped
    when the state changes."""

    CACHED_DECISIONS = 256

    def __init__(self) -> None:
        from pyrules.engine.embedded import new_interpreter

        self._bundles: OrderedDict[str, Any] = OrderedDict()
        self._version: int | None = None
        self._with_input = new_interpreter()
        self._without_input = new_interpreter()  # input stays undefined here

    def decide(self, state: State, query: str, value: Any, has_input: bool) -> tuple[bool, Any]:
        from pyrules.engine.embedded import run_query, to_rego_value

        try:
            prepared = to_rego_value(value) if has_input else None
        except InputError as exc:
            raise ApiError(400, "invalid_parameter", str(exc)) from None
        if self._version != state.version:
            self._bundles.clear()
            self._version = state.version
        bundle = self._bundles.get(query)
        if bundle is None:
            bundle = self._bundles[query] = build_bundle(state.modules, state.data, query)
            if len(self._bundles) > self.CACHED_DECISIONS:
                self._bundles.popitem(last=False)
        else:
            self._bundles.move_to_end(query)
        runner = self._with_input if has_input else self._without_input
        if has_input:
            runner.set_input(prepared)
        output = run_query(runner, bundle, state.modules)
        if output.error is not None:
            raise evaluation_error(output.error)
        if output.undefined:
            return False, None
        results = output.parsed if isinstance(output.parsed, list) else [output.parsed]
        bindings = results[0].get("bindings", {}) if len(results) == 1 else {}
        if not isinstance(bindings, dict) or "result" not in bindings:
            return False, None
        return True, bindings["result"]


class Decisions(Protocol):
    """Where decisions are made: in this process or in worker processes."""

    async def answer(self, state: State, ask: Ask) -> Answer: ...


class InProcess:
    """One decider in this process, one decision at a time, in a thread (tests, the fuzz
    suite)."""

    def __init__(self, decider: Decider) -> None:
        self._decider, self._lock = decider, threading.Lock()

    async def answer(self, state: State, ask: Ask) -> Answer:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self._answer, state, ask)

    def _answer(self, state: State, ask: Ask) -> Answer:
        with self._lock:
            return self._decider.answer(state, ask)


class InWorkers:
    """Deciders in worker processes (`worker_main`): a crash ends one worker and one
    request, which gets OPA's 500 body; a new worker takes its place."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool

    async def answer(self, state: State, ask: Ask) -> Answer:
        from pyrules.engine.pool import WorkerDied

        try:
            answer: Answer = await self.pool.call(state, ask)
        except WorkerDied as exc:
            message = f"could not be evaluated: {exc.reason}"
            body = to_json({"code": "internal_error", "message": message}, ask.pretty)
            return Answer(500, body, f"{message} ({exc.detail}; a new worker takes its place)")
        return answer

    def warm(self, state: State) -> None:
        """Load the state into every worker now, not on the first requests; a worker that
        cannot is one line and exit 2."""
        from pyrules.engine.pool import WorkerDied

        try:
            answers: list[Answer] = self.pool.warm(state, Ask(None))
        except WorkerDied as exc:
            reason = f"{exc.reason} ({exc.detail})"
            raise StandardError(f"the engine could not start: {reason}") from None
        for answer in answers:
            if answer.status != 204:
                raise StandardError(f"the engine could not load the policies: {answer.log}")


def worker_main(
    connection: Connection, engine: str, standard: Standard | None, limits: Limits
) -> None:
    """A worker process: answer `(state or None, Ask)` messages until the server closes
    the pipe. The state comes only when it changed since the last message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    decider = Decider(engine, standard, limits)
    crash = os.environ.get(TEST_CRASH, "").encode("utf-8")
    state = State(0, {}, {})
    while True:
        try:
            new_state, ask = connection.recv()
        except EOFError:
            return
        state = new_state or state
        if crash and ask.source is not None and crash in ask.source:
            os.abort()  # the test hook: see the module's docstring
        connection.send(decider.answer(state, ask))
