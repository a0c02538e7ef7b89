"""Hand-written pages and data: conditional links, references grouped by instrument."""

from __future__ import annotations

from pathlib import Path

from pyrules.docs.content import (
    Instrument,
    group_references,
    natural_key,
    read_docs,
    resolve_conditionals,
)
from pyrules.model import Control, Reference

ROOT = Path(__file__).resolve().parents[2]
GDPR = Instrument(
    "gdpr", "GDPR", "General Data Protection Regulation", "https://law.example/gdpr", ("GDPR",)
)
TTPA = Instrument("ttpa", "TTPA", "Political advertising", "https://law.example/ttpa", ("TTPA",))


def control(control_id: str, *refs: tuple[str, str, str]) -> Control:
    return Control(
        id=control_id,
        title="t",
        description="d",
        severity="high",
        family=control_id[:3],
        aceeeo=["R3"],
        rationale="r",
        applies_when="Always.",
        remediation="m",
        references=[Reference(description=r[0], ref=r[1], state=r[2]) for r in refs],
        package="edhs.x.y",
        source="edhs/x/y.rego",
        line=1,
    )


def test_references_are_grouped_by_instrument_and_sorted_by_article() -> None:
    controls = [
        control("INC-01", ("GDPR Art 33(1)", "https://law.example/gdpr", "confirmed")),
        control("MIN-03", ("GDPR Art 5(1)(e)", "https://law.example/gdpr", "confirmed")),
        control("MIN-05", ("GDPR Art 5(1)(e)", "https://law.example/gdpr", "confirmed")),
        control(
            "ADS-09", ("TTPA Art 16-17 (deadlines)", "https://law.example/ttpa", "unconfirmed")
        ),
        control("SEC-02", ("NIST SP 800-52 Rev. 2", "https://standards.example/nist", "confirmed")),
    ]
    groups = group_references(controls, [TTPA, GDPR])
    assert [g.instrument.name for g in groups] == ["TTPA", "GDPR", "Other sources"]
    gdpr = groups[1].citations
    assert [c.description for c in gdpr] == ["GDPR Art 5(1)(e)", "GDPR Art 33(1)"]
    assert gdpr[0].controls == ("MIN-03", "MIN-05")
    assert groups[0].citations[0].reference.state == "unconfirmed"  # the review's state stays
    assert gdpr[0].reference.state == "confirmed"


def test_an_instrument_is_also_found_by_its_link() -> None:
    groups = group_references(
        [control("GOV-01", ("Art 37", "https://law.example/gdpr/art37", "confirmed"))], [GDPR]
    )
    assert groups[0].instrument is GDPR


def test_numbers_sort_as_numbers() -> None:
    assert sorted(["Art 33", "Art 5", "Art 12"], key=natural_key) == ["Art 5", "Art 12", "Art 33"]


def test_an_if_exists_block_stays_only_when_its_page_exists() -> None:
    text = (
        "Intro.\n"
        "<!-- edhs:if-exists github-action.md -->\n"
        "See [the action](github-action.md).\n"
        "<!-- edhs:end -->\n"
        "End.\n"
    )
    kept = resolve_conditionals(text, {"guides/github-action.md"}, "guides/ci-self-check.md")
    assert kept == "Intro.\nSee [the action](github-action.md).\nEnd.\n"
    dropped = resolve_conditionals(text, set(), "guides/ci-self-check.md")
    assert dropped == "Intro.\nEnd.\n"


def test_the_repository_docs_define_every_recommendation_and_instrument() -> None:
    docs = read_docs(ROOT / "docs")
    assert list(docs.recommendations) == [f"R{n}" for n in range(1, 8)]
    assert {"GDPR", "DSA", "TTPA"} <= {i.name for i in docs.instruments}
    assert "home.md" not in docs.pages


def test_the_references_page_cites_every_reference_of_every_control(built) -> None:
    page = built.pages["references.md"]
    for c in built.standard.controls:
        for ref in c.references:
            assert ref.description.replace("|", "\\|") in page, (c.id, ref.description)
