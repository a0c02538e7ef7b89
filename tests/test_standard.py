"""Loading a standard: controls from METADATA, families, parameters, version and digest."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pyrules.errors import StandardError
from pyrules.standard import compatibility_key, load_standard

ROOT = Path(__file__).resolve().parent.parent
POLICY = Path("policies/edhs/inc/inc_01_breach_notification.rego")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for part in ("policies", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def test_the_standard_has_sixty_two_controls_in_ten_families() -> None:
    standard = load_standard()
    assert standard.version == "0.2.0"
    assert len(standard.controls) == 62
    assert sorted(f.id for f in standard.families) == [
        "ACC", "ADS", "EDU", "GOV", "INC", "INT", "LAW", "MIN", "SEC", "TGT",
    ]  # fmt: skip
    assert {c.family for c in standard.controls} == {f.id for f in standard.families}


def test_a_control_is_read_from_its_metadata() -> None:
    control = load_standard().control("INC-01")
    assert control.title == "Personal-data breaches are notified within the deadline"
    assert control.severity == "high" and control.aceeeo == ["R3"]
    assert control.references[0].description == "GDPR Art 33(1)"
    assert control.source == "edhs/inc/inc_01_breach_notification.rego"
    assert control.package == "edhs.inc.breach_notification"
    assert control.parameters == ["max_breach_notification_hours"]


def test_parameters_read_through_the_shared_lib_are_known() -> None:
    assert load_standard().control("LAW-02").parameters == ["special_categories"]


def test_the_digest_changes_with_any_file(copy: Path) -> None:
    before = load_standard(copy).sha256
    policy = copy / POLICY
    policy.write_text(policy.read_text() + "\n")
    assert load_standard(copy).sha256 != before


def test_missing_metadata_is_reported_at_the_package_line(copy: Path) -> None:
    policy = copy / POLICY
    policy.write_text(policy.read_text().replace("#   severity: high\n", ""))
    with pytest.raises(
        StandardError, match=r"inc/inc_01_breach_notification.rego:\d+: .*custom.severity"
    ):
        load_standard(copy)


def test_a_duplicate_control_id_is_refused(copy: Path) -> None:
    policy = copy / "policies/edhs/inc/inc_06_early_warning.rego"
    policy.write_text(policy.read_text().replace("id: INC-06", "id: INC-01"))
    with pytest.raises(StandardError, match="INC-01 is also used"):
        load_standard(copy)


def test_a_directory_without_policies_is_not_a_standard(tmp_path: Path) -> None:
    with pytest.raises(StandardError, match="not a standard"):
        load_standard(tmp_path)


@pytest.mark.parametrize(
    ("version", "key"), [("0.1.0", "0.1"), ("0.1.7", "0.1"), ("1.2.0", "1"), ("2.0.0", "2")]
)
def test_versions_are_compatible_within_a_major_and_a_zero_minor(version: str, key: str) -> None:
    assert compatibility_key(version) == key


def test_a_parameter_a_control_reads_must_be_defined(copy: Path) -> None:
    # Undefined in Rego, the comparison would never fire and the control would pass.
    data = copy / "policies/edhs/params/data.json"
    data.write_text(data.read_text().replace('"max_breach_notification_hours": 72,', ""))
    with pytest.raises(
        StandardError, match=r"INC-01 reads parameter.*max_breach_notification_hours"
    ):
        load_standard(copy)


def test_parameters_must_be_an_object(copy: Path) -> None:
    (copy / "policies/edhs/params/data.json").write_text("[1, 2]")
    with pytest.raises(StandardError, match="must be a JSON object"):
        load_standard(copy)


def test_a_policy_that_is_not_utf8_is_one_clear_error(copy: Path) -> None:
    (copy / POLICY).write_bytes(b"package edhs.inc.x\n# caf\xe9\n")
    with pytest.raises(StandardError, match="not UTF-8"):
        load_standard(copy)


def cache_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("standard-*.json"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PYRULES_CACHE_DIR", str(folder))
    return folder


def test_a_parsed_standard_is_cached_and_read_back_the_same(
    copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_standard(copy)
    assert len(cache_entries(cache)) == 1

    def no_parsing(*_args: object) -> None:
        raise AssertionError("parsed again despite the cache")

    monkeypatch.setattr("pyrules.rego_source.parse_module", no_parsing)
    again = load_standard(copy)
    assert again == first and again.control("INC-01") == first.control("INC-01")
    assert again.modules == first.modules  # sources, packages, lines and METADATA


def test_a_changed_policy_is_parsed_again(copy: Path, cache: Path) -> None:
    load_standard(copy)
    policy = copy / POLICY
    policy.write_text(policy.read_text().replace("#   severity: high\n", "#   severity: low\n"))
    assert load_standard(copy).control("INC-01").severity == "low"
    assert len(cache_entries(cache)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data.replace(b"INC-01", b"INC-99"),  # no longer the written payload
        lambda data: b"",
    ],
)
def test_a_damaged_cache_entry_is_parsed_again(copy: Path, cache: Path, damage: Any) -> None:
    first = load_standard(copy)
    (entry,) = cache_entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    assert load_standard(copy) == first
    assert load_standard(copy).has_control("INC-01")


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PYRULES_CACHE_DIR", str(blocker / "cache"))
    assert load_standard(copy).has_control("INC-01")
