"""Commands for the standard's controls: list them, run their test cases, lint them.

Named apart from `pyrules.standard`, which loads a standard.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pyrules.cli.base import (
    EXIT_NONCOMPLIANT,
    EXIT_OK,
    cases_option,
    engine_options,
    file_option,
    handles_input_errors,
    main,
    standard_from,
    standard_option,
    terminal_width,
)


@main.command()
@click.argument("control_ids", metavar="[ID]...", nargs=-1)
@standard_option
@click.option("--format", "format_name", type=click.Choice(["table", "json"]), default="table")
@click.option("--site-url", help="Where the site is published [default: standard/about.yaml].")
@handles_input_errors
def controls(
    control_ids: tuple[str, ...], standard_dir: Path | None, format_name: str, site_url: str | None
) -> None:
    """List the controls of the standard; with IDs, where each one's policy, test cases and
    docs page are."""
    from pyrules.locate import control_files
    from pyrules.site_url import resolve_site_url

    standard = standard_from(standard_dir)
    chosen = list(standard.controls)
    if control_ids:
        known = {c.id: c for c in standard.controls}
        unknown = [i for i in control_ids if i.upper() not in known]
        if unknown:
            raise click.BadParameter(
                f"{', '.join(unknown)}: this standard has no such control", param_hint="ID"
            )
        chosen = [known[i.upper()] for i in control_ids]
    site = resolve_site_url(site_url, standard.root)
    if format_name == "json":
        import json
        from dataclasses import asdict

        listed = [
            {**asdict(c), "files": control_files(standard, c, site).as_dict()} for c in chosen
        ]
        click.echo(json.dumps(listed, indent=2))
        return
    if control_ids:
        for c in chosen:
            files = control_files(standard, c, site)
            click.echo(f"{c.id}  {c.title}")
            click.echo(f"  policy: {files.policy}")
            click.echo(f"  cases:  {files.cases or '(none shipped with this standard)'}")
            click.echo(f"  docs:   {files.docs}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"EDHS {standard.version}: {len(standard.controls)} controls")
    for column in ("ID", "Severity", "Applies", "ACEEEO", "Basis", "Title"):
        table.add_column(column, no_wrap=column != "Title")
    for c in chosen:
        table.add_row(
            c.id,
            c.severity,
            c.applies_when.rstrip("."),
            ", ".join(c.aceeeo),
            c.basis or "?",
            c.title,
        )
    Console(width=max(100, terminal_width())).print(table)
    click.echo("Where a control's policy, test cases and docs page are: pyrules controls ID")


@main.command("test")
@standard_option
@cases_option("Directory of test cases and reference.yaml")
@click.option("--control", "control_ids", multiple=True, help="Run only this control's cases.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failing cases and the total.")
@click.option(
    "--coverage",
    is_flag=True,
    help="Also measure the Rego lines the cases exercise (OPA's engine); fail below the "
    "threshold of --coverage-config.",
)
@file_option(
    "--coverage-config",
    help_text="Threshold and excused lines [default: coverage.yaml beside the cases directory].",
)
@engine_options
@handles_input_errors
def test_command(
    standard_dir: Path | None,
    cases_dir: Path | None,
    control_ids: tuple[str, ...],
    quiet: bool,
    coverage: bool,
    coverage_config: Path | None,
    engine: str | None,
    opa_url: str | None,
) -> None:
    """Run every control's test cases through the engine."""
    from pyrules.testcases import CaseRunner, default_cases_dir, load_cases

    standard = standard_from(standard_dir)
    cases_dir = cases_dir or default_cases_dir()
    reference, cases = load_cases(cases_dir)
    if control_ids:
        cases = [c for c in cases if c.control_id in control_ids]
    passed = failed = 0
    for outcome in CaseRunner(standard, engine, opa_url).run(reference, cases):
        case = outcome.case
        if outcome.ok:
            passed += 1
            if not quiet:
                click.echo(f"ok   {case.control_id} {case.name}")
        else:
            failed += 1
            click.echo(f"FAIL {case.control_id} {case.name}\n     {case.where}: {outcome.detail}")
    covered = True
    if coverage:
        from pyrules import coverage as rego_coverage

        config = rego_coverage.load_config(coverage_config or cases_dir.parent / "coverage.yaml")
        report = rego_coverage.measure(standard, reference, cases, config)
        if control_ids:  # lib/ is measured on every case, so only on a full run
            report.controls = {k: v for k, v in report.controls.items() if k in control_ids}
            report.lib = {}
        for line in rego_coverage.render(report, quiet=quiet):
            click.echo(line)
        covered = not report.below()
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_OK if failed == 0 and passed > 0 and covered else EXIT_NONCOMPLIANT)


@main.command("lint")
@standard_option
@cases_option("Directory of test cases")
@file_option(
    "--catalogue",
    help_text="The catalogue the controls must match [default: standard/catalogue.md if present].",
)
@click.option(
    "--since",
    metavar="REV",
    help="An earlier version (git revision, directory or bundle; 'release': the newest release "
    "in standard/releases.yaml that names a revision): fail when the standard changed "
    "since then without a higher version, or a breaking change without a major version "
    "bump (a minor one while the major is 0).",
)
@handles_input_errors
def lint_command(
    standard_dir: Path | None, cases_dir: Path | None, catalogue: Path | None, since: str | None
) -> None:
    """Check the standard itself: METADATA, catalogue, cases, paths, parameters, and with
    --since the version number against what changed."""
    from pyrules.lint import lint
    from pyrules.testcases import default_cases_dir

    standard = standard_from(standard_dir)
    default_catalogue = Path("standard") / "catalogue.md"
    if catalogue is None and default_catalogue.is_file():
        catalogue = default_catalogue
    problems = lint(standard, cases_dir or default_cases_dir(), catalogue)
    if since is not None:
        from pyrules.lint import semver_problems
        from pyrules.releases import last_released, standard_at

        if since == "release":
            since = last_released(standard.root)
        if since is None:
            click.echo("no release names a revision yet: the version is not checked")
        else:
            problems += semver_problems(standard_at(since, standard.root), standard)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(standard.controls)} controls checked, {len(problems)} problems")
    sys.exit(EXIT_NONCOMPLIANT if problems else EXIT_OK)
