"""The ads tests need DuckDB and OPA's engine in process (make install brings both)."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb", reason="pip install 'pyrules-edhs[ads]'")
pytest.importorskip(
    "opa_bindings", reason="pip install --ignore-requires-python opa-golib-python-bindings"
)
