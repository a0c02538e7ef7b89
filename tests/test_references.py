"""Legal references and each control's basis: what the METADATA records and what lint refuses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pyrules.errors import StandardError
from pyrules.lint import lint
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
ELI_ACTS = {
    "GDPR": "reg/2016/679",
    "DSA": "reg/2022/2065",
    "TTPA": "reg/2024/900",
    "AI Act": "reg/2024/1689",
    "NIS2": "dir/2022/2555",
    "DMA": "reg/2022/1925",
}
INC_01 = Path("policies") / "edhs" / "inc" / "inc_01_breach_notification.rego"


def _copy_standard(tmp_path: Path) -> Path:
    for part in ("policies", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _edit(root: Path, relative: Path, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path, catalogue: Path | None = None) -> list[str]:
    return [str(p) for p in lint(load_standard(root), CASES, catalogue)]


def test_every_reference_has_a_state_and_every_control_a_basis() -> None:
    standard = load_standard()
    for control in standard.controls:
        assert control.basis in ("law", "law+threshold", "standard"), control.id
        assert control.basis == "law" or control.basis_note, control.id
        for ref in control.references:
            assert ref.state in ("confirmed", "unconfirmed"), (control.id, ref.description)
            if ref.state == "confirmed":
                assert ref.words and ref.read_in, (control.id, ref.description)
            else:
                assert ref.note, (control.id, ref.description)


def test_eu_acts_are_linked_to_the_cited_article() -> None:
    for control in load_standard().controls:
        for ref in control.references:
            act = next((a for a in ELI_ACTS if ref.description.startswith(f"{a} Art ")), None)
            if act is None:
                continue
            article = re.search(r"Art (\d+)", ref.description)
            assert article, ref.description
            expected = f"https://eur-lex.europa.eu/eli/{ELI_ACTS[act]}/oj#art_{article.group(1)}"
            assert ref.ref == expected, (control.id, ref.description, ref.ref)


def test_no_verify_mark_is_left_in_the_policies_or_the_catalogue() -> None:
    mark = re.compile(r"\([^()]*\bverify\b[^()]*\)|\bto verify\b", re.IGNORECASE)
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "policies").rglob("*.rego")]
    texts.append((ROOT / "standard" / "catalogue.md").read_text(encoding="utf-8"))
    assert not [m.group(0) for text in texts for m in mark.finditer(text)]


def test_a_reference_without_a_state_is_refused(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "#     state: confirmed\n", "")
    assert any(
        "inc_01_breach_notification.rego" in p and "'GDPR Art 33(1)' has no state" in p
        for p in _problems(root)
    )


def test_a_confirmed_reference_needs_its_words(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "#     words:", "#     said:")  # a misspelt key counts as missing
    assert any(
        "'GDPR Art 33(1)' is confirmed: give the decisive words" in p for p in _problems(root)
    )


def test_a_verify_mark_in_a_citation_is_refused_but_the_verb_is_not(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "description: GDPR Art 33(1)", "description: GDPR Art 33(1) (verify)")
    _edit(root, INC_01, "- cites: GDPR Art 33(1)", "- cites: GDPR Art 33(1) (verify)")
    _edit(root, INC_01, "#   remediation: ", "#   remediation: Verify the process, then ")
    problems = _problems(root)
    assert [p for p in problems if "'(verify)'" in p and "inc_01_breach_notification.rego" in p]
    assert not [p for p in problems if "Verify the process" in p]


def test_a_control_without_a_basis_is_refused(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "#   basis: law\n", "")
    assert any("INC-01 has no custom.basis" in p for p in _problems(root))


def test_a_basis_beyond_the_law_needs_its_sentence(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "#   basis: law\n", "#   basis: standard\n")
    assert any("INC-01 is standard: say in custom.basis_note" in p for p in _problems(root))


def test_an_unknown_basis_or_state_stops_the_standard_from_loading(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "#   basis: law\n", "#   basis: custom\n")
    with pytest.raises(StandardError, match=r"inc_01_breach_notification.rego:\d+: custom.basis"):
        load_standard(root)
    _edit(root, INC_01, "#   basis: custom\n", "#   basis: law\n")
    _edit(root, INC_01, "#     state: confirmed", "#     state: probably")
    with pytest.raises(StandardError, match="state of 'GDPR Art 33"):
        load_standard(root)


def test_a_review_of_a_reference_the_policy_does_not_cite_stops_loading(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    _edit(root, INC_01, "- cites: GDPR Art 33(1)", "- cites: GDPR Art 33(2)")
    with pytest.raises(StandardError, match=r"'GDPR Art 33\(2\)', which related_resources"):
        load_standard(root)


def test_a_parameter_without_a_description_is_refused(tmp_path: Path) -> None:
    root = _copy_standard(tmp_path)
    schema = root / "schemas" / "params.schema.json"
    text = schema.read_text(encoding="utf-8")
    start = text.index('"description": "Hours within which a personal-data breach')
    end = text.index("\n", start)
    schema.write_text(text[:start] + '"description": "",' + text[end:], encoding="utf-8")
    assert any(
        "params.schema.json:1: parameter max_breach_notification_hours has no description" in p
        for p in _problems(root)
    )


def test_every_parameter_has_a_description() -> None:
    standard = load_standard()
    assert standard.parameter_descriptions.keys() == standard.params.keys()
    assert all(standard.parameter_descriptions.values())


def test_a_verify_mark_in_the_catalogue_is_refused(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.md"
    text = (ROOT / "standard" / "catalogue.md").read_text(encoding="utf-8")
    catalogue.write_text(text.replace("Refs: GDPR Art 33(1).", "Refs: GDPR Art 33(1) (verify)."))
    problems = [str(p) for p in lint(load_standard(), CASES, catalogue)]
    assert any(p.startswith(f"{catalogue}:") and "'(verify)'" in p for p in problems), problems
