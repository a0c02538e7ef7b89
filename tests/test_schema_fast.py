"""The compiled validator (jsonschema-rs) that answers first in `schema_problems` calls a
document valid exactly when jsonschema does: on every declaration the repository has, the
control cases' changed declarations, seeded hostile ones from fuzz/hostile.py and seeded
odd values at every field. Its format checks are compared with jsonschema's own."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker

from pyrules import schema as schema_module
from pyrules.loader import LoadError, load, loads
from pyrules.schema import fast_valid, validator_for
from pyrules.standard import load_standard
from pyrules.testcases import apply_changes, default_cases_dir, load_cases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))

import hostile  # noqa: E402

STANDARD = load_standard()
SCHEMA = STANDARD.schema
EXAMPLES = sorted(
    p for p in (ROOT / "examples" / "declarations").glob("*.yaml") if ".expected." not in p.name
)
FUZZ_CATEGORIES = (
    "wrong-type", "odd-number", "long-string", "unicode", "odd-date", "sections",
    "byte-flip", "truncation", "yaml-feature",
)  # fmt: skip
FUZZ_COUNT = 450
ODD_VALUES_COUNT = 1500

DATES = [*hostile.ODD_DATES, "2026-10-01", "2024-02-29", "2023-02-29", "2026-10-1", "2026-10-01Z"]
URIS = [
    "https://example.org/policy", "example.org", "http://exa mple.org", "https:", "urn:x:y",
    "mailto:dpo@example.org", "http://[::1]/a", "http://example.org/%zz", "//example.org/a",
    "https://example.org/\n", "HTTPS://EXAMPLE.ORG", "https://ex\u00e4mple.org", "a:b", ":x",
]  # fmt: skip
EMAILS = ["dpo@example.org", "no-at-sign", "@", "a@", "@b", " a@b ", "a\u0000@b"]
DATE_TIMES = [
    "2026-10-01T09:00:00Z", "2026-10-01t09:00:00z", "2026-10-01T09:00:00", "2026-10-01 09:00:00Z",
    "2026-10-01T24:00:00Z", "2026-10-01T23:59:60Z", "2026-10-01T09:00:00.5+02:00",
]  # fmt: skip
VERSIONS = [
    "0.1.0", "0.1.0\n", "\u0661.0.0", "\uff10.1.0", "01.0.0", "0.1.0-rc.1", "0.1.0+build.7",
    "1.0", "v0.1.0", "0.1.0 ", "0.1.0-", "0.1.0-01", "1.2.3-a.b-c+d",
]  # fmt: skip
OTHERS: list[Any] = [
    None, True, False, 0, -1, 1.0, 2.5, 72.0, 10**30, -(2**63) - 1, 1e308, "", " ", "x" * 3000,
    [], {}, ["a", "a"], [1, 1.0], [True, 1], [None], {"k": "v"}, "gdpr", "GDPR",
]  # fmt: skip
REMOVE = object()
ODD_VALUES = [*DATES, *URIS, *EMAILS, *DATE_TIMES, *VERSIONS, *OTHERS, *hostile.ODD_TEXT]


def declarations() -> Iterator[tuple[str, Any]]:
    """The repository's declarations and every case's changed one (schema: false too)."""
    for path in [*EXAMPLES, ROOT / "tests" / "cases" / "reference.yaml"]:
        yield path.name, load(path).data
    reference, cases = load_cases(default_cases_dir())
    for case in cases:
        yield f"{case.control_id} {case.name}", apply_changes(reference.data, case)


def fuzzed() -> Iterator[tuple[str, Any]]:
    """fuzz/hostile.py's declaration generators, seeded; what the loader refuses is left out
    (it never reaches the schema)."""
    base = hostile.reference()
    for index in range(FUZZ_COUNT):
        rng = random.Random(2026 * 1_000_003 + index)
        category = FUZZ_CATEGORIES[index % len(FUZZ_CATEGORIES)]
        case = hostile.declaration_case(category, rng, base)
        try:
            yield f"fuzz #{index} {category}", loads(case.data, case.name).data
        except (LoadError, RecursionError):
            continue


def changed(data: Any, pointer: tuple[Any, ...], value: Any = REMOVE) -> Any:
    """`data` with `value` at `pointer` (or the field removed), copying only the path to it."""
    copy = dict(data) if isinstance(data, dict) else list(data)
    if len(pointer) > 1:
        copy[pointer[0]] = changed(data[pointer[0]], pointer[1:], value)
    elif value is REMOVE:
        del copy[pointer[0]]
    else:
        copy[pointer[0]] = value
    return copy


def odd_values(
    values: list[Any] = ODD_VALUES, count: int = ODD_VALUES_COUNT
) -> Iterator[tuple[str, Any]]:
    """An odd value (a format's edge, a pattern's, a type's) at a field of the reference or
    of an example, seeded; also removed fields and unknown ones."""
    bases = [hostile.reference(), *(load(path).data for path in EXAMPLES)]
    spots = [(base, pointer) for base in bases for pointer, _ in hostile.leaves(base)]
    rng = random.Random(15)
    for index in range(count):
        base, pointer = rng.choice(spots)
        value = rng.choice(values)
        if index % 10 == 0:
            yield f"without {pointer}", changed(base, pointer)
        elif index % 10 == 1 and isinstance(pointer[-1], str):
            yield f"{pointer[:-1]} + unknown field", changed(base, (*pointer[:-1], "extra"), 1)
        else:
            yield f"{pointer} = {value!r:.60}", changed(base, pointer, value)


def disagreements(documents: Iterator[tuple[str, Any]]) -> tuple[int, int, list[str]]:
    """How many documents, how many of them jsonschema finds valid, and where the compiled
    validator says otherwise."""
    strict = validator_for(SCHEMA)
    count = valid = 0
    wrong = []
    for label, data in documents:
        count += 1
        expected = strict.is_valid(data)
        valid += expected
        if fast_valid(data, SCHEMA) != expected:
            wrong.append(f"{label}: jsonschema says {'valid' if expected else 'invalid'}")
    return count, valid, wrong


@pytest.mark.parametrize(
    "source", [declarations, fuzzed, odd_values], ids=["repository", "fuzz", "odd-values"]
)
def test_the_compiled_validator_agrees_with_jsonschema(source: Any) -> None:
    count, valid, wrong = disagreements(source())
    assert not wrong, f"{len(wrong)} of {count} disagree:\n" + "\n".join(wrong[:20])
    assert 0 < valid < count  # both verdicts were put to the test


def test_the_agreement_test_fails_when_a_format_check_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(schema_module, "_compiled", {})
    monkeypatch.setitem(schema_module._FORMATS, "date", lambda text: True)
    _, _, wrong = disagreements(odd_values(DATES, 300))
    assert wrong and all("jsonschema says invalid" in line for line in wrong)


FORMAT_SAMPLES = {
    "date": DATES,
    "date-time": [*DATE_TIMES, *DATES],
    "email": EMAILS,
    "uri": [*URIS, *EMAILS],
}


@pytest.mark.parametrize("name", sorted(schema_module._FORMATS))
def test_each_format_check_is_jsonschemas(name: str) -> None:
    checker = FormatChecker()
    samples = [*FORMAT_SAMPLES[name], *hostile.ODD_TEXT, "", "x"]
    rule = schema_module._format_rule(name)
    differ = [s for s in samples if rule(s) != checker.conforms(s, name)]
    assert not differ
    assert any(rule(s) for s in samples) and not all(rule(s) for s in samples)


def test_every_format_the_standard_uses_has_its_copy() -> None:
    assert schema_module._format_names(SCHEMA) <= set(schema_module._FORMATS)


def test_a_schema_it_cannot_compile_is_left_to_jsonschema() -> None:
    remote = {"$ref": "https://example.org/remote.json"}
    assert not fast_valid({}, remote)
    assert schema_module._compiled[id(remote)][1] is None


def test_a_valid_declaration_is_validated_without_importing_jsonschema() -> None:
    code = (
        "import sys\n"
        "from pyrules.loader import load\n"
        "from pyrules.schema import schema_problems\n"
        "from pyrules.standard import load_standard\n"
        f"document = load({str(EXAMPLES[0])!r})\n"
        "assert schema_problems(document.data, load_standard().schema) == []\n"
        "print('jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
