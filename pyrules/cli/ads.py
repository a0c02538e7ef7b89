"""`pyrules ads generate` and `pyrules audit-ads`: a platform's ad repository export as
evidence for or against the claims of its declaration."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pyrules.ads.formats import LAYOUTS  # plain data: light to import at start-up
from pyrules.ads.rules import DIALECTS
from pyrules.cli.base import (
    EXIT_NONCOMPLIANT,
    EXIT_OK,
    fail_on_option,
    file_option,
    handles_input_errors,
    load_declaration,
    main,
    max_bytes_option,
    profile_option,
    standard_inputs,
    standard_option,
    write_output,
)
from pyrules.errors import InputError


@main.group()
def ads() -> None:
    """Synthetic ad-repository exports for tests and benchmarks."""


@ads.command("generate")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("ads-export.parquet"),
    show_default=True,
    help="Export to write: .parquet, .csv or .jsonl; the planted record goes beside it.",
)
@click.option("--count", type=click.IntRange(min=0), default=10_000, show_default=True, help="Ads.")
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Same count and seed, same file."
)
@click.option(
    "--profile",
    type=click.Choice(["realistic", "faulty"]),
    default="faulty",
    show_default=True,
    help="faulty plants violations of every evidence rule; realistic plants none at the "
    "standard's defaults.",
)
@click.option(
    "--layout",
    type=click.Choice(["edhs", "google"]),
    default="edhs",
    show_default=True,
    help="google: Google's layout, one row per ad and region (audit it with --layout google).",
)
@handles_input_errors
def generate_command(out: Path, count: int, seed: int, profile: str, layout: str) -> None:
    """Write a synthetic export in the ad-record layout, or Google's (no real data)."""
    from pyrules.ads import require

    require()
    from pyrules.ads.generate import generate, planted_path

    planted = generate(out, count, seed, profile, layout)
    rows = f" in {planted['rows']:,} rows" if planted["rows"] != count else ""
    click.echo(f"{out}: {count:,} ads{rows} ({profile}, seed {seed}); planted: {planted_path(out)}")


@main.command("audit-ads")
@click.argument("export", required=False, type=click.Path(dir_okay=False, path_type=Path))
@file_option(
    "--declaration",
    "declaration_path",
    required=True,
    help_text="The platform's declaration whose claims the export is checked against.",
)
@profile_option
@standard_option
@click.option(
    "--layout",
    type=click.Choice(list(LAYOUTS)),
    default="edhs",
    show_default=True,
    help="Column layout of the export: the EDHS ad record, Meta's Ad Library API fields, "
    "or Google's Ads Transparency Center creative_stats (one row per ad and region).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="html: the declaration's full report with the evidence beside the claims.",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option(
    "--print-sql",
    "dialect",
    type=click.Choice(DIALECTS),
    help="Print the compiled query of each rule in this SQL dialect, for another engine, "
    "and stop (no EXPORT needed).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr [default: when stderr is a terminal].",
)
@fail_on_option
@max_bytes_option
@handles_input_errors
def audit_ads(
    export: Path | None,
    declaration_path: Path,
    profile_path: Path | None,
    standard_dir: Path | None,
    layout: str,
    format_name: str,
    output: Path | None,
    dialect: str | None,
    progress: bool | None,
    fail_on: str,
    max_bytes: int | None,
) -> None:
    """Check EXPORT, a platform's political-ad repository export (.parquet, .csv, .jsonl),
    against the claims of its declaration, rule by rule. Exit 1 when the evidence
    contradicts a claim of a control at or above --fail-on."""
    from pyrules.ads import require

    require()
    from pyrules.schema import validate_declaration

    standard, limits, profile = standard_inputs(standard_dir, profile_path, max_bytes)
    document = load_declaration(declaration_path, limits)
    problems = validate_declaration(document, standard)
    if problems:
        raise InputError(document.located(problems[0].pointer, problems[0].message))
    if dialect is not None:
        params = profile.params(standard.params) if profile else standard.params
        write_output(_sql_listing(standard, params, document.data, dialect), output)
        return
    if export is None:
        raise InputError("name the EXPORT to audit (or ask for --print-sql DIALECT)")
    from pyrules.ads.audit import audit

    show = sys.stderr.isatty() if progress is None else progress
    with _progress_bar(show) as tick:
        result = audit(
            export,
            layout,
            standard,
            document.data,
            declaration_path.name,
            profile,
            progress=tick,
        )
    write_output(_render(result, format_name, standard, profile, document, fail_on), output)
    from pyrules.levels import severity_rank

    blocking = any(
        r.status == "fail" and severity_rank(r.severity) >= severity_rank(fail_on)
        for r in result.results
    )
    sys.exit(EXIT_NONCOMPLIANT if blocking else EXIT_OK)


def _sql_listing(standard: Any, params: dict[str, Any], declaration: Any, dialect: str) -> str:
    from pyrules.ads.audit import compile_all

    lines = [
        f"-- EDHS {standard.version} evidence rules, {dialect}; table ads with the ad-record "
        "columns; each ad counts once, however many rows (regions) it has"
    ]
    for item in compile_all(standard, params, declaration, dialect):
        rule = item.rule
        lines.append(f"-- {rule.control_id} {rule.name}: {rule.title}")
        condition = "FALSE" if item.condition is None else item.condition
        lines.append(f"SELECT count(DISTINCT ad_id) AS violating FROM ads WHERE {condition};")
    return "\n".join(lines) + "\n"


def _render(
    result: Any, format_name: str, standard: Any, profile: Any, document: Any, fail_on: str
) -> str:
    from pyrules.ads import render

    if format_name == "html":
        from pyrules.evaluate import Checker
        from pyrules.render import renderer

        checker = Checker.for_standard(standard, profile=profile, fail_on=fail_on)
        report = checker.check_document(document)
        return renderer("html")(report, render.report_context(document.text, result))
    return {"text": render.text, "json": render.json_text, "markdown": render.markdown}[
        format_name
    ](result)


@contextmanager
def _progress_bar(show: bool) -> Iterator[Callable[[float], None] | None]:
    """A bar on stderr driven by DuckDB's query progress; nothing when not shown, so logs
    and pipes get no escape codes."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("scanning ads"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,  # redrawn when DuckDB reports progress, not ten times a second
    ) as bar:
        task = bar.add_task("scan", total=100)
        yield lambda percent: bar.update(task, completed=percent, refresh=True)
