"""Defaults that both the command line (in its --help) and the modules doing the work use.

They live here, in a module that imports nothing from pyrules, so the CLI can show them
without importing the server or the docs builder at start-up: one place to change them.
"""

from __future__ import annotations

from pathlib import Path

SERVE_ADDR = "127.0.0.1:8181"
SERVE_MAX_BODY = 10 * 1024 * 1024  # the declaration loader's own limit
SERVE_MAX_NODES = 50_000  # values in one request body; a full declaration has a few hundred
SERVE_MAX_CONCURRENT = 4  # requests past their headers at once; the rest wait their turn
SERVE_MAX_POLICY = 64 * 1024  # one policy module, with --allow-writes
SERVE_COMPILE_SECONDS = 10.0  # compiling the policies after a write, with --allow-writes

DOCS_DIR = Path("docs")
DOCS_SOURCES = Path("build") / "docs-src"
DOCS_SITE = Path("site")

DIFF_FORMATS = ("markdown", "html", "json")  # pyrules diff --format
