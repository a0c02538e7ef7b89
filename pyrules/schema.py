"""Validates a loaded declaration against the standard's JSON Schema.

Errors carry JSON pointers, so they are located in the file like findings are. jsonschema
is imported here only, on first use, to keep `pyrules --help` and `pyrules controls` fast.

Most documents are valid, and jsonschema takes milliseconds to say so: a compiled validator
(jsonschema-rs) answers first, with the same format checks as jsonschema's FormatChecker,
and only a document it does not call valid goes through jsonschema, whose errors make the
messages. So a valid document never imports jsonschema, and a verdict is jsonschema's.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from pyrules.errors import InputError, StandardError, quote
from pyrules.standard import Standard, compatibility_key

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

    from pyrules.loader import Document, Limits
    from pyrules.rego_source import FieldPath


TODO = "TODO"
# A TODO left in a value or in the comment that ends a value's line (`pyrules init` writes
# both); whole-line comments are notes, not answers, and are not searched.
_TODO_MARK = re.compile(rf"\b{TODO}\b")
# Declaration fields pyrules reads itself (the version check, before any policy runs).
READ_BY_PYRULES: set[FieldPath] = {("standard_version",)}


class Problem(NamedTuple):
    """One reason the declaration is not valid, with the field it concerns."""

    pointer: str
    message: str


def pointer_of(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_validators: dict[int, Validator] = {}


def validator_for(schema: dict[str, Any]) -> Validator:
    """One validator per schema object: building it compiles every `$ref` and pattern."""
    validator = _validators.get(id(schema))
    if validator is None:
        validator = _ecma_validator_class()(schema, format_checker=_format_checker())
        _validators[id(schema)] = validator
    return validator


def _ecma_validator_class() -> type[Validator]:
    """Draft 2020-12 with `pattern` and `patternProperties` as ECMA-262 regexes, which JSON
    Schema specifies: in Python's `re`, `$` also matches before a final newline, so
    `"0.1.0\n"` passed a `^...$` pattern. regress is the engine check-jsonschema uses."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator: Validator, regex: str, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        bound = schema.get("maxLength") if isinstance(schema, dict) else None
        if isinstance(bound, int) and len(instance) > bound:
            return  # maxLength already fails it; a long text could make the regex slow
        if not _matches(regex, instance):
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    def pattern_properties(
        validator: Validator, patterns: dict[str, Any], instance: Any, schema: Any
    ) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for regex, subschema in patterns.items():
            for key, value in instance.items():
                if _matches(regex, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=regex)

    any_enum = Draft202012Validator.VALIDATORS["enum"]

    def enum(validator: Validator, enums: list[Any], instance: Any, schema: Any) -> Any:
        # A string equals only a string: `in` gives jsonschema's answer without comparing
        # it, in Python, with every entry of a long list (countries, categories).
        if isinstance(instance, str) and isinstance(enums, list):
            if instance not in enums:
                yield ValidationError(f"{instance!r} is not one of {enums!r}")
            return
        yield from any_enum(validator, enums, instance, schema)

    keywords = {"pattern": pattern, "patternProperties": pattern_properties, "enum": enum}
    return validators.extend(Draft202012Validator, keywords)


@functools.lru_cache(maxsize=256)
def _ecma_regex(regex: str) -> Any:
    import regress

    return regress.Regex(regex, flags="u")


def _matches(regex: str, text: str) -> bool:
    try:
        return _ecma_regex(regex).find(text) is not None
    except UnicodeEncodeError:  # a lone surrogate is no Unicode text: it matches nothing
        return False


# A compiled validator per schema object, kept with the schema so its id is not reused;
# None: this schema is left to jsonschema (a remote `$ref`, a keyword jsonschema-rs refuses).
_compiled: dict[int, tuple[dict[str, Any], Any]] = {}


def fast_valid(data: Any, schema: dict[str, Any]) -> bool:
    """True only when `data` is valid against `schema`; False means "ask jsonschema", which
    may still find it valid. `data` is JSON data as the loader and `pyrules serve` give it
    (str keys, finite numbers): jsonschema-rs reads a NaN as null."""
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, _compile(schema))
        _compiled[id(schema)] = entry
    validator = entry[1]
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:  # a value it cannot read (a lone surrogate, a non-str key): jsonschema
        return False


def _compile(schema: dict[str, Any]) -> Any:
    """Draft 2020-12 whatever `$schema` says, as `validator_for` does; formats checked by
    jsonschema's own rules (`_FORMATS`); no retrieval of remote schemas."""
    import jsonschema_rs

    def refuse(uri: str) -> Any:
        raise LookupError(f"no remote schemas: {uri}")

    formats = {name: _format_rule(name) for name in _format_names(schema)}
    try:
        return jsonschema_rs.Draft202012Validator(
            schema, formats=formats, validate_formats=True, retriever=refuse
        )
    except Exception:  # jsonschema decides, and names what is wrong with the schema
        return None


def _format_names(node: Any) -> set[str]:
    """Every `format` a schema names (also a field called `format`: a rule too many is harmless)."""
    if isinstance(node, dict):
        names = {v for k, v in node.items() if k == "format" and isinstance(v, str)}
        return names.union(*(_format_names(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_format_names(v) for v in node))
    return set()


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE.fullmatch(text) and date.fromisoformat(text))
    except ValueError:
        return False


def _is_date_time(text: str) -> bool:
    from rfc3339_validator import validate_rfc3339

    return bool(validate_rfc3339(text.upper()))


def _is_uri(text: str) -> bool:
    from rfc3986_validator import validate_rfc3986

    return bool(validate_rfc3986(text, rule="URI"))


# jsonschema 4's checks (jsonschema/_format.py) for the formats the standard's schemas use,
# without importing jsonschema; tests/test_schema_fast.py compares each with FormatChecker.
# `uri` is rfc3986-validator's only while rfc3987, which jsonschema prefers, is not installed.
_FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _is_date,
    "date-time": _is_date_time,
    "email": lambda text: "@" in text,
    "uri": _is_uri,
}


def _format_rule(name: str) -> Callable[[str], bool]:
    """jsonschema's check of the format `name`: the copy above, else FormatChecker itself."""
    import importlib.util

    rule = _FORMATS.get(name)
    if rule is not None and not (name == "uri" and importlib.util.find_spec("rfc3987")):
        return rule

    def conforms(text: str) -> bool:
        return _format_checker().conforms(text, name)

    return conforms


@functools.cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    return FormatChecker()


def schema_problems(
    data: Any, schema: dict[str, Any], scalars: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem, one per mistake; `scalars` (the loader's) lets a type error say how
    to quote a YAML value."""
    if fast_valid(data, schema):
        return []
    scalars = scalars if scalars is not None else {}
    validator = validator_for(schema)
    try:
        errors = _one_per_place(validator.iter_errors(data))
        problems = [
            p
            for number, error in enumerate(errors)
            for p in _describe(error, scalars, hints=number < MAX_HINTED)
        ]
    except Exception as exc:  # a malformed schema breaks validation itself
        raise _invalid_schema(schema, exc) from None
    return sorted(set(problems), key=lambda p: (p.pointer, p.message))


def _invalid_schema(schema: dict[str, Any], exc: Exception) -> StandardError:
    """Where the schema is wrong. Checking a schema against the metaschema costs about as
    much as a whole check, so it runs only once validation has failed."""
    name = schema.get("$id", "a schema") if isinstance(schema, dict) else "a schema"
    return metaschema_error(schema, name) or StandardError(
        f"{name}: cannot validate with this schema ({type(exc).__name__})"
    )


def metaschema_error(schema: Any, name: str) -> StandardError | None:
    """Why `schema` is not a valid JSON Schema 2020-12 (naming `name`), or None."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = "/".join(str(p) for p in error.path) or "the top level"
        return StandardError(f"{name}: not a valid JSON Schema at {where}: {error.message}")
    return None


def load_valid(
    path: str | os.PathLike[str],
    schema: dict[str, Any],
    limits: Limits | None = None,
    name: str | None = None,
) -> Document:
    """A file that must match its schema (a profile, a waiver file): the first problem,
    located in the file, is the error. With `name`, messages and locations call the file
    so (an archive names files, not where they were on the assessor's machine)."""
    from dataclasses import replace

    from pyrules.loader import Limits, LoadError, load

    try:
        document = load(path, limits or Limits())
    except LoadError as exc:
        if name is None:
            raise
        raise LoadError(name, exc.line, exc.column, exc.message) from None
    if name is not None:
        document = replace(document, name=name)
    problems = sort_by_place(document, schema_problems(document.data, schema, document.scalars))
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(document.located(first.pointer, first.message) + more)
    return document


def validate_declaration(document: Document, standard: Standard) -> list[Problem]:
    """Schema errors, then a standard-version mismatch: both make the input unusable.
    Sorted as they stand in the file, so the list reads from top to bottom."""
    return sort_by_place(document, declaration_problems(document.data, standard, document.scalars))


def declaration_problems(
    data: Any, standard: Standard, scalars: Mapping[str, str] | None = None
) -> list[Problem]:
    """As validate_declaration, for data that came from elsewhere than a file (a request)."""
    problems = schema_problems(data, standard.schema, scalars)
    version = data.get("standard_version") if isinstance(data, dict) else None
    if any(p.pointer == "/standard_version" for p in problems):
        version = None  # not a version at all: comparing (and quoting) it says nothing more
    if isinstance(version, str) and compatibility_key(version) != standard.major:
        problems.append(
            Problem(
                "/standard_version",
                f"the declaration is written for EDHS {version}, but this standard is "
                f"EDHS {standard.version}; check it against a {version} standard "
                "(--standard) or update it",
            )
        )
    return problems


def schema_fields(schema: dict[str, Any]) -> dict[FieldPath, dict[str, Any]]:
    """Every field of the declaration schema by path ('*' for list items)."""
    defs = schema.get("$defs", {})
    fields: dict[FieldPath, dict[str, Any]] = {}

    def visit(node: dict[str, Any], path: FieldPath) -> None:
        if "$ref" in node:
            node = {
                **defs[node["$ref"].split("/")[-1]],
                **{k: v for k, v in node.items() if k != "$ref"},
            }
        if path:
            fields[path] = node
        for key, child in node.get("properties", {}).items():
            visit(child, (*path, key))
        if isinstance(node.get("items"), dict):
            visit(node["items"], (*path, "*"))

    visit(schema, ())
    return fields


def sort_by_place(document: Document, problems: list[Problem]) -> list[Problem]:
    def place(problem: Problem) -> tuple[int, int, str, str]:
        position = document.locate(problem.pointer)[1]
        return (position.line, position.column, problem.pointer, problem.message)

    return sorted(problems, key=place)


# At most this many allowed values are listed; a longer list shows the closest ones.
MAX_LISTED = 8
# Closest values are searched for this many problems of a file (far more than a terminal
# shows): a hostile file with a million wrong codes must not cost a search each.
MAX_HINTED = 500
CLOSEST = 3
LIKELY = 74.0  # likeness (0-100) from which a "did you mean" is offered: `24x7` -> `24/7`
FORMAT_HINTS = {
    "date": "write it as YYYY-MM-DD, e.g. 2026-10-01",
    "date-time": "write it as YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2026-10-01T09:00:00Z",
    "email": "write an address such as dpo@example.org",
    "uri": "write an absolute address such as https://example.org/policy",
}
FORMAT_NAMES = {"email": "email address", "uri": "URI", "date-time": "date and time"}
# A value that breaks several of these gets one message, the first one's: the others
# follow from it (`1.2` for an enum of strings is a type error, not an unknown value).
_VALUE_RULES = ("type", "enum", "format", "minLength", "maxLength", "pattern")


def _one_per_place(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """One mistake, one line: `1.2` for an enum of strings breaks both `type` and `enum`,
    and the type is the one to fix; a text too short says so before it says its form."""
    by_place: dict[tuple[str, ...], list[ValidationError]] = {}
    for error in errors:
        by_place.setdefault(tuple(map(str, error.absolute_path)), []).append(error)
    kept = []
    for found in by_place.values():
        kinds = {e.validator for e in found}
        top = next((k for k in _VALUE_RULES if k in kinds), None)
        kept.extend(e for e in found if top is None or e.validator == top)
    return kept


def _words(text: str) -> str:
    return text.lower().replace(".", " ").replace("_", " ")


@functools.lru_cache(maxsize=32)
def _all_words(choices: tuple[str, ...]) -> list[str]:
    return [_words(c) for c in choices]


def _likeness(a: str, b: str) -> float:
    """Spelling and shared words alike: `user.demographics.age` is nearest to
    `user.demographic.age_range`, which plain edit distance ranks below `...language`."""
    from rapidfuzz import fuzz

    return (fuzz.token_set_ratio(a, b) + fuzz.ratio(a, b)) / 2


def _closest(value: str, choices: Sequence[str], n: int, cutoff: float) -> list[str]:
    """The choices nearest to value, best first (ties keep the schema's order). rapidfuzz's
    own scorers pick a few candidates in C, so thousands of wrong codes stay fast."""
    from rapidfuzz import fuzz, process

    query = _words(value)
    words = _all_words(tuple(choices))
    candidates: set[int] = set()
    for scorer in (fuzz.ratio, fuzz.token_set_ratio):
        candidates.update(i for _, _, i in process.extract(query, words, scorer=scorer, limit=10))
    scored = sorted(((-_likeness(query, words[i]), i) for i in candidates), key=lambda pair: pair)
    return [choices[i] for score, i in scored if -score >= cutoff][:n]


def did_you_mean(value: Any, choices: Sequence[Any]) -> str | None:
    """The one choice the author most likely meant: same text but for case, else a close
    spelling ('PT' -> pt, 'breach_notification_hrs' -> breach_notification_hours)."""
    if not isinstance(value, str):
        return None
    texts = [c for c in choices if isinstance(c, str)]
    same_case = [c for c in texts if c.lower() == value.lower()]
    if same_case:
        return same_case[0]
    close = _closest(value, texts, 1, LIKELY)
    return close[0] if close else None


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(quote(v) for v in values)


def _enum_message(value: Any, allowed: Sequence[Any], hints: bool) -> str:
    shown = quote(value)
    guess = did_you_mean(value, allowed) if hints else None
    mean = f"; did you mean {quote(guess)}?" if guess is not None else ""
    if len(allowed) <= MAX_LISTED:
        return f"{shown} is not one of the allowed values ({_listed(allowed)}){mean}"
    if not hints:
        return f"{shown} is not one of the {len(allowed)} allowed values"
    texts = [a for a in allowed if isinstance(a, str)]
    nearest = _closest(value, texts, CLOSEST, 0.0) if isinstance(value, str) else texts[:CLOSEST]
    return (
        f"{shown} is not one of the {len(allowed)} allowed values{mean} "
        f"(closest: {_listed(nearest)}; all in the declaration reference)"
    )


def _unknown_field(key: str, known: Sequence[str], hints: bool) -> str:
    guess = did_you_mean(key, known) if hints else None
    if guess is not None:
        return f"unknown field {quote(key)}; did you mean {quote(guess)}?"
    if len(known) <= MAX_LISTED:
        return f"unknown field {quote(key)}; the fields here are {_listed(sorted(known))}"
    return f"unknown field {quote(key)}"


def _type_message(error: ValidationError, written: str | None) -> str:
    expected = error.validator_value
    names = expected if isinstance(expected, list) else [expected]
    value = error.instance
    message = f"{quote(value)} is not of type {' or '.join(names)}"
    if written is None and isinstance(value, int | float):  # JSON, or a copied YAML alias
        written = json.dumps(value)
    if written and value is not None and "string" in names:
        # YAML read the author's text as a number or boolean: quoting keeps it text.
        message += f"; write it as a string: {quote(written)}"
    return message


def _example(schema: Any) -> str:
    examples = schema.get("examples") if isinstance(schema, dict) else None
    return f", e.g. {quote(examples[0])}" if isinstance(examples, list) and examples else ""


def _duplicate(items: list[Any]) -> Any:
    seen: list[Any] = []
    for item in items:
        if item in seen:
            return item
        seen.append(item)
    return None


def _describe(error: ValidationError, scalars: Mapping[str, str], hints: bool) -> list[Problem]:
    """jsonschema's messages quote Python (`False`, `{'': None}`) and whole enums; users
    need the field, the value as they wrote it, and how to fix it, in one short line."""
    where = pointer_of(error.absolute_path)
    kind = error.validator
    value = error.instance
    rule = error.validator_value
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in known)
        return [
            Problem(f"{where}{pointer_of([k])}", _unknown_field(k, known, hints and n < MAX_HINTED))
            for n, k in enumerate(extra)
        ]
    if kind == "required":
        # A misspelt required field is one mistake: its "did you mean" line says it all.
        known = list(error.schema.get("properties", {}))
        unknown = [k for k in value if k not in known][:MAX_HINTED] if hints else []
        meant = {did_you_mean(k, known) for k in unknown}
        missing = [k for k in rule if k not in value and k not in meant]
        return [Problem(where, f"required field {quote(k)} is missing") for k in missing]
    if kind == "enum":
        message = _enum_message(value, rule, hints)
    elif kind == "type":
        message = _type_message(error, scalars.get(where))
    elif kind == "format":
        name = FORMAT_NAMES.get(rule, rule)
        hint = FORMAT_HINTS.get(rule)
        message = f"{quote(value)} is not a valid {name}" + (f"; {hint}" if hint else "")
    elif kind == "pattern":
        message = f"{quote(value)} does not have the expected form{_example(error.schema)}"
    elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[kind]
        message = f"{quote(value)} is out of range: it must be {relation} {quote(rule)}"
    elif kind in ("minLength", "maxLength"):
        relation = "at least" if kind == "minLength" else "at most"
        unit = "character" if rule == 1 else "characters"
        message = f"{quote(value)} has {len(value)} characters; write {relation} {rule} {unit}"
    elif kind in ("minItems", "maxItems"):
        relation = "at least" if kind == "minItems" else "at most"
        count = f"{len(value)} item" + "s" * (len(value) != 1)
        message = f"the list has {count}; give {relation} {rule}"
    elif kind in ("minProperties", "maxProperties"):
        relation = "at least" if kind == "minProperties" else "at most"
        message = f"{quote(value)} needs {relation} {rule} field{'s' * (rule != 1)}"
    elif kind == "uniqueItems":
        message = f"{quote(_duplicate(value))} is listed more than once; list each item once"
    elif kind in ("oneOf", "anyOf"):
        message = f"{quote(value)} matches none of the allowed forms"
    elif kind == "const":
        message = f"{quote(value)} must be {quote(rule)}"
    else:
        message = f"{quote(value)} breaks the schema's {kind!r} rule"
    return [Problem(where, message)]


def unanswered(document: Document) -> list[str]:
    """`file:line:col: ...` for each TODO left in the declaration, top to bottom: a starter
    from `pyrules init` validates, but is not a platform's answer until none is left."""
    if TODO not in document.text:
        return []
    key_at: dict[int, str] = {}
    for pointer, position in document.positions.items():
        if pointer:
            key_at[position.line] = pointer  # the deepest key of its line comes last
    found = []
    for number, line in enumerate(document.text.splitlines(), start=1):
        match = _TODO_MARK.search(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        pointer = key_at.get(number)
        what = f"{_dotted(pointer)} is still marked {TODO}" if pointer else f"a {TODO} is left here"
        found.append(
            f"{document.name}:{number}:{match.start() + 1}: {what}; write the platform's "
            f"answer and delete the {TODO}"
        )
    return found


def _dotted(pointer: str) -> str:
    """`/metadata/elections/0/name` as users write it: `metadata.elections[0].name`."""
    out = ""
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out
