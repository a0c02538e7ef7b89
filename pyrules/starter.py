"""`pyrules init`: a starter declaration a platform fills in, and the TODOs `check` refuses.

The starter holds every field of the schema, in schema order, each under a comment that
says what it means and which controls read it. Its values come from the standard's
reference declaration (the compliant one its test cases change), so the file validates and
shows a shape that passes; none of them is the platform's answer, so each one is marked:

- free-text fields get the value `TODO`;
- every other field (numbers, booleans, dates, codes, addresses) keeps the reference value
  with a `# TODO` comment at the end of its line: the schema accepts the file, but
  `check` refuses it until the platform has answered (or confirmed) each line.

Only what the options decide is not marked: the standard version, `--vlop`,
`--political-ads` and `--jurisdiction` (the elections follow the jurisdictions).
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import yaml

from pyrules.docs.fields import ITEM, DeclField, declaration_sections
from pyrules.errors import InputError
from pyrules.loader import load
from pyrules.schema import READ_BY_PYRULES, TODO, did_you_mean
from pyrules.standard import Standard, shipped

WIDTH = 92
Path = tuple[str, ...]
DECIDED_BY_OPTIONS: frozenset[Path] = frozenset(
    {
        ("standard_version",),
        ("platform", "is_vlop"),
        ("political_ads", "accepted"),
        ("metadata", "jurisdictions"),
        ("metadata", "elections", ITEM, "jurisdiction"),
    }
)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# Quoted even where YAML would read them as text: special characters, and versions such
# as 0.1.0 that a reader (or an edit to 0.1) would take for a number.
_NOT_PLAIN = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: |:$| #|[,\[\]{}]|^[\d.]+$")


@dataclass(frozen=True)
class StarterOptions:
    vlop: bool = False
    political_ads: bool = False
    jurisdictions: tuple[str, ...] = ()


def starter_declaration(standard: Standard, options: StarterOptions) -> str:
    """The starter's YAML text, modeline first so editors validate while the user types."""
    schema = standard.schema
    codes = schema["$defs"]["country_code"]["enum"]
    for code in options.jurisdictions:
        if code not in codes:
            guess = did_you_mean(code, codes)
            hint = f"; did you mean {guess}?" if guess else ""
            raise InputError(f"--jurisdiction {code}: not an ISO 3166-1 alpha-2 code{hint}")
    reference = load(shipped("tests", "cases", "reference.yaml")).data
    data = _with_options(reference, options)
    fields = {f.path: f for s in declaration_sections(standard) for f in s.fields}
    writer = _Writer(fields, {(): schema, **_schema_nodes(schema)})
    lines = [
        f"# yaml-language-server: $schema={schema['$id']}",
        f"# A declaration for EDHS {standard.version}, started by `pyrules init`.",
        "#",
        "# Each field has a comment: what it means and which controls read it. Replace every",
        f"# value that says {TODO}, and check every value whose line ends in a {TODO} comment,",
        f"# then delete that comment: `pyrules check` refuses the file while any {TODO} is left.",
        "# The values shown are those of the standard's compliant reference platform.",
    ]
    writer.mapping(lines, data, (), 0)
    return "\n".join(lines) + "\n"


def _with_options(reference: dict[str, Any], options: StarterOptions) -> dict[str, Any]:
    data = copy.deepcopy(reference)
    data["platform"]["is_vlop"] = options.vlop
    data["political_ads"]["accepted"] = options.political_ads
    meta = data["metadata"]
    elections = meta["elections"]
    jurisdictions = list(options.jurisdictions) or [elections[0]["jurisdiction"]]
    meta["jurisdictions"] = jurisdictions
    by_country = {e["jurisdiction"]: e for e in reversed(elections)}
    meta["elections"] = [
        {**by_country.get(code, elections[0]), "jurisdiction": code} for code in jurisdictions
    ]
    return data


def _schema_nodes(schema: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    from pyrules.schema import schema_fields

    return schema_fields(schema)


class _Writer:
    """Writes the data as block YAML in schema order, a comment above every field."""

    def __init__(self, fields: dict[Path, DeclField], nodes: dict[Path, dict[str, Any]]) -> None:
        self.fields = fields
        self.nodes = nodes

    def mapping(
        self, lines: list[str], data: dict[str, Any], path: Path, indent: int, notes: bool = True
    ) -> None:
        """`notes`: the comments, left out of a list's later items (the first one has them)."""
        node = self.nodes.get(path, {})
        for key in node.get("properties", {}):
            field_path = (*path, key)
            value = data.get(key, _MISSING)
            if value is _MISSING:
                value = self._example(field_path)
            if indent == 0:
                lines.append("")
            if notes:
                self.comment(lines, field_path, indent)
            self.value(lines, key, value, field_path, indent, notes)

    def _example(self, path: Path) -> Any:
        """A field the reference leaves out: built from the schema's examples."""
        node = self.nodes[path]
        if "properties" in node:
            return {k: self._example((*path, k)) for k in node["properties"]}
        if node.get("type") == "array" and "properties" in self.nodes.get((*path, ITEM), {}):
            return [self._example((*path, ITEM))]
        examples = node.get("examples") or [None]
        return examples[0]

    def comment(self, lines: list[str], path: Path, indent: int) -> None:
        found = self.fields.get(path)
        if found is None:
            return
        if path in READ_BY_PYRULES:
            read = "Read by pyrules itself (the standard-version check)."
        elif found.readers:
            read = f"Read by {', '.join(found.readers)}."
        elif found.informational:
            read = "Informational: no control reads it."
        else:
            read = "No control reads it yet."
        text = f"{found.description} {read}".strip()
        pad = " " * indent
        lines.extend(
            textwrap.wrap(
                text, WIDTH - indent, initial_indent=pad + "# ", subsequent_indent=pad + "# "
            )
        )

    def value(
        self, lines: list[str], key: str, value: Any, path: Path, indent: int, notes: bool
    ) -> None:
        pad = " " * indent
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            self.mapping(lines, value, path, indent + 2, notes)
            return
        item_path = (*path, ITEM)
        if isinstance(value, list) and "properties" in self.nodes.get(item_path, {}):
            lines.append(f"{pad}{key}:")
            for number, item in enumerate(value):
                lines.append(f"{pad}  -")
                self.mapping(lines, item, item_path, indent + 4, notes and number == 0)
            return
        mark = "" if _decided(path) else f"  # {TODO}"
        if self._free_text(path) and not _decided(path):
            lines.append(f"{pad}{key}: {TODO}")
            return
        lines.append(f"{pad}{key}: {_flow(value)}{mark}")

    def _free_text(self, path: Path) -> bool:
        node = self.nodes.get(path, {})
        constrained = ("enum", "format", "pattern", "const", "$ref")
        return node.get("type") == "string" and not any(k in node for k in constrained)


_MISSING: Any = object()


def _decided(path: Path) -> bool:
    return path in DECIDED_BY_OPTIONS


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
        plain = tag in (_STR, _TIMESTAMP) and value == value.strip() and value
        if plain and not _NOT_PLAIN.search(value):
            return value
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)
