"""The embedded engine turns every regopy defect we know of into an `error`, never a pass."""

from __future__ import annotations

import pytest

from pyrules.engine import RawResult
from pyrules.engine.embedded import EmbeddedEngine, describe_rego_error, offset_to_line_col
from pyrules.errors import InputError, StandardError
from pyrules.model import Control, Module


def control(package: str, control_id: str = "TST-01") -> Control:
    return Control(
        id=control_id,
        title="t",
        description="d",
        severity="high",
        family="TST",
        aceeeo=["R1"],
        rationale="r",
        applies_when="Always.",
        remediation="m",
        references=[],
        package=package,
        source=f"{package}.rego",
        line=1,
    )


def engine(*sources: str) -> EmbeddedEngine:
    modules = []
    controls = []
    for index, source in enumerate(sources):
        package = source.split("package ", 1)[1].split()[0]
        modules.append(Module(f"p{index}.rego", source, package, 1, None))
        controls.append(control(package, f"TST-{index + 1:02d}"))
    return EmbeddedEngine(modules, {"limit": 3}, controls)


GOOD = """package tst.good

import rego.v1

default applicable := true

deny contains {"msg": "too many", "path": "/n"} if input.n > data.edhs.params.limit
"""


def test_one_query_gives_every_control_its_verdict() -> None:
    results = engine(GOOD).evaluate({"n": 5})
    assert results["TST-01"].deny[0].msg == "too many"
    assert engine(GOOD).evaluate({"n": 1})["TST-01"] == RawResult(applicable=True)


def test_a_failing_builtin_is_an_error_not_a_pass() -> None:
    broken = """package tst.broken

import rego.v1

default applicable := true

deny contains {"msg": "x", "path": ""} if 1 / input.zero > 0
"""
    results = engine(GOOD, broken).evaluate({"n": 5, "zero": 0})
    assert results["TST-02"].error
    # The healthy control is still evaluated on its own.
    assert results["TST-01"].deny and results["TST-01"].error is None


def test_an_unknown_function_is_an_error_not_a_pass() -> None:
    # regopy answers "ok" with an error term instead of JSON here.
    unknown = """package tst.unknown

import rego.v1

default applicable := true

deny contains {"msg": "x", "path": ""} if object.get(input, ["list", 9], 0) == 1
"""
    result = engine(unknown).evaluate({"list": [1]})["TST-01"]
    assert result.error is not None


def test_a_rule_without_default_is_an_error() -> None:
    no_default = """package tst.nodefault

import rego.v1

applicable if input.yes

deny contains {"msg": "x", "path": ""} if false
"""
    assert engine(no_default).evaluate({})["TST-01"].error


def test_a_malformed_finding_is_an_error() -> None:
    bad_path = """package tst.badpath

import rego.v1

default applicable := true

deny contains {"msg": "x", "path": "no-leading-slash"} if true
"""
    assert "JSON pointer" in engine(bad_path).evaluate({})["TST-01"].error


def test_strings_with_quotes_and_newlines_survive_the_engine() -> None:
    # regopy hands raw strings to rego-cpp, which expects them escaped: equality with a
    # literal fails and the output stops being JSON unless pyrules escapes them.
    echo = """package tst.echo

import rego.v1

default applicable := true

deny contains {"msg": input.name, "path": "/name"} if input.name == "a \\"quoted\\"\\nname"
"""
    result = engine(echo).evaluate({"name": 'a "quoted"\nname'})["TST-01"]
    assert result.error is None
    assert result.deny[0].msg == 'a "quoted"\nname'


def test_a_syntax_error_is_reported_at_file_line_column() -> None:
    broken = "package tst.syntax\n\nimport rego.v1\n\nallow if {\n  input.a ==\n}\n"
    with pytest.raises(StandardError) as excinfo:
        engine(broken)
    assert str(excinfo.value).startswith("p0.rego:6:")
    assert "\n" not in str(excinfo.value)


def test_the_engine_prints_nothing_itself(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StandardError):
        engine("package tst.noisy\n\nimport rego.v1\n\nallow if {\n  input.a ==\n}\n")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_byte_offsets_become_lines_and_columns() -> None:
    source = "line one\nsé two\nthree"
    assert offset_to_line_col(source, 0) == (1, 1)
    assert offset_to_line_col(source, len(b"line one\ns\xc3\xa9 ")) == (2, 4)


def test_error_trees_become_one_line() -> None:
    tree = "(rego-errorseq\n  (error 8:a.rego|11|2\n    (errormsg 7:Boom it)\n))"
    assert describe_rego_error(tree, {"a.rego": "package a\n\nx := 1\n"}) == "a.rego:3:1: Boom it"


def test_a_compiled_bundle_is_cached_and_a_corrupt_cache_is_ignored(tmp_path) -> None:
    modules = [Module("p0.rego", GOOD, "tst.good", 1, None)]
    first = EmbeddedEngine(modules, {"limit": 3}, [control("tst.good")], cache_dir=tmp_path)
    cached = list(tmp_path.glob("*.rbb"))
    assert len(cached) == 1
    again = EmbeddedEngine(modules, {"limit": 3}, [control("tst.good")], cache_dir=tmp_path)
    assert again.evaluate({"n": 5}) == first.evaluate({"n": 5})
    cached[0].write_bytes(b"not a bundle")
    rebuilt = EmbeddedEngine(modules, {"limit": 3}, [control("tst.good")], cache_dir=tmp_path)
    assert rebuilt.evaluate({"n": 5})["TST-01"].deny
    # Other parameters are another bundle.
    EmbeddedEngine(modules, {"limit": 9}, [control("tst.good")], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.rbb"))) == 2


def test_the_bundle_cache_keeps_only_the_most_recently_used(tmp_path, monkeypatch) -> None:
    """Every distinct --as-of compiles a bundle of its own: the cache must not grow forever."""
    import os

    from pyrules.engine import embedded

    monkeypatch.setattr(embedded, "CACHE_KEEP", 3)
    modules = [Module("p0.rego", GOOD, "tst.good", 1, None)]

    def build(limit: int) -> EmbeddedEngine:
        return EmbeddedEngine(modules, {"limit": limit}, [control("tst.good")], cache_dir=tmp_path)

    files = {}
    for limit in (1, 2, 3):
        before = set(tmp_path.glob("*.rbb"))
        build(limit)
        (files[limit],) = set(tmp_path.glob("*.rbb")) - before
        os.utime(files[limit], (100 * limit, 100 * limit))  # 1 used longest ago
    assert build(1).evaluate({"n": 5})["TST-01"].deny  # loaded from the cache: used now
    build(4)  # a fourth bundle: the least recently used one (2) goes, with its digest
    left = {p.name for p in tmp_path.iterdir()}
    assert len(left) == 6 and files[2].name not in left and f"{files[2].name}.sha256" not in left
    assert {files[1].name, files[3].name} <= left


@pytest.mark.parametrize("n", [2**64 + 1, 2**63, 10**400])
def test_an_integer_beyond_64_bits_never_wraps_into_a_pass(n: int) -> None:
    """rego-cpp wraps integers past 64 bits (2**64 + 1 would become 1): never a pass."""
    result = engine(GOOD).evaluate({"n": n})["TST-01"]
    assert result.error or [f.msg for f in result.deny] == ["too many"]


def test_a_damaged_cache_is_never_handed_to_the_engine(tmp_path, capfd) -> None:
    # regopy prints to stdout when it reads a damaged bundle, which would corrupt JSON output.
    modules = [Module("p0.rego", GOOD, "tst.good", 1, None)]
    EmbeddedEngine(modules, {"limit": 3}, [control("tst.good")], cache_dir=tmp_path)
    [cached] = tmp_path.glob("*.rbb")
    cached.write_bytes(cached.read_bytes()[:100] + b"\x00garbage" * 50)
    capfd.readouterr()
    engine = EmbeddedEngine(modules, {"limit": 3}, [control("tst.good")], cache_dir=tmp_path)
    assert engine.evaluate({"n": 5})["TST-01"].deny
    out, _ = capfd.readouterr()
    assert out == ""


def test_an_input_nested_too_deeply_is_an_input_error() -> None:
    deep: dict = {}
    node = deep
    for _ in range(300):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(InputError, match="nested more than"):
        engine(GOOD).evaluate(deep)


def test_parameters_with_quotes_and_accents_compare_as_written(tmp_path) -> None:
    # A profile may list such values; raw strings would never equal the declared ones.
    source = """package tst.param

import rego.v1

default applicable := true

deny contains {"msg": "not listed", "path": "/v"} if not input.v in data.edhs.params.allowed
"""
    modules = [Module("p0.rego", source, "tst.param", 1, None)]
    params = {"allowed": ['say "été"', "AES-256"]}
    checked = EmbeddedEngine(modules, params, [control("tst.param")], cache_dir=tmp_path)
    assert checked.evaluate({"v": 'say "été"'})["TST-01"] == RawResult(applicable=True)
    assert checked.evaluate({"v": "DES"})["TST-01"].deny


def test_the_suite_compiles_into_a_cache_of_its_own(bundle_cache) -> None:
    from pyrules.engine.embedded import default_cache_dir

    assert default_cache_dir() == bundle_cache
    EmbeddedEngine(
        [Module("g.rego", GOOD, "tst.good", 1, None)], {"limit": 4}, [control("tst.good")]
    )
    assert list(bundle_cache.glob("*.rbb"))
