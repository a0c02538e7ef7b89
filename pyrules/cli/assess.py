"""Commands for election bodies: assess many submissions, sign and verify the record."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pyrules.cli.base import (
    EXIT_NONCOMPLIANT,
    PathType,
    assessment_options,
    dir_option,
    file_option,
    handles_input_errors,
    main,
    make_limits,
    profile_from,
    signer_from,
    standard_from,
)
from pyrules.errors import InputError


@contextmanager
def stopped_cleanly(command: str) -> Iterator[None]:
    """A run stopped by Ctrl-C or by SIGTERM (a job scheduler's, a CI runner's cancel) ends
    through every `finally`: no hidden half-written round left in the archive, no
    workers' settings left in the temporary folder (by default SIGTERM ends the process
    where it stands). One line, and exit 128 + the signal (130, 143), not 1, which says
    "not compliant"."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    ours = signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # else the embedding program's
    if ours:
        signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except KeyboardInterrupt:
        stopped(command, "Ctrl-C", signal.SIGINT)
    except Stopped as stop_signal:
        stopped(command, "SIGTERM", stop_signal.signum)
    finally:
        if ours:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stopped(command: str, by: str, signum: int) -> None:
    click.echo(f"{command}: stopped by {by} before the end", err=True)
    sys.exit(128 + signum)


class Stopped(BaseException):
    """SIGTERM arrived (a BaseException, so no `except Exception` takes it for an error)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=PathType(path_type=Path))
@assessment_options("opa", "regopy")
@dir_option(
    "--out",
    "out_dir",
    help_text="The archive: this run becomes its round folder ARCHIVE/<round>/ (matrix, "
    "summary, reports/, declarations/), and index.html/index.json list every round. An "
    "earlier round is never changed.",
    required=True,
)
@click.option(
    "--round",
    "round_name",
    help="Name of the round [default: the reference date and a counter, e.g. 2026-05-01-1].",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the round of that --round name: only the files it wrote are removed.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Make a non-empty --out that is not an archive into one (its files are kept).",
)
@dir_option(
    "--waivers-dir",
    help_text="Directory of waiver files, one per declaration: <declaration stem>.waivers.yaml.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes (each submission is evaluated in one, so that an engine crash "
    "loses only that submission) [default: the number of CPU cores].",
)
@file_option(
    "--sign",
    "sign_key",
    help_text="Ed25519 private key: sign the whole round (round.intoto.json, every file a "
    "subject) and each report (reports/<name>.intoto.json).",
)
@click.option(
    "--timestamp",
    is_flag=True,
    help="Record the time of the run in the reports (they are then no longer reproducible).",
)
@dir_option(
    "--ads-dir",
    help_text="Ad-repository exports, <declaration name>.parquet/.csv/.jsonl: audit each "
    "platform that has one (see audit-ads) and put the evidence in its report.",
)
@handles_input_errors
def assess(
    inputs: tuple[Path, ...],
    standard_dir: Path | None,
    profile_path: Path | None,
    out_dir: Path,
    round_name: str | None,
    replace: bool,
    force: bool,
    waivers_dir: Path | None,
    jobs: int | None,
    fail_on: str,
    today: datetime | None,
    as_of: datetime | None,
    sign_key: Path | None,
    timestamp: bool,
    max_bytes: int | None,
    ads_dir: Path | None,
    engine: str | None,
) -> None:
    """Assess every declaration in INPUTS (directories or files) into a new round of the
    archive --out: a matrix, a summary and each platform's reports."""
    from pyrules import rounds
    from pyrules.assess import (
        Settings,
        collect,
        default_jobs,
        exit_code,
        progress_bar,
        reference_date,
        run,
        write_outputs,
    )
    from pyrules.evaluate import choose_reference_date

    if waivers_dir is not None and not waivers_dir.is_dir():
        raise InputError(f"{waivers_dir}: no such directory (--waivers-dir)")
    if round_name is not None:
        rounds.check_name(round_name)
    submissions = collect(inputs)
    rounds.check_archive(out_dir, force=force)
    standard = standard_from(standard_dir)
    limits = make_limits(max_bytes)
    signer = signer_from(sign_key)
    generated_at = None
    if timestamp:
        from datetime import UTC

        generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    profile = profile_from(profile_path, standard, limits)
    settings = Settings(
        standard=standard,
        profile=profile,
        fail_on=fail_on,  # type: ignore[arg-type]
        today=today.date() if today else None,
        as_of=choose_reference_date(as_of.date() if as_of else None, profile),  # for all workers
        limits=limits,
        waivers_dir=waivers_dir,
        generated_at=generated_at,
        engine=engine,
    )
    # Refuse a name in use before spending the time to assess.
    rounds.plan(out_dir, round_name, reference_date(settings), replace=replace)
    with stopped_cleanly("pyrules assess"):
        with progress_bar(len(submissions), enabled=sys.stderr.isatty()) as on_done:
            outcomes = run(submissions, settings, jobs or default_jobs(), on_done)
        audits = {}
        if ads_dir is not None:
            from pyrules.ads.assess import audit_platforms

            outcomes, audits = audit_platforms(outcomes, settings, ads_dir)
        matrix = write_outputs(
            outcomes, settings, out_dir, signer, round_name=round_name, replace_round=replace
        )
    for outcome in outcomes:
        detail = f": {outcome.reason}" if outcome.reason else ""
        click.echo(f"{outcome.submission.path.name}: {outcome.verdict}{detail}")
    code = exit_code(outcomes)
    if audits:
        from pyrules.ads.assess import evidence_lines

        lines, evidence_code = evidence_lines(audits, fail_on)
        click.echo("\n".join(lines))
        code = max(code, evidence_code)
    click.echo(f"{matrix.totals()}; round {matrix.round} in {out_dir / matrix.round}")
    sys.exit(code)


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
@click.argument("attestation", type=PathType(path_type=Path))
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
    """Verify a signed ATTESTATION, or a whole assessment round (a round folder), and
    print the verdicts it records (exit 1 if it does not hold)."""
    from pyrules.attest import (
        VerificationFailed,
        check_file_digest,
        load_public_key,
        read_envelope,
        verdict_lines,
        verify_envelope,
    )

    key = load_public_key(key_path)
    if attestation.is_dir():
        if declaration is not None or report is not None:
            raise InputError(
                f"{attestation}: a round is checked whole; --declaration and --report are for "
                "one report's attestation"
            )
        _verify_round(attestation, key)
        return
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


def _verify_round(folder: Path, key: Any) -> None:
    from pyrules.attest import VerificationFailed, round_lines, verify_round
    from pyrules.rounds import ATTESTATION, INDEX_FILES

    if (folder / INDEX_FILES[1]).is_file():
        raise InputError(f"{folder}: is an archive; verify one of its rounds (a sub-folder)")
    if not (folder / ATTESTATION).is_file():
        raise InputError(f"{folder}: no {ATTESTATION} in it; was the round signed (assess --sign)?")
    try:
        check = verify_round(folder, key)
    except VerificationFailed as exc:
        click.echo(f"{folder / ATTESTATION}: NOT verified: {exc}", err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    if check.problems:
        for problem in check.problems:
            click.echo(f"{folder}: NOT verified: {problem}", err=True)
        sys.exit(EXIT_NONCOMPLIANT)
    for line in round_lines(check, folder):
        click.echo(line)


@main.command()
@click.argument("round_a", type=click.Path(file_okay=False, path_type=Path))
@click.argument("round_b", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@file_option("--output", help_text="Write the comparison to this file instead of stdout.")
@handles_input_errors
def compare(round_a: Path, round_b: Path, fmt: str, output: Path | None) -> None:
    """Compare two assessment rounds (round folders of an archive): per platform, the
    controls whose status changed; platforms added or dropped; a changed standard or
    profile. Exit 1 when any platform regressed, else 0."""
    from pyrules.compare import RENDERERS
    from pyrules.compare import compare as compare_rounds
    from pyrules.rounds import read_record

    comparison = compare_rounds(read_record(round_a), read_record(round_b))
    text = RENDERERS[fmt](comparison)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    sys.exit(EXIT_NONCOMPLIANT if comparison.regressed else 0)
