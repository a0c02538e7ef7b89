"""Schema messages say how to fix the mistake, in one line, in the input's own language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyrules.errors import MAX_QUOTED, quote
from pyrules.loader import loads
from pyrules.schema import MAX_HINTED, validate_declaration
from pyrules.standard import load_standard
from tests.helpers import ROOT, pyrules

STANDARD = load_standard()
REFERENCE = (ROOT / "tests" / "cases" / "reference.yaml").read_text(encoding="utf-8")


def problems_after(old: str, new: str, name: str = "d.yaml") -> list[str]:
    """The located lines for the reference declaration with `old` replaced by `new`."""
    assert old in REFERENCE, old
    document = loads(REFERENCE.replace(old, new, 1).encode(), name)
    return [
        document.located(p.pointer, p.message) for p in validate_declaration(document, STANDARD)
    ]


def line_of(text: str) -> int:
    return REFERENCE[: REFERENCE.index(text)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a YAML scalar that would be right quoted: the fix is the author's own text, quoted
        (
            'declaration_version: "2026.10-1"',
            "declaration_version: 2026.1",
            '2026.1 is not of type string; write it as a string: "2026.1"',
        ),
        (
            'declaration_version: "2026.10-1"',
            "declaration_version: 012",
            '10 is not of type string; write it as a string: "012"',
        ),
        (
            "  name: Lumen Social\n",
            "  name: yes\n",
            'true is not of type string; write it as a string: "yes"',
        ),
        (
            "  name: Lumen Social\n",
            "  name: on\n",
            'true is not of type string; write it as a string: "on"',
        ),
        # TLS 1.2 unquoted breaks `type` and `enum`: one line, the type's, with the fix
        (
            'minimum_version: "1.2"',
            "minimum_version: 1.2",
            '1.2 is not of type string; write it as a string: "1.2"',
        ),
        # a few allowed values: all of them, and the one meant
        (
            'hours: "24/7"',
            "hours: 24x7",
            '"24x7" is not one of the allowed values ("24/7", "business_hours"); '
            'did you mean "24/7"?',
        ),
        (
            "mfa_type: fido2",
            "mfa_type: TOTP",
            '"TOTP" is not one of the allowed values ("fido2", "webauthn", "hardware_token", '
            '"totp", "sms", "none"); did you mean "totp"?',
        ),
        # many allowed values: the case-insensitive match, and the closest three
        (
            "languages: [et, ru]",
            "languages: [et, PT]",
            '"PT" is not one of the 184 allowed values; did you mean "pt"? (closest: "pt",',
        ),
        (
            "data_categories: [user.demographic.age_range,",
            "data_categories: [user.demographics.age,",
            '"user.demographics.age" is not one of the 85 allowed values; did you mean '
            '"user.demographic"? (closest: "user.demographic", "user.demographic.age_range", ',
        ),
        # an unknown field: the closest known field at that place
        (
            "breach_notification_hours: 48",
            "breach_notification_hrs: 48",
            'unknown field "breach_notification_hrs"; did you mean "breach_notification_hours"?',
        ),
        # a date: the expected form and an example
        (
            "submitted_on: 2026-10-01",
            "submitted_on: 02/11/2026",
            '"02/11/2026" is not a valid date; write it as YYYY-MM-DD, e.g. 2026-10-01',
        ),
        # values as JSON writes them, not as Python prints them
        (
            "jurisdictions: [HU, EE]",
            'jurisdictions: [HU, EE, {"": null}]',
            '{"": null} is not of type string',
        ),
        (
            "  name: Lumen Social\n",
            "  name: false\n",
            'false is not of type string; write it as a string: "false"',
        ),
    ],
)
def test_each_mistake_is_one_line_that_names_the_fix(old: str, new: str, expected: str) -> None:
    lines = problems_after(old, new)
    assert len(lines) == 1, lines
    place = f"d.yaml:{line_of(old.strip().splitlines()[0])}:"
    assert lines[0].startswith(place), lines[0]
    assert expected in lines[0]


def test_a_json_number_or_boolean_for_text_gets_the_same_hint() -> None:
    data = loads(REFERENCE.encode(), "d.yaml").data
    data["security"]["tls"]["minimum_version"] = 1.2
    data["platform"]["name"] = False
    data["metadata"]["declaration_version"] = None
    document = loads(json.dumps(data).encode(), "d.json")
    messages = [p.message for p in validate_declaration(document, STANDARD)]
    assert messages == [
        "null is not of type string",
        'false is not of type string; write it as a string: "false"',
        '1.2 is not of type string; write it as a string: "1.2"',
    ]


def test_a_missing_field_names_it() -> None:
    lines = problems_after("  is_vlop: true\n", "")
    assert lines == [f'd.yaml:{line_of("platform:")}:1: required field "is_vlop" is missing']


def test_a_misspelt_required_field_is_one_line() -> None:
    lines = problems_after("  is_vlop: true\n", "  is_vlopp: true\n")
    assert lines == [
        f'd.yaml:{line_of("  is_vlop: true")}:3: unknown field "is_vlopp"; did you mean "is_vlop"?'
    ]


def test_an_unknown_field_with_nothing_close_lists_the_few_fields_of_its_place() -> None:
    (line,) = problems_after("    mfa_type: fido2\n", "    mfa_type: fido2\n    zzz: 1\n")
    assert (
        'unknown field "zzz"; the fields here are "mfa_for_privileged", "mfa_type", "role_based"'
        in line
    )


def test_quoted_values_are_cut_with_their_full_length() -> None:
    assert quote("x" * 10) == '"xxxxxxxxxx"'
    long = quote("A" * 40_000)
    assert long == '"' + "A" * (MAX_QUOTED - 2) + '…" (40,000 characters)'
    assert quote([1] * 100).endswith("… (300 characters)")
    assert quote({"": None}) == '{"": null}'
    assert quote("odd\x1bkey") == '"odd\\u001bkey"'


def test_a_huge_unknown_key_gives_a_short_line() -> None:
    data = loads(REFERENCE.encode(), "d.yaml").data
    data["platform"]["k" * 1_000_000] = 1
    document = loads(json.dumps(data).encode(), "d.json")
    (problem,) = validate_declaration(document, STANDARD)
    line = document.located(problem.pointer, problem.message)
    assert len(line) < 300
    assert "(1,000,000 characters)" in line


def write(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "many.yaml"
    path.write_text(REFERENCE.replace(old, new, 1), encoding="utf-8")
    return path


def test_check_and_validate_list_every_problem_sorted_by_line(tmp_path: Path) -> None:
    text = REFERENCE.replace("mfa_type: fido2", "mfa_type: TOTP").replace(
        'declaration_version: "2026.10-1"', "declaration_version: 2026.1"
    )
    text = text.replace("breach_notification_hours: 48", "breach_notification_hrs: 48")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    for command in ("check", "validate"):
        result = pyrules(command, path.name, cwd=tmp_path)
        assert result.returncode == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 3, lines
        places = [tuple(int(n) for n in line.split(":")[1:3]) for line in lines]
        assert places == sorted(places)
        assert [p[0] for p in places] == [
            line_of("declaration_version:"),
            line_of("mfa_type: fido2"),
            line_of("breach_notification_hours"),
        ]


def test_past_the_limit_the_rest_is_counted(tmp_path: Path) -> None:
    extra = "".join(f"  unknown_{i}: 1\n" for i in range(60))
    path = tmp_path / "many.yaml"
    path.write_text(REFERENCE.replace("platform:\n", "platform:\n" + extra, 1), encoding="utf-8")
    result = pyrules("check", path.name, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "many.yaml: 10 more problems not shown"


def test_a_misspelt_profile_parameter_gets_the_closest_name(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "name: X\nstandard_version: 0.2.0\ndescription: x\n"
        "parameters:\n  max_breach_notification_hour: 24\n",
        encoding="utf-8",
    )
    result = pyrules(
        "check", ROOT / "examples" / "declarations" / "aurora-social.yaml", "--profile", profile
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{profile}:5:3: unknown parameter ")
    assert 'did you mean "max_breach_notification_hours"?' in result.stderr


def test_closest_values_are_searched_for_a_bounded_number_of_problems() -> None:
    wrong = ", ".join(f"q{i}" for i in range(MAX_HINTED + 100))
    document = loads(
        REFERENCE.replace("jurisdictions: [HU, EE]", f"jurisdictions: [{wrong}]", 1).encode(),
        "d.yaml",
    )
    problems = validate_declaration(document, STANDARD)
    # One problem per wrong code, and one for the list, which is longer than any declaration needs.
    assert len(problems) == MAX_HINTED + 100 + 1
    assert sum("give at most 249" in p.message for p in problems) == 1
    hinted = [p for p in problems if "closest" in p.message]
    assert len(hinted) == MAX_HINTED
    assert problems[-1].message == f'"q{MAX_HINTED + 99}" is not one of the 249 allowed values'
