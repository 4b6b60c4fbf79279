"""``townlet serve``: the simulation on a thread behind an HTTP/WebSocket server.

Operations.md 4.1 and 5. The loop runs on its own thread at ``--tps`` (0 = as fast
as possible), optionally ``--paused``; Starlette on uvicorn serves ``/api/*``,
``/ws/telemetry`` and ``/metrics`` (:mod:`townlet.serve`). ``--telemetry`` adds
transports (``file``, ``stdout``); the WebSocket transport is always added, except
with ``none``. World-derived sections refresh every tick here (the viewer wants
every move) unless the config sets ``telemetry.world_every_ticks``. ``--port 0``
binds any free port; the log line ``Viewer at http://HOST:PORT/`` names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import structlog

from townlet.cli.options import config_option, seed_option, set_option
from townlet.core.build import new_run_id
from townlet.serve.session import build_served, serve_forever, serve_telemetry_spec
from townlet.telemetry.log_config import get_logger

__all__ = ["serve", "serve_telemetry_spec"]

_log = get_logger("townlet.serve")


def _serve_config(config: Any) -> Any:
    """Refresh world sections every tick unless the config chose a cadence."""
    telemetry = config.telemetry
    if "world_every_ticks" in telemetry.model_fields_set:
        return config
    return config.model_copy(
        update={"telemetry": telemetry.model_copy(update={"world_every_ticks": 1})}
    )


@click.command()
@config_option(help="Config YAML (default: the packaged default town).")
@seed_option(default=None, help="Master seed (default: the config's seed).")
@click.option("--host", default=None, help="Bind address (default: serve.host).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="TCP port; 0 = any free port (default: serve.port).",
)
@click.option(
    "--tps",
    type=click.FloatRange(min=0),
    default=None,
    help="Ticks per second; 0 = as fast as possible (default: serve.tps).",
)
@click.option("--paused", is_flag=True, help="Start paused.")
@click.option(
    "--telemetry",
    "telemetry_spec",
    default="",
    help="Extra transports (file[:PATH], stdout); none serves no stream.",
)
@set_option()
@click.option(
    "--max-ticks",
    type=click.IntRange(min=0),
    default=None,
    hidden=True,
    help="Stop the simulation after N ticks (tests).",
)
def serve(
    config_path: Path | None,
    seed: int | None,
    host: str | None,
    port: int | None,
    tps: float | None,
    paused: bool,
    telemetry_spec: str,
    set_args: tuple[str, ...],
    max_ticks: int | None,
) -> None:
    """Serve the simulation over HTTP and WebSocket (Ctrl-C stops it)."""
    from townlet.config import load_config

    spec = serve_telemetry_spec(telemetry_spec)
    config = _serve_config(load_config(config_path, set_args=set_args))
    settings = config.serve
    host = host or settings.host
    port = settings.port if port is None else port
    tps = settings.tps if tps is None else tps
    run_id = new_run_id()
    structlog.contextvars.bind_contextvars(run_id=run_id)
    served = build_served(
        config,
        telemetry=spec,
        seed=seed,
        run_id=run_id,
        tps=tps,
        paused=paused,
        max_ticks=max_ticks,
        host=host,
    )
    for notice in served.notices:
        click.echo(f"warning: {notice}", err=True)

    def announce(url: str) -> None:
        _log.info("serve.listening", url=url)
        click.echo(f"Viewer at {url}", err=True)

    try:
        serve_forever(served, host, port, announce=announce)
    except OSError as err:
        raise click.UsageError(f"cannot bind {host}:{port}: {err.strerror}") from None
