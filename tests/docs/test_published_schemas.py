"""Editors find the schemas: each `$id` is an address on the standard's site, the built site
serves the file there, and every example's modeline names that address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pyrules.standard import compatibility_key
from tests.docs.conftest import ROOT, Built

ABOUT = yaml.safe_load((ROOT / "standard" / "about.yaml").read_text(encoding="utf-8"))
EXAMPLES = ROOT / "examples"
KINDS = {"declaration": "declarations", "profile": "profiles", "waiver": "waivers"}


def schema_file(kind: str) -> Path:
    return ROOT / "schemas" / f"{kind}.schema.json"


@pytest.mark.parametrize("kind", KINDS)
def test_the_id_is_the_site_url_and_the_site_serves_the_schema_there(
    kind: str, built: Built
) -> None:
    major = compatibility_key(built.standard.version).split(".")[0]
    schema_id = json.loads(schema_file(kind).read_text(encoding="utf-8"))["$id"]
    site_url = ABOUT["site_url"]
    assert site_url.startswith("https://") and site_url.endswith("/")
    assert schema_id == f"{site_url}schemas/{kind}/{major}.json"
    served = built.site / schema_id.removeprefix(site_url)
    assert served.read_bytes() == schema_file(kind).read_bytes()


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_starts_with_the_modeline_of_its_schema(kind: str) -> None:
    schema_id = json.loads(schema_file(kind).read_text(encoding="utf-8"))["$id"]
    examples = [
        p for p in sorted((EXAMPLES / KINDS[kind]).glob("*.yaml")) if ".expected." not in p.name
    ]
    assert examples
    for path in examples:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema_id}", path.name


def test_the_reference_lists_every_code_in_collapsible_searchable_tables(built: Built) -> None:
    defs = built.standard.schema["$defs"]
    page = (built.site / "declaration.html").read_text(encoding="utf-8")
    index = (built.site / "search" / "search_index.json").read_text(encoding="utf-8")
    details = page.split("<details")[1:]
    for name in ("country_code", "language_code", "data_category", "data_use", "data_subject"):
        codes = defs[name]["enum"]
        (block,) = [d for d in details if f"<code>{name}</code> codes" in d.split("</summary>")[0]]
        for code in codes:
            assert f"<code>{code}</code>" in block, (name, code)
            assert code in index, (name, code)
