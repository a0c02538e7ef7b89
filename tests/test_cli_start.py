"""What `pyrules check` imports on its way: the start-up cost users pay on every run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from helpers import EXAMPLES, ROOT

from pyrules.cli import main
from pyrules.cli.base import CLI_MODULES, COMMAND_MODULES, load_commands


def test_every_command_is_found_in_the_module_the_table_names() -> None:
    load_commands()
    context = click.Context(main)
    assert set(main.list_commands(context)) == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        command = main.get_command(context, name)
        assert command is not None and command.callback is not None, name
        assert command.callback.__module__ == f"pyrules.cli.{module}", name
    assert set(COMMAND_MODULES.values()) == set(CLI_MODULES)


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh `pyrules ARGS` had imported when it exited."""
    listing = tmp_path / "modules.json"
    code = (
        "import atexit, json, pathlib, sys\n"
        f"listing = pathlib.Path({str(listing)!r})\n"
        "atexit.register(lambda: listing.write_text(json.dumps(list(sys.modules))))\n"
        "from pyrules.cli import main\n"
        f"main({list(args)!r})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return set(json.loads(listing.read_text()))


def test_check_imports_neither_pydantic_nor_other_commands(tmp_path: Path) -> None:
    modules = imported_by(
        tmp_path, "check", str(EXAMPLES / "kestrel-video.yaml"), "--format", "json"
    )
    assert "pyrules.cli.check" in modules and "pyrules.render.json" in modules
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")}
    others = {f"pyrules.cli.{m}" for m in CLI_MODULES if m != "check"}
    assert not modules & others, modules & others


def test_a_warm_check_neither_parses_policies_nor_reads_package_metadata(tmp_path: Path) -> None:
    # The parsed standard comes from the cache once a run has filled it; the OPA binding's
    # version from its dist-info folder (importing importlib.metadata costs more than the
    # evaluation).
    args = ("check", str(EXAMPLES / "kestrel-video.yaml"), "--format", "json")
    imported_by(tmp_path, *args)
    modules = imported_by(tmp_path, *args)
    assert "pyrules.standard" in modules
    assert not {"pyrules.rego_source", "importlib.metadata"} & modules
    # The site URL is read alone: building about.yaml's records is for docs and citations.
    assert "pyrules.site_url" in modules and "pyrules.about" not in modules
