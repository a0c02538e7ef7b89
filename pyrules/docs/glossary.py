"""The glossary (`docs/glossary.yaml`) and the links to it from the first use of each term.

Readers of a standard meet ACEEEO, VLOP, DSSE or in-toto without warning: every page links
the first use of each glossary term in its prose to the term's definition. Only prose is
touched: headings, tables, admonition titles, code, links, HTML and attribute lists are
left as they are, so a link never lands inside Markdown that would break.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrules.docs import read_yaml
from pyrules.errors import InputError

GLOSSARY_PAGE = "glossary.md"
TITLE_LIMIT = 160  # characters of a definition shown on hover
FENCE = re.compile(r"^\s*(```+|~~~+)")
# Spans a link must not go into: inline code, links and images, HTML tags, URLs,
# attribute lists and bold labels; italic text stays prose.
PROTECTED = re.compile(
    r"`+[^`]*`+"  # inline code
    r"|!?\[[^\]]*\]\([^)]*\)"  # [text](link), ![alt](src)
    r"|!?\[[^\]]*\]\[[^\]]*\]"  # reference-style links
    r"|<[^>]+>"  # HTML tags and autolinks
    r"|https?://\S+"  # bare URLs
    r"|\{[^}]*\}"  # attribute lists { #id }
    r"|\*\*[^*]+\*\*"  # bold labels, e.g. "**Rego coverage:**"
)
# Headings, tables, admonition titles, HTML blocks (a line may start with inline HTML such
# as a badge), rules and footnotes.
SKIPPED_LINE = re.compile(
    r"^\s*(#|\||!!!|\?\?\?|<(?!(?:span|code|strong|em|a)\b)|---|-\s*-\s*-|\[\^)"
)


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    link: bool = True  # False for everyday words such as "control" that have their own page

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    def pattern(self) -> re.Pattern[str]:
        """The term or an alias as a whole word; an acronym also in its plural (VLOPs)."""
        names = sorted({self.term, *self.aliases}, key=len, reverse=True)
        parts = [re.escape(n) + ("s?" if n.isupper() else "") for n in names]
        return re.compile(r"(?<![\w/.-])(?:" + "|".join(parts) + r")(?![\w-])")


def read_glossary(path: Path) -> list[Term]:
    """The glossary file: a list of {term, definition, aliases?, link?}."""
    data: Any = read_yaml(path)
    if not isinstance(data, list) or not all(
        isinstance(t, dict) and t.get("term") and t.get("definition") for t in data
    ):
        raise InputError(f"{path}: a list of terms, each with a term and a definition")
    terms = [
        Term(
            term=str(t["term"]),
            definition=" ".join(str(t["definition"]).split()),
            aliases=tuple(str(a) for a in t.get("aliases") or ()),
            link=bool(t.get("link", True)),
        )
        for t in data
    ]
    anchors = [t.anchor for t in terms]
    duplicates = sorted({a for a in anchors if anchors.count(a) > 1})
    if duplicates:
        raise InputError(f"{path}: terms defined twice: {', '.join(duplicates)}")
    return sorted(terms, key=lambda t: t.term.lower())


def link_first_uses(text: str, terms: list[Term], page: str) -> str:
    """Link the first prose use of each linkable term on the page to its definition."""
    target = posixpath.relpath(GLOSSARY_PAGE, posixpath.dirname(page) or ".")
    pending = [(t, t.pattern()) for t in terms if t.link]
    lines = text.split("\n")
    fence: str | None = None
    front_matter = bool(lines) and lines[0] == "---"
    for number, line in enumerate(lines):
        if front_matter:
            front_matter = not (number > 0 and line == "---")
            continue
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1).startswith(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if not pending or SKIPPED_LINE.match(line) or line.startswith("    "):
            continue
        lines[number], pending = _link_line(line, pending, target)
    return "\n".join(lines)


def _link_line(
    line: str, pending: list[tuple[Term, re.Pattern[str]]], target: str
) -> tuple[str, list[tuple[Term, re.Pattern[str]]]]:
    out: list[str] = []
    position = 0
    for span in [*PROTECTED.finditer(line), None]:
        end = span.start() if span else len(line)
        gap = line[position:end]
        gap, pending = _link_gap(gap, pending, target)
        out.append(gap)
        if span is None:
            break
        out.append(span.group(0))
        position = span.end()
    return "".join(out), pending


def _link_gap(
    gap: str, pending: list[tuple[Term, re.Pattern[str]]], target: str
) -> tuple[str, list[tuple[Term, re.Pattern[str]]]]:
    """Link, in one stretch of prose, the first use of every term not linked yet (the
    earliest match wins where two terms overlap)."""
    while True:
        found = [(m, t, p) for t, p in pending if (m := p.search(gap))]
        if not found:
            return gap, pending
        match, term, _ = min(found, key=lambda f: (f[0].start(), -len(f[0].group(0))))
        link = f'[{match.group(0)}]({target}#{term.anchor} "{_title(term.definition)}")'
        head, tail = gap[: match.start()] + link, gap[match.end() :]
        pending = [(t, p) for t, p in pending if t is not term]
        tail, pending = _link_gap(tail, pending, target)
        return head + tail, pending


def _title(definition: str) -> str:
    """The definition as a link title (shown on hover): one short sentence, no quotes."""
    first = re.sub(r"\s*\([^)]*\)", "", definition.split(". ")[0].rstrip("."))
    first = re.sub(r"[()\[\]`]", "", first).replace('"', "'")
    return first if len(first) <= TITLE_LIMIT else first[:TITLE_LIMIT].rsplit(" ", 1)[0] + "…"
