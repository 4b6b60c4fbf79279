"""Action mode, option commitment and controller tuning (learning.md 2).

``actions`` selects option or primitive mode and the commitment lock;
``controllers`` tunes the option controllers that live in the world.

>>> ActionsConfig().mode
'option'
"""

from __future__ import annotations

from typing import Literal

from townlet.config.base import Section, setting

__all__ = ["ActionsConfig", "ControllersConfig"]


class ActionsConfig(Section):
    """Action encoding and commitment (learning.md 2.1, 2.3)."""

    mode: Literal["option", "primitive"] = setting(
        "option", "option (A = 8) or primitive (A = 19)."
    )
    commit_ticks: int = setting(
        15, "Ticks an option stays locked after it starts.", ge=0
    )
    commitment: Literal["ticks", "until_done"] = setting(
        "ticks", "ticks (lock for commit_ticks) or until_done (lock until it ends)."
    )
    critical_need: float = setting(
        0.15, "A need below this closes the lock early.", ge=0.0, le=1.0
    )
    work_lead_ticks: int = setting(
        120, "Ticks before shift start from which Work is allowed.", ge=0
    )


class ControllersConfig(Section):
    """Option controller tuning (learning.md 2.4)."""

    rival_detour: int = setting(
        15,
        "Extra steps a controller accepts to avoid an object where a rival waits.",
        ge=0,
    )
    max_queue_wait: int = setting(
        120, "Ticks of waiting after which an option fails.", ge=1
    )
