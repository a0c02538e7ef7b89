"""The embedded engine: regopy (rego-cpp), compiled once, one query per declaration.

Guards against regopy 1.5 defects (each has a test in tests/engine/test_embedded.py):
- formatting a failed output crashes the process: we never `str()` an output that is not
  ok and read the error through the interpreter instead;
- an unknown function, or a built-in failing inside an expression, yields an "ok" output
  whose text is an error term, not JSON: that is an engine error, never a pass;
- syntax errors come as byte offsets: we turn them into file:line:col;
- the engine prints compile errors to stdout unless its log level is NONE;
- its regex matcher recurses once per character and overflows a thread's default 8 MiB
  native stack on texts of about 26 KB, killing the process: every query runs in a thread
  with a stack of EVAL_STACK_BYTES (about 1.5 MB of text), reserved, not used, until a
  deep match touches it.
Built-in errors are made strict, so a failing built-in cannot silently empty `deny`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import regopy
from regopy.rego_shared import (
    RegoError,
    rego_bundle_query,
    rego_bundle_query_entrypoint,
    rego_free_output,
    rego_get_error,
    rego_output_ok,
    rego_output_string,
)

from pyrules.cache import default_cache_dir, prune
from pyrules.engine import RawResult, all_controls_query, evaluate_alone, parse_control_output
from pyrules.errors import InputError, StandardError
from pyrules.model import Control, Module

regopy.set_default_log_level("None")

ERROR_LOCATION = re.compile(r"\(error \d+:(?P<file>[^|]+)\|(?P<offset>\d+)\|\d+")
ERROR_MESSAGE = re.compile(r"\(errormsg \d+:(?P<msg>[^)]*)\)")


def new_interpreter() -> regopy.Interpreter:
    rego = regopy.Interpreter()
    rego.log_level = regopy.LogLevel.NONE
    rego.strict_built_in_errors = True
    return rego


def last_error(interpreter: regopy.Interpreter) -> str:
    """The interpreter's error tree from its last build or query, or "" (regopy keeps it
    behind its private handle; a failed output must not be formatted to read it)."""
    return rego_get_error(interpreter._impl).strip()


def entrypoints(controls: Iterable[Control]) -> list[str]:
    return [
        f"{c.package.replace('.', '/')}/{rule}" for c in controls for rule in ("applicable", "deny")
    ]


def offset_to_line_col(source: str, offset: int) -> tuple[int, int]:
    """rego-cpp reports byte offsets; users need line and column (both 1-based)."""
    prefix = source.encode("utf-8")[:offset].decode("utf-8", errors="replace")
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return line, column


def describe_rego_error(text: str, sources: dict[str, str]) -> str:
    """One line `file:line:col: message` from rego-cpp's error tree."""
    message_match = ERROR_MESSAGE.search(text)
    message = message_match.group("msg").strip() if message_match else text.strip()
    location = ERROR_LOCATION.search(text)
    if location and location.group("file") in sources:
        name = location.group("file")
        line, col = offset_to_line_col(sources[name], int(location.group("offset")))
        return " ".join(f"{name}:{line}:{col}: {message}".split())
    return " ".join(message.split())


INT64 = (-(2**63), 2**63 - 1)
NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\u2028\u2029]')


MAX_INPUT_DEPTH = 200


def to_rego_value(value: Any, depth: int = 0) -> Any:
    """rego-cpp keeps strings JSON-escaped inside; regopy's `set_input` hands them over raw,
    which breaks equality with literals and makes the output invalid JSON. Escaping here
    gives the same semantics as `set_input_term` at a lower cost. Declarations are already
    depth-limited by the loader; the limit here guards other callers (pyrules serve)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)[1:-1] if NEEDS_ESCAPE.search(value) else value
    if isinstance(value, dict | list) and depth >= MAX_INPUT_DEPTH:
        raise InputError(f"the input is nested more than {MAX_INPUT_DEPTH} levels deep")
    if isinstance(value, dict):
        return {to_rego_value(k): to_rego_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [to_rego_value(v, depth + 1) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        # rego-cpp keeps integers in 64 bits and wraps larger ones silently (2**64 + 24 hours
        # would pass a 72-hour limit): hand them over as floats, which keep their order.
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")  # not JSON: an engine error
    return value


class EmbeddedEngine:
    """Compiles the standard's modules with one set of parameters, then evaluates inputs.

    Compiling the standard takes tens of milliseconds, loading a compiled bundle a few, so
    compiled bundles are cached on disk by the digest of everything that went into them.
    """

    name = "regopy"
    version = f"regopy {regopy.__version__}"

    def __init__(
        self,
        modules: Iterable[Module],
        params: dict[str, Any],
        controls: Iterable[Control],
        cache_dir: Path | None = None,
    ) -> None:
        self.controls = tuple(controls)
        self._sources = {m.path: m.source for m in modules}
        self._runner = new_interpreter()
        query, points = all_controls_query(self.controls), entrypoints(self.controls)
        cache = (cache_dir or default_cache_dir()) / f"{self._key(params, query, points)}.rbb"
        self.bundle_file = cache  # where its compiled bundle is cached
        self._bundle = self._load_cached(cache) or self._build(params, query, points, cache)

    def _key(self, params: dict[str, Any], query: str, points: list[str]) -> str:
        h = hashlib.sha256(regopy.__version__.encode())
        h.update(json.dumps([params, query, points, sorted(self._sources.items())]).encode())
        return h.hexdigest()

    def _load_cached(self, cache: Path) -> regopy.Bundle | None:
        """The cached bundle, only when it is byte for byte the one pyrules saved: regopy
        prints to stdout and may misbehave on a damaged file, so it never sees one."""
        try:
            expected = _digest_path(cache).read_text(encoding="ascii").strip()
            actual = hashlib.sha256(cache.read_bytes()).hexdigest()
        except (OSError, UnicodeDecodeError):
            return None
        if actual != expected:
            return None
        try:
            bundle = self._runner.load_bundle(str(cache), regopy.BundleFormat.Binary)
        except RegoError:
            return None
        with contextlib.suppress(OSError):
            os.utime(cache)  # recently used: pruning keeps it
        return bundle if bundle.ok() else None

    def _build(
        self, params: dict[str, Any], query: str, points: list[str], cache: Path
    ) -> regopy.Bundle:
        builder = new_interpreter()
        try:
            # As JSON text, so rego-cpp escapes strings itself (see to_rego_value).
            builder.add_data_json(json.dumps({"edhs": {"params": params}}, ensure_ascii=False))
            for path, source in self._sources.items():
                builder.add_module(path, source)
            bundle = builder.build(query, points)
        except RegoError as exc:
            raise StandardError(describe_rego_error(str(exc), self._sources)) from None
        if not bundle.ok():
            raise StandardError("the standard's policies did not compile")
        _save_quietly(builder, bundle, cache)
        return bundle

    def evaluate(self, declaration: dict[str, Any]) -> dict[str, RawResult]:
        self._runner.set_input(to_rego_value(declaration))
        value, error = self._query(None)
        if error is None and isinstance(value, dict):
            return {c.id: parse_control_output(value.get(c.id)) for c in self.controls}
        # One control broke the shared query: evaluate each alone to find which.
        return {c.id: self._evaluate_one(c) for c in self.controls}

    def _evaluate_one(self, control: Control) -> RawResult:
        return evaluate_alone(
            control, lambda package, rule: self._query(f"{package.replace('.', '/')}/{rule}")
        )

    def _query(self, entrypoint: str | None) -> tuple[Any, str | None]:
        """The query's value, or why there is none."""
        output = run_query(self._runner, self._bundle, self._sources, entrypoint)
        if output.error is not None:
            return None, output.error
        if output.undefined:
            return None, "the policy's result is undefined (a rule without a default?)"
        return _extract(output.parsed, entrypoint is None)


T = TypeVar("T")
EVAL_STACK_BYTES = 512 * 1024 * 1024
_STACK_SIZE_LOCK = threading.Lock()  # threading.stack_size is process-wide
_workers = threading.local()


def on_large_stack(call: Callable[[], T]) -> T:
    """`call()` on a thread with a native stack of EVAL_STACK_BYTES: a deep regex match then
    has room where the caller's (main or pool) thread has 8 MiB at most. Each calling
    thread keeps one such worker, so the pages a query touched stay mapped for the next."""
    worker = getattr(_workers, "worker", None)
    if worker is None:
        worker = _workers.worker = _StackWorker()
    return worker.run(call)


class _StackWorker:
    """One thread with a large stack, serving one calling thread; it ends with that thread
    (when the thread-local is dropped, a None stops it)."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with _STACK_SIZE_LOCK:
            previous = threading.stack_size(EVAL_STACK_BYTES)
            try:
                threading.Thread(
                    target=_serve_calls, args=(self._calls,), name="pyrules-eval", daemon=True
                ).start()
            finally:
                threading.stack_size(previous)

    def run(self, call: Callable[[], T]) -> T:
        answer: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self._calls.put((call, answer))
        ok, value = answer.get()
        if not ok:
            raise value
        return value

    def __del__(self) -> None:
        self._calls.put(None)


def _serve_calls(calls: queue.SimpleQueue[Any]) -> None:
    while (item := calls.get()) is not None:
        call, answer = item
        try:
            answer.put((True, call()))
        except BaseException as exc:  # handed back to the caller, raised there
            answer.put((False, exc))


class QueryOutput(NamedTuple):
    """What one query of a compiled bundle gave: regopy's parsed result, nothing
    (undefined), or an error as one line."""

    parsed: Any = None
    undefined: bool = False
    error: str | None = None


def run_query(
    runner: regopy.Interpreter,
    bundle: regopy.Bundle,
    sources: dict[str, str],
    entrypoint: str | None = None,
) -> QueryOutput:
    """Query a compiled bundle on raw outputs, so that a failed output is never formatted
    (regopy crashes on that) and an error term in an "ok" output is an error, not JSON."""
    return on_large_stack(lambda: _run_query(runner, bundle, sources, entrypoint))


def _run_query(
    runner: regopy.Interpreter,
    bundle: regopy.Bundle,
    sources: dict[str, str],
    entrypoint: str | None,
) -> QueryOutput:
    try:
        if entrypoint is None:
            impl = rego_bundle_query(runner._impl, bundle._impl)
        else:
            impl = rego_bundle_query_entrypoint(runner._impl, bundle._impl, entrypoint)
    except RegoError as exc:
        return QueryOutput(error=describe_rego_error(str(exc), sources))
    try:
        if not rego_output_ok(impl):
            detail = last_error(runner)
            return QueryOutput(
                error=describe_rego_error(detail, sources)
                if detail
                else "the policy failed while evaluating (a built-in met a wrong type or value)"
            )
        text = rego_output_string(impl)
    finally:
        rego_free_output(impl)
    if text == "undefined":
        return QueryOutput(undefined=True)
    try:
        return QueryOutput(parsed=json.loads(text))
    except json.JSONDecodeError:
        return QueryOutput(error=describe_rego_error(text, sources))


def _digest_path(cache: Path) -> Path:
    return cache.with_name(cache.name + ".sha256")


# Each reference date, profile or standard version compiles a bundle of its own (about
# 0.5 MB): the newest CACHE_KEEP are kept, about 8 MB, and a load counts as a use.
CACHE_KEEP = 16


def prune_cache(folder: Path, keep: int) -> None:
    """Remove all but the `keep` most recently used bundles (and their digests) from
    `folder`; what another process removes meanwhile is no error."""
    for path in prune(folder, "*.rbb", keep):
        with contextlib.suppress(OSError):
            _digest_path(path).unlink()


def _save_quietly(builder: regopy.Interpreter, bundle: regopy.Bundle, cache: Path) -> None:
    """The cache only saves time: a read-only or full disk must not fail a check. The
    bundle's digest is written beside it, last, so a half-written cache is never used."""
    import tempfile  # only when the cache is filled: a few ms of every cold start

    temporary = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        os.close(fd)
        builder.save_bundle(temporary, bundle, regopy.BundleFormat.Binary)
        digest = hashlib.sha256(Path(temporary).read_bytes()).hexdigest()
        os.replace(temporary, cache)
        temporary = None
        _digest_path(cache).write_text(digest + "\n", encoding="ascii")
        prune_cache(cache.parent, CACHE_KEEP)
    except (OSError, RegoError):
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _extract(parsed: Any, from_query: bool) -> tuple[Any, str | None]:
    """Take the value out of regopy's result shape: bindings for the query, the first
    expression for an entrypoint."""
    results = parsed if isinstance(parsed, list) else [parsed]
    if len(results) != 1 or not isinstance(results[0], dict):
        return None, "the policy's result is undefined or ambiguous"
    result = results[0]
    if from_query:
        bindings = result.get("bindings", {})
        if "result" not in bindings:
            return None, "the policy's result is undefined (a rule without a default?)"
        return bindings["result"], None
    expressions = result.get("expressions", [])
    if len(expressions) != 1:
        return None, "the policy's result is undefined"
    return expressions[0], None
