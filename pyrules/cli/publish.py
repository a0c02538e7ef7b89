"""Commands that publish the standard: the docs site, OPA bundles, a decision API."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from pyrules.cli.base import (
    EXIT_NONCOMPLIANT,
    F,
    cases_option,
    dir_option,
    file_option,
    handles_input_errors,
    main,
    site_url_option,
    standard_from,
    standard_option,
)
from pyrules.defaults import (
    DOCS_DIR,
    DOCS_SITE,
    DOCS_SOURCES,
    SERVE_ADDR,
    SERVE_COMPILE_SECONDS,
    SERVE_MAX_BODY,
    SERVE_MAX_CONCURRENT,
    SERVE_MAX_NODES,
    SERVE_MAX_POLICY,
)
from pyrules.errors import InputError


@main.group()
def docs() -> None:
    """Publish the standard as a MkDocs Material site."""


def _docs_options(command: F) -> F:
    options = [
        standard_option,
        cases_option("Test cases, for each control's examples"),
        dir_option(
            "--docs",
            "docs_dir",
            help_text="Hand-written pages and data files [default: the standard's docs/].",
        ),
        dir_option(
            "--sources",
            "sources_dir",
            help_text="Where the generated MkDocs sources go (emptied first).",
            default=DOCS_SOURCES,
        ),
        site_url_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@docs.command("build")
@_docs_options
@dir_option(
    "--out",
    "site_dir",
    help_text="Where the site goes (an earlier site there is replaced; other files: refused).",
    default=DOCS_SITE,
)
@handles_input_errors
def docs_build(
    standard_dir: Path | None,
    cases_dir: Path | None,
    docs_dir: Path | None,
    sources_dir: Path,
    site_url: str | None,
    site_dir: Path,
) -> None:
    """Generate the sources and build the site with mkdocs build --strict."""
    from pyrules.docs.build import build_docs
    from pyrules.docs.site import DocsBuildError
    from pyrules.site_url import resolve_site_url
    from pyrules.standard import shipped
    from pyrules.testcases import default_cases_dir

    standard = standard_from(standard_dir)
    url = resolve_site_url(site_url, standard.root)
    try:
        result = build_docs(
            standard,
            docs_dir or shipped("docs"),
            cases_dir or default_cases_dir(),
            sources_dir,
            site_dir,
            site_url=url,
        )
    except DocsBuildError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    assert result.site is not None
    click.echo(
        f"EDHS {standard.version}: {result.pages} pages ({result.control_pages} controls) "
        f"built into {site_dir} in {result.site.seconds:.1f} s; open {site_dir / 'index.html'}"
    )


@docs.command("versions")
@dir_option("--docs", "docs_dir", help_text="Hand-written pages and data files.", default=DOCS_DIR)
@file_option(
    "--releases",
    "releases_path",
    help_text="The releases to build [default: standard/releases.yaml beside --docs].",
)
@dir_option(
    "--sources",
    "sources_dir",
    help_text="Where each version's MkDocs sources go, one folder per version.",
    default=DOCS_SOURCES,
)
@dir_option(
    "--out",
    "site_dir",
    help_text="Where the versioned site goes: one folder per version, versions.json, index.html.",
    default=DOCS_SITE,
)
@site_url_option
@handles_input_errors
def docs_versions(
    docs_dir: Path,
    releases_path: Path | None,
    sources_dir: Path,
    site_dir: Path,
    site_url: str | None,
) -> None:
    """Build every release of the standard under its own path, with a version switcher
    (serve the result over HTTP: the switcher reads versions.json)."""
    from pyrules.docs.history import releases_file
    from pyrules.docs.site import DocsBuildError
    from pyrules.docs.versions import build_versions
    from pyrules.site_url import resolve_site_url

    releases = releases_path or releases_file(docs_dir)
    url = resolve_site_url(site_url, releases.resolve().parent.parent)
    try:
        built = build_versions(docs_dir, releases, sources_dir, site_dir, url)
    except DocsBuildError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    for version in built:
        click.echo(f"EDHS {version.version}: built into {version.site.site_dir}")
    click.echo(f"{len(built)} versions; latest {built[0].version}; serve {site_dir} over HTTP")


@docs.command("generate")
@_docs_options
@handles_input_errors
def docs_generate(
    standard_dir: Path | None,
    cases_dir: Path | None,
    docs_dir: Path | None,
    sources_dir: Path,
    site_url: str | None,
) -> None:
    """Generate the MkDocs sources only (then: mkdocs serve -f SOURCES/mkdocs.yml)."""
    from pyrules.docs.build import build_docs
    from pyrules.site_url import resolve_site_url
    from pyrules.standard import shipped
    from pyrules.testcases import default_cases_dir

    standard = standard_from(standard_dir)
    docs_dir = docs_dir or shipped("docs")
    url = resolve_site_url(site_url, standard.root)
    result = build_docs(
        standard, docs_dir, cases_dir or default_cases_dir(), sources_dir, site_url=url
    )
    click.echo(f"EDHS {standard.version}: {result.pages} pages generated into {sources_dir}")


@main.group()
def bundle() -> None:
    """Build the standard as an OPA bundle archive."""


@bundle.command("build")
@standard_option
@file_option("--out", help_text="Archive to write [default: edhs-VERSION.tar.gz here].")
@file_option(
    "--signing-key",
    help_text="Private key (PEM; RSA, EC P-256 or Ed25519): sign in OPA's bundle format.",
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

    built = build_bundle(standard_from(standard_dir).root, signing_key, key_id, scope)
    target = out or Path(default_bundle_name(built.version))
    try:
        target.write_bytes(built.data)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror})") from None
    signed = ", signed" if built.signed else ""
    click.echo(f"{target}: EDHS {built.version}, {built.files} files{signed}")


def _limit_option(name: str, default: int, help_text: str) -> Callable[[F], F]:
    """A positive whole-number limit of `serve`, its default shown in --help."""
    return click.option(
        name, type=click.IntRange(min=1), default=default, show_default=True, help=help_text
    )


@main.command()
@standard_option
@click.option(
    "--addr",
    default=SERVE_ADDR,
    show_default=True,
    help="HOST:PORT to listen on (port 0: any free port, printed on start). An address "
    "other than loopback (127.0.0.1, ::1) warns.",
)
@_limit_option("--max-body", SERVE_MAX_BODY, "Largest request body in bytes (larger: 413).")
@_limit_option(
    "--max-nodes",
    SERVE_MAX_NODES,
    "Most JSON values (keys included) in one request body (more: 400).",
)
@_limit_option(
    "--max-concurrent",
    SERVE_MAX_CONCURRENT,
    "Requests read and evaluated at once; the others wait their turn.",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Accept policy and data writes (PUT, PATCH, DELETE) that carry the bearer token "
    "of --token-file. Without it, a write that would change anything is 403.",
)
@file_option("--token-file", help_text="File whose first line is the bearer token for writes.")
@_limit_option(
    "--max-policy-bytes", SERVE_MAX_POLICY, "Largest policy module a write may put (larger: 413)."
)
@click.option(
    "--compile-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=SERVE_COMPILE_SECONDS,
    show_default=True,
    help="Seconds the policies may take to compile after a write (longer: 400, not kept).",
)
@click.option(
    "--engine",
    type=click.Choice(["opa", "regopy"]),
    help="Decide with OPA's engine or with regopy, in worker processes (one per core) "
    "[default: opa when installed].",
)
@handles_input_errors
def serve(
    standard_dir: Path | None,
    addr: str,
    max_body: int,
    max_nodes: int,
    max_concurrent: int,
    allow_writes: bool,
    token_file: Path | None,
    max_policy_bytes: int,
    compile_timeout: float,
    engine: str | None,
) -> None:
    """Answer OPA's REST API (a subset) with the embedded engine, the standard loaded.

    Decisions on EDHS controls need an input valid against the declaration schema (else
    400 listing every problem). Policy and data writes are off unless --allow-writes is
    given with --token-file; keep the server on 127.0.0.1 or behind a TLS gateway.
    """
    from pyrules.serve import ServeSettings, WriteAccess, read_token
    from pyrules.serve import serve as run_server

    if token_file is not None and not allow_writes:
        raise InputError("--token-file: give it with --allow-writes (writes are off without)")
    writes = None
    if allow_writes:
        if token_file is None:
            raise InputError("--allow-writes needs --token-file FILE holding the bearer token")
        writes = WriteAccess(read_token(token_file), max_policy_bytes, compile_timeout)
    settings = ServeSettings(max_body, max_nodes, max_concurrent, writes)
    run_server(standard_from(standard_dir), addr, settings, engine)
