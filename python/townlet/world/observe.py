"""Observation spec and the masks of the slice (learning.md 1.8-1.9, contract 7).

In this slice the feature vector has no columns (``F = 0``) and no variant has a map;
``observe`` writes ``alive``, ``uid``, ``ctx_reset`` and the 19-column primitive
``action_mask`` for each row of ``agent_ids()``. Buffers are checked once per call
against the spec (cheap: a few attribute reads) and written in place. Both worlds use
:func:`observation_spec` and :func:`check_buffers`, so their specs are identical.

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
from townlet.world.actions import CHAT_ID, chat_target, move_check
from townlet.world.engage import RELEASE_ID, ROLES, role_candidate
from townlet.world.state import WorldState

__all__ = ["VARIANTS", "check_buffers", "observation_spec", "write_observations"]

VARIANTS = ("full", "hybrid", "compact")
OPTION_MODE_MISSING = "option mode needs the option controllers (not built yet)"


def observation_spec(variant: str, mode: str) -> ObservationSpec:
    """The spec of ``variant`` in action ``mode`` (``F = 0`` and no map in this slice).

    Raises:
        ProviderError: for an unknown variant or the option mode.
    """
    if variant not in VARIANTS:
        raise ProviderError(
            f"observation variant: expected one of {', '.join(VARIANTS)}, "
            f"got '{variant}'"
        )
    if mode != "primitive":
        raise ProviderError(OPTION_MODE_MISSING)
    return ObservationSpec(
        action_mode="primitive",
        action_names=PRIMITIVE_ACTION_NAMES,
        variant=variant,
        map_shape=None,
        features=(),
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


def check_buffers(buffers: ObservationBuffers, rows: int) -> None:
    """Check dtype, shape and row count of every buffer ``observe`` writes.

    Raises:
        ProviderError: naming the first offending buffer.
    """
    mask = buffers.action_mask
    if isinstance(mask, np.ndarray) and mask.ndim == 2 and mask.shape[1] == 8:
        raise ProviderError(OPTION_MODE_MISSING)
    _check("action_mask", mask, np.int8, (rows, len(PRIMITIVE_ACTION_NAMES)), rows)
    _check("features", buffers.features, np.float32, (rows, 0), rows)
    _check("ctx_reset", buffers.ctx_reset, np.bool_, (rows,), rows)
    _check("alive", buffers.alive, np.bool_, (rows,), rows)
    _check("uid", buffers.uid, np.int64, (rows,), rows)


def write_observations(state: WorldState, buffers: ObservationBuffers) -> None:
    """Write the rows of ``state.agents`` into ``buffers`` (contract section 7).

    Alive rows allow 0, each MOVE whose target is inside the grid and walkable
    (not while running or using), 5-16 when the role has a candidate, 17 when a
    chat candidate exists for the next tick (Decision D16) and 18 when the
    engagement is not none; non-alive rows
    allow only 0. Rows past the agents are vacant (Decision D10a): only 0 allowed,
    ``alive`` false, ``uid`` -1, ``ctx_reset`` false.
    """
    grid, agents = state.grid, state.agents
    n = len(agents)
    check_buffers(buffers, n)
    mask = buffers.action_mask
    mask[:] = 0
    mask[:, 0] = 1
    tick = state.tick + 1
    for i, agent in enumerate(agents):
        if agent.alive:
            if agent.eng not in ("running", "using"):
                for direction in range(4):
                    if move_check(grid, agent.x, agent.y, direction) == 0:
                        mask[i, 1 + direction] = 1
            for role in range(len(ROLES)):
                if role_candidate(state, agent, role, tick) is not None:
                    mask[i, 5 + role] = 1
            if chat_target(state, agent, tick) >= 0:
                mask[i, CHAT_ID] = 1
            if agent.eng != "none":
                mask[i, RELEASE_ID] = 1
    buffers.alive[:n] = [a.alive for a in agents]
    buffers.uid[:n] = [a.uid for a in agents]
    buffers.ctx_reset[:n] = [a.ctx_reset for a in agents]
    buffers.alive[n:] = False
    buffers.uid[n:] = -1
    buffers.ctx_reset[n:] = False
