"""The hand-written side of the site: `docs/` pages and the small data files beside them.

`docs/home.md` is the home page's prose (the generator adds the status, version, families
and how to cite around it); `docs/aceeeo.yaml` the recommendations R1-R7; `docs/sources.yaml`
the instruments that group the legal references; `docs/site.yaml` the order of families
and guides; `docs/glossary.yaml` the terms the Glossary page defines. Every other
Markdown file under `docs/` is a page, copied as it is except for
`<!-- edhs:if-exists PATH -->` … `<!-- edhs:end -->` blocks, which stay only when PATH is
a page of the site: a guide can link a page another team is still writing without
breaking `--strict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyrules.docs import read_yaml
from pyrules.docs.glossary import Term, read_glossary
from pyrules.errors import InputError
from pyrules.model import Control, Reference

HOME = "home.md"
DATA_FILES = ("aceeeo.yaml", "sources.yaml", "site.yaml", "glossary.yaml")
IF_EXISTS = re.compile(
    r"^[ \t]*<!--\s*edhs:if-exists\s+(\S+)\s*-->[ \t]*\n(.*?)^[ \t]*<!--\s*edhs:end\s*-->[ \t]*\n?",
    re.MULTILINE | re.DOTALL,
)
NUMBER = re.compile(r"(\d+)")
LEADING_COMMENT = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)  # a note for editors


@dataclass(frozen=True)
class Recommendation:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    title: str
    url: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """One reference (e.g. 'GDPR Art 33(1)'), what its review found, and the controls that
    cite it."""

    reference: Reference
    controls: tuple[str, ...]

    @property
    def description(self) -> str:
        return self.reference.description

    @property
    def url(self) -> str:
        return self.reference.ref


@dataclass
class InstrumentGroup:
    instrument: Instrument
    citations: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class HandWritten:
    root: Path
    home: str
    recommendations: dict[str, Recommendation]
    instruments: list[Instrument]
    family_order: list[str]
    guide_order: list[str]
    pages: dict[str, str]  # relative path -> Markdown, as found under docs/
    glossary: list[Term]


def read_docs(root: Path) -> HandWritten:
    """Read docs/; a missing or malformed file is one clear InputError."""
    if not (root / HOME).is_file():
        raise InputError(f"{root}: no {HOME} here; pass --docs DIR (the repository's docs/)")
    aceeeo = read_yaml(root / "aceeeo.yaml")
    sources = read_yaml(root / "sources.yaml")
    site = read_yaml(root / "site.yaml")
    if not isinstance(aceeeo, dict) or not all(
        isinstance(v, dict) and v.get("text") and v.get("title") for v in aceeeo.values()
    ):
        raise InputError(f"{root / 'aceeeo.yaml'}: each recommendation needs a title and a text")
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and s.get("id") and s.get("name") for s in sources
    ):
        raise InputError(f"{root / 'sources.yaml'}: a list of instruments with id and name")
    pages = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.md"))
        if path.name != HOME or path.parent != root
    }
    return HandWritten(
        root=root,
        home=LEADING_COMMENT.sub("", (root / HOME).read_text(encoding="utf-8"), count=1),
        recommendations={
            str(k): Recommendation(str(k), str(v["title"]), " ".join(str(v["text"]).split()))
            for k, v in aceeeo.items()
        },
        instruments=[
            Instrument(
                id=str(s["id"]),
                name=str(s["name"]),
                title=" ".join(str(s.get("title", s["name"])).split()),
                url=str(s.get("url") or ""),
                match=tuple(str(m) for m in s.get("match") or ()),
            )
            for s in sources
        ],
        family_order=[str(f) for f in (site or {}).get("families") or []],
        guide_order=[str(g) for g in (site or {}).get("guides") or []],
        pages=pages,
        glossary=read_glossary(root / "glossary.yaml"),
    )


def resolve_conditionals(text: str, exists: set[str], page: str) -> str:
    """Keep an `edhs:if-exists` block only when its target page is part of the site."""
    base = Path(page).parent

    def keep(match: re.Match[str]) -> str:
        target = (base / match.group(1)).as_posix()
        target = _normalise(target)
        return match.group(2) if target in exists else ""

    return IF_EXISTS.sub(keep, text)


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def group_references(
    controls: tuple[Control, ...] | list[Control], instruments: list[Instrument]
) -> list[InstrumentGroup]:
    """Every reference of every control under its instrument, in the Sources order."""
    other = Instrument("other", "Other sources", "Sources not listed in docs/sources.yaml", "", ())
    groups = {i.id: InstrumentGroup(i) for i in [*instruments, other]}
    cited: dict[tuple[str, str, str | None], tuple[Reference, list[str]]] = {}
    for control in controls:
        for ref in control.references:
            key = (ref.description, ref.ref, ref.state)
            cited.setdefault(key, (ref, []))[1].append(control.id)
    for ref, ids in cited.values():
        instrument = instrument_of(ref.description, ref.ref, instruments) if instruments else None
        group = groups[instrument.id if instrument else "other"]
        group.citations.append(Citation(ref, tuple(sorted(set(ids)))))
    for group in groups.values():
        group.citations.sort(key=lambda c: natural_key(c.description))
    return [g for g in groups.values() if g.citations]


def instrument_of(description: str, url: str, instruments: list[Instrument]) -> Instrument:
    for instrument in instruments:
        if any(description.startswith(m) for m in instrument.match):
            return instrument
    for instrument in instruments:
        if instrument.url and url.startswith(instrument.url):
            return instrument
    return Instrument("other", "Other sources", "Sources not listed in docs/sources.yaml", "", ())


def natural_key(text: str) -> list[Any]:
    """Sort 'Art 5(1)' before 'Art 33(1)': numbers compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in NUMBER.split(text)]
