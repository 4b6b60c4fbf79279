"""The snapshot migrations registry (operations.md S-5).

Each migration is a pure ``dict -> dict`` registered for exactly one step
``N -> N+1``; loading applies the chain from the file's version to the current one.
Schema 1 is the first release, so the default registry is empty; a future schema 2
registers ``@MIGRATIONS.register(1)`` here, with its fixture under
``tests/data/snapshots/v1/``.

>>> registry = MigrationRegistry(current=2)
>>> @registry.register(1)
... def _add_field(doc): return {**doc, "added": True}
>>> doc, steps = registry.migrate({"schema_version": 1})
>>> doc["schema_version"], steps
(2, ['1->2'])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from townlet.errors import SnapshotError
from townlet.snapshots.format import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "Migration", "MigrationRegistry"]

Migration = Callable[[dict[str, Any]], dict[str, Any]]


class MigrationRegistry:
    """Migrations by source version.

    Args:
        current: the schema version this build writes.
    """

    def __init__(self, current: int = SCHEMA_VERSION) -> None:
        self.current = current
        self._steps: dict[int, Migration] = {}

    def register(self, from_version: int) -> Callable[[Migration], Migration]:
        """Decorator: register ``fn`` as the ``from_version -> from_version+1`` step.

        Raises:
            ValueError: a step for ``from_version`` exists already.
        """

        def add(fn: Migration) -> Migration:
            if from_version in self._steps:
                raise ValueError(f"migration {from_version}->{from_version + 1} exists")
            self._steps[from_version] = fn
            return fn

        return add

    def needed(self, version: int) -> list[str]:
        """The steps from ``version`` to the current one, e.g. ``["1->2"]``."""
        return [f"{v}->{v + 1}" for v in range(version, self.current)]

    def migrate(self, doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Apply the chain to ``doc``.

        Returns:
            The migrated document (``schema_version`` updated) and the steps applied.

        Raises:
            SnapshotError: the file is newer than supported, or a step is missing.
        """
        version = doc.get("schema_version")
        if type(version) is not int or version < 1:
            raise SnapshotError(f"snapshot schema_version is invalid: {version!r}")
        if version > self.current:
            raise SnapshotError(
                f"snapshot schema {version} is newer than supported {self.current}; "
                "upgrade townlet"
            )
        applied: list[str] = []
        while version < self.current:
            step = self._steps.get(version)
            if step is None:
                raise SnapshotError(
                    f"no migration path from {version} to {self.current}"
                )
            doc = step(dict(doc))
            applied.append(f"{version}->{version + 1}")
            version += 1
            doc["schema_version"] = version
        return doc, applied


MIGRATIONS = MigrationRegistry()
"""The registry the loader uses."""
