"""``townlet demo --ui web``: a story played in ``townlet serve`` (operations.md 7.2).

The story's steps go through the served console as ``system:demo`` (the same
:class:`~townlet.console.script.ScriptRunner` the headless and dashboard demos use);
at the story's last tick, after its end narration, the simulation pauses and the
viewer stays up until Ctrl-C.

    serve_demo(load_story(), tps=24, open_browser=True, loop=False)
"""

from __future__ import annotations

from typing import Any

import click

from townlet.config import load_config
from townlet.console.script import ScriptRunner
from townlet.demo.story import Story
from townlet.errors import TownletError
from townlet.serve.session import build_served, serve_forever, serve_telemetry_spec

__all__ = ["serve_demo"]


def serve_demo(
    story: Story,
    *,
    tps: float,
    open_browser: bool,
    loop: bool,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> None:
    """Serve ``story`` in the web viewer until interrupted.

    Raises:
        TownletError: ``loop`` (replaying the story in the web viewer is not built;
            the dashboard loops).
    """
    if loop:
        raise TownletError(
            "townlet demo --loop: looping is available in the dashboard only",
            hint="use --ui dashboard --loop, or drop --loop",
        )
    config = load_config(story.config)
    served = build_served(
        config,
        telemetry=serve_telemetry_spec(""),
        seed=story.script.seed,
        tps=tps,
        host=host,
    )
    sim = served.runner.loop
    ScriptRunner(story.script, served.console, principal="system:demo").attach(sim)
    console = served.console

    def pause_at_end(loop_: Any, result: Any) -> None:
        if loop_.tick >= story.ticks:
            console.paused = True  # the tick runs under the console lock

    sim.after_tick_hooks.append(pause_at_end)

    def announce(url: str) -> None:
        click.echo(f"Demo '{story.script.name}' at {url}", err=True)

    serve_forever(
        served,
        host,
        config.serve.port if port is None else port,
        open_browser=open_browser,
        announce=announce,
    )
