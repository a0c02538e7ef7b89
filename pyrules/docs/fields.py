"""The declaration reference: every schema field with its constraints and its readers.

Fields come from the declaration JSON Schema; which controls read a field is found the
way `pyrules lint` finds it, by `pyrules.rego_source` (static reads of each policy's Rego
source, plus the reads of the `lib` helpers a control calls), so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyrules.rego_source import field_reads, lib_reads, reads_with_lib
from pyrules.schema import schema_fields
from pyrules.standard import Standard

ITEM = "*"
# Enums longer than this are code lists (countries, languages, taxonomy keys): the docs
# summarise them instead of printing hundreds of values on every field that uses them.
MAX_LISTED_VALUES = 12
SHOWN_SAMPLE_VALUES = 6
CODES = " codes ("  # marks a summarised enum in a constraint text

Path = tuple[str, ...]


@dataclass(frozen=True)
class CodeList:
    """A long enum, named after the `$defs` entry that holds it."""

    name: str
    description: str
    count: int
    sample: tuple[str, ...]
    values: tuple[str, ...] = ()  # every code, for the reference's collapsible tables


@dataclass(frozen=True)
class DeclField:
    path: Path
    type: str
    description: str
    required: bool
    informational: bool
    constraints: tuple[str, ...]
    example: Any
    has_example: bool
    is_section: bool
    readers: tuple[str, ...] = ()
    code_list: CodeList | None = None

    @property
    def dotted(self) -> str:
        """The path as users write it in a finding or a guide: `a.b[].c`."""
        return ".".join(self.path).replace(f".{ITEM}", "[]")

    @property
    def anchor(self) -> str:
        """A stable HTML id: the dotted path without list markers."""
        return ".".join(p for p in self.path if p != ITEM)

    @property
    def depth(self) -> int:
        return len([p for p in self.path if p != ITEM])

    @property
    def key(self) -> str:
        return next(p for p in reversed(self.path) if p != ITEM)


@dataclass(frozen=True)
class Section:
    """A top-level property of the declaration and every field below it."""

    name: str
    description: str
    fields: list[DeclField] = field(default_factory=list)


def control_reads(standard: Standard) -> dict[str, set[Path]]:
    """The declaration paths each control reads, including through the lib helpers."""
    helpers = lib_reads(standard.modules, field_reads)
    modules = {m.package: m for m in standard.modules}
    return {
        c.id: reads_with_lib(modules[c.package].source, helpers, field_reads)
        for c in standard.controls
    }


def declaration_sections(standard: Standard) -> list[Section]:
    """Every field of the schema, grouped by top-level property, in schema order."""
    schema = standard.schema
    nodes = schema_fields(schema)
    readers = _readers(standard, nodes)
    required = _required_paths(schema, nodes)
    sections: dict[str, Section] = {}
    for path, node in nodes.items():
        if path[-1] == ITEM and not _is_object(node):
            continue  # a list of scalars is described on the list field itself
        if path[-1] == ITEM:
            continue  # the item object of a list: its fields follow
        top = path[0]
        if top not in sections:
            sections[top] = Section(top, _text(nodes[(top,)].get("description", "")))
        sections[top].fields.append(
            _field(path, node, nodes, required, readers.get(path, ()), schema)
        )
    return list(sections.values())


def _field(
    path: Path,
    node: dict[str, Any],
    nodes: dict[Path, dict[str, Any]],
    required: set[Path],
    readers: Iterable[str],
    schema: dict[str, Any],
) -> DeclField:
    items = nodes.get((*path, ITEM))
    code_list = _code_list(schema, _raw(schema, path)) or _code_list(
        schema, _raw(schema, path, ITEM)
    )
    constraints = _constraints(node, "")
    if items is not None and not _is_object(items):
        constraints += _constraints(items, "each item: ")
    if code_list is not None:  # the code list line says it once, with its name
        constraints = [c for c in constraints if CODES not in c]
    examples = node.get("examples") or []
    return DeclField(
        path=path,
        type=_type(node, items),
        description=_text(node.get("description", "")),
        required=path in required,
        informational=any(
            nodes.get(path[:n], {}).get("x-informational") for n in range(1, len(path) + 1)
        ),
        constraints=tuple(constraints),
        example=examples[0] if examples else None,
        has_example=bool(examples),
        is_section=_is_object(node) or (items is not None and _is_object(items)),
        readers=tuple(sorted(set(readers))),
        code_list=code_list,
    )


def _readers(standard: Standard, nodes: dict[Path, dict[str, Any]]) -> dict[Path, list[str]]:
    """Controls that read each field: the field itself or anything inside it."""
    found: dict[Path, list[str]] = {}
    for control_id, paths in control_reads(standard).items():
        for path in nodes:
            if any(p[: len(path)] == path for p in paths):
                found.setdefault(path, []).append(control_id)
    return found


def _required_paths(schema: dict[str, Any], nodes: dict[Path, dict[str, Any]]) -> set[Path]:
    required = {(name,) for name in schema.get("required", [])}
    for path, node in nodes.items():
        required |= {(*path, name) for name in node.get("required", [])}
    return required


def _is_object(node: dict[str, Any]) -> bool:
    return node.get("type") == "object" or "properties" in node


def _type(node: dict[str, Any], items: dict[str, Any] | None) -> str:
    kind = node.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and items is not None:
        inner = "object" if _is_object(items) else items.get("type", "any")
        return f"list of {inner}s" if isinstance(inner, str) else "list"
    if kind == "string" and node.get("format"):
        return f"string ({node['format']})"
    return str(kind)


def _constraints(node: dict[str, Any], prefix: str) -> list[str]:
    """Constraints as short Markdown phrases; long enums become a count and a sample."""
    out: list[str] = []
    enum = node.get("enum")
    if enum is not None:
        if len(enum) <= MAX_LISTED_VALUES:
            out.append(prefix + "one of " + ", ".join(f"`{_scalar(v)}`" for v in enum))
        else:
            sample = ", ".join(f"`{_scalar(v)}`" for v in enum[:SHOWN_SAMPLE_VALUES])
            out.append(f"{prefix}one of {len(enum)}{CODES}{sample}, …)")
    for key, words in (
        ("minimum", "at least"),
        ("exclusiveMinimum", "more than"),
        ("maximum", "at most"),
        ("exclusiveMaximum", "less than"),
    ):
        if key in node:
            out.append(f"{prefix}{words} {node[key]}")
    if "minLength" in node:
        out.append(f"{prefix}at least {node['minLength']} character(s)")
    if "maxLength" in node:
        out.append(f"{prefix}at most {node['maxLength']} characters")
    if "minItems" in node:
        out.append(f"{prefix}at least {node['minItems']} item(s)")
    if "maxItems" in node:
        out.append(f"{prefix}at most {node['maxItems']} items")
    if node.get("uniqueItems"):
        out.append(f"{prefix}no duplicates")
    if "format" in node and (prefix or node.get("type") != "string"):
        out.append(f"{prefix}format {node['format']}")
    if "pattern" in node:
        out.append(f"{prefix}matches `{node['pattern']}`")
    if "const" in node:
        out.append(f"{prefix}always `{_scalar(node['const'])}`")
    return out


def _raw(schema: dict[str, Any], path: Path, *more: str) -> dict[str, Any]:
    """The schema node at path before `$ref` resolution, to learn which code list it uses."""
    node: dict[str, Any] = schema
    for part in (*path, *more):
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
        node = node.get("items", {}) if part == ITEM else node.get("properties", {}).get(part, {})
    return node


def _code_list(schema: dict[str, Any], node: dict[str, Any]) -> CodeList | None:
    ref = node.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return None
    name = ref.split("/")[-1]
    target = schema.get("$defs", {}).get(name, {})
    enum = target.get("enum") or []
    if len(enum) <= MAX_LISTED_VALUES:
        return None
    return CodeList(
        name=name,
        description=_text(target.get("description", "")),
        count=len(enum),
        sample=tuple(str(v) for v in enum[:SHOWN_SAMPLE_VALUES]),
        values=tuple(str(v) for v in enum),
    )


def code_lists(schema: dict[str, Any]) -> list[CodeList]:
    """Every long enum of the schema's `$defs`, for the reference's code-list section."""
    lists = []
    for name in schema.get("$defs", {}):
        found = _code_list(schema, {"$ref": f"#/$defs/{name}"})
        if found is not None:
            lists.append(found)
    return lists


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: str) -> str:
    return " ".join(str(value).split())
