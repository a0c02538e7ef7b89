"""One site for every docs test: built once per session through the CLI, as `make docs` does.

The build reads the repository's own standard, test cases and docs/, so these tests follow
the standard as controls are added: nothing here names a control except INC-01, the
standard's first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pyrules.cli import main
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CASES = ROOT / "tests" / "cases"
ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class Built:
    standard: Standard
    sources: Path  # the generated MkDocs sources (mkdocs.yml and docs/)
    site: Path
    output: str

    @property
    def pages(self) -> dict[str, str]:
        """Every generated Markdown page, by path relative to docs/."""
        docs = self.sources / "docs"
        return {
            p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs.rglob("*.md"))
        }


def build_with_cli(sources: Path, site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "docs",
            "build",
            "--standard",
            str(ROOT),
            "--cases",
            str(CASES),
            "--docs",
            str(DOCS),
            "--sources",
            str(sources),
            "--out",
            str(site),
        ],
    )
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("docs")
    code, output = build_with_cli(base / "src", base / "site")
    assert code == 0, output
    return Built(load_standard(ROOT), base / "src", base / "site", output)
