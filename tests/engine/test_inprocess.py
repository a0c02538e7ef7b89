"""OPA's engine in process: its errors, long strings, serve on both engines."""

from __future__ import annotations

import copy
import json
import urllib.request
from dataclasses import replace
from typing import Any

import pytest
from helpers import EXAMPLES, ROOT

from pyrules.engine.inprocess import (
    DIST,
    InProcessEngine,
    available,
    installed_version,
    opa_version,
)
from pyrules.evaluate import Checker, make_engine
from pyrules.loader import load
from pyrules.model import Control, Module
from pyrules.standard import load_standard

pytestmark = pytest.mark.skipif(not available(), reason="OPA's engine in process is missing")
STANDARD = load_standard()
REFERENCE = load(ROOT / "tests" / "cases" / "reference.yaml").data


def one_control(rule_body: str) -> tuple[list[Module], list[Control]]:
    source = f"package t.c\n\nimport rego.v1\n\ndefault applicable := true\n\n{rule_body}\n"
    module = Module(path="t/c.rego", source=source, package="t.c", package_line=1, annotation=None)
    control = replace(STANDARD.controls[0], id="T-01", package="t.c")
    return [module], [control]


def test_the_default_engine_is_opa_in_process_and_reports_say_so() -> None:
    report = Checker.for_standard(STANDARD).check_file(EXAMPLES / "kestrel-video.yaml")
    assert report.engine.name == "opa"
    assert report.engine.version == opa_version()
    assert opa_version().startswith("OPA v1.")


def test_the_binding_version_is_the_one_pip_recorded() -> None:
    from importlib import metadata

    assert opa_version().endswith(f"({DIST} {metadata.version(DIST)})")


def test_the_binding_version_is_read_from_its_one_dist_info_folder(tmp_path) -> None:
    assert installed_version(tmp_path) is None
    (tmp_path / "opa_golib_python_bindings-0.4.4.dist-info").mkdir()
    (tmp_path / "opa_golib_python_bindings_extra-9.dist-info").mkdir()
    assert installed_version(tmp_path) == "0.4.4"
    (tmp_path / "opa_golib_python_bindings-0.5.0.dist-info").mkdir()
    assert installed_version(tmp_path) is None  # two installs: ask importlib.metadata
    assert installed_version(tmp_path / "missing") is None


def test_a_failing_builtin_is_an_error_on_its_control_only() -> None:
    modules, controls = one_control(
        'deny contains {"msg": "x", "path": ""} if to_number(input.n) > 1'
    )
    other = STANDARD.controls[1]
    own = next(m for m in STANDARD.modules if m.path == other.source)
    lib = [m for m in STANDARD.modules if m.path.startswith("edhs/lib/")]
    engine = InProcessEngine([*modules, own, *lib], STANDARD.params, [*controls, other])
    results = engine.evaluate({**REFERENCE, "n": "many"})
    assert results["T-01"].error is not None
    assert "to_number" in results["T-01"].error
    assert results[other.id].error is None  # the shared query fell back per control


def test_a_compile_error_stops_the_run_with_one_line_not_a_control_error() -> None:
    from pyrules.errors import StandardError

    modules, controls = one_control("deny contains x if { x := y }")
    engine = InProcessEngine(modules, STANDARD.params, controls)  # OPA compiles on first use
    with pytest.raises(StandardError, match=r"do not compile: .*t/c\.rego:\d+: .*y is unsafe"):
        engine.evaluate({})


def test_a_40_kb_string_is_evaluated_as_regopy_is_guarded_against() -> None:
    declaration = copy.deepcopy(REFERENCE)
    declaration["governance"]["dpo"]["contact"] = "a" * 40_000 + "@x.example"
    results = make_engine(STANDARD, engine="opa").evaluate(declaration)
    dpo = next(c.id for c in STANDARD.controls if c.package.endswith("dpo_designated"))
    assert results[dpo].error is None
    # GOV-01 runs its regexes only on contacts within the schema's bound (320 characters,
    # issue 18): a longer text is no address, on both engines, and is found, not crashed on
    assert [f.path for f in results[dpo].deny] == ["/governance/dpo/contact"]


def test_the_params_document_is_loaded_whole() -> None:
    params = {**STANDARD.params, "a_key_no_policy_reads": {"nested": [1, 2]}}
    modules, controls = one_control(
        'deny contains {"msg": json.marshal(data.edhs.params.a_key_no_policy_reads), "path": ""}'
    )
    result = InProcessEngine(modules, params, controls).evaluate({})["T-01"]
    assert [f.msg for f in result.deny] == ['{"nested":[1,2]}']


def verdicts(url: str, declaration: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{url}/v1/data/pyrules/all/verdicts",
        data=json.dumps({"input": declaration}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["result"]


def test_serve_on_both_engines_gives_the_same_decisions(start_server) -> None:
    on_opa, on_regopy = start_server("--engine", "opa"), start_server("--engine", "regopy")
    long_name = copy.deepcopy(REFERENCE)
    long_name["platform"]["name"] = "x" * 200  # the schema's bound: serve refuses longer
    for declaration in [load(EXAMPLES / "kestrel-video.yaml").data, REFERENCE, long_name]:
        assert verdicts(on_opa.url, declaration) == verdicts(on_regopy.url, declaration)
