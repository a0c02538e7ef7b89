"""Tests of the declaration JSON Schema, the reference declaration and the examples."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator

from pyrules.loader import load, loads
from pyrules.schema import validator_for

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "declaration.schema.json"
GENERATOR = ROOT / "scripts" / "generate_schema_enums.py"
VOCABULARIES = ROOT / "policies" / "edhs" / "lib" / "vocabularies.rego"
REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
EXAMPLES_DIR = ROOT / "examples" / "declarations"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("*.yaml") if not p.name.endswith(".expected.yaml"))
DECLARATIONS = [REFERENCE, *EXAMPLES]

GENERATED_DEFS = ("country_code", "language_code", "data_category", "data_use", "data_subject")
STATUSES = {"pass", "fail", "not_applicable"}
CONTROL_ID = re.compile(r"^[A-Z]{3}-\d{2}$")

# Fields that no control's Checks line reads (catalogue v0.1). Keep in step with the
# catalogue: a field a new control starts reading loses its mark.
INFORMATIONAL = {
    "/metadata/declaration_version",
    "/metadata/elections/*/name",
    "/metadata/elections/*/jurisdiction",
    "/metadata/elections/*/date",
    "/metadata/elections/*/type",
    "/metadata/contact",
    "/metadata/contact/name",
    "/metadata/contact/email",
    "/platform/name",
    "/platform/legal_entity",
    "/platform/established_in",
    "/governance/emb_contact/role",
    "/processing/purposes/*/name",
    "/processing/purposes/*/description",
    "/processing/purposes/*/data_use",
    "/processing/purposes/*/data_subjects",
    "/processors/*/name",
    "/processors/*/country",
    "/political_ads/targeting/used",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Validator:
    """The validator `pyrules check` uses (ECMA-262 patterns, every format checked)."""
    return validator_for(schema)


@pytest.fixture
def reference() -> dict[str, Any]:
    return load(REFERENCE).data


def walk_properties(node: dict[str, Any], pointer: str = "") -> Iterator[tuple[str, dict]]:
    """Yield (pointer, subschema) for every property at every depth (arrays as ``*``)."""
    for name, sub in node.get("properties", {}).items():
        path = f"{pointer}/{name}"
        yield path, sub
        yield from walk_properties(sub, path)
        items = sub.get("items")
        if isinstance(items, dict):
            yield from walk_properties(items, f"{path}/*")


def walk_schemas(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield ``node`` and every subschema below it, following the schema keywords."""
    yield node
    for keyword in ("properties", "$defs"):
        for sub in node.get(keyword, {}).values():
            yield from walk_schemas(sub)
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        if isinstance(node.get(keyword), dict):
            yield from walk_schemas(node[keyword])
    for keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for sub in node.get(keyword, []):
            yield from walk_schemas(sub)


def is_leaf(sub: dict[str, Any]) -> bool:
    items = sub.get("items", {})
    return "properties" not in sub and "properties" not in items


def errors(validator: Validator, instance: Any) -> list[ValidationError]:
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


# --- the schema itself --------------------------------------------------------------------


def test_schema_is_valid_2020_12(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://pyrules.github.io/pyrules/schemas/declaration/0.json"
    assert schema["title"]
    assert schema["description"]


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = [p for p, sub in walk_properties(schema) if not sub.get("description", "").strip()]
    assert not missing, f"properties without description: {missing}"
    for name, sub in schema["$defs"].items():
        assert sub.get("description", "").strip(), f"$defs/{name} has no description"


def test_every_leaf_has_one_valid_example(schema: dict[str, Any]) -> None:
    for pointer, sub in walk_properties(schema):
        if not is_leaf(sub):
            continue
        assert isinstance(sub.get("examples"), list), f"{pointer} has no examples"
        assert len(sub["examples"]) == 1, f"{pointer} should have one example"
        wrapper = {"$schema": schema["$schema"], "$defs": schema["$defs"], **sub}
        wrapper.pop("examples")
        check = Draft202012Validator(wrapper, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert not list(check.iter_errors(sub["examples"][0])), f"{pointer} example is invalid"


def test_every_object_is_closed(schema: dict[str, Any]) -> None:
    objects = [s for s in walk_schemas(schema) if s.get("type") == "object" or "properties" in s]
    assert len(objects) > 40
    for sub in objects:
        assert sub.get("additionalProperties") is False, sub.get("description")


@pytest.mark.parametrize("name", ["declaration", "waiver"])
def test_every_text_and_list_is_bounded(name: str) -> None:
    """A declaration comes from the party assessed: an unbounded text can crash the engine's
    regex matcher (issue 18), an unbounded list exhaust memory."""
    document = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
    for sub in walk_schemas(document):
        if sub.get("type") == "string":
            assert "maxLength" in sub or "enum" in sub, sub.get("description")
        if sub.get("type") == "array":
            assert "maxItems" in sub, sub.get("description")


def test_code_lists_are_bounded_by_their_vocabulary(schema: dict[str, Any]) -> None:
    jurisdictions = schema["properties"]["metadata"]["properties"]["jurisdictions"]
    assert jurisdictions["maxItems"] == len(schema["$defs"]["country_code"]["enum"])


def test_informational_marks_match_the_catalogue(schema: dict[str, Any]) -> None:
    marked = {p for p, sub in walk_properties(schema) if sub.get("x-informational") is True}
    assert marked == INFORMATIONAL
    for sub in walk_schemas(schema):
        assert sub.get("x-informational", True) is True, "x-informational is only ever true"


def test_required_fields(schema: dict[str, Any]) -> None:
    props = schema["properties"]
    assert schema["required"] == ["standard_version", "metadata", "platform", "political_ads"]
    assert props["metadata"]["required"] == ["submitted_on", "jurisdictions", "elections"]
    assert props["metadata"]["properties"]["elections"]["items"]["required"] == [
        "name",
        "jurisdiction",
        "date",
        "type",
        "languages",
    ]
    assert props["platform"]["required"] == ["name", "is_vlop"]
    assert props["political_ads"]["required"] == ["accepted"]
    assert props["processing"]["properties"]["purposes"]["items"]["required"] == ["name"]
    assert props["processors"]["items"]["required"] == ["name"]
    required_somewhere = [s for s in walk_schemas(schema) if "required" in s]
    assert len(required_somewhere) == 7, "other fields stay optional: controls report them"


def test_generated_vocabularies(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    for name in GENERATED_DEFS:
        values = defs[name]["enum"]
        assert values == sorted(set(values)), f"{name} is not sorted and unique"
    assert len(defs["country_code"]["enum"]) == 249
    assert {"HU", "EE", "GR", "IE"} <= set(defs["country_code"]["enum"])
    assert "EL" not in defs["country_code"]["enum"]
    assert {"hu", "et", "ru", "ga", "sv"} <= set(defs["language_code"]["enum"])
    # the keys the catalogue names must exist with fideslang's spelling
    assert {
        "user.demographic.political_opinion",
        "user.demographic.religious_belief",
        "user.demographic.race_ethnicity",
        "user.demographic.sexual_orientation",
        "user.health_and_medical",
        "user.biometric",
        "user.demographic.age_range",
        "user.location.imprecise",
    } <= set(defs["data_category"]["enum"])
    assert "marketing.advertising.first_party.targeted" in defs["data_use"]["enum"]
    assert "citizen_voter" in defs["data_subject"]["enum"]


# --- declarations -------------------------------------------------------------------------


def test_format_checking_is_enforced(validator: Validator) -> None:
    checkers = validator.format_checker.checkers
    assert {"date", "uri", "email"} <= set(checkers), "rfc3986-validator must be installed"


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda p: p.name)
def test_declaration_is_valid(path: Path, validator) -> None:
    declaration = load(path).data
    assert [e.message for e in errors(validator, declaration)] == []
    assert declaration["standard_version"] == "0.2.0"


def test_reference_applies_every_control(reference: dict[str, Any]) -> None:
    assert reference["platform"]["is_vlop"] is True
    assert reference["political_ads"]["accepted"] is True


def test_yaml_dates_stay_strings(reference: dict[str, Any]) -> None:
    assert reference["metadata"]["submitted_on"] == "2026-10-01"
    assert loads(b"d: 2026-10-01\nb: true\nn: 1.5\n", "d.yaml").data == {
        "d": "2026-10-01",
        "b": True,
        "n": 1.5,
    }


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/metadata/submitted_on", "2026-13-01"),
        ("/metadata/submitted_on", "2026-02-30"),
        ("/metadata/submitted_on", "20261001"),
        ("/governance/dpia/last_reviewed", "15 March 2026"),
        ("/governance/independent_audit/report_url", "not a uri"),
        ("/governance/independent_audit/report_url", "transparency.lumen.example/audit"),
        ("/governance/emb_contact/email", "emb-liaison.lumen.example"),
        ("/standard_version", "0.1"),
        ("/security/tls/minimum_version", 1.2),
        ("/incident_response/emb_channel/hours", "24x7"),
        ("/incident_response/breach_notification_hours", -1),
        ("/political_ads/targeting/minimum_audience_size", 999.5),
        ("/metadata/jurisdictions", ["HU", "XX"]),
        ("/metadata/elections/0/languages", ["hun"]),
        ("/processing/purposes/0/legal_basis", "legitimate_interest"),
        ("/processing/purposes/0/data_categories", ["user.political_opinion"]),
        ("/political_ads/targeting/data_sources", ["scraped"]),
        ("/platform/is_vlop", "yes"),
    ],
)
def test_bad_values_are_rejected(
    reference: dict[str, Any], validator, pointer: str, value: Any
) -> None:
    declaration = copy.deepcopy(reference)
    *parents, last = pointer.strip("/").split("/")
    node: Any = declaration
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    found = errors(validator, declaration)
    assert found, f"{pointer} = {value!r} was accepted"
    for error in found:
        assert ("/" + "/".join(str(p) for p in error.absolute_path)).startswith(pointer)


@pytest.mark.parametrize(
    "pointer",
    ["", "/metadata", "/metadata/elections/0", "/political_ads/targeting/consent", "/security/tls"],
)
def test_unknown_field_is_rejected(reference: dict[str, Any], validator, pointer: str) -> None:
    declaration = copy.deepcopy(reference)
    node: Any = declaration
    for part in filter(None, pointer.split("/")):
        node = node[int(part)] if isinstance(node, list) else node[part]
    node["unexpected_field"] = True
    found = errors(validator, declaration)
    assert len(found) == 1
    assert found[0].validator == "additionalProperties"


@pytest.mark.parametrize(
    "pointer",
    [
        "/standard_version",
        "/metadata/submitted_on",
        "/metadata/elections/0/languages",
        "/platform/is_vlop",
        "/political_ads/accepted",
        "/processing/purposes/0/name",
        "/processors/0/name",
    ],
)
def test_missing_required_field_is_rejected(
    reference: dict[str, Any], validator, pointer: str
) -> None:
    declaration = copy.deepcopy(reference)
    *parents, last = pointer.strip("/").split("/")
    node: Any = declaration
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]
    found = errors(validator, declaration)
    assert [e.validator for e in found] == ["required"]


def test_optional_sections_may_be_omitted(reference: dict[str, Any], validator) -> None:
    minimal = {key: reference[key] for key in ("standard_version", "metadata", "platform")}
    minimal["political_ads"] = {"accepted": False}
    assert errors(validator, minimal) == []


# --- expected results of the examples -----------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_has_expected_statuses(path: Path) -> None:
    expected_path = path.with_name(path.name.removesuffix(".yaml") + ".expected.yaml")
    expected = load(expected_path).data
    assert len(expected) == 62
    assert all(CONTROL_ID.match(cid) for cid in expected)
    assert set(expected.values()) <= STATUSES


def test_examples_cover_the_same_controls() -> None:
    sets = {p.name: set(load(p).data) for p in EXAMPLES_DIR.glob("*.expected.yaml")}
    assert len(sets) == 3
    assert len({frozenset(s) for s in sets.values()}) == 1


# --- generated enums ----------------------------------------------------------------------


def test_generator_is_reproducible(tmp_path: Path) -> None:
    pytest.importorskip("fideslang")
    pytest.importorskip("pycountry")
    copy_path = tmp_path / "declaration.schema.json"
    rego_path = tmp_path / "vocabularies.rego"
    shutil.copyfile(SCHEMA_PATH, copy_path)
    for _ in range(2):
        subprocess.run(
            [sys.executable, str(GENERATOR), "--schema", copy_path, "--vocabularies", rego_path],
            check=True,
            capture_output=True,
        )
        assert copy_path.read_bytes() == SCHEMA_PATH.read_bytes()
        assert rego_path.read_bytes() == VOCABULARIES.read_bytes()


def test_the_policies_know_the_schemas_codes() -> None:
    """What a policy counts as a country, a language or a data category
    (`lib.vocabulary_item`) is what the schema accepts, on both engines, with no fideslang
    or pycountry installed."""
    import regopy
    from opa_bindings import OpaEngine

    defs = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    lists = {"country_codes": "country_code", "language_codes": "language_code"}
    lists["data_categories"] = "data_category"
    listed = {rule: sorted(defs[name]["enum"]) for rule, name in lists.items()}
    made_up = ["EU", "xx", "user.political_opinions", "", "HU|EE", "|", "user.", 7]
    query = "; ".join(
        f"{rule} := sort([item | some item in split(data.edhs.lib.{rule}, `|`);"
        f' trim_space(item) != ""]); '
        f"{rule}_found := [item | some item in input.{rule};"
        f" data.edhs.lib.vocabulary_item(data.edhs.lib.{rule}, item)]"
        for rule in lists
    )
    asked = {rule: [*values, *made_up] for rule, values in listed.items()}
    expected = {**listed, **{f"{rule}_found": values for rule, values in listed.items()}}
    modules = sorted(VOCABULARIES.parent.glob("*.rego"))
    opa = OpaEngine()
    interpreter = regopy.Interpreter()
    for module in modules:
        opa.add_policy(str(module), module.read_text(encoding="utf-8"))
        interpreter.add_module(str(module), module.read_text(encoding="utf-8"))
    assert opa.eval_query(query, asked) == [expected]
    interpreter.set_input(regopy.Input(asked))
    assert json.loads(str(interpreter.query(query)))["bindings"] == expected
