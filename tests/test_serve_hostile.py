"""`pyrules serve` against hostile requests (issue 18 items 2, 3 and 9; issue 11 item 5):
each gets a 4xx in OPA's error shape and one log line, never a 5xx or a traceback."""

from __future__ import annotations

import copy
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import SERVE_TOKEN
from test_serve import call

from pyrules.loader import load

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = "/v1/data/pyrules/all/verdicts"


@pytest.fixture(scope="module")
def declaration() -> dict[str, Any]:
    return load(ROOT / "tests" / "cases" / "reference.yaml").data


def assert_opa_error(answer: tuple[int, Any], status: int) -> dict[str, Any]:
    got, body = answer
    assert got == status, body
    assert isinstance(body, dict) and isinstance(body.get("code"), str), body
    assert isinstance(body.get("message"), str)
    return body


def nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{}",
        b'{"input": 5}',
        b'{"input": "\\ud800"}',
        b'{"input": [' + b",".join([b"1"] * 500_000) + b"]}",
        json.dumps({"input": nested(63)}).encode(),
        json.dumps({"input": nested(100)}).encode(),
    ],
    ids=["empty", "no-input", "number", "lone-surrogate", "500k-integers", "63-deep", "100-deep"],
)
def test_a_bad_decision_request_is_400(pyrules_server, raw: bytes) -> None:
    started = time.monotonic()
    assert_opa_error(call(pyrules_server.url, "POST", VERDICTS, raw=raw), 400)
    assert time.monotonic() - started < 10
    assert call(pyrules_server.url, "GET", "/health") == (200, {})


def test_a_schema_breaking_input_gets_every_located_problem_and_no_verdict(
    pyrules_server, declaration: dict[str, Any]
) -> None:
    broken = copy.deepcopy(declaration)
    broken["metadata"]["elections"] = []
    broken["platform"]["is_vlop"] = "yes"
    broken["metadata"]["jurisdictions"] = "IE"
    body = assert_opa_error(call(pyrules_server.url, "POST", VERDICTS, {"input": broken}), 400)
    assert "result" not in body
    pointers = {error["pointer"] for error in body["errors"]}
    assert {"/metadata/elections", "/platform/is_vlop", "/metadata/jurisdictions"} <= pointers
    text = json.dumps({"input": broken})
    for error in body["errors"]:  # placed where the field is in the request, not at its top
        assert error["location"]["row"] == 1 and error["location"]["col"] > len('{"input": {')
    is_vlop = next(e for e in body["errors"] if e["pointer"] == "/platform/is_vlop")
    assert text[is_vlop["location"]["col"] - 1 :].startswith('"is_vlop": "yes"')


def test_wrong_typed_fields_are_400_on_a_single_control_too(
    pyrules_server, declaration: dict[str, Any]
) -> None:
    broken = copy.deepcopy(declaration)
    broken["incident_response"]["breach_notification_hours"] = "96"
    path = "/v1/data/edhs/inc/breach_notification/deny"
    body = assert_opa_error(call(pyrules_server.url, "POST", path, {"input": broken}), 400)
    assert body["errors"][0]["pointer"] == "/incident_response/breach_notification_hours"
    query = "?input=" + json.dumps(5)
    assert_opa_error(call(pyrules_server.url, "GET", path + query), 400)


def test_a_valid_declaration_still_gets_its_verdicts(
    own_server, declaration: dict[str, Any]
) -> None:
    # A server of its own, told the reference date the reference declaration is written
    # for (the cases' default), so no other test's data and no calendar change the verdicts.
    params = json.loads((ROOT / "policies" / "edhs" / "params" / "data.json").read_text())
    params["assessment"]["reference_date"] = "2026-10-01"
    assert call(own_server.url, "PUT", "/v1/data/edhs/params", params)[0] == 204
    status, body = call(own_server.url, "POST", VERDICTS, {"input": declaration})
    assert status == 200
    assert {k: v["deny"] for k, v in body["result"].items() if v["deny"]} == {}


def test_an_index_past_64_bits_is_a_string_key_not_an_engine_message(pyrules_server) -> None:
    assert call(pyrules_server.url, "GET", "/v1/data/99999999999999999999999") == (200, {})
    status, body = call(pyrules_server.url, "GET", "/v1/data/edhs/params/accepted_mfa_types/0")
    assert (status, body) == (200, {"result": "fido2"})


def test_a_client_that_disconnects_mid_body_costs_one_log_line(start_server) -> None:
    server = start_server()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/data/pyrules/all/verdicts HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 100000\r\n\r\n" + b'{"input": {' + b" " * 100
        )
    deadline = time.monotonic() + 10
    while not any("disconnected" in line for line in server.stderr):
        assert time.monotonic() < deadline, server.stderr
        time.sleep(0.05)
    assert call(server.url, "GET", "/health") == (200, {})
    assert not any("Traceback" in line for line in server.stderr)


# --- writes -------------------------------------------------------------------------------

POLICY = b"package demo\n\nimport rego.v1\n\nallow := true\n"


def test_writes_are_off_by_default_but_a_write_that_changes_nothing_is_answered(
    start_server,
) -> None:
    server = start_server(writes=False)
    assert_opa_error(call(server.url, "PUT", "/v1/policies/demo.rego", raw=POLICY), 403)
    patch = [{"op": "replace", "path": "/min_audience_size", "value": 1}]
    assert_opa_error(call(server.url, "PATCH", "/v1/data/edhs/params", patch), 403)
    standard = "/v1/policies/edhs/inc/inc_01_breach_notification.rego"
    _, body = call(server.url, "GET", standard)
    same = body["result"]["raw"].encode()
    assert call(server.url, "PUT", standard, raw=same) == (200, {})
    assert_opa_error(call(server.url, "DELETE", standard), 403)
    assert call(server.url, "GET", "/v1/data/edhs/params/min_audience_size") == (
        200,
        {"result": 1000},
    )


def test_a_write_needs_the_bearer_token(own_server) -> None:
    for token in (None, "wrong-token-0123456789"):
        answer = call(own_server.url, "PUT", "/v1/policies/demo.rego", raw=POLICY, token=token)
        assert assert_opa_error(answer, 401)["code"] == "unauthorized"
    assert call(own_server.url, "PUT", "/v1/policies/demo.rego", raw=POLICY) == (200, {})
    assert call(own_server.url, "GET", "/v1/data/demo/allow") == (200, {"result": True})


def test_a_policy_over_the_size_limit_is_413(start_server) -> None:
    server = start_server("--max-policy-bytes", "1000")
    big = POLICY + b"".join(b"a%d := 1\n" % i for i in range(200))
    assert_opa_error(call(server.url, "PUT", "/v1/policies/big.rego", raw=big), 413)


def test_a_policy_that_compiles_too_long_is_refused_and_the_server_goes_on(start_server) -> None:
    server = start_server("--compile-timeout", "1.5")
    slow = b"package slow\n" + b"a := 1\n" * 4000  # about 5 s for rego-cpp
    started = time.monotonic()
    body = assert_opa_error(call(server.url, "PUT", "/v1/policies/slow.rego", raw=slow), 400)
    assert "longer than 1.5 s" in body["errors"][0]["message"]
    assert time.monotonic() - started < 4
    assert call(server.url, "GET", "/v1/policies/slow.rego")[0] == 404
    assert call(server.url, "PUT", "/v1/policies/demo.rego", raw=POLICY) == (200, {})


def test_allow_writes_without_a_token_file_is_one_line_exit_2(tmp_path: Path) -> None:
    from helpers import pyrules

    result = pyrules("serve", "--addr", "127.0.0.1:0", "--allow-writes")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--token-file" in result.stderr
    weak = tmp_path / "token"
    weak.write_text("short\n", encoding="utf-8")
    result = pyrules("serve", "--addr", "127.0.0.1:0", "--allow-writes", "--token-file", weak)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{weak}:1:")


def test_the_server_logs_one_line_per_refused_request_and_no_traceback(start_server) -> None:
    server = start_server()
    before = len(server.stderr)
    call(server.url, "POST", VERDICTS, raw=b'{"input": "\\ud800"}')
    call(server.url, "PUT", "/v1/policies/x.rego", raw=POLICY, token="wrong-token-0123456789")
    deadline = time.monotonic() + 10
    while len(server.stderr) < before + 2:
        assert time.monotonic() < deadline, server.stderr
        time.sleep(0.05)
    new = server.stderr[before:]
    assert new[0].startswith("pyrules serve: 400 POST /v1/data/pyrules/all/verdicts: ")
    assert new[1].startswith("pyrules serve: 401 PUT /v1/policies/x.rego: ")
    assert not any("Traceback" in line for line in server.stderr)
    assert SERVE_TOKEN not in "".join(server.stderr)
