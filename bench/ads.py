"""`make bench`, audit-ads part: ads per second on a 10-million-row generated Parquet
export, against a hand-written DuckDB query doing the same checks (target >= 0.9x) and
against evaluating the Rego per ad on OPA's engine (10,000-ad sample), and the peak
memory of the `pyrules audit-ads` process. The export is generated in a temporary
directory and deleted; `make test` never runs this."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pyrules.ads.audit import MAX_EXAMPLES, audit
from pyrules.ads.generate import generate
from pyrules.ads.rules import evidence_rules, new_engine, violates
from pyrules.loader import load
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = ROOT / "examples" / "declarations" / "aurora-social.yaml"
ROWS = int(os.environ.get("BENCH_ADS_ROWS", 10_000_000))
SAMPLE = 10_000
ROUNDS = 5
EU = "'AT','BE','BG','CY','CZ','DE','DK','EE','ES','FI','FR','GR','HR','HU','IE','IT','LT','LU','LV','MT','NL','PL','PT','RO','SE','SI','SK'"  # noqa: E501
# The same four checks written by hand for aurora-social.yaml (minimum 2500; 6-month
# blackout before 2026-09-27 and 2026-10-30), with the same outputs: counts and examples.
HAND = {
    "ad_labelled": ("label_shown IS NULL OR NOT label_shown", "label_shown"),
    "notice_linked": (
        "transparency_notice_url IS NULL OR transparency_notice_url = ''",
        "transparency_notice_url",
    ),
    "third_country_blackout": (
        f"sponsor_country NOT IN ({EU}) AND last_shown >= DATE '2026-03-27' "
        "AND first_shown <= DATE '2026-10-30'",
        "sponsor_country, first_shown, last_shown",
    ),
    "minimum_audience": ("audience_reached < 2500", "audience_reached"),
}


def hand_written(path: Path) -> tuple:
    parts = ["count(*)"]
    for condition, columns in HAND.values():
        recorded = " AND ".join(f"{c} IS NOT NULL" for c in columns.split(", "))
        parts.append(f"count(*) FILTER (WHERE ({recorded}) OR ({condition}))")
        parts.append(f"count(*) FILTER (WHERE {condition})")
        parts.append(
            f"min_by(struct_pack(ad_id, {columns}), ad_id, {MAX_EXAMPLES}) FILTER (WHERE {condition})"  # noqa: E501
        )
    con = duckdb.connect(config={"memory_limit": "1GB"})
    try:
        row = con.execute(f"SELECT {', '.join(parts)} FROM read_parquet('{path}')").fetchone()
    finally:
        con.close()
    return (row[0], *(tuple(row[i : i + 3]) for i in range(1, len(row), 3)))


def ours(path: Path) -> tuple:
    standard = load_standard()
    declaration = load(DECLARATION).data
    result = audit(path, "edhs", standard, declaration, DECLARATION.name)
    by_rule = {r.rule.name: r for r in result.results}
    return (
        result.ads,
        *((r.checked, r.violating, r.examples) for r in (by_rule[name] for name in HAND)),
    )


def rego_per_ad(path: Path) -> float:
    """Seconds to evaluate every rule on each ad of a sample, one query per rule and ad."""
    standard = load_standard()
    declaration = load(DECLARATION).data
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{path}') LIMIT {SAMPLE}")
    names = rows.columns
    ads = [
        {
            k: v.isoformat() if hasattr(v, "isoformat") else v
            for k, v in zip(names, row, strict=True)
        }
        for row in rows.fetchall()
    ]
    engine = new_engine(standard, standard.params)
    rules = evidence_rules(standard)
    start = time.perf_counter()
    for ad in ads:
        for rule in rules:
            violates(engine, rule, declaration, ad)
    return time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds of this process, DuckDB's threads included: steadier than wall time on
    a loaded machine, and it shows work done rather than time waited."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _plain(examples: list[dict] | None) -> list[dict]:
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in e.items()}
        for e in examples or []
    ]


def compare(path: Path) -> tuple[tuple, dict[str, list[tuple[float, float]]]]:
    """Alternate the two sides (which goes first changes each round); every round both must
    give the same ad count, and per rule the same checked and violating counts and examples."""
    times: dict[str, list[tuple[float, float]]] = {"ours": [], "hand": []}
    ours(path), hand_written(path)  # warm the OS cache and the imports
    for round_ in range(ROUNDS):
        found = {}
        for side in ("ours", "hand") if round_ % 2 == 0 else ("hand", "ours"):
            wall, cpu = time.perf_counter(), _cpu()
            found[side] = ours(path) if side == "ours" else hand_written(path)
            times[side].append((time.perf_counter() - wall, _cpu() - cpu))
        theirs = (found["hand"][0], *((c, v, _plain(e)) for c, v, e in found["hand"][1:]))
        assert found["ours"] == theirs, (found["ours"], theirs)
    return found["ours"], times


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyrules-bench-ads-") as tmp:
        path = Path(tmp) / "ads.parquet"
        start = time.perf_counter()
        generate(path, ROWS, 1, "faulty")
        size = path.stat().st_size / 2**20
        print(
            f"(ads) generated {ROWS:,} ads in {time.perf_counter() - start:.1f} s ({size:.0f} MiB)"
        )
        load = os.getloadavg()[0]
        mine, times = compare(path)
        (wa, ca), (wb, cb) = (
            (statistics.median(t[0] for t in times[s]), statistics.median(t[1] for t in times[s]))
            for s in ("ours", "hand")
        )
        print(
            f"(ads) audit {ROWS / wa:,.0f} ads/s vs hand-written DuckDB {ROWS / wb:,.0f} ads/s "
            f"(medians of {ROUNDS}; same ad count, checked and violating counts "
            f"{[v for _, v, _ in mine[1:]]} and examples) -> {wb / wa:.2f}x wall "
            f"(target >= 0.9x), {cb / ca:.2f}x CPU ({ca:.2f} s vs {cb:.2f} s); "
            f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after on "
            f"{os.cpu_count()} cores"
        )
        per_ad = rego_per_ad(path)
        print(
            f"(ads) Rego per ad on OPA's engine: {SAMPLE / per_ad:,.0f} ads/s on a {SAMPLE:,}-ad "
            f"sample -> the compiled SQL is {(ROWS / wa) / (SAMPLE / per_ad):,.0f}x faster"
        )
        command = [sys.executable, "-m", "pyrules", "audit-ads", str(path),
                   "--declaration", str(DECLARATION), "--format", "json"]  # fmt: skip
        t = time.perf_counter()
        done = subprocess.run(command, check=False, capture_output=True, cwd=ROOT, text=True)
        wall = time.perf_counter() - t
        assert done.returncode == 1, done.stderr  # the faulty profile contradicts claims
        counted = [r["violating"] for r in json.loads(done.stdout)["results"]]
        assert sorted(counted) == sorted(v for _, v, _ in mine[1:]), counted
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"(ads) pyrules audit-ads on {ROWS:,} ads: {wall:.1f} s, peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
