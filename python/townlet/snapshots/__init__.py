"""Snapshots: complete, versioned state files, deterministic resume (operations.md 3).

- :mod:`~townlet.snapshots.format`: the file format and checksum.
- :mod:`~townlet.snapshots.capture`: what each section holds, and the hooks.
- :mod:`~townlet.snapshots.manager`: saving, autosave and retention.
- :mod:`~townlet.snapshots.load`: the checked load sequence and resume.
- :mod:`~townlet.snapshots.migrations`: the migrations registry.
- :mod:`~townlet.snapshots.paths`: path confinement and atomic writes.
- :mod:`~townlet.snapshots.slices`: replay slices.
- :mod:`~townlet.snapshots.diff`: structural diffs.
"""

from __future__ import annotations

from townlet.snapshots.capture import StateHooks, capture_state, restore_state
from townlet.snapshots.format import FORMAT, SCHEMA_VERSION
from townlet.snapshots.load import ResumedRun, read_snapshot, resume_simulation
from townlet.snapshots.manager import SavedSnapshot, SnapshotManager
from townlet.snapshots.migrations import MIGRATIONS, MigrationRegistry

__all__ = [
    "FORMAT",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "MigrationRegistry",
    "ResumedRun",
    "SavedSnapshot",
    "SnapshotManager",
    "StateHooks",
    "capture_state",
    "read_snapshot",
    "restore_state",
    "resume_simulation",
]
