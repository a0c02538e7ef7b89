"""Claims against evidence: a platform's political-ad repository export, audited ad by ad
with per-record Rego rules that OPA compiles into one SQL filter for DuckDB.

Needs the `ads` extra (duckdb) and OPA's engine in process (opa-golib-python-bindings);
`require` says how to install what is missing.
"""

from __future__ import annotations

from importlib.util import find_spec

from pyrules.errors import InputError

INSTALL = (
    "pip install 'pyrules-edhs[ads]' && "
    "pip install --ignore-requires-python opa-golib-python-bindings"
)


def require() -> None:
    """Fail with the install line, not an ImportError, when the extra is missing."""
    missing = [name for name in ("duckdb", "opa_bindings") if find_spec(name) is None]
    if missing:
        raise InputError(f"auditing ad exports needs {', '.join(missing)}: {INSTALL}")
