"""The glossary defines every acronym the site uses, and pages link a term's first use."""

from __future__ import annotations

import re
from pathlib import Path

from pyrules.docs.glossary import Term, link_first_uses, read_glossary

ROOT = Path(__file__).resolve().parents[2]
TERMS = [
    Term("DSA", "Regulation (EU) 2022/2065, the Digital Services Act."),
    Term("VLOP", "Very large online platform.", aliases=("very large online platform",)),
    Term("control", "One requirement.", link=False),
]
ACRONYM = re.compile(r"(?<![\w/#.-])[A-Z][A-Z0-9]+(?![\w-])")
# Words in capitals that are not acronyms to define: control and family IDs, the
# recommendations R1-R7, a law firm's name, the parts of a version number, EL (the EU's
# code for Greece that the declaration reference warns against), a file name (README) and
# product names (VS Code, IntelliJ IDEA).
NOT_ACRONYMS = re.compile(r"^(?:[A-Z]{3}-\d\d|R\d|CBH|MAJOR|MINOR|PATCH|EL|README|VS|IDEA)$")


def test_the_first_use_of_a_term_links_to_its_definition() -> None:
    text = "The DSA applies to a VLOP. The DSA also says more.\n"
    linked = link_first_uses(text, TERMS, "guides/x.md")
    assert linked.count("](../glossary.md#dsa") == 1
    assert linked.startswith('The [DSA](../glossary.md#dsa "Regulation 2022/2065')
    assert "[VLOP](../glossary.md#vlop" in linked
    assert linked.endswith("The DSA also says more.\n")


def test_code_links_headings_and_tables_are_left_alone() -> None:
    text = (
        "# The DSA\n"
        "| DSA | x |\n"
        "```\nDSA in code\n```\n"
        "See [the DSA](https://eur-lex.example/) and `DSA` and <span title='DSA'>x</span>.\n"
        "Finally the DSA.\n"
    )
    lines = link_first_uses(text, TERMS, "index.md").splitlines()
    assert lines[:5] == ["# The DSA", "| DSA | x |", "```", "DSA in code", "```"]
    assert "glossary" not in lines[5]
    assert lines[6].startswith("Finally the [DSA](glossary.md#dsa")


def test_a_plural_and_an_alias_link_to_the_same_entry_and_everyday_words_do_not() -> None:
    linked = link_first_uses("Two VLOPs and a control.\n", TERMS, "index.md")
    assert "[VLOPs](glossary.md#vlop" in linked
    assert "[control]" not in linked
    alias = link_first_uses("A very large online platform.\n", TERMS, "index.md")
    assert "[very large online platform](glossary.md#vlop" in alias


def test_every_acronym_of_the_site_is_in_the_glossary(built) -> None:
    terms = read_glossary(ROOT / "docs" / "glossary.yaml")
    names = {n for t in terms for n in (t.term, *t.aliases)}
    multiword = sorted((n for n in names if " " in n), key=len, reverse=True)
    schema = (ROOT / "schemas" / "declaration.schema.json").read_text(encoding="utf-8")
    codes = set(re.findall(r'"([A-Z]{2})"', schema))  # country and language codes
    families = {f.id for f in built.standard.families}
    missing: dict[str, str] = {}
    for page, text in built.pages.items():
        text = re.sub(r"```.*?```|`[^`]*`|\]\([^)]*\)|<[^>]+>", " ", text, flags=re.DOTALL)
        for name in multiword:
            text = text.replace(name, " ")
        for word in ACRONYM.findall(text):
            singular = word[:-1] if word.endswith("S") and word[:-1] in names else word
            if singular in names or word in codes or word in families or NOT_ACRONYMS.match(word):
                continue
            missing.setdefault(word, page)
    assert missing == {}


def test_the_home_page_links_the_first_use_of_aceeeo(built) -> None:
    home = built.pages["index.md"]
    assert home.count("](glossary.md#aceeeo") == 1
    glossary = (built.site / "glossary.html").read_text(encoding="utf-8")
    assert 'id="aceeeo"' in glossary
