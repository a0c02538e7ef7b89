"""OPA's own engine in process: the Go `rego` package through opa-golib-python-bindings.

Modules and parameters are loaded once per engine; each declaration costs one query for
every control's verdict (the same object the other engines ask for), and when that query
fails each control is asked alone so the error lands on the control that caused it.
Built-in errors are strict in the binding (a failing built-in is an error, never an empty
`deny`), as `strict_built_in_errors` makes them in regopy.

One engine is not meant to be shared by threads (the binding serialises calls on it):
serving code keeps one engine per thread (see `pyrules.engine.pool`). The Go runtime
starts with the first engine; a process must not fork after that, so batch work uses
threads with this engine.
"""

from __future__ import annotations

import importlib.util
import os
import re
import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrules.engine import RawResult, all_controls_query, evaluate_alone, parse_control_output
from pyrules.errors import InputError, StandardError
from pyrules.model import Control, Module

if TYPE_CHECKING:
    from opa_bindings import OpaEngine

DIST = "opa-golib-python-bindings"
INSTALL = f"pip install --ignore-requires-python '{DIST}>=0.4.4'"
PARAMS_PATH = "edhs.params"
COMPILE_ERRORS = ("prepare_error", "parse_error")


# The Go runtime of OPA's engine reads these from the environment its process started with
# (golang/go#44108: a change made in a running process is never seen), so `serve` and
# `assess` set them before they spawn their workers; a value the user set wins. A decision
# allocates about 2.5 MB on a live heap of about 7 MB: at Go's default (a collection
# whenever the heap doubles) a worker collected every third decision, a quarter of the
# engine's CPU time. Collecting at eleven times the live heap costs a worker some 100 MB
# more than at five times (GOGC=400), and with two workers busy on two cores it gave 8%
# more decisions per second and a quarter off the slowest 1% of them (p99 10.3 against
# 13.8 ms): the collector's threads had been taking the other worker's core. The soft
# memory limit makes Go collect sooner should written data ever make the live heap large.
GO_RUNTIME = {"GOGC": "1000", "GOMEMLIMIT": "512MiB"}


@contextmanager
def go_runtime_for_workers() -> Iterator[None]:
    """GO_RUNTIME, where the user did not set it, in the environment of the processes
    started meanwhile (spawned workers inherit it); as it was afterwards."""
    added = [name for name in GO_RUNTIME if name not in os.environ]
    os.environ.update({name: GO_RUNTIME[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


class MissingEngine(InputError):
    """`--engine opa` without the binding installed."""


def available() -> bool:
    """True when the binding is installed; cheap (no import, no Go runtime)."""
    return importlib.util.find_spec("opa_bindings") is not None


def new_engine() -> OpaEngine:
    try:
        from opa_bindings import OpaEngine
    except ImportError:
        raise MissingEngine(
            f"--engine opa needs OPA's engine in process: {INSTALL} (or --engine regopy)"
        ) from None
    return OpaEngine()


@cache
def opa_version() -> str:
    """`OPA v1.20.2 (opa-golib-python-bindings 0.4.4)`: the Go module version comes from the
    build information Go writes into every binary it links."""
    spec = importlib.util.find_spec("opa_bindings")
    package = Path(spec.origin).parent if spec is not None and spec.origin is not None else None
    binding = (package and installed_version(package.parent)) or _metadata_version()
    go_version = None
    if package is not None:
        try:
            go_version = go_module_version(
                package / "libopabridge.so", "github.com/open-policy-agent/opa"
            )
        except (OSError, struct.error, ValueError):
            go_version = None
    return f"OPA {go_version} ({DIST} {binding})" if go_version else f"{DIST} {binding}"


def installed_version(site: Path) -> str | None:
    """The binding's version from the `<name>-<version>.dist-info` folder an installer
    writes beside the package (one, or None): importing importlib.metadata to ask would
    cost a cold `pyrules check` more than the evaluation itself."""
    prefix = DIST.replace("-", "_") + "-"
    try:
        found = [
            entry.name[len(prefix) : -len(".dist-info")]
            for entry in os.scandir(site)
            if entry.name.startswith(prefix) and entry.name.endswith(".dist-info")
        ]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def _metadata_version() -> str:
    from importlib import metadata

    return metadata.version(DIST)


def go_module_version(library: Path, module: str) -> str | None:
    """The version of `module` in an ELF64 Go binary's .go.buildinfo section, read through
    the section headers (a few KB), not by scanning the 30 MB library."""
    with library.open("rb") as handle:
        head = handle.read(64)
        if head[:5] != b"\x7fELF\x02":
            return None
        order = "<" if head[5] == 1 else ">"
        (table_at,) = struct.unpack_from(order + "Q", head, 0x28)
        entry_size, entries, names_index = struct.unpack_from(order + "HHH", head, 0x3A)
        handle.seek(table_at)
        table = handle.read(entry_size * entries)

        def section(index: int) -> tuple[int, int, int]:
            name, _, _, _, offset, size = struct.unpack_from(
                order + "IIQQQQ", table, index * entry_size
            )
            return name, offset, size

        _, names_at, names_size = section(names_index)
        handle.seek(names_at)
        names = handle.read(names_size)
        for index in range(entries):
            name, offset, size = section(index)
            if names[name : names.index(b"\0", name)] == b".go.buildinfo":
                handle.seek(offset)
                info = handle.read(min(size, 1 << 20))
                match = re.search(rb"\ndep\t" + re.escape(module.encode()) + rb"\t([^\t\n]+)", info)
                return match.group(1).decode("ascii", "replace") if match else None
    return None


def describe_opa_error(exc: Exception) -> str:
    """One line from the binding's `code: message`, the Go side's own file:row text kept."""
    return " ".join(str(getattr(exc, "message", None) or exc).split())


def load_standard_into(
    engine: OpaEngine, modules: Iterable[Module], params: dict[str, Any]
) -> None:
    """The whole parameter document at data.edhs.params and every module by its bundle
    path, so OPA's file:row locations name the files users see. OPA compiles them with the
    first query (`not_compiling` tells that query's error apart)."""
    from opa_bindings import OpaError

    try:
        for module in modules:
            engine.add_policy(module.path, module.source)
        engine.add_data(params, path=PARAMS_PATH)
    except OpaError as exc:
        raise not_compiling(exc) from None


def not_compiling(exc: Exception) -> StandardError:
    return StandardError(f"the standard's policies do not compile: {describe_opa_error(exc)}")


class InProcessEngine:
    """OPA's engine, in this process, compiled once for one set of parameters."""

    name = "opa"

    def __init__(
        self, modules: Iterable[Module], params: dict[str, Any], controls: Iterable[Control]
    ) -> None:
        self.controls = tuple(controls)
        self.modules = tuple(modules)
        self._engine = new_engine()
        load_standard_into(self._engine, self.modules, params)
        self._query = all_controls_query(self.controls)

    @property
    def version(self) -> str:
        return opa_version()

    @property
    def native(self) -> OpaEngine:
        """The binding's engine, for coverage and traces (`pyrules test --coverage`,
        `pyrules explain`)."""
        return self._engine

    def evaluate(self, declaration: dict[str, Any]) -> dict[str, RawResult]:
        value, error = self.ask(self._query, declaration)
        if error is None and isinstance(value, dict):
            return {c.id: parse_control_output(value.get(c.id)) for c in self.controls}
        return {c.id: self._evaluate_one(c, declaration) for c in self.controls}

    def _evaluate_one(self, control: Control, declaration: dict[str, Any]) -> RawResult:
        return evaluate_alone(
            control,
            lambda package, rule: self.ask(f"result := data.{package}.{rule}", declaration),
        )

    def ask(self, query: str, declaration: Any, **tracing: bool) -> tuple[Any, str | None]:
        """`result` of the query, or why there is none (`tracing`: coverage or trace)."""
        from opa_bindings import OpaError

        try:
            rows = self._engine.eval_query(query, declaration, **tracing)
        except OpaError as exc:
            if exc.code in COMPILE_ERRORS:  # the policies, not this declaration
                raise not_compiling(exc) from None
            return None, describe_opa_error(exc)
        except TypeError as exc:  # the binding sends the input as JSON
            raise InputError(f"the input holds a value JSON cannot carry: {exc}") from None
        if len(rows) != 1 or "result" not in rows[0]:
            return None, "the policy's result is undefined (a rule without a default?)"
        return rows[0]["result"], None
