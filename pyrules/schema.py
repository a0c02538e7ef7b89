"""Validates a loaded declaration against the standard's JSON Schema.

Errors carry JSON pointers, so they are located in the file like findings are. jsonschema
is imported here only, on first use, to keep `pyrules --help` and `pyrules controls` fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrules.errors import InputError, StandardError, printable
from pyrules.standard import Standard, compatibility_key

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

    from pyrules.loader import Document, Limits

MAX_SHOWN_VALUE = 60


@dataclass(frozen=True)
class Problem:
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
        from jsonschema import Draft202012Validator, FormatChecker

        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        _validators[id(schema)] = validator
    return validator


def schema_problems(data: Any, schema: dict[str, Any]) -> list[Problem]:
    validator = validator_for(schema)
    try:
        problems = [_describe(error) for error in validator.iter_errors(data)]
    except Exception as exc:  # a malformed schema breaks validation itself
        raise _invalid_schema(schema, exc) from None
    return sorted(set(problems), key=lambda p: (p.pointer, p.message))


def _invalid_schema(schema: dict[str, Any], exc: Exception) -> StandardError:
    """Where the schema is wrong. Checking a schema against the metaschema costs about as
    much as a whole check, so it runs only once validation has failed."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    name = schema.get("$id", "a schema") if isinstance(schema, dict) else "a schema"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = "/".join(str(p) for p in error.path) or "the top level"
        return StandardError(f"{name}: not a valid JSON Schema at {where}: {error.message}")
    return StandardError(f"{name}: cannot validate with this schema ({type(exc).__name__})")


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
    problems = schema_problems(document.data, schema)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(document.located(first.pointer, first.message) + more)
    return document


def validate_declaration(document: Document, standard: Standard) -> list[Problem]:
    """Schema errors, then a standard-version mismatch: both make the input unusable."""
    problems = schema_problems(document.data, standard.schema)
    version = document.data.get("standard_version")
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


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 3] + "..."


def _describe(error: ValidationError) -> Problem:
    """jsonschema's messages can quote a whole enum or object; users need the field and
    the rule it breaks, in one short line."""
    where = pointer_of(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if len(extra) == 1:
            return Problem(f"{where}/{extra[0]}", f"unknown field {printable(repr(extra[0]))}")
        return Problem(where, "unknown fields " + ", ".join(printable(repr(k)) for k in extra))
    if kind == "required":
        return Problem(where, error.message.replace("property", "field"))
    if kind == "enum":
        return Problem(where, f"{_short(error.instance)} is not one of the allowed values")
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return Problem(where, f"{_short(error.instance)} is not of type {expected}")
    if kind == "format":
        return Problem(where, f"{_short(error.instance)} is not a valid {error.validator_value}")
    if kind == "pattern":
        return Problem(where, f"{_short(error.instance)} does not have the expected form")
    return Problem(where, " ".join(error.message.split())[:200])
