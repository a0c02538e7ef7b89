"""Errors that end a command with one line for the user and exit code 2."""

import re

# C0 controls but tab and newline, DEL, C1 controls, and line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text from a declaration, safe to print: a control character (an escape sequence
    that retitles a terminal, a byte XML 1.0 cannot hold) is shown as its code instead."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else
                        f"\\u{ord(m.group()):04x}", text)  # fmt: skip


class InputError(Exception):
    """The input or the command is wrong; the message is one line naming the file and place."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(" ".join(message.split())))


class StandardError(InputError):
    """The standard itself (policies, METADATA, parameters, schema) cannot be used."""
