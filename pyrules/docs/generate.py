"""Generates the MkDocs sources of the standard's site from a `Standard`.

Everything is produced in memory as `{relative path: content}` first, then written to a
directory that is emptied beforehand: a control that was removed cannot leave a stale
page behind, and two generations of the same inputs are byte-identical (no timestamps),
which is what the sync tests compare.

Layout of the sources (and of the site, with `.md` -> `.html`):

    mkdocs.yml                           generated: name, URL, nav; INHERITs mkdocs.base.yml
    mkdocs.base.yml                      static: theme, plugins, extensions, validation
    docs/index.md                        home: version, audiences, ACEEEO matrix
    docs/controls/index.md               every control
    docs/controls/<family>/index.md      one family
    docs/controls/<family>/<id>/index.md one control (lowercase), the URL reports link to
    docs/declaration.md                  the declaration reference, from the JSON Schema
    docs/parameters.md, docs/references.md, docs/standard.json
    docs/changelog.md                    from the releases and the diffs between them
    docs/review.md                       for the committee: unconfirmed references, bases
    docs/aceeeo.md, docs/glossary.md     ACEEEO's recommendations; every term defined
    docs/edhs.bib, docs/edhs.csl.json    how to cite this version (about.yaml, releases.yaml)
    docs/guides/*.md                     copied from the repository's docs/
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from pyrules import __version__
from pyrules.about import Edition, load_about
from pyrules.coverage import FileCoverage
from pyrules.diff import StandardDiff
from pyrules.docs import control_dir
from pyrules.docs.content import HandWritten, group_references, read_docs, resolve_conditionals
from pyrules.docs.excerpts import Excerpt, choose_excerpts, fence, inline_yaml
from pyrules.docs.fields import ITEM, DeclField, code_lists, control_reads, declaration_sections
from pyrules.docs.glossary import GLOSSARY_PAGE, link_first_uses
from pyrules.docs.history import ControlHistory, History, load_history, releases_file
from pyrules.errors import InputError
from pyrules.loader import Document
from pyrules.model import SEVERITIES, Control, Family
from pyrules.profile import ASSESSMENT_PARAM
from pyrules.render.diff import change_tables
from pyrules.schema import READ_BY_PYRULES
from pyrules.site_url import resolve_site_url
from pyrules.standard import Standard
from pyrules.testcases import Case, CaseRunner, apply_changes, load_cases

TEMPLATES = ("pyrules", "templates/docs")
BARE_URL = re.compile(r"(?<![<(\"])https?://[^\s;<>\"]+[^\s;<>\".,)]|(?<=\()https?://[^\s;<>\")]+")
BASIS_LABELS = {
    "law": "The cited law requires what this control checks.",
    "law+threshold": "The law requires the measure; the number or list is the standard's choice.",
    "standard": "No legal duty was found: this is the standard's own good practice.",
}
ASSETS = "assets"
SCHEMAS = "/schemas/"  # where a schema's $id puts it on the site
SITE_NAME = "EDHS — Election Data-Handling Standard"
MKDOCS_BASE = "mkdocs.base.yml"  # the static configuration, beside the generated mkdocs.yml


@dataclass(frozen=True)
class ControlPage:
    control: Control
    path: str  # page path under docs/, e.g. controls/inc/inc-01/index.md
    source: str  # the policy's Rego text
    fields: list[DeclField]
    cases: list[Case]
    passing: Excerpt | None
    failing: Excerpt | None
    not_applicable: Excerpt | None
    history: ControlHistory | None = None  # the version it came in and last changed in
    coverage: FileCoverage | None = None  # None: OPA's engine in process is not installed


@dataclass
class Sources:
    """The generated MkDocs sources: every file's relative path and content."""

    files: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def pages(self) -> dict[str, str]:
        """The Markdown pages under docs/, by path relative to docs/."""
        return {
            path.removeprefix("docs/"): text
            for path, text in self.files.items()
            if path.startswith("docs/") and path.endswith(".md") and isinstance(text, str)
        }

    def write(self, out: Path) -> None:
        """Replace out's contents with these files (only a directory that looks like ours)."""
        if out.exists():
            _clear(out)
        for rel, content in sorted(self.files.items()):
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", newline="\n")


def _clear(out: Path) -> None:
    if not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    entries = list(out.iterdir())
    if entries and not (out / "mkdocs.yml").is_file():
        raise InputError(f"{out}: not empty and not generated docs sources; choose another dir")
    import shutil

    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def control_page_path(control_id: str) -> str:
    """The page of a control, in the folder reports link to (`control_dir`)."""
    return control_dir(control_id) + "index.md"


def family_page_path(family_id: str) -> str:
    return f"controls/{family_id.lower()}/index.md"


def generate(
    standard: Standard,
    docs_dir: Path,
    cases_dir: Path,
    history: History | None = None,
    versioned: bool = False,
    site_url: str | None = None,
) -> Sources:
    """All sources of the site for this standard, its cases and the hand-written pages.
    The history (by default the releases recorded beside docs_dir) gives the changelog
    and each control's version line; `versioned` turns on the version switcher (the site
    is then one of several, beside a versions.json). `site_url` is where it will be
    published ('' when nowhere: no canonical links; None: as configured, see
    pyrules.about)."""
    if history is None:
        history = load_history(standard, releases_file(docs_dir))
    written = read_docs(docs_dir)
    about = load_about(standard.root)
    release = history.versions[0].release  # the version being built, or "unreleased"
    edition = Edition(about, standard.version, release.status, release.date)
    if site_url is None:
        site_url = resolve_site_url(None, standard.root)
    reference, cases = load_cases(cases_dir)
    _check_recommendations(standard, written)
    families = _families(standard, written)
    sections = declaration_sections(standard)
    leaf_fields = {f.path: f for s in sections for f in s.fields if not f.is_section}
    reads = control_reads(standard)
    runner = CaseRunner(standard)
    sources_of = {m.path: m.source for m in standard.modules}
    coverage = _coverage(standard, reference, cases, cases_dir)
    control_pages = []
    for control in standard.controls:
        own_cases = [c for c in cases if c.control_id == control.id]
        passing, failing, not_applicable = choose_excerpts(
            reference.data, own_cases, reads.get(control.id, set())
        )
        if failing is not None:
            failing = _with_messages(runner, reference.data, control, failing)
        control_pages.append(
            ControlPage(
                control=control,
                path=control_page_path(control.id),
                source=sources_of[control.source],
                fields=_fields_read(reads.get(control.id, set()), leaf_fields),
                cases=own_cases,
                passing=passing,
                failing=failing,
                not_applicable=not_applicable,
                history=history.control(control.id),
                coverage=coverage.get(control.id),
            )
        )
    groups = group_references(standard.controls, written.instruments)
    sources = Sources()
    hand_pages = {
        path: resolve_conditionals(text, set(written.pages), path)
        for path, text in written.pages.items()
    }
    renderer = _Renderer(standard, written, families, control_pages, edition, site_url)
    renderer.page("index.md", "home.md.j2", home=written.home)
    renderer.page("aceeeo.md", "aceeeo.md.j2")
    renderer.page(GLOSSARY_PAGE, "glossary.md.j2", terms=written.glossary)
    renderer.page("review.md", "review.md.j2", groups=groups)
    renderer.page("controls/index.md", "controls.md.j2")
    for family, pages in families:
        renderer.page(family_page_path(family.id), "family.md.j2", family=family, pages=pages)
    for page in control_pages:
        renderer.page(page.path, "control.md.j2", page=page)
    renderer.page(
        "declaration.md",
        "declaration.md.j2",
        sections=sections,
        code_lists=code_lists(standard.schema),
        read_by_pyrules={".".join(p) for p in READ_BY_PYRULES},
        schema_id=standard.schema.get("$id", ""),
    )
    renderer.page("parameters.md", "parameters.md.j2", parameters=_parameters(standard))
    renderer.page("references.md", "references.md.j2", groups=groups)

    def tables(diff: StandardDiff, link: Callable[[str], str]) -> str:
        """A removed control has no page on this site: it is named, not linked."""
        return change_tables(diff, "###", lambda c: link(c) if standard.has_control(c) else None)

    renderer.page("changelog.md", "changelog.md.j2", history=history, change_tables=tables)
    for path, text in hand_pages.items():
        if path in renderer.rendered:
            raise InputError(f"{docs_dir / path}: this page is generated; remove the file")
        sources.files[f"docs/{path}"] = link_first_uses(text, written.glossary, path)
    for path, text in renderer.rendered.items():
        if path != GLOSSARY_PAGE:
            text = link_first_uses(text, written.glossary, path)
        sources.files[f"docs/{path}"] = text
    sources.files["docs/edhs.bib"] = edition.citation_bibtex(site_url)
    sources.files["docs/edhs.csl.json"] = edition.citation_csl(site_url)
    for path, data in _assets():
        sources.files[f"docs/{ASSETS}/{path}"] = data
    sources.files["docs/standard.json"] = _manifest(standard)
    for path, data in _published_schemas(standard):
        sources.files[f"docs/{path}"] = data
    sources.files[MKDOCS_BASE] = (
        resources.files(TEMPLATES[0]).joinpath(TEMPLATES[1], MKDOCS_BASE).read_bytes()
    )
    sources.files["mkdocs.yml"] = _mkdocs_yml(
        families, control_pages, written, hand_pages, edition, site_url, versioned
    )
    return sources


def _coverage(
    standard: Standard, reference: Document, cases: list[Case], cases_dir: Path
) -> dict[str, FileCoverage]:
    """Each control's Rego coverage by its cases, as `pyrules test --coverage` measures it
    (with the excused lines of coverage.yaml beside the cases); none without OPA's engine."""
    from pyrules.coverage import CoverageConfig, load_config, measure
    from pyrules.engine.inprocess import available

    if not available():
        return {}
    config_path = cases_dir.parent / "coverage.yaml"
    config = load_config(config_path) if config_path.is_file() else CoverageConfig(100, {})
    key = hashlib.sha256(repr((standard.sha256, reference.data, cases, config)).encode()).digest()
    if key not in _COVERAGE:  # the same inputs give the same coverage: measure once a run
        _COVERAGE[key] = measure(standard, reference, cases, config).controls
    return _COVERAGE[key]


_COVERAGE: dict[bytes, dict[str, FileCoverage]] = {}


def _check_recommendations(standard: Standard, written: HandWritten) -> None:
    for control in standard.controls:
        unknown = [r for r in control.aceeeo if r not in written.recommendations]
        if unknown:
            raise InputError(
                f"policies/{control.source}:{control.line}: {control.id} names ACEEEO "
                f"{', '.join(unknown)}, which {written.root / 'aceeeo.yaml'} does not define"
            )


def _families(standard: Standard, written: HandWritten) -> list[tuple[Family, list[Control]]]:
    """Families in the order docs/site.yaml gives, then any others by ID."""
    known = {f.id: f for f in standard.families}
    ids = {c.family for c in standard.controls} | set(known)
    order = [f for f in written.family_order if f in ids]
    order += sorted(ids - set(order))
    return [
        (
            known.get(fid, Family(id=fid, title=fid)),
            [c for c in standard.controls if c.family == fid],
        )
        for fid in order
    ]


def _fields_read(
    paths: set[tuple[str, ...]], leaves: dict[tuple[str, ...], DeclField]
) -> list[DeclField]:
    """The schema leaf fields a control reads (a read of a list item counts for the list)."""
    found = {
        leaf
        for leaf in leaves
        if any(p[: len(leaf)] == leaf and all(x == ITEM for x in p[len(leaf) :]) for p in paths)
    }
    return [leaves[p] for p in leaves if p in found]


def _with_messages(
    runner: CaseRunner,
    reference: dict[str, Any],
    control: Control,
    excerpt: Excerpt,
) -> Excerpt:
    """The finding messages the engine gives for the failing excerpt, as a user sees them."""
    case = excerpt.case
    if case is None:
        return excerpt
    try:
        raw = runner.engine(case).evaluate(apply_changes(reference, case))[control.id]
    except (InputError, KeyError, IndexError, ValueError, TypeError):
        return excerpt
    return replace(excerpt, messages=tuple(sorted({f.msg for f in raw.deny})))


def _parameters(standard: Standard) -> list[dict[str, Any]]:
    users: dict[str, list[str]] = {}
    for control in standard.controls:
        for name in control.parameters:
            users.setdefault(name, []).append(control.id)
    return [
        {
            "name": name,
            "default": value,
            "description": standard.parameter_descriptions.get(name, ""),
            "controls": users.get(name, []),
        }
        for name, value in standard.params.items()
        if name != ASSESSMENT_PARAM  # set by pyrules, not a limit: see the page's end
    ]


def _manifest(standard: Standard) -> str:
    """A machine-readable summary of what the site was generated from."""
    data = {
        "standard": "EDHS",
        "version": standard.version,
        "sha256": standard.sha256,
        "generator": f"pyrules {__version__}",
        "controls": [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity,
                "page": control_dir(c.id),
            }
            for c in standard.controls
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _published_schemas(standard: Standard) -> Iterable[tuple[str, bytes]]:
    """Every schema whose `$id` is an address on the site, served at that address, so an
    editor that follows a declaration's `$schema` modeline finds the file."""
    for path in sorted((standard.root / "schemas").glob("*.schema.json")):
        data = path.read_bytes()
        schema_id = json.loads(data).get("$id", "")
        if isinstance(schema_id, str) and schema_id.startswith("https://") and SCHEMAS in schema_id:
            yield SCHEMAS.lstrip("/") + schema_id.split(SCHEMAS, 1)[1], data


def _assets() -> Iterable[tuple[str, bytes]]:
    root = resources.files(TEMPLATES[0]).joinpath(TEMPLATES[1], ASSETS)
    stack = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                stack.append((child, f"{rel}/"))
            else:
                yield rel, child.read_bytes()


def _mkdocs_yml(
    families: list[tuple[Family, list[Control]]],
    pages: list[ControlPage],
    written: HandWritten,
    hand_pages: dict[str, str],
    edition: Edition,
    site_url: str,
    versioned: bool = False,
) -> str:
    """mkdocs.yml: what is generated (name, URL, copyright, version switcher, nav) over the
    static `MKDOCS_BASE`, which says why the site is built as it is."""
    page_of = {p.control.id: p.path for p in pages}
    control_nav: list[Any] = ["controls/index.md"]
    for family, controls in families:
        entries: list[Any] = [family_page_path(family.id)]
        entries += [{f"{c.id} {c.title}": page_of[c.id]} for c in controls]
        control_nav.append({f"{family.id} · {family.title}": entries})
    guides = sorted(p for p in hand_pages if p.startswith("guides/"))
    order = {name: i for i, name in enumerate(written.guide_order)}
    guides.sort(key=lambda p: (order.get(p.removeprefix("guides/"), len(order)), p))
    others = sorted(p for p in hand_pages if not p.startswith("guides/") and p != "changelog.md")
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Controls": control_nav},
        {"Declaration": "declaration.md"},
        {"Parameters": "parameters.md"},
        {"Legal references": "references.md"},
        {"ACEEEO": "aceeeo.md"},
        {"Committee review": "review.md"},
        {"Glossary": GLOSSARY_PAGE},
    ]
    if guides:
        nav.append({"Guides": guides})
    nav += others
    nav.append({"Changelog": "changelog.md"})
    config: dict[str, Any] = {
        "INHERIT": MKDOCS_BASE,
        "site_name": SITE_NAME,
        **({"site_url": site_url} if site_url else {}),
        "copyright": f"{edition.about.short_title} {edition.version} "
        f"({', '.join(filter(None, (edition.status_label, edition.date)))}) by "
        f"{edition.about.publisher.name}. Text: {edition.about.text_licence.name} · code: "
        f"{edition.about.code_licence.name}.",
    }
    if versioned:  # Material reads ../versions.json, in the format mike writes
        config["extra"] = {"version": {"provider": "mike", "alias": True}}  # merged by INHERIT
    config["nav"] = nav
    header = "# Generated by `pyrules docs build`; edit the policies, docs/ or the templates.\n"
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)


class _Renderer:
    """Renders page templates; knows every page so that links are relative and checked."""

    def __init__(
        self,
        standard: Standard,
        written: HandWritten,
        families: list[tuple[Family, list[Control]]],
        pages: list[ControlPage],
        edition: Edition,
        site_url: str,
    ) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader(*TEMPLATES),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # Markdown, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["cell"] = _cell
        self.env.filters["autolink"] = autolink
        self.env.filters["sentence"] = lambda text: text[:1].upper() + text[1:]
        self.env.filters["yaml_inline"] = inline_yaml
        self.env.filters["fence"] = fence
        self.env.filters["pointer_html"] = pointer_html
        self.env.filters["case_changes"] = case_changes
        self.env.tests["contains"] = lambda seq, item: item in seq
        self.rendered: dict[str, str] = {}
        self.common = {
            "standard": standard,
            "version": standard.version,
            "families": families,
            "control_pages": pages,
            "recommendations": written.recommendations,
            "severities": SEVERITIES,
            "site_name": SITE_NAME,
            "family_title": {f.id: f.title for f, _ in families}.get,
            "about": edition.about,
            "edition": edition,
            "site_url": site_url,
            "param_descriptions": standard.parameter_descriptions,
            "bases": BASIS_LABELS,
        }

    def page(self, path: str, template: str, **context: Any) -> None:
        here = posixpath.dirname(path)

        def link(target: str, anchor: str = "") -> str:
            rel = posixpath.relpath(target, here or ".")
            return f"{rel}#{anchor}" if anchor else rel

        def control_link(control_id: str) -> str:
            return link(control_page_path(control_id))

        text = self.env.get_template(template).render(
            **self.common,
            **context,
            page_path=path,
            link=link,
            control_link=control_link,
            family_link=lambda family_id: link(family_page_path(family_id)),
        )
        self.rendered[path] = text


def pointer_html(pointer: str) -> str:
    """A JSON pointer as code that may wrap after each slash (long pointers fill cells)."""
    shown = pointer or "/"
    return "<code>" + html.escape(shown).replace("/", "/<wbr>") + "</code>"


def case_changes(case: Case) -> str:
    """What a test case changes, as one table cell of HTML."""
    parts = [
        f"{pointer_html(p)}&nbsp;→&nbsp;<code>{html.escape(_short(inline_yaml(v)))}</code>"
        for p, v in case.set.items()
    ]
    parts += [f"remove {pointer_html(p)}" for p in case.remove]
    parts += [
        f"profile: <code>{html.escape(k)}: {html.escape(_short(inline_yaml(v)))}</code>"
        for k, v in case.params.items()
    ]
    return "<br>".join(parts) or "none (the reference)"


def autolink(text: str) -> str:
    """Bare URLs in review notes as Markdown autolinks, so a reader can follow the source."""
    return BARE_URL.sub(lambda m: f"<{m.group(0)}>", text)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")
