"""Option settings: ``actions.commit_ticks``, ``commitment``, ``critical_need``,
``work_lead_ticks`` and ``controllers.*`` (learning.md 2.1-2.4).

The Rust core reads the same keys into ``ActionSettings`` and
``controllers::ControllerSettings``; absent keys take the spec defaults.

>>> parse_option_rules({"actions": {"mode": "option"}}).commit_ticks
15
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OptionRules", "parse_option_rules"]

MAX_TICK = (1 << 53) - 1


@dataclass(frozen=True, slots=True)
class OptionRules:
    """The option-mode tuning of one world."""

    commit_ticks: int = 15
    commitment: str = "ticks"
    critical_need: float = 0.15
    work_lead_ticks: int = 120
    rival_detour: int = 15
    max_queue_wait: int = 120


def parse_option_rules(
    root: Mapping[str, Any],
    as_int: Callable[..., int] | None = None,
    as_float: Callable[..., float] | None = None,
    fail: Callable[[str, str], Exception] | None = None,
) -> OptionRules:
    """Read the option keys of the settings ``root`` with the settings checkers.

    ``as_int(value, path, lo, hi)``, ``as_float(...)`` and ``fail(path, what)`` are the
    settings module's checkers (plain conversions when omitted, for doctests).
    """
    d = OptionRules()
    actions = root.get("actions") or {}
    ctl = root.get("controllers") or {}
    i = as_int or (lambda v, *_: int(v))
    f = as_float or (lambda v, *_: float(v))
    commitment = actions.get("commitment", d.commitment)
    if commitment not in ("ticks", "until_done") and fail is not None:
        raise fail(
            "actions.commitment",
            f"expected 'ticks' or 'until_done', got '{commitment}'",
        )
    return OptionRules(
        commit_ticks=i(
            actions.get("commit_ticks", d.commit_ticks),
            "actions.commit_ticks",
            0,
            MAX_TICK,
        ),
        commitment=str(commitment),
        critical_need=f(
            actions.get("critical_need", d.critical_need),
            "actions.critical_need",
            0.0,
            1.0,
        ),
        work_lead_ticks=i(
            actions.get("work_lead_ticks", d.work_lead_ticks),
            "actions.work_lead_ticks",
            0,
            MAX_TICK,
        ),
        rival_detour=i(
            ctl.get("rival_detour", d.rival_detour),
            "controllers.rival_detour",
            0,
            MAX_TICK,
        ),
        max_queue_wait=i(
            ctl.get("max_queue_wait", d.max_queue_wait),
            "controllers.max_queue_wait",
            1,
            MAX_TICK,
        ),
    )
