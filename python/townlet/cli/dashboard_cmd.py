"""``townlet dashboard``: the terminal dashboard (operations.md 4.3, 5).

It runs a local simulation (principal ``local:dashboard``) and needs the ``ui``
extra (Textual); without it the command exits 2 naming the extra. ``--connect URL``
(following a ``townlet serve``) is not available in this build and exits 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from townlet.cli.main import EXIT_BAD_INPUT
from townlet.cli.options import config_option, seed_option

__all__ = ["dashboard", "require_textual"]

MISSING_TEXTUAL = (
    "error: townlet {what} needs the ui extra (Textual), which is not installed\n"
    "hint: pip install 'townlet[ui]'"
)


def require_textual(what: str) -> None:
    """Exit 2 with an ``install townlet[ui]`` hint when Textual is missing."""
    from townlet.ui.dashboard import textual_available

    if not textual_available():
        click.echo(MISSING_TEXTUAL.format(what=what), err=True)
        raise click.exceptions.Exit(EXIT_BAD_INPUT)


@click.command("dashboard")
@config_option("Config of the local simulation (default: configs/default.yaml).")
@seed_option(None, "Master seed (default: the config's).")
@click.option(
    "--tps",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Ticks per second (0: as fast as possible).",
)
@click.option("--paused", is_flag=True, help="Start paused (space resumes).")
@click.option(
    "--telemetry",
    default="null",
    show_default=True,
    help="Telemetry spec of the local simulation (none: the stub, with its banner).",
)
@click.option(
    "--snapshot-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where `s` saves snapshots and the audit log goes (default: the config's).",
)
@click.option("--connect", metavar="URL", default=None, help="Follow a townlet serve.")
@click.option("--token", envvar="TOWNLET_TOKEN", default=None, help="Operator token.")
def dashboard(
    config_path: Path | None,
    seed: int | None,
    tps: float,
    paused: bool,
    telemetry: str,
    snapshot_dir: Path | None,
    connect: str | None,
    token: str | None,
) -> None:
    """Watch and steer a simulation in the terminal (q quits, ? lists the keys)."""
    if connect is not None:
        click.echo(
            "error: townlet dashboard --connect: following a townlet serve is not "
            "available in this build\nhint: run `townlet dashboard` without --connect "
            "for a local simulation",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
    require_textual("dashboard")
    from townlet.ui.dashboard.app import DashboardApp
    from townlet.ui.dashboard.session import LocalSession

    session = LocalSession(
        config_path, seed=seed, workdir=snapshot_dir, telemetry=telemetry
    )
    with session:
        if paused:
            session.command("pause")
        DashboardApp(session, tps=tps).run()
