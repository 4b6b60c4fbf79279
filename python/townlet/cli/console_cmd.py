"""``townlet console``: the console's CLI client (operations.md 2.8, 2.10, 5).

One-shot (``townlet console teleport agent_3 10 12``), interactive (no command: a
prompt that reads one command per line), or ``--dry-run SCRIPT`` (a script against a
fresh in-process simulation; no sockets). Positional words map to the command's
parameters in declared order (a position takes two words); ``key=value`` sets a named
argument. Values are parsed as YAML, so ``0.5``, ``true`` and ``{hunger: 0.2}`` work.
The token comes from ``--token``, else ``TOWNLET_TOKEN``, else a prompt (admin commands
on a terminal). Exit codes: 0 ok or accepted, 2 refused or bad input, 3 a dry-run
expectation not met.

>>> words_to_args("teleport", ["agent_3", "10", "12"])
{'agent_id': 'agent_3', 'position': [10, 12]}
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import click
import yaml

from townlet.cli.main import EXIT_BAD_INPUT, EXIT_CHECK_FAILED
from townlet.cli.options import config_option, seed_option
from townlet.console.handlers import CATALOGUE
from townlet.errors import ConfigError

__all__ = ["console", "send_envelope", "words_to_args"]


def _value(text: str) -> Any:
    """A word parsed as a YAML scalar or flow collection (plain text on failure)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def words_to_args(name: str, words: list[str]) -> dict[str, Any]:
    """Map CLI words to named args (positional in declared order, or key=value).

    Raises:
        ConfigError: an unknown command, or more words than parameters.
    """
    spec = CATALOGUE.get(name)
    if spec is None:
        raise ConfigError(f"unknown command '{name}'", hint="townlet console help")
    args: dict[str, Any] = {}
    positional = [w for w in words if "=" not in w or w.startswith("{")]
    for word in words:
        if word not in positional:
            key, _, text = word.partition("=")
            args[key] = _value(text)
    params = [p for p in spec.params if p.name not in args]
    i = 0
    for param in params:
        if i >= len(positional):
            break
        if param.kind == "position" and i + 1 < len(positional):
            args[param.name] = [_value(positional[i]), _value(positional[i + 1])]
            i += 2
            continue
        raw = positional[i]
        args[param.name] = raw if param.kind == "str" else _value(raw)
        i += 1
    if i < len(positional):
        raise ConfigError(
            f"{name}: too many words: {' '.join(positional[i:])}",
            hint=f"usage: {spec.usage_line}",
        )
    return args


def send_envelope(
    url: str, envelope: dict[str, Any], token: str | None, wait: float
) -> tuple[int, dict[str, Any]]:
    """POST an envelope to ``<url>/api/console``; returns ``(status, body)``.

    Raises:
        ConfigError: the server cannot be reached.
    """
    data = json.dumps(envelope).encode("utf-8")
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/console?wait={wait:g}",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=wait + 10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            return err.code, json.loads(err.read())
        except ValueError:
            return err.code, {
                "status": "error",
                "error": {"code": "internal", "message": str(err)},
            }
    except (urllib.error.URLError, OSError) as err:
        raise ConfigError(
            f"cannot reach {url}: {getattr(err, 'reason', err)}",
            hint="start a server with `townlet serve` or pass --url",
        ) from None


def _show(body: dict[str, Any], as_json: bool) -> None:
    """Print a result envelope."""
    if as_json:
        click.echo(json.dumps(body, indent=2, sort_keys=True))
        return
    status = body.get("status")
    if status == "error":
        err = body.get("error") or {}
        click.echo(f"error {err.get('code')}: {err.get('message')}", err=True)
        suggestion = (err.get("details") or {}).get("suggestion")
        if suggestion:
            click.echo(f"hint: did you mean {suggestion}?", err=True)
        return
    shown = body.get("result")
    extra = "" if status == "ok" else f" (applies at tick {body.get('apply_tick')})"
    click.echo(f"{status}{extra}: {json.dumps(shown, sort_keys=True, default=str)}")


def _one(url: str, words: list[str], token: str | None, wait: float, js: bool) -> int:
    """Send one command; returns the exit code."""
    name, rest = words[0], words[1:]
    args = words_to_args(name, rest)
    if token is None and CATALOGUE[name].role == "admin" and sys.stdin.isatty():
        token = click.prompt("token", hide_input=True, default="", show_default=False)
    envelope = {
        "cmd_id": f"cli-{uuid.uuid4().hex[:12]}",
        "name": name,
        "args": args,
        "issuer": "townlet-console",
    }
    _status, body = send_envelope(url, envelope, token or None, wait)
    _show(body, js)
    return 0 if body.get("status") in ("ok", "accepted") else EXIT_BAD_INPUT


def _dry_run(script: Path, config: Path | None, seed: int | None, fmt: str) -> int:
    """Run a script locally; returns the exit code."""
    from townlet.console.dryrun import dry_run, format_rows
    from townlet.console.script import load_script

    parsed = load_script(script)
    rows = dry_run(parsed, config=config, seed=seed)
    click.echo(format_rows(rows, fmt))
    return 0 if all(row.met for row in rows) else EXIT_CHECK_FAILED


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--url", default="http://127.0.0.1:8000", show_default=True, help="Server base URL."
)
@click.option("--token", default=None, help="Bearer token (else TOWNLET_TOKEN).")
@click.option("--json", "as_json", is_flag=True, help="Print result envelopes as JSON.")
@click.option(
    "--wait",
    type=click.FloatRange(0, 30),
    default=5.0,
    show_default=True,
    help="Seconds to wait for an in-tick command's result.",
)
@click.option(
    "--dry-run",
    "dry_run_script",
    type=click.Path(path_type=Path),
    default=None,
    help="Run a script against a fresh local simulation.",
)
@config_option(help="Config for --dry-run (default: the script's, else default).")
@seed_option(default=None, help="Seed for --dry-run (default: the script's).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="Dry-run output format.",
)
@click.pass_context
def console(
    ctx: click.Context,
    words: tuple[str, ...],
    url: str,
    token: str | None,
    as_json: bool,
    wait: float,
    dry_run_script: Path | None,
    config_path: Path | None,
    seed: int | None,
    fmt: str,
) -> None:
    """Send console commands to a running `townlet serve`, or dry-run a script.

    Examples: `townlet console status`, `townlet console teleport agent_3 10 12`,
    `townlet console --dry-run configs/demo/story_day_one.yaml`.
    """
    if dry_run_script is not None:
        ctx.exit(_dry_run(dry_run_script, config_path, seed, fmt))
    token = token or os.environ.get("TOWNLET_TOKEN") or None
    if words:
        ctx.exit(_one(url, list(words), token, wait, as_json))
    code = 0
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input("townlet> ") if interactive else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and line == "":
            break
        line = line.strip()
        if line in ("quit", "exit"):
            break
        if not line or line.startswith("#"):
            continue
        try:
            code = _one(url, shlex.split(line), token, wait, as_json)
        except ConfigError as err:
            click.echo(f"error: {err.message}", err=True)
            code = EXIT_BAD_INPUT
    ctx.exit(code)
