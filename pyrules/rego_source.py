"""What a policy's Rego source says: its package and METADATA block, and the parameters
and declaration fields it reads, directly or through the shared `edhs.lib` rules.

regopy cannot evaluate `rego.metadata.*` and no Rego parser ships for Python, so the
source is read with patterns that fit the plain style policies/README.md asks for:
`input.a.b` references, `some x in input.a.b` iterations (then `x.c`), path arrays such as
`["a", "b", i]`, paths named once (`field := [...]`, `array.concat(field, [i, "c"])`),
and `data.edhs.params.name`. The standard, the linter and the docs all read policies here,
so the three never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import yaml

from pyrules.errors import StandardError
from pyrules.model import Module

LIB_PACKAGE = "edhs.lib"
PACKAGE_LINE = re.compile(r"^package\s+([\w.]+)\s*$", re.MULTILINE)
PARAM_REF = re.compile(r"\bdata\.edhs\.params\.([A-Za-z_]\w*)")
INPUT_REF = re.compile(r"\binput((?:\.[A-Za-z_]\w*|\[[^\]\[]*\])+)")
ITERATION = re.compile(r"\bsome\s+(?:(\w+)\s*,\s*)?(\w+)\s+in\s+(\w+)((?:\.[A-Za-z_]\w*)*)")
# A path named once and used by name: `field := ["a", "b"]` at the top of a policy, and
# `array.concat(field, [i, "c"])` below it (lib.finding reports there).
NAMED_PATH = re.compile(r"^(\w+) := (\[[^\]\n]*\])\s*$", re.MULTILINE)
CONCAT = re.compile(r"(?:^(\w+) := )?array\.concat\((\w+),\s*(\[[^\]\n]*\])\)", re.MULTILINE)
PATH_ARRAY = re.compile(r'\[\s*"[a-z_]+"(?:\s*,\s*(?:"[A-Za-z_]+"|[A-Za-z_]\w*|\d+))*\s*\]')
SEGMENT = re.compile(r"\.([A-Za-z_]\w*)|\[([^\]]*)\]")
# A top-level rule starts at column 0: `name(`, `name :=`, `name contains`, `name if`, `name {`.
RULE_HEAD = re.compile(
    r"^(?:default\s+)?([a-z_][a-z0-9_]*)\s*(?:\(|:=|contains\b|if\b|\{)", re.MULTILINE
)
COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)  # the next rule's doc comment is not code
NAME = re.compile(r"(?<![.\w])([a-z_]\w*)")  # a name not qualified by a package
LIB_REF = re.compile(r"\blib\.([a-z_]\w*)")

FieldPath = tuple[str, ...]  # '*' stands for any list index
Read = TypeVar("Read")


def parse_module(path: str, source: str) -> Module:
    """The module at `path` (relative to the bundle root): its package and METADATA."""
    match = PACKAGE_LINE.search(source)
    if match is None:
        raise StandardError(f"{path}:1: no package statement")
    package_line = source.count("\n", 0, match.start()) + 1
    return Module(
        path=path,
        source=source,
        package=match.group(1),
        package_line=package_line,
        annotation=_metadata_above(path, source.splitlines(), package_line),
    )


def _metadata_above(path: str, lines: list[str], package_line: int) -> dict[str, Any] | None:
    """The `# METADATA` comment block that ends right above the package statement."""
    end = package_line - 1  # index of the package line
    start = end
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    block = lines[start:end]
    if not block or block[0].strip() != "# METADATA":
        return None
    text = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in block[1:])
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 2 + (mark.line if mark else 0)
        raise StandardError(f"{path}:{line}: METADATA is not valid YAML") from None
    if not isinstance(data, dict):
        raise StandardError(f"{path}:{start + 1}: METADATA must be a mapping")
    return data


def parameter_reads(source: str) -> set[str]:
    """The `data.edhs.params` entries a Rego source reads by name."""
    return set(PARAM_REF.findall(source))


def named_paths(source: str) -> dict[str, FieldPath]:
    """The paths a policy names once at its top, `field := ["a", "b"]`, by name."""
    return {name: _items(items) for name, items in NAMED_PATH.findall(source)}


def field_reads(source: str) -> set[FieldPath]:
    """The declaration paths a Rego source reads or reports on."""
    found: set[FieldPath] = set()
    aliases: dict[str, FieldPath] = {"input": ()}
    named = named_paths(source)
    for name, base, items in CONCAT.findall(source):
        if base in named:
            path = (*named[base], *_items(items))
            found.add(path)
            if name:
                named[name] = path
    iterations = ITERATION.findall(source)
    for _ in range(len(iterations)):  # aliases of aliases, e.g. `some l in election.languages`
        for _index, name, root, rest in iterations:
            if root in aliases:
                aliases[name] = (*aliases[root], *_segments(rest), "*")
    aliases = {n: p for n, p in aliases.items() if n != "input"}
    for match in INPUT_REF.finditer(source):
        found.add(_segments(match.group(1)))
    for alias, base in aliases.items():
        for match in re.finditer(rf"\b{alias}((?:\.[A-Za-z_]\w*)+)", source):
            found.add(base + _segments(match.group(1)))
        found.add(base)
    for match in PATH_ARRAY.finditer(source):
        found.add(_items(match.group(0)))
    return found


def input_reads(source: str) -> set[FieldPath]:
    """The declaration paths a Rego source reads as `input.a.b` references."""
    return {_segments(match.group(1)) for match in INPUT_REF.finditer(source)}


def _items(array: str) -> FieldPath:
    """The path an array of keys spells; a variable or a number stands for any list item."""
    items = [i.strip() for i in array[1:-1].split(",")]
    return tuple(i.strip('"') if i.startswith('"') else "*" for i in items)


def _segments(ref: str) -> FieldPath:
    return tuple(
        name if name else (index.strip('"') if index.startswith('"') else "*")
        for name, index in SEGMENT.findall(ref)
    )


def rule_blocks(source: str) -> Iterator[tuple[str, str]]:
    """Top-level rules of a Rego module, comments left out: each runs to the next."""
    heads = [(m.start(), m.group(1)) for m in RULE_HEAD.finditer(source)]
    for (at, name), (end, _) in zip(heads, [*heads[1:], (len(source), "")], strict=True):
        yield name, COMMENT.sub("", source[at:end])


def lib_reads(modules: Iterable[Module], read: Callable[[str], set[Read]]) -> dict[str, set[Read]]:
    """What each rule of the shared lib package reads (`read` of its body), directly or
    through the other lib rules it refers to, so a control that calls
    `lib.special_categories` is known to read what that rule reads."""
    bodies: dict[str, str] = {}
    for module in modules:
        if module.package == LIB_PACKAGE:
            for name, body in rule_blocks(module.source):
                bodies[name] = bodies.get(name, "") + body
    reads = {name: set(read(body)) for name, body in bodies.items()}
    refers = {
        name: set(NAME.findall(body)) & bodies.keys() - {name} for name, body in bodies.items()
    }
    changed = True
    while changed:  # propagate through references between lib rules until nothing changes
        changed = False
        for name, others in refers.items():
            merged = reads[name].union(*(reads[other] for other in others))
            changed |= merged != reads[name]
            reads[name] = merged
    return reads


def reads_with_lib(
    source: str, lib: dict[str, set[Read]], read: Callable[[str], set[Read]]
) -> set[Read]:
    """What a policy reads itself and through the lib rules it calls (`lib` from
    `lib_reads` with the same `read`)."""
    return set(read(source)).union(*(lib.get(name, set()) for name in LIB_REF.findall(source)))
