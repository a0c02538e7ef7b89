"""The OPA backend, over real HTTP against `pyrules serve` on 127.0.0.1: the same reports as
the embedded engine, and one clear line for every way the server can fail."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers import SERVE_TOKEN
from opa_client import OpaClient

from pyrules.engine import RawResult
from pyrules.engine.opa import OpaEngine, OpaError, aggregate_module, parse_opa_url
from pyrules.evaluate import Checker, make_engine
from pyrules.model import Control, Module
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(
    p
    for p in (ROOT / "examples" / "declarations").glob("*.yaml")
    if not p.name.endswith(".expected.yaml")
)


def test_every_example_gets_the_embedded_engines_report(pyrules_server) -> None:
    standard = load_standard()
    embedded = Checker(standard, make_engine(standard))
    opa = Checker(standard, make_engine(standard, engine="opa-server", opa_url=pyrules_server.url))
    assert EXAMPLES
    for example in EXAMPLES:
        served, local = opa.check_file(example), embedded.check_file(example)
        assert served.engine.name == "opa-server"
        assert replace(served, engine=local.engine) == local


def test_the_cli_checks_through_a_server_with_the_same_output(pyrules_server) -> None:
    example = ROOT / "examples" / "declarations" / "kestrel-video.yaml"

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pyrules", "check", str(example), "--format", "json"]
        return subprocess.run([*command, *extra], capture_output=True, text=True, check=False)

    def without_engine(report: str) -> tuple[str, dict]:
        data = json.loads(report)
        return data.pop("engine")["name"], data

    through_opa = check("--engine", "opa-server", "--opa-url", pyrules_server.url)
    assert through_opa.returncode == 1, through_opa.stderr
    assert not through_opa.stderr
    served, local = without_engine(through_opa.stdout), without_engine(check().stdout)
    assert served[0] == "opa-server"
    assert served[1] == local[1]
    old_spelling = check("--engine", "opa", "--opa-url", pyrules_server.url)
    assert old_spelling.stdout == through_opa.stdout
    assert "'--engine opa --opa-url' is deprecated" in old_spelling.stderr


def test_opa_python_client_uploads_a_policy_and_asks_for_a_decision(pyrules_server) -> None:
    client = OpaClient(host="127.0.0.1", port=pyrules_server.port, timeout=10, token=SERVE_TOKEN)
    policy = "package demo.voting\n\nimport rego.v1\n\nallow if input.age >= data.demo.min_age\n"
    try:
        assert client.update_policy_from_string(policy, "demo/voting.rego", rego_compat=False)
        assert client.update_or_create_data({"min_age": 18}, "demo")
        assert "demo/voting.rego" in client.get_policies_list()
        decision = client.query_rule({"age": 19}, "demo.voting", "allow")
        assert decision == {"result": True}
        assert "result" not in client.query_rule({"age": 17}, "demo.voting", "allow")
    finally:
        client.delete_policy("demo/voting.rego")
        client.delete_data("demo")
        client.close_connection()


def control(package: str, control_id: str) -> Control:
    return Control(
        id=control_id, title="t", description="d", severity="high", family="TST",
        aceeeo=["R1"], rationale="r", applies_when="Always.", remediation="m",
        references=[], package=package, source=f"{package}.rego", line=1,
    )  # fmt: skip


GOOD = """package tst.good

import rego.v1

default applicable := true

deny contains {"msg": "too many", "path": "/n"} if input.n > data.edhs.params.limit
"""

BROKEN = """package tst.broken

import rego.v1

default applicable := true

deny contains {"msg": "never", "path": ""} if to_number(input.word) > 1
"""


def test_a_failing_builtin_is_an_error_of_that_control_only(own_server) -> None:
    modules = [Module("tst/good.rego", GOOD, "tst.good", 1, None),
               Module("tst/broken.rego", BROKEN, "tst.broken", 1, None)]  # fmt: skip
    controls = [control("tst.good", "TST-01"), control("tst.broken", "TST-02")]
    engine = OpaEngine(modules, {"limit": 3}, controls, own_server.url)
    results = engine.evaluate({"n": 5, "word": "five"})
    assert results["TST-01"].deny[0].msg == "too many"
    assert results["TST-02"].error
    assert engine.evaluate({"n": 1, "word": "0"}) == {
        "TST-01": RawResult(applicable=True),
        "TST-02": RawResult(applicable=True),
    }


def test_a_policy_the_server_refuses_is_one_line_naming_the_file(pyrules_server) -> None:
    broken = Module("tst/syntax.rego", "package tst.syntax\n\nallow if {\n  input.a ==\n}\n",
                    "tst.syntax", 1, None)  # fmt: skip
    with pytest.raises(OpaError) as caught:
        OpaEngine([broken], {}, [], pyrules_server.url)
    message = str(caught.value)
    assert "\n" not in message
    assert "uploading tst/syntax.rego failed" in message
    assert "tst/syntax.rego:4" in message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nobody_listening_is_one_line() -> None:
    standard = load_standard()
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(OpaError, match="cannot connect") as caught:
        OpaEngine(standard.modules, standard.params, standard.controls, url)
    assert "\n" not in str(caught.value)


def test_a_server_that_never_answers_times_out_with_one_line() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never reads or answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        with pytest.raises(OpaError, match=r"no answer within 0\.5 s"):
            OpaEngine([], {}, [], url, timeout=0.5)
    finally:
        silent.close()


def test_an_answer_that_is_not_opa_is_one_line() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def answer_html() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            body = b"<html>proxy error</html>"
            connection.sendall(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )

    threading.Thread(target=answer_html, daemon=True).start()
    try:
        with pytest.raises(OpaError) as caught:
            OpaEngine([], {"x": 1}, [], f"http://127.0.0.1:{server.getsockname()[1]}")
        assert "uploading the parameters" in str(caught.value)
        assert "\n" not in str(caught.value)
    finally:
        server.close()


def test_cli_exit_2_and_one_line_when_opa_is_unreachable() -> None:
    example = ROOT / "examples" / "declarations" / "aurora-social.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "check", str(example),
         "--engine", "opa-server", "--opa-url", f"http://127.0.0.1:{free_port()}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot connect" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8181", "ftp://127.0.0.1:8181", "http://127.0.0.1:8181/v1", "http://:1"]
)
def test_an_opa_url_that_is_not_scheme_host_port_is_refused(url: str) -> None:
    with pytest.raises(OpaError, match="--opa-url"):
        parse_opa_url(url)


def test_the_aggregate_module_names_every_controls_rules() -> None:
    source = aggregate_module([control("edhs.inc.breach_notification", "INC-01")])
    assert "package pyrules.all" in source
    assert '"INC-01": {"applicable": data.edhs.inc.breach_notification.applicable' in source


class BundleServingOpa:
    """Stands in for `opa run --server --bundle edhs-X.tar.gz`, as OPA's REST API answers:
    writes under the bundle's roots are refused (400, "owned by bundle"), the bundle's
    manifest is readable at data.system.bundles, and decisions come from the embedded engine.

    `bundles` makes data.system.bundles "hidden" (401, as behind an authorization policy),
    "undefined" (200 without a result) or "dropped" (the connection closes unanswered);
    `roots=None` leaves the roots out of the manifest, as OPA does for a bundle without any."""

    def __init__(
        self,
        revision: str,
        params: dict,
        roots: tuple[str, ...] | None = ("edhs",),
        bundles: str = "shown",
    ) -> None:
        import http.server
        import json

        standard = load_standard()
        engine = make_engine(standard)
        state = {"revision": revision, "params": params, "pushed": [], "posts": 0}
        self.state = state

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def reply(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def do_PUT(self) -> None:
                self.body()
                if self.path.startswith(("/v1/policies/edhs/", "/v1/data/edhs")):
                    owner = 'is owned by bundle "edhs-0.1.0.tar.gz"'
                    self.reply(400, {"code": "invalid_parameter", "message": f"path {owner}"})
                else:
                    state["pushed"].append(self.path)
                    self.reply(200, {})

            def do_GET(self) -> None:
                if self.path == "/v1/data/system/bundles" and bundles == "hidden":
                    message = "request rejected by administrative policy"
                    self.reply(401, {"code": "unauthorized", "message": message})
                elif self.path == "/v1/data/system/bundles" and bundles == "undefined":
                    self.reply(200, {})
                elif self.path == "/v1/data/system/bundles" and bundles == "dropped":
                    self.close_connection = True  # no answer at all
                elif self.path == "/v1/data/system/bundles":
                    manifest: dict = {"revision": state["revision"]}
                    if roots is not None:
                        manifest["roots"] = list(roots)
                    self.reply(200, {"result": {"edhs-0.1.0.tar.gz": {"manifest": manifest}}})
                elif self.path == "/v1/data/edhs/params":
                    self.reply(200, {"result": state["params"]})
                else:
                    self.reply(404, {"code": "resource_not_found", "message": self.path})

            def do_POST(self) -> None:
                state["posts"] += 1
                declaration = json.loads(self.body())["input"]
                verdicts = {
                    control_id: {
                        "applicable": raw.applicable,
                        "deny": [{"msg": f.msg, "path": f.path} for f in raw.deny],
                    }
                    for control_id, raw in engine.evaluate(declaration).items()
                }
                self.reply(200, {"result": verdicts})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_an_opa_serving_the_edhs_bundle_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    # a served bundle counts from today: so must the run that uses it
    monkeypatch.setenv("PYRULES_AS_OF", date.today().isoformat())
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params)
    try:
        checker = Checker(standard, make_engine(standard, engine="opa-server", opa_url=opa.url))
        assert checker.engine.served_from_bundle  # type: ignore[attr-defined]
        assert opa.state["pushed"] == ["/v1/policies/pyrules/all.rego"]
        embedded = Checker(standard, make_engine(standard))
        for example in EXAMPLES:
            served, local = checker.check_file(example), embedded.check_file(example)
            assert replace(served, engine=local.engine) == local
    finally:
        opa.close()


def test_an_opa_serving_the_bundle_as_of_today_is_refused_for_another_day() -> None:
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params)
    try:
        with pytest.raises(OpaError, match="other parameters than this run's"):
            make_engine(standard, engine="opa", opa_url=opa.url)  # as of PYRULES_AS_OF
    finally:
        opa.close()


def test_an_opa_serving_another_revision_is_refused() -> None:
    standard = load_standard()
    opa = BundleServingOpa("9.9.9", standard.params)
    try:
        with pytest.raises(OpaError, match=r"revision 9\.9\.9; this run checks against EDHS"):
            make_engine(standard, engine="opa-server", opa_url=opa.url)
    finally:
        opa.close()


def test_a_bundle_without_roots_owns_everything_and_is_used_as_in_opa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a served bundle counts from today: so must the run that uses it
    monkeypatch.setenv("PYRULES_AS_OF", date.today().isoformat())
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params, roots=None)
    try:
        engine = make_engine(standard, engine="opa-server", opa_url=opa.url)
        assert engine.served_from_bundle  # type: ignore[attr-defined]
    finally:
        opa.close()


@pytest.mark.parametrize(
    ("roots", "bundles", "message"),
    [
        (("edhs",), "hidden", "does not show data.system.bundles"),
        (("edhs",), "undefined", "does not show data.system.bundles"),
        (("other",), "shown", "lists no bundle whose roots cover edhs"),
        (("edhs/inc",), "shown", "lists no bundle whose roots cover edhs"),
    ],
)
def test_an_opa_whose_edhs_bundle_cannot_be_checked_is_refused(
    roots: tuple[str, ...], bundles: str, message: str
) -> None:
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params, roots=roots, bundles=bundles)
    try:
        with pytest.raises(OpaError, match=re.escape(message)) as caught:
            make_engine(standard, engine="opa-server", opa_url=opa.url)
        assert "\n" not in str(caught.value)
        assert opa.state["posts"] == 0  # nothing was evaluated
    finally:
        opa.close()


def test_a_served_bundle_is_refused_without_a_version_to_compare() -> None:
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params)
    try:
        with pytest.raises(OpaError, match="no standard version to compare"):
            OpaEngine(standard.modules, standard.params, standard.controls, opa.url)
    finally:
        opa.close()


def test_a_connection_lost_while_reading_the_bundles_is_one_line_exit_2() -> None:
    standard = load_standard()
    opa = BundleServingOpa(standard.version, standard.params, bundles="dropped")
    example = ROOT / "examples" / "declarations" / "kestrel-video.yaml"
    try:
        with pytest.raises(OpaError, match=r"while reading data\.system\.bundles") as caught:
            make_engine(standard, engine="opa-server", opa_url=opa.url)
        assert "\n" not in str(caught.value)
        result = subprocess.run(
            [sys.executable, "-m", "pyrules", "check", str(example), "--engine", "opa-server",
             "--opa-url", opa.url],
            capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "reading data.system.bundles" in result.stderr
    finally:
        opa.close()


def test_an_opa_serving_other_parameters_is_refused() -> None:
    standard = load_standard()
    opa = BundleServingOpa(standard.version, {**standard.params, "min_audience_size": 1})
    try:
        with pytest.raises(OpaError, match="other parameters"):
            make_engine(standard, engine="opa-server", opa_url=opa.url)
    finally:
        opa.close()


def test_control_test_cases_run_through_the_opa_backend(own_server) -> None:
    # INC-01 and TGT-03 have cases with their own parameters: the runner pushes each set
    # to the server before the cases that use it.
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "test", "--engine", "opa-server", "--opa-url",
         own_server.url, "--control", "INC-01", "--control", "TGT-03", "--control", "LAW-02"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    passed = int(last.split()[0])
    assert passed >= 15 and last.endswith("0 failed")


def test_the_library_keeps_the_old_spelling_of_the_server_engine(pyrules_server) -> None:
    standard = load_standard()
    engine = make_engine(standard, engine="opa", opa_url=pyrules_server.url)
    assert engine.name == "opa-server"
