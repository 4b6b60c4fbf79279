"""Every console command of operations.md 2.9, declared once.

:data:`CATALOGUE` maps each name to its :class:`~townlet.console.catalogue.CommandSpec`;
``help``, the HTTP catalogue and docs/console.md come from it.

>>> len(CATALOGUE)
30
"""

from __future__ import annotations

from townlet.console.catalogue import CommandSpec
from townlet.console.handlers.control import CONTROL_COMMANDS
from townlet.console.handlers.view import VIEW_COMMANDS
from townlet.console.handlers.world_cmds import WORLD_COMMANDS

__all__ = ["CATALOGUE"]

CATALOGUE: dict[str, CommandSpec] = {
    spec.name: spec for spec in (*VIEW_COMMANDS, *WORLD_COMMANDS, *CONTROL_COMMANDS)
}
