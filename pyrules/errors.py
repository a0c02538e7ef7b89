"""Errors that end a command with one line for the user and exit code 2."""


class InputError(Exception):
    """The input or the command is wrong; the message is one line naming the file and place."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class StandardError(InputError):
    """The standard itself (policies, METADATA, parameters, schema) cannot be used."""
