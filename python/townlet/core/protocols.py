"""The three protocols every consumer talks to (architecture.md section 2).

Consumers (loop, console, snapshots, UIs, CLI, training) import these Protocols and
never a concrete provider. Lifecycle of a world, in three lines::

    world.reset(seed)
    result = world.step(actions, "primitive")   # one tick
    world.observe(buffers)                       # for the next decision
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationBuffers,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
    TelemetryEvent,
    TransportStatus,
    WorldView,
)

__all__ = [
    "PolicyBackend",
    "RandomStream",
    "StochasticPolicy",
    "TelemetrySink",
    "WorldRuntime",
]


@runtime_checkable
class WorldRuntime(Protocol):
    """A world owns all simulation state; arrays cross the boundary.

    Members: ``provider`` (name), ``tick``/``day`` (clock), ``reset`` (build),
    ``agent_ids`` (row order), ``step`` (one tick), ``observation_spec``/``observe``
    (write observations in place), ``apply_command`` (queue a console mutation),
    ``export_state``/``import_state``/``state_hash`` (canonical state), ``view``.
    """

    @property
    def provider(self) -> str:
        """``"native"`` or ``"python"``."""
        ...

    @property
    def tick(self) -> int:
        """Current tick: 0 after ``reset``, incremented first thing in ``step``."""
        ...

    @property
    def day(self) -> int:
        """Zero-based day of the current tick (world.md section 1)."""
        ...

    def reset(self, seed: int) -> None:
        """Build the initial town (tick 0) from the config and a ``seed`` < 2**64."""
        ...

    def agent_ids(self) -> list[str]:
        """Agents in state in uid order: alive ones plus those terminated last tick."""
        ...

    def step(self, actions: npt.NDArray[np.int32], mode: ActionMode) -> StepResult:
        """Advance exactly one tick.

        ``actions`` is an ``(N,)`` int32 array aligned with ``agent_ids()``; rows of
        non-alive agents are ignored, ids outside ``[0, A)`` act as 0. Never raises
        on bad action values: an invalid action is a no-op with a fail event.
        """
        ...

    def observation_spec(
        self, variant: str, mode: ActionMode | None = None
    ) -> ObservationSpec:
        """Shapes, names and version of ``variant`` for ``mode`` (default: config's)."""
        ...

    def observe(self, buffers: ObservationBuffers) -> None:
        """Write observations and masks for every row of ``agent_ids()`` in place.

        Allocates nothing per call after the first; raises ``ProviderError`` naming
        the buffer when a buffer has the wrong dtype, shape or too few rows.
        """
        ...

    def apply_command(self, command: Mapping[str, Any]) -> None:
        """Queue a world-level console mutation for step 3 of the next ``step``."""
        ...

    def export_state(self) -> dict[str, Any]:
        """Complete, canonical, JSON-able state tree (docs/world-state.md)."""
        ...

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Replace the state by ``state``; refuses (``SnapshotError``) before changing
        anything if the tree is invalid or belongs to another map or manifest."""
        ...

    def state_hash(self) -> str:
        """Hex sha256 of the canonical encoding of ``export_state()``."""
        ...

    def view(self) -> WorldView:
        """A read-only view for telemetry and UIs."""
        ...


@runtime_checkable
class PolicyBackend(Protocol):
    """Decides one action per live agent from an observation batch.

    Members: ``provider``, ``action_mode``, the episode hooks, ``decide``,
    ``on_step_end`` and ``identity``. Lifecycle::

        policy.on_episode_start(spec, agent_ids)
        actions = policy.decide(batch); policy.on_step_end(result, rewards)  # per tick
        policy.on_episode_end()
    """

    @property
    def provider(self) -> str:
        """Provider name, e.g. ``random`` or ``scripted``."""
        ...

    @property
    def action_mode(self) -> ActionMode:
        """What ``decide`` returns: option ids or primitive ids."""
        ...

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Called once before the first decision of an episode."""
        ...

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """One int32 action per row of ``batch``, respecting ``batch.action_mask``."""
        ...

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """Learning hook after each tick (rows aligned with ``result.agent_ids``)."""
        ...

    def on_episode_end(self) -> None:
        """Called once after the last tick of an episode."""
        ...

    def identity(self) -> PolicyIdentity:
        """Name, version and checkpoint hash of this policy."""
        ...


@runtime_checkable
class RandomStream(Protocol):
    """One named stream of the project's PRNG (architecture.md section 5.4).

    ``townlet.world.rng.Rng`` implements it; the loop owns the ``policy`` stream.
    """

    def rand_index(self, n: int) -> int:
        """Return ``next_u64() mod n`` for ``n >= 1``: exactly one draw."""
        ...

    def rand_f64(self) -> float:
        """Return ``(next_u64() >> 11) * 2**-53``, in [0, 1): exactly one draw."""
        ...


@runtime_checkable
class StochasticPolicy(PolicyBackend, Protocol):
    """A policy that draws from the loop-owned ``policy`` stream (learning.md 4.5).

    The loop calls ``bind_rng`` at ``start()``, before ``on_episode_start``; the
    policy draws only from that stream, so runs and resumes are reproducible.
    """

    def bind_rng(self, rng: RandomStream) -> None:
        """Use ``rng`` for every later draw."""
        ...


@runtime_checkable
class TelemetrySink(Protocol):
    """Receives typed telemetry events; explicit lifecycle, no thread in a constructor.

    Members: ``provider``, ``start``, ``stop``, ``emit``, ``status`` and context-manager
    use. Lifecycle::

        with sink:            # start()
            sink.emit(event)  # per event
        # stop(): flushes what is queued
    """

    @property
    def provider(self) -> str:
        """Sink name, e.g. ``file``, ``stdout``, ``stub``."""
        ...

    def start(self) -> None:
        """Open the transport; idempotent."""
        ...

    def stop(self) -> None:
        """Flush everything queued and close; idempotent, safe without ``start``."""
        ...

    def emit(self, event: TelemetryEvent) -> None:
        """Accept one event; never blocks longer than the backpressure policy allows."""
        ...

    def status(self) -> TransportStatus:
        """Provider, connected flag and counters."""
        ...

    def __enter__(self) -> TelemetrySink:
        """Start the sink."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the sink."""
        ...
