"""Errors that end a command with one line for the user and exit code 2."""

import json
import os
import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, and line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text from a declaration, safe to print: a control character (an escape sequence
    that retitles a terminal, a byte XML 1.0 cannot hold) is shown as its code instead."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else
                        f"\\u{ord(m.group()):04x}", text)  # fmt: skip


def source_name(path: str | os.PathLike[str]) -> str:
    """A path as text for messages and reports: bytes of the name that are not UTF-8
    (which Python keeps as lone surrogates, and no report can hold) written as \\xff."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


MAX_QUOTED = 80


def quote(value: Any) -> str:
    """A value from the input as its author wrote it (JSON: `false`, `null`, `{"": null}`),
    printable, and cut at MAX_QUOTED characters so one huge key cannot flood a terminal."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON data (cannot come from the loader)
        text = repr(value)
    if len(text) > MAX_QUOTED:
        is_text = isinstance(value, str)
        size = len(value) if is_text else len(text)
        closing = '"' if is_text else ""
        text = f"{text[: MAX_QUOTED - 1]}…{closing} ({size:,} characters)"
    return printable(text)


# What every command exits with: 0 compliant, 1 not compliant (or a test/lint failure),
# 2 the input or the command is wrong, 3 an error nobody foresaw (a bug).
EXIT_OK, EXIT_NONCOMPLIANT, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class InputError(Exception):
    """The input or the command is wrong; the message is one line naming the file and place."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(" ".join(message.split())))


class StandardError(InputError):
    """The standard itself (policies, METADATA, parameters, schema) cannot be used."""
