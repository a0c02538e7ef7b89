"""Passing and failing declaration excerpts for a control page, taken from its test cases.

The cases in `tests/cases/<ID>.yaml` are the only place where examples are written: a
failing excerpt is a fail case's changes rendered as YAML at their JSON pointers, and the
passing excerpt shows the same fields as the reference declaration (which passes every
control) states them, or a pass case that sets exactly those fields. So the docs can
never show an example that the engine would judge differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from pyrules.testcases import Case, apply_changes

Kind = Literal["pass", "fail", "not_applicable"]
Path = tuple[str, ...]
CONTEXT_KEYS = ("name",)  # shown beside a list item's fields, so readers know which item
WIDTH = 84  # fits the code block of a control page without a scroll bar
# PyYAML breaks a flow list only once a line is already past its width, so it gets less
# room than the line has: one long item can still follow the break point.
LONGEST_ITEM = 24


@dataclass(frozen=True)
class Excerpt:
    kind: Kind
    title: str  # the case's name, or what the excerpt shows
    yaml: str
    pointers: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    findings: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    case: Case | None = field(default=None, compare=False, repr=False)


class _Map(dict[str, Any]):
    """A part of a mapping: only the keys an excerpt shows."""


@dataclass
class _Items:
    """A part of a list: only the items an excerpt shows, by index."""

    length: int
    items: dict[int, Any] = field(default_factory=dict)


class _Removed:
    def __repr__(self) -> str:
        return "REMOVED"


REMOVED = _Removed()


def choose_excerpts(
    reference: dict[str, Any], cases: list[Case], reads: Iterable[Path] = ()
) -> tuple[Excerpt | None, Excerpt | None, Excerpt | None]:
    """The (passing, failing, not applicable) excerpts of one control's cases.

    `reads` are the declaration paths the control reads ('*' for list items): a list item
    in an excerpt also shows the other fields of that item the control reads, so a reader
    sees why that item passes or fails.
    """
    reads = set(reads)
    fail_case = _preferred([c for c in cases if c.expect == "fail"])
    failing = _case_excerpt(reference, fail_case, reads) if fail_case else None
    passing = None
    if failing is not None:
        same = [
            c
            for c in cases
            if c.expect == "pass"
            and not c.params
            and not c.remove
            and c.set
            and set(c.set) == set(failing.pointers)
        ]
        if same:
            passing = _case_excerpt(reference, same[0], reads)
        else:
            shown = [p for p in failing.pointers if _exists(reference, p)]
            if shown:
                passing = Excerpt(
                    kind="pass",
                    title="the reference declaration",
                    yaml=render(reference, shown, reads=reads),
                    pointers=tuple(shown),
                )
    na_case = _preferred([c for c in cases if c.expect == "not_applicable"])
    not_applicable = _case_excerpt(reference, na_case, reads) if na_case else None
    return passing, failing, not_applicable


def _preferred(cases: list[Case]) -> Case | None:
    """The most telling case: a declaration the schema accepts, run as the standard alone
    (no profile's parameters, facts or reference date), and a value set rather than removed."""
    ranked = sorted(
        enumerate(cases),
        key=lambda pair: (
            not pair[1].schema,
            not pair[1].as_the_standard,
            not pair[1].set,
            pair[0],
        ),
    )
    return ranked[0][1] if ranked else None


def _case_excerpt(reference: dict[str, Any], case: Case, reads: set[Path]) -> Excerpt:
    changed = apply_changes(reference, case)
    pointers = [_resolve_append(changed, p) for p in case.set]
    return Excerpt(
        kind=case.expect,  # type: ignore[arg-type]
        title=case.name,
        yaml=render(changed, pointers, removed=list(case.remove), reads=reads),
        pointers=(*pointers, *case.remove),
        params=dict(case.params),
        findings=tuple(case.findings or ()),
        case=case,
    )


def render(
    data: dict[str, Any],
    pointers: list[str],
    removed: list[str] | None = None,
    reads: set[Path] | None = None,
) -> str:
    """YAML of `data` cut down to the values at `pointers`, with removed keys as comments."""
    tree = _Map()
    for pointer in pointers:
        _place(tree, data, _parts(pointer), _at(data, _parts(pointer)), reads or set())
    for pointer in removed or []:
        parts = _parts(pointer)
        if not parts:
            continue
        _place(tree, data, parts, REMOVED, reads or set())
    if not tree:
        return "# (nothing shown)\n"
    return "\n".join(_emit(tree, 0)) + "\n"


def _parts(pointer: str) -> list[str]:
    if pointer in ("", "/"):
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def _resolve_append(data: Any, pointer: str) -> str:
    """`/a/-` (append) names the new last item once the change is applied."""
    parts = _parts(pointer)
    if "-" not in parts:
        return pointer
    node = data
    out = []
    for part in parts:
        if isinstance(node, list):
            part = str(len(node) - 1) if part == "-" else part
            node = node[int(part)]
        else:
            node = node[part]
        out.append(part.replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(out)


def _exists(data: Any, pointer: str) -> bool:
    try:
        _at(data, _parts(pointer))
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return True


def _at(data: Any, parts: list[str]) -> Any:
    node = data
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _place(tree: _Map, data: Any, parts: list[str], value: Any, reads: set[Path]) -> None:
    """Put value at parts in the excerpt tree, creating the partial parents it needs."""
    node: Any = tree
    source: Any = data
    generic: list[str] = []  # the path so far with '*' for list indexes, as reads has it
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, _Items):
            index = int(part)
            generic.append("*")
            item_source = (
                source[index] if isinstance(source, list) and index < len(source) else None
            )
            if last:
                node.items[index] = value
                return
            if index not in node.items:
                node.items[index] = _new_child(item_source, parts[depth + 1])
                _add_context(node.items[index], item_source, _read_keys(reads, tuple(generic)))
            node, source = node.items[index], item_source
            continue
        generic.append(part)
        child_source = source.get(part) if isinstance(source, dict) else None
        if last:
            node[part] = value
            _order(node, source)
            return
        if part not in node:
            node[part] = _new_child(child_source, parts[depth + 1])
            _order(node, source)
        node, source = node[part], child_source


def _new_child(source: Any, next_part: str) -> _Map | _Items:
    if isinstance(source, list) or (source is None and next_part.isdigit()):
        return _Items(length=len(source) if isinstance(source, list) else 0)
    return _Map()


def _read_keys(reads: set[Path], item_path: Path) -> tuple[str, ...]:
    """The keys of a list item that the control reads directly."""
    n = len(item_path)
    return tuple(sorted({p[n] for p in reads if len(p) == n + 1 and p[:n] == item_path}))


def _add_context(item: Any, source: Any, read_keys: tuple[str, ...]) -> None:
    if isinstance(item, _Map) and isinstance(source, dict):
        for key in (*CONTEXT_KEYS, *read_keys):
            if key in source and key not in item:
                item[key] = source[key]
        _order(item, source)


def _order(node: _Map, source: Any) -> None:
    """Keep the keys in the order the declaration has them (context keys first)."""
    if not isinstance(source, dict):
        return
    position = {key: i for i, key in enumerate(source)}
    keys = sorted(
        node,
        key=lambda k: (k not in CONTEXT_KEYS, position.get(k, len(position))),
    )
    items = [(k, node[k]) for k in keys]
    node.clear()
    node.update(items)


def _emit(node: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(node, _Map):
        for key, value in node.items():
            if value is REMOVED:
                lines.append(f"{pad}# {key}: (not stated)")
                continue
            value = _view(value)
            if isinstance(value, _Map | _Items):
                lines.append(f"{pad}{key}:")
                lines.extend(_emit(value, indent + 2))
            else:
                text = _dump(value, width=WIDTH - indent - len(key) - 2 - LONGEST_ITEM)
                lines.append(f"{pad}{key}: {text[0]}")
                lines.extend(f"{pad}  {line}" for line in text[1:])
        return lines
    previous = -1
    for index in sorted(node.items):
        skipped = index - previous - 1
        if skipped:
            lines.append(f"{pad}# … {skipped} item{'s' if skipped > 1 else ''} not shown")
        previous = index
        value = node.items[index]
        if value is REMOVED:
            lines.append(f"{pad}# - (item removed)")
            continue
        value = _view(value)
        if isinstance(value, _Map | _Items) and value_size(value):
            inner = _emit(value, indent + 2)
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        else:
            text = _dump(value, width=WIDTH - indent - 2 - LONGEST_ITEM)
            lines.append(f"{pad}- {text[0]}")
            lines.extend(f"{pad}  {line}" for line in text[1:])
    return lines


def value_size(node: _Map | _Items) -> int:
    return len(node) if isinstance(node, _Map) else len(node.items)


def _view(value: Any) -> Any:
    """Whole mappings, and lists holding collections, are written in block style."""
    if isinstance(value, _Map | _Items) or value is REMOVED:
        return value
    if isinstance(value, dict) and value:
        return _Map(value)
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return _Items(length=len(value), items=dict(enumerate(value)))
    return value


class _Dumper(yaml.SafeDumper):
    """Writes dates as the declarations do (plain `2026-10-01`) and never sorts keys."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _dump(value: Any, width: int = 80) -> list[str]:
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=None,
        allow_unicode=True,
        width=max(30, width),
    )
    return [line for line in text.splitlines() if line != "..."] or [""]


def inline_yaml(value: Any) -> str:
    """A value as one line of YAML flow style, dates plain, as a declaration writes it."""
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=10_000
    )
    return text.strip().removesuffix("...").strip()


def fence(text: str) -> str:
    """A code fence longer than any backtick run in text, so the text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
