"""`pyrules diff OLD NEW`: what changed between two versions of the standard, and what the
change (or a draft profile) would do to the platforms already assessed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from pyrules.cli.base import (
    dir_option,
    engine_options,
    fail_on_option,
    file_option,
    handles_input_errors,
    main,
    make_limits,
    max_bytes_option,
    profile_from,
    write_output,
)
from pyrules.defaults import DIFF_FORMATS

if TYPE_CHECKING:
    from pyrules.impact import Side
    from pyrules.standard import Standard


@main.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(DIFF_FORMATS),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@file_option("--output", help_text="Write the diff to this file [default: stdout].")
@dir_option(
    "--repo",
    help_text="The git repository OLD and NEW revisions are read from.",
    default=Path("."),
)
@click.option(
    "--declarations",
    "declarations",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A folder (or file) of declarations to check under both: which statuses change.",
)
@file_option("--profile", "profile_path", help_text="A profile applied on both sides.")
@file_option("--old-profile", help_text="A profile for the OLD side only (the one in force).")
@file_option("--new-profile", help_text="A profile for the NEW side only (a draft).")
@fail_on_option
@max_bytes_option
@engine_options
@handles_input_errors
def diff(
    old: str,
    new: str,
    format_name: str,
    output: Path | None,
    repo: Path,
    declarations: tuple[Path, ...],
    profile_path: Path | None,
    old_profile: Path | None,
    new_profile: Path | None,
    fail_on: str,
    max_bytes: int | None,
    engine: str,
    opa_url: str,
) -> None:
    """Compare standard versions OLD and NEW (each a standard directory, a bundle archive,
    or a git revision of --repo): controls, parameters and declaration schema, each
    change classified as breaking or not.

    With --declarations, every declaration is checked under both, and the controls whose
    status would change are listed per platform. To weigh a draft profile, compare a
    version with itself: pyrules diff . . --declarations DIR --new-profile draft.yaml
    """
    from pyrules.diff import diff_standards
    from pyrules.errors import InputError
    from pyrules.releases import standard_at
    from pyrules.render.diff import render_diff

    if profile_path and (old_profile or new_profile):
        raise InputError("--profile applies to both sides; use it without --old/--new-profile")
    old_standard, new_standard = standard_at(old, repo), standard_at(new, repo)
    changes = diff_standards(old_standard, new_standard)
    impact = None
    if declarations:
        from pyrules.evaluate import Checker
        from pyrules.impact import Side, assess_impact

        limits = make_limits(max_bytes)

        def side(standard: Standard, path: Path | None) -> Side:
            profile = profile_from(path, standard, limits)
            label = f"EDHS {standard.version}" + (f" + profile {profile.name}" if profile else "")
            checker = Checker.for_standard(
                standard,
                profile=profile,
                engine=engine,
                opa_url=opa_url,
                limits=limits,
                fail_on=fail_on,
            )
            return Side(standard, checker, label)

        impact = assess_impact(
            side(old_standard, profile_path or old_profile),
            side(new_standard, profile_path or new_profile),
            declarations,
            limits,
        )
    write_output(render_diff(format_name, changes, impact), output)
