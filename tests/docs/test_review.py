"""The committee review page and the reference states on control pages come from METADATA."""

from __future__ import annotations

import re
from html import unescape

from pyrules.docs.generate import control_page_path

VERIFY_MARK = re.compile(r"\([^()]*\bverify\b[^()]*\)|\bto verify\b", re.IGNORECASE)


def test_the_review_page_lists_every_unconfirmed_reference_and_no_confirmed_one(built) -> None:
    page = built.pages["review.md"]
    unconfirmed = page.split("## Unconfirmed references", 1)[1].split("## Legal basis", 1)[0]
    for control in built.standard.controls:
        for ref in control.references:
            row = f"| [{ref.description}]({ref.ref}) |"
            if ref.state == "unconfirmed":
                assert row in unconfirmed, (control.id, ref.description)
    confirmed_only = {
        (r.description, r.ref)
        for c in built.standard.controls
        for r in c.references
        if r.state == "confirmed"
    } - {
        (r.description, r.ref)
        for c in built.standard.controls
        for r in c.references
        if r.state == "unconfirmed"
    }
    for description, url in confirmed_only:
        assert f"| [{description}]({url}) |" not in unconfirmed


def test_the_review_page_lists_every_control_that_goes_beyond_the_law(built) -> None:
    bases = built.pages["review.md"].split("## Legal basis", 1)[1]
    for control in built.standard.controls:
        listed = f"[{control.id}](" in bases
        assert listed == (control.basis != "law"), control.id


def test_every_control_page_shows_its_basis_and_each_reference_state(built) -> None:
    for control in built.standard.controls:
        page = built.pages[control_page_path(control.id)]
        assert f"edhs-basis--{control.basis.replace('+', '-')}" in page, control.id
        html_page = built.site / control_page_path(control.id).replace(".md", ".html")
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", html_page.read_text("utf-8"))).split())
        assert control.basis_note in text, control.id
        states = re.findall(r"edhs-tag--(confirmed|unconfirmed)", page)
        assert states == [r.state for r in control.references], control.id


def test_no_verify_mark_is_left_on_the_site(built) -> None:
    for path in built.site.rglob("*.html"):
        text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
        if path.name == "changelog.html":  # it quotes what an earlier release said, as removed
            text = re.sub(r"\bremoved [^;|\n]*", "", unescape(text))
        assert not VERIFY_MARK.search(text), path
