"""`pyrules ads generate`: synthetic ad-repository exports for tests and benchmarks, with
a record of the violations planted in them. No real data ships with pyrules.

DuckDB writes the rows straight from SQL (`COPY ... TO`), so ten million rows never pass
through Python. Every value derives from a hash of the row number and the seed, so the
same count and seed give the same file. The planted record (`<export>.planted.json`) is
counted from the same hash bands the rows are drawn from, not from the rules it is later
compared with.

Planted, by profile (per thousand ads):

| what | realistic | faulty |
| --- | --- | --- |
| reach below 1,000 / 1,000-2,499 / 2,500-4,999 | 0 / 0 / 30 | 4 / 8 / 28 |
| label not shown / not recorded | 0 / 0 | 6 / 2 |
| transparency-notice link missing / empty | 0 / 0 | 5 / 2 |
| third-country sponsor, shown 2026-06-01..2026-09-15 / in 2025 | 0 / 10 | 3 / 7 |

Ads of third-country sponsors shown in the 2026 campaign window fall in the blackout of
any election from 2026-09-15 on whose blackout starts by 2026-06-01; those shown in 2025
fall in none of the 2026 elections' blackouts.

With `layout="google"` the same ads are written in the Google layout (see
`pyrules.ads.formats`), one row per ad and region, each ad shown in one to three regions:
the planted counts are of ads, and the record adds the number of rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pyrules.ads.formats import reader_for
from pyrules.errors import InputError

PROFILES: dict[str, dict[str, int]] = {
    # per-mille thresholds on independent hash bands
    "realistic": {
        "reach_lt_1000": 0, "reach_lt_2500": 0, "reach_lt_5000": 30,
        "label_false": 0, "label_null": 0, "notice_null": 0, "notice_empty": 0,
        "third_campaign": 0, "third_off_season": 10,
    },
    "faulty": {
        "reach_lt_1000": 4, "reach_lt_2500": 12, "reach_lt_5000": 40,
        "label_false": 6, "label_null": 8, "notice_null": 5, "notice_empty": 7,
        "third_campaign": 3, "third_off_season": 10,
    },
}  # fmt: skip
CAMPAIGN = ("2026-06-01", "2026-09-15")
OFF_SEASON = ("2025-01-01", "2025-12-31")
EU = ["BE", "IE", "NL", "FR", "DE", "HU", "EE", "PL"]
THIRD = ["US", "CH", "GB", "RU", "CN", "TR"]
LAYOUTS = ("edhs", "google")
COPY_FORMATS = {"read_csv": "csv", "read_json": "json", "read_parquet": "parquet"}


def _band(k: int) -> str:
    """A uniform per-mille value (0-999) of row i, independent for each k."""
    return f"(hash(i, $seed, {k}) % 1000)"


def _rows_sql(p: dict[str, int]) -> str:
    reach, label, notice, third = _band(1), _band(2), _band(3), _band(4)
    spread = "(hash(i, $seed, 5) % 100000)"
    day = "CAST(hash(i, $seed, 6) % 120 AS INTEGER)"
    eu = "[" + ", ".join(f"'{c}'" for c in EU) + "]"
    country = f"{eu}[1 + CAST(hash(i, $seed, 8) % {len(EU)} AS INTEGER)]"
    third_list = "[" + ", ".join(f"'{c}'" for c in THIRD) + "]"
    return f"""
SELECT
  'AD-' || lpad(CAST(i AS VARCHAR), 10, '0') AS ad_id,
  'https://ads.example/creative/' || CAST(i AS VARCHAR) AS content_url,
  'Sponsor ' || CAST(hash(i, $seed, 7) % 4000 AS VARCHAR) AS sponsor_name,
  'Payer ' || CAST(hash(i, $seed, 7) % 4000 AS VARCHAR) AS payer_name,
  CASE WHEN {third} < {p["third_off_season"]}
       THEN {third_list}[1 + CAST(hash(i, $seed, 8) % {len(THIRD)} AS INTEGER)]
       ELSE {country} END AS sponsor_country,
  CASE WHEN {third} < {p["third_campaign"]} THEN DATE '{CAMPAIGN[0]}' + ({day} % 60)
       WHEN {third} < {p["third_off_season"]} THEN DATE '{OFF_SEASON[0]}' + {day}
       ELSE DATE '2025-06-01' + CAST(hash(i, $seed, 9) % 480 AS INTEGER) END AS first_shown,
  CASE WHEN {third} < {p["third_campaign"]} THEN DATE '{CAMPAIGN[0]}' + ({day} % 60) + 30
       WHEN {third} < {p["third_off_season"]} THEN DATE '{OFF_SEASON[0]}' + {day} + 90
       ELSE DATE '2025-06-01' + CAST(hash(i, $seed, 9) % 480 AS INTEGER) + 14 END AS last_shown,
  CAST(hash(i, $seed, 10) % 900 AS DOUBLE) * 10 AS spend_min,
  CAST(hash(i, $seed, 10) % 900 AS DOUBLE) * 10 + 99 AS spend_max,
  'EUR' AS currency,
  hash(i, $seed, 11) % 4 <> 0 AS targeted,
  'age:25-54;region:' || {country} AS targeting_parameters,
  CAST(CASE WHEN {reach} < {p["reach_lt_1000"]} THEN 100 + {spread} % 900
       WHEN {reach} < {p["reach_lt_2500"]} THEN 1000 + {spread} % 1500
       WHEN {reach} < {p["reach_lt_5000"]} THEN 2500 + {spread} % 2500
       ELSE 5000 + {spread} * 5 END AS BIGINT) AS audience_reached,
  {country} AS member_states,
  'General election' AS election,
  CASE WHEN {label} < {p["label_false"]} THEN FALSE
       WHEN {label} < {p["label_null"]} THEN NULL ELSE TRUE END AS label_shown,
  CASE WHEN {notice} < {p["notice_null"]} THEN NULL
       WHEN {notice} < {p["notice_empty"]} THEN ''
       ELSE 'https://ads.example/notice/' || CAST(i AS VARCHAR) END AS transparency_notice_url
FROM range($count) AS t(i)
"""


def _regions(ad_id: str) -> str:
    """How many regions (1-3) the ad was shown in, from its ID."""
    return f"(1 + CAST(hash({ad_id}, $seed, 12) % 3 AS INTEGER))"


def _google_sql(rows: str) -> str:
    """The rows in the Google layout: one per ad and region, the ad's fields repeated."""
    eu = "[" + ", ".join(f"'{c}'" for c in EU) + "]"
    return f"""
SELECT
  ad_id AS creative_id,
  content_url AS creative_page_url,
  sponsor_name AS advertiser_disclosed_name,
  payer_name AS advertiser_legal_name,
  sponsor_country AS advertiser_location,
  unnest({eu}[1:{_regions("ad_id")}]) AS region_code,
  first_shown,
  last_shown
FROM ({rows})
"""


def _planted_sql(p: dict[str, int]) -> str:
    reach, label, notice, third = _band(1), _band(2), _band(3), _band(4)
    return f"""
SELECT
  count(*) FILTER (WHERE {reach} < {p["reach_lt_1000"]}),
  count(*) FILTER (WHERE {reach} < {p["reach_lt_2500"]}),
  count(*) FILTER (WHERE {reach} < {p["reach_lt_5000"]}),
  count(*) FILTER (WHERE {label} < {p["label_null"]}),
  count(*) FILTER (WHERE {notice} < {p["notice_empty"]}),
  count(*) FILTER (WHERE {third} < {p["third_campaign"]}),
  count(*) FILTER (WHERE {third} < {p["third_off_season"]}),
  coalesce(sum({_regions("'AD-' || lpad(CAST(i AS VARCHAR), 10, '0')")}), 0)
FROM range($count) AS t(i)
"""


def generate(
    out: Path, count: int, seed: int, profile: str, layout: str = "edhs"
) -> dict[str, Any]:
    """Write `count` ad records to `out` (.parquet, .csv or .jsonl) in `layout` and the
    planted record next to it; returns the record."""
    import duckdb

    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
    if layout not in LAYOUTS:
        raise InputError(f"the generator writes layouts {', '.join(LAYOUTS)}, not {layout!r}")
    kind = COPY_FORMATS[reader_for(out)]
    params = {"count": count, "seed": seed}
    p = PROFILES[profile]
    con = duckdb.connect()
    try:
        target = "'" + str(out).replace("'", "''") + "'"
        rows = _rows_sql(p) if layout == "edhs" else _google_sql(_rows_sql(p))
        con.execute(f"COPY ({rows}) TO {target} (FORMAT {kind})", params)
        row = con.execute(_planted_sql(p), params).fetchone()
    except duckdb.IOException as exc:
        raise InputError(f"{out}: cannot write ({str(exc).splitlines()[0]})") from None
    finally:
        con.close()
    assert row is not None
    below_1000, below_2500, below_5000, label, notice, campaign, third, regions = row
    planted = {
        "count": count,
        "layout": layout,
        "rows": count if layout == "edhs" else regions,
        "seed": seed,
        "profile": profile,
        "audience_reached_below": {"1000": below_1000, "2500": below_2500, "5000": below_5000},
        "label_not_shown_or_unrecorded": label,
        "notice_link_missing_or_empty": notice,
        "third_country_sponsor_ads": third,
        "third_country_sponsor_ads_in_campaign": campaign,
        "campaign_window": list(CAMPAIGN),
    }
    record = planted_path(out)
    try:
        record.write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{record}: cannot write ({exc.strerror})") from None
    return planted


def planted_path(export: Path) -> Path:
    return export.with_name(export.name + ".planted.json")
