"""The reward engine: one tick's ``StepResult`` and state tree in, rewards out.

One implementation for both worlds (learning.md 3.1): it reads the ``StepResult``
arrays (needs, wages, :class:`~townlet.core.types.RowFlags`) through
:func:`townlet.rewards.rows.row_rewards`, and the tick's events and ties only from
social stage C1 on (see :mod:`townlet.rewards.tree`).

    engine = RewardEngine(RewardParams.from_config(config))
    out = engine.step(result, world.export_state)   # once per tick
    out.total, out.components, out.as_columns(), out.as_telemetry()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import REWARD_COMPONENTS, StepResult
from townlet.errors import SimulationError
from townlet.rewards.assembly import CLIP, GUARD
from townlet.rewards.params import STAGES, RewardParams
from townlet.rewards.rows import row_rewards
from townlet.rewards.social import AvoidMemory, chat_terms
from townlet.rewards.tree import TreeRows

__all__ = ["RewardBreakdown", "RewardEngine", "TreeSource"]

_CHAT_EVENTS = frozenset({"chat_succeeded", "chat_failed"})

TreeSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None
"""A state tree, a callable returning one, or ``None``."""


@dataclass(frozen=True)
class RewardBreakdown:
    """Rewards of one tick, rows aligned with ``agent_ids``.

    Attributes:
        agent_ids: the rows (the ``StepResult``'s).
        components: ``(N, 12)`` float32 in ``REWARD_COMPONENTS`` order.
        total: ``(N,)`` float32.
    """

    agent_ids: list[str]
    components: npt.NDArray[np.float32]
    total: npt.NDArray[np.float32]

    def as_columns(self) -> dict[str, Any]:
        """The ``loop.rewards`` payload: ``{names, agents, total, components}`` with
        the float32 arrays as they are (encoders write them as lists; no per-agent
        dicts are built on the hot path)."""
        return {
            "names": REWARD_COMPONENTS,
            "agents": self.agent_ids,
            "total": self.total,
            "components": self.components,
        }

    def as_telemetry(self) -> dict[str, dict[str, Any]]:
        """``{agent_id: {total, components: {name: value}}}`` (operations.md 1.3)."""
        names = REWARD_COMPONENTS
        return {
            agent_id: {"total": total, "components": dict(zip(names, row, strict=True))}
            for agent_id, total, row in zip(
                self.agent_ids,
                self.total.tolist(),
                self.components.tolist(),
                strict=True,
            )
        }


class RewardEngine:
    """Per-tick rewards of learning.md 3 (components, assembly, guardrails, stages).

    Args:
        params: resolved reward settings.

    Attributes:
        clipped: agent-ticks with ``clip_adj != 0`` so far (3.3 rule 3).
        guarded: agent-ticks with ``guard_adj != 0`` so far.
    """

    def __init__(self, params: RewardParams) -> None:
        self.params = params
        self.stage: str = params.rewards.social_stage
        self._avoid = AvoidMemory()
        self.clipped = 0
        self.guarded = 0

    def set_stage(self, stage: str) -> None:
        """Switch the social stage (a training schedule does this).

        Raises:
            SimulationError: for a stage other than off, C1, C2, C3.
        """
        if stage not in STAGES:
            raise SimulationError(f"rewards.social_stage: unknown stage {stage!r}")
        self.stage = stage

    def export_state(self) -> dict[str, Any]:
        """The engine state a snapshot keeps: the stage and the avoid memory."""
        return {"stage": self.stage, "avoid": self._avoid.export()}

    def import_state(self, node: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` ."""
        self.set_stage(str(node["stage"]))
        self._avoid.restore(node["avoid"])

    def step(self, result: StepResult, tree: TreeSource = None) -> RewardBreakdown:
        """Rewards of the tick ``result`` describes.

        Args:
            result: the step's outcome; its arrays and flags carry everything but
                the ties the chat terms read.
            tree: ``world.export_state()`` after the step, or a zero-argument
                callable returning it; read only when the stage is C1 or later and
                the tick has a chat event.

        Raises:
            SimulationError: a needed tree is missing or its agents are not the
                result's rows.
        """
        social = self._social(result, tree)
        comps, total = row_rewards(
            self.params,
            result.needs_before,
            result.needs_after,
            result.wages,
            result.flags,
            social,
        )
        self.clipped += int(np.count_nonzero(comps[:, CLIP]))
        self.guarded += int(np.count_nonzero(comps[:, GUARD]))
        return RewardBreakdown(list(result.agent_ids), comps, total)

    def _social(
        self, result: StepResult, tree: TreeSource
    ) -> npt.NDArray[np.float64] | None:
        """The chat, chat_fail and avoid columns, or ``None`` below stage C1."""
        p = self.params
        if not p.stage_at_least(self.stage, "C1"):
            return None
        events = result.events
        ids = list(result.agent_ids)
        social = np.zeros((len(ids), 3), dtype=np.float64)
        if any(e["name"] in _CHAT_EVENTS for e in events):
            rows = TreeRows.read(_resolve(tree))
            if rows.ids != ids:
                raise SimulationError(
                    "reward engine: state tree agents differ from the StepResult rows"
                )
            social[:, 0], social[:, 1] = chat_terms(
                events, rows, result.needs_after, p, self.stage
            )
        if p.stage_at_least(self.stage, "C2"):
            social[:, 2] = self._avoid.terms(
                result.tick, events, ids, p.rewards.C2_avoid
            )
        return social


def _resolve(tree: TreeSource) -> Mapping[str, Any]:
    if tree is None:
        raise SimulationError(
            "reward engine: stage C1+ chat terms need the state tree after the step"
        )
    return tree() if callable(tree) else tree
