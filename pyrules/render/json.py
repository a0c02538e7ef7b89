"""JSON: the `Report` model itself, as `schemas/report.schema.json` describes it.

Attestations sign these bytes, so they never change: they are what
`json.dumps(asdict(report), indent=2, ensure_ascii=False)` writes. orjson writes the same
bytes from the model's records directly, some twenty times faster (the standard library
falls back to its pure-Python encoder when asked to indent, and `asdict` deep-copies);
where the two would differ (orjson spells floats its own way, refuses integers past 64 bits,
keys that are not strings and lone surrogates), the report is written by the standard
library. `tests/render/test_json.py` pins the two together.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pyrules.model import Report
from pyrules.render import RenderContext

# The integers orjson writes as Python does; it refuses the others.
_INT_RANGE = range(-(2**63), 2**64)


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


def _as_python_writes(value: Any) -> bool:
    """Whether orjson writes `value` byte for byte as `json.dumps` does: no floats (written
    `1e-5`, not `1e-05`), integers within 64 bits, string keys, JSON's own types only."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return value in _INT_RANGE
    if kind is list or kind is tuple:
        return all(_as_python_writes(item) for item in value)
    if kind is dict:
        return all(type(k) is str and _as_python_writes(v) for k, v in value.items())
    return False
