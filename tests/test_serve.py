"""`pyrules serve` over real HTTP on 127.0.0.1: EDHS decisions out of the box, OPA's API
shapes for policies and data, and OPA's error bodies for bad requests."""

from __future__ import annotations

import asyncio
import copy
import http.client
import inspect
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from helpers import SERVE_TOKEN

from pyrules.engine.embedded import EmbeddedEngine
from pyrules.loader import load
from pyrules.serve import PolicyStore, create_app, startup_lines
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
KESTREL = ROOT / "examples" / "declarations" / "kestrel-video.yaml"


def call(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    raw: bytes | None = None,
    token: str | None = SERVE_TOKEN,
) -> tuple[int, Any]:
    """One request (with the test servers' bearer token unless `token=None`); the JSON
    answer decoded (text when it is not JSON, None when empty)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    if not text:
        return response.status, None
    try:
        return response.status, json.loads(text)
    except json.JSONDecodeError:
        return response.status, text


def test_health(pyrules_server) -> None:
    assert call(pyrules_server.url, "GET", "/health") == (200, {})


def test_every_control_in_one_decision_as_the_embedded_engine_says(pyrules_server) -> None:
    standard = load_standard()
    declaration = load(KESTREL).data
    status, body = call(
        pyrules_server.url, "POST", "/v1/data/pyrules/all/verdicts", {"input": declaration}
    )
    assert status == 200
    verdicts = body["result"]
    assert sorted(verdicts) == sorted(c.id for c in standard.controls)
    # the server is shared: other tests may have pushed parameters (a reference date)
    _, served = call(pyrules_server.url, "GET", "/v1/data/edhs/params")
    embedded = EmbeddedEngine(standard.modules, served["result"], standard.controls)
    expected = embedded.evaluate(declaration)
    for control_id, raw in expected.items():
        assert verdicts[control_id]["applicable"] == raw.applicable
        findings = sorted((f["path"], f["msg"]) for f in verdicts[control_id]["deny"])
        assert findings == [(f.path, f.msg) for f in raw.deny]


def late_notification(hours: int) -> dict[str, Any]:
    """A valid declaration (decisions on EDHS controls need one) that notifies in `hours`."""
    declaration = load(ROOT / "tests" / "cases" / "reference.yaml").data
    declaration["incident_response"]["breach_notification_hours"] = hours
    return declaration


def test_one_control_and_the_parameters_by_path(pyrules_server) -> None:
    hours = late_notification(96)
    status, body = call(
        pyrules_server.url, "POST", "/v1/data/edhs/inc/breach_notification/deny", {"input": hours}
    )
    assert status == 200
    assert body["result"][0]["path"] == "/incident_response/breach_notification_hours"
    status, body = call(pyrules_server.url, "GET", "/v1/data/edhs/params/min_audience_size")
    assert (status, body) == (200, {"result": 1000})
    status, body = call(pyrules_server.url, "GET", "/v1/data/edhs/params/accepted_mfa_types/0")
    assert (status, body) == (200, {"result": "fido2"})


def test_an_undefined_decision_has_no_result(pyrules_server) -> None:
    assert call(pyrules_server.url, "POST", "/v1/data/no/such/rule", {"input": {}}) == (200, {})


def test_a_post_without_input_warns_as_opa_does(pyrules_server) -> None:
    status, body = call(pyrules_server.url, "POST", "/v1/data/edhs/params/min_audience_size", {})
    assert status == 200
    assert body["result"] == 1000
    assert body["warning"]["code"] == "api_usage_warning"


def test_strings_with_quotes_and_newlines_round_trip(pyrules_server, own_server) -> None:
    policy = "package echo\n\nimport rego.v1\n\nsame := input.text\n"
    assert call(own_server.url, "PUT", "/v1/policies/echo.rego", raw=policy.encode())[0] == 200
    text = 'say "hi"\nand\\leave \u2028 \U0001f5f3'
    assert call(own_server.url, "POST", "/v1/data/echo/same", {"input": {"text": text}}) == (
        200,
        {"result": text},
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "malformed"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"input": NaN}', "malformed"),
        (b'{"input": 1e400}', "too large"),
    ],
)
def test_a_bad_body_is_400_invalid_parameter(pyrules_server, raw: bytes, message: str) -> None:
    status, body = call(pyrules_server.url, "POST", "/v1/data/edhs/params", raw=raw)
    assert status == 400
    assert body["code"] == "invalid_parameter"
    assert message in body["message"]


def test_a_path_with_a_quote_is_an_invalid_path(pyrules_server) -> None:
    status, body = call(pyrules_server.url, "GET", '/v1/data/edhs/a"b')
    assert status == 400
    assert body["code"] == "invalid_parameter"


def test_a_non_ascii_digit_in_a_data_path_is_a_string_key_as_in_opa(pyrules_server) -> None:
    # "²" and "\u0661" (Arabic-Indic one) pass isdigit(); OPA indexes arrays with 0-9 only.
    url = pyrules_server.url
    algorithms = "/v1/data/edhs/params/approved_at_rest_algorithms"
    assert call(url, "GET", quote("/v1/data/edhs/params/\u00b2")) == (200, {})
    assert call(url, "GET", f"{algorithms}/1") == (200, {"result": "AES-128"})
    assert call(url, "GET", quote(f"{algorithms}/\u0661")) == (200, {})  # int() reads it as 1


@pytest.mark.parametrize(
    "pointer", ["/approved_at_rest_algorithms/\u00b2", "/accepted_mfa_types/\u00b2/x"]
)
def test_a_non_ascii_digit_as_an_array_index_in_a_patch_is_404(
    pyrules_server, pointer: str
) -> None:
    patch = [{"op": "replace", "path": pointer, "value": "et"}]
    status, body = call(pyrules_server.url, "PATCH", "/v1/data/edhs/params", patch)
    assert status == 404
    assert body["code"] == "resource_not_found"


def asgi_post(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """One request straight into the application, with headers uvicorn would never pass on."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8181),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"]


@pytest.mark.parametrize("length", ["\u00b2".encode(), b"abc", b"2"])
def test_a_content_length_that_is_not_ascii_digits_is_400(length: bytes) -> None:
    app = create_app(PolicyStore({}, {}))
    headers = [(b"host", b"127.0.0.1"), (b"content-length", length)]
    expected = 200 if length == b"2" else 400
    assert asgi_post(app, "/v1/data/x", headers, b"{}") == expected


def test_unknown_routes_and_methods_answer_as_opa(pyrules_server) -> None:
    assert call(pyrules_server.url, "GET", "/v2/data") == (404, "404 page not found\n")
    assert call(pyrules_server.url, "GET", "/v1/database") == (404, "404 page not found\n")
    assert call(pyrules_server.url, "POST", "/v1/policies") == (405, None)
    assert call(pyrules_server.url, "PATCH", "/v1/policies/x.rego") == (405, None)


def test_policies_are_listed_by_their_bundle_paths(pyrules_server) -> None:
    status, body = call(pyrules_server.url, "GET", "/v1/policies")
    assert status == 200
    ids = {policy["id"] for policy in body["result"]}
    assert "edhs/inc/inc_01_breach_notification.rego" in ids
    assert "pyrules/all.rego" in ids
    status, body = call(
        pyrules_server.url, "GET", "/v1/policies/edhs/inc/inc_01_breach_notification.rego"
    )
    assert status == 200
    assert body["result"]["raw"].count("package edhs.inc.breach_notification") == 1
    path = [part["value"] for part in body["result"]["ast"]["package"]["path"]]
    assert path == ["data", "edhs", "inc", "breach_notification"]


def test_a_missing_policy_is_404_resource_not_found(pyrules_server) -> None:
    for method in ("GET", "DELETE"):
        status, body = call(pyrules_server.url, method, "/v1/policies/no/such.rego")
        assert status == 404
        assert body["code"] == "resource_not_found"


def test_a_policy_lifecycle(own_server) -> None:
    policy = b"package demo\n\nimport rego.v1\n\nallow if input.user == data.demo.admin\n"
    assert call(own_server.url, "PUT", "/v1/policies/demo.rego", raw=policy) == (200, {})
    assert call(own_server.url, "PUT", "/v1/data/demo/admin", "ada") == (204, None)
    decision = call(own_server.url, "POST", "/v1/data/demo/allow", {"input": {"user": "ada"}})
    assert decision == (200, {"result": True})
    assert call(own_server.url, "DELETE", "/v1/policies/demo.rego") == (200, {})
    assert call(own_server.url, "POST", "/v1/data/demo/allow", {"input": {"user": "ada"}}) == (
        200,
        {},
    )


def test_a_compile_error_is_400_with_opas_error_body(pyrules_server) -> None:
    broken = b"package broken\n\nallow if {\n  input.a ==\n}\n"
    status, body = call(pyrules_server.url, "PUT", "/v1/policies/broken.rego", raw=broken)
    assert status == 400
    assert body["code"] == "invalid_parameter"
    assert body["message"] == "error(s) occurred while compiling module(s)"
    error = body["errors"][0]
    assert error["location"]["file"] == "broken.rego"
    assert error["location"]["row"] == 4
    assert error["message"]
    assert call(pyrules_server.url, "GET", "/v1/policies/broken.rego")[0] == 404  # not kept


def test_a_module_without_a_package_is_refused(pyrules_server) -> None:
    status, body = call(pyrules_server.url, "PUT", "/v1/policies/x.rego", raw=b"allow := true\n")
    assert status == 400
    assert body["errors"][0]["code"] == "rego_parse_error"


def test_data_put_patch_get_delete(own_server) -> None:
    url = own_server.url
    assert call(url, "PUT", "/v1/data/cfg", {"langs": ["et"], "limit": 1}) == (204, None)
    patch = [
        {"op": "add", "path": "/langs/-", "value": "hu"},
        {"op": "replace", "path": "/limit", "value": 2},
        {"op": "add", "path": "/note", "value": "x"},
        {"op": "remove", "path": "/note"},
    ]
    assert call(url, "PATCH", "/v1/data/cfg", patch) == (204, None)
    expected = {"result": {"langs": ["et", "hu"], "limit": 2}}
    assert call(url, "GET", "/v1/data/cfg") == (200, expected)
    assert call(url, "DELETE", "/v1/data/cfg") == (204, None)
    assert call(url, "GET", "/v1/data/cfg") == (200, {})


def test_non_ascii_keys_and_values_in_data_match_paths_and_policies(own_server) -> None:
    url = own_server.url
    assert call(url, "PUT", quote("/v1/data/cfg/\u00b2"), ["kept"]) == (204, None)
    assert call(url, "GET", quote("/v1/data/cfg/\u00b2/0")) == (200, {"result": "kept"})
    policy = 'package uni\n\nimport rego.v1\n\nsame if data.cfg.word == "\u00e9t\u00e9"\n'
    assert call(url, "PUT", "/v1/policies/uni.rego", raw=policy.encode()) == (200, {})
    assert call(url, "PUT", "/v1/data/cfg/word", "\u00e9t\u00e9") == (204, None)
    assert call(url, "GET", "/v1/data/uni/same") == (200, {"result": True})


def test_profile_parameters_reach_the_decisions(own_server) -> None:
    url = own_server.url
    hours = late_notification(48)
    path = "/v1/data/edhs/inc/breach_notification/deny"
    assert call(url, "POST", path, {"input": hours}) == (200, {"result": []})
    patch = [{"op": "replace", "path": "/max_breach_notification_hours", "value": 24}]
    assert call(url, "PATCH", "/v1/data/edhs/params", patch) == (204, None)
    status, body = call(url, "POST", path, {"input": hours})
    assert status == 200
    assert len(body["result"]) == 1


@pytest.mark.parametrize(
    ("patch", "status", "code"),
    [
        ([{"op": "move", "path": "/a", "from": "/b"}], 400, "invalid_parameter"),
        ([{"op": "remove", "path": "/nowhere"}], 404, "resource_not_found"),
        ([{"op": "replace", "path": "/nowhere", "value": 1}], 404, "resource_not_found"),
        ({"op": "add"}, 400, "invalid_parameter"),
    ],
)
def test_a_bad_patch_gets_opas_error(pyrules_server, patch: Any, status: int, code: str) -> None:
    answer_status, body = call(pyrules_server.url, "PATCH", "/v1/data/edhs/params", patch)
    assert answer_status == status
    assert body["code"] == code


def test_deleting_missing_data_is_404(pyrules_server) -> None:
    status, body = call(pyrules_server.url, "DELETE", "/v1/data/no/such/doc")
    assert status == 404
    assert body["code"] == "resource_not_found"


def test_a_body_over_the_limit_is_413(start_server) -> None:
    server = start_server("--max-body", "1024")
    status, body = call(server.url, "POST", "/v1/data/edhs", {"input": {"x": "y" * 2000}})
    assert status == 413
    assert body == {"code": "invalid_parameter", "message": "request body too large"}
    small = call(server.url, "POST", "/v1/data/edhs/params/min_audience_size", {"input": {}})
    assert small == (200, {"result": 1000})


def test_concurrent_decisions_each_answer_their_own_input(pyrules_server) -> None:
    # Different declarations side by side, so an answer computed on another request's
    # input shows: one compliant, one mostly not applicable, one failing, and the compliant
    # one again with a single failing field.
    examples = ROOT / "examples" / "declarations"
    declarations = [load(examples / f"{name}.yaml").data for name in ("aurora-social",
                    "boreal-forum", "kestrel-video")]  # fmt: skip
    late = copy.deepcopy(declarations[0])
    late["incident_response"]["breach_notification_hours"] = 96
    declarations.append(late)

    def decide(index: int) -> tuple[int, Any]:
        body = {"input": declarations[index]}
        return call(pyrules_server.url, "POST", "/v1/data/pyrules/all/verdicts", body)

    sequential = [decide(index) for index in range(len(declarations))]
    assert {status for status, _ in sequential} == {200}
    distinct = {json.dumps(body, sort_keys=True) for _, body in sequential}
    assert len(distinct) == len(declarations)  # else a mix-up could go unnoticed
    order = [i % len(declarations) for i in range(48)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(decide, order))
    for index, answer in zip(order, concurrent, strict=True):
        assert answer == sequential[index], f"request for declaration {index}"


@pytest.mark.parametrize(
    ("host", "warns"),
    [("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("::ffff:127.0.0.1", False),
     ("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("fe80::1%eth0", True)],
)  # fmt: skip
def test_an_address_beyond_loopback_warns_on_start(host: str, warns: bool) -> None:
    lines = startup_lines("0.1.0", host, 8181)
    assert lines[0].startswith("pyrules serve: EDHS 0.1.0 on http://")
    assert len(lines) == (2 if warns else 1)
    assert all("reachable from other machines" in line for line in lines[1:])


def test_a_loopback_server_starts_without_a_warning(pyrules_server) -> None:
    assert call(pyrules_server.url, "GET", "/health") == (200, {})  # started, lines drained
    assert not any("warning" in line for line in pyrules_server.stderr)


def test_the_cli_offers_the_defaults_the_server_uses() -> None:
    import click

    from pyrules import defaults, serve
    from pyrules.cli import main

    command = main.get_command(click.Context(main), "serve")
    assert command is not None
    options = {p.name: p.default for p in command.params}
    signature = inspect.signature(serve.serve).parameters
    assert options["addr"] == signature["addr"].default == defaults.SERVE_ADDR
    settings, writes = serve.ServeSettings(), serve.WriteAccess("t" * 16)
    assert options["max_body"] == settings.max_body == defaults.SERVE_MAX_BODY
    assert options["max_nodes"] == settings.max_nodes == defaults.SERVE_MAX_NODES
    assert options["max_concurrent"] == settings.max_concurrent == defaults.SERVE_MAX_CONCURRENT
    assert options["max_policy_bytes"] == writes.max_policy_bytes == defaults.SERVE_MAX_POLICY
    assert options["compile_timeout"] == writes.compile_seconds == defaults.SERVE_COMPILE_SECONDS
    assert settings.writes is None  # writes are off unless --allow-writes


def test_the_cli_starts_without_the_server_or_the_docs_builder() -> None:
    heavy = ("pyrules.serve", "pyrules.docs.build", "regopy", "starlette", "uvicorn")
    code = f"import sys, pyrules.cli; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("addr", ["nonsense", "127.0.0.1:99999", "127.0.0.1:", "127.0.0.1:\u00b2"])
def test_a_bad_address_is_one_line_exit_2(addr: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "serve", "--addr", addr],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--addr" in result.stderr


def test_a_taken_port_is_one_line_exit_2(pyrules_server) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "serve", "--addr", f"127.0.0.1:{pyrules_server.port}"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "cannot listen" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
