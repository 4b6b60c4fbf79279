"""``townlet demo``: play a scripted story (operations.md 7, 5).

``--ui none`` plays it headless and prints the narrations (``--narrations-out``
writes them in the golden-file form); ``--ui dashboard`` plays it in the terminal
dashboard; ``--ui web`` hands it to ``townlet serve``
(:func:`townlet.demo.start_web_demo`). A story that fails validation exits 2 listing
every problem; a command step whose outcome differs from its ``expect`` exits 3.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from townlet.cli.main import EXIT_BAD_INPUT, EXIT_CHECK_FAILED

if TYPE_CHECKING:
    from townlet.demo import Story

__all__ = ["demo"]

DEFAULT_TPS = 24.0


@click.command("demo")
@click.option(
    "--timeline",
    type=click.Path(path_type=Path),
    default=None,
    help="Story file (default: configs/demo/story_day_one.yaml).",
)
@click.option(
    "--ui",
    type=click.Choice(["web", "dashboard", "none"]),
    default="web",
    show_default=True,
    help="Where to play it.",
)
@click.option(
    "--tps",
    type=click.FloatRange(min=0),
    default=None,
    help="Ticks per second (default: the story's, else 24; 0: as fast as possible).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the browser (web).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Web: the port (default: serve.port of the story's config; 0 = any free).",
)
@click.option("--loop", "loop_story", is_flag=True, help="Start again at the end.")
@click.option(
    "--narrations-out",
    type=click.Path(path_type=Path),
    default=None,
    help="With --ui none: write the narrations as JSON lines (the golden form).",
)
@click.option(
    "--workdir",
    type=click.Path(path_type=Path),
    default=None,
    help="Audit log and snapshots (default: a temporary folder).",
)
def demo(
    timeline: Path | None,
    ui: str,
    tps: float | None,
    open_browser: bool,
    port: int | None,
    loop_story: bool,
    narrations_out: Path | None,
    workdir: Path | None,
) -> None:
    """Play a demo story (default: "Day one")."""
    import tempfile

    from townlet.demo import load_story

    story = load_story(timeline)
    rate = tps if tps is not None else float(story.script.tps or DEFAULT_TPS)
    if ui == "web":
        from townlet.demo import start_web_demo

        start_web_demo(
            story, tps=rate, open_browser=open_browser, loop=loop_story, port=port
        )
        return
    if ui == "none" and loop_story:
        click.echo("error: --loop needs a UI (--ui dashboard or web)", err=True)
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
    if ui == "dashboard":
        from townlet.cli.dashboard_cmd import require_textual

        require_textual("demo --ui dashboard")
    with tempfile.TemporaryDirectory(prefix="townlet-demo-") as tmp:
        where = workdir or Path(tmp)
        if ui == "dashboard":
            _play_dashboard(story, rate, where, loop_story)
            return
        _play_headless(story, rate, where, narrations_out)


def _play_headless(
    story: Story, tps: float, workdir: Path, narrations_out: Path | None
) -> None:
    """``--ui none``: run to the end, print narrations, check expectations."""
    from townlet.demo import narrations_jsonl, run_headless

    outcome = run_headless(story, tps=tps, workdir=workdir)
    for n in outcome.narrations:
        click.echo(f"{n['tick']:>5}  {n['category']:<12}  {n['message']}")
    if narrations_out is not None:
        narrations_out.write_text(narrations_jsonl(outcome.narrations), "utf-8")
    unmet = [
        f"{step.name} at tick {step.at}: expected {step.expect}, got {result.status}"
        for step, result in outcome.step_results
        if step.expect == "ok" and result.status != "ok"
    ]
    for line in unmet:
        click.echo(f"error: demo step not met: {line}", err=True)
    if unmet:
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _play_dashboard(story: Story, tps: float, workdir: Path, loop_story: bool) -> None:
    """``--ui dashboard``: the story drives the terminal dashboard."""
    from townlet.demo import DemoRun
    from townlet.ui.dashboard.app import DashboardApp

    def fresh() -> DemoRun:
        run = DemoRun(story, workdir=workdir)
        run.start()
        return run

    run = fresh()
    restart = fresh if loop_story else None
    app = DashboardApp(run.session, tps=tps, demo=run, restart=restart)
    try:
        app.run()
    finally:
        app.demo.stop()
