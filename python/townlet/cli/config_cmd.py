"""``townlet config validate | show | doc`` (operations.md section 5).

- ``validate PATH...`` loads each config (and every file it names) and reports all
  problems, map cross-checks included (world.md 2.6: job sites and meeting places
  name zones, the population fits the beds); exit 2 if any file is invalid.
- ``show PATH`` prints the file after validation; ``--resolved`` prints every key with
  defaults filled in; ``--id`` prints only the ``config_id``.
- ``doc`` regenerates the config reference; ``--check`` exits 3 when the committed
  file is stale.
"""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from townlet.cli.main import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, report_error
from townlet.errors import TownletError

__all__ = ["config"]

DEFAULT_REFERENCE = Path("docs/config-reference.md")


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
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--resolved", is_flag=True, help="Print every key, defaults included.")
@click.option("--id", "show_id", is_flag=True, help="Print only the config_id.")
def show(path: Path, resolved: bool, show_id: bool) -> None:
    """Print a validated config (as written, or --resolved), or its --id."""
    from townlet.config import config_id, load_config

    cfg = load_config(path, map_checks=True)
    if show_id:
        click.echo(config_id(cfg))
    elif resolved:
        tree = cfg.model_dump(mode="json")
        click.echo(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True), nl=False)
    else:
        click.echo(path.read_text(encoding="utf-8"), nl=False)


@config.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_REFERENCE,
    show_default=True,
    help="Where the reference is written (or compared with --check).",
)
@click.option("--check", is_flag=True, help="Exit 3 when --out differs; write nothing.")
@click.pass_context
def doc(ctx: click.Context, out: Path, check: bool) -> None:
    """Generate the config reference (Markdown) from the config models."""
    from townlet.config import generate_reference

    text = generate_reference()
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            click.echo(
                f"error: {out} is stale; regenerate it with "
                f"'townlet config doc --out {out}'",
                err=True,
            )
            ctx.exit(EXIT_CHECK_FAILED)
        click.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")
