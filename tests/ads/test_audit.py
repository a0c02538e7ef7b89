"""audit-ads end to end on small generated exports: the planted violations are found,
a profile's parameter changes the counts, the printed SQL runs unchanged on SQLite, and
the layouts and bad inputs behave."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import duckdb
import pytest

from pyrules.ads.generate import generate
from tests.helpers import EXAMPLES, ROOT, pyrules

AURORA = EXAMPLES / "aurora-social.yaml"
RURITANIA = ROOT / "examples" / "profiles" / "ruritania.yaml"
COUNT = 20_000


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("ads") / "faulty.parquet"
    return out, generate(out, COUNT, 7, "faulty")


def _audit(*args: str | Path) -> tuple[int, dict]:
    done = pyrules("audit-ads", *args, "--declaration", AURORA, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _violating(report: dict) -> dict[str, int]:
    return {r["control_id"]: r["violating"] for r in report["results"]}


def test_the_planted_violations_are_found(faulty: tuple[Path, dict]) -> None:
    export, planted = faulty
    code, report = _audit(export)
    assert code == 1
    assert report["ads"] == COUNT
    # aurora-social declares a minimum audience of 2500 and a 6-month blackout before
    # elections on 2026-09-27 and 2026-10-30, which covers the generator's campaign window.
    assert _violating(report) == {
        "TGT-03": planted["audience_reached_below"]["2500"],
        "ADS-01": planted["label_not_shown_or_unrecorded"],
        "ADS-03": planted["notice_link_missing_or_empty"],
        "ADS-05": planted["third_country_sponsor_ads_in_campaign"],
    }
    assert all(v > 0 for v in _violating(report).values())
    tgt = next(r for r in report["results"] if r["control_id"] == "TGT-03")
    assert tgt["claim"] == {
        "field": "political_ads.targeting.minimum_audience_size",
        "declared": 2500,
    }
    assert len(tgt["examples"]) == 20
    assert all(e["audience_reached"] < 2500 for e in tgt["examples"])
    assert tgt["evidence"].startswith(f"{tgt['violating']:,} of {COUNT:,} ads")


def test_a_profile_minimum_of_5000_changes_the_count(faulty: tuple[Path, dict]) -> None:
    export, planted = faulty
    _, report = _audit(export, "--profile", RURITANIA)
    assert _violating(report)["TGT-03"] == planted["audience_reached_below"]["5000"]
    assert planted["audience_reached_below"]["5000"] > planted["audience_reached_below"]["2500"]
    tgt = next(r for r in report["results"] if r["control_id"] == "TGT-03")
    assert "fewer than 5000 people" in tgt["evidence"]
    assert tgt["severity"] == "critical"  # the profile raises TGT-03


def test_a_realistic_export_contradicts_no_claim(tmp_path: Path) -> None:
    export = tmp_path / "realistic.parquet"
    generate(export, 5_000, 1, "realistic")
    code, report = _audit(export)
    assert code == 0
    assert {r["status"] for r in report["results"]} == {"pass"}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_csv_and_json_lines_read_like_parquet(tmp_path: Path, suffix: str) -> None:
    export = tmp_path / f"faulty{suffix}"
    planted = generate(export, 3_000, 5, "faulty")
    _, report = _audit(export)
    assert _violating(report)["ADS-01"] == planted["label_not_shown_or_unrecorded"]
    assert _violating(report)["TGT-03"] == planted["audience_reached_below"]["2500"]


def test_the_printed_sql_runs_unchanged_on_sqlite(faulty: tuple[Path, dict]) -> None:
    export, _ = faulty
    _, report = _audit(export)
    done = pyrules("audit-ads", "--print-sql", "sqlite", "--declaration", AURORA)
    assert done.returncode == 0, done.stderr
    statements = [s for s in done.stdout.split(";\n") if "SELECT" in s]
    assert len(statements) == len(report["results"])
    rows = duckdb.sql(f"SELECT * FROM '{export}'")
    lite = sqlite3.connect(":memory:")
    names = rows.columns
    kinds = {"VARCHAR": "TEXT", "DATE": "TEXT", "DOUBLE": "REAL", "BIGINT": "INTEGER"}
    types = [kinds.get(str(t), "INTEGER") for t in rows.types]
    lite.execute(
        f"CREATE TABLE ads ({', '.join(f'{n} {t}' for n, t in zip(names, types, strict=True))})"
    )
    lite.executemany(
        f"INSERT INTO ads VALUES ({', '.join('?' for _ in names)})",
        [
            tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)
            for row in rows.fetchall()
        ],
    )
    counts = {}
    for statement in statements:
        control = re.search(r"-- ([A-Z]{3}-\d{2}) ", statement).group(1)
        counts[control] = lite.execute(statement).fetchone()[0]
    assert counts == _violating(report)


def test_meta_layout_checks_what_its_fields_allow(tmp_path: Path) -> None:
    export = tmp_path / "meta.jsonl"
    ads = [
        {
            "id": "1",
            "page_name": "P",
            "eu_total_reach": 400,
            "spend": {"lower_bound": "100", "upper_bound": "199"},
            "extra": 1,
        },
        {
            "id": "2",
            "page_name": "P",
            "eu_total_reach": 90000,
            "spend": {"lower_bound": "0", "upper_bound": "99"},
        },
        {"id": "3", "page_name": "Q", "eu_total_reach": 2400},
        {"id": "4", "page_name": "Q"},  # no reach recorded: not checked, not violating
    ]
    export.write_text("".join(json.dumps(a) + "\n" for a in ads))
    code, report = _audit(export, "--layout", "meta")
    assert code == 1
    by_control = {r["control_id"]: r for r in report["results"]}
    assert (by_control["TGT-03"]["checked"], by_control["TGT-03"]["violating"]) == (3, 2)
    assert report["ads"] == 4
    assert [e["ad_id"] for e in by_control["TGT-03"]["examples"]] == ["1", "3"]
    assert by_control["ADS-01"]["status"] == "not_checked"
    assert "label_shown (the meta layout has no such field)" in by_control["ADS-01"]["evidence"]


def test_a_mapped_column_missing_from_the_export_is_named(tmp_path: Path) -> None:
    export = tmp_path / "meta.csv"
    export.write_text("id,page_name\n1,P\n")
    _, report = _audit(export, "--layout", "meta")
    tgt = next(r for r in report["results"] if r["control_id"] == "TGT-03")
    assert tgt["status"] == "not_checked"
    assert "column 'eu_total_reach' (audience_reached)" in tgt["evidence"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("page_name\nP\n", "meta.csv", "no column 'id', which the meta layout needs for ad_id"),
        ("PAR1 not parquet", "bad.parquet", "cannot read as parquet"),
        ("x", "ads.xlsx", "unknown export type"),
    ],
)
def test_bad_exports_are_one_line_exit_2(
    tmp_path: Path, content: str, name: str, message: str
) -> None:
    export = tmp_path / name
    export.write_text(content)
    done = pyrules("audit-ads", export, "--declaration", AURORA, "--layout", "meta")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(export) in done.stderr


def test_an_invalid_declaration_is_located(tmp_path: Path, faulty: tuple[Path, dict]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        AURORA.read_text().replace("minimum_audience_size: 2500", "minimum_audience_size: many")
    )
    done = pyrules("audit-ads", faulty[0], "--declaration", bad)
    assert done.returncode == 2
    assert re.match(r"\S*bad\.yaml:\d+:\d+: ", done.stderr)


def test_fail_on_critical_fails_only_on_the_blackout(
    faulty: tuple[Path, dict], tmp_path: Path
) -> None:
    export = tmp_path / "no-blackout.parquet"
    duckdb.sql(
        f"COPY (SELECT * REPLACE ('BE' AS sponsor_country) FROM '{faulty[0]}') TO '{export}'"
    )
    done = pyrules("audit-ads", export, "--declaration", AURORA, "--fail-on", "critical")
    assert done.returncode == 0, done.stdout
    done = pyrules("audit-ads", faulty[0], "--declaration", AURORA, "--fail-on", "critical")
    assert done.returncode == 1


def test_the_audit_is_deterministic(faulty: tuple[Path, dict]) -> None:
    first = pyrules("audit-ads", faulty[0], "--declaration", AURORA, "--format", "json")
    second = pyrules("audit-ads", faulty[0], "--declaration", AURORA, "--format", "json")
    assert first.stdout == second.stdout


def test_the_html_report_shows_claim_beside_evidence(
    faulty: tuple[Path, dict], tmp_path: Path
) -> None:
    out = tmp_path / "aurora.html"
    done = pyrules(
        "audit-ads", faulty[0], "--declaration", AURORA, "--format", "html", "--output", out
    )
    assert done.returncode == 1, done.stderr
    page = out.read_text()
    assert '<h2 id="evidence">Claims against evidence</h2>' in page
    assert "The declaration states political_ads.targeting.minimum_audience_size: 2500" in page
    assert "reached fewer than 2500 people" in page
    plain = pyrules("check", AURORA, "--format", "html")
    assert 'id="evidence"' not in plain.stdout  # the section only when there is evidence


def test_the_generator_is_reproducible_and_writes_its_record(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert generate(a, 1_000, 3, "faulty") == generate(b, 1_000, 3, "faulty")
    assert a.read_bytes() == b.read_bytes()
    done = pyrules("ads", "generate", "--out", tmp_path / "c.csv", "--count", "10", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "c.csv.planted.json").read_text())["count"] == 10


def test_generated_records_are_valid_ad_records(faulty: tuple[Path, dict]) -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads((ROOT / "schemas" / "ad-record.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    rows = duckdb.sql(f"SELECT * FROM '{faulty[0]}' ORDER BY ad_id LIMIT 500")
    for row in rows.fetchall():
        record = {
            k: v.isoformat() if hasattr(v, "isoformat") else v
            for k, v in zip(rows.columns, row, strict=True)
        }
        assert not list(validator.iter_errors(record)), record


def test_google_layout_checks_the_blackout(tmp_path: Path) -> None:
    export = tmp_path / "google.csv"
    export.write_text(
        "creative_id,advertiser_disclosed_name,advertiser_location,region_code,first_shown,"
        "last_shown,times_shown_lower_bound\n"
        "CR1,Home Party,BE,BE,2026-07-01,2026-07-20,1000\n"
        "CR2,Far Away Inc,US,BE,2026-07-01,2026-07-20,1000\n"
        "CR3,Far Away Inc,US,IE,2025-01-01,2025-02-01,1000\n"
    )
    _, report = _audit(export, "--layout", "google")
    by_control = {r["control_id"]: r for r in report["results"]}
    assert by_control["ADS-05"]["violating"] == 1
    assert by_control["ADS-05"]["examples"][0]["ad_id"] == "CR2"
    assert by_control["TGT-03"]["status"] == "not_checked"  # impressions are not reach


def test_google_layout_counts_ads_not_rows(tmp_path: Path) -> None:
    export = tmp_path / "google.parquet"
    planted = generate(export, COUNT, 7, "faulty", layout="google")
    assert planted["rows"] > COUNT * 1.5  # one to three regions per ad
    assert duckdb.execute(f"SELECT count(*) FROM '{export}'").fetchone()[0] == planted["rows"]
    _, report = _audit(export, "--layout", "google")
    assert (report["ads"], report["rows"]) == (COUNT, planted["rows"])
    ads05 = next(r for r in report["results"] if r["control_id"] == "ADS-05")
    assert ads05["checked"] == COUNT
    assert ads05["violating"] == planted["third_country_sponsor_ads_in_campaign"] > 0
    ids = [e["ad_id"] for e in ads05["examples"]]
    assert ids == sorted(set(ids))  # each ad once, however many regions it ran in
    assert ads05["counted"].startswith("distinct ads by creative_id")
    assert ads05["evidence"].startswith(f"{ads05['violating']:,} of {COUNT:,} ads")


def test_a_google_ad_violates_when_any_of_its_region_rows_does(tmp_path: Path) -> None:
    export = tmp_path / "google.csv"
    export.write_text(
        "creative_id,advertiser_location,region_code,first_shown,last_shown\n"
        "CR1,US,BE,2025-01-01,2025-02-01\n"
        "CR1,US,FR,2026-07-01,2026-07-20\n"  # the same ad, in the blackout in France
        "CR1,US,DE,2026-07-01,2026-07-20\n"
        "CR2,US,IE,2025-01-01,2025-02-01\n"
        "CR2,US,NL,2025-03-01,2025-03-02\n"
    )
    _, report = _audit(export, "--layout", "google")
    assert (report["ads"], report["rows"]) == (2, 5)
    ads05 = next(r for r in report["results"] if r["control_id"] == "ADS-05")
    assert (ads05["checked"], ads05["violating"]) == (2, 1)
    assert ads05["examples"] == [
        {
            "ad_id": "CR1",
            "first_shown": "2026-07-01",
            "last_shown": "2026-07-20",
            "sponsor_country": "US",
        }
    ]


def two_platforms(tmp_path: Path, aurora_export: Path) -> tuple[Path, Path, Path]:
    """Two example submissions, an ad export for aurora-social only, and an output folder."""
    submissions, ads, out = tmp_path / "in", tmp_path / "ads", tmp_path / "out"
    submissions.mkdir()
    ads.mkdir()
    for name in ("aurora-social", "boreal-forum"):
        (submissions / f"{name}.yaml").write_text((EXAMPLES / f"{name}.yaml").read_text())
    (ads / "aurora-social.parquet").write_bytes(aurora_export.read_bytes())
    return submissions, ads, out


def test_assess_puts_the_evidence_in_each_platform_report(
    tmp_path: Path, faulty: tuple[Path, dict]
) -> None:
    submissions, ads, out = two_platforms(tmp_path, faulty[0])
    done = pyrules("assess", submissions, "--out", out, "--ads-dir", ads, "--jobs", "1")
    assert done.returncode == 1, done.stderr
    assert "aurora-social: the ad repository contradicts 4 claim(s)" in done.stdout
    [aurora] = out.glob("*/reports/aurora-social.html")
    page = aurora.read_text()
    assert 'id="evidence"' in page
    planted = faulty[1]["audience_reached_below"]["2500"]
    assert f"{planted:,} of {COUNT:,} ads" in page
    [boreal] = out.glob("*/reports/boreal-forum.html")
    assert 'id="evidence"' not in boreal.read_text()
    [matrix] = out.glob("*/matrix.md")
    evidence_row = next(x for x in matrix.read_text().splitlines() if "**Evidence**" in x)
    assert "ad repository export is missing: no boreal-forum file (.csv" in evidence_row


def test_assess_goes_on_past_a_broken_export(tmp_path: Path, faulty: tuple[Path, dict]) -> None:
    submissions, ads, out = two_platforms(tmp_path, faulty[0])
    (ads / "boreal-forum.parquet").write_bytes(faulty[0].read_bytes()[: 2**16])  # truncated
    done = pyrules("assess", submissions, "--out", out, "--ads-dir", ads, "--jobs", "1")
    assert done.returncode == 2, done.stderr  # as for a declaration that cannot be assessed
    assert "aurora-social: the ad repository contradicts 4 claim(s)" in done.stdout
    [line] = [x for x in done.stdout.splitlines() if x.startswith("boreal-forum: the ad")]
    assert line.startswith(
        "boreal-forum: the ad repository export could not be read: boreal-forum.parquet: "
    )
    assert str(ads) not in line  # reports name the export, not the folder it was in
    [aurora] = out.glob("*/reports/aurora-social.html")
    assert "reached fewer than 2500 people" in aurora.read_text()
    [boreal] = out.glob("*/reports/boreal-forum.html")
    page = boreal.read_text()
    assert "ad repository export could not be read: boreal-forum.parquet: " in page
    assert "What the repository shows" not in page
    [matrix] = out.glob("*/matrix.md")
    evidence_row = next(x for x in matrix.read_text().splitlines() if "**Evidence**" in x)
    assert "ad repository contradicts 4 of the 4 claims checked against 20,000 ads" in (
        evidence_row
    )
    assert "ad repository export could not be read: boreal-forum.parquet" in evidence_row
    [summary] = out.glob("*/summary.md")
    assert "Evidence: the ad repository export could not be read" in summary.read_text()
    [html] = out.glob("*/matrix.html")
    assert "Evidence: the ad repository export could not be read" in html.read_text()
