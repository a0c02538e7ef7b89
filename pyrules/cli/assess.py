"""Commands for election bodies: assess many submissions, sign and verify the record."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from pyrules.cli.base import (
    EXIT_NONCOMPLIANT,
    dir_option,
    fail_on_option,
    file_option,
    handles_input_errors,
    main,
    make_limits,
    max_bytes_option,
    profile_from,
    profile_option,
    signer_from,
    standard_from,
    standard_option,
    today_option,
)
from pyrules.errors import InputError


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@standard_option
@profile_option
@dir_option(
    "--out",
    "out_dir",
    help_text="Directory for the matrix and the summary; each platform's reports go in its "
    "reports/ folder. Files of an earlier assessment there are replaced.",
    required=True,
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty --out that holds no earlier assessment (its other files "
    "are kept).",
)
@dir_option(
    "--waivers-dir",
    help_text="Directory of waiver files, one per declaration: <declaration stem>.waivers.yaml.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes [default: the number of CPU cores].",
)
@fail_on_option
@today_option
@file_option(
    "--sign",
    "sign_key",
    help_text="Ed25519 private key: write reports/<name>.intoto.json, a signed attestation, "
    "per report.",
)
@click.option(
    "--timestamp",
    is_flag=True,
    help="Record the time of the run in the reports (they are then no longer reproducible).",
)
@max_bytes_option
@handles_input_errors
def assess(
    inputs: tuple[Path, ...],
    standard_dir: Path | None,
    profile_path: Path | None,
    out_dir: Path,
    force: bool,
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
        check_out,
        collect,
        default_jobs,
        exit_code,
        progress_bar,
        run,
        write_outputs,
    )

    if waivers_dir is not None and not waivers_dir.is_dir():
        raise InputError(f"{waivers_dir}: no such directory (--waivers-dir)")
    submissions = collect(inputs)
    check_out(out_dir, submissions, force=force)
    standard = standard_from(standard_dir)
    limits = make_limits(max_bytes)
    signer = signer_from(sign_key)
    generated_at = None
    if timestamp:
        from datetime import UTC

        generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    settings = Settings(
        standard=standard,
        profile=profile_from(profile_path, standard, limits),
        fail_on=fail_on,  # type: ignore[arg-type]
        today=today.date() if today else None,
        limits=limits,
        waivers_dir=waivers_dir,
        generated_at=generated_at,
    )
    with progress_bar(len(submissions), enabled=sys.stderr.isatty()) as on_done:
        outcomes = run(submissions, settings, jobs or default_jobs(), on_done)
    matrix = write_outputs(outcomes, settings, out_dir, signer)
    for outcome in outcomes:
        detail = f": {outcome.reason}" if outcome.reason else ""
        click.echo(f"{outcome.submission.path.name}: {outcome.verdict}{detail}")
    click.echo(f"{matrix.totals()}; matrix and reports in {out_dir}")
    sys.exit(exit_code(outcomes))


@main.command()
@file_option(
    "--out",
    "key_path",
    help_text="Private key file to write (mode 0600); the public key goes to KEY.pub.",
    required=True,
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
@file_option(
    "--key",
    "key_path",
    help_text="Public key (KEY.pub from pyrules keygen) the attestation must be signed with.",
    required=True,
)
@file_option(
    "--declaration", help_text="Check that this file is the declaration that was assessed."
)
@file_option(
    "--report", help_text="Check that this JSON report is the one that was signed, byte for byte."
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
