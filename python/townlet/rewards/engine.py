"""The reward engine: one tick's ``StepResult`` and state tree in, rewards out.

One implementation for both worlds (learning.md 3.1): it reads only the
``StepResult`` and the exported state tree (see :mod:`townlet.rewards.tree`).

    engine = RewardEngine(RewardParams.from_config(config))
    engine.prime(world.export_state())                  # after reset / import
    out = engine.step(result, world.export_state())     # once per tick
    out.total, out.components, out.as_telemetry()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import REWARD_COMPONENTS, StepResult
from townlet.errors import SimulationError
from townlet.rewards.assembly import CLIP, GUARD, TERMINAL, assemble
from townlet.rewards.needs_terms import homeostasis, shaping
from townlet.rewards.params import STAGES, RewardParams
from townlet.rewards.social import AvoidMemory, chat_terms
from townlet.rewards.tree import TreeRows
from townlet.rewards.wages import WageTracker

__all__ = ["RewardBreakdown", "RewardEngine"]


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

    def as_telemetry(self) -> dict[str, dict[str, Any]]:
        """``{agent_id: {total, components: {name: value}}}`` (operations.md 1.3)."""
        comps = self.components.tolist()
        totals = self.total.tolist()
        return {
            agent_id: {
                "total": totals[i],
                "components": dict(zip(REWARD_COMPONENTS, comps[i], strict=True)),
            }
            for i, agent_id in enumerate(self.agent_ids)
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
        self._wages = WageTracker()
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

    def prime(self, tree: Mapping[str, Any]) -> None:
        """Remember the shift records of ``tree`` (call after reset or import)."""
        self._wages.prime(TreeRows.read(tree))

    def export_state(self) -> dict[str, Any]:
        """The engine state a snapshot keeps: the stage and the avoid memory."""
        return {"stage": self.stage, "avoid": self._avoid.export()}

    def import_state(self, node: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` (then :meth:`prime` from the world's tree)."""
        self.set_stage(str(node["stage"]))
        self._avoid.restore(node["avoid"])

    def step(self, result: StepResult, tree: Mapping[str, Any]) -> RewardBreakdown:
        """Rewards of the tick ``result`` describes; ``tree`` is the state after it.

        Raises:
            SimulationError: the tree's agents are not the result's rows.
        """
        rows = TreeRows.read(tree)
        if rows.ids != list(result.agent_ids):
            raise SimulationError(
                "reward engine: state tree agents differ from the StepResult rows"
            )
        n = len(rows.ids)
        r, p = self.params.rewards, self.params
        index = {agent_id: i for i, agent_id in enumerate(rows.ids)}
        terminated = np.zeros(n, dtype=np.bool_)
        terminal = np.zeros(n, dtype=np.float64)
        penalty = {"faint": r.faint_penalty, "eviction": r.eviction_penalty}
        for agent_id, reason in result.terminated:
            if agent_id in index:
                terminated[index[agent_id]] = True
                terminal[index[agent_id]] = penalty.get(reason, 0.0)
        events = result.events
        late: set[str] = set()
        punctual = np.zeros(n, dtype=np.float64)
        lateness = np.zeros(n, dtype=np.float64)
        for event in events:
            name = event["name"]
            if name == "shift_started":
                i = index.get(event["agent_id"])
                if i is None:
                    continue
                if event["status"] == "late":
                    late.add(event["agent_id"])
                    lateness[i] += -r.late_penalty
                else:
                    punctual[i] += r.punctuality_bonus
            elif name == "shift_absent" and event["agent_id"] in index:
                lateness[index[event["agent_id"]]] += -r.absence_penalty
        comps = np.zeros((n, len(REWARD_COMPONENTS)), dtype=np.float64)
        comps[:, 0] = r.survival_tick
        comps[:, 1] = homeostasis(result.needs_after, r.needs_scale)
        if r.shaping:
            comps[:, 2] = shaping(
                result.needs_before,
                result.needs_after,
                terminated,
                r.phi_scale,
                r.shaping_gamma,
            )
        wages = self._wages.credited(rows, p.job_wages, p.lateness_fine, late)
        comps[:, 3] = p.wage_coeff * wages
        comps[:, 4] = punctual
        comps[:, 5] = lateness
        comps[:, 6], comps[:, 7] = chat_terms(
            events, rows, result.needs_after, p, self.stage
        )
        if p.stage_at_least(self.stage, "C2"):
            comps[:, 8] = self._avoid.terms(result.tick, events, rows, r.C2_avoid)
        comps[:, TERMINAL] = terminal
        spawned = [index[a] for a in result.spawned if a in index]
        comps[spawned, :] = 0.0
        guard = terminated | (rows.hunger_low >= 1) | rows.exit_pending
        comps32, total = assemble(comps, guard, clip=r.clip_per_tick)
        self.clipped += int(np.count_nonzero(comps[:, CLIP]))
        self.guarded += int(np.count_nonzero(comps[:, GUARD]))
        return RewardBreakdown(list(rows.ids), comps32, total)
