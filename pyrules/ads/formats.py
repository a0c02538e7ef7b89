"""Readers for ad-repository exports: CSV, JSON Lines and Parquet, in the EDHS ad-record
layout (`schemas/ad-record.schema.json`) or in a public repository's own layout.

DuckDB reads the file in place; a view `ads` renames and casts the export's columns to
the ad-record fields, so the compiled rules and every query run on the same names and
nothing is loaded into Python. Columns the layout does not know are ignored; a mapped
column the export lacks is reported by name, and only when a rule needs it.

Layouts (field lists from the repositories' public documentation):

- `edhs`: the ad-record schema itself.
- `meta`: Meta's Ad Library API, `ads_archive` fields (`id`, `page_name`, `bylines`,
  `ad_delivery_start_time`, `ad_delivery_stop_time`, `ad_snapshot_url`,
  `eu_total_reach`, `currency`, `spend.lower_bound`/`upper_bound`, `target_locations`),
  as listed in the Graph API "Archived Ad" reference. It has no label, sponsor
  establishment or transparency-notice column: the rules that need them are reported as
  not checkable.
- `google`: Google's Ads Transparency Center `creative_stats` (public BigQuery dataset
  `google_ads_transparency_center`), with `region_stats` flattened to one row per ad and
  region (`creative_id`, `advertiser_disclosed_name`, `advertiser_legal_name`,
  `advertiser_location`, `region_code`, `first_shown`, `last_shown`,
  `creative_page_url`). `times_shown_*` counts impressions, not people reached, so it is
  not mapped to `audience_reached`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyrules.errors import InputError

if TYPE_CHECKING:
    import duckdb

FIELD_TYPES = {
    "ad_id": "VARCHAR",
    "content_url": "VARCHAR",
    "sponsor_name": "VARCHAR",
    "payer_name": "VARCHAR",
    "sponsor_country": "VARCHAR",
    "first_shown": "DATE",
    "last_shown": "DATE",
    "spend_min": "DOUBLE",
    "spend_max": "DOUBLE",
    "currency": "VARCHAR",
    "targeted": "BOOLEAN",
    "targeting_parameters": "VARCHAR",
    "audience_reached": "BIGINT",
    "member_states": "VARCHAR",
    "election": "VARCHAR",
    "label_shown": "BOOLEAN",
    "transparency_notice_url": "VARCHAR",
}

# ad-record field -> the export's column (dotted: a field of a nested column)
LAYOUTS: dict[str, dict[str, str]] = {
    "edhs": {name: name for name in FIELD_TYPES},
    "meta": {
        "ad_id": "id",
        "content_url": "ad_snapshot_url",
        "sponsor_name": "page_name",
        "payer_name": "bylines",
        "first_shown": "ad_delivery_start_time",
        "last_shown": "ad_delivery_stop_time",
        "spend_min": "spend.lower_bound",
        "spend_max": "spend.upper_bound",
        "currency": "currency",
        "audience_reached": "eu_total_reach",
        "member_states": "target_locations",
    },
    "google": {
        "ad_id": "creative_id",
        "content_url": "creative_page_url",
        "sponsor_name": "advertiser_disclosed_name",
        "payer_name": "advertiser_legal_name",
        "sponsor_country": "advertiser_location",
        "member_states": "region_code",
        "first_shown": "first_shown",
        "last_shown": "last_shown",
    },
}
READERS = {
    ".csv": "read_csv",
    ".jsonl": "read_json",
    ".ndjson": "read_json",
    ".parquet": "read_parquet",
}


@dataclass(frozen=True)
class Export:
    path: Path
    layout: str
    reader: str
    present: frozenset[str]  # ad-record fields the export has

    def missing(self, columns: tuple[str, ...]) -> list[str]:
        return [c for c in columns if c not in self.present]

    def column_of(self, field: str) -> str:
        return LAYOUTS[self.layout][field]


def reader_for(path: Path) -> str:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: unknown export type; use .csv, .jsonl (.ndjson) or .parquet")
    return reader


def open_export(con: duckdb.DuckDBPyConnection, path: Path, layout: str) -> Export:
    """Create the view `ads` over the export on `con`."""
    import duckdb

    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    reader = reader_for(path)
    source = f"{reader}({_literal(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        kind = reader.removeprefix("read_")
        raise InputError(f"{path}: cannot read as {kind}: {_first(exc)}") from None
    columns = {row[0].lower(): row[1] for row in described}
    mapping = LAYOUTS[layout]
    if mapping["ad_id"].lower() not in columns:
        raise InputError(
            f"{path}: no column {mapping['ad_id']!r}, which the {layout} layout needs for ad_id"
        )
    present = set()
    selects = []
    for field, kind in FIELD_TYPES.items():
        column = mapping.get(field)
        if column is not None and _has(columns, column):
            present.add(field)
            expr = ".".join(_quote(part) for part in column.split("."))
            selects.append(f"TRY_CAST({expr} AS {kind}) AS {field}")
        else:
            selects.append(f"CAST(NULL AS {kind}) AS {field}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW ads AS SELECT {', '.join(selects)} FROM {source}")
    return Export(path=path, layout=layout, reader=reader, present=frozenset(present))


def _has(columns: dict[str, str], dotted: str) -> bool:
    head, *rest = dotted.lower().split(".")
    kind = columns.get(head)
    if kind is None:
        return False
    return all(f"{part} " in kind.lower() or f'"{part}"' in kind.lower() for part in rest)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[0].split())
