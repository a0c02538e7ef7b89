"""The package's imports run one way: no module reaches back to one that imports it.

grimp reads every import statement, at module level and inside functions (and under
TYPE_CHECKING), so a cycle hidden in a lazy import shows too.
"""

from __future__ import annotations

import graphlib
import textwrap
from pathlib import Path

import grimp
import pytest


def import_cycle(package: str) -> list[str] | None:
    """One cycle of the package's import graph, importer first, or None."""
    graph = grimp.build_graph(package, cache_dir=None)
    imported_by = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    try:
        graphlib.TopologicalSorter(imported_by).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))
    return None


def test_pyrules_has_no_import_cycle() -> None:
    cycle = import_cycle("pyrules")
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_through_a_function_level_import_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "cyclic_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic_pkg import b\n")
    (package / "b.py").write_text(
        textwrap.dedent(
            """
            def later():
                from cyclic_pkg import a
                return a
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    cycle = import_cycle("cyclic_pkg")
    assert cycle is not None
    assert set(cycle) == {"cyclic_pkg.a", "cyclic_pkg.b"}
    assert cycle[0] == cycle[-1]


def test_serve_reaches_regopy_only_through_the_engine_package() -> None:
    # regopy's private handles and its ctypes layer are the engine package's business
    # (pyrules.engine.embedded owns regopy's workarounds), so serve cannot depend on them.
    import ast

    import pyrules.serve

    for path in sorted(Path(pyrules.serve.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "regopy.rego_shared", f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
                assert "regopy.rego_shared" not in names, f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Attribute):
                assert node.attr != "_impl", f"{path.name}:{node.lineno}"
