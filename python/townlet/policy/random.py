"""The ``random`` policy: uniform over allowed actions (learning.md section 4.5).

One ``rand_index(k)`` draw per live row, rows in order, where ``k`` is the number of
allowed actions of that row; the row takes allowed action number ``rand_index(k)``
in id order. Non-alive rows take action 0 and draw nothing. The draws come from the
``policy`` stream that the loop owns and binds with :meth:`RandomPolicy.bind_rng`,
so the same seed gives the same actions on either world.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from townlet.core.protocols import RandomStream
from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
)
from townlet.errors import ProviderError

__all__ = ["RandomPolicy", "choose_allowed", "sample_allowed"]


def choose_allowed(
    mask: npt.NDArray[np.int8], live: npt.NDArray[np.bool_], rng: RandomStream
) -> npt.NDArray[np.int32]:
    """Pick one allowed action per live row with one ``rand_index`` draw each.

    Args:
        mask: ``(N, A)`` action mask, nonzero = allowed.
        live: ``(N,)`` rows that decide; others get 0 without a draw.
        rng: the stream to draw from.

    Returns:
        ``(N,)`` int32 action ids.

    A live row with no allowed action (never produced by the worlds, whose masks
    always allow 0) takes action 0 without a draw.

    >>> class Fixed:
    ...     def rand_index(self, n): return n - 1
    ...     def rand_f64(self): return 0.0
    >>> mask = np.array([[1, 0, 1, 1], [1, 1, 0, 0]], dtype=np.int8)
    >>> choose_allowed(mask, np.array([True, False]), Fixed()).tolist()
    [3, 0]
    """
    actions = np.zeros(mask.shape[0], dtype=np.int32)
    rows = np.flatnonzero(live)
    if rows.size == 0:
        return actions
    allowed = mask[rows] != 0
    counts = allowed.sum(axis=1)
    draws = np.array(
        [rng.rand_index(k) if k > 0 else -1 for k in counts.tolist()], dtype=np.int64
    )
    # Allowed action number r (0-based, id order) is the first column whose running
    # count of allowed actions exceeds r.
    picked = np.argmax(np.cumsum(allowed, axis=1) > draws[:, None], axis=1)
    actions[rows] = np.where(draws >= 0, picked, 0).astype(np.int32)
    return actions


def sample_allowed(
    mask: npt.NDArray[np.int8], uniforms: npt.NDArray[np.float64]
) -> npt.NDArray[np.int32]:
    """The batched form of :func:`choose_allowed` for the vector API: row i takes
    allowed action number ``floor(uniforms[i] * k)`` (k = its allowed count, id
    order), in a few array calls instead of one stream draw per row. A row with no
    allowed action takes 0.

    >>> mask = np.array([[1, 0, 1, 1], [1, 1, 0, 0], [0, 0, 0, 0]], dtype=np.int8)
    >>> sample_allowed(mask, np.array([0.99, 0.2, 0.5])).tolist()
    [3, 0, 0]
    """
    counts = np.cumsum(mask, axis=1, dtype=np.int16)
    pick = (uniforms * counts[:, -1]).astype(np.int16)
    picked: npt.NDArray[np.int32] = np.argmax(counts > pick[:, None], axis=1).astype(
        np.int32
    )
    return picked


class RandomPolicy:
    """Uniform masked random actions from the loop's ``policy`` stream.

    Args:
        rng: the stream to draw from; the loop binds its own with :meth:`bind_rng`.
        action_mode: ``primitive`` (the only mode of this slice) or ``option``.
    """

    def __init__(
        self, rng: RandomStream | None = None, action_mode: ActionMode = "primitive"
    ) -> None:
        self._rng = rng
        self._action_mode: ActionMode = action_mode

    @property
    def provider(self) -> str:
        """Always ``random``."""
        return "random"

    @property
    def action_mode(self) -> ActionMode:
        """The id space ``decide`` returns."""
        return self._action_mode

    def bind_rng(self, rng: RandomStream) -> None:
        """Draw from ``rng`` from now on (the loop's ``policy`` stream)."""
        self._rng = rng

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Nothing to prepare: the policy is stateless apart from its stream."""

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """One allowed action per live row; one draw per live row, rows in order.

        Raises:
            ProviderError: when no stream was bound.
        """
        if self._rng is None:
            raise ProviderError(
                "random policy has no random stream; the simulation loop binds its "
                "'policy' stream at start()"
            )
        rows = len(batch.agent_ids)
        return choose_allowed(batch.action_mask, batch.buffers.alive[:rows], self._rng)

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """No learning."""

    def on_episode_end(self) -> None:
        """Nothing to release."""

    def identity(self) -> PolicyIdentity:
        """``random``, version 1, no checkpoint."""
        return PolicyIdentity(name="random", version="1")
