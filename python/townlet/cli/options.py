"""Click options shared by several commands, defined once so they agree.

>>> import click
>>> @click.command()
... @seed_option(default=0, help="Seed.")
... def hello(seed: int) -> None: ...
>>> [p.name for p in hello.params]
['seed']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["SEED_RANGE", "config_option", "seed_option", "set_option"]

F = TypeVar("F", bound=Callable[..., Any])

SEED_RANGE = click.IntRange(0, 2**64 - 1)
"""Master seeds lie in [0, 2**64) (architecture.md 5.4)."""


def config_option(help: str) -> Callable[[F], F]:
    """``--config PATH`` bound to the ``config_path`` parameter (None = default).

    Args:
        help: the help line of this command's ``--config``.
    """
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        help=help,
    )


def seed_option(default: int | None, help: str) -> Callable[[F], F]:
    """``--seed S`` restricted to [0, 2**64).

    Args:
        default: the default seed, or None for "the config's seed".
        help: the help line of this command's ``--seed``.
    """
    return click.option(
        "--seed",
        type=SEED_RANGE,
        default=default,
        show_default=default is not None,
        help=help,
    )


def set_option() -> Callable[[F], F]:
    """``--set KEY=VALUE`` (repeatable) bound to ``set_args`` (operations.md L-2)."""
    return click.option(
        "--set",
        "set_args",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override a config key (value parsed as YAML); repeatable.",
    )
