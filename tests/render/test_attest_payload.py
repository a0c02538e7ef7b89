"""A report's attestation signs the same bytes whether orjson or the standard library
writes its statement: `attest` takes orjson's way only where the two agree."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pyrules import attest as attest_module
from pyrules.attest import Signer, _canonical, attest, generate_key, report_json, statement
from pyrules.model import Finding, Location, ParameterOverride, Report

# Texts a report can hold (a lone surrogate cannot be hashed as UTF-8, so it is never signed).
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]))
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
TEXTS = TEXT | st.sampled_from(["\x7f\u2028\u2029\ufeff\x00\x1f", "é 😀 \U0010ffff"])


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> Signer:
    key = tmp_path_factory.mktemp("key") / "emb.key"
    generate_key(key)
    return Signer.from_file(key)


def signed_payload(report: Report, signer: Signer) -> bytes:
    text = attest(report, report.declaration.name, signer, report_json(report))
    envelope = json.loads(text)
    assert text == json.dumps(envelope, indent=2) + "\n"  # as the standard library writes it
    return base64.b64decode(envelope["payload"])


def test_an_ordinary_report_is_signed_through_orjson(
    noncompliant: Report, signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _canonical(statement(noncompliant, noncompliant.declaration.name))
    monkeypatch.setattr(attest_module, "_canonical", None)  # the standard library is not used
    assert signed_payload(noncompliant, signer) == expected


@settings(max_examples=200, deadline=None)
# Each of these orjson writes otherwise (or refuses): the payload must not change.
@example(platform="", message="", value=1.0)
@example(platform="", message="", value=[2**64, float("nan"), 1e-05, 1e16])
@example(platform="é 😀 \x00", message="\u2028", value={"k": [None, True, -(2**63)]})
@given(platform=TEXTS, message=TEXTS, value=VALUES)
def test_any_report_is_signed_as_the_standard_library_writes_it(
    noncompliant: Report, signer: Signer, platform: str, message: str, value: Any
) -> None:
    results = list(noncompliant.results)
    finding = Finding(
        message=message, path="/x", location=Location(file="f", line=1, column=2, pointer="/x")
    )
    results[0] = replace(results[0], findings=[finding])
    report = replace(
        noncompliant,
        platform=platform,
        results=results,
        parameters=[ParameterOverride(name="p", standard=1, value=value, loosens=False)],
    )
    expected = _canonical(statement(report, report.declaration.name))
    assert signed_payload(report, signer) == expected
