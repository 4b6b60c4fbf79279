"""``townlet run``: run a town headless, with a progress bar and an end summary.

architecture.md section 6, operations.md section 5 (L-3, L-4). With no arguments it
runs the packaged default config for 2,880 ticks (two days: the KPIs of learning.md
5.4 are measured from the second) with file telemetry. The config is
checked against its map too (world.md 2.6). A population above the beds of the map
(``config.beds``) is only a warning here: ``--set world.agents=60`` on the 10-bed
default town runs a crowded town whose extra residents are homeless (world.md 11,
spawn rule 4); any other map problem still fails with exit 2. The Python API leaves
the map checks to the caller (``load_config(..., map_checks=True)``). The first
SIGINT finishes the current tick, closes normally and exits 130; a second one aborts
at once.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click
import structlog

from townlet.cli.main import EXIT_INTERRUPTED, CliState
from townlet.cli.options import config_option, seed_option, set_option
from townlet.cli.run_state import maybe_replay, run_state_options, setup_run_state
from townlet.cli.summary import RunSummary, format_summary
from townlet.core.build import build_simulation, new_run_id
from townlet.core.loop import SimulationLoop
from townlet.errors import SimulationError
from townlet.telemetry.log_config import configure_logging
from townlet.telemetry.spec import parse_telemetry_spec

__all__ = ["run"]


@contextmanager
def _sigint_stops(loop: SimulationLoop) -> Iterator[None]:
    """First SIGINT: stop after the current tick. Second: abort at once."""
    if not _in_main_thread():
        yield
        return
    hits = {"n": 0}

    def handler(signum: int, frame: FrameType | None) -> None:
        hits["n"] += 1
        if hits["n"] > 1:
            raise KeyboardInterrupt
        loop.request_stop()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _in_main_thread() -> bool:
    """Signal handlers can only be installed from the main thread."""
    import threading

    return threading.current_thread() is threading.main_thread()


def _progress_enabled(no_progress: bool, telemetry_spec: str) -> bool:
    """Rich progress on stderr only on a TTY, without ``--no-progress`` or stdout."""
    if no_progress or not sys.stderr.isatty():
        return False
    return all(item.name != "stdout" for item in parse_telemetry_spec(telemetry_spec))


@contextmanager
def _progress_bar(
    enabled: bool, total: int
) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr, or ``None`` when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    with Progress(
        TextColumn("ticks"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("run", total=total)

        def advance(done: int, _total: int) -> None:
            if done % 16 == 0 or done == _total:
                progress.update(task, completed=done)

        yield advance


def _log_settings(ctx: click.Context, config: Any) -> None:
    """Apply the config's ``log`` section unless ``--log-level``/``--log-format``."""
    state = ctx.find_object(CliState) or CliState()
    root = ctx.find_root()
    default = click.core.ParameterSource.DEFAULT
    log = getattr(config, "log", None)
    level, fmt = state.log_level, state.log_format
    if log is not None and root.get_parameter_source("log_level") is default:
        level = log.level
    if log is not None and root.get_parameter_source("log_format") is default:
        fmt = log.format
    configure_logging(level, fmt)


def _load_run_config(config_path: Path | None, set_args: tuple[str, ...]) -> Any:
    """The config with map checks; more residents than beds only warns."""
    from townlet.config import load_config
    from townlet.errors import ConfigError

    try:
        return load_config(config_path, set_args=set_args, map_checks=True)
    except ConfigError as err:
        if err.code != "config.beds" or len(err.errors) != 1:
            raise
        click.echo(
            f"warning: {err.errors[0]}; the residents without a bed are homeless",
            err=True,
        )
        return load_config(config_path, set_args=set_args)


@click.command()
@config_option(help="Config YAML (default: the packaged default town).")
@click.option(
    "--ticks",
    type=click.IntRange(min=0),
    default=2880,
    show_default=True,
    help="Ticks to run (one tick is one simulated minute).",
)
@seed_option(default=None, help="Master seed (default: the config's seed).")
@click.option(
    "--world",
    type=click.Choice(["auto", "native", "python"]),
    default=None,
    help="World provider (default: the config's, normally auto).",
)
@click.option(
    "--policy",
    default=None,
    help="Policy provider: scripted (default), random, stub, ppo:PATH, bc:PATH, "
    "anneal:PATH, or a checkpoint PATH (.pt, its .json or a checkpoint directory).",
)
@click.option(
    "--telemetry",
    "telemetry_spec",
    default="file",
    show_default=True,
    help="Comma list of stdout, file[:PATH], ws[://HOST:PORT], prometheus[:PORT], "
    "null, none (see docs/telemetry.md).",
)
@set_option()
@click.option(
    "--summary-json",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the end summary as JSON to this file.",
)
@click.option(
    "--print-hash", is_flag=True, help="Print the final state_hash on stdout."
)
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@run_state_options
@click.pass_context
def run(
    ctx: click.Context,
    /,
    config_path: Path | None,
    ticks: int,
    seed: int | None,
    world: str | None,
    policy: str | None,
    telemetry_spec: str,
    set_args: tuple[str, ...],
    summary_json: Path | None,
    print_hash: bool,
    no_progress: bool,
    **state_options: Any,
) -> None:
    """Run a town headless and print an end summary on stderr.

    With no arguments: the default town, 2,880 ticks (two days; KPIs are measured
    on the second), file telemetry under runs/<run_id>/.
    """
    parse_telemetry_spec(telemetry_spec)  # bad spec: exit 2 before any work
    replayed = maybe_replay(state_options, world)
    if replayed is not None:
        ctx.exit(replayed)
    config = _load_run_config(config_path, set_args)
    _log_settings(ctx, config)
    run_id = new_run_id()
    structlog.contextvars.bind_contextvars(run_id=run_id)
    state = setup_run_state(
        state_options,
        config,
        lambda cfg: build_simulation(
            cfg,
            world=world,
            policy=policy,
            telemetry=telemetry_spec,
            seed=seed,
            run_id=run_id,
        ),
        explicit_config=config_path is not None or bool(set_args),
        world=world,
        policy=policy,
        telemetry=telemetry_spec,
        run_id=run_id,
    )
    loop = state.loop
    structlog.contextvars.bind_contextvars(config_id=loop.config_id[:12])
    done = 0
    with loop, _sigint_stops(loop):
        started = time.perf_counter()
        with _progress_bar(
            _progress_enabled(no_progress, telemetry_spec), ticks
        ) as bar:
            try:
                done = loop.run(ticks, progress=bar)
            except SimulationError:
                if state.snapshots is not None:
                    state.snapshots.save_failure()
                raise
        wall = time.perf_counter() - started
        state.finish()
    summary = RunSummary.from_loop(loop, ticks_run=done, wall_seconds=wall)
    structlog.contextvars.unbind_contextvars("tick")
    click.echo(format_summary(summary), err=True)
    if summary_json is not None:
        summary_json.parent.mkdir(parents=True, exist_ok=True)
        summary_json.write_text(json.dumps(summary.as_dict(), indent=2) + "\n")
    if print_hash:
        click.echo(summary.state_hash)
    if done < ticks:
        click.echo(f"interrupted after {done} of {ticks} ticks", err=True)
        ctx.exit(EXIT_INTERRUPTED)
