"""``townlet config validate | show | doc`` (operations.md section 5).

- ``validate PATH...`` loads each config (and every file it names) and reports all
  problems, map cross-checks included (world.md 2.6: job sites and meeting places
  name zones, the population fits the beds); exit 2 if any file is invalid.
- ``show PATH`` prints the file after validation; ``--resolved`` prints every key with
  defaults filled in; ``--id`` prints only the ``config_id``; ``--layout`` prints the
  observation layout as JSON (learning.md 1.9; PATH optional, default config).
- ``doc`` regenerates the config reference (``--layout``: docs/observation-layout.md);
  ``--check`` exits 3 when the committed file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import yaml

from townlet.cli.main import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, report_error
from townlet.errors import TownletError

__all__ = ["config"]

DEFAULT_REFERENCE = Path("docs/config-reference.md")
DEFAULT_LAYOUT_DOC = Path("docs/observation-layout.md")


@click.group()
def config() -> None:
    """Validate, show and document configs."""


@config.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate each config file; print 'ok PATH <config_id>' or its errors."""
    from townlet.config import config_id, load_config

    failed = 0
    for path in paths:
        try:
            cfg = load_config(path, map_checks=True)
        except TownletError as err:
            failed += 1
            report_error(err)
            continue
        click.echo(f"ok {path} {config_id(cfg)}")
    if failed:
        ctx.exit(EXIT_BAD_INPUT)


@config.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--resolved", is_flag=True, help="Print every key, defaults included.")
@click.option("--id", "show_id", is_flag=True, help="Print only the config_id.")
@click.option("--layout", is_flag=True, help="Print the observation layout as JSON.")
@click.option("--variant", type=click.Choice(["full", "hybrid", "compact"]))
@click.option("--mode", type=click.Choice(["option", "primitive"]))
def show(
    path: Path | None,
    resolved: bool,
    show_id: bool,
    layout: bool,
    variant: str | None,
    mode: str | None,
) -> None:
    """Print a validated config (as written, or --resolved), its --id or --layout."""
    from townlet.config import config_id, load_config

    if layout:
        _show_layout(load_config(path, map_checks=path is not None), variant, mode)
        return
    if path is None:
        raise click.UsageError("Missing argument 'PATH' (optional only with --layout).")
    cfg = load_config(path, map_checks=True)
    if show_id:
        click.echo(config_id(cfg))
    elif resolved:
        tree = cfg.model_dump(mode="json")
        click.echo(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True), nl=False)
    else:
        click.echo(path.read_text(encoding="utf-8"), nl=False)


def _show_layout(cfg: Any, variant: str | None, mode: str | None) -> None:
    from townlet.world.layout import observation_layout

    spec = observation_layout(
        cfg, variant or cfg.observations.variant, mode or cfg.actions.mode
    )
    click.echo(json.dumps(spec.to_json(), indent=2))


@config.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=f"Where the page is written (or compared with --check); default "
    f"{DEFAULT_REFERENCE}, or {DEFAULT_LAYOUT_DOC} with --layout.",
)
@click.option("--check", is_flag=True, help="Exit 3 when --out differs; write nothing.")
@click.option("--layout", is_flag=True, help="The observation layout page instead.")
@click.pass_context
def doc(ctx: click.Context, out: Path | None, check: bool, layout: bool) -> None:
    """Generate the config reference (or --layout page) in Markdown."""
    from townlet.config import generate_reference
    from townlet.world.layout_doc import generate_layout_doc

    text = generate_layout_doc() if layout else generate_reference()
    out = out or (DEFAULT_LAYOUT_DOC if layout else DEFAULT_REFERENCE)
    flag = " --layout" if layout else ""
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            click.echo(
                f"error: {out} is stale; regenerate it with "
                f"'townlet config doc{flag} --out {out}'",
                err=True,
            )
            ctx.exit(EXIT_CHECK_FAILED)
        click.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")
