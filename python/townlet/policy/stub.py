"""The ``stub`` policy: always action 0 (learning.md section 4.5).

Action 0 is ``wait`` in primitive mode and the first option in option mode; it is
allowed in every row of every mask. The registry marks this provider ``is_stub``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
)

__all__ = ["StubPolicy"]


class StubPolicy:
    """Decides action 0 for every row; learns nothing.

    Args:
        action_mode: the id space to report (action 0 is valid in both).

    >>> StubPolicy().identity().name
    'stub'
    """

    def __init__(self, action_mode: ActionMode = "primitive") -> None:
        self._action_mode: ActionMode = action_mode

    @property
    def provider(self) -> str:
        """Always ``stub``."""
        return "stub"

    @property
    def action_mode(self) -> ActionMode:
        """The id space ``decide`` returns."""
        return self._action_mode

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Nothing to prepare."""

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """Action 0 for every row."""
        return np.zeros(len(batch.agent_ids), dtype=np.int32)

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """No learning."""

    def on_episode_end(self) -> None:
        """Nothing to release."""

    def identity(self) -> PolicyIdentity:
        """``stub``, version 1, no checkpoint."""
        return PolicyIdentity(name="stub", version="1")
