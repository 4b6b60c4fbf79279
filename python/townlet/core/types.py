"""Plain data types that cross the protocol boundaries (architecture.md section 2).

Arrays cross the boundary, not per-agent Python objects: a :class:`StepResult` holds
numpy rows aligned with ``world.agent_ids()``, and :class:`ObservationBuffers` are
allocated once by the caller and written in place by the world.

>>> spec = ObservationSpec(action_mode="primitive", action_names=("wait",))
>>> ObservationBuffers.allocate(spec, rows=2).action_mask.shape
(2, 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "NEEDS",
    "PRIMITIVE_ACTION_NAMES",
    "REWARD_COMPONENTS",
    "TERMINAL_CODES",
    "ActionMode",
    "CommandResult",
    "ObservationBatch",
    "ObservationBuffers",
    "ObservationSpec",
    "PolicyIdentity",
    "ProviderInfo",
    "RowFlags",
    "StepResult",
    "TelemetryEvent",
    "TransportStatus",
    "WorldView",
]

ActionMode = Literal["option", "primitive"]

NEEDS: tuple[str, str, str] = ("hunger", "hygiene", "energy")
"""The needs, in the canonical order every array and loop uses (world.md section 5)."""

REWARD_COMPONENTS: tuple[str, ...] = (
    "survival",
    "homeostasis",
    "shaping",
    "wage",
    "punctuality",
    "lateness",
    "chat",
    "chat_fail",
    "avoid",
    "guard_adj",
    "clip_adj",
    "terminal",
)
"""The K = 12 reward components in their fixed order (learning.md 3.1)."""

PRIMITIVE_ACTION_NAMES: tuple[str, ...] = (
    "wait",
    "move_n",
    "move_e",
    "move_s",
    "move_w",
    "sleep",
    "wash",
    "cook",
    "take_meal",
    "take_raw_food",
    "store_meal",
    "store_raw_food",
    "buy_meal",
    "buy_raw_food",
    "rest",
    "eat_meal",
    "eat_raw_food",
    "chat",
    "release",
)
"""Primitive-mode action ids 0..18 (learning.md section 2.5); ids never change."""

Int32Array = npt.NDArray[np.int32]
Float64Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ProviderInfo:
    """How one provider was resolved (architecture.md section 3).

    Attributes:
        kind: ``world``, ``policy`` or ``telemetry``.
        requested: the name the config or caller asked for (e.g. ``auto``).
        name: the provider actually built.
        is_stub: true when the provider does nothing useful (explicit or fallback).
        reason: one line saying why this provider was chosen.
    """

    kind: str
    requested: str
    name: str
    is_stub: bool = False
    reason: str = ""


@dataclass(frozen=True)
class PolicyIdentity:
    """Who decides: goes into snapshots and telemetry.

    Attributes:
        name: provider name, e.g. ``random``.
        version: the provider's version string.
        checkpoint_hash: sha256 of the checkpoint, or ``None`` for unlearned policies.
    """

    name: str
    version: str = "1"
    checkpoint_hash: str | None = None


@dataclass(frozen=True)
class CommandResult:
    """The outcome of one world-level console command applied in step 3.

    Attributes:
        cmd_id: the command's id from its envelope.
        name: the command name.
        ok: whether it applied.
        code: the error code when not ok, from the fixed list of world.md section 16.
        message: a human-readable line.
        data: command-specific result data.
    """

    cmd_id: str
    name: str
    ok: bool
    code: str | None = None
    message: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

TERMINAL_CODES: dict[str, int] = {"faint": 1, "eviction": 2, "killed": 3}
"""``RowFlags.terminal`` codes per termination reason (0: not terminated)."""


@dataclass(frozen=True)
class RowFlags:
    """Per-row facts of one tick that the reward engine and KPIs need (architecture.md
    2.1 "flags"), aligned with ``StepResult.agent_ids``.

    >>> flags = RowFlags.empty(2)
    >>> flags.terminal.dtype, flags.spawned.shape
    (dtype('int8'), (2,))

    Attributes:
        hunger_low_ticks: ``(N,)`` int32, the faint streak after the tick (W§5.3).
        exit_pending: ``(N,)`` bool, in the exit queue after the tick (W§9.6).
        shift_start: ``(N,)`` int8, this tick's ``shift_started``: 0 none, 1 on time,
            2 late.
        shift_absent: ``(N,)`` bool, ``shift_absent`` this tick.
        terminal: ``(N,)`` int8, terminated this tick: 0 no, else
            :data:`TERMINAL_CODES` (1 faint, 2 eviction, 3 killed).
        spawned: ``(N,)`` bool, spawned this tick.
    """

    hunger_low_ticks: Int32Array
    exit_pending: BoolArray
    shift_start: Int8Array
    shift_absent: BoolArray
    terminal: Int8Array
    spawned: BoolArray

    @classmethod
    def empty(cls, rows: int) -> RowFlags:
        """All-clear flags for ``rows`` rows."""
        return cls(
            np.zeros(rows, dtype=np.int32),
            np.zeros(rows, dtype=np.bool_),
            np.zeros(rows, dtype=np.int8),
            np.zeros(rows, dtype=np.bool_),
            np.zeros(rows, dtype=np.int8),
            np.zeros(rows, dtype=np.bool_),
        )


@dataclass(frozen=True)
class StepResult:
    """What one ``world.step()`` produced (architecture.md section 2.1).

    A provider may build the list and array fields on their first read instead of in
    ``step`` (the native world does); they are then kept, and read the same.

    Attributes:
        tick: the tick just processed.
        events: world events of this tick, each ``{tick, seq, name, ...payload}``, in
            emission order, each exactly once.
        terminated: ``(agent_id, reason)`` for agents terminated this tick.
        spawned: ids of agents spawned this tick.
        command_results: results of console commands applied this tick, in order.
        agent_ids: the rows of the arrays below (``world.agent_ids()`` after the step).
        needs_before: ``(N, 3)`` needs at the start of the tick (spawn values for
            agents spawned this tick), columns in :data:`NEEDS` order.
        needs_after: ``(N, 3)`` needs at the end of the tick.
        wages: ``(N,)`` the wage credited this tick, ``w - h`` (W§9.4).
        flags: per-row flags of the tick (:class:`RowFlags`).
    """

    tick: int
    events: list[dict[str, Any]]
    terminated: list[tuple[str, str]]
    spawned: list[str]
    command_results: list[CommandResult]
    agent_ids: list[str]
    needs_before: Float64Array
    needs_after: Float64Array
    wages: Float64Array
    flags: RowFlags


@dataclass(frozen=True)
class ObservationSpec:
    """Shapes, names and versions of what ``world.observe`` writes (learning.md 1.9).

    Attributes:
        schema_version: ``OBS_SCHEMA_VERSION``.
        variant: ``full``, ``hybrid`` or ``compact``.
        map_shape: ``(C, H, W)`` or ``None`` for compact.
        map_channels: channel names in order.
        features: feature names in order (``F = len(features)``).
        action_mode: ``option`` or ``primitive``.
        action_names: action names in id order (``A = len(action_names)``).
        blocks: feature block name -> ``(start, stop)``.
        reward_components: the reward component names in order (learning.md 3.2).
    """

    action_mode: ActionMode
    action_names: tuple[str, ...]
    schema_version: int = 1
    variant: str = "compact"
    map_shape: tuple[int, int, int] | None = None
    map_channels: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    blocks: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    reward_components: tuple[str, ...] = REWARD_COMPONENTS

    @property
    def num_actions(self) -> int:
        """Number of actions ``A`` in this spec's action mode."""
        return len(self.action_names)


@dataclass
class ObservationBuffers:
    """Preallocated, C-contiguous arrays that ``world.observe`` fills in place.

    The world writes the first ``N = len(world.agent_ids())`` rows; callers make sure
    there are at least that many (see :meth:`allocate`).

    Attributes:
        action_mask: ``(R, A)`` int8, 1 = allowed.
        features: ``(R, F)`` float32.
        map: ``(R, C, H, W)`` float32 or ``None`` for compact.
        ctx_reset: ``(R,)`` bool.
        alive: ``(R,)`` bool.
        uid: ``(R,)`` int64, -1 on vacant rows.
    """

    action_mask: npt.NDArray[np.int8]
    features: npt.NDArray[np.float32]
    map: npt.NDArray[np.float32] | None
    ctx_reset: npt.NDArray[np.bool_]
    alive: npt.NDArray[np.bool_]
    uid: npt.NDArray[np.int64]

    @classmethod
    def allocate(cls, spec: ObservationSpec, rows: int) -> ObservationBuffers:
        """Allocate zeroed buffers with ``rows`` rows for ``spec``.

        Args:
            spec: the observation spec to size the arrays from.
            rows: number of rows (at least the number of agents to observe).
        """
        map_buf = (
            np.zeros((rows, *spec.map_shape), dtype=np.float32)
            if spec.map_shape is not None
            else None
        )
        return cls(
            action_mask=np.zeros((rows, spec.num_actions), dtype=np.int8),
            features=np.zeros((rows, len(spec.features)), dtype=np.float32),
            map=map_buf,
            ctx_reset=np.zeros(rows, dtype=np.bool_),
            alive=np.zeros(rows, dtype=np.bool_),
            uid=np.full(rows, -1, dtype=np.int64),
        )

    @property
    def rows(self) -> int:
        """Number of rows these buffers hold."""
        return int(self.action_mask.shape[0])


@dataclass(frozen=True)
class ObservationBatch:
    """What a policy sees for one decision: the first ``len(agent_ids)`` buffer rows.

    Attributes:
        tick: the tick the observation describes.
        agent_ids: the rows, in uid order.
        buffers: the observation buffers (only the first ``len(agent_ids)`` rows count).
        spec: the observation spec.
    """

    tick: int
    agent_ids: Sequence[str]
    buffers: ObservationBuffers
    spec: ObservationSpec

    @property
    def action_mask(self) -> npt.NDArray[np.int8]:
        """The ``(N, A)`` mask rows of the live batch."""
        return self.buffers.action_mask[: len(self.agent_ids)]


@dataclass(frozen=True)
class WorldView:
    """A read-only picture of the world for telemetry and UIs.

    Attributes:
        tick: current tick.
        day: current day index.
        minute: minute of day.
        width: map width in tiles.
        height: map height in tiles.
        rows: map rows, one character per tile (object glyphs included).
        agents: one record per agent of ``agent_ids()``.
        objects: one record per object, in object order.
        events: the events of the last tick.
    """

    tick: int
    day: int
    minute: int
    width: int
    height: int
    rows: tuple[str, ...]
    agents: tuple[Mapping[str, Any], ...]
    objects: tuple[Mapping[str, Any], ...]
    events: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class TelemetryEvent:
    """One typed telemetry event handed to a sink.

    Attributes:
        kind: e.g. ``tick``, ``world.event``, ``loop.providers``, ``loop.failure``.
        tick: the tick it belongs to.
        payload: JSON-able content.
    """

    kind: str
    tick: int
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class TransportStatus:
    """Health of a telemetry sink.

    Attributes:
        provider: sink name.
        connected: whether the transport is usable now.
        queued: events waiting to be sent.
        dropped: events dropped by backpressure.
        sent: events sent.
        last_error: the latest error message, if any.
    """

    provider: str
    connected: bool
    queued: int = 0
    dropped: int = 0
    sent: int = 0
    last_error: str | None = None
