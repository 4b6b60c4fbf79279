"""Structured logging settings (operations.md 1.11).

``log``. Operator-only: never part of ``config_id``.

>>> LogConfig().format
'auto'
"""

from __future__ import annotations

from typing import Literal

from townlet.config.base import Section, setting

__all__ = ["LogConfig"]


class LogConfig(Section):
    """Log level, renderer and progress cadence."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = setting(
        "INFO", "Minimum level logged."
    )
    format: Literal["auto", "json", "console"] = setting(
        "auto", "auto (console on a TTY, else JSON), json or console."
    )
    progress_every_ticks: int = setting(
        1440, "Ticks between sim.progress lines at INFO.", ge=1
    )
