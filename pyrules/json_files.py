"""JSON files that signed rounds and attestations consist of: read as regular files only,
each failure one line naming the file, and checked against a shape before a field is read.

Its own module so that the round record and the attestations can both use it without
importing each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pyrules.errors import InputError

MAX_FILE_BYTES = 64 * 1024 * 1024  # an attestation holds one report; a key is tiny


def read_bytes(path: Path, what: str = "file") -> bytes:
    """A regular file's bytes: a FIFO or a device would block or never end."""
    from pyrules.loader import LoadError, read_regular

    try:
        return read_regular(path, MAX_FILE_BYTES)
    except LoadError as exc:
        message = f"no such {what}" if exc.message == "no such file" else exc.message
        raise InputError(f"{path}: {message}") from None


def read_json(path: Path, what: str) -> Any:
    """A regular file's JSON; anything else is one line naming the file (and the place)."""
    raw = read_bytes(path)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, so not {what}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be {what}") from None


def shape_problem(data: Any, shape: dict[str, Any]) -> str | None:
    """The first way `data` departs from `shape` (pointer and reason), or None. Text must
    be Unicode: a lone surrogate from a JSON escape cannot be signed over or printed."""
    from pyrules.schema import schema_problems

    problems = schema_problems(data, shape)
    if problems:
        first = problems[0]
        return f"{first.pointer or 'the top level'}: {first.message}"
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "a text holds a lone surrogate (\\ud800-\\udfff), which is not Unicode"
    return None
