"""Snapshot location, compression and autosave (operations.md 3.6).

``snapshot``. Operator-only: never part of ``config_id``. Paths are relative to
the current working directory.

>>> SnapshotConfig().autosave.retain
5
"""

from __future__ import annotations

from townlet.config.base import Section, setting

__all__ = ["AutosaveConfig", "SnapshotConfig"]


class AutosaveConfig(Section):
    """Periodic snapshots (operations.md S-16)."""

    every_ticks: int = setting(1440, "Save every N ticks; 0 disables.", ge=0)
    retain: int = setting(5, "Autosaves kept per run.", ge=1)


class SnapshotConfig(Section):
    """Snapshot files (operations.md 3)."""

    root: str = setting("snapshots", "Directory every snapshot path must lie in.")
    extra_roots: list[str] = setting([], "Further allowed directories.")
    compress: bool = setting(True, "Write .json.gz (gzip level 6) instead of .json.")
    autosave: AutosaveConfig = setting(AutosaveConfig, "Autosave.")
    on_failure: bool = setting(True, "Save a failure snapshot when a tick fails.")
