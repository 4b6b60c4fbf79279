"""Observation spec and the batched rows of ``observe`` (learning.md 1.8-1.9).

``observe`` writes, for each row of ``agent_ids()``: the map window (full and hybrid),
the feature vector, the ``action_mask`` (19 primitive columns, or the 8 option
columns of learning.md 2.2 when the buffer has 8), ``alive``, ``uid`` and
``ctx_reset``; rows past the agents are vacant (all zeros, only action 0 allowed,
``uid`` -1). The variant is the map buffer's channel count (18 full, 6 hybrid, no map
compact). Buffers are checked once per call against the spec and written in place.
Both worlds use :func:`observation_spec` and :func:`check_buffers`, so their specs and
refusals are identical.

>>> observation_spec("compact", "primitive").num_actions
19
"""

from __future__ import annotations

import numpy as np

from townlet.core.types import (
    PRIMITIVE_ACTION_NAMES,
    ObservationBuffers,
    ObservationSpec,
)
from townlet.errors import ProviderError
from townlet.world import obs_map
from townlet.world.actions import CHAT_ID, move_check
from townlet.world.controllers import option_mask
from townlet.world.engage import RELEASE_ID, ROLES, role_candidate
from townlet.world.layout import LayoutParams, observation_layout
from townlet.world.obs_context import ObsContext
from townlet.world.obs_features import features_row
from townlet.world.state import WorldState

__all__ = ["VARIANTS", "check_buffers", "observation_spec", "write_observations"]

VARIANTS = ("full", "hybrid", "compact")


def observation_spec(
    variant: str, mode: str, params: LayoutParams | None = None
) -> ObservationSpec:
    """The spec of ``variant`` in action ``mode`` for the layout ``params``.

    Raises:
        ProviderError: for an unknown variant or mode.
    """
    if variant not in VARIANTS:
        raise ProviderError(
            f"observation variant: expected one of {', '.join(VARIANTS)}, "
            f"got '{variant}'"
        )
    layout = observation_layout(params or LayoutParams(), variant, mode)
    option = mode == "option"
    return ObservationSpec(
        action_mode="option" if option else "primitive",
        action_names=layout.action_names if option else PRIMITIVE_ACTION_NAMES,
        schema_version=layout.schema_version,
        variant=variant,
        map_shape=layout.map_shape,
        map_channels=layout.map_channels,
        features=layout.features,
        blocks=dict(layout.blocks),
    )


def _check(
    name: str, array: object, dtype: type, shape: tuple[int, ...], rows: int
) -> None:
    if not isinstance(array, np.ndarray):
        raise ProviderError(
            f"{name} buffer: expected a numpy array, got {type(array).__name__}"
        )
    want = "(>=" + ", ".join([str(rows), *map(str, shape[1:])]) + ")"
    ok = (
        array.dtype == np.dtype(dtype)
        and array.ndim == len(shape)
        and array.shape[0] >= rows
        and tuple(array.shape[1:]) == shape[1:]
        and array.flags.c_contiguous
    )
    if not ok:
        raise ProviderError(
            f"{name} buffer: expected C-contiguous {np.dtype(dtype).name} of shape "
            f"{want}, got {array.dtype.name} of shape {tuple(array.shape)}"
        )
    if not array.flags.writeable:
        raise ProviderError(f"{name} buffer: array is not writeable")


def check_buffers(
    buffers: ObservationBuffers, rows: int, features: int = 146, window: int = 11
) -> None:
    """Check dtype, shape and row count of every buffer ``observe`` writes.

    Every buffer must have as many rows as ``action_mask`` (at least ``rows``);
    ``map`` is ``None`` or ``(R, 18 | 6, window, window)``.

    Raises:
        ProviderError: naming the first offending buffer.
    """
    mask = buffers.action_mask
    option = isinstance(mask, np.ndarray) and mask.ndim == 2 and mask.shape[1] == 8
    columns = 8 if option else len(PRIMITIVE_ACTION_NAMES)
    _check("action_mask", mask, np.int8, (rows, columns), rows)
    r = mask.shape[0]
    _check("features", buffers.features, np.float32, (r, features), r)
    if buffers.map is not None:
        m = buffers.map
        c = m.shape[1] if isinstance(m, np.ndarray) and m.ndim == 4 else 6
        c = 18 if c == 18 else 6
        _check("map", m, np.float32, (r, c, window, window), r)
    for name in ("ctx_reset", "alive", "uid"):
        dtype = np.int64 if name == "uid" else np.bool_
        _check(name, getattr(buffers, name), dtype, (r,), r)
        if getattr(buffers, name).shape[0] != r:
            raise ProviderError(f"{name} buffer: expected {r} rows like action_mask")
    if buffers.features.shape[0] != r or (
        buffers.map is not None and buffers.map.shape[0] != r
    ):
        raise ProviderError("features buffer: expected as many rows as action_mask")


def write_observations(
    state: WorldState, ctx: ObsContext, buffers: ObservationBuffers
) -> None:
    """Write the rows of ``state.agents`` into ``buffers`` (learning.md 1.8).

    Alive rows allow 0, each MOVE whose target is inside the grid and walkable
    (not while running or using), 5-16 when the role has a candidate, 17 when a chat
    candidate exists for the next tick (Decision D16) and 18 when the engagement is
    not none; non-alive rows allow only 0 but keep their features and map (their
    final observation). Rows past the agents are vacant: all zeros, only 0 allowed,
    ``alive`` false, ``uid`` -1, ``ctx_reset`` false.
    """
    grid, agents = state.grid, state.agents
    n = len(agents)
    check_buffers(buffers, n, ctx.features, ctx.settings.layout.window)
    dyn = obs_map.prepare(state, ctx)
    mask = buffers.action_mask
    mask[:] = 0
    mask[:, 0] = 1
    tick = state.tick + 1
    option = mask.shape[1] == 8
    for i, agent in enumerate(agents):
        if option:
            if agent.alive:
                mask[i] = option_mask(state, ctx.targets, agent)
        elif agent.alive:
            if agent.eng not in ("running", "using"):
                for direction in range(4):
                    if move_check(grid, agent.x, agent.y, direction) == 0:
                        mask[i, 1 + direction] = 1
            for role in range(len(ROLES)):
                if role_candidate(state, agent, role, tick) is not None:
                    mask[i, 5 + role] = 1
            if obs_map.chat_open(state, dyn, agent, tick):
                mask[i, CHAT_ID] = 1
            if agent.eng != "none":
                mask[i, RELEASE_ID] = 1
    by_uid = {a.uid: a for a in agents}
    features = buffers.features
    features[n:] = 0.0
    for i, agent in enumerate(agents):
        features[i] = features_row(state, ctx, agent, by_uid, dyn.counts)
    if buffers.map is not None:
        channels = obs_map.FULL if buffers.map.shape[1] == 18 else obs_map.HYBRID
        for i, agent in enumerate(agents):
            obs_map.write_map(state, ctx, dyn, agent, channels, by_uid, buffers.map[i])
        buffers.map[n:] = 0.0
    buffers.alive[:n] = [a.alive for a in agents]
    buffers.uid[:n] = [a.uid for a in agents]
    buffers.ctx_reset[:n] = [a.alive and a.ctx_reset for a in agents]
    buffers.alive[n:] = False
    buffers.uid[n:] = -1
    buffers.ctx_reset[n:] = False
