"""How fast the loader reads declarations: the bundled examples, and one large generated
document in YAML and in JSON. Medians of CPU time per load, in milliseconds.

`--against FILE` times another version of `pyrules/loader.py` side by side in the same
process (e.g. `git show main:pyrules/loader.py > before.py`), alternating the two run by
run so that a busy machine slows both alike; the last column is this one / that one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

import yaml

from pyrules import loader

ROOT = Path(__file__).resolve().parent.parent


def large_document(entries: int) -> dict[str, object]:
    """A declaration-shaped mapping: many list items of small mappings of mixed scalars."""
    rng = random.Random(7)
    return {
        "platform": {"name": "Generated", "members": entries},
        "items": [
            {
                "id": f"item-{n}",
                "count": rng.randint(0, 10_000),
                "share": round(rng.random(), 4),
                "enabled": rng.random() < 0.5,
                "note": None if n % 7 else "seventh",
                "tags": [f"t{rng.randint(0, 50)}" for _ in range(3)],
                "nested": {"level": {"deeper": n % 13}},
            }
            for n in range(entries)
        ],
    }


def module_from(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("loader_compared", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def workloads(entries: int) -> list[tuple[str, Callable[[ModuleType], object], int]]:
    """(label, load with a given loader module, how many times one run repeats it)."""
    examples = [
        (p.name, p.read_bytes())
        for p in sorted((ROOT / "examples" / "declarations").glob("*.yaml"))
        if not p.name.endswith(".expected.yaml")
    ]
    data = large_document(entries)
    big_yaml = yaml.safe_dump(data, sort_keys=False).encode()
    big_json = json.dumps(data, indent=2).encode()

    def limits(module: ModuleType) -> object:
        return module.Limits(max_bytes=64 * 2**20, max_nodes=10_000_000)

    return [
        (
            f"{len(examples)} examples (YAML) x10",
            lambda m: [m.loads(raw, name) for name, raw in examples],
            10,
        ),
        (
            f"large YAML, {len(big_yaml) // 1024} KiB",
            lambda m: m.loads(big_yaml, "l.yaml", limits=limits(m)),
            1,
        ),
        (
            f"large JSON, {len(big_json) // 1024} KiB",
            lambda m: m.loads(big_json, "l.json", limits=limits(m)),
            1,
        ),
    ]


def cpu_ms(load: Callable[[], object], repeat: int) -> float:
    start = time.process_time()
    for _ in range(repeat):
        load()
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--entries", type=int, default=3_000)
    parser.add_argument("--against", type=Path, help="another loader.py to time side by side")
    args = parser.parse_args()
    sides = [loader] + ([module_from(args.against)] if args.against else [])
    print(f"{'':<32}{'this':>10}" + (f"{'against':>10}{'ratio':>8}" if args.against else ""))
    for label, load, repeat in workloads(args.entries):
        times: list[list[float]] = [[] for _ in sides]
        for _ in range(args.runs):
            for side, module in enumerate(sides):
                times[side].append(cpu_ms(partial(load, module), repeat))
        medians = [statistics.median(t) for t in times]
        row = f"{label:<32}{medians[0]:>8.1f}ms"
        if args.against:
            row += f"{medians[1]:>8.1f}ms{medians[0] / medians[1]:>8.2f}"
        print(row)


if __name__ == "__main__":
    main()
