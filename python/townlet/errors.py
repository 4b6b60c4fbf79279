"""The one error hierarchy of Townlet (architecture.md section 7).

Every error a user can cause derives from :class:`TownletError`. The native binding
imports these classes instead of defining its own, so ``except ConfigError`` behaves
the same with either world. Structured fields travel as attributes.

>>> try:
...     raise ConfigError("must be >= 0 (got -1)", key="world.needs.decay.hunger")
... except TownletError as err:
...     print(err.key)
world.needs.decay.hunger
"""

from __future__ import annotations

__all__ = [
    "CommandError",
    "ConfigError",
    "ProviderError",
    "SimulationError",
    "SnapshotError",
    "TownletError",
]


class TownletError(Exception):
    """Base class of every error Townlet raises on purpose.

    Args:
        message: one line saying what failed and why.
        hint: an optional one-line fix shown by the CLI as ``hint: ...``.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(TownletError):
    """A configuration, map or manifest is invalid.

    Args:
        message: what is wrong.
        file: the file that holds the problem, if any.
        key: the dotted key path of the problem, if any.
        code: a stable machine code such as ``map.glyph_unknown``.
        errors: every individual problem found, one line each.
        hint: an optional fix.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        code: str | None = None,
        errors: list[str] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.file = file
        self.key = key
        self.code = code
        self.errors = list(errors) if errors else [message]


class CommandError(TownletError):
    """A console command was refused; ``code`` is from the fixed list of operations.md.

    Args:
        code: the error code, e.g. ``invalid_args``.
        message: what was wrong.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class SnapshotError(TownletError):
    """A snapshot or exported state tree was refused before anything was replaced."""


class ProviderError(TownletError):
    """A provider could not be built or was misused (missing extra, bad buffers)."""


class SimulationError(TownletError):
    """A tick failed; the loop emitted ``loop.failure`` before raising this."""
