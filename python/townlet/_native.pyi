"""Type stub of ``townlet._native``, the PyO3 binding over ``rust/townlet-core``.

Written from ``rust/townlet-py/src`` (``lib.rs``, ``world.rs``, ``step.rs``). Only
``townlet.world.native`` (and later the vector env) imports this module; everything
else talks to the ``WorldRuntime`` protocol. Errors raised here are the classes of
``townlet.errors`` (``ConfigError``, ``SnapshotError``, ``ProviderError``).
"""

from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

class StepRows:
    """What one step produced, kept in Rust; each method builds a new object."""

    def events(self) -> list[dict[str, Any]]:
        """The step's events as dicts ``{tick, seq, name, ...payload}``."""

    def rows(
        self,
    ) -> tuple[
        list[str],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        tuple[npt.NDArray[Any], ...],
    ]:
        """``(agent_ids, needs_before, needs_after, wages, flags)``: the ids of the
        rows, the ``(N, 3)`` needs at the start and end of the tick, the ``(N,)`` wage
        credited this tick and the six ``RowFlags`` arrays in field order."""

    def __len__(self) -> int: ...

class StepOutcome(TypedDict):
    """What ``World.step`` returns: a new dict of the eager ``StepResult`` fields and
    ``_rows``, which builds the others on demand (``command_results`` is the
    adapter's)."""

    tick: int
    terminated: list[tuple[str, str]]
    spawned: list[str]
    _rows: StepRows

class World:
    """One town of the Rust core, built from the settings JSON of docs/world-state.md 1.

    Raises:
        ConfigError: malformed settings or an invalid map.
    """

    def __init__(self, settings_json: str) -> None: ...
    def reset(self, seed: int) -> None:
        """Build the town at tick 0 from ``seed`` in [0, 2**64)."""

    @property
    def tick(self) -> int:
        """The current tick."""

    @property
    def day(self) -> int:
        """The day of the current tick."""

    @property
    def minute(self) -> int:
        """The minute of day of the current tick."""

    @property
    def agent_count(self) -> int:
        """The number of agent rows, ``len(agent_ids())``."""

    def agent_ids(self) -> list[str]:
        """Agent ids in uid order (alive and terminated in the last tick): a new list
        of strings cached until the rows change."""

    def step(self, actions: npt.NDArray[np.int32], mode: str) -> StepOutcome:
        """Advance one tick; ``actions`` is a 1-D int32 array, one id per row."""

    def observe(
        self,
        action_mask: npt.NDArray[np.int8],
        features: npt.NDArray[np.float32],
        alive: npt.NDArray[np.bool_],
        uid: npt.NDArray[np.int64],
        ctx_reset: npt.NDArray[np.bool_],
        mode: str,
    ) -> None:
        """Write masks and row flags in place (C-contiguous, at least N rows, equal
        row counts); ``features`` (no columns yet) is only checked."""

    def export_state(self) -> dict[str, Any]:
        """The canonical state tree (docs/world-state.md 3)."""

    def import_state(self, state: dict[str, Any]) -> None:
        """Replace the state; ``SnapshotError`` (nothing changed) when refused."""

    def state_hash(self) -> str:
        """Hex sha256 of the canonical encoding of ``export_state()``."""

    def view(self) -> dict[str, Any]:
        """Clock, tile rows, agents, objects and the last tick's events."""

class Vector:
    """Many towns of the Rust core stepped together (learning.md 4.4)."""

    def __init__(
        self,
        settings_json: str,
        towns: int,
        seats: int,
        max_ticks: int,
        mode: str,
        channels: int,
        threads: int,
    ) -> None:
        """``towns`` copies of the town; ``channels`` 18/6/0; ``threads`` 0 = all."""

    @property
    def shape(self) -> tuple[int, int, int, int, int]:
        """``(towns, seats, features, columns, map values per row)``."""

    def bind(self, buffers: dict[str, Any]) -> None:
        """Check and keep the named buffers once (``ProviderError`` names a bad one)."""

    def reset(self, seed: int) -> None:
        """Build every town from ``seed`` and write the first observations."""

    def step(self, keep_events: bool) -> None:
        """One step of every town with the bound ``actions`` buffer (GIL released)."""

    def events(self, index: int) -> list[dict[str, Any]]:
        """Town ``index``'s events of the last step (empty unless kept)."""

    def ticks(self) -> list[int]:
        """Each town's current tick."""

    def export_state(self, index: int) -> dict[str, Any]:
        """Town ``index``'s canonical state tree."""

    def state_hash(self, index: int) -> str:
        """Hex sha256 of town ``index``'s state tree."""

def canonical_encode(tree: Any) -> bytes:
    """The canonical byte encoding of a state tree (architecture.md 5.3)."""

def canonical_hash(tree: Any) -> str:
    """Hex sha256 of :func:`canonical_encode`."""

def observation_layout(params_json: str, variant: str, mode: str) -> dict[str, Any]:
    """The observation layout of the Rust core (learning.md 1.9); ``ConfigError``
    on bad params, variant or mode."""

def embedding_table(slots: int, embed_dim: int) -> list[list[float]]:
    """Identity embeddings: ``slots`` rows of ``embed_dim`` values (learning.md 1.6)."""
