"""Declaration excerpts on control pages come from the test cases, as valid YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrules.docs.excerpts import _parts, choose_excerpts, fence, render
from pyrules.loader import loads
from pyrules.testcases import Case, load_cases

ROOT = Path(__file__).resolve().parents[2]

DECLARATION = {
    "incident_response": {"breach_notification_hours": 48, "data_subject_notification": True},
    "governance": {"dpia": {"last_reviewed": "2026-03-15"}},
    "processing": {
        "purposes": [
            {"name": "Ads", "legal_basis": "consent", "in_records_of_processing": True},
            {
                "name": "Integrity",
                "legal_basis": "legal_obligation",
                "in_records_of_processing": True,
            },
        ]
    },
}


def case(expect: str, **changes) -> Case:
    return Case(control_id="XYZ-01", name=f"a {expect} case", expect=expect, **changes)


def test_a_value_is_shown_at_its_pointer_and_nothing_else() -> None:
    text = render(DECLARATION, ["/incident_response/breach_notification_hours"])
    assert text == "incident_response:\n  breach_notification_hours: 48\n"


def test_dates_are_written_as_declarations_write_them() -> None:
    assert "last_reviewed: 2026-03-15\n" in render(DECLARATION, ["/governance/dpia/last_reviewed"])


def test_a_list_item_keeps_its_name_and_says_how_many_items_are_left_out() -> None:
    text = render(DECLARATION, ["/processing/purposes/1/legal_basis"])
    assert text == (
        "processing:\n"
        "  purposes:\n"
        "    # … 1 item not shown\n"
        "    - name: Integrity\n"
        "      legal_basis: legal_obligation\n"
    )


def test_a_list_item_also_shows_the_other_fields_the_control_reads() -> None:
    reads = {("processing", "purposes", "*", "in_records_of_processing")}
    text = render(DECLARATION, ["/processing/purposes/0/legal_basis"], reads=reads)
    assert "in_records_of_processing: true" in text


def test_a_removed_field_is_a_comment() -> None:
    text = render(DECLARATION, [], removed=["/incident_response/breach_notification_hours"])
    assert text == "incident_response:\n  # breach_notification_hours: (not stated)\n"


def test_the_failing_excerpt_prefers_a_set_value_with_default_parameters() -> None:
    cases = [
        case("pass"),
        case("fail", remove=("/incident_response",)),
        case("fail", set={"/incident_response/breach_notification_hours": 24}, params={"x": 1}),
        case("fail", set={"/incident_response/breach_notification_hours": 96}),
    ]
    passing, failing, not_applicable = choose_excerpts(DECLARATION, cases)
    assert failing is not None and "breach_notification_hours: 96" in failing.yaml
    # The passing excerpt shows the same field as the reference declaration states it.
    assert passing is not None and passing.title == "the reference declaration"
    assert "breach_notification_hours: 48" in passing.yaml
    assert not_applicable is None


def test_a_pass_case_setting_the_same_field_is_used_as_the_passing_excerpt() -> None:
    cases = [
        case("fail", set={"/incident_response/breach_notification_hours": 96}),
        case("pass", set={"/incident_response/breach_notification_hours": 72}),
    ]
    passing, _, _ = choose_excerpts(DECLARATION, cases)
    assert passing is not None and "breach_notification_hours: 72" in passing.yaml


def test_a_code_fence_is_longer_than_any_backticks_inside() -> None:
    assert fence("plain") == "```"
    assert fence("msg := `raw ```` string`") == "`````"


CONTROLS_WITH_CASES = sorted({c.control_id for c in load_cases(ROOT / "tests" / "cases")[1]})


@pytest.mark.parametrize("control_id", CONTROLS_WITH_CASES)
def test_every_controls_excerpts_are_yaml_with_the_values_of_its_cases(control_id: str) -> None:
    reference, cases = load_cases(ROOT / "tests" / "cases")
    own = [c for c in cases if c.control_id == control_id]
    passing, failing, not_applicable = choose_excerpts(reference.data, own)
    assert failing is not None, f"{control_id} has no failing excerpt"
    for excerpt in (passing, failing, not_applicable):
        if excerpt is None or excerpt.case is None:
            continue
        shown = loads(excerpt.yaml.encode(), "excerpt.yaml").data  # as pyrules reads YAML
        for pointer, value in excerpt.case.set.items():
            if "-" in _parts(pointer):
                continue  # an appended item: its index is only known after the change
            node = shown
            for part in _parts(pointer):
                node = _item(node, part, excerpt.yaml)
            assert node == value, f"{control_id} {excerpt.title}: {pointer}"


def _item(node, part: str, text: str):
    """Follow one pointer token in an excerpt, where lists only hold the items shown."""
    if isinstance(node, list):
        assert node, text
        return node[-1] if len(node) == 1 else node[int(part)]
    return node[part]
