"""`make bench`, audit-ads part: ads per second on a 10-million-row generated Parquet
export, against a hand-written DuckDB query doing the same checks (target >= 0.9x) and
against evaluating the Rego per ad on OPA's engine (10,000-ad sample), and the peak
memory of the `pyrules audit-ads` process. The export is generated in a temporary
directory and deleted; `make test` never runs this."""

from __future__ import annotations

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


def hand_written(path: Path) -> tuple[int, ...]:
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
    return (row[0], *row[2::3])


def ours(path: Path) -> tuple[int, ...]:
    standard = load_standard()
    declaration = load(DECLARATION).data
    result = audit(path, "edhs", standard, declaration, DECLARATION.name)
    by_rule = {r.rule.name: r.violating for r in result.results}
    return (result.ads, *(by_rule[name] for name in HAND))


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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyrules-bench-ads-") as tmp:
        path = Path(tmp) / "ads.parquet"
        start = time.perf_counter()
        generate(path, ROWS, 1, "faulty")
        size = path.stat().st_size / 2**20
        print(
            f"(ads) generated {ROWS:,} ads in {time.perf_counter() - start:.1f} s ({size:.0f} MiB)"
        )
        ours(path), hand_written(path)  # warm the OS cache
        a, b = [], []
        for round_ in range(ROUNDS):  # alternate which side goes first
            for side in (0, 1) if round_ % 2 == 0 else (1, 0):
                t = time.perf_counter()
                counts = ours(path) if side == 0 else hand_written(path)
                (a if side == 0 else b).append(time.perf_counter() - t)
                if side == 0:
                    mine = counts
                else:
                    theirs = counts
            assert mine == theirs, (mine, theirs)
        ta, tb = statistics.median(a), statistics.median(b)
        print(
            f"(ads) audit {ROWS / ta:,.0f} ads/s vs hand-written DuckDB {ROWS / tb:,.0f} ads/s "
            f"(medians of {ROUNDS}, same counts {mine[1:]}) -> {tb / ta:.2f}x (target >= 0.9x); "
            f"best of {ROUNDS}: {min(b) / min(a):.2f}x"
        )
        per_ad = rego_per_ad(path)
        print(
            f"(ads) Rego per ad on OPA's engine: {SAMPLE / per_ad:,.0f} ads/s on a {SAMPLE:,}-ad "
            f"sample -> the compiled SQL is {(ROWS / ta) / (SAMPLE / per_ad):,.0f}x faster"
        )
        command = [sys.executable, "-m", "pyrules", "audit-ads", str(path),
                   "--declaration", str(DECLARATION), "--format", "json"]  # fmt: skip
        t = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
        wall = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"(ads) pyrules audit-ads on {ROWS:,} ads: {wall:.1f} s, peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
