"""The one reading of Rego sources that the standard, lint and the docs share."""

from __future__ import annotations

import pytest

from pyrules.errors import StandardError
from pyrules.model import Module
from pyrules.rego_source import (
    field_reads,
    lib_reads,
    parameter_reads,
    parse_module,
    reads_with_lib,
    rule_blocks,
)

LIB = """package edhs.lib

import rego.v1

# Reads data.edhs.params.in_a_comment, which is no read.
special_category(x) if x in data.edhs.params.special_categories

sensitive(purpose) if {
	special_category(purpose.category)
}

default strict := false

strict if input.security.tls.minimum_version == "1.3"

unrelated := data.edhs.params.unused
"""

CONTROL = """# METADATA
# title: A control
# custom:
#   id: ABC-01
package edhs.abc.a_control

import rego.v1

deny contains finding if {
	some purpose in input.processing.purposes
	lib.sensitive(purpose)
	not lib.strict
	purpose.days > data.edhs.params.max_days
	finding := "x"
}
"""


def modules() -> list[Module]:
    return [parse_module("edhs/lib.rego", LIB), parse_module("edhs/abc/a.rego", CONTROL)]


def test_a_module_has_its_package_line_and_the_metadata_right_above_it() -> None:
    module = parse_module("edhs/abc/a.rego", CONTROL)
    assert (module.package, module.package_line) == ("edhs.abc.a_control", 5)
    assert module.annotation == {"title": "A control", "custom": {"id": "ABC-01"}}
    assert parse_module("edhs/lib.rego", LIB).annotation is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import rego.v1\n", "edhs/x.rego:1: no package statement"),
        ("# METADATA\n# title: a: b\npackage edhs.x\n", "edhs/x.rego:2: METADATA is not"),
        ("# METADATA\n# - a list\npackage edhs.x\n", "edhs/x.rego:1: METADATA must be a mapping"),
    ],
)
def test_a_broken_module_is_refused_with_its_place(source: str, message: str) -> None:
    with pytest.raises(StandardError, match=message):
        parse_module("edhs/x.rego", source)


def test_rule_blocks_run_to_the_next_rule_and_leave_comments_out() -> None:
    blocks = list(rule_blocks(LIB))
    assert [name for name, _ in blocks] == [
        "special_category",
        "sensitive",
        "strict",
        "strict",
        "unrelated",
    ]
    assert all("in_a_comment" not in body for _, body in blocks)


def test_lib_reads_follow_references_between_lib_rules() -> None:
    params = lib_reads(modules(), parameter_reads)
    assert params["special_category"] == {"special_categories"}
    assert params["sensitive"] == {"special_categories"}  # through special_category
    assert params["strict"] == set()
    fields = lib_reads(modules(), field_reads)
    assert fields["strict"] == {("security", "tls", "minimum_version")}


def test_a_control_reads_what_it_reads_and_what_its_lib_calls_read() -> None:
    params = reads_with_lib(CONTROL, lib_reads(modules(), parameter_reads), parameter_reads)
    assert params == {"max_days", "special_categories"}  # not `unused`, nor a comment's
    fields = reads_with_lib(CONTROL, lib_reads(modules(), field_reads), field_reads)
    assert ("security", "tls", "minimum_version") in fields
    assert ("processing", "purposes", "*", "days") in fields
