"""Shared pytest helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


class KeepDatesLoader(yaml.SafeLoader):
    """A SafeLoader that leaves YAML 1.1 timestamps as strings.

    PyYAML turns an unquoted ``2026-10-01`` into a ``datetime.date``, which neither JSON
    Schema (``format: date`` expects a string) nor the policy engine understands. The
    declaration model writes dates as plain ``YYYY-MM-DD`` strings, so the timestamp
    resolver is dropped; everything else resolves as in ``yaml.safe_load``.
    """


KeepDatesLoader.yaml_implicit_resolvers = {
    first_char: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml_keep_dates(source: Path | str) -> Any:
    """Load YAML from a file (``Path``) or from text (``str``), keeping dates as strings."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return yaml.load(text, Loader=KeepDatesLoader)  # a SafeLoader subclass


@pytest.fixture
def load_yaml_keep_dates() -> Callable[[Path | str], Any]:
    """Return a loader like ``yaml.safe_load`` that keeps ``YYYY-MM-DD`` as strings.

    Pass a ``Path`` to read a file, or a ``str`` of YAML text.
    """
    return _load_yaml_keep_dates
