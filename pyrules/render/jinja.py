"""pyrules' HTML templates (`pyrules/render/templates/`), compiled once per machine.

Compiling a template costs more than rendering several reports with it: 18 ms for the
report's, 14 ms for the matrix's, paid by every `check --format html` and by each `assess`
worker as it starts. Jinja's bytecode cache keeps the compiled code in pyrules' cache
(`pyrules.cache`), under the template's name, its source and how it is compiled, so a
changed template is compiled afresh. As for every entry of that cache, a missing,
damaged or unwritable one costs time, never a page: a digest written with the code is
checked before Jinja reads it. Unlike the cache's other entries, these are code that runs:
they are read only from a folder that this user owns and that no one else may write to
(as Python's own bytecode, anyone who could write there could run code as the assessor).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.bccache import Bucket

CACHE_PATTERN = "template-*.jinja"
CACHE_KEEP = 32  # the six templates of a few pyrules versions


@cache
def template(name: str, *, trailing_newline: bool = True) -> Template:
    """The template `name`, autoescaping and strict about undefined names."""
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    environment = Environment(
        loader=FunctionLoader(_source),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=trailing_newline,
        bytecode_cache=_bytecode_cache(f"trailing_newline={trailing_newline}"),
    )
    return environment.get_template(name)


def _source(name: str) -> str:
    return files("pyrules.render").joinpath("templates", name).read_text("utf-8")


def _bytecode_cache(compiled_as: str) -> object:
    """A Jinja bytecode cache in pyrules' cache folder (a class made here: Jinja is not
    imported until a template is asked for)."""
    from jinja2.bccache import BytecodeCache

    from pyrules.cache import read_entry, write_entry

    class Cache(BytecodeCache):
        def _entry(self, bucket: Bucket) -> Path | None:
            folder = private_cache_dir()
            if folder is None:
                return None
            key = hashlib.sha256(f"{bucket.key} {bucket.checksum} {compiled_as}".encode())
            return folder / CACHE_PATTERN.replace("*", key.hexdigest())

        def load_bytecode(self, bucket: Bucket) -> None:
            entry = self._entry(bucket)
            data = read_entry(entry) if entry is not None else None
            if data is None:
                return
            digest, _, code = data.partition(b"\n")
            if hashlib.sha256(code).hexdigest().encode() != digest:
                return
            try:
                bucket.bytecode_from_string(code)  # Jinja checks its version and the source's
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            entry = self._entry(bucket)
            if entry is not None:
                code = bucket.bytecode_to_string()
                digest = hashlib.sha256(code).hexdigest().encode()
                write_entry(entry, digest + b"\n" + code, CACHE_PATTERN, CACHE_KEEP)

    return Cache()


def private_cache_dir() -> Path | None:
    """pyrules' cache folder when compiled code may be kept there: it does not exist yet
    (it is then made for this user), or this user owns it and only they may write to it.
    None otherwise, and without a home."""
    from pyrules.cache import default_cache_dir

    try:
        folder = default_cache_dir()
        status = os.stat(folder)
    except FileNotFoundError:
        return folder
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home
        return None
    owner = getattr(os, "getuid", None)
    if owner is not None and status.st_uid != owner():
        return None
    return None if status.st_mode & 0o022 else folder
