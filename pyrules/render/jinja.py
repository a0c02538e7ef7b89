"""pyrules' HTML templates (`pyrules/render/templates/`), compiled once per machine.

Compiling a template costs more than rendering several reports with it: 18 ms for the
report's, 14 ms for the matrix's, paid by every `check --format html` and by each `assess`
worker as it starts. Jinja's bytecode cache keeps the compiled code in pyrules' cache
(`pyrules.cache`), under the template's name, its source and how it is compiled, so a
changed template is compiled afresh. As for every entry of that cache, a missing,
damaged or unwritable one costs time, never a page. Unlike the cache's other entries,
these are code that runs: they are read only from a folder that this user owns and that
no one else may write to (`pyrules.cache.private_cache_dir`; as with Python's own bytecode,
anyone who could write there could run code as the assessor).
"""

from __future__ import annotations

import hashlib
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

    from pyrules.cache import private_cache_dir, read_entry, write_entry

    class Cache(BytecodeCache):
        def _entry(self, bucket: Bucket) -> Path | None:
            folder = private_cache_dir()
            if folder is None:
                return None
            key = hashlib.sha256(f"{bucket.key} {bucket.checksum} {compiled_as}".encode())
            return folder / CACHE_PATTERN.replace("*", key.hexdigest())

        def load_bytecode(self, bucket: Bucket) -> None:
            entry = self._entry(bucket)
            code = read_entry(entry) if entry is not None else None
            if code is None:
                return
            try:
                bucket.bytecode_from_string(code)  # Jinja checks its version and the source's
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            entry = self._entry(bucket)
            if entry is not None:
                write_entry(entry, bucket.bytecode_to_string(), CACHE_PATTERN, CACHE_KEEP)

    return Cache()
