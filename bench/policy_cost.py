"""What evaluating the standard's policies costs, per engine, against an older version.

The policies of the working tree and those of a git revision (`--before`, e.g. `main`) are
compiled side by side and evaluated on the same declaration in alternating rounds, so a
noisy machine moves both figures alike. OPA's figure is the whole-standard query alone
(`eval_query`), set against a trivial query with the same input (encoding and the call);
regopy's is one full evaluation (`set_input`, the query, reading the output).
`--per-control` adds each control asked alone, above the trivial query, on OPA.

Usage: python bench/policy_cost.py [--before REV] [--declaration FILE] [--per-control]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from revision import ROOT, extract  # bench/ is on the path as a script

from pyrules.engine import all_controls_query
from pyrules.engine.embedded import EmbeddedEngine
from pyrules.engine.inprocess import InProcessEngine
from pyrules.evaluate import engine_params
from pyrules.loader import load
from pyrules.standard import Standard, load_standard
from pyrules.testcases import CASES_AS_OF

REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
AS_OF = date.fromisoformat(CASES_AS_OF)  # the reference declaration passes every control
TRIVIAL = "result := 1"


def standard_at(revision: str, into: Path) -> Standard:
    """The standard's policies as they were at `revision` of this repository."""
    extract(revision, "policies", into)
    return load_standard(into)


def per_eval_ms(call: Callable[[], Any], evals: int) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per call (CPU time: the process's, the engine's
    own threads included; a busy machine inflates it far less than the wall clock)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(evals):
        call()
    return (
        (time.perf_counter() - wall) * 1000 / evals,
        (time.process_time() - cpu) * 1000 / evals,
    )


def alternate(
    sides: dict[str, Callable[[], Any]], rounds: int, evals: int
) -> dict[str, tuple[float, float]]:
    """Median wall and CPU time per evaluation of each side, over rounds that take the
    sides in turn, their order reversed every other round."""
    names = list(sides)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for call in sides.values():  # warm up: prepared queries, caches
        per_eval_ms(call, 3)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            times[name].append(per_eval_ms(sides[name], evals))
    return {
        name: (
            statistics.median(wall for wall, _ in values),
            statistics.median(cpu for _, cpu in values),
        )
        for name, values in times.items()
    }


def show(figures: dict[str, tuple[float, float]]) -> None:
    for label, (wall, cpu) in figures.items():
        print(f"  {label:12s} {wall:7.3f} ms per evaluation ({cpu:.3f} ms of CPU)")


def opa_calls(standard: Standard, data: dict[str, Any]) -> tuple[Callable[[], Any], Any]:
    params = engine_params(standard, AS_OF)
    engine = InProcessEngine(standard.modules, params, standard.controls).native
    query = all_controls_query(standard.controls)
    return (lambda: engine.eval_query(query, data)), engine


def regopy_call(standard: Standard, data: dict[str, Any], cache: Path) -> Callable[[], Any]:
    params = engine_params(standard, AS_OF)
    engine = EmbeddedEngine(standard.modules, params, standard.controls, cache_dir=cache)
    return lambda: engine.evaluate(data)


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def per_control(standard: Standard, data: dict[str, Any], rounds: int, evals: int) -> None:
    _, engine = opa_calls(standard, data)
    sides = {"trivial": lambda: engine.eval_query(TRIVIAL, data)}
    for control in standard.controls:
        query = (
            f'result := {{"applicable": data.{control.package}.applicable, '
            f'"deny": data.{control.package}.deny}}'
        )
        sides[control.id] = lambda query=query: engine.eval_query(query, data)
    figures = {name: wall for name, (wall, _) in alternate(sides, rounds, evals).items()}
    base = figures.pop("trivial")
    print(f"OPA, each control alone above the trivial query ({base:.3f} ms), {load_text()}:")
    for control_id, ms in sorted(figures.items(), key=lambda item: -item[1]):
        print(f"  {control_id:8s} {ms - base:6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision whose policies to compare with")
    parser.add_argument("--declaration", type=Path, default=REFERENCE)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--evals", type=int, default=100)
    parser.add_argument("--per-control", action="store_true")
    args = parser.parse_args()
    data = load(args.declaration).data
    with tempfile.TemporaryDirectory() as tmp:
        standards = {"now": load_standard(ROOT)}
        if args.before:
            standards = {args.before: standard_at(args.before, Path(tmp) / "before"), **standards}
        opa: dict[str, Callable[[], Any]] = {}
        for label, standard in standards.items():
            opa[label] = opa_calls(standard, data)[0]
        _, engine = opa_calls(standards["now"], data)
        opa["trivial"] = lambda: engine.eval_query(TRIVIAL, data)
        figures = alternate(opa, args.rounds, args.evals)
        print(f"OPA whole standard on {args.declaration.name} ({load_text()}):")
        show(figures)
        regopy = {
            label: regopy_call(standard, data, Path(tmp) / "cache")
            for label, standard in standards.items()
        }
        figures = alternate(regopy, max(3, args.rounds // 3), max(5, args.evals // 10))
        print(f"regopy whole standard ({load_text()}):")
        show(figures)
        if args.per_control:
            per_control(standards["now"], data, args.rounds, max(10, args.evals // 5))


if __name__ == "__main__":
    main()
