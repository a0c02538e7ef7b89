"""Evidence rules are not controls; lint names one that OPA cannot turn into SQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyrules.ads.rules import evidence_rules
from pyrules.lint import lint
from pyrules.standard import load_standard
from tests.helpers import ROOT

RULE = """# METADATA
# title: Every notice link is secure
# description: A link that is not https.
# custom:
#   evidence_for: ADS-03
#   claim: political_ads.transparency_notice.fields
#   violation: link to a notice over plain http
package edhs.evidence.secure_link

import rego.v1

violation if not startswith(input.ads.transparency_notice_url, "https://")
"""


def _standard_with(tmp_path: Path, source: str) -> Path:
    for part in ("policies", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "policies" / "edhs" / "evidence" / "secure_link.rego").write_text(source)
    return tmp_path


def test_evidence_rules_are_tied_to_controls_and_are_no_controls() -> None:
    standard = load_standard()
    rules = evidence_rules(standard)
    assert {r.control_id for r in rules} == {"TGT-03", "ADS-01", "ADS-05", "ADS-03"}
    assert len(standard.controls) == 62
    assert not {c.package for c in standard.controls} & {r.package for r in rules}


def test_a_rule_that_does_not_compile_to_sql_is_a_lint_error(tmp_path: Path) -> None:
    standard = load_standard(_standard_with(tmp_path, RULE))
    problems = [str(p) for p in lint(standard, ROOT / "tests" / "cases", None)]
    assert len(problems) == 1, problems
    assert problems[0].startswith("policies/edhs/evidence/secure_link.rego:8: secure_link ")
    assert "does not compile to SQL (sqlite)" in problems[0]
    assert "startswith" in problems[0]


def test_an_evidence_rule_for_an_unknown_control_is_a_lint_error(tmp_path: Path) -> None:
    source = RULE.replace("ADS-03", "ADS-99").replace(
        'not startswith(input.ads.transparency_notice_url, "https://")',
        'input.ads.transparency_notice_url == ""',
    )
    standard = load_standard(_standard_with(tmp_path, source))
    problems = [str(p) for p in lint(standard, ROOT / "tests" / "cases", None)]
    assert problems == [
        "policies/edhs/evidence/secure_link.rego:8: evidence_for names ADS-99, which is no control"
    ]


def test_the_shared_lib_is_compiled_in_only_for_a_rule_that_imports_it(tmp_path: Path) -> None:
    from opa_bindings import OpaError

    from pyrules.ads.rules import compile_rule, new_engine

    engine = new_engine(load_standard(), {})
    try:  # OPA compiles every module it holds on each query: no lib, a third of the time
        with pytest.raises(OpaError, match=r"undefined function data\.edhs\.lib\.text"):
            engine.eval_query("x = data.edhs.lib.text(1)")
    finally:
        engine.close()
    source = RULE.replace("import rego.v1\n", "import rego.v1\n\nimport data.edhs.lib\n").replace(
        'not startswith(input.ads.transparency_notice_url, "https://")',
        "input.ads.transparency_notice_url == lib.text(null)",
    )
    standard = load_standard(_standard_with(tmp_path, source))
    [rule] = [r for r in evidence_rules(standard) if r.name == "secure_link"]
    engine = new_engine(standard, standard.params)
    try:
        assert engine.eval_query("x = data.edhs.lib.text(1)") == [{"x": "1"}]
        condition = compile_rule(engine, rule, {}, "postgresql")
    finally:
        engine.close()
    assert condition == "ads.transparency_notice_url = E'not stated'"
