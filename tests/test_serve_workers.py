"""`pyrules serve` decides in worker processes: a native crash of an engine costs one
request and one worker, never the server (issue 18 item 1); the pool's own rules; the
quick JSON reading of request bodies gives what the declaration loader gives."""

from __future__ import annotations

import asyncio
import json
import math
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_serve import call

from pyrules.engine.inprocess import GO_RUNTIME, available
from pyrules.engine.pool import INLINE_WRITE, WorkerDied, WorkerPool
from pyrules.loader import Limits, load
from pyrules.serve.api import ApiError
from pyrules.serve.decide import (
    TEST_CRASH,
    Ask,
    Decider,
    locate_json,
    read_json,
    worker_main,
)
from pyrules.serve.store import Guard, State

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = "/v1/data/pyrules/all/verdicts"
CRASHED = {"code": "internal_error", "message": "could not be evaluated: the engine crashed"}
ENGINES = ["opa", "regopy"] if available() else ["regopy"]


def reference() -> dict[str, Any]:
    return load(ROOT / "tests" / "cases" / "reference.yaml").data


def verdicts_of(url: str, declaration: dict[str, Any]) -> dict[str, Any]:
    status, body = call(url, "POST", VERDICTS, {"input": declaration})
    assert status == 200, body
    return body["result"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_request_that_crashes_the_engine_gets_500_and_the_server_goes_on(
    start_server, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    marker = f"crash-{secrets.token_hex(8)}"
    monkeypatch.setenv(TEST_CRASH, marker)  # the documented test hook: the worker aborts
    server = start_server("--engine", engine, writes=False)
    declaration = reference()
    before = verdicts_of(server.url, declaration)
    late = {**declaration, "incident_response": {**declaration["incident_response"]}}
    late["incident_response"]["breach_notification_hours"] = 96

    def decide(index: int) -> tuple[int, Any]:
        if index == 3:
            return call(server.url, "POST", VERDICTS, {"input": {"crash": marker}})
        return call(server.url, "POST", VERDICTS, {"input": late if index % 2 else declaration})

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(decide, range(8)))
    assert answers[3] == (500, CRASHED)
    for index, (status, body) in enumerate(answers):
        if index != 3:
            assert status == 200, body  # the others, in flight at the same time, are answered
    assert answers[0][1]["result"] == before
    assert answers[1][1]["result"]["INC-01"]["deny"]  # 96 hours fails, as it should
    assert verdicts_of(server.url, declaration) == before  # after the crash, a right decision
    crashes = [line for line in server.stderr if "the engine crashed" in line]
    assert len(crashes) == 1
    assert "SIGABRT" in crashes[0] and "a new worker takes its place" in crashes[0]
    assert not any("Traceback" in line for line in server.stderr)


def test_a_policy_that_overflows_rego_cpps_stack_costs_one_request(start_server) -> None:
    # A real native crash, no hook: rego-cpp's regex matcher recurses once per character
    # and overflows even its large native stack on a text of a few megabytes (SIGSEGV).
    server = start_server("--engine", "regopy")
    policy = b'package crash\n\nimport rego.v1\n\nlong if regex.match("^(a|b)*$", input.text)\n'
    assert call(server.url, "PUT", "/v1/policies/crash.rego", raw=policy) == (200, {})
    short = call(server.url, "POST", "/v1/data/crash/long", {"input": {"text": "ab" * 100}})
    assert short == (200, {"result": True})
    crash = call(server.url, "POST", "/v1/data/crash/long", {"input": {"text": "a" * 3_000_000}})
    assert crash == (500, CRASHED)
    assert call(server.url, "POST", "/v1/data/crash/long", {"input": {"text": "c"}}) == (200, {})
    assert verdicts_of(server.url, reference())["INC-01"] == {"applicable": True, "deny": []}
    assert any("SIGSEGV" in line for line in server.stderr)


def test_a_policy_that_crashes_the_compiler_is_refused_and_the_server_goes_on(
    start_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write is compiled first in a child process; had it crashed there, compiling it
    # again in the server would end the server.
    marker = f"crash-{secrets.token_hex(8)}"
    monkeypatch.setenv(TEST_CRASH, marker)  # the hook: the compiling child aborts
    server = start_server()
    policy = f"package boom\n\nimport rego.v1\n\n# {marker}\nv := 1\n".encode()
    status, body = call(server.url, "PUT", "/v1/policies/boom.rego", raw=policy)
    assert status == 400, body
    assert "compiling crashed the engine (signal 6)" in body["errors"][0]["message"]
    assert call(server.url, "GET", "/v1/policies/boom.rego")[0] == 404
    assert verdicts_of(server.url, reference())["INC-01"] == {"applicable": True, "deny": []}


def event_loops() -> list[Any]:
    """The event loops serve may run on: asyncio's own, and uvloop's when installed
    (uvicorn's choice then)."""
    try:
        import uvloop
    except ImportError:
        return [asyncio.new_event_loop]
    return [asyncio.new_event_loop, uvloop.new_event_loop]


@pytest.mark.parametrize("new_loop", event_loops())
def test_the_pool_reloads_a_worker_when_the_state_changes(new_loop: Any) -> None:
    pool = WorkerPool(worker_main, ("regopy", None, Limits()), 1, timeout=60)
    policy = "package p\n\nimport rego.v1\n\nv := input.x * {}\n\necho := input.pad\n"
    double = State(1, {"p.rego": policy.format(2)}, {})
    triple = State(2, {"p.rego": policy.format(3)}, {})
    ask = Ask(["p", "v"], b'{"input": {"x": 2}}')
    pad = "y" * (16 * INLINE_WRITE)  # far past what a socket pair holds at once

    async def asks() -> None:
        assert json.loads((await pool.call(double, ask)).body) == {"result": 4}
        assert json.loads((await pool.call(triple, ask)).body) == {"result": 6}
        answer = await pool.call(triple, Ask(["p", "w"], b'{"input": {"x": 2}}'))
        assert (answer.status, json.loads(answer.body)) == (200, {})
        # A long body and a long answer, after short ones on the same connection.
        large = json.dumps({"input": {"x": 2, "pad": pad}}).encode()
        answer = await pool.call(triple, Ask(["p", "echo"], large))
        assert json.loads(answer.body) == {"result": pad}
        assert json.loads((await pool.call(triple, ask)).body) == {"result": 6}

    try:
        with asyncio.Runner(loop_factory=new_loop) as runner:
            runner.run(asks())
    finally:
        pool.close()


def test_a_worker_past_its_time_is_stopped_and_replaced() -> None:
    count = "n := count(numbers.range(1, 50000000))"
    slow = State(1, {"s.rego": f"package s\n\nimport rego.v1\n\n{count}\n"}, {})
    quick = State(2, {"q.rego": "package q\n\nimport rego.v1\n\nv := 7\n"}, {})
    pool = WorkerPool(worker_main, ("regopy", None, Limits()), 1, timeout=0.5)

    async def asks() -> None:
        started = time.monotonic()
        with pytest.raises(WorkerDied, match=r"took longer than 0\.5 s"):
            await pool.call(slow, Ask(["s", "n"]))
        assert time.monotonic() - started < 10
        pool.timeout = 60  # the new worker's first answer includes its start
        assert json.loads((await pool.call(quick, Ask(["q", "v"]))).body) == {"result": 7}

    try:
        asyncio.run(asks())
    finally:
        pool.close()


@pytest.mark.skipif(not available(), reason="OPA's engine in process is missing")
def test_the_opa_decider_reloads_on_a_new_state_and_reports_evaluation_errors() -> None:
    decider = Decider("opa", None, Limits())
    first = State(1, {"p.rego": "package p\n\nimport rego.v1\n\nv := input.x * 2\n"}, {})
    second = State(2, {"p.rego": "package p\n\nimport rego.v1\n\nv := input.x * 3\n"}, {})
    ask = Ask(["p", "v"], b'{"input": {"x": 2}}')
    assert json.loads(decider.answer(first, ask).body) == {"result": 4}
    assert json.loads(decider.answer(second, ask).body) == {"result": 6}
    broken = State(3, {"q.rego": 'package q\n\nv := to_number("many")\n'}, {})
    answer = decider.answer(broken, Ask(["q", "v"]))
    assert answer.status == 500
    assert "to_number" in json.loads(answer.body)["errors"][0]["message"]


LIMITS = Limits(max_bytes=1 << 20, max_depth=64, max_nodes=1000)


def loader_reading(raw: bytes) -> Any:
    try:
        return locate_json(raw, "body", LIMITS)[0]
    except ApiError as exc:
        return ("refused", exc.message)


def quick_reading(raw: bytes) -> Any:
    try:
        return read_json(raw, "body", LIMITS)
    except ApiError as exc:
        return ("refused", exc.message)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 2}',
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1e400}',
        b'{"a": -1e400}',
        b'{"a": "\\ud800"}',
        b'{"a": "\\ud83d\\ude00"}',
        b'{"a": "\xff"}',
        b"\xef\xbb\xbf{}",
        b'{"a": 1} x',
        b'1, "x": 2',
        b'{"a": 01}',
        b'{"a": "\x01"}',
        "{}".encode("utf-16"),
        b"[" * 63 + b"]" * 63,
        b"[" * 64 + b"]" * 64,
        b"[" + b"1," * 600 + b"1]",
        b'["' + b"x" * (1 << 20) + b'"]',
        b'{"k": "' + b"[" * 100 + b'"}',
        b'{"k": "a\\"[{,:"}',
        b"  [1, 2.5, -0, true, false, null]  ",
    ],
)
def test_the_quick_reading_gives_what_the_loader_gives(raw: bytes) -> None:
    assert quick_reading(raw) == loader_reading(raw)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(), inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=100, deadline=None)
@given(JSON, st.booleans())
def test_the_quick_reading_agrees_with_the_loader_on_any_json(value: Any, ascii: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii).encode("utf-8", "surrogatepass")
    quick, loaded = quick_reading(raw), loader_reading(raw)
    assert json.dumps(quick) == json.dumps(loaded)  # NaN-free; -0.0 and 0.0 told apart
    assert not isinstance(quick, float) or not math.isinf(quick)


def test_the_workers_go_runtime_settings_are_in_their_start_environment(pyrules_server) -> None:
    # Go reads GOGC and GOMEMLIMIT once, from the environment its process started with: a
    # value set inside a running worker is never seen, so the server sets them before it
    # spawns its workers (a value of the user's own wins).
    server = Path(f"/proc/{pyrules_server.process.pid}")
    workers = [
        int(pid)
        for task in (server / "task").iterdir()
        for pid in (task / "children").read_text().split()
    ]
    assert workers
    for pid in workers:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        for name, value in GO_RUNTIME.items():
            wanted = os.environ.get(name, value)
            assert f"{name}={wanted}".encode() in environment, (pid, name)


SEGMENTS = st.lists(st.sampled_from(["edhs", "inc", "all", "pyrules", "x"]), max_size=4)


@given(
    SEGMENTS,
    st.lists(
        st.lists(st.sampled_from(["edhs", "inc", "pyrules", "all"]), min_size=1, max_size=3),
        max_size=4,
    ),
)
def test_a_guard_reaches_what_a_comparison_with_each_package_reaches(
    segments: list[str], packages: list[list[str]]
) -> None:
    # a package at, above or below the path: the definition, one comparison per package
    expected = any(
        segments[: len(package)] == package or package[: len(segments)] == segments
        for package in packages
    )
    assert Guard(packages).reaches(segments) == expected
