"""The ``scripted`` PolicyBackend (learning.md 4.5 and 5).

Markov in the observation: ``decide`` gathers the needed feature columns (looked up
by name in ``on_episode_start``), evaluates the compiled rules (utilities and
top-up, :mod:`.program`), runs the pre-sleep pass and selects with hysteresis: about
twenty whole-array numpy calls per tick whatever the number of rows. No
randomness, no per-agent state, option mode only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from townlet.core.types import (
    ActionMode,
    ObservationBatch,
    ObservationSpec,
    PolicyIdentity,
    StepResult,
)
from townlet.errors import ProviderError
from townlet.policy.scripted import columns as col
from townlet.policy.scripted.columns import COLUMNS, column_index
from townlet.policy.scripted.constants import ScriptedConstants
from townlet.policy.scripted.program import Builder, Program, evaluate
from townlet.policy.scripted.selection import active_option, select
from townlet.policy.scripted.topup import add_top_up_rules, pre_sleep
from townlet.policy.scripted.utilities import add_utility_rules
from townlet.world.layout import OPTION_ACTIONS

if TYPE_CHECKING:
    from townlet.config import TownletConfig

__all__ = ["OPTION_NAMES", "ScriptedPolicy", "compile_rules", "decide_rows", "scores"]

OPTION_NAMES: tuple[str, ...] = OPTION_ACTIONS
"""The option ids the utilities are computed for (learning.md 2.1)."""


def compile_rules(c: ScriptedConstants) -> Program:
    """The utility and top-up rules of ``c`` as one :class:`Program`."""
    b = Builder(COLUMNS)
    add_utility_rules(b, c)
    add_top_up_rules(b, c)
    return b.build(len(OPTION_NAMES))


def scores(
    x: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_], p: Program
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Utilities after the top-up (both passes) and the literal matrix."""
    u, lits = evaluate(x, p)
    return pre_sleep(u, mask, lits, p), lits


def decide_rows(
    x: npt.NDArray[np.float64],
    mask: npt.NDArray[np.bool_],
    alive: npt.NDArray[np.bool_],
    p: Program,
    margin: float,
) -> npt.NDArray[np.int32]:
    """Option ids for gathered rows ``x`` (the whole policy on arrays)."""
    u, _ = scores(x, mask, p)
    active = active_option(x[:, col.OPT0 : col.OPT0 + 7])
    return select(u, mask, active, x[:, col.BUSY] > 0.5, alive, margin)


PRIMITIVE_REFUSED = (
    "the scripted policy works in option mode only (learning.md 5.1); "
    "set actions.mode: option or choose another policy (e.g. --policy random)"
)


class ScriptedPolicy:
    """Utility-based scripted residents.

    Args:
        constants: the policy constants (default: from the default config).
        action_mode: must be ``option``.

    Raises:
        ProviderError: in primitive mode.

    >>> ScriptedPolicy(action_mode="primitive")
    Traceback (most recent call last):
    ...
    townlet.errors.ProviderError: the scripted policy works in option mode only ...
    """

    def __init__(
        self,
        constants: ScriptedConstants | None = None,
        action_mode: ActionMode = "option",
    ) -> None:
        if action_mode != "option":
            raise ProviderError(PRIMITIVE_REFUSED)
        self._c = (
            constants if constants is not None else ScriptedConstants.from_config(None)
        )
        self._program = compile_rules(self._c)
        self._index: npt.NDArray[np.intp] | None = None

    @classmethod
    def from_config(
        cls, config: TownletConfig | None, action_mode: ActionMode = "option"
    ) -> ScriptedPolicy:
        """A policy with the constants of ``config`` (``None``: the default)."""
        return cls(ScriptedConstants.from_config(config), action_mode)

    @property
    def provider(self) -> str:
        """Always ``scripted``."""
        return "scripted"

    @property
    def action_mode(self) -> ActionMode:
        """Always ``option``."""
        return "option"

    @property
    def constants(self) -> ScriptedConstants:
        """The constants in use."""
        return self._c

    def on_episode_start(self, spec: ObservationSpec, agent_ids: Sequence[str]) -> None:
        """Look the feature columns up by name.

        Raises:
            ProviderError: the spec is not option mode or lacks a needed feature.
        """
        if spec.action_mode != "option" or tuple(spec.action_names) != OPTION_NAMES:
            raise ProviderError(PRIMITIVE_REFUSED)
        self._index = column_index(spec.features)

    def decide(self, batch: ObservationBatch) -> npt.NDArray[np.int32]:
        """One option id per row (0 for rows not alive).

        Raises:
            ProviderError: ``on_episode_start`` was not called.
        """
        index = self._index
        if index is None:
            index = self._index_for(batch.spec)
        rows = len(batch.agent_ids)
        buffers = batch.buffers
        x = buffers.features[:rows].take(index, axis=1).astype(np.float64)
        mask = buffers.action_mask[:rows] != 0
        return decide_rows(
            x, mask, buffers.alive[:rows], self._program, self._c.switch_margin
        )

    def _index_for(self, spec: ObservationSpec) -> npt.NDArray[np.intp]:
        """Look columns up on first use (callers that skip ``on_episode_start``)."""
        self.on_episode_start(spec, ())
        assert self._index is not None
        return self._index

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        """No learning."""

    def on_episode_end(self) -> None:
        """Nothing to release."""

    def identity(self) -> PolicyIdentity:
        """``scripted``, version 1, no checkpoint."""
        return PolicyIdentity(name="scripted", version="1")
