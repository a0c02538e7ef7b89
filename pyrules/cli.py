"""The command line: arguments and exit codes only; the work happens in the modules.

Exit codes: 0 compliant, 1 not compliant (or a test/lint failure), 2 the input or the
command is wrong. Every expected error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from pyrules import __version__
from pyrules.errors import InputError
from pyrules.model import SEVERITIES
from pyrules.render import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_NONCOMPLIANT, EXIT_INPUT = 0, 1, 2
MAX_SHOWN_PROBLEMS = 50


def fail_input(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_INPUT)


def handles_input_errors(command: F) -> F:
    """Turn the errors users can cause into one line and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pyrules.loader import LoadError

        try:
            return command(*args, **kwargs)
        except (InputError, LoadError) as exc:
            fail_input(str(exc))
        except RecursionError:
            fail_input("the input is nested too deeply to process")

    return wrapper  # type: ignore[return-value]


standard_option = click.option(
    "--standard",
    "standard_dir",
    type=click.Path(path_type=Path),
    help="Another standard version: a directory (policies/, schemas/) or a .tar.gz bundle.",
)


profile_option = click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="National profile (YAML): controls assessed, stricter parameters, severities.",
)


def _profile(path: Path | None, standard: Any, limits: Any) -> Any:
    if path is None:
        return None
    from pyrules.profile import load_profile

    return load_profile(path, standard, limits)


def _signer(key: Path | None) -> Any:
    if key is None:
        return None
    from pyrules.attest import Signer

    return Signer.from_file(key)


def _attestation_path(
    key: Path | None,
    attestation: Path | None,
    declarations: tuple[Path, ...],
    pairs: list[tuple[str, Path | None]],
) -> Path | None:
    """Next to the report file when there is one; with the report on stdout, ask."""
    if key is None:
        if attestation is not None:
            raise InputError("--attestation needs --sign KEY")
        return None
    if len(declarations) > 1:
        raise InputError("--sign attests one declaration; run check per file")
    if attestation is not None:
        return attestation
    output = next((o for _, o in pairs if o is not None), None)
    if output is None:
        raise InputError("--sign with the report on stdout needs --attestation FILE")
    return output.with_name(output.stem + ".intoto.json")


def _standard(standard_dir: Path | None, verification_key: Path | None = None) -> Any:
    """A directory, a bundle archive (verified with the key, or PYRULES_VERIFICATION_KEY),
    or the standard shipped with pyrules."""
    if standard_dir is None or standard_dir.is_dir():
        from pyrules.standard import load_standard

        return load_standard(standard_dir) if verification_key is None else _bundle_only()
    from pyrules.bundle import resolve_standard

    env_key = os.environ.get("PYRULES_VERIFICATION_KEY")
    return resolve_standard(standard_dir, verification_key or (Path(env_key) if env_key else None))


def _bundle_only() -> Any:
    raise InputError("--verification-key applies to a bundle archive (--bundle FILE)")


def _standard_location(standard_dir: Path | None, bundle: Path | None) -> Path | None:
    if standard_dir is not None and bundle is not None:
        raise InputError("give --standard or --bundle, not both")
    return bundle if bundle is not None else standard_dir


def _version_message() -> str:
    try:
        standard = _standard(None)
        return f"pyrules {__version__} (EDHS {standard.version})"
    except InputError as exc:
        return f"pyrules {__version__} (standard unavailable: {exc})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the pyrules and standard versions.",
)
def main() -> None:
    """Check election data-handling declarations against the EDHS standard."""


@main.command()
@click.argument(
    "declarations", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True)
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (one per --format).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="low",
    show_default=True,
    help="Lowest severity of a failing control that makes the run fail.",
)
@click.option("--color/--no-color", default=None, help="Colour the text report.")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Largest declaration accepted.")
@click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Waiver file: accepted exceptions with justification and expiry.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) waivers expire against, for reproducible runs [default: today].",
)
@profile_option
@click.option(
    "--sign",
    "sign_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ed25519 private key (pyrules keygen): write a signed attestation of the report.",
)
@click.option(
    "--attestation",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --sign writes the attestation [default: next to --output, as .intoto.json].",
)
@click.option(
    "--bundle",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The standard as an OPA bundle archive (pyrules bundle build).",
)
@click.option(
    "--verification-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Public key (PEM) a signed bundle must verify with [default: $PYRULES_VERIFICATION_KEY].",
)
@click.option(
    "--engine",
    type=click.Choice(["regopy", "opa"]),
    default="regopy",
    show_default=True,
    help="Evaluate embedded (regopy) or on an OPA server (--opa-url).",
)
@click.option(
    "--opa-url",
    default="http://127.0.0.1:8181",
    show_default=True,
    help="OPA server (or pyrules serve) for --engine opa.",
)
@handles_input_errors
def check(
    declarations: tuple[Path, ...],
    standard_dir: Path | None,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    fail_on: str,
    color: bool | None,
    max_bytes: int | None,
    waivers_path: Path | None,
    today: datetime | None,
    bundle: Path | None,
    verification_key: Path | None,
    engine: str,
    opa_url: str,
    profile_path: Path | None,
    sign_key: Path | None,
    attestation: Path | None,
) -> None:
    """Check DECLARATIONS against the standard (several only with the text format, as a
    pre-commit hook passes them)."""
    from pyrules.evaluate import Checker, InvalidDeclaration, make_engine
    from pyrules.loader import Limits
    from pyrules.render import RenderContext, renderer

    pairs = _format_outputs(formats, outputs)
    if len(declarations) > 1 and pairs != [("text", None)]:
        raise InputError("several declarations need the text format on stdout; run check per file")
    attestation = _attestation_path(sign_key, attestation, declarations, pairs)
    standard = _standard(_standard_location(standard_dir, bundle), verification_key)
    limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
    profile = _profile(profile_path, standard, limits)
    signer = _signer(sign_key)
    waivers = None
    if waivers_path is not None:
        from pyrules.waivers import load_waivers

        waivers = load_waivers(waivers_path, [c.id for c in standard.controls], limits)
    checker = Checker(
        standard,
        make_engine(
            standard,
            profile.params(standard.params) if profile else None,
            engine=engine,
            opa_url=opa_url,
        ),
        fail_on=fail_on,  # type: ignore[arg-type]
        limits=limits,
        waivers=waivers,
        today=today.date() if today else None,
        profile=profile,
    )
    exit_code = EXIT_OK
    for declaration in declarations:
        try:
            document = _load(declaration, limits)
            report = checker.check_document(document)
        except InvalidDeclaration as exc:
            more = len(exc.lines) - 1
            suffix = f" (and {more} more problem{'s' if more > 1 else ''}; see pyrules validate)"
            fail_input(exc.lines[0] + (suffix if more else ""))
            return
        for format_name, output in pairs:
            use_color = _use_color(color) if output is None and format_name == "text" else False
            context = RenderContext(color=use_color, declaration_text=document.text)
            text = renderer(format_name)(report, context)
            _write(text, output)
        if signer is not None and attestation is not None:
            from pyrules.attest import write_attestation

            write_attestation(attestation, report, declaration.name, signer)
        if not report.compliant:
            exit_code = EXIT_NONCOMPLIANT
    sys.exit(exit_code)


@main.command()
@click.argument("declarations", nargs=-1, required=True, type=click.Path(path_type=Path))
@standard_option
@handles_input_errors
def validate(declarations: tuple[Path, ...], standard_dir: Path | None) -> None:
    """Validate DECLARATIONS against the declaration schema only."""
    from pyrules.evaluate import located
    from pyrules.loader import Limits, LoadError
    from pyrules.schema import validate_declaration

    standard = _standard(standard_dir)
    bad = False
    for path in declarations:
        try:
            document = _load(path, Limits())
        except LoadError as exc:
            click.echo(str(exc), err=True)
            bad = True
            continue
        problems = validate_declaration(document, standard)
        for problem in problems[:MAX_SHOWN_PROBLEMS]:
            click.echo(located(document, problem.pointer, problem.message), err=True)
        if len(problems) > MAX_SHOWN_PROBLEMS:
            click.echo(f"{path}: {len(problems) - MAX_SHOWN_PROBLEMS} more problems", err=True)
        if problems:
            bad = True
        else:
            click.echo(f"{path}: valid against EDHS {standard.version} declaration schema")
    sys.exit(EXIT_INPUT if bad else EXIT_OK)


@main.command()
@standard_option
@click.option("--format", "format_name", type=click.Choice(["table", "json"]), default="table")
@handles_input_errors
def controls(standard_dir: Path | None, format_name: str) -> None:
    """List the controls of the standard."""
    standard = _standard(standard_dir)
    if format_name == "json":
        import json

        click.echo(json.dumps([c.model_dump() for c in standard.controls], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"EDHS {standard.version}: {len(standard.controls)} controls")
    for column in ("ID", "Severity", "Applies", "ACEEEO", "Title"):
        table.add_column(column, no_wrap=column != "Title")
    for c in standard.controls:
        table.add_row(c.id, c.severity, c.applies_when.rstrip("."), ", ".join(c.aceeeo), c.title)
    Console(width=max(100, _terminal_width())).print(table)


@main.command("test")
@standard_option
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of test cases and reference.yaml [default: tests/cases].",
)
@click.option("--control", "control_ids", multiple=True, help="Run only this control's cases.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failing cases and the total.")
@handles_input_errors
def test_command(
    standard_dir: Path | None, cases_dir: Path | None, control_ids: tuple[str, ...], quiet: bool
) -> None:
    """Run every control's test cases through the engine."""
    from pyrules.testcases import CaseRunner, default_cases_dir, load_cases

    standard = _standard(standard_dir)
    reference, cases = load_cases(cases_dir or default_cases_dir())
    if control_ids:
        cases = [c for c in cases if c.control_id in control_ids]
    passed = failed = 0
    for outcome in CaseRunner(standard).run(reference, cases):
        case = outcome.case
        if outcome.ok:
            passed += 1
            if not quiet:
                click.echo(f"ok   {case.control_id} {case.name}")
        else:
            failed += 1
            click.echo(f"FAIL {case.control_id} {case.name}\n     {case.where}: {outcome.detail}")
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_OK if failed == 0 and passed > 0 else EXIT_NONCOMPLIANT)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@standard_option
@profile_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the matrix, the summary and each platform's reports.",
)
@click.option(
    "--waivers-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of waiver files, one per declaration: <declaration stem>.waivers.yaml.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes [default: the number of CPU cores].",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="low",
    show_default=True,
    help="Lowest severity of a failing control that makes a platform not compliant.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) waivers expire against, for reproducible runs [default: today].",
)
@click.option(
    "--sign",
    "sign_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ed25519 private key: write <name>.intoto.json, a signed attestation, per report.",
)
@click.option(
    "--timestamp",
    is_flag=True,
    help="Record the time of the run in the reports (they are then no longer reproducible).",
)
@click.option("--max-bytes", type=click.IntRange(min=1), help="Largest declaration accepted.")
@handles_input_errors
def assess(
    inputs: tuple[Path, ...],
    standard_dir: Path | None,
    profile_path: Path | None,
    out_dir: Path,
    waivers_dir: Path | None,
    jobs: int | None,
    fail_on: str,
    today: datetime | None,
    sign_key: Path | None,
    timestamp: bool,
    max_bytes: int | None,
) -> None:
    """Assess every declaration in INPUTS (directories or files) and write a matrix,
    a summary and each platform's reports into --out."""
    from pyrules.assess import (
        Settings,
        collect,
        default_jobs,
        exit_code,
        progress_bar,
        run,
        write_outputs,
    )
    from pyrules.loader import Limits

    if waivers_dir is not None and not waivers_dir.is_dir():
        raise InputError(f"{waivers_dir}: no such directory (--waivers-dir)")
    submissions = collect(inputs)
    standard = _standard(standard_dir)
    limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
    signer = _signer(sign_key)
    generated_at = None
    if timestamp:
        from datetime import UTC

        generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    settings = Settings(
        standard=standard,
        profile=_profile(profile_path, standard, limits),
        fail_on=fail_on,  # type: ignore[arg-type]
        today=today.date() if today else None,
        limits=limits,
        waivers_dir=waivers_dir,
        generated_at=generated_at,
    )
    with progress_bar(len(submissions), enabled=True) as on_done:
        outcomes = run(submissions, settings, jobs or default_jobs(), on_done)
    write_outputs(outcomes, settings, out_dir, signer)
    for outcome in outcomes:
        detail = f": {outcome.reason}" if outcome.reason else ""
        click.echo(f"{outcome.submission.path.name}: {outcome.verdict}{detail}")
    from pyrules.render.matrix import Matrix

    totals = Matrix.build(outcomes, settings).totals()
    click.echo(f"{totals}; matrix and reports in {out_dir}")
    sys.exit(exit_code(outcomes))


@main.command()
@click.option(
    "--out",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private key file to write (mode 0600); the public key goes to KEY.pub.",
)
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
@handles_input_errors
def keygen(key_path: Path, force: bool) -> None:
    """Create an Ed25519 key pair for signing reports (check --sign, assess --sign)."""
    from pyrules.attest import generate_key, keyid, load_public_key

    public = generate_key(key_path, force=force)
    click.echo(
        f"wrote {key_path} (private, keep it secret) and {public} "
        f"(public, keyid {keyid(load_public_key(public))[:16]}); share {public} with verifiers"
    )


@main.command()
@click.argument("attestation", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Public key (KEY.pub from pyrules keygen) the attestation must be signed with.",
)
@click.option(
    "--declaration",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check that this file is the declaration that was assessed.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check that this JSON report is the one that was signed, byte for byte.",
)
@handles_input_errors
def verify(
    attestation: Path, key_path: Path, declaration: Path | None, report: Path | None
) -> None:
    """Verify a signed ATTESTATION and print the verdict it records (exit 1 if it does
    not hold)."""
    from pyrules.attest import (
        VerificationFailed,
        check_file_digest,
        load_public_key,
        read_envelope,
        verdict_lines,
        verify_envelope,
    )

    key = load_public_key(key_path)
    envelope = read_envelope(attestation)
    try:
        verified = verify_envelope(envelope, key)
        if declaration is not None:
            check_file_digest(declaration, verified.subject_sha256, "declaration")
        if report is not None:
            check_file_digest(report, verified.predicate["report_sha256"], "report")
    except VerificationFailed as exc:
        click.echo(f"{attestation}: NOT verified: {exc}", err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    for line in verdict_lines(verified, attestation):
        click.echo(line)
    if declaration is not None:
        click.echo(f"declaration: {declaration} matches the attested SHA-256")
    if report is not None:
        click.echo(f"report: {report} matches the attested report")


def _load(path: Path, limits: Any) -> Any:
    from pyrules.loader import load

    return load(path, limits)


def _format_outputs(
    formats: tuple[str, ...], outputs: tuple[Path, ...]
) -> list[tuple[str, Path | None]]:
    formats = formats or ("text",)
    if not outputs:
        if len(formats) > 1:
            raise InputError("several --format options need one --output each")
        return [(formats[0], None)]
    if len(outputs) != len(formats):
        raise InputError("give one --output for each --format")
    return list(zip(formats, outputs, strict=True))


def _use_color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 120


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None


@main.command("lint")
@standard_option
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of test cases [default: tests/cases].",
)
@click.option(
    "--catalogue",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalogue the controls must match [default: standard/catalogue.md if present].",
)
@handles_input_errors
def lint_command(standard_dir: Path | None, cases_dir: Path | None, catalogue: Path | None) -> None:
    """Check the standard itself: METADATA, catalogue, cases, paths, parameters."""
    from pyrules.lint import lint
    from pyrules.testcases import default_cases_dir

    standard = _standard(standard_dir)
    default_catalogue = Path("standard") / "catalogue.md"
    if catalogue is None and default_catalogue.is_file():
        catalogue = default_catalogue
    problems = lint(standard, cases_dir or default_cases_dir(), catalogue)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(standard.controls)} controls checked, {len(problems)} problems")
    sys.exit(EXIT_NONCOMPLIANT if problems else EXIT_OK)


@main.group()
def docs() -> None:
    """Publish the standard as a MkDocs Material site."""


def _docs_options(command: F) -> F:
    options = [
        standard_option,
        click.option(
            "--cases",
            "cases_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Test cases, for each control's examples [default: tests/cases].",
        ),
        click.option(
            "--docs",
            "docs_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("docs"),
            show_default=True,
            help="Hand-written pages and data files.",
        ),
        click.option(
            "--sources",
            "sources_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("build") / "docs-src",
            show_default=True,
            help="Where the generated MkDocs sources go (emptied first).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@docs.command("build")
@_docs_options
@click.option(
    "--out",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where the site goes.",
)
@handles_input_errors
def docs_build(
    standard_dir: Path | None,
    cases_dir: Path | None,
    docs_dir: Path,
    sources_dir: Path,
    site_dir: Path,
) -> None:
    """Generate the sources and build the site with mkdocs build --strict."""
    from pyrules.docs.build import build_docs
    from pyrules.docs.site import DocsBuildError
    from pyrules.testcases import default_cases_dir

    standard = _standard(standard_dir)
    try:
        result = build_docs(
            standard, docs_dir, cases_dir or default_cases_dir(), sources_dir, site_dir
        )
    except DocsBuildError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    assert result.site is not None
    click.echo(
        f"EDHS {standard.version}: {result.pages} pages ({result.control_pages} controls) "
        f"built into {site_dir} in {result.site.seconds:.1f} s; open {site_dir / 'index.html'}"
    )


@docs.command("generate")
@_docs_options
@handles_input_errors
def docs_generate(
    standard_dir: Path | None, cases_dir: Path | None, docs_dir: Path, sources_dir: Path
) -> None:
    """Generate the MkDocs sources only (then: mkdocs serve -f SOURCES/mkdocs.yml)."""
    from pyrules.docs.build import generate_sources
    from pyrules.testcases import default_cases_dir

    standard = _standard(standard_dir)
    result = generate_sources(standard, docs_dir, cases_dir or default_cases_dir(), sources_dir)
    click.echo(f"EDHS {standard.version}: {result.pages} pages generated into {sources_dir}")


@main.group()
def bundle() -> None:
    """Build the standard as an OPA bundle archive."""


@bundle.command("build")
@standard_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write [default: edhs-VERSION.tar.gz here].",
)
@click.option(
    "--signing-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private key (PEM; RSA, EC P-256 or Ed25519): sign in OPA's bundle format.",
)
@click.option("--key-id", default="default", show_default=True, help="Key ID in the signature.")
@click.option("--scope", help="Scope claim that OPA's verification config must match.")
@handles_input_errors
def bundle_build(
    standard_dir: Path | None,
    out: Path | None,
    signing_key: Path | None,
    key_id: str,
    scope: str | None,
) -> None:
    """Write the standard (policies, parameters, schemas) as a reproducible .tar.gz bundle."""
    from pyrules.bundle import build_bundle, default_bundle_name

    built = build_bundle(_standard(standard_dir).root, signing_key, key_id, scope)
    target = out or Path(default_bundle_name(built.version))
    try:
        target.write_bytes(built.data)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror})") from None
    signed = ", signed" if built.signed else ""
    click.echo(f"{target}: EDHS {built.version}, {built.files} files{signed}")


@main.command()
@standard_option
@click.option(
    "--addr",
    default="127.0.0.1:8181",
    show_default=True,
    help="HOST:PORT to listen on (port 0: any free port, printed on start).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=10 * 1024 * 1024,
    show_default=True,
    help="Largest request body in bytes (larger: 413).",
)
@handles_input_errors
def serve(standard_dir: Path | None, addr: str, max_body: int) -> None:
    """Answer OPA's REST API (a subset) with the embedded engine, the standard loaded."""
    from pyrules.serve import serve as run_server

    run_server(_standard(standard_dir), addr, max_body)
