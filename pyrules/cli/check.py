"""`pyrules check` and `pyrules validate`: one platform's declaration."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from pyrules.cli.base import (
    EXIT_INPUT,
    EXIT_NONCOMPLIANT,
    EXIT_OK,
    PathType,
    as_of_option,
    echo_problems,
    engine_options,
    fail_on_option,
    file_option,
    format_outputs,
    handles_input_errors,
    load_declaration,
    main,
    make_limits,
    max_bytes_option,
    profile_option,
    signer_from,
    site_url_option,
    standard_from,
    standard_inputs,
    standard_option,
    today_option,
    use_color,
    write_output,
)
from pyrules.errors import InputError
from pyrules.render import FORMATS


@main.command()
@click.argument(
    "declarations", nargs=-1, required=True, type=PathType(path_type=Path, dir_okay=True)
)
@standard_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Report format; repeat with --output to write several reports from one run.",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    type=PathType(dir_okay=False, path_type=Path),
    help="Write the report to this file (one per --format).",
)
@fail_on_option
@click.option("--color/--no-color", default=None, help="Colour the text report.")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only what fails: no text report for a compliant declaration, no summary "
    "line on stderr with --output.",
)
@max_bytes_option
@file_option(
    "--waivers",
    "waivers_path",
    help_text="Waiver file: accepted exceptions with justification and expiry.",
)
@today_option
@as_of_option
@profile_option
@file_option(
    "--sign",
    "sign_key",
    help_text="Ed25519 private key (pyrules keygen): write a signed attestation of the report.",
)
@file_option(
    "--attestation",
    help_text="Where --sign writes the attestation [default: next to --output, as .intoto.json].",
)
@file_option("--bundle", help_text="The standard as an OPA bundle archive (pyrules bundle build).")
@file_option(
    "--verification-key",
    help_text="Public key (PEM) a signed bundle must verify with "
    "[default: $PYRULES_VERIFICATION_KEY].",
)
@engine_options
@site_url_option
@handles_input_errors
def check(
    declarations: tuple[Path, ...],
    standard_dir: Path | None,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    fail_on: str,
    color: bool | None,
    quiet: bool,
    max_bytes: int | None,
    waivers_path: Path | None,
    today: datetime | None,
    as_of: datetime | None,
    bundle: Path | None,
    verification_key: Path | None,
    engine: str | None,
    opa_url: str | None,
    profile_path: Path | None,
    sign_key: Path | None,
    attestation: Path | None,
    site_url: str | None,
) -> None:
    """Check DECLARATIONS against the standard (several only with the text format, as a
    pre-commit hook passes them)."""
    from pyrules.evaluate import Checker, check_declaration
    from pyrules.render import RenderContext

    pairs = format_outputs(formats, outputs)
    if len(declarations) > 1 and pairs != [("text", None)]:
        raise InputError("several declarations need the text format on stdout; run check per file")
    attestation = attestation_path(sign_key, attestation, declarations, pairs)
    standard, limits, profile = standard_inputs(
        standard_location(standard_dir, bundle), profile_path, max_bytes, verification_key
    )
    from pyrules.site_url import resolve_site_url

    docs_url = resolve_site_url(site_url, standard.root)
    waivers = None
    if waivers_path is not None:
        from pyrules.waivers import load_waivers

        waivers = load_waivers(waivers_path, [c.id for c in standard.controls], limits)
    checker = Checker.for_standard(
        standard,
        profile=profile,
        as_of=as_of.date() if as_of else None,
        engine=engine,
        opa_url=opa_url,
        fail_on=fail_on,
        today=today.date() if today else None,
        limits=limits,
        waivers=waivers,
    )
    signer = signer_from(sign_key)
    contexts = {  # only a report on stdout is coloured (several formats each have a file)
        format_name: RenderContext(
            use_color(color) if output is None and format_name == "text" else False,
            docs_url=docs_url,
            quiet=quiet,
        )
        for format_name, output in pairs
    }
    exit_code = EXIT_OK
    for declaration in declarations:  # a pre-commit hook passes several: check them all
        checked = check_declaration(
            checker, declaration, contexts, signer=signer, attestation=attestation
        )
        if checked.report is None:
            echo_problems(list(checked.problems), str(declaration))
            exit_code = EXIT_INPUT
            continue
        for format_name, output in pairs:
            write_output(checked.rendered[format_name], output)
        written = [f"{output} ({format_name})" for format_name, output in pairs if output]
        if written and not quiet:
            from pyrules.render.text import headline

            click.echo(f"{headline(checked.report)}; report: {', '.join(written)}", err=True)
        if exit_code == EXIT_OK:
            exit_code = checked.exit_code
    sys.exit(exit_code)


@main.command()
@click.argument("declarations", nargs=-1, required=True, type=PathType(path_type=Path))
@standard_option
@max_bytes_option
@handles_input_errors
def validate(
    declarations: tuple[Path, ...], standard_dir: Path | None, max_bytes: int | None
) -> None:
    """Validate DECLARATIONS against the declaration schema only."""
    from pyrules.loader import LoadError
    from pyrules.schema import unanswered, validate_declaration

    standard = standard_from(standard_dir)
    limits = make_limits(max_bytes)
    bad = False
    for path in declarations:
        try:
            document = load_declaration(path, limits)
        except LoadError as exc:
            click.echo(str(exc), err=True)
            bad = True
            continue
        problems = validate_declaration(document, standard)
        echo_problems([document.located(p.pointer, p.message) for p in problems], str(path))
        if problems:
            bad = True
        else:
            todos = len(unanswered(document))
            left = f" ({todos} TODO{'s' * (todos > 1)} left: check refuses it)" if todos else ""
            click.echo(f"{path}: valid against EDHS {standard.version} declaration schema{left}")
    sys.exit(EXIT_INPUT if bad else EXIT_OK)


def attestation_path(
    key: Path | None,
    attestation: Path | None,
    declarations: tuple[Path, ...],
    pairs: list[tuple[str, Path | None]],
) -> Path | None:
    """Next to the JSON report when there is one (the attestation signs the JSON report, and
    `verify --report` compares it byte for byte), else next to the first report file; with
    the report on stdout, ask."""
    if key is None:
        if attestation is not None:
            raise InputError("--attestation needs --sign KEY")
        return None
    if len(declarations) > 1:
        raise InputError("--sign attests one declaration; run check per file")
    if attestation is not None:
        return attestation
    written = [(f, o) for f, o in pairs if o is not None]
    output = next((o for f, o in written if f == "json"), written[0][1] if written else None)
    if output is None:
        raise InputError("--sign with the report on stdout needs --attestation FILE")
    return output.with_name(output.stem + ".intoto.json")


def standard_location(standard_dir: Path | None, bundle: Path | None) -> Path | None:
    if standard_dir is not None and bundle is not None:
        raise InputError("give --standard or --bundle, not both")
    return bundle if bundle is not None else standard_dir


@main.command()
@click.option("--vlop", is_flag=True, help="The platform is a very large online platform (DSA).")
@click.option("--political-ads", is_flag=True, help="The platform accepts political ads.")
@click.option(
    "--jurisdiction",
    "jurisdictions",
    multiple=True,
    metavar="XX",
    help="A country (ISO 3166-1 alpha-2) whose elections the declaration covers; repeat it.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the starter here (an existing file is refused) [default: stdout].",
)
@standard_option
@handles_input_errors
def init(
    vlop: bool,
    political_ads: bool,
    jurisdictions: tuple[str, ...],
    out: Path | None,
    standard_dir: Path | None,
) -> None:
    """Write a starter declaration: every field, what it means, which controls read it,
    and TODO where the platform must answer (check refuses it until none is left)."""
    from pyrules.starter import StarterOptions, starter_declaration

    options = StarterOptions(vlop, political_ads, tuple(dict.fromkeys(jurisdictions)))
    text = starter_declaration(standard_from(standard_dir), options)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        with out.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise InputError(f"{out}: already exists; choose another --out or remove it") from None
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror})") from None
    click.echo(f"{out}: starter declaration for EDHS; replace every TODO, then pyrules check {out}")


@main.command()
@click.argument("control_id", metavar="CONTROL")
@click.argument("declaration", type=click.Path(path_type=Path, dir_okay=False))
@standard_option
@profile_option
@max_bytes_option
@handles_input_errors
def explain(
    control_id: str,
    declaration: Path,
    standard_dir: Path | None,
    profile_path: Path | None,
    max_bytes: int | None,
) -> None:
    """Why CONTROL fails on DECLARATION: the rule lines that decided it, the values they
    met, and where in the declaration (OPA's trace; needs OPA's engine in process)."""
    from pyrules.engine.inprocess import InProcessEngine
    from pyrules.evaluate import InvalidDeclaration
    from pyrules.explain import explain as explain_control
    from pyrules.explain import render
    from pyrules.schema import validate_declaration

    standard, limits, profile = standard_inputs(standard_dir, profile_path, max_bytes)
    control = next((c for c in standard.controls if c.id == control_id.upper()), None)
    if control is None:
        raise InputError(
            f"no control {control_id} in EDHS {standard.version}; see pyrules controls"
        )
    document = load_declaration(declaration, limits)
    problems = validate_declaration(document, standard)
    if problems:
        raise InvalidDeclaration.from_problems(document, problems)
    params = profile.params(standard.params) if profile else standard.params
    engine = InProcessEngine(standard.modules, params, standard.controls)
    explanation = explain_control(engine, control, document)
    click.echo(render(explanation, document, params), nl=False)
    sys.exit(EXIT_NONCOMPLIANT if explanation.status in ("fail", "error") else EXIT_OK)
