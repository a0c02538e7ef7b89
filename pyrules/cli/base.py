"""What every command shares: the group, exit codes, one-line errors, common options.

Exit codes: 0 compliant, 1 not compliant (or a test/lint failure), 2 the input or the
command is wrong. Every expected error is one line on stderr, never a traceback. Modules
that do the work are imported inside commands, so `pyrules --help` stays fast.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pyrules import __version__
from pyrules.engine import ENGINES

# Re-exported: every command module reads the exit codes here.
from pyrules.errors import EXIT_INPUT as EXIT_INPUT
from pyrules.errors import EXIT_INTERNAL as EXIT_INTERNAL
from pyrules.errors import EXIT_NONCOMPLIANT as EXIT_NONCOMPLIANT
from pyrules.errors import EXIT_OK as EXIT_OK
from pyrules.errors import InputError, printable
from pyrules.levels import SEVERITIES

F = TypeVar("F", bound=Callable[..., Any])

# pydantic (which reads a report back in `verify`; `check` never imports it) looks for
# plugins in every installed distribution's entry points when it first validates: 20-30 ms
# in a full environment, and a plugin would see (or change) how reports are validated.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

MAX_SHOWN_PROBLEMS = 50


def fail_input(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_INPUT)


def handles_input_errors(command: F) -> F:
    """Turn the errors users can cause into one line and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            fail_input(str(exc))
        except RecursionError:
            fail_input("the input is nested too deeply to process")

    return wrapper  # type: ignore[return-value]


# The module of pyrules.cli that defines each command: a run imports only its command's
# module, so `pyrules check` does not pay for `ads` or `docs`. A command missing here
# still runs (every module is then imported); a test keeps the table complete.
COMMAND_MODULES = {
    **dict.fromkeys(("check", "validate", "init", "explain"), "check"),
    **dict.fromkeys(("assess", "keygen", "verify", "compare"), "assess"),
    **dict.fromkeys(("ads", "audit-ads"), "ads"),
    "diff": "diff",
    **dict.fromkeys(("docs", "bundle", "serve"), "publish"),
    **dict.fromkeys(("controls", "test", "lint"), "controls"),
}
CLI_MODULES = ("ads", "assess", "check", "controls", "diff", "publish")


def load_commands(module: str | None = None) -> None:
    """Import the module of pyrules.cli named (None: all of them): it registers its
    commands on `main`."""
    for name in (module,) if module else CLI_MODULES:
        importlib.import_module(f"pyrules.cli.{name}")


class Group(click.Group):
    """Every command's group: an error nobody foresaw is still one line, with its own exit
    code, so that it is never mistaken for a verdict (1) or a bad input (2).
    PYRULES_DEBUG=1 shows the traceback. Commands are imported when they are looked up."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            load_commands(COMMAND_MODULES.get(cmd_name))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.BadParameter as exc:
            # One line, like every other bad input, not click's usage block.
            name = (exc.ctx or ctx).command_path
            message = " ".join(exc.format_message().split())
            fail_input(printable(f"{name}: {message} (see {name} --help)"))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PYRULES_DEBUG"):
                raise
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            click.echo(
                f"pyrules: internal error: {message} (this is a bug; please report it)", err=True
            )
            ctx.exit(EXIT_INTERNAL)


class PathType(click.Path):
    """click.Path that refuses an empty name: Path("") is ".", so the error would name the
    current directory rather than the argument that was left empty."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "":
            self.fail("the file name is empty", param, ctx)
        return super().convert(value, param, ctx)


def file_option(*names: str, help_text: str, required: bool = False) -> Callable[[F], F]:
    """An option naming a file (not a directory)."""
    return click.option(
        *names,
        required=required,
        type=PathType(dir_okay=False, path_type=Path),
        help=help_text,
    )


def dir_option(
    *names: str, help_text: str, required: bool = False, default: Path | None = None
) -> Callable[[F], F]:
    """An option naming a directory (not a file)."""
    return click.option(
        *names,
        required=required,
        type=PathType(file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help_text,
    )


standard_option = click.option(
    "--standard",
    "standard_dir",
    type=PathType(path_type=Path),
    help="Another standard version: a directory (policies/, schemas/) or a .tar.gz bundle.",
)


site_url_option = click.option(
    "--site-url",
    help="Where the standard's site is published; reports and the docs link there "
    "[default: $PYRULES_DOCS_URL, else site_url in standard/about.yaml]. '' for none.",
)


profile_option = file_option(
    "--profile",
    "profile_path",
    help_text="National profile (YAML): controls assessed, stricter parameters, severities.",
)


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="low",
    show_default=True,
    help="Lowest severity of a failing control that makes a platform not compliant.",
)

today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) waivers expire against [default: the reference date, --as-of].",
)

as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Reference date (YYYY-MM-DD) every age limit counts back from, and that "
    "submitted_on must not lie after [default: $PYRULES_AS_OF, else the profile's as_of, "
    "else today].",
)

max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), help="Largest declaration accepted."
)


def cases_option(help_text: str) -> Callable[[F], F]:
    return dir_option("--cases", "cases_dir", help_text=f"{help_text} [default: tests/cases].")


DEFAULT_OPA_URL = "http://127.0.0.1:8181"


def engine_choice(engine: str | None, opa_url: str | None) -> tuple[str | None, str | None]:
    """The engine to build, from --engine and --opa-url. Until 0.2, `--engine opa` with
    --opa-url keeps its old meaning (an OPA server) and says so on stderr."""
    if engine == "opa" and opa_url:
        click.echo(
            "pyrules: warning: '--engine opa --opa-url' is deprecated and goes in 0.2: it now "
            "means --engine opa-server (--engine opa evaluates with OPA in process)",
            err=True,
        )
        return "opa-server", opa_url
    if engine == "opa-server":
        return engine, opa_url or DEFAULT_OPA_URL
    return engine, opa_url


def engine_options(command: F) -> F:
    """--engine and --opa-url: OPA in process (the default when installed), regopy, or an
    OPA server (or pyrules serve)."""

    @functools.wraps(command)
    def chosen(*args: Any, engine: str | None, opa_url: str | None, **kwargs: Any) -> Any:
        engine, opa_url = engine_choice(engine, opa_url)
        return command(*args, engine=engine, opa_url=opa_url, **kwargs)

    with_url = click.option(
        "--opa-url",
        help=f"OPA server (or pyrules serve) for --engine opa-server [default: {DEFAULT_OPA_URL}].",
    )(chosen)
    return engine_option(*ENGINES)(with_url)


ENGINE_HELP = {
    "opa": "OPA's engine in process",
    "regopy": "rego-cpp",
    "opa-server": "an OPA server at --opa-url",
}


def engine_option(*choices: str) -> Callable[[F], F]:
    """--engine, one definition for every command that evaluates; `choices` are the
    engines the command can use (assess has no server engine)."""
    described = "; ".join(f"{name}: {ENGINE_HELP[name]}" for name in choices)
    return click.option(
        "--engine",
        type=click.Choice(choices),
        help=f"{described} [default: opa when installed, else regopy].",
    )


def assessment_options(*engines: str) -> Callable[[F], F]:
    """What decides a verdict, for a command that assesses without --engine's server
    spelling: --standard, --profile, --fail-on, --today, --as-of, --max-bytes, --engine."""

    def decorate(command: F) -> F:
        for option in reversed(
            (
                standard_option,
                profile_option,
                fail_on_option,
                today_option,
                as_of_option,
                max_bytes_option,
                engine_option(*engines),
            )
        ):
            command = option(command)
        return command

    return decorate


def make_limits(max_bytes: int | None) -> Any:
    from pyrules.loader import Limits

    return Limits(max_bytes=max_bytes) if max_bytes else Limits()


def profile_from(path: Path | None, standard: Any, limits: Any) -> Any:
    if path is None:
        return None
    from pyrules.profile import load_profile

    return load_profile(path, standard, limits)


def standard_inputs(
    location: Path | None,
    profile_path: Path | None,
    max_bytes: int | None,
    verification_key: Path | None = None,
) -> tuple[Any, Any, Any]:
    """What every command that checks declarations starts from: the standard, the input
    limits, and the profile (None without --profile)."""
    standard = standard_from(location, verification_key)
    limits = make_limits(max_bytes)
    return standard, limits, profile_from(profile_path, standard, limits)


def signer_from(key: Path | None) -> Any:
    if key is None:
        return None
    from pyrules.attest import Signer

    return Signer.from_file(key)


def standard_from(location: Path | None, verification_key: Path | None = None) -> Any:
    """The standard the command names; a bundle archive's key may come from the
    environment (PYRULES_VERIFICATION_KEY), but only for an archive, so a key left there
    never breaks a plain check."""
    from pyrules.sources import resolve_standard

    if verification_key is None and location is not None and location.is_file():
        env_key = os.environ.get("PYRULES_VERIFICATION_KEY")
        verification_key = Path(env_key) if env_key else None
    return resolve_standard(location, verification_key)


def _version_message() -> str:
    try:
        standard = standard_from(None)
        return f"pyrules {__version__} (EDHS {standard.version})"
    except InputError as exc:
        return f"pyrules {__version__} (standard unavailable: {exc})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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


def load_declaration(path: Path, limits: Any) -> Any:
    from pyrules.loader import load

    return load(path, limits)


def format_outputs(
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


def echo_problems(lines: list[str], name: str) -> None:
    """Every problem of one file, one line each, up to MAX_SHOWN_PROBLEMS, then the count."""
    for line in lines[:MAX_SHOWN_PROBLEMS]:
        click.echo(printable(line), err=True)  # text from the declaration
    more = len(lines) - MAX_SHOWN_PROBLEMS
    if more > 0:
        click.echo(f"{name}: {more} more problem{'s' * (more > 1)} not shown", err=True)


def use_color(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 120


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror})") from None
