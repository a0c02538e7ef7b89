"""Where a control lives, from its ID: its policy, its test cases and its docs page.

A committee member or an assessor who reads `INC-01` in a report reaches each of the three
in one step (`pyrules controls INC-01`): the policy file is named by the ID
(policies/edhs/inc/inc_01_breach_notification.rego, which `pyrules lint` holds), the cases
are tests/cases/INC-01.yaml, and the docs page is controls/inc/inc-01/ of the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyrules.model import Control
    from pyrules.standard import Standard

LOCAL_SITE = "site/"  # where `pyrules docs build` writes the site when none is published


@dataclass(frozen=True)
class ControlFiles:
    policy: str
    cases: str  # '' when the standard ships no cases (a bundle archive)
    docs: str

    def as_dict(self) -> dict[str, str]:
        return {"policy": self.policy, "cases": self.cases, "docs": self.docs}


def control_files(standard: Standard, control: Control, site_url: str) -> ControlFiles:
    """The three places of a control; paths are relative to the working directory when
    they lie below it, and the docs page is on the published site, else the local build."""
    from pyrules.render import RenderContext, control_url

    cases = standard.root / "tests" / "cases" / f"{control.id}.yaml"
    return ControlFiles(
        policy=_shown(standard.root / "policies" / control.source),
        cases=_shown(cases) if cases.is_file() else "",
        docs=control_url(RenderContext(docs_url=site_url or LOCAL_SITE), control.id),
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
