"""What every part of `pyrules serve` shares: OPA's error shape, OPA's reading of a data
path, and the JSON a response carries."""

from __future__ import annotations

import json
import re
from typing import Any

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEYWORDS = frozenset(
    {"as", "contains", "default", "else", "every", "false", "if", "import", "in", "not"}
    | {"null", "package", "some", "true", "with"}
)
# Not str.isdigit(): it admits "²", which int() refuses, and "٣", which int() reads as 3
# where OPA (Go's strconv.Atoi) sees a string key.
ASCII_DIGITS = re.compile(r"[0-9]+")
MAX_INDEX = 2**63 - 1  # rego-cpp reads an index with stoll; OPA's Atoi fails past it too


class ApiError(Exception):
    """An OPA-shaped error response."""

    def __init__(
        self, status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(message: str) -> ApiError:
    return ApiError(404, "resource_not_found", f"storage_not_found_error: {message}")


def evaluation_error(message: str) -> ApiError:
    return ApiError(
        500,
        "internal_error",
        "error(s) occurred while evaluating query",
        [{"code": "eval_builtin_error", "message": message}],
    )


def to_json(body: Any, pretty: bool = False) -> bytes:
    """A response body as OPA writes it (`?pretty` indents), UTF-8 unescaped."""
    text = json.dumps(body, indent=2 if pretty else None, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def array_index(segment: str) -> int | None:
    """The segment as an array index when it is one to OPA: ASCII digits only, within
    64 bits (a longer number is a string key there, and made rego-cpp's stoll throw)."""
    if not ASCII_DIGITS.fullmatch(segment) or len(segment) > 19:
        return None
    index = int(segment)
    return index if index <= MAX_INDEX else None


def data_ref(segments: list[str]) -> str:
    """`data` plus the URL path as a Rego ref, as OPA reads it (numbers index arrays, any
    other segment, "²" included, is a string key)."""
    ref = "data"
    for segment in segments:
        if '"' in segment:
            raise ApiError(400, "invalid_parameter", f"invalid path: invalid ref term '{segment}'")
        index = array_index(segment)
        if index is not None:
            ref += f"[{index}]"
        elif IDENTIFIER.match(segment) and segment not in KEYWORDS:
            ref += f".{segment}"
        else:
            ref += f"[{json.dumps(segment, ensure_ascii=False)}]"
    return ref


def split_path(path: str) -> list[str]:
    return [part for part in path.split("/") if part]
