"""The JSON report's bytes never change: attestations sign them.

The renderer writes with orjson; these tests hold it to what the standard library writes
from the same report (`json.dumps(asdict(report), indent=2, ensure_ascii=False)`, the
renderer before orjson) on every example, under each profile and with waivers, on the
report of every control case, and on reports whose texts and parameter values are drawn
from what orjson and the standard library could write differently. `dumps_sorted` (a
round's record) is held to `json.dumps(indent=2, ensure_ascii=False, sort_keys=True)`
on such values too, floats included.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pyrules.model import Finding, Location, ParameterOverride, Report
from pyrules.render import RenderContext
from pyrules.render import json as json_format


def as_before(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"


def rendered(report: Report) -> str:
    return json_format.render(report, RenderContext(docs_url=""))


def test_every_example_and_case_report_is_written_as_before(
    every_report: list[tuple[Report, str]], with_error: Report, hostile: Report
) -> None:
    for report in [with_error, hostile, *(report for report, _ in every_report)]:
        assert rendered(report) == as_before(report), report.declaration.name


def test_ordinary_reports_are_written_by_orjson(
    monkeypatch: pytest.MonkeyPatch, noncompliant: Report
) -> None:
    with_profile = replace(
        noncompliant,
        parameters=[
            ParameterOverride(name="n", standard=[72, "x"], value={"k": None}, loosens=True)
        ],
    )
    expected = [as_before(noncompliant), as_before(with_profile)]
    monkeypatch.setattr(json_format.json, "dumps", None)  # the standard library is not used
    assert [rendered(noncompliant), rendered(with_profile)] == expected


# Values a profile may set (JSON's types, any float and integers of any size) and the
# values orjson cannot take (keys that are not strings, lone surrogates).
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-4, max_value=1e-4)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)
TEXTS = st.text() | st.sampled_from(["\ud800", "a\udfffb", "\x7f\u2028\u2029\ufeff\x00\x1f"])


@settings(max_examples=300, deadline=None)
# Each of these orjson writes otherwise (or refuses): the report must not change.
@example(platform="\ud800", message="", standard_value=1e-05, value=float("nan"))
@example(platform="", message="", standard_value=2**64, value=[-(2**63) - 1, float("-inf")])
@example(platform="", message="", standard_value={1: "one"}, value={"x": [0.5, 1e-7, 1e16]})
@given(platform=TEXTS, message=TEXTS, standard_value=VALUES, value=VALUES)
def test_any_text_and_parameter_value_is_written_as_before(
    noncompliant: Report, platform: str, message: str, standard_value: Any, value: Any
) -> None:
    results = list(noncompliant.results)
    finding = Finding(
        message=message, path="/x", location=Location(file="f", line=1, column=2**40, pointer="/x")
    )
    results[0] = replace(results[0], findings=[finding])
    report = replace(
        noncompliant,
        platform=platform,
        results=results,
        parameters=[
            ParameterOverride(name="p", standard=standard_value, value=value, loosens=False)
        ],
    )
    assert rendered(report) == as_before(report)


def sorted_as_python(value: Any) -> str | type[Exception]:
    """What the standard library writes with sorted keys, or the error it raises (keys
    of different types cannot be sorted): dumps_sorted must do the same."""
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    except TypeError as exc:
        return type(exc)


@settings(max_examples=300, deadline=None)
# Each of these orjson writes otherwise (or refuses): the text must not change.
@example(value={"scores": [87.5, 0.0, -0.0, 100.0, 33.3, 0.1], "n": None})
@example(value={"x": [1e-05, 1e-7, 1e16, 1.5e300, float("nan"), float("-inf")]})
@example(value={"é": 1, "e": 2, "😀": 3, "\uffff": 4, "Z": 5, "\x7f": [], "": {}})
@example(value={"\ud800": "a\udfffb", "big": 2**64, "small": -(2**63) - 1})
@example(value={1: "one", 2: "two"})
@example(value={"k": {1: "one", "a": "mixed"}})
@given(value=st.dictionaries(st.text(), VALUES, max_size=4))
def test_sorted_json_is_written_as_the_standard_library_writes_it(value: dict[str, Any]) -> None:
    expected = sorted_as_python(value)
    if isinstance(expected, str):
        assert json_format.dumps_sorted(value) == expected
    else:
        with pytest.raises(expected):
            json_format.dumps_sorted(value)


def test_sorted_json_with_plain_scores_is_written_by_orjson(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = {"b": [{"score": 87.5, "x": None}, {"score": 100.0}], "a": {"z": "ünï ✅", "y": 2**40}}
    expected = sorted_as_python(value)
    monkeypatch.setattr(json_format.json, "dumps", None)  # the standard library is not used
    assert json_format.dumps_sorted(value) == expected
