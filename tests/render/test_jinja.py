"""Templates are compiled once per machine: the next process reads the compiled code from
pyrules' cache, and a damaged or unwritable cache costs time, never a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment

import pyrules.cache
from pyrules.render import jinja

NAME = "index.html.j2"


def render(name: str = NAME, **options: bool) -> str:
    return jinja.template(name, **options).render(
        rounds=[], tool_version="0", groups=lambda _reasons: []
    )


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own, and templates compiled as a new process would."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PYRULES_CACHE_DIR", str(folder))
    jinja.template.cache_clear()
    yield folder
    jinja.template.cache_clear()


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(jinja.CACHE_PATTERN))


def compiled_afresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    compiled: list[str] = []
    compile_source = Environment.compile

    def counting(self: Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return compile_source(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", counting)
    return compiled


def assert_compiled_afresh(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    """A new process compiles the template from its source, and it renders the same page."""
    jinja.template.cache_clear()
    compiled = compiled_afresh(monkeypatch)
    assert render() == page
    assert compiled == [NAME]


def test_the_next_process_reads_the_compiled_template(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = render()
    assert len(entries(cache)) == 1
    jinja.template.cache_clear()  # as a new process
    compiled = compiled_afresh(monkeypatch)
    assert render() == page
    assert compiled == []


def test_how_a_template_is_compiled_is_part_of_its_entry(cache: Path) -> None:
    assert render(trailing_newline=True) != render(trailing_newline=False)
    assert len(entries(cache)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short: the digest no longer matches
        lambda data: b"0" * 64 + b"\n" + data.partition(b"\n")[2],  # another digest
        lambda data: b"",
    ],
    ids=["cut", "wrong-digest", "empty"],
)
def test_a_damaged_entry_is_compiled_afresh(
    cache: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    page = render()
    (entry,) = entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert_compiled_afresh(monkeypatch, page)


def test_code_jinja_cannot_read_is_compiled_afresh(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry whose digest holds but whose code is not Jinja's (another Jinja's, say)."""
    import hashlib

    page = render()
    (entry,) = entries(cache)
    code = b"not a pickle, not marshalled code"
    entry.write_bytes(hashlib.sha256(code).hexdigest().encode() + b"\n" + code)
    assert_compiled_afresh(monkeypatch, page)


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PYRULES_CACHE_DIR", str(blocker / "cache"))  # below a file
    jinja.template.cache_clear()
    try:
        assert render().startswith("<!DOCTYPE html>")
    finally:
        jinja.template.cache_clear()


def test_a_folder_others_may_write_to_is_not_trusted_with_code(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled templates are code that runs: one planted in a folder another user may
    write to (a shared PYRULES_CACHE_DIR, say) is never read, so never run."""
    page = render()
    assert (cache.stat().st_mode & 0o777) == 0o700  # made for this user alone
    cache.chmod(0o777)
    assert_compiled_afresh(monkeypatch, page)


def test_a_folder_of_another_user_is_not_trusted_with_code(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = render()
    monkeypatch.setattr(pyrules.cache.os, "getuid", lambda: cache.stat().st_uid + 1)
    assert_compiled_afresh(monkeypatch, page)
