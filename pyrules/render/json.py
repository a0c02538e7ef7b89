"""JSON: the `Report` model itself, as `schemas/report.schema.json` describes it.

Attestations sign these bytes, so they never change: they are what
`json.dumps(asdict(report), indent=2, ensure_ascii=False)` writes. orjson writes the same
bytes from the model's records directly, some twenty times faster (the standard library
falls back to its pure-Python encoder when asked to indent, and `asdict` deep-copies);
where the two would differ (orjson spells floats its own way, refuses integers past 64 bits,
keys that are not strings and lone surrogates), the report is written by the standard
library. `tests/render/test_json.py` pins the two together.

`dumps_sorted` does the same for other records written with sorted keys (a round's
`round.json`), floats included where orjson spells them as Python does.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict
from typing import Any

from pyrules.model import Report
from pyrules.render import RenderContext

# The integers orjson writes as Python does; it refuses the others.
_INT_RANGE = range(-(2**63), 2**64)
_TEXT = {str}


def render(report: Report, context: RenderContext) -> str:
    import orjson

    if writes_as_python(report):
        try:
            return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
        except orjson.JSONEncodeError:  # a lone surrogate, a huge integer: Python writes them
            pass
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"


def writes_as_python(report: Report) -> bool:
    """Whether orjson writes the report's values as the standard library does, but for a
    lone surrogate (which it refuses): then the report holds no float."""
    # A profile's parameters are the report's only values of any type (the rest are
    # strings, integers from the loader's positions and counts, booleans and None).
    return all(
        _as_python_writes(p.standard) and _as_python_writes(p.value) for p in report.parameters
    )


def dumps_sorted(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)`, written by orjson
    where it writes the same bytes: the standard library indents with its pure-Python
    encoder, some thirty times slower (a round's record of 400 platforms: 18 ms)."""
    import orjson

    if _as_python_writes(value, floats=True):
        with suppress(orjson.JSONEncodeError):  # a lone surrogate, which Python writes
            return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def _as_python_writes(value: Any, floats: bool = False) -> bool:
    """Whether orjson writes `value` byte for byte as `json.dumps` does: no floats (written
    `1e-5`, not `1e-05`), or with `floats` only those it spells as Python does (a score
    such as 87.5; never NaN or an infinity), integers within 64 bits, string keys, JSON's
    own types only."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return value in _INT_RANGE
    if kind is float:
        return floats and _spelled_as_python(value)
    if kind is dict:
        if not set(map(type, value)) <= _TEXT:
            return False
        value = value.values()
    elif kind is not list and kind is not tuple:
        return False
    # A collection of texts alone (a platform's statuses) is told apart without a call each.
    return set(map(type, value)) <= _TEXT or all(_as_python_writes(v, floats) for v in value)


def _spelled_as_python(number: float) -> bool:
    import orjson

    return orjson.dumps(number) == float.__repr__(number).encode()
