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
  `eu_total_reach`, `currency`, `spend.lower_bound`/`upper_bound`, `target_locations`):
  the Graph API "Archived Ad" reference
  (https://developers.facebook.com/docs/graph-api/reference/archived-ad/) and the field
  list of Meta's own R client (facebookresearch/Radlibrary, NEWS.md, for the EU fields
  `eu_total_reach`, `beneficiary_payers`, `target_locations`). It has no label, sponsor
  establishment or transparency-notice column: the rules that need them are reported as
  not checkable.
- `google`: Google's Ads Transparency Center `creative_stats` (public BigQuery table
  `bigquery-public-data.google_ads_transparency_center.creative_stats`, column list as its
  schema describes it), with `region_stats` flattened to one row per ad and
  region (`creative_id`, `advertiser_disclosed_name`, `advertiser_legal_name`,
  `advertiser_location`, `region_code`, `first_shown`, `last_shown`,
  `creative_page_url`). `times_shown_*` counts impressions, not people reached, so it is
  not mapped to `audience_reached`. An ad has a row for each region it was shown in: the
  audit counts distinct `creative_id`s, an ad violating a rule when any of its rows does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pyrules.errors import InputError

if TYPE_CHECKING:
    import duckdb

AD_RECORD_SCHEMA = "ad-record.schema.json"
SQL_TYPES = {"string": "VARCHAR", "date": "DATE", "integer": "BIGINT", "number": "DOUBLE"}


@cache
def field_types() -> dict[str, str]:
    """Ad-record field -> DuckDB type, from the schema, the one list of fields."""
    from pyrules.standard import default_standard_dir

    path = default_standard_dir() / "schemas" / AD_RECORD_SCHEMA
    schema = json.loads(path.read_text(encoding="utf-8"))
    types = {}
    for name, spec in schema["properties"].items():
        kind = spec["type"][0] if isinstance(spec["type"], list) else spec["type"]
        kind = "date" if spec.get("format") == "date" else kind
        types[name] = SQL_TYPES.get(kind, kind.upper())
    return types


# ad-record field -> the export's column (dotted: a field of a nested column)
LAYOUTS: dict[str, dict[str, str]] = {
    "edhs": {},  # the ad-record fields by their own names
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
# Layouts with several rows per ad: what one row of an ad stands for. The audit counts
# each ad once, as violating a rule when any of its rows does.
ROWS_PER_AD: dict[str, str] = {"google": "region"}
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

    @property
    def row_per(self) -> str | None:
        """What one row stands for when an ad has several (None: one row per ad)."""
        return ROWS_PER_AD.get(self.layout)

    def missing(self, columns: tuple[str, ...]) -> list[str]:
        return [c for c in columns if c not in self.present]

    def column_of(self, field: str) -> str | None:
        return column_of(self.layout, field)


def column_of(layout: str, field: str) -> str | None:
    """The export's column holding `field` in `layout` (None: the layout has none)."""
    if layout == "edhs":
        return field if field in field_types() else None
    return LAYOUTS[layout].get(field)


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
    id_column = column_of(layout, "ad_id")
    if id_column is None or id_column.lower() not in columns:
        raise InputError(
            f"{path}: no column {id_column!r}, which the {layout} layout needs for ad_id"
        )
    present = set()
    selects = []
    for field, kind in field_types().items():
        column = column_of(layout, field)
        if column is not None and _has(columns, column):
            present.add(field)
            expr = ".".join(_quote(part) for part in column.split("."))
            if columns.get(column.lower()) != kind:  # a cast costs a third of the scan
                expr = f"TRY_CAST({expr} AS {kind})"
            selects.append(f"{expr} AS {field}")
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
