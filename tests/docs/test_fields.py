"""The declaration reference: fields from the JSON Schema, and the controls that read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrules.docs.fields import (
    MAX_LISTED_VALUES,
    control_reads,
    declaration_sections,
)
from pyrules.model import Module
from pyrules.rego_source import field_reads, lib_reads
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parents[2]

LIB = """package edhs.lib

import rego.v1

election_languages contains language if {
	some election in input.metadata.elections
	some language in election.languages
}

missing_languages(languages) := {l | some l in election_languages; not l in languages}

message(template, values) := template
"""


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard(ROOT)


@pytest.fixture(scope="module")
def fields(standard: Standard) -> dict[str, object]:
    return {f.dotted: f for s in declaration_sections(standard) for f in s.fields}


def test_a_field_has_its_type_requiredness_example_and_readers(fields) -> None:
    hours = fields["incident_response.breach_notification_hours"]
    assert hours.type == "number"
    assert not hours.required
    assert hours.has_example
    assert "INC-01" in hours.readers
    assert hours.anchor == "incident_response.breach_notification_hours"


def test_list_items_are_written_with_brackets(fields) -> None:
    languages = fields["metadata.elections[].languages"]
    assert languages.type == "list of strings"
    assert languages.anchor == "metadata.elections.languages"


def test_long_code_lists_are_summarised_not_dumped(fields, built) -> None:
    jurisdictions = fields["metadata.jurisdictions"]
    assert jurisdictions.code_list is not None
    assert (jurisdictions.code_list.name, jurisdictions.code_list.count) == ("country_code", 249)
    page = built.pages["declaration.md"]
    assert "each item one of the 249 [`country_code`](#country_code) codes" in page
    # each field names its list; every code is printed once, in the list's collapsible table
    fields_part, _, lists_part = page.partition("## Code lists")
    assert "`ZW`" not in fields_part
    assert lists_part.count("`ZW`") == 1
    data_use = fields["processing.purposes[].data_use"]
    assert data_use.code_list is not None and data_use.constraints == ()  # said once, by name
    short = fields["security.tls.minimum_version"].constraints
    assert short == ("one of `1.0`, `1.1`, `1.2`, `1.3`",)
    assert len(short[0].split(",")) <= MAX_LISTED_VALUES


def test_informational_fields_say_so_and_no_control_reads_them(fields, built) -> None:
    informational = [f for f in fields.values() if f.informational and not f.is_section]
    assert informational, "the schema marks some fields x-informational"
    page = built.pages["declaration.md"]
    for field in informational:
        block = page.split(f"{{ #{field.anchor} }}", 1)[1].split("\n#", 1)[0]
        assert "informational" in block, field.dotted


def test_every_control_reads_at_least_one_declaration_field(standard: Standard) -> None:
    reads = control_reads(standard)
    for control in standard.controls:
        assert reads.get(control.id), f"{control.id} reads no declaration field"


def test_reads_through_lib_helpers_count_for_the_calling_control() -> None:
    lib = Module("edhs/lib/declaration.rego", LIB, "edhs.lib", 1, None)
    helpers = lib_reads((lib,), field_reads)
    # missing_languages calls election_languages, so it reads what that one reads.
    assert helpers["missing_languages"] == helpers["election_languages"]
    assert ("metadata", "elections", "*", "languages") in helpers["election_languages"]
    assert helpers["message"] == set()  # reads no input


def test_a_control_page_lists_the_fields_its_policy_reads(built) -> None:
    page = built.pages["controls/inc/inc-01/index.md"]
    assert "(../../../declaration.md#incident_response.breach_notification_hours)" in page
