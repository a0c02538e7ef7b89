"""How fast the loader reads declarations: the bundled examples, and one large generated
document in YAML and in JSON. Medians of several runs, in milliseconds per load.

Run it twice to compare two versions of the loader side by side (e.g. before and after a
change, with the older tree first on PYTHONPATH); the figures are only comparable within
one machine and one sitting.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from pyrules import loader
from pyrules.loader import Limits, loads

ROOT = Path(__file__).resolve().parent.parent
LARGE = Limits(max_bytes=64 * 1024 * 1024, max_nodes=10_000_000)


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


def median_ms(load: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--entries", type=int, default=3_000)
    args = parser.parse_args()
    examples = [
        (p.name, p.read_bytes())
        for p in sorted((ROOT / "examples" / "declarations").glob("*.yaml"))
        if not p.name.endswith(".expected.yaml")
    ]
    data = large_document(args.entries)
    big_yaml = yaml.safe_dump(data, sort_keys=False).encode()
    big_json = json.dumps(data, indent=2).encode()

    def all_examples() -> None:
        for name, raw in examples:
            loads(raw, name)

    rows = [
        (f"{len(examples)} examples (YAML)", all_examples, args.runs * 10),
        (
            f"large YAML, {len(big_yaml) // 1024} KiB",
            lambda: loads(big_yaml, "l.yaml", limits=LARGE),
            args.runs,
        ),
        (
            f"large JSON, {len(big_json) // 1024} KiB",
            lambda: loads(big_json, "l.json", limits=LARGE),
            args.runs,
        ),
    ]
    print(f"loader: {loader.__file__}")
    for label, load, runs in rows:
        print(f"{label:<28} {median_ms(load, runs):9.2f} ms (median of {runs})")


if __name__ == "__main__":
    main()
