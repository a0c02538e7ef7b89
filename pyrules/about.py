"""Who publishes the standard and where (`standard/about.yaml`), and the one setting every
link to the published site comes from: `site_url`. Each version's date and status are
recorded with the releases (`standard/releases.yaml`, see `pyrules.releases`); an
`Edition` is the two together, as the home page and the citation files state them.

`site_url` is configuration, not a constant: `pyrules.site_url` resolves it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrules.errors import InputError
from pyrules.site_url import about_path

ABOUT_SCHEMA = Path("standard") / "about.schema.json"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
STATUS_LABELS = {
    "draft": ("Draft", "Open for comment; it may still change before the committee adopts it."),
    "recommendation": ("Recommendation", "Adopted by the committee for use."),
    "unreleased": ("Unreleased", "Being prepared; not yet recorded as a release."),
}


@dataclass(frozen=True)
class Party:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    url: str


@dataclass(frozen=True)
class About:
    path: Path
    title: str
    short_title: str
    publisher: Party
    editors: tuple[Party, ...]
    site_url: str
    repository: str
    text_licence: Licence
    code_licence: Licence


@dataclass(frozen=True)
class Edition:
    """One version of the standard as published: who (about.yaml) and when (its release)."""

    about: About
    version: str
    status: str  # draft | recommendation | unreleased
    date: str  # YYYY-MM-DD; '' while unreleased

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def status_meaning(self) -> str:
        return STATUS_LABELS[self.status][1]

    def cite_key(self) -> str:
        return f"{self.about.short_title.lower()}-{self.version}".replace(".", "-")

    def citation_bibtex(self, site_url: str) -> str:
        """A BibTeX entry (@misc: BibTeX has no type for standards) for this version."""
        about = self.about
        fields = {
            "title": f"{{{about.title} ({about.short_title})}}",
            # Braced names are corporate authors: BibTeX does not split them into names.
            "author": "{" + " and ".join(f"{{{e.name}}}" for e in about.editors) + "}",
            "organization": f"{{{about.publisher.name}}}",
        }
        if self.date:
            fields["year"] = f"{{{self.date[:4]}}}"
            fields["month"] = MONTHS[int(self.date[5:7]) - 1]
        fields["version"] = f"{{{self.version}}}"
        fields["note"] = f"{{{self.status_label}}}"
        if site_url:
            fields["url"] = f"{{{site_url}}}"
        body = ",\n".join(f"  {key} = {value}" for key, value in fields.items())
        return f"@misc{{{self.cite_key()},\n{body}\n}}\n"

    def citation_csl(self, site_url: str) -> str:
        """The same citation as CSL-JSON (type 'standard'), which Zotero and pandoc read."""
        about = self.about
        item: dict[str, Any] = {
            "id": self.cite_key(),
            "type": "standard",
            "title": f"{about.title} ({about.short_title})",
            "author": [{"literal": e.name} for e in about.editors],
            "publisher": about.publisher.name,
            "version": self.version,
            "status": self.status_label,
        }
        if self.date:
            item["issued"] = {"date-parts": [[int(p) for p in self.date.split("-")]]}
        if site_url:
            item["URL"] = site_url
        return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


def load_about(standard_root: Path) -> About:
    """Read and check about.yaml; a problem is one InputError naming the file and place."""
    from pyrules.loader import load
    from pyrules.schema import schema_problems

    path = about_path(standard_root)
    document = load(path)
    schema_file = path.parent / ABOUT_SCHEMA.name
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{schema_file}: cannot read the schema of about.yaml ({exc})") from None
    problems = schema_problems(document.data, schema)
    if problems:
        first = problems[0]
        raise InputError(document.located(first.pointer, first.message))
    data = document.data
    licence = data["licence"]
    return About(
        path=path,
        title=data["title"],
        short_title=data["short_title"],
        publisher=Party(**data["publisher"]),
        editors=tuple(Party(**e) for e in data["editors"]),
        site_url=data["site_url"],
        repository=data["repository"],
        text_licence=Licence(**licence["text"]),
        code_licence=Licence(**licence["code"]),
    )
