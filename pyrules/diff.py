"""What changed between two versions of the standard, and whether the change is breaking.

A change is *breaking* when a declaration that was valid and compliant under the old
version may be invalid or not compliant under the new one, or a profile written for the
old version may no longer load. Semantic versioning then asks for a new major version
(a new minor while the major is 0); `version_problems` says when it is missing.

Decisions, per kind of change:

- Controls: added (breaking: platforms must now meet it), removed (breaking: profiles,
  waivers and reports name it, design.md says so), severity raised (breaking: a
  `--fail-on` threshold may now block) or lowered (not), applicability changed (breaking,
  unless it went from "Always." to a condition), parameters read added (breaking) or
  dropped (not), its rules changed (the Rego source without comments: breaking, as a
  rule change may fail platforms that passed). Title, requirement text, rationale,
  remediation, ACEEEO mapping and references are reported but not breaking.
- Shared policy code (`edhs/lib/`, any module that is neither a control nor a family):
  added (not breaking), removed or its rules changed (breaking: the controls that call it
  may check differently).
- Parameters: added (not breaking), removed (breaking: a profile that sets it no longer
  loads), default changed: breaking when stricter or of unknown direction
  (`pyrules.params_direction`), not when looser.
- Declaration schema, field by field (`a.b.*.c`, `*` for list items): a field added
  (breaking only when required), removed (breaking: a declaration that sets it no longer
  validates), newly required (breaking) or no longer required (not); types, enums and
  bounds narrowed (breaking) or widened (not); a pattern, format or const added or changed
  (breaking) or dropped (not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pyrules.model import Control, severity_rank
from pyrules.params_direction import direction
from pyrules.schema import schema_fields
from pyrules.standard import Standard, compatibility_key

Area = Literal["control", "policy", "parameter", "schema"]
ALWAYS = "Always."
COMMENT = re.compile(r"#[^\n]*")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
EXACT_RULES = ("pattern", "format", "const")


@dataclass(frozen=True)
class Change:
    """One difference between the versions, with what it means for platforms."""

    area: Area
    subject: str  # a control ID, a parameter name, or a schema field path
    kind: str  # added, removed, severity, title, requirement, default, required, type, ...
    summary: str  # one sentence a committee member reads
    breaking: bool
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "subject": self.subject,
            "kind": self.kind,
            "breaking": self.breaking,
            "summary": self.summary,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class StandardDiff:
    old_version: str
    new_version: str
    old_sha256: str
    new_sha256: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def of(self, area: Area) -> list[Change]:
        return [c for c in self.changes if c.area == area]

    def control_changes(self, control_id: str) -> list[Change]:
        return [c for c in self.changes if c.area == "control" and c.subject == control_id]


def diff_standards(old: Standard, new: Standard) -> StandardDiff:
    changes = [
        *_control_changes(old, new),
        *_shared_code_changes(old, new),
        *_parameter_changes(old.params, new.params),
        *_schema_changes(old.schema, new.schema),
    ]
    return StandardDiff(old.version, new.version, old.sha256, new.sha256, tuple(changes))


def version_problems(diff: StandardDiff) -> list[str]:
    """What semantic versioning says about the new version number, given the changes."""
    old, new = diff.old_version, diff.new_version
    if not diff.changes:
        return []
    if _key(new) <= _key(old):
        return [
            f"the standard changed ({len(diff.changes)} changes) but its version did not go up "
            f"({old} -> {new}): raise the revision in policies/.manifest"
        ]
    if diff.breaking and compatibility_key(old) == compatibility_key(new):
        needed = _next_incompatible(old)
        first = diff.breaking[0]
        return [
            f"{len(diff.breaking)} breaking change(s) (first: {first.subject}: {first.summary}) "
            f"need version {needed} or later, not {new}"
        ]
    return []


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _next_incompatible(version: str) -> str:
    major, minor, _patch = _key(version)
    return f"0.{minor + 1}.0" if major == 0 else f"{major + 1}.0.0"


# Controls


def _control_changes(old: Standard, new: Standard) -> Iterator[Change]:
    old_ids = {c.id for c in old.controls}
    new_ids = {c.id for c in new.controls}
    sources_old = {m.path: m.source for m in old.modules}
    sources_new = {m.path: m.source for m in new.modules}
    for control_id in sorted(old_ids | new_ids):
        if control_id not in old_ids:
            control = new.control(control_id)
            yield Change(
                "control",
                control_id,
                "added",
                f"new control ({control.severity}): {control.title}",
                True,
                new=control.title,
            )
        elif control_id not in new_ids:
            control = old.control(control_id)
            yield Change(
                "control",
                control_id,
                "removed",
                f"removed: {control.title}",
                True,
                old=control.title,
            )
        else:
            before, after = old.control(control_id), new.control(control_id)
            yield from _changed_control(before, after)
            if _rules(sources_old[before.source]) != _rules(sources_new[after.source]):
                yield Change(
                    "control",
                    control_id,
                    "rules",
                    "its Rego rules changed: what it checks may differ",
                    True,
                )


def _shared_code_changes(old: Standard, new: Standard) -> Iterator[Change]:
    def shared(standard: Standard) -> dict[str, str]:
        controls = {c.source for c in standard.controls}
        return {
            m.path: _rules(m.source)
            for m in standard.modules
            if m.path not in controls and (m.annotation or {}).get("scope") != "subpackages"
        }

    before, after = shared(old), shared(new)
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            yield Change("policy", path, "added", "new shared policy module", False)
        elif path not in after:
            yield Change("policy", path, "removed", "shared policy module removed", True)
        elif before[path] != after[path]:
            yield Change(
                "policy",
                path,
                "rules",
                "its rules changed: the controls that use it may check differently",
                True,
            )


def _changed_control(before: Control, after: Control) -> Iterator[Change]:
    cid = before.id
    for kind, name, shown in (
        ("title", "title", True),
        ("requirement", "description", True),
        ("rationale", "rationale", False),
        ("remediation", "remediation", False),
    ):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:  # the title and requirement are the control's text: show the new one
            summary = f"{kind} now: {new}" if shown else f"{kind} reworded"
            yield Change("control", cid, kind, summary, False, old, new)
    if before.severity != after.severity:
        raised = severity_rank(after.severity) > severity_rank(before.severity)
        verb = "raised" if raised else "lowered"
        yield Change(
            "control",
            cid,
            "severity",
            f"severity {verb} from {before.severity} to {after.severity}",
            raised,
            before.severity,
            after.severity,
        )
    if before.applies_when != after.applies_when:
        narrowed = before.applies_when == ALWAYS
        yield Change(
            "control",
            cid,
            "applicability",
            f"applies {'now only to' if narrowed else 'now to'}: {after.applies_when}",
            not narrowed,
            before.applies_when,
            after.applies_when,
        )
    if before.aceeeo != after.aceeeo:
        yield Change(
            "control",
            cid,
            "aceeeo",
            f"ACEEEO mapping {', '.join(before.aceeeo)} -> {', '.join(after.aceeeo)}",
            False,
            before.aceeeo,
            after.aceeeo,
        )
    refs_old = {r.description: r.ref for r in before.references}
    refs_new = {r.description: r.ref for r in after.references}
    if refs_old != refs_new:
        parts = _added_removed(list(refs_old), list(refs_new))
        relinked = [d for d in refs_old.keys() & refs_new.keys() if refs_old[d] != refs_new[d]]
        parts += [f"link of {d} changed" for d in sorted(relinked)]
        yield Change(
            "control",
            cid,
            "references",
            "references: " + "; ".join(parts),
            False,
            list(refs_old),
            list(refs_new),
        )
    if before.parameters != after.parameters:
        added = set(after.parameters) - set(before.parameters)
        yield Change(
            "control",
            cid,
            "parameters",
            "parameters read: " + "; ".join(_added_removed(before.parameters, after.parameters)),
            bool(added),
            before.parameters,
            after.parameters,
        )


def _rules(source: str) -> str:
    """The Rego source without comments (METADATA included) and without layout."""
    return " ".join(COMMENT.sub("", source).split())


def _added_removed(old: list[Any], new: list[Any]) -> list[str]:
    added = [str(x) for x in new if x not in old]
    removed = [str(x) for x in old if x not in new]
    parts = [f"added {', '.join(added)}"] if added else []
    return parts + ([f"removed {', '.join(removed)}"] if removed else [])


# Parameters


def _parameter_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            yield Change("parameter", name, "added", f"new parameter, default {new[name]!r}", False)
        elif name not in new:
            yield Change(
                "parameter",
                name,
                "removed",
                "removed: a profile that sets it no longer loads",
                True,
                old=old[name],
            )
        elif old[name] != new[name]:
            way = direction(name, old[name], new[name])
            if way == "unchanged":
                continue
            shown = (
                "; ".join(_added_removed(old[name], new[name]))
                if isinstance(old[name], list) and isinstance(new[name], list)
                else f"{old[name]!r} -> {new[name]!r}"
            )
            yield Change(
                "parameter",
                name,
                "default",
                f"default {shown} ({way if way != 'unknown' else 'direction unknown'})",
                way != "looser",
                old[name],
                new[name],
            )


# Declaration schema


def _schema_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    fields_old, fields_new = schema_fields(old), schema_fields(new)
    required_old, required_new = _required(old, fields_old), _required(new, fields_new)
    for path in sorted(fields_old.keys() | fields_new.keys()):
        name = ".".join(path)
        if path not in fields_old:
            if path[:-1] and path[:-1] not in fields_old:
                continue  # inside a new section: the section is the change
            required = path in required_new
            yield Change(
                "schema",
                name,
                "added",
                "new required field" if required else "new optional field",
                required,
            )
        elif path not in fields_new:
            if path[:-1] and path[:-1] not in fields_new:
                continue
            yield Change(
                "schema",
                name,
                "removed",
                "field removed: a declaration that sets it no longer validates",
                True,
            )
        else:
            if (path in required_old) != (path in required_new):
                now = path in required_new
                yield Change(
                    "schema",
                    name,
                    "required",
                    "now required" if now else "no longer required",
                    now,
                    path in required_old,
                    now,
                )
            yield from _node_changes(name, fields_old[path], fields_new[path])


def _required(schema: dict[str, Any], fields: dict[tuple[str, ...], Any]) -> set[tuple[str, ...]]:
    """The paths of required fields: a field is required where its parent lists it."""
    found = {(name,) for name in schema.get("required", [])}
    for path, node in fields.items():
        found |= {(*path, name) for name in node.get("required", [])}
    return found


def _node_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    types_old, types_new = _types(old), _types(new)
    if types_old != types_new:
        narrowed = "any" not in types_new and not types_new >= types_old
        yield Change(
            "schema",
            name,
            "type",
            f"type {_join(types_old)} -> {_join(types_new)}"
            + (" (narrowed)" if narrowed else " (widened)"),
            narrowed,
            sorted(types_old),
            sorted(types_new),
        )
    enum_old, enum_new = old.get("enum"), new.get("enum")
    if enum_old != enum_new:
        if enum_new is None:
            yield Change("schema", name, "enum", "no longer limited to a list of values", False)
        elif enum_old is None:
            yield Change("schema", name, "enum", "now limited to a list of values", True)
        else:
            removed = [v for v in enum_old if v not in enum_new]
            yield Change(
                "schema",
                name,
                "enum",
                "allowed values: " + "; ".join(_added_removed(enum_old, enum_new)),
                bool(removed),
                enum_old,
                enum_new,
            )
    yield from _bound_changes(name, old, new, LOWER_BOUNDS, lambda o, n: n > o)
    yield from _bound_changes(name, old, new, UPPER_BOUNDS, lambda o, n: n < o)
    for keyword in EXACT_RULES:
        if old.get(keyword) != new.get(keyword):
            added = keyword in new
            yield Change(
                "schema",
                name,
                keyword,
                f"{keyword} {'set to' if added else 'dropped, was'} "
                f"{new.get(keyword, old.get(keyword))!r}",
                added,
                old.get(keyword),
                new.get(keyword),
            )


def _bound_changes(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    keywords: tuple[str, ...],
    tighter: Callable[[Any, Any], bool],
) -> Iterator[Change]:
    for keyword in keywords:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            continue
        if after is None:
            narrowed = False
        elif before is None:
            narrowed = True
        else:
            narrowed = tighter(before, after)
        yield Change(
            "schema",
            name,
            "bounds",
            f"{keyword} {before!r} -> {after!r} ({'narrowed' if narrowed else 'widened'})",
            narrowed,
            before,
            after,
        )


def _types(node: dict[str, Any]) -> set[str]:
    """The JSON types a field accepts; `number` includes `integer`. No type: any."""
    kind = node.get("type")
    if kind is None:
        return {"any"}
    types = set(kind if isinstance(kind, list) else [kind])
    return types | {"integer"} if "number" in types else types


def _join(types: set[str]) -> str:
    return " or ".join(sorted(types - {"integer"} if "number" in types else types))
