"""The ``townlet`` command group: global options, errors and exit codes.

operations.md section 5. Every command is registered here from its own module
(``run``, ``config``, ``bench``). Exit codes: 0 success, 1 internal error (with an
``error_id``; traceback only under ``--debug``), 2 bad input (``error: ...`` and
``hint: ...`` on stderr, no traceback), 3 a check failed, 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from townlet import __version__
from townlet.errors import ConfigError, TownletError
from townlet.telemetry.log_config import LOG_FORMATS, configure_logging, get_logger

__all__ = ["CliState", "TownletGroup", "cli", "main", "report_error"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_CHECK_FAILED = 3
EXIT_INTERRUPTED = 130

_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass
class CliState:
    """Global options, shared with every command through ``ctx.obj``.

    Attributes:
        debug: show tracebacks for internal errors.
        log_level: structlog level.
        log_format: ``auto``, ``json`` or ``console``.
    """

    debug: bool = False
    log_level: str = "INFO"
    log_format: str = "auto"


def report_error(err: TownletError) -> None:
    """Print a Townlet error the operations.md L-1 way: ``error:`` then ``hint:``.

    Every line of the message, and each problem of a :class:`ConfigError` that the
    message does not already hold, gets its own ``error:`` line.
    """
    lines = err.message.splitlines() or [err.message]
    if isinstance(err, ConfigError):
        lines += [line for line in err.errors if line not in err.message]
    for line in lines:
        click.echo(f"error: {line}", err=True)
    if err.hint:
        click.echo(f"hint: {err.hint}", err=True)


def _internal_error(err: BaseException, debug: bool) -> NoReturn:
    """Report an unexpected exception with an error id; exit 1."""
    error_id = uuid.uuid4().hex[:12]
    get_logger("townlet.cli").error(
        "cli.internal_error", error_id=error_id, error=f"{type(err).__name__}: {err}"
    )
    if debug:
        traceback.print_exception(err, file=sys.stderr)
    click.echo(
        f"error: internal error {type(err).__name__}: {err} [error_id={error_id}]",
        err=True,
    )
    if not debug:
        click.echo("hint: rerun with --debug to see the traceback", err=True)
    raise click.exceptions.Exit(EXIT_INTERNAL)


class TownletGroup(click.Group):
    """A click group that maps exceptions to Townlet's exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; turn errors into one-line messages and exit codes."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except TownletError as err:
            report_error(err)
            raise click.exceptions.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as err:
            state = ctx.find_object(CliState)
            _internal_error(err, debug=bool(state and state.debug))


@click.group(
    cls=TownletGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--log-level",
    type=click.Choice(_LEVELS, case_sensitive=False),
    default="INFO",
    show_default=True,
    help="Log level of the logs on stderr (default: the config's log.level).",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="auto",
    show_default=True,
    help="auto: console on a terminal, JSON otherwise (default: the config's).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(version=__version__, message="townlet %(version)s")
@click.pass_context
def cli(ctx: click.Context, log_level: str, log_format: str, debug: bool) -> None:
    """Townlet: a small-town life simulation for multi-agent RL.

    Run `townlet run` to simulate the default town for one day.
    """
    configure_logging(log_level, log_format)
    ctx.obj = CliState(debug=debug, log_level=log_level.upper(), log_format=log_format)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _register_commands() -> None:
    """Attach the command modules to the group."""
    from townlet.cli.bench import bench
    from townlet.cli.config_cmd import config
    from townlet.cli.console_cmd import console
    from townlet.cli.dashboard_cmd import dashboard
    from townlet.cli.demo_cmd import demo
    from townlet.cli.run import run
    from townlet.cli.serve import serve
    from townlet.cli.snapshot_cmd import snapshot
    from townlet.cli.train import train

    cli.add_command(run)
    cli.add_command(train)
    cli.add_command(console)
    cli.add_command(snapshot)
    cli.add_command(config)
    cli.add_command(bench)
    cli.add_command(serve)
    cli.add_command(dashboard)
    cli.add_command(demo)


_register_commands()


def main() -> None:
    """Console-script entry point (``townlet``)."""
    cli(prog_name="townlet")
